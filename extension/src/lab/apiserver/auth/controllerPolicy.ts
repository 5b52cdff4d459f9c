/**
 * controllerPolicy holds the `system:controller:<name>` ClusterRoles of the
 * kube-controller-manager loops the lab runs, each bound to the service account
 * kube-system/<name> the loop acts as (bootstrappolicy/controller_policy.go).
 */
import type { Binding, PolicyRule, Role } from './rbacTypes';
import { clusterRole, clusterRoleBinding, eventsRule, rule, serviceAccounts } from './policyBuilders';

/** CONTROLLER_ROLE_PREFIX starts every controller role's name (saRolePrefix). */
export const CONTROLLER_ROLE_PREFIX = 'system:controller:';

const CORE = '';
const APPS = 'apps';
const EXTENSIONS = 'extensions';
const BATCH = 'batch';
const POLICY = 'policy';

/** ROLES maps each controller's service account name to its rules. */
const ROLES: Record<string, () => PolicyRule[]> = {
  // It must hold every permission on clusterroles, escalate included, to copy any rules into the aggregates.
  'clusterrole-aggregation-controller': () => [rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles'])],
  'cronjob-controller': () => [
    rule(['get', 'list', 'watch', 'update'], [BATCH], ['cronjobs']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [BATCH], ['jobs']),
    rule(['update'], [BATCH], ['cronjobs/status']),
    rule(['update'], [BATCH], ['cronjobs/finalizers']),
    rule(['list', 'delete'], [CORE], ['pods']),
    eventsRule(),
  ],
  'daemon-set-controller': () => [
    rule(['get', 'list', 'watch'], [EXTENSIONS, APPS], ['daemonsets']),
    rule(['update'], [EXTENSIONS, APPS], ['daemonsets/status']),
    rule(['update'], [EXTENSIONS, APPS], ['daemonsets/finalizers']),
    rule(['list', 'watch'], [CORE], ['nodes']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [CORE], ['pods']),
    rule(['create'], [CORE], ['pods/binding']),
    rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [APPS], ['controllerrevisions']),
    eventsRule(),
  ],
  'deployment-controller': () => [
    rule(['get', 'list', 'watch', 'update'], [EXTENSIONS, APPS], ['deployments']),
    rule(['update'], [EXTENSIONS, APPS], ['deployments/status']),
    rule(['update'], [EXTENSIONS, APPS], ['deployments/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [APPS, EXTENSIONS], ['replicasets']),
    rule(['get', 'list', 'watch', 'update'], [CORE], ['pods']),
    eventsRule(),
  ],
  'disruption-controller': () => [
    rule(['get', 'list', 'watch'], [EXTENSIONS, APPS], ['deployments']),
    rule(['get', 'list', 'watch'], [APPS, EXTENSIONS], ['replicasets']),
    rule(['get', 'list', 'watch'], [CORE], ['replicationcontrollers']),
    rule(['get', 'list', 'watch'], [POLICY], ['poddisruptionbudgets']),
    rule(['get', 'list', 'watch'], [APPS], ['statefulsets']),
    rule(['update'], [POLICY], ['poddisruptionbudgets/status']),
    rule(['patch', 'update'], [CORE], ['pods/status']),
    rule(['get'], ['*'], ['*/scale']),
    eventsRule(),
  ],
  'endpoint-controller': () => [
    rule(['get', 'list', 'watch'], [CORE], ['services', 'pods']),
    rule(['get', 'list', 'create', 'update', 'delete'], [CORE], ['endpoints']),
    rule(['create'], [CORE], ['endpoints/restricted']),
    eventsRule(),
  ],
  'endpointslice-controller': () => [
    rule(['get', 'list', 'watch'], [CORE], ['services', 'pods', 'nodes']),
    rule(['update'], [CORE], ['services/finalizers']),
    rule(['get', 'list', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    eventsRule(),
  ],
  'generic-garbage-collector': () => [rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), eventsRule()],
  'horizontal-pod-autoscaler': () => [
    rule(['get', 'list', 'watch'], ['autoscaling'], ['horizontalpodautoscalers']),
    rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
    rule(['get', 'update'], ['*'], ['*/scale']),
    rule(['list'], [CORE], ['pods']),
    rule(['list'], ['metrics.k8s.io'], ['pods']),
    rule(['get', 'list'], ['custom.metrics.k8s.io'], ['*']),
    rule(['get', 'list'], ['external.metrics.k8s.io'], ['*']),
    eventsRule(),
  ],
  'job-controller': () => [
    rule(['get', 'list', 'watch', 'update', 'patch'], [BATCH], ['jobs']),
    rule(['update'], [BATCH], ['jobs/status']),
    rule(['update'], [BATCH], ['jobs/finalizers']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [CORE], ['pods']),
    eventsRule(),
  ],
  'namespace-controller': () => [
    rule(['get', 'list', 'watch', 'delete'], [CORE], ['namespaces']),
    rule(['update'], [CORE], ['namespaces/finalize', 'namespaces/status']),
    rule(['get', 'list', 'delete', 'deletecollection'], ['*'], ['*']),
  ],
  'node-controller': () => [
    rule(['get', 'list', 'update', 'delete', 'patch'], [CORE], ['nodes']),
    rule(['patch', 'update'], [CORE], ['nodes/status']),
    rule(['patch', 'update'], [CORE], ['pods/status']),
    rule(['list', 'delete'], [CORE], ['pods']),
    rule(['get'], [CORE], ['pods']),
    eventsRule(),
  ],
  'persistent-volume-binder': () => [
    rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [CORE], ['persistentvolumes']),
    rule(['update'], [CORE], ['persistentvolumes/status']),
    rule(['get', 'list', 'watch', 'update'], [CORE], ['persistentvolumeclaims']),
    rule(['update'], [CORE], ['persistentvolumeclaims/status']),
    rule(['list', 'watch', 'get', 'create', 'delete'], [CORE], ['pods']),
    rule(['get', 'list', 'watch'], ['storage.k8s.io'], ['storageclasses']),
    rule(['get', 'create', 'update', 'delete'], [CORE], ['endpoints']),
    rule(['get', 'create', 'delete'], [CORE], ['services']),
    rule(['get'], [CORE], ['secrets']),
    rule(['get', 'list'], [CORE], ['nodes']),
    rule(['watch'], [CORE], ['events']),
    eventsRule(),
  ],
  'pod-garbage-collector': () => [
    rule(['list', 'watch', 'delete'], [CORE], ['pods']),
    rule(['get', 'list'], [CORE], ['nodes']),
    rule(['patch'], [CORE], ['pods/status']),
  ],
  'replicaset-controller': () => [
    rule(['get', 'list', 'watch', 'update'], [APPS, EXTENSIONS], ['replicasets']),
    rule(['update'], [APPS, EXTENSIONS], ['replicasets/status']),
    rule(['update'], [APPS, EXTENSIONS], ['replicasets/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [CORE], ['pods']),
    eventsRule(),
  ],
  'replication-controller': () => [
    rule(['get', 'list', 'watch', 'update'], [CORE], ['replicationcontrollers']),
    rule(['update'], [CORE], ['replicationcontrollers/status']),
    rule(['update'], [CORE], ['replicationcontrollers/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [CORE], ['pods']),
    eventsRule(),
  ],
  'resourcequota-controller': () => [
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['update'], [CORE], ['resourcequotas/status']),
    eventsRule(),
  ],
  'route-controller': () => [rule(['list', 'watch'], [CORE], ['nodes']), rule(['patch'], [CORE], ['nodes/status']), eventsRule()],
  'service-account-controller': () => [rule(['create'], [CORE], ['serviceaccounts']), eventsRule()],
  'service-controller': () => [
    rule(['get', 'list', 'watch'], [CORE], ['services']),
    // Beyond kube-controller-manager's role: the lab runs the cloud-controller-manager's service controller as this
    // account, and it patches the load-balancer-cleanup finalizer, as system:cloud-controller-manager may.
    rule(['patch', 'update'], [CORE], ['services']),
    rule(['patch', 'update'], [CORE], ['services/status']),
    rule(['list', 'watch'], [CORE], ['nodes']),
    eventsRule(),
  ],
  'statefulset-controller': () => [
    rule(['list', 'watch'], [CORE], ['pods']),
    rule(['get', 'list', 'watch'], [APPS], ['statefulsets']),
    rule(['update'], [APPS], ['statefulsets/status']),
    rule(['update'], [APPS], ['statefulsets/finalizers']),
    rule(['get', 'create', 'delete', 'update', 'patch'], [CORE], ['pods']),
    rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [APPS], ['controllerrevisions']),
    rule(['get', 'create'], [CORE], ['persistentvolumeclaims']),
    eventsRule(),
    rule(['update', 'delete'], [CORE], ['persistentvolumeclaims']),
  ],
  'pvc-protection-controller': () => [
    rule(['get', 'list', 'watch', 'update'], [CORE], ['persistentvolumeclaims']),
    rule(['list', 'watch', 'get'], [CORE], ['pods']),
    eventsRule(),
  ],
  'pv-protection-controller': () => [rule(['get', 'list', 'watch', 'update'], [CORE], ['persistentvolumes']), eventsRule()],
  'ttl-after-finished-controller': () => [rule(['get', 'list', 'watch', 'delete'], [BATCH], ['jobs']), eventsRule()],
  'root-ca-cert-publisher': () => [rule(['create', 'update'], [CORE], ['configmaps']), eventsRule()],
  'validatingadmissionpolicy-status-controller': () => [
    rule(['get', 'list', 'watch'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']),
    rule(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status']),
    eventsRule(),
  ],
};

/** controllerRoles are the ClusterRoles of the controllers, in registration order. */
export function controllerRoles(): Role[] {
  return Object.entries(ROLES).map(([name, rules]) => clusterRole(CONTROLLER_ROLE_PREFIX + name, rules()));
}

/** controllerRoleBindings bind each controller role to kube-system's service account of the controller's name. */
export function controllerRoleBindings(): Binding[] {
  return Object.keys(ROLES).map((name) => clusterRoleBinding(CONTROLLER_ROLE_PREFIX + name, serviceAccounts('kube-system', name)));
}
