/**
 * escalation is RBAC's privilege-escalation prevention, as the policybased
 * storages of pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}
 * wrap the plain ones: nobody may write a Role or ClusterRole that grants more
 * than they hold, nor bind a role whose permissions they lack.
 *
 * A member of system:masters may (EscalationAllowed); so may a user the full
 * authorizer chain lets `escalate` the role being written
 * (RoleEscalationAuthorized) or `bind` the role a binding names
 * (BindingAuthorized), all in pkg/registry/rbac/escalation_check.go. Anyone
 * else's own rules must cover what they grant (ConfirmNoEscalation in
 * pkg/registry/rbac/validation/rule.go). Those rules come from the RBAC objects
 * alone, whatever the authorization mode, read as storage_rbac.go's registry
 * adapters read them — so a missing role reads `roles.rbac…`, not the
 * authorizer's `role.rbac…`.
 */
import type { KubeObject, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { forbidden } from '../errors';
import { goQuote } from '../patch/goFormat';
import type { RequestInfo } from '../requestInfo';
import { aggregateMessage } from './aggregate';
import { compactString } from './evaluationHelpers';
import { compactRules, covers } from './policyComparator';
import { DefaultRuleResolver } from './rbacAuthorizer';
import { type Binding, type PolicyRule, RBAC_GROUP, type Role, type RoleRef } from './rbacTypes';
import type { Authorizer, ObjectCache, UserInfo } from './types';
import { SYSTEM_PRIVILEGED_GROUP } from './user';

/** EscalationRequest is a write to an RBAC object: who makes it, the request it came as, and what judges it. */
export interface EscalationRequest {
  user: UserInfo;
  info: Pick<RequestInfo, 'isResourceRequest' | 'group' | 'resource' | 'namespace' | 'name'>;
  /** authorizer is the API server's whole chain, asked about `escalate` and `bind`. */
  authorizer: Authorizer;
  /** cache holds the RBAC objects the writer's own rules are resolved from. */
  cache: ObjectCache;
}

/** AGGREGATION_RULE_FORBIDDEN is why a ClusterRole with an aggregationRule needs every permission: it can gather anything. */
export const AGGREGATION_RULE_FORBIDDEN = 'must have cluster-admin privileges to use the aggregationRule';

/** fullAuthority is cluster-admin's rules: `*` on every resource of every group, and on every URL. */
const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

const ROLE_RESOURCES = new Set(['roles', 'clusterroles']);

/** escalationAllowed is EscalationAllowed: system:masters holds everything, as the API server's loopback client does. */
export function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_PRIVILEGED_GROUP);
}

/** roleEscalationAuthorized is RoleEscalationAuthorized: may the user `escalate` the Role or ClusterRole the request names? */
export async function roleEscalationAuthorized(authorizer: Authorizer, user: UserInfo, info: EscalationRequest['info']): Promise<boolean> {
  if (!info.isResourceRequest || info.group !== RBAC_GROUP || !ROLE_RESOURCES.has(info.resource)) return false;
  const d = await authorizer.authorize({
    user, verb: 'escalate', isResourceRequest: true, path: '',
    apiGroup: info.group, apiVersion: '*', resource: info.resource, subresource: '', namespace: info.namespace, name: info.name,
  });
  return d.decision === 'allow';
}

/**
 * bindingAuthorized is BindingAuthorized: may the user `bind` the role roleRef
 * names, in the binding's namespace ('' for a ClusterRoleBinding)? A roleRef
 * of any other kind is never authorized.
 */
export async function bindingAuthorized(authorizer: Authorizer, user: UserInfo, roleRef: RoleRef, bindingNamespace: string): Promise<boolean> {
  const resource = roleRef.kind === 'ClusterRole' ? 'clusterroles' : roleRef.kind === 'Role' ? 'roles' : undefined;
  if (!resource) return false;
  const d = await authorizer.authorize({
    user, verb: 'bind', isResourceRequest: true, path: '',
    apiGroup: roleRef.apiGroup, apiVersion: '*', resource, subresource: '', namespace: bindingNamespace, name: roleRef.name,
  });
  return d.decision === 'allow';
}

/**
 * confirmNoEscalation is ConfirmNoEscalation: undefined when the user's rules
 * in namespace cover rules, else why not — every missing permission, compacted
 * and sorted, and any error met resolving the user's own rules.
 */
export function confirmNoEscalation(user: UserInfo, namespace: string, resolver: DefaultRuleResolver, rules: readonly PolicyRule[]): string | undefined {
  const owner = resolver.rulesFor(user, namespace);
  const { covered, missing } = covers(owner.rules, rules);
  if (covered) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${goQuote(user.username)} (groups=[${user.groups.map(goQuote).join(' ')}]) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  // Upstream prints a []error holding RulesFor's one aggregate error: `[<aggregate>]`.
  if (owner.errors.length) msg += `; resolution errors: [${aggregateMessage(owner.errors)}]`;
  return msg;
}

const resolvers = new WeakMap<ObjectCache, DefaultRuleResolver>();

/** registryResolver is the escalation check's rule resolver over cache, built once per cache. */
function registryResolver(cache: ObjectCache): DefaultRuleResolver {
  let r = resolvers.get(cache);
  if (!r) resolvers.set(cache, (r = new DefaultRuleResolver(cache, 'registry')));
  return r;
}

/**
 * escalationCheck runs the policybased storage of obj's resource on a create
 * (no old) or an update: undefined lets the write go on, a Status refuses it.
 * Other resources pass untouched.
 */
export async function escalationCheck(req: EscalationRequest, obj: KubeObject, old?: KubeObject): Promise<Status | undefined> {
  if (req.info.group !== RBAC_GROUP) return undefined;
  const { user, info } = req;
  const gr = { group: RBAC_GROUP, resource: info.resource };
  const name = obj.metadata.name ?? '';
  const resolver = registryResolver(req.cache);
  switch (info.resource) {
    case 'roles':
    case 'clusterroles': {
      if (escalationAllowed(user) || (await roleEscalationAuthorized(req.authorizer, user, info))) return undefined;
      // A garbage collector removing finalizers or owner references grants nothing.
      if (old && onlyMutatingGCFields(obj, old)) return undefined;
      const denied = confirmNoEscalation(user, info.namespace, resolver, (obj as Role).rules ?? []);
      if (denied) return forbidden(gr, name, denied);
      // An aggregationRule can gather anything, and dropping one can block tightening: it takes every permission.
      if (info.resource === 'clusterroles' && (hasAggregationRule(obj) || (old && hasAggregationRule(old)))) {
        if (confirmNoEscalation(user, info.namespace, resolver, fullAuthority)) return forbidden(gr, name, AGGREGATION_RULE_FORBIDDEN);
      }
      return undefined;
    }
    case 'rolebindings':
    case 'clusterrolebindings': {
      if (escalationAllowed(user)) return undefined;
      if (old && onlyMutatingGCFields(obj, old)) return undefined;
      const roleRef = (obj as Binding).roleRef ?? { apiGroup: '', kind: '', name: '' };
      const namespace = info.resource === 'rolebindings' ? info.namespace : '';
      if (await bindingAuthorized(req.authorizer, user, roleRef, namespace)) return undefined;
      const got = resolver.getRoleReferenceRules(roleRef, namespace);
      if ('error' in got) return got.error;
      const denied = confirmNoEscalation(user, info.namespace, resolver, got.rules);
      return denied ? forbidden(gr, name, denied) : undefined;
    }
    default:
      return undefined;
  }
}

/** checkEscalation is escalationCheck for the write in ctx, judged by its server's authorizer and cache. */
export function checkEscalation(ctx: HandlerContext, obj: KubeObject, old?: KubeObject): Promise<Status | undefined> {
  return escalationCheck({ user: ctx.user, info: ctx.info, authorizer: ctx.server.authorizer, cache: ctx.server.cache }, obj, old);
}

function hasAggregationRule(obj: KubeObject): boolean {
  return ((obj as Role).aggregationRule?.clusterRoleSelectors?.length ?? 0) > 0;
}

/**
 * onlyMutatingGCFields is IsOnlyMutatingGCFields: obj differs from old in
 * nothing but owner references, finalizers and selfLink, compared as
 * Semantic.DeepEqual compares (an empty list or map is an unset one).
 */
export function onlyMutatingGCFields(obj: KubeObject, old: KubeObject): boolean {
  const { ownerReferences: _o, finalizers: _f, selfLink: _s, ...meta } = obj.metadata as KubeObject['metadata'] & { selfLink?: string };
  const { ownerReferences: _oo, finalizers: _of, selfLink: _os, ...oldMeta } = old.metadata as KubeObject['metadata'] & { selfLink?: string };
  return semanticEqual({ ...obj, metadata: meta }, { ...old, metadata: oldMeta });
}

/** isUnset is a JSON value Go decodes to its zero: null, an empty string, list or map. */
function isUnset(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.values(v as Record<string, unknown>).every(isUnset);
}

function semanticEqual(a: unknown, b: unknown): boolean {
  if (isUnset(a) || isUnset(b)) return isUnset(a) && isUnset(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((k) => semanticEqual(x[k], y[k]));
  }
  return a === b;
}
