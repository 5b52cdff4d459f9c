/**
 * names holds the admission plugins' names and kube-apiserver's fixed order
 * (pkg/kubeapiserver/options/plugins.go AllOrderedPlugins): the chain always
 * runs in this order, whatever order --enable-admission-plugins lists them in.
 */

export const NAMESPACE_LIFECYCLE = 'NamespaceLifecycle';
export const LIMIT_RANGER = 'LimitRanger';
export const SERVICE_ACCOUNT = 'ServiceAccount';
export const NODE_RESTRICTION = 'NodeRestriction';
export const TAINT_NODES_BY_CONDITION = 'TaintNodesByCondition';
export const POD_SECURITY = 'PodSecurity';
export const PRIORITY = 'Priority';
export const DEFAULT_TOLERATION_SECONDS = 'DefaultTolerationSeconds';
export const DEFAULT_STORAGE_CLASS = 'DefaultStorageClass';
export const STORAGE_OBJECT_IN_USE_PROTECTION = 'StorageObjectInUseProtection';
export const MUTATING_ADMISSION_POLICY = 'MutatingAdmissionPolicy';
export const MUTATING_ADMISSION_WEBHOOK = 'MutatingAdmissionWebhook';
export const VALIDATING_ADMISSION_POLICY = 'ValidatingAdmissionPolicy';
export const VALIDATING_ADMISSION_WEBHOOK = 'ValidatingAdmissionWebhook';
export const RESOURCE_QUOTA = 'ResourceQuota';

/** ALL_ORDERED_PLUGINS is AllOrderedPlugins: every plugin kube-apiserver knows, in chain order. */
export const ALL_ORDERED_PLUGINS: readonly string[] = [
  'AlwaysAdmit',
  'NamespaceAutoProvision',
  NAMESPACE_LIFECYCLE,
  'NamespaceExists',
  'LimitPodHardAntiAffinityTopology',
  LIMIT_RANGER,
  SERVICE_ACCOUNT,
  NODE_RESTRICTION,
  TAINT_NODES_BY_CONDITION,
  'AlwaysPullImages',
  'ImagePolicyWebhook',
  POD_SECURITY,
  'PodNodeSelector',
  PRIORITY,
  DEFAULT_TOLERATION_SECONDS,
  'PodTolerationRestriction',
  'EventRateLimit',
  'ExtendedResourceToleration',
  DEFAULT_STORAGE_CLASS,
  STORAGE_OBJECT_IN_USE_PROTECTION,
  'PodGroupProtection',
  'OwnerReferencesPermissionEnforcement',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'DenyServiceExternalIPs',
  'PodTopologyLabels',
  'PodGroupWorkloadExists',
  'NodeDeclaredFeatureValidator',
  'JobValidation',
  'PodResizeValidator',
  MUTATING_ADMISSION_POLICY,
  MUTATING_ADMISSION_WEBHOOK,
  VALIDATING_ADMISSION_POLICY,
  VALIDATING_ADMISSION_WEBHOOK,
  RESOURCE_QUOTA,
  'AlwaysDeny',
];

/** DEFAULT_ENABLED_PLUGINS is the set DefaultOffAdmissionPlugins leaves on: what runs without --enable-admission-plugins. */
export const DEFAULT_ENABLED_PLUGINS: ReadonlySet<string> = new Set([
  NAMESPACE_LIFECYCLE,
  LIMIT_RANGER,
  SERVICE_ACCOUNT,
  DEFAULT_STORAGE_CLASS,
  'PersistentVolumeClaimResize',
  DEFAULT_TOLERATION_SECONDS,
  MUTATING_ADMISSION_WEBHOOK,
  VALIDATING_ADMISSION_WEBHOOK,
  RESOURCE_QUOTA,
  STORAGE_OBJECT_IN_USE_PROTECTION,
  'PodGroupProtection',
  PRIORITY,
  TAINT_NODES_BY_CONDITION,
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  POD_SECURITY,
  'PodTopologyLabels',
  MUTATING_ADMISSION_POLICY,
  VALIDATING_ADMISSION_POLICY,
  'PodGroupWorkloadExists',
  'NodeDeclaredFeatureValidator',
  'JobValidation',
  'PodResizeValidator',
]);

/**
 * enabledPlugins resolves --enable-admission-plugins and --disable-admission-plugins
 * against the default set, in chain order. An unknown name is an error, with the
 * words kube-apiserver refuses to start with.
 */
export function enabledPlugins(enable: readonly string[] = [], disable: readonly string[] = []): string[] | { error: string } {
  const known = new Set(ALL_ORDERED_PLUGINS);
  for (const [flag, names] of [['enable', enable], ['disable', disable]] as const) {
    const unknown = names.find((n) => !known.has(n));
    if (unknown !== undefined) return { error: `${flag}-admission-plugins plugin "${unknown}" is unknown` };
  }
  const on = new Set([...DEFAULT_ENABLED_PLUGINS, ...enable]);
  for (const name of disable) on.delete(name);
  return ALL_ORDERED_PLUGINS.filter((n) => on.has(n));
}
