/**
 * core is the legacy API group (`/api/v1`): each resource's discovery entry
 * (names, verbs, categories and subresources as upstream's api/discovery lists
 * them) and its strategy, after pkg/registry/core/<resource>/strategy.go.
 */
import type { KubeObject, Namespace, Node, Pod } from '../../api/types';
import { applyMatchLabelKeys } from '../../api/podAffinity';
import { qosClass } from '../../api/pods';
import {
  defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultPersistentVolume, defaultPersistentVolumeClaim, defaultPod,
  defaultPodTemplate, defaultReplicationController, defaultResourceQuota, defaultSecret, defaultService,
} from '../defaulting/core';
import { initIPFamilies, normalizeClusterIPs, patchAllocatedValues } from '../defaulting/service';
import { type ResourceType, def } from '../resources';
import { allocateService } from './serviceAlloc';
import { type Strategy, keepSpec } from '../strategy';
import { copyStored } from '../jsonCopy';
import { podWarnings, validatePod, validatePodStatusUpdate, validatePodUpdate } from '../validation/core';
import { preparePodStatusUpdate } from '../validation/core/pod';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from '../validation/core/configMap';
import { validateEvent } from '../validation/core/event';
import { validateLimitRange, validateResourceQuotaSpec, validateResourceQuotaStatus, validateResourceQuotaUpdate } from '../validation/core/limitRange';
import { validateNamespace, validateNamespaceFinalizeUpdate, validateNamespaceStatusUpdate, validateNode, validateNodeUpdate } from '../validation/core/node';
import {
  validatePersistentVolume, validatePersistentVolumeClaim, validatePersistentVolumeClaimStatusUpdate, validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from '../validation/core/persistentVolume';
import { validateEndpoints, validatePodTemplate, validateReplicationController, validateReplicationControllerStatus } from '../validation/core/replicationController';
import { CLUSTER_IP_FAMILIES, validateService, validateServiceIPFamilies, validateServiceStatusUpdate, validateServiceUpdate } from '../validation/core/service';
import { dns1035Name, labelName, pathSegmentName, subdomainName } from '../validation/objectMeta';

type Rec = Record<string, unknown>;

const record = (x: unknown): Rec => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : {});

/** keepStatus is the PrepareForUpdate most types share: the main resource cannot write status. */
function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = copyStored(old.status);
}

/**
 * preparePodStatus is podStatusStrategy.PrepareForUpdate: spec and owner references
 * stay (old kubelets corrupted the latter), the deletion timestamp is the stored one
 * (BeforeUpdate puts it back), and a status that drops its QoS class or observed
 * generations keeps the stored ones.
 */
function preparePodStatus(pod: Pod, old: Pod): void {
  keepSpec(pod, old);
  delete pod.metadata.deletionTimestamp;
  preparePodStatusUpdate(pod, old);
  preserveOldObservedGeneration(record(pod.status), record(old.status));
}

/** preserveOldObservedGeneration keeps the status's and each condition's observedGeneration when the client clears it, matching conditions by type in order. */
function preserveOldObservedGeneration(status: Rec, old: Rec): void {
  if (!status.observedGeneration && old.observedGeneration) status.observedGeneration = old.observedGeneration;
  const previous = new Map<unknown, unknown[]>();
  for (const c of Array.isArray(old.conditions) ? old.conditions.map(record) : []) previous.set(c.type, [...(previous.get(c.type) ?? []), c.observedGeneration]);
  for (const c of Array.isArray(status.conditions) ? status.conditions.map(record) : []) {
    const generations = previous.get(c.type) ?? [];
    const generation = generations.shift();
    if (!c.observedGeneration && generation) c.observedGeneration = generation;
  }
}

const podStrategy: Strategy<Pod> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultPod,
  prepareForCreate(pod) {
    pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
    applyMatchLabelKeys(pod);
    if (Array.isArray(pod.spec?.schedulingGates) && pod.spec.schedulingGates.length > 0) {
      pod.status.conditions = [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
    }
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: preparePodStatus,
  statusResetFields: [['spec'], ['metadata', 'deletionTimestamp'], ['metadata', 'ownerReferences']],
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
  warningsOnCreate: podWarnings,
  returnDeletedObject: true,
  gracePeriod(pod, requested) {
    // An unscheduled or finished pod has no kubelet to wait for (podStrategy.CheckGracefulDelete); a negative period means 1.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 0;
    return period < 0 ? 1 : period;
  },
  fieldLabels: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  // pkg/apis/core/v1/conversion.go: old clients' spec.host; pkg/registry/core/pod/strategy.go ToSelectableFields.
  fieldLabelAliases: { 'spec.host': 'spec.nodeName' },
  selectableFields: (pod) => ({
    'spec.hostNetwork': String(pod.spec?.hostNetwork === true),
    'status.podIP': pod.status?.podIPs?.[0]?.ip ?? '',
  }),
};

const serviceStrategy: Strategy = {
  allowCreateOnUpdate: true,
  nameValidator: dns1035Name,
  generation: false,
  statusSubresource: true,
  defaults: defaultService,
  prepareForCreate(svc) {
    svc.status = { loadBalancer: {} };
    const spec = record(svc.spec);
    normalizeClusterIPs(spec);
    initIPFamilies(spec, undefined, CLUSTER_IP_FAMILIES);
  },
  prepareForStatusUpdate: keepSpec,
  returnDeletedObject: true,
  prepareForUpdate(svc, old) {
    keepStatus(svc, old);
    const spec = record(svc.spec);
    const prev = record(old.spec);
    patchAllocatedValues(spec, prev);
    normalizeClusterIPs(spec, prev);
    initIPFamilies(spec, prev, CLUSTER_IP_FAMILIES);
  },
  allocate: allocateService,
  validate: (svc) => [...validateService(svc), ...validateServiceIPFamilies(svc)],
  validateUpdate: (svc, old) => [...validateServiceUpdate(svc, old), ...validateServiceIPFamilies(svc)],
  validateStatusUpdate: validateServiceStatusUpdate,
  fieldLabels: ['spec.clusterIP', 'spec.type'],
};

const namespaceStrategy: Strategy<Namespace> = {
  nameValidator: labelName,
  generation: false,
  statusSubresource: true,
  defaults: defaultNamespace,
  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
    // Every namespace starts with the kubernetes finalizer, which the namespace controller removes last.
    const spec = record(ns.spec);
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f): f is string => typeof f === 'string') : [];
    ns.spec = { ...spec, finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
  },
  prepareForStatusUpdate: keepSpec,
  prepareForUpdate(ns, old) {
    keepStatus(ns, old);
    ns.spec = { ...record(ns.spec), finalizers: old.spec?.finalizers };
    if (ns.spec.finalizers === undefined) delete ns.spec.finalizers;
  },
  validate: validateNamespace,
  validateUpdate: validateNamespace,
  validateStatusUpdate: validateNamespaceStatusUpdate,
  // namespaces/finalize is how the namespace controller (and other finalizers) take their spec.finalizers off (namespaceFinalizeStrategy).
  subresourceStrategies: {
    finalize: {
      prepareForUpdate: keepStatus,
      validateUpdate: validateNamespaceFinalizeUpdate,
      resetFields: [['status']],
    },
  },
  // A terminating namespace goes only once its spec.finalizers are done too (ShouldDeleteNamespaceDuringUpdate).
  shouldDeleteDuringUpdate: (ns) => !ns.spec?.finalizers?.length,
  returnDeletedObject: true,
  fieldLabels: ['status.phase'],
};

const nodeStrategy: Strategy<Node> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  defaults: defaultNode,
  // Nodes may set their status on create: the kubelet registers itself with it.
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: validateNode,
  validateUpdate: (node, old) => [...validateNode(node), ...validateNodeUpdate(node, old)],
  validateStatusUpdate: validateNodeUpdate,
  fieldLabels: ['spec.unschedulable'],
  // pkg/registry/core/node/strategy.go NodeToSelectableFields: strconv.FormatBool(node.Spec.Unschedulable).
  selectableFields: (node) => ({ 'spec.unschedulable': String((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true) }),
};

const configMapStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
};

const secretStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  defaults: defaultSecret,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  fieldLabels: ['type'],
};

const serviceAccountStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  returnDeletedObject: true,
};

const eventStrategy: Strategy = {
  allowCreateOnUpdate: true,
  // core/v1 events skip ObjectMeta validation but for the name being a path segment.
  nameValidator: pathSegmentName,
  generation: false,
  statusSubresource: false,
  validate: validateEvent,
  validateUpdate: validateEvent,
  fieldLabels: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  // pkg/registry/core/event/strategy.go ToSelectableFields: source is the source's component; reportingComponent the reporting controller.
  selectableFields: (e) => ({
    source: String((e.source as { component?: string } | undefined)?.component ?? ''),
    reportingComponent: typeof e.reportingController === 'string' ? e.reportingController : '',
  }),
};

const limitRangeStrategy: Strategy = {
  allowCreateOnUpdate: true,
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  defaults: defaultLimitRange,
  validate: validateLimitRange,
  validateUpdate: validateLimitRange,
};

const resourceQuotaStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  defaults: defaultResourceQuota,
  prepareForCreate(quota) {
    quota.status = {};
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: (quota) => [...validateResourceQuotaSpec(quota.spec), ...validateResourceQuotaStatus(quota.status)],
  validateUpdate: validateResourceQuotaUpdate,
  validateStatusUpdate: (quota) => validateResourceQuotaStatus(quota.status),
};

const persistentVolumeStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  defaults: defaultPersistentVolume,
  prepareForCreate(pv) {
    pv.status = { phase: 'Pending' };
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: () => [],
};

const persistentVolumeClaimStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  defaults: defaultPersistentVolumeClaim,
  prepareForCreate(pvc) {
    pvc.status = { phase: 'Pending' };
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  validateStatusUpdate: validatePersistentVolumeClaimStatusUpdate,
};

const replicationControllerStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultReplicationController,
  // v1 keeps the pre-garbage-collector default of orphaning the pods (rcStrategy.DefaultGarbageCollectionPolicy).
  orphanDependents: true,
  prepareForCreate(rc) {
    rc.status = { replicas: 0 };
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: validateReplicationController,
  validateUpdate: validateReplicationController,
  validateStatusUpdate: (rc) => validateReplicationControllerStatus(rc.status),
  fieldLabels: ['status.replicas'],
};

const ENDPOINTS_DEPRECATED = 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice';

const endpointsStrategy: Strategy = {
  allowCreateOnUpdate: true,
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  defaults: defaultEndpoints,
  validate: validateEndpoints,
  validateUpdate: validateEndpoints,
  warningsOnCreate: () => [ENDPOINTS_DEPRECATED],
  warningsOnUpdate: () => [ENDPOINTS_DEPRECATED],
};

const podTemplateStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  defaults: defaultPodTemplate,
  validate: validatePodTemplate,
  validateUpdate: validatePodTemplate,
};

const componentStatusStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
};

const core = (t: Omit<Parameters<typeof def>[0], 'group' | 'version'>): ResourceType => def({ group: '', version: 'v1', ...t });

export const coreResources: readonly ResourceType[] = [
  core({ resource: 'componentstatuses', kind: 'ComponentStatus', singularName: 'componentstatus', namespaced: false, shortNames: ['cs'], verbs: ['get', 'list'], subresources: [], strategy: componentStatusStrategy }),
  core({ resource: 'configmaps', kind: 'ConfigMap', singularName: 'configmap', namespaced: true, shortNames: ['cm'], subresources: [], strategy: configMapStrategy }),
  core({ resource: 'endpoints', kind: 'Endpoints', singularName: 'endpoints', namespaced: true, shortNames: ['ep'], subresources: [], strategy: endpointsStrategy }),
  core({ resource: 'events', kind: 'Event', singularName: 'event', namespaced: true, shortNames: ['ev'], subresources: [], strategy: eventStrategy }),
  core({ resource: 'limitranges', kind: 'LimitRange', singularName: 'limitrange', namespaced: true, shortNames: ['limits'], subresources: [], strategy: limitRangeStrategy }),
  core({ resource: 'namespaces', kind: 'Namespace', singularName: 'namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['finalize', 'status'], strategy: namespaceStrategy }),
  core({ resource: 'nodes', kind: 'Node', singularName: 'node', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'], strategy: nodeStrategy }),
  core({ resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', singularName: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'], subresources: ['status'], strategy: persistentVolumeClaimStrategy }),
  core({ resource: 'persistentvolumes', kind: 'PersistentVolume', singularName: 'persistentvolume', namespaced: false, shortNames: ['pv'], subresources: ['status'], strategy: persistentVolumeStrategy }),
  core({ resource: 'pods', kind: 'Pod', singularName: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'status'], strategy: podStrategy }),
  core({ resource: 'podtemplates', kind: 'PodTemplate', singularName: 'podtemplate', namespaced: true, subresources: [], strategy: podTemplateStrategy }),
  core({
    resource: 'replicationcontrollers', kind: 'ReplicationController', singularName: 'replicationcontroller', namespaced: true, shortNames: ['rc'], categories: ['all'],
    subresources: ['scale', 'status'], strategy: replicationControllerStrategy,
    // The selector is a label map, which the Scale prints as labels.SelectorFromSet does.
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  }),
  core({ resource: 'resourcequotas', kind: 'ResourceQuota', singularName: 'resourcequota', namespaced: true, shortNames: ['quota'], subresources: ['status'], strategy: resourceQuotaStrategy }),
  core({ resource: 'secrets', kind: 'Secret', singularName: 'secret', namespaced: true, subresources: [], strategy: secretStrategy }),
  core({ resource: 'serviceaccounts', kind: 'ServiceAccount', singularName: 'serviceaccount', namespaced: true, shortNames: ['sa'], subresources: ['token'], strategy: serviceAccountStrategy }),
  core({ resource: 'services', kind: 'Service', singularName: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'], strategy: serviceStrategy }),
];
