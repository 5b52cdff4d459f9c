/**
 * RBACAuthorizer is upstream's RBAC authorizer (plugin/pkg/auth/authorizer/rbac
 * and pkg/registry/rbac/validation/rule.go): a request is allowed when a rule of
 * a role bound to the user covers it — ClusterRoleBindings first, then the
 * RoleBindings of the request's namespace. It never denies; without a matching
 * rule it has no opinion, so the next authorizer (or the 403) decides.
 * DefaultRuleResolver walks those rules; the authorizer, its RulesFor
 * (SelfSubjectRulesReview) and the escalation check all read through one.
 *
 * Authorization runs on every request, so bindings are indexed by subject and
 * the index is rebuilt only when the cache's binding version moves: a check
 * costs a few map lookups per group of the user plus the rules of the roles
 * actually bound to them, never a scan of every binding.
 */
import type { Status } from '../../api/types';
import { badRequest, notFound } from '../errors';
import { aggregateMessage } from './aggregate';
import { ruleAllows } from './evaluationHelpers';
import { type Binding, type PolicyRule, RBAC_GROUP, type Role, type RoleRef, type Subject } from './rbacTypes';
import type { RulesInfo } from './rulesReview';
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

/**
 * RoleSource is where a resolver's roles come from, which decides how a missing
 * one reads: the authorizer's listers say `role.rbac.authorization.k8s.io "x"
 * not found`; the registry the escalation check reads (storage_rbac.go's
 * AuthorizerAdapters) says `roles.rbac.authorization.k8s.io "x" not found`, and
 * refuses a Role without a namespace as a bad request.
 */
export type RoleSource = 'lister' | 'registry';

/** RuleVisitor sees each rule bound to a user with a lazy description of its binding, or an error resolving one; false stops the walk. */
export type RuleVisitor = (rule: PolicyRule | undefined, source: (() => string) | undefined, error: string | undefined) => boolean;

/** DefaultRuleResolver is validation.DefaultRuleResolver over the server's cached RBAC objects. */
export class DefaultRuleResolver {
  private clusterIndex?: SubjectIndex;
  private clusterVersion = -1;
  private readonly namespaceIndexes = new Map<string, SubjectIndex>();
  private namespaceVersion = -1;

  constructor(private readonly cache: ObjectCache, private readonly source: RoleSource = 'lister') {}

  /** visitRulesFor is VisitRulesFor: the rules of the user's ClusterRoleBindings, then of its RoleBindings in namespace. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    for (const e of this.clusterBindings().bindingsFor(user)) {
      const got = this.getRoleReferenceRules(e.binding.roleRef, '');
      if ('error' in got) {
        if (!visit(undefined, undefined, got.error.message)) return;
        continue;
      }
      const describe = (): string => `ClusterRoleBinding ${quote(e.binding.metadata.name ?? '')} of ${e.binding.roleRef.kind} ${quote(e.binding.roleRef.name)} to ${describeSubject((e.binding.subjects ?? [])[e.subject], '')}`;
      for (const rule of got.rules) if (!visit(rule, describe, undefined)) return;
    }
    if (!namespace) return;
    for (const e of this.namespaceBindings(namespace).bindingsFor(user)) {
      const got = this.getRoleReferenceRules(e.binding.roleRef, namespace);
      if ('error' in got) {
        if (!visit(undefined, undefined, got.error.message)) return;
        continue;
      }
      const describe = (): string => `RoleBinding ${quote(`${e.binding.metadata.name ?? ''}/${namespace}`)} of ${e.binding.roleRef.kind} ${quote(e.binding.roleRef.name)} to ${describeSubject((e.binding.subjects ?? [])[e.subject], namespace)}`;
      for (const rule of got.rules) if (!visit(rule, describe, undefined)) return;
    }
  }

  /** rulesFor is RulesFor: every rule bound to user in namespace, and the errors met resolving them (the rules found still count). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (rule, _source, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    });
    return { rules, errors };
  }

  /**
   * getRoleReferenceRules is GetRoleReferenceRules: the rules of the Role (in
   * the binding's namespace) or ClusterRole a roleRef names. Errors are the
   * Statuses the lookup returns; an unknown kind is a plain error, which the
   * API server answers as a reasonless 500.
   */
  getRoleReferenceRules(ref: RoleRef, bindingNamespace: string): { rules: readonly PolicyRule[] } | { error: Status } {
    const registry = this.source === 'registry';
    let role: Role | undefined;
    switch (ref.kind) {
      case 'Role':
        if (registry && !bindingNamespace) return { error: badRequest('Namespace parameter required.') };
        role = this.cache.get(RBAC_GROUP, 'roles', bindingNamespace, ref.name);
        return role ? { rules: role.rules ?? [] } : { error: notFound({ group: RBAC_GROUP, resource: registry ? 'roles' : 'role' }, ref.name) };
      case 'ClusterRole':
        role = this.cache.get(RBAC_GROUP, 'clusterroles', '', ref.name);
        return role ? { rules: role.rules ?? [] } : { error: notFound({ group: RBAC_GROUP, resource: registry ? 'clusterroles' : 'clusterrole' }, ref.name) };
      default:
        return { error: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `unsupported role reference kind: ${quote(ref.kind)}`, code: 500 } };
    }
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

/** RBACAuthorizer allows what the user's bound roles allow and otherwise has no opinion. */
export class RBACAuthorizer implements Authorizer {
  private readonly resolver: DefaultRuleResolver;

  constructor(cache: ObjectCache) {
    this.resolver = new DefaultRuleResolver(cache, 'lister');
  }

  /** authorize is Authorize with the authorizing visitor: the first rule that covers the request names its binding in the reason. */
  authorize(a: AuthorizationAttributes): Decision {
    const errors: string[] = [];
    let allowedBy: string | undefined;
    let allowing: PolicyRule | undefined;
    this.resolver.visitRulesFor(a.user, a.namespace, (rule, source, error) => {
      if (rule && source && ruleAllows(a, rule)) {
        allowedBy = source();
        allowing = rule;
        return false;
      }
      if (error) errors.push(error);
      return true;
    });
    if (allowedBy) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}`, ...(allowing ? { rule: allowing } : {}) };
    return { decision: 'noOpinion', reason: errors.length ? `RBAC: ${aggregateMessage(errors)}` : '' };
  }

  /**
   * rulesFor is RBACAuthorizer.RulesFor: the user's rules split into resource
   * rules (those naming resources) and non-resource rules (those naming URLs).
   * RBAC can always list what it grants, so the answer is never incomplete.
   */
  rulesFor(user: UserInfo, namespace: string): RulesInfo {
    const { rules, errors } = this.resolver.rulesFor(user, namespace);
    const info: RulesInfo = { resourceRules: [], nonResourceRules: [], incomplete: false, errors };
    for (const r of rules) {
      if (r.resources?.length) info.resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources, resourceNames: r.resourceNames ?? [] });
      if (r.nonResourceURLs?.length) info.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    }
    return info;
  }
}
