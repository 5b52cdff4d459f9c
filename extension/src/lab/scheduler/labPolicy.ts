/**
 * schedulerLabPolicy is the lab's own grant to kube-scheduler, created at
 * bootstrap as kubeadm creates its roles: publishing SchedulingDecisions, and
 * reading its configuration from the kube-system/kube-scheduler-config ConfigMap.
 */
import { clusterRole, clusterRoleBinding, role, roleBinding, rule, users } from '../apiserver/auth/policyBuilders';
import type { Binding, Role } from '../apiserver/auth/rbacTypes';
import { KUBE_SCHEDULER } from '../apiserver/auth/user';
import { DECISION_GROUP, DECISION_RESOURCE } from './decision';
import { SCHEDULER_CONFIG_NAME, SCHEDULER_CONFIG_NAMESPACE } from './scheduler';

export const SCHEDULER_LAB_ROLE = 'kubelab:kube-scheduler';

export function schedulerLabPolicy(): { clusterRoles: Role[]; clusterRoleBindings: Binding[]; roles: Role[]; roleBindings: Binding[] } {
  return {
    clusterRoles: [clusterRole(SCHEDULER_LAB_ROLE, [rule(['create'], [DECISION_GROUP], [DECISION_RESOURCE])])],
    clusterRoleBindings: [clusterRoleBinding(SCHEDULER_LAB_ROLE, users(KUBE_SCHEDULER))],
    roles: [role(SCHEDULER_CONFIG_NAMESPACE, SCHEDULER_LAB_ROLE, [rule(['get', 'list', 'watch'], [''], ['configmaps'], [SCHEDULER_CONFIG_NAME])])],
    roleBindings: [roleBinding(SCHEDULER_CONFIG_NAMESPACE, SCHEDULER_LAB_ROLE, users(KUBE_SCHEDULER))],
  };
}
