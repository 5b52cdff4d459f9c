/** rbac is the `rbac.authorization.k8s.io/v1` group: roles, rolebindings, clusterroles, clusterrolebindings. */
import { defaultRoleBinding } from '../defaulting/rbac';
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import {
  validateClusterRole, validateClusterRoleBinding, validateClusterRoleBindingUpdate, validateRBACName, validateRole, validateRoleBinding, validateRoleBindingUpdate,
} from '../validation/rbac';
import type { ClusterRole, Role, RoleBinding } from '../validation/types/rbac';

const group = 'rbac.authorization.k8s.io';

const roleStrategy: Strategy<Role> = { allowCreateOnUpdate: true, nameValidator: validateRBACName, generation: false, statusSubresource: false, validate: validateRole, validateUpdate: validateRole };
const clusterRoleStrategy: Strategy<ClusterRole> = { allowCreateOnUpdate: true, nameValidator: validateRBACName, generation: false, statusSubresource: false, validate: validateClusterRole, validateUpdate: validateClusterRole };
const roleBindingStrategy: Strategy<RoleBinding> = { allowCreateOnUpdate: true, nameValidator: validateRBACName, generation: false, statusSubresource: false, defaults: defaultRoleBinding, validate: validateRoleBinding, validateUpdate: validateRoleBindingUpdate };
const clusterRoleBindingStrategy: Strategy<RoleBinding> = { allowCreateOnUpdate: true, nameValidator: validateRBACName, generation: false, statusSubresource: false, defaults: defaultRoleBinding, validate: validateClusterRoleBinding, validateUpdate: validateClusterRoleBindingUpdate };

export const rbacResources: readonly ResourceType[] = [
  def({ group, version: 'v1', resource: 'roles', kind: 'Role', singularName: 'role', namespaced: true, subresources: [], strategy: roleStrategy }),
  def({ group, version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', singularName: 'rolebinding', namespaced: true, subresources: [], strategy: roleBindingStrategy }),
  def({ group, version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', singularName: 'clusterrole', namespaced: false, subresources: [], strategy: clusterRoleStrategy }),
  def({ group, version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', singularName: 'clusterrolebinding', namespaced: false, subresources: [], strategy: clusterRoleBindingStrategy }),
];
