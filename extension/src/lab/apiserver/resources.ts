/**
 * resources is the table of served resources: for each, its group, version,
 * kind, names, scope, subresources and strategy. Discovery, the REST handler,
 * kubectl's mappings and the editor all read this one table.
 */
import type { Deployment, KubeObject, Namespace, Node, Pod, ReplicaSet } from '../api/types';
import { defaultDeployment, defaultReplicaSet } from './defaulting/apps';
import { defaultNamespace, defaultNode, defaultPodSpec, defaultPodTolerations } from './defaulting/core';
import type { Strategy } from './strategy';
import { validateDeployment, validateReplicaSet, validateSelectorImmutable } from './validation/apps';
import { validatePod, validatePodUpdate } from './validation/core';
import { labelName, subdomainName } from './validation/objectMeta';
import { qosClass } from '../api/pods';

export interface ResourceType {
  group: string;
  version: string;
  /** resource is the plural, lowercase name used in paths. */
  resource: string;
  kind: string;
  singularName: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** subresources served under this resource (`status`, `binding`). */
  subresources: string[];
  strategy: Strategy;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** groupVersion renders `apps/v1`, or `v1` for the core group. */
export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

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

const deploymentStrategy: Strategy<Deployment> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultDeployment,
  prepareForCreate(d) {
    d.status = {};
  },
  validate: validateDeployment,
  validateUpdate: (d, old) => [...validateDeployment(d), ...validateSelectorImmutable(d.spec?.selector, old.spec?.selector)],
};

const replicaSetStrategy: Strategy<ReplicaSet> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultReplicaSet,
  prepareForCreate(rs) {
    rs.status = { replicas: 0 };
  },
  validate: validateReplicaSet,
  validateUpdate: (rs, old) => [...validateReplicaSet(rs), ...validateSelectorImmutable(rs.spec?.selector, old.spec?.selector)],
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

function def(t: Omit<ResourceType, 'verbs' | 'categories' | 'shortNames'> & Partial<Pick<ResourceType, 'verbs' | 'categories' | 'shortNames'>>): ResourceType {
  return { verbs: ALL_VERBS, categories: [], shortNames: [], ...t };
}

/** builtinResources is every resource the lab serves. */
export const builtinResources: readonly ResourceType[] = [
  def({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singularName: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], strategy: namespaceStrategy }),
  def({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', singularName: 'node', namespaced: false, shortNames: ['no'], subresources: ['status'], strategy: nodeStrategy }),
  def({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', singularName: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding'], strategy: podStrategy }),
  def({ group: '', version: 'v1', resource: 'events', kind: 'Event', singularName: 'event', namespaced: true, shortNames: ['ev'], subresources: [], strategy: eventStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singularName: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status'], strategy: deploymentStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singularName: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status'], strategy: replicaSetStrategy }),
];

/** ResourceTable finds resource types by path or by kind. */
export class ResourceTable {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor(readonly types: readonly ResourceType[]) {
    for (const t of types) {
      this.byPath.set(`${t.group}/${t.version}/${t.resource}`, t);
      this.byKind.set(`${groupVersion(t)}/${t.kind}`, t);
    }
  }

  /** lookup finds the type served at group/version/resource. */
  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** forKind finds the type of an object's apiVersion and kind. */
  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** groupVersions lists the served group/versions, core first. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.types) seen.set(groupVersion(t), { group: t.group, version: t.version });
    return [...seen.values()];
  }
}

/** objectKind returns an object's kind or '' (for messages about objects without one). */
export function objectKind(obj: KubeObject | undefined): string {
  return typeof obj?.kind === 'string' ? obj.kind : '';
}
