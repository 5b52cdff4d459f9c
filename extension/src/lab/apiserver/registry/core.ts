/** core is the legacy API group (`/api/v1`): namespaces, nodes, pods, events … */
import type { Namespace, Node, Pod } from '../../api/types';
import { qosClass } from '../../api/pods';
import { defaultNamespace, defaultNode, defaultPodSpec, defaultPodTolerations } from '../defaulting/core';
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import { validatePod, validatePodUpdate } from '../validation/core';
import { labelName, subdomainName } from '../validation/objectMeta';

const podStrategy: Strategy<Pod> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  defaults(pod) {
    defaultPodSpec(pod.spec);
  },
  prepareForCreate(pod) {
    if (pod.spec && typeof pod.spec === 'object') defaultPodTolerations(pod.spec);
    pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
  },
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  gracePeriod(pod, requested) {
    // An unscheduled pod has no kubelet to wait for, so it goes at once (upstream's podStrategy.CheckGracefulDelete).
    if (!pod.spec.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    return requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  },
  fieldLabels: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
};

const namespaceStrategy: Strategy<Namespace> = {
  nameValidator: labelName,
  generation: false,
  statusSubresource: true,
  defaults: defaultNamespace,
  fieldLabels: ['status.phase'],
};

const nodeStrategy: Strategy<Node> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  defaults: defaultNode,
  fieldLabels: ['spec.unschedulable'],
};

const eventStrategy: Strategy = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  fieldLabels: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
};

export const coreResources: readonly ResourceType[] = [
  def({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singularName: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], strategy: namespaceStrategy }),
  def({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', singularName: 'node', namespaced: false, shortNames: ['no'], subresources: ['status'], strategy: nodeStrategy }),
  def({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', singularName: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding'], strategy: podStrategy }),
  def({ group: '', version: 'v1', resource: 'events', kind: 'Event', singularName: 'event', namespaced: true, shortNames: ['ev'], subresources: [], strategy: eventStrategy }),
];
