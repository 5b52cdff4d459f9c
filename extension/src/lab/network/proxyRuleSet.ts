/**
 * proxyRuleSet is the `proxyrulesets.lab.kubelab.dev/v1alpha1` resource: one
 * cluster-scoped object per node (named after it) holding the rules its
 * kube-proxy last wrote — spec.mode, status.text as the node's tools would
 * print them, status.rules as data, when and how often it synced.
 *
 * The objects are stored and written by each kube-proxy through the API
 * (create, then the status subresource), rather than computed by the API
 * server from a registry of proxies as request traces are: that keeps the rule
 * of the house that components talk only through the API server (the server
 * holds no reference to any kube-proxy), and a stored resource has watch,
 * resourceVersions and owner references for free — a live panel watches it
 * like any other object, and the Node's deletion collects it.
 */
import type { KubeObject } from '../api/types';
import type { ResourceRef } from '../client/resources';
import { type FieldError, invalidValue, notSupported, required } from '../apiserver/fieldErrors';
import { type ResourceType, def } from '../apiserver/resources';
import type { Strategy } from '../apiserver/strategy';
import { subdomainName } from '../apiserver/validation/objectMeta';
import type { PolicyRule, Role, Binding } from '../apiserver/auth/rbacTypes';
import type { KubeProxyMode } from '../lab';

export const LAB_GROUP = 'lab.kubelab.dev';
export const LAB_VERSION = 'v1alpha1';

/** PROXYRULESETS is the resource's endpoint for clients. */
export const PROXYRULESETS: ResourceRef = { group: LAB_GROUP, version: LAB_VERSION, resource: 'proxyrulesets', namespaced: false };

/** PROXY_MODES are the modes a rule set can be in, as kube-proxy's --proxy-mode on Linux. */
export const PROXY_MODES: readonly KubeProxyMode[] = ['iptables', 'ipvs', 'nftables'];

/** ProxyRuleSet is one node's kube-proxy rules. */
export interface ProxyRuleSet extends KubeObject {
  spec: { mode: KubeProxyMode };
  status?: {
    /** text is the rule set as the node would print it: iptables-save, ipvsadm -Ln, or nft list ruleset. */
    text?: string;
    /** rules is the rule set as data (chains, rules, matches, targets; virtual servers; maps), for tracers and panels. */
    rules?: unknown;
    /** truncated: the rule set is larger than one object may hold, so text is cut and rules are left out. */
    truncated?: boolean;
    lastSyncTime?: string;
    /** lastFullSyncTime is when every Service was last rewritten (a partial sync rewrites only the changed ones). */
    lastFullSyncTime?: string;
    syncs?: number;
    services?: number;
    endpoints?: number;
  };
}

function validate(obj: ProxyRuleSet): FieldError[] {
  const errs: FieldError[] = [];
  const mode = (obj.spec as { mode?: unknown } | undefined)?.mode;
  if (mode === undefined || mode === '') errs.push(required('spec.mode'));
  else if (!PROXY_MODES.includes(mode as KubeProxyMode)) errs.push(notSupported('spec.mode', mode, [...PROXY_MODES]));
  const syncs = obj.status?.syncs;
  if (syncs !== undefined && (!Number.isInteger(syncs) || syncs < 0)) errs.push(invalidValue('status.syncs', syncs, 'must be greater than or equal to 0'));
  return errs;
}

const strategy: Strategy<ProxyRuleSet> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  validate,
  validateUpdate: (obj) => validate(obj),
};

/** labResources are the lab's own stored resources in lab.kubelab.dev. */
export const labResources: readonly ResourceType[] = [
  def({ group: LAB_GROUP, version: LAB_VERSION, resource: 'proxyrulesets', kind: 'ProxyRuleSet', singularName: 'proxyruleset', namespaced: false, subresources: ['status'], strategy: strategy, categories: ['kubelab'] }),
];

/** KUBE_PROXY_ROLE names the lab's ClusterRole that lets kube-proxies publish their rule sets, beside upstream's system:node-proxier. */
export const KUBE_PROXY_ROLE = 'kubelab:kube-proxy';

/** kubeProxyPolicy is that ClusterRole and its binding to system:kube-proxy. */
export function kubeProxyPolicy(): { role: Role; binding: Binding } {
  const rules: PolicyRule[] = [
    { verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'], apiGroups: [LAB_GROUP], resources: ['proxyrulesets'] },
    { verbs: ['patch', 'update'], apiGroups: [LAB_GROUP], resources: ['proxyrulesets/status'] },
  ];
  return {
    role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: KUBE_PROXY_ROLE }, rules },
    binding: {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: KUBE_PROXY_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KUBE_PROXY_ROLE },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:kube-proxy' }],
    },
  };
}
