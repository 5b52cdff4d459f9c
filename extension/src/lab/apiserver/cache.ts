/**
 * cache keeps the API server's own in-memory copies of the small, hot resources
 * its filters and admission plugins read on every request — RBAC objects,
 * namespaces, service accounts, quotas, admission configuration — as upstream's
 * apiserver reads them from shared informers. Each copy is primed from the
 * store and kept current by a store watch, so reads are synchronous.
 */
import type { KubeObject } from '../api/types';
import type { KeyValue, Store, Watch } from '../store/store';
import { TransformError } from './encryption/transformer';
import type { ObjectCache } from './auth/types';
import type { ObjectStorage } from './storage';

/** CACHED_RESOURCES are the group/resources the server caches. */
export const CACHED_RESOURCES: readonly (readonly [group: string, resource: string])[] = [
  ['', 'namespaces'],
  ['', 'serviceaccounts'],
  ['', 'secrets'],
  ['', 'limitranges'],
  ['', 'resourcequotas'],
  ['', 'persistentvolumeclaims'],
  ['', 'persistentvolumes'],
  ['', 'nodes'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'rolebindings'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings'],
  ['scheduling.k8s.io', 'priorityclasses'],
  ['storage.k8s.io', 'storageclasses'],
  ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations'],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'],
  ['admissionregistration.k8s.io', 'validatingadmissionpolicies'],
  ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings'],
  ['apiextensions.k8s.io', 'customresourcedefinitions'],
];

/** ResourceCache is one resource's copy: objects by namespace/name. */
class ResourceCache {
  /** byNamespace maps namespace ('' for cluster-scoped) to name to object. */
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private all?: KubeObject[];
  private readonly listed = new Map<string, KubeObject[]>();
  version = 0;
  watch?: Watch;
  readonly listeners: ((obj: KubeObject, deleted: boolean) => void)[] = [];

  constructor(readonly storage: ObjectStorage) {}

  set(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let names = this.byNamespace.get(ns);
    if (!names) this.byNamespace.set(ns, (names = new Map<string, KubeObject>()));
    names.set(obj.metadata.name ?? '', obj);
    this.changed();
    for (const l of this.listeners) l(obj, false);
  }

  delete(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    this.byNamespace.get(ns)?.delete(obj.metadata.name ?? '');
    this.changed();
    for (const l of this.listeners) l(obj, true);
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /** list returns a stable array until the next change, so callers may index it by identity. */
  list(namespace?: string): readonly KubeObject[] {
    if (namespace === undefined) return (this.all ??= [...this.byNamespace.values()].flatMap((m) => [...m.values()]));
    let items = this.listed.get(namespace);
    if (!items) this.listed.set(namespace, (items = [...(this.byNamespace.get(namespace)?.values() ?? [])]));
    return items;
  }

  private changed(): void {
    this.version++;
    this.all = undefined;
    this.listed.clear();
  }
}

/**
 * decodeInto hands fn the object a stored value decodes to. A value the
 * encryption transformer cannot read (its key was removed) is left out, so the
 * server still starts; reads of it through the storage answer the error.
 */
function decodeInto(c: ResourceCache, kv: KeyValue, fn: (obj: KubeObject) => void): void {
  let obj: KubeObject;
  try {
    obj = c.storage.decode(kv);
  } catch (err) {
    if (err instanceof TransformError) return;
    throw err;
  }
  fn(obj);
}

/** ServerCache is the ObjectCache over every cached resource. */
export class ServerCache implements ObjectCache {
  private readonly caches = new Map<string, ResourceCache>();

  constructor(private readonly store: Store) {}

  /** add starts caching a resource; start() primes it. */
  add(group: string, resource: string, storage: ObjectStorage): void {
    this.caches.set(`${group}/${resource}`, new ResourceCache(storage));
  }

  /** start lists every cached resource and watches it from the listed revision. */
  async start(): Promise<void> {
    const revision = await this.store.revision();
    await Promise.all([...this.caches.values()].map(async (c) => {
      const page = await this.store.range(c.storage.keyPrefix(''), {});
      for (const kv of page.kvs) decodeInto(c, kv, (obj) => c.set(obj));
      this.watchFrom(c, Math.max(revision, page.revision));
    }));
  }

  stop(): void {
    for (const c of this.caches.values()) c.watch?.cancel();
  }

  private watchFrom(c: ResourceCache, revision: number): void {
    c.watch = this.store.watch(c.storage.keyPrefix(''), revision + 1, (events) => {
      for (const e of events) {
        if (e.type === 'delete') {
          if (e.prevKv) decodeInto(c, e.prevKv, (obj) => c.delete(obj));
        } else {
          decodeInto(c, e.kv, (obj) => c.set(obj));
        }
      }
    }, () => {
      // The cache fell behind a compaction (or a restore): relist, and as a reflector's Replace, tell
      // listeners of a delete only for objects really gone (a CRD "deleted" here would lose its instances).
      void (async () => {
        const page = await this.store.range(c.storage.keyPrefix(''), {});
        const listed: KubeObject[] = [];
        for (const kv of page.kvs) decodeInto(c, kv, (obj) => listed.push(obj));
        const present = new Set(listed.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`));
        for (const obj of c.list()) if (!present.has(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`)) c.delete(obj);
        for (const obj of listed) c.set(obj);
        this.watchFrom(c, page.revision);
      })();
    });
  }

  /** subscribe calls fn after every change to a cached resource (the server's own controllers use it, as upstream's use informers). */
  subscribe(group: string, resource: string, fn: (obj: KubeObject, deleted: boolean) => void): void {
    this.caches.get(`${group}/${resource}`)?.listeners.push(fn);
  }

  list(group: string, resource: string, namespace?: string): readonly KubeObject[] {
    return this.caches.get(`${group}/${resource}`)?.list(namespace) ?? [];
  }

  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.caches.get(`${group}/${resource}`)?.get(namespace, name);
  }

  version(group: string, resource: string): number {
    return this.caches.get(`${group}/${resource}`)?.version ?? 0;
  }
}
