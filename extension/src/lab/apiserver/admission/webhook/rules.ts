/**
 * rules decides whether a request falls under a webhook rule, as upstream's
 * predicates/rules: scope, operation, group, version and resource (with
 * subresource) must all match, `*` matching anything in its slot.
 */
import type { Operation } from '../admission';
import type { GroupVersionKind, GroupVersionResource, RuleWithOperations } from './types';

/** RuleAttributes is the part of a request a rule looks at. */
export interface RuleAttributes {
  operation: Operation;
  resource: GroupVersionResource;
  subresource: string;
  /** namespace is the request's namespace; for a namespace object itself, its name. */
  namespace: string;
}

/** ruleMatches reports whether every part of the rule admits the request. */
export function ruleMatches(rule: RuleWithOperations, a: RuleAttributes): boolean {
  return scopeMatches(rule, a)
    && (rule.operations ?? []).some((op) => op === '*' || op === a.operation)
    && exactOrWildcard(rule.apiGroups, a.resource.group)
    && exactOrWildcard(rule.apiVersions, a.resource.version)
    && resourceMatches(rule.resources ?? [], a.resource.resource, a.subresource);
}

function exactOrWildcard(items: readonly string[] | undefined, requested: string): boolean {
  return (items ?? []).some((item) => item === '*' || item === requested);
}

function isNamespaceResource(r: GroupVersionResource): boolean {
  return r.group === '' && r.version === 'v1' && r.resource === 'namespaces';
}

/** scopeMatches treats a namespace object as cluster-scoped, though its requests carry its own name as namespace. */
function scopeMatches(rule: RuleWithOperations, a: RuleAttributes): boolean {
  switch (rule.scope ?? '*') {
    case '*': return true;
    case 'Namespaced': return !isNamespaceResource(a.resource) && a.namespace !== '';
    case 'Cluster': return isNamespaceResource(a.resource) || a.namespace === '';
    default: return false;
  }
}

/** resourceMatches reads `res/sub` entries: `*` in either half matches anything, and a bare `res` matches only the main resource. */
function resourceMatches(resources: readonly string[], resource: string, subresource: string): boolean {
  return resources.some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

const EXEMPT_KINDS: ReadonlySet<string> = new Set([
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
]);

/** isExemptAdmissionConfigurationResource keeps webhooks off their own configuration, so a broken webhook can always be removed. */
export function isExemptAdmissionConfigurationResource(kind: GroupVersionKind): boolean {
  return kind.group === 'admissionregistration.k8s.io' && EXEMPT_KINDS.has(kind.kind);
}
