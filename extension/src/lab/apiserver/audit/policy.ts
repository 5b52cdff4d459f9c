/**
 * policy evaluates an audit Policy for a request as upstream's
 * audit/policy/checker.go: rules in order, the first whose users, groups,
 * verbs and resources (or non-resource URLs) all match decides the level;
 * a request no rule matches is not audited.
 */
import type { AuthorizationAttributes } from '../auth/types';
import type { AuditLevel, AuditPolicy, AuditStage, GroupResources, PolicyRule } from './types';

/** RequestAuditConfig is how one request is audited. */
export interface RequestAuditConfig {
  level: AuditLevel;
  /** omitStages is the union of the policy's and the matching rule's. */
  omitStages: AuditStage[];
  omitManagedFields: boolean;
}

/** evaluatePolicy returns the first matching rule's level, or None with the policy's omissions. */
export function evaluatePolicy(policy: AuditPolicy, attrs: AuthorizationAttributes): RequestAuditConfig {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, attrs)) {
      return {
        level: rule.level,
        omitStages: [...new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])])],
        omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
      };
    }
  }
  return { level: 'None', omitStages: policy.omitStages ?? [], omitManagedFields: policy.omitManagedFields ?? false };
}

/** ruleMatches is upstream's ruleMatches: resource fields take precedence over nonResourceURLs, and a rule with neither matches every URL. */
export function ruleMatches(r: PolicyRule, attrs: AuthorizationAttributes): boolean {
  if (r.users?.length && !r.users.includes(attrs.user.username)) return false;
  if (r.userGroups?.length && !attrs.user.groups.some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(attrs.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return resourceMatches(r, attrs);
  if (r.nonResourceURLs?.length) return !attrs.isResourceRequest && r.nonResourceURLs.some((spec) => pathMatches(attrs.path, spec));
  return true;
}

/** pathMatches allows `*`, an exact path, or a prefix ending in `*`. */
function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function resourceMatches(r: PolicyRule, attrs: AuthorizationAttributes): boolean {
  if (!attrs.isResourceRequest) return false;
  if (r.namespaces?.length && !r.namespaces.includes(attrs.namespace)) return false;
  if (!r.resources?.length) return true;
  return r.resources.some((gr) => groupResourcesMatch(gr, attrs));
}

/** groupResourcesMatch reads `res/sub`, `*`, `*\/sub` and `res/*`; resourceNames narrow every entry. */
function groupResourcesMatch(gr: GroupResources, attrs: AuthorizationAttributes): boolean {
  const group = gr.group ?? '';
  if (group !== attrs.apiGroup && group !== '*') return false;
  if (!gr.resources?.length) return true;
  if (gr.resourceNames?.length && !gr.resourceNames.includes(attrs.name)) return false;
  const { resource, subresource } = attrs;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return gr.resources.some((res) =>
    res === combined
    || res === '*'
    || (subresource !== '' && res.startsWith('*/') && res.slice(2) === subresource)
    || (res.endsWith('/*') && res.slice(0, -2) === resource));
}

/**
 * DEFAULT_AUDIT_POLICY is a short form of the policy upstream's GCE scripts
 * install (cluster/gce/gci/configure-helper.sh): skip the RequestReceived stage,
 * health checks, events and lease renewals (the lab's kubelets renew one per
 * node), keep secrets, configmaps and tokens at Metadata, and log everything
 * else at Metadata.
 */
export const DEFAULT_AUDIT_POLICY: AuditPolicy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/swagger*'] },
    { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
    { level: 'None', verbs: ['get', 'update'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
    { level: 'Metadata' },
  ],
};
