/**
 * testing gives admission plugin tests a fake server around them: an ObjectCache
 * over given objects, an AdmissionContext whose storage reads, lists and status
 * writes go to the same objects, and Attributes built from a kind and an object.
 */
import { ManualClock } from '../../clock';
import type { KubeObject, Status } from '../../api/types';
import { conflict, OPTIMISTIC_LOCK_MESSAGE } from '../errors';
import type { ObjectCache, UserInfo } from '../auth/types';
import type { ResourceType } from '../resources';
import type { AdmissionContext, Attributes, Operation } from './admission';

/** KINDS maps the kinds tests use to their group and resource. */
const KINDS: Record<string, { group: string; version: string; resource: string; namespaced: boolean }> = {
  Pod: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  Namespace: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  Node: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  Service: { group: '', version: 'v1', resource: 'services', namespaced: true },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  Secret: { group: '', version: 'v1', resource: 'secrets', namespaced: true },
  PersistentVolumeClaim: { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true },
  PersistentVolume: { group: '', version: 'v1', resource: 'persistentvolumes', namespaced: false },
  ServiceAccount: { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  Event: { group: '', version: 'v1', resource: 'events', namespaced: true },
  ResourceQuota: { group: '', version: 'v1', resource: 'resourcequotas', namespaced: true },
  Eviction: { group: 'policy', version: 'v1', resource: 'pods', namespaced: true },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
  Lease: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true },
  PriorityClass: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false },
  StorageClass: { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', namespaced: false },
  LocalSubjectAccessReview: { group: 'authorization.k8s.io', version: 'v1', resource: 'localsubjectaccessreviews', namespaced: true },
};

/** typeOf returns a resource type good enough for plugins, which read only its names and scope. */
export function typeOf(kind: string): ResourceType {
  const k = KINDS[kind];
  if (!k) throw new Error(`testing: unknown kind ${kind}`);
  const t: Omit<ResourceType, 'strategy'> = { ...k, kind: kind === 'Eviction' ? 'Pod' : kind, singularName: kind.toLowerCase(), shortNames: [], categories: [], verbs: [], subresources: [] };
  return t as ResourceType;
}

const key = (group: string, resource: string) => `${group}/${resource}`;

/** FakeServer holds objects by group/resource and serves them as both cache and storage. */
export class FakeServer implements ObjectCache {
  private readonly objects = new Map<string, KubeObject[]>();
  private readonly versions = new Map<string, number>();
  readonly clock = new ManualClock();
  /** statusWrites records every updateStatus call, in order. */
  readonly statusWrites: KubeObject[] = [];
  private revision = 100;

  constructor(objects: readonly KubeObject[] = []) {
    for (const o of objects) this.add(o);
  }

  /** add stores an object under its kind's group/resource, replacing one of the same name. */
  add(obj: KubeObject): KubeObject {
    const t = typeOf(obj.kind ?? '');
    const list = this.objects.get(key(t.group, t.resource)) ?? [];
    const kept = list.filter((o) => o.metadata.name !== obj.metadata.name || (o.metadata.namespace ?? '') !== (obj.metadata.namespace ?? ''));
    obj.metadata.resourceVersion ??= String(++this.revision);
    this.objects.set(key(t.group, t.resource), [...kept, obj]);
    this.versions.set(key(t.group, t.resource), (this.versions.get(key(t.group, t.resource)) ?? 0) + 1);
    return obj;
  }

  list(group: string, resource: string, namespace?: string): readonly KubeObject[] {
    return (this.objects.get(key(group, resource)) ?? []).filter((o) => namespace === undefined || (o.metadata.namespace ?? '') === namespace);
  }

  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.list(group, resource, namespace).find((o) => o.metadata.name === name);
  }

  version(group: string, resource: string): number {
    return this.versions.get(key(group, resource)) ?? 0;
  }

  /** context is the AdmissionContext over this server; storage reads see the same objects as the cache. */
  context(): AdmissionContext & { updateStatus(group: string, resource: string, obj: KubeObject): Promise<KubeObject | Status>; list(group: string, resource: string, namespace: string): Promise<readonly KubeObject[]> } {
    return {
      cache: this,
      clock: this.clock,
      get: <T extends KubeObject>(group: string, resource: string, namespace: string, name: string) => Promise.resolve(this.get(group, resource, namespace, name) as T | undefined),
      list: (group: string, resource: string, namespace: string) => Promise.resolve(this.list(group, resource, namespace)),
      // Like real storage, a write lands a tick later, so concurrent requests can race.
      updateStatus: async (group: string, resource: string, obj: KubeObject) => {
        this.statusWrites.push(obj);
        await Promise.resolve();
        const current = this.get(group, resource, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
        if (current && current.metadata.resourceVersion !== obj.metadata.resourceVersion) return conflict({ group, resource }, obj.metadata.name ?? '', OPTIMISTIC_LOCK_MESSAGE);
        const stored = structuredClone(obj);
        stored.metadata.resourceVersion = undefined;
        return this.add(stored);
      },
    };
  }
}

/** AttributeInit is what a test says about a request; the rest is filled in. */
export interface AttributeInit {
  kind: string;
  operation?: Operation;
  object?: KubeObject;
  oldObject?: KubeObject;
  namespace?: string;
  name?: string;
  subresource?: string;
  user?: UserInfo;
  dryRun?: boolean;
}

/** attributes builds Attributes for a request on kind, naming it after the object unless told otherwise. */
export function attributes(init: AttributeInit): Attributes {
  const obj = init.object ?? init.oldObject;
  return {
    operation: init.operation ?? 'CREATE',
    type: typeOf(init.kind),
    subresource: init.subresource ?? '',
    namespace: init.namespace ?? obj?.metadata.namespace ?? '',
    name: init.name ?? obj?.metadata.name ?? '',
    object: init.object,
    oldObject: init.oldObject,
    dryRun: init.dryRun ?? false,
    userInfo: init.user ?? { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
    warnings: [],
    auditAnnotations: {},
  };
}
