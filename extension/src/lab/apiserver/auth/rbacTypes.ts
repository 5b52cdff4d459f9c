/** rbacTypes are the shapes of rbac.authorization.k8s.io/v1 objects the authorizer and the policy read. */
import type { KubeObject, LabelSelector } from '../../api/types';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** PolicyRule grants verbs on resources (optionally by name) or on non-resource URLs. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Subject is who a binding grants to: a User, a Group or a ServiceAccount. */
export interface Subject {
  kind: string;
  name: string;
  apiGroup?: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** Role is a Role or ClusterRole; only ClusterRoles carry an aggregationRule. */
export interface Role extends KubeObject {
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

/** Binding is a RoleBinding or ClusterRoleBinding. */
export interface Binding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}
