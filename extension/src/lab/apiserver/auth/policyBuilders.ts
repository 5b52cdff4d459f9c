/**
 * policyBuilders make the bootstrap policy's objects as rbac/v1's helpers do
 * (NewRule(...).Groups(...).Resources(...).RuleOrDie(), NewClusterBinding…):
 * rule fields sorted, and every object labelled `kubernetes.io/bootstrapping:
 * rbac-defaults` and annotated for auto-update (addDefaultMetadata).
 */
import type { LabelSelector } from '../../api/types';
import { type Binding, type PolicyRule, RBAC_GROUP, type Role, type Subject } from './rbacTypes';

/** The verb sets upstream's policy names. */
export const READ = ['get', 'list', 'watch'];
export const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
export const READ_WRITE = [...READ, ...WRITE];
export const READ_UPDATE = ['get', 'list', 'watch', 'update', 'patch'];

const API_VERSION = `${RBAC_GROUP}/v1`;
const DEFAULT_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
/** The autoupdate annotation lets the API server reconcile the object back to its defaults at start. */
const DEFAULT_ANNOTATIONS = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** rule is a resource rule: verbs on resources of groups, optionally only the named objects. */
export function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[], names: readonly string[] = []): PolicyRule {
  return { verbs: sorted(verbs), apiGroups: sorted(groups), resources: sorted(resources), ...(names.length ? { resourceNames: sorted(names) } : {}) };
}

/** urlRule is a non-resource rule: verbs on URL paths (a trailing `*` is a prefix). */
export function urlRule(verbs: readonly string[], urls: readonly string[]): PolicyRule {
  return { verbs: sorted(verbs), nonResourceURLs: sorted(urls) };
}

/** eventsRule lets a component record events through either events API. */
export function eventsRule(): PolicyRule {
  return rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);
}

function metadata(name: string, namespace?: string, labels: Record<string, string> = {}): Role['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...labels, ...DEFAULT_LABELS }, annotations: { ...DEFAULT_ANNOTATIONS } };
}

/** clusterRole makes a ClusterRole; aggregateFrom gives it an aggregationRule instead of rules of its own. */
export function clusterRole(name: string, rules: PolicyRule[], options: { labels?: Record<string, string>; aggregateFrom?: LabelSelector[] } = {}): Role {
  return {
    apiVersion: API_VERSION, kind: 'ClusterRole', metadata: metadata(name, undefined, options.labels),
    ...(options.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: options.aggregateFrom } } : { rules }),
  };
}

/** role makes a Role in a namespace. */
export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: API_VERSION, kind: 'Role', metadata: metadata(name, namespace), rules };
}

/** users, groups and serviceAccounts make binding subjects. */
export const users = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'User', apiGroup: RBAC_GROUP, name }));
export const groups = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'Group', apiGroup: RBAC_GROUP, name }));
export const serviceAccounts = (namespace: string, ...names: string[]): Subject[] => names.map((name) => ({ kind: 'ServiceAccount', name, namespace }));

/** clusterRoleBinding binds the ClusterRole of the same name (NewClusterBinding); no subjects leaves the field out. */
export function clusterRoleBinding(name: string, subjects: Subject[]): Binding {
  return {
    apiVersion: API_VERSION, kind: 'ClusterRoleBinding', metadata: metadata(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    ...(subjects.length ? { subjects } : {}),
  };
}

/** roleBinding binds a Role in namespace (NewRoleBinding), named after the role unless bindingName says otherwise. */
export function roleBinding(namespace: string, roleName: string, subjects: Subject[], bindingName = roleName): Binding {
  return { apiVersion: API_VERSION, kind: 'RoleBinding', metadata: metadata(bindingName, namespace), roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName }, subjects };
}
