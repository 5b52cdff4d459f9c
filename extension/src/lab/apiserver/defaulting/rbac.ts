/** rbac applies pkg/apis/rbac/v1/defaults.go: bindings name the RBAC group, and User and Group subjects do too. */
import { RBAC_GROUP } from '../validation/rbac';
import type { RoleBinding } from '../validation/types/rbac';
import { isStruct } from './structs';

/** defaultRoleBinding is SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject. */
export function defaultRoleBinding(binding: RoleBinding): void {
  if (isStruct(binding.roleRef)) binding.roleRef.apiGroup ||= RBAC_GROUP;
  for (const subject of Array.isArray(binding.subjects) ? binding.subjects : []) {
    if (!isStruct(subject) || subject.apiGroup) continue;
    if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    else if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}
