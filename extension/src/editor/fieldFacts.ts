/**
 * fieldFacts holds what upstream's published definitions do not say about
 * built-in fields: the values some fields accept, and the default the API server
 * writes when a field is left out, as the lab's defaulting (apiserver/defaulting/)
 * applies it. Keys are `Model.property`; tests check both against the lab's
 * validation and defaulters, so they cannot drift from what the lab does.
 */

/**
 * FIELD_ENUMS maps a field to the values it accepts (for a list, its items'), where
 * upstream publishes no enum for it or publishes values the lab's validation does
 * not accept (features behind gates it keeps off). Other fields take upstream's.
 */
export const FIELD_ENUMS: Readonly<Record<string, readonly string[]>> = {
  'V1Container.restartPolicy': ['Always'],
  'V1ContainerResizePolicy.restartPolicy': ['NotRequired', 'RestartContainer'],
  'V1Toleration.operator': ['Equal', 'Exists'],
  'V1ServiceSpec.ipFamilies': ['IPv4', 'IPv6'],
  'V1LabelSelectorRequirement.operator': ['DoesNotExist', 'Exists', 'In', 'NotIn'],
  'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted': ['Delete', 'Retain'],
  'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled': ['Delete', 'Retain'],
  'V1HTTPIngressPath.pathType': ['Exact', 'ImplementationSpecific', 'Prefix'],
  'V1IngressClassParametersReference.scope': ['Cluster', 'Namespace'],
  'V2MetricSpec.type': ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
  'V2MetricTarget.type': ['AverageValue', 'Utilization', 'Value'],
  'V2HPAScalingRules.selectPolicy': ['Disabled', 'Max', 'Min'],
  'V2HPAScalingPolicy.type': ['Percent', 'Pods'],
  'RbacV1Subject.kind': ['Group', 'ServiceAccount', 'User'],
  'V1RoleRef.kind': ['ClusterRole', 'Role'],
  'V1CustomResourceDefinitionSpec.scope': ['Cluster', 'Namespaced'],
};

/** FieldDefault is what the API server writes into a field left out: a value, or words when it depends on the rest of the object. */
export type FieldDefault = { value: unknown } | { text: string };

const PULL_POLICY_DEFAULT: FieldDefault = { text: '`IfNotPresent` when the image\'s tag is not `latest`; `Always` for `:latest` or no tag' };

/** FIELD_DEFAULTS is the lab's defaulting (pkg/apis/*\/v1 SetDefaults_*) for the fields it sets. */
export const FIELD_DEFAULTS: Readonly<Record<string, FieldDefault>> = {
  'V1DeploymentSpec.replicas': { value: 1 },
  'V1DeploymentSpec.revisionHistoryLimit': { value: 10 },
  'V1DeploymentSpec.progressDeadlineSeconds': { value: 600 },
  'V1DeploymentSpec.strategy': { text: '`type: RollingUpdate` with `maxUnavailable: 25%` and `maxSurge: 25%`' },
  'V1DeploymentStrategy.type': { value: 'RollingUpdate' },
  'V1DeploymentStrategy.rollingUpdate': { text: '`maxUnavailable: 25%`, `maxSurge: 25%` for the RollingUpdate type' },
  'V1RollingUpdateDeployment.maxUnavailable': { value: '25%' },
  'V1RollingUpdateDeployment.maxSurge': { value: '25%' },
  'V1ReplicaSetSpec.replicas': { value: 1 },
  'V1ReplicationControllerSpec.replicas': { value: 1 },
  'V1ReplicationControllerSpec.selector': { text: 'the template\'s labels' },
  'V1StatefulSetSpec.replicas': { value: 1 },
  'V1StatefulSetSpec.revisionHistoryLimit': { value: 10 },
  'V1StatefulSetSpec.podManagementPolicy': { value: 'OrderedReady' },
  'V1StatefulSetSpec.updateStrategy': { text: '`type: RollingUpdate` with `partition: 0`' },
  'V1StatefulSetSpec.persistentVolumeClaimRetentionPolicy': { text: '`whenDeleted: Retain`, `whenScaled: Retain`' },
  'V1StatefulSetUpdateStrategy.type': { value: 'RollingUpdate' },
  'V1StatefulSetUpdateStrategy.rollingUpdate': { text: '`partition: 0` for the RollingUpdate type' },
  'V1RollingUpdateStatefulSetStrategy.partition': { value: 0 },
  'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted': { value: 'Retain' },
  'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled': { value: 'Retain' },
  'V1DaemonSetSpec.revisionHistoryLimit': { value: 10 },
  'V1DaemonSetSpec.updateStrategy': { text: '`type: RollingUpdate` with `maxUnavailable: 1` and `maxSurge: 0`' },
  'V1DaemonSetUpdateStrategy.type': { value: 'RollingUpdate' },
  'V1DaemonSetUpdateStrategy.rollingUpdate': { text: '`maxUnavailable: 1`, `maxSurge: 0` for the RollingUpdate type' },
  'V1RollingUpdateDaemonSet.maxUnavailable': { value: 1 },
  'V1RollingUpdateDaemonSet.maxSurge': { value: 0 },
  'V1PodSpec.dnsPolicy': { value: 'ClusterFirst' },
  'V1PodSpec.restartPolicy': { value: 'Always' },
  'V1PodSpec.terminationGracePeriodSeconds': { value: 30 },
  'V1PodSpec.schedulerName': { value: 'default-scheduler' },
  'V1PodSpec.securityContext': { value: {} },
  'V1PodSpec.enableServiceLinks': { text: '`true`, set on Pods (a template keeps it unset until its Pods are created)' },
  'V1Container.imagePullPolicy': PULL_POLICY_DEFAULT,
  'V1Container.terminationMessagePath': { value: '/dev/termination-log' },
  'V1Container.terminationMessagePolicy': { value: 'File' },
  'V1Container.resources': { value: {} },
  'V1EphemeralContainer.imagePullPolicy': PULL_POLICY_DEFAULT,
  'V1EphemeralContainer.terminationMessagePath': { value: '/dev/termination-log' },
  'V1EphemeralContainer.terminationMessagePolicy': { value: 'File' },
  'V1EphemeralContainer.resources': { value: {} },
  'V1ImageVolumeSource.pullPolicy': PULL_POLICY_DEFAULT,
  'V1ContainerPort.protocol': { value: 'TCP' },
  'V1ResourceRequirements.requests': { text: 'in a Pod, the container\'s limits for the resources it requests nothing of' },
  'V1Probe.timeoutSeconds': { value: 1 },
  'V1Probe.periodSeconds': { value: 10 },
  'V1Probe.successThreshold': { value: 1 },
  'V1Probe.failureThreshold': { value: 3 },
  'V1HTTPGetAction.path': { value: '/' },
  'V1HTTPGetAction.scheme': { value: 'HTTP' },
  'V1ObjectFieldSelector.apiVersion': { value: 'v1' },
  'V1Volume.emptyDir': { text: '`{}` when the volume names no other source' },
  'V1SecretVolumeSource.defaultMode': { value: 420 },
  'V1ConfigMapVolumeSource.defaultMode': { value: 420 },
  'V1DownwardAPIVolumeSource.defaultMode': { value: 420 },
  'V1ProjectedVolumeSource.defaultMode': { value: 420 },
  'V1HostPathVolumeSource.type': { value: '' },
  'V1ServiceAccountTokenProjection.expirationSeconds': { value: 3600 },
  'V1PersistentVolumeClaimSpec.volumeMode': { value: 'Filesystem' },
  'V1PersistentVolumeSpec.volumeMode': { value: 'Filesystem' },
  'V1PersistentVolumeSpec.persistentVolumeReclaimPolicy': { value: 'Retain' },
  'V1Secret.type': { value: 'Opaque' },
  'V1ServiceSpec.type': { value: 'ClusterIP' },
  'V1ServiceSpec.sessionAffinity': { value: 'None' },
  'V1ServiceSpec.internalTrafficPolicy': { text: '`Cluster` for ClusterIP, NodePort and LoadBalancer services' },
  'V1ServiceSpec.externalTrafficPolicy': { text: '`Cluster` for NodePort and LoadBalancer services, and ClusterIP services with externalIPs' },
  'V1ServiceSpec.allocateLoadBalancerNodePorts': { text: '`true` for LoadBalancer services' },
  'V1ServiceSpec.sessionAffinityConfig': { text: '`clientIP.timeoutSeconds: 10800` when sessionAffinity is ClientIP' },
  'V1ServiceSpec.ipFamilyPolicy': { text: '`SingleStack`; `RequireDualStack` for a headless Service without a selector' },
  'V1ServicePort.protocol': { value: 'TCP' },
  'V1ServicePort.targetPort': { text: 'the value of `port`' },
  'V1ClientIPConfig.timeoutSeconds': { value: 10800 },
  'V1JobSpec.completions': { text: '`1` when parallelism is unset too' },
  'V1JobSpec.parallelism': { value: 1 },
  'V1JobSpec.backoffLimit': { text: '`6`; 2147483647 with backoffLimitPerIndex' },
  'V1JobSpec.completionMode': { value: 'NonIndexed' },
  'V1JobSpec.suspend': { value: false },
  'V1JobSpec.manualSelector': { value: false },
  'V1JobSpec.podReplacementPolicy': { text: '`TerminatingOrFailed`; `Failed` with a podFailurePolicy' },
  'V1PodFailurePolicyOnPodConditionsPattern.status': { value: 'True' },
  'V1CronJobSpec.concurrencyPolicy': { value: 'Allow' },
  'V1CronJobSpec.suspend': { value: false },
  'V1CronJobSpec.successfulJobsHistoryLimit': { value: 3 },
  'V1CronJobSpec.failedJobsHistoryLimit': { value: 1 },
  'V1NetworkPolicyPort.protocol': { value: 'TCP' },
  'V1NetworkPolicySpec.policyTypes': { text: '`[Ingress]`, with `Egress` too when egress rules are given' },
  'V1IngressClassParametersReference.scope': { value: 'Cluster' },
};

/** defaultText renders a field's default for a hover, or undefined when the lab sets none. */
export function defaultText(model: string, property: string): string | undefined {
  const d = FIELD_DEFAULTS[`${model}.${property}`];
  if (!d) return undefined;
  return 'text' in d ? d.text : `\`${JSON.stringify(d.value)}\``;
}
