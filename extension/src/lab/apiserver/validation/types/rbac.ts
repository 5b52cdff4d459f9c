/** rbac types the rbac.authorization.k8s.io/v1 objects: only the fields validation and defaulting read. */
import type { KubeObject, LabelSelector } from '../../../api/types';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export interface ClusterRole extends Role {
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] } | null;
}

export interface RoleBinding extends KubeObject {
  roleRef?: RoleRef;
  subjects?: Subject[];
}
