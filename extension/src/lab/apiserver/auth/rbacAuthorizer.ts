/**
 * RBACAuthorizer is upstream's RBAC authorizer (plugin/pkg/auth/authorizer/rbac
 * and pkg/registry/rbac/validation/rule.go): a request is allowed when a rule of
 * a role bound to the user covers it — ClusterRoleBindings first, then the
 * RoleBindings of the request's namespace. It never denies; without a matching
 * rule it has no opinion, so the next authorizer (or the 403) decides.
 *
 * Authorization runs on every request, so bindings are indexed by subject and
 * the index is rebuilt only when the cache's binding version moves: a check
 * costs a few map lookups per group of the user plus the rules of the roles
 * actually bound to them, never a scan of every binding.
 */
import { aggregateMessage } from './aggregate';
import { ruleAllows } from './evaluationHelpers';
import { type Binding, type PolicyRule, RBAC_GROUP, type Role, type Subject } from './rbacTypes';
import type { AuthorizationAttributes, Authorizer, Decision, ObjectCache, UserInfo } from './types';
import { serviceAccountUsername } from './user';

/** Entry is one binding and the first of its subjects that names a given user or group. */
interface Entry {
  binding: Binding;
  position: number;
  subject: number;
}

/** SubjectIndex maps `u:<username>` and `g:<group>` to the bindings granting to them, in binding order. */
class SubjectIndex {
  private readonly bySubject = new Map<string, Entry[]>();

  /** constructor indexes bindings (sorted by name, as a list from the store returns them) for one scope. */
  constructor(bindings: readonly Binding[], namespace: string) {
    const sorted = [...bindings].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    sorted.forEach((binding, position) => {
      const seen = new Set<string>();
      (binding.subjects ?? []).forEach((s, subject) => {
        const key = subjectKey(s, namespace);
        if (key === undefined || seen.has(key)) return;
        seen.add(key);
        let entries = this.bySubject.get(key);
        if (!entries) this.bySubject.set(key, (entries = []));
        entries.push({ binding, position, subject });
      });
    });
  }

  /** bindingsFor lists the bindings that apply to user, each with its first applying subject, in binding order. */
  bindingsFor(user: UserInfo): Entry[] {
    const byPosition = new Map<number, Entry>();
    const visit = (key: string): void => {
      for (const e of this.bySubject.get(key) ?? []) {
        const seen = byPosition.get(e.position);
        if (!seen || e.subject < seen.subject) byPosition.set(e.position, e);
      }
    };
    visit(`u:${user.username}`);
    for (const g of user.groups) visit(`g:${g}`);
    return [...byPosition.values()].sort((a, b) => a.position - b.position);
  }
}

/**
 * subjectKey is appliesToUser turned into a lookup key. A ServiceAccount
 * subject is its username; without a namespace it takes the RoleBinding's, and
 * in a ClusterRoleBinding it then names nobody.
 */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User': return `u:${s.name}`;
    case 'Group': return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `u:${serviceAccountUsername(ns, s.name)}` : undefined;
    }
    default: return undefined;
  }
}

/** describeSubject prints a subject as the allow reason names it; a service account as `name/namespace`. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${quote(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${quote(s.name)}`;
}

/** quote is Go's %q for the names RBAC prints. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** RBACAuthorizer allows what the user's bound roles allow and otherwise has no opinion. */
export class RBACAuthorizer implements Authorizer {
  private clusterIndex?: SubjectIndex;
  private clusterVersion = -1;
  private readonly namespaceIndexes = new Map<string, SubjectIndex>();
  private namespaceVersion = -1;

  constructor(private readonly cache: ObjectCache) {}

  authorize(a: AuthorizationAttributes): Decision {
    const errors: string[] = [];
    const allowedBy = this.allowedBy(a, errors);
    if (allowedBy) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
    return { decision: 'noOpinion', reason: errors.length ? `RBAC: ${aggregateMessage(errors)}` : '' };
  }

  /**
   * allowedBy is VisitRulesFor with the authorizing visitor: it walks the rules
   * bound to the user, cluster-wide then in the request's namespace, and
   * describes the binding of the first rule that covers the request.
   */
  private allowedBy(a: AuthorizationAttributes, errors: string[]): string | undefined {
    const { user, namespace } = a;
    const stop = (rule: PolicyRule): boolean => ruleAllows(a, rule);
    for (const e of this.clusterBindings().bindingsFor(user)) {
      const rules = this.roleRules(e.binding, '', errors);
      if (rules?.some(stop)) return `ClusterRoleBinding ${quote(e.binding.metadata.name ?? '')} of ${e.binding.roleRef.kind} ${quote(e.binding.roleRef.name)} to ${describeSubject((e.binding.subjects ?? [])[e.subject], '')}`;
    }
    if (!namespace) return undefined;
    for (const e of this.namespaceBindings(namespace).bindingsFor(user)) {
      const rules = this.roleRules(e.binding, namespace, errors);
      if (rules?.some(stop)) return `RoleBinding ${quote(`${e.binding.metadata.name ?? ''}/${namespace}`)} of ${e.binding.roleRef.kind} ${quote(e.binding.roleRef.name)} to ${describeSubject((e.binding.subjects ?? [])[e.subject], namespace)}`;
    }
    return undefined;
  }

  /** roleRules is GetRoleReferenceRules, with the lister's not-found wording for missing roles. */
  private roleRules(binding: Binding, namespace: string, errors: string[]): readonly PolicyRule[] | undefined {
    const ref = binding.roleRef;
    let role: Role | undefined;
    if (ref.kind === 'Role') {
      role = this.cache.get(RBAC_GROUP, 'roles', namespace, ref.name);
      if (!role) errors.push(`role.${RBAC_GROUP} ${quote(ref.name)} not found`);
    } else if (ref.kind === 'ClusterRole') {
      role = this.cache.get(RBAC_GROUP, 'clusterroles', '', ref.name);
      if (!role) errors.push(`clusterrole.${RBAC_GROUP} ${quote(ref.name)} not found`);
    } else {
      errors.push(`unsupported role reference kind: ${quote(ref.kind)}`);
    }
    return role ? (role.rules ?? []) : undefined;
  }

  private clusterBindings(): SubjectIndex {
    const version = this.cache.version(RBAC_GROUP, 'clusterrolebindings');
    if (!this.clusterIndex || version !== this.clusterVersion) {
      this.clusterIndex = new SubjectIndex(this.cache.list(RBAC_GROUP, 'clusterrolebindings') as readonly Binding[], '');
      this.clusterVersion = version;
    }
    return this.clusterIndex;
  }

  /** namespaceBindings indexes one namespace's RoleBindings on first use after any RoleBinding changed. */
  private namespaceBindings(namespace: string): SubjectIndex {
    const version = this.cache.version(RBAC_GROUP, 'rolebindings');
    if (version !== this.namespaceVersion) {
      this.namespaceIndexes.clear();
      this.namespaceVersion = version;
    }
    let index = this.namespaceIndexes.get(namespace);
    if (!index) this.namespaceIndexes.set(namespace, (index = new SubjectIndex(this.cache.list(RBAC_GROUP, 'rolebindings', namespace) as readonly Binding[], namespace)));
    return index;
  }
}
