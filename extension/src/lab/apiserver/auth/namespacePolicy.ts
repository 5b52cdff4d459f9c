/**
 * namespacePolicy holds the Roles and RoleBindings bootstrapped into kube-system
 * and kube-public (bootstrappolicy/namespace_policy.go): leader election locks,
 * the authentication config reader, and the bootstrap-token controllers' roles.
 */
import type { Binding, Role } from './rbacTypes';
import { CONTROLLER_ROLE_PREFIX } from './controllerPolicy';
import { eventsRule, role, roleBinding, rule, serviceAccounts, users } from './policyBuilders';
import { KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER } from './user';

const SYSTEM = 'kube-system';
const PUBLIC = 'kube-public';

/** namespaceRoles are the Roles of kube-system and kube-public. */
export function namespaceRoles(): Role[] {
  return [
    role(SYSTEM, 'extension-apiserver-authentication-reader', [rule(['get', 'list', 'watch'], [''], ['configmaps'], ['extension-apiserver-authentication'])]),
    role(SYSTEM, `${CONTROLLER_ROLE_PREFIX}bootstrap-signer`, [rule(['get', 'list', 'watch'], [''], ['secrets'])]),
    role(SYSTEM, `${CONTROLLER_ROLE_PREFIX}cloud-provider`, [rule(['create', 'get', 'list', 'watch'], [''], ['configmaps'])]),
    role(SYSTEM, `${CONTROLLER_ROLE_PREFIX}token-cleaner`, [rule(['get', 'list', 'watch', 'delete'], [''], ['secrets']), eventsRule()]),
    role(SYSTEM, 'system::leader-locking-kube-controller-manager', [
      rule(['watch'], [''], ['configmaps']),
      rule(['get', 'update'], [''], ['configmaps'], ['kube-controller-manager']),
      rule(['get', 'watch', 'list', 'create', 'update'], ['coordination.k8s.io'], ['leases']),
    ]),
    role(SYSTEM, 'system::leader-locking-kube-scheduler', [
      rule(['watch'], [''], ['configmaps']),
      rule(['get', 'update'], [''], ['configmaps'], ['kube-scheduler']),
    ]),
    role(PUBLIC, `${CONTROLLER_ROLE_PREFIX}bootstrap-signer`, [
      rule(['get', 'list', 'watch'], [''], ['configmaps']),
      rule(['update'], [''], ['configmaps'], ['cluster-info']),
      eventsRule(),
    ]),
  ];
}

/** namespaceRoleBindings bind those Roles to the control plane's users and service accounts. */
export function namespaceRoleBindings(): Binding[] {
  return [
    roleBinding(SYSTEM, 'extension-apiserver-authentication-reader', users(KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER), 'system::extension-apiserver-authentication-reader'),
    roleBinding(SYSTEM, 'system::leader-locking-kube-controller-manager', [...users(KUBE_CONTROLLER_MANAGER), ...serviceAccounts(SYSTEM, 'kube-controller-manager', 'leader-election-controller')]),
    roleBinding(SYSTEM, 'system::leader-locking-kube-scheduler', [...users(KUBE_SCHEDULER), ...serviceAccounts(SYSTEM, 'kube-scheduler')]),
    roleBinding(SYSTEM, `${CONTROLLER_ROLE_PREFIX}bootstrap-signer`, serviceAccounts(SYSTEM, 'bootstrap-signer')),
    roleBinding(SYSTEM, `${CONTROLLER_ROLE_PREFIX}cloud-provider`, serviceAccounts(SYSTEM, 'cloud-provider')),
    roleBinding(SYSTEM, `${CONTROLLER_ROLE_PREFIX}token-cleaner`, serviceAccounts(SYSTEM, 'token-cleaner')),
    roleBinding(PUBLIC, `${CONTROLLER_ROLE_PREFIX}bootstrap-signer`, serviceAccounts(SYSTEM, 'bootstrap-signer')),
  ];
}
