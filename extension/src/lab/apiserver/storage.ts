/**
 * ObjectStorage persists one resource in the Store, as upstream's etcd3 storage
 * layer does: objects as JSON under /registry (upstream's key layout, storagePrefix.ts), resourceVersion read back from the
 * key's mod_revision, writes guarded by compare-and-swap on that revision.
 */
import type { KubeObject, WatchEvent } from '../api/types';
import type { KeyValue, Op, Store, TxnResponse, Watch } from '../store/store';
import type { ObjectTTL } from './leaseManager';
import { type ObjectFilter, filterMatches } from './selectors';
import { type ResourceType, groupVersion } from './resources';
import { type ListPage, WatchCache, type WatchFail } from './watchCache';
import { type Transformer, fromStorageOrThrow } from './encryption/transformer';
import { storageKeyPrefix } from './storagePrefix';
import { copyStored, jsonCopy } from './jsonCopy';

export { copyStored, jsonCopy } from './jsonCopy';

/** WriteResult is the stored object, or why the compare failed. */
export type WriteResult = { ok: true; object: KubeObject } | { ok: false; reason: 'exists' | 'conflict' | 'missing'; current?: KubeObject };

export class ObjectStorage {
  private readonly prefix: string;
  private readonly watchCache: WatchCache;
  /** stale are objects read from a value the transformer would now write differently (an older key or provider): an update rewrites them even when nothing changed. */
  private readonly stale = new WeakSet<KubeObject>();

  /**
   * transformer encrypts values at rest (--encryption-provider-config); without one, values are the objects' JSON.
   * custom marks a custom resource, filed under its group as the apiextensions server does (storagePrefix.ts).
   */
  /** ttl, for Events, attaches each write to a lease that deletes the object when it expires (--event-ttl). */
  constructor(readonly type: ResourceType, private readonly store: Store, readonly transformer?: Transformer, custom = false, private readonly ttl?: ObjectTTL) {
    this.prefix = storageKeyPrefix(type.group, type.resource, custom);
    this.watchCache = new WatchCache(store, this.prefix, (kv, revision) => this.decode(kv, revision), (obj, revision) => this.stamp(obj, revision));
  }

  /** keyPrefix is where a namespace's objects live (all of them when ns is empty). */
  keyPrefix(namespace: string): string {
    return this.type.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  key(namespace: string, name: string): string {
    return this.type.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** decode reads a stored value, stamping resourceVersion from the revision as upstream's versioner does. */
  decode(kv: KeyValue, revision = kv.modRevision): KubeObject {
    if (!this.transformer) return this.stamp(JSON.parse(kv.value) as KubeObject, revision);
    const plain = fromStorageOrThrow(this.transformer, kv.key, kv.value);
    const obj = this.stamp(JSON.parse(plain.data) as KubeObject, revision);
    if (plain.stale) this.stale.add(obj);
    return obj;
  }

  /** isStale tells whether obj, as get returned it, was stored by other than the first provider and key, as upstream's transformer reports stale data. */
  isStale(obj: KubeObject): boolean {
    return this.stale.has(obj);
  }

  /** stamp makes a decoded stored value the object a reader gets: type meta, and resourceVersion from the revision. */
  private stamp(obj: KubeObject, revision: number): KubeObject {
    obj.apiVersion = groupVersion(this.type);
    obj.kind = this.type.kind;
    obj.metadata.resourceVersion = String(revision);
    return obj;
  }

  /**
   * encode is the value to store for obj, and, when obj is plain JSON, what
   * decoding that value gives back, copied without parsing it: one copy for the
   * writer's answer, one the watch cache takes instead of decoding the change.
   * The writer unexpects the key once its write is done: by then the cache has
   * seen the change, or will decode it itself.
   */
  private encode(key: string, obj: KubeObject): { value: string; decoded?: KubeObject } {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    const stored = { ...obj, apiVersion: groupVersion(this.type), kind: this.type.kind, metadata };
    const json = JSON.stringify(stored);
    const value = this.transformer ? this.transformer.toStorage(json, key) : json;
    const decoded = jsonCopy(stored);
    // The cache freezes what it keeps: its copy comes frozen but for the top two levels, which stamping still writes to.
    if (decoded) this.watchCache.expect(key, value, jsonCopy(decoded, 2) as KubeObject);
    return { value, decoded };
  }

  /** written is a successful write's answer: the copy encode made, else the stored value decoded. */
  private written(kv: KeyValue, decoded: KubeObject | undefined): KubeObject {
    return decoded ? this.stamp(decoded, kv.modRevision) : this.decode(kv);
  }

  /** currentRevision is the store's latest revision. */
  currentRevision(): Promise<number> {
    return this.store.revision();
  }

  /**
   * cached is the watch cache's copy of an object, copied for the caller to
   * change, as the cacher hands GuaranteedUpdate its cachedExistingObject: it may
   * be behind the store. Undefined when the cache cannot say (not serving, no such
   * object yet) or values are transformed (staleness is the store's to tell).
   */
  cached(namespace: string, name: string): KubeObject | undefined {
    if (this.transformer) return undefined;
    const obj = this.watchCache.get(this.key(namespace, name));
    return obj && copyStored(obj);
  }

  async get(namespace: string, name: string): Promise<KubeObject | undefined> {
    const kv = await this.store.get(this.key(namespace, name));
    return kv ? this.decode(kv) : undefined;
  }

  /**
   * list returns matching objects after startKey, at most limit of them, and the
   * key to continue from. At a revision it reads the snapshot of that revision
   * (the list's resourceVersion); otherwise the latest, and every later page of
   * the same list reads the first page's revision. Lists at the latest revision
   * are served from the watch cache: their items are frozen and shared, so
   * callers must copy an object before changing it.
   */
  async list(namespace: string, filter: ObjectFilter, limit: number, startKey?: string, atRevision = 0): Promise<ListPage> {
    const prefix = this.keyPrefix(namespace);
    const cached = await this.watchCache.list(prefix, filter, limit, startKey, atRevision);
    if (cached) return cached;
    const items: KubeObject[] = [];
    let from = startKey ?? prefix;
    let revision = atRevision;
    for (;;) {
      const page = await this.store.range(prefix, { startKey: from, limit: limit > 0 ? limit - items.length + 1 : 0, revision });
      revision ||= page.revision;
      for (const kv of page.kvs) {
        const obj = this.decode(kv);
        if (!filterMatches(filter, obj)) continue;
        if (limit > 0 && items.length === limit) return { items, revision, nextKey: kv.key };
        items.push(obj);
      }
      if (!page.more || page.kvs.length === 0) return { items, revision };
      from = `${page.kvs[page.kvs.length - 1].key}\u0000`;
    }
  }

  /** create writes obj only if its key is free. */
  async create(obj: KubeObject, dryRun: boolean): Promise<WriteResult> {
    const key = this.key(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (dryRun) {
      const existing = await this.store.get(key);
      return existing ? { ok: false, reason: 'exists' } : { ok: true, object: { ...obj, metadata: { ...obj.metadata } } };
    }
    const { value, decoded } = this.encode(key, obj);
    let res: TxnResponse;
    try {
      // Only a resource with a TTL waits for its lease: the others write in the same turn.
      const put: Op = this.ttl ? { type: 'put', key, value, lease: await this.ttl.leases.lease(this.ttl.seconds) } : { type: 'put', key, value };
      res = await this.store.txn({ compare: [{ key, target: 'mod', result: '=', value: 0 }], success: [put], failure: [] });
    } finally {
      this.watchCache.unexpect(key);
    }
    if (!res.succeeded) return { ok: false, reason: 'exists' };
    return { ok: true, object: this.written(res.results[0].kv as KeyValue, decoded) };
  }

  /** update writes obj only if the key is still at expectedRevision. */
  async update(obj: KubeObject, expectedRevision: number, dryRun: boolean): Promise<WriteResult> {
    const key = this.key(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (dryRun) {
      const current = await this.store.get(key);
      if (!current) return { ok: false, reason: 'missing' };
      if (current.modRevision !== expectedRevision) return { ok: false, reason: 'conflict', current: this.decode(current) };
      return { ok: true, object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(expectedRevision) } } };
    }
    const { value, decoded } = this.encode(key, obj);
    let res: TxnResponse;
    try {
      // Only a resource with a TTL waits for its lease: the others write in the same turn.
      const put: Op = this.ttl ? { type: 'put', key, value, lease: await this.ttl.leases.lease(this.ttl.seconds) } : { type: 'put', key, value };
      res = await this.store.txn({
        compare: [{ key, target: 'mod', result: '=', value: expectedRevision }],
        success: [put],
        failure: [{ type: 'get', key }],
      });
    } finally {
      this.watchCache.unexpect(key);
    }
    if (!res.succeeded) {
      const current = res.results[0]?.kv;
      return current ? { ok: false, reason: 'conflict', current: this.decode(current) } : { ok: false, reason: 'missing' };
    }
    return { ok: true, object: this.written(res.results[0].kv as KeyValue, decoded) };
  }

  /** remove deletes the key if it is still at expectedRevision; the answer carries the deletion's revision. */
  async remove(obj: KubeObject, expectedRevision: number, dryRun: boolean): Promise<WriteResult> {
    const key = this.key(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (dryRun) return { ok: true, object: obj };
    const res = await this.store.txn({
      compare: [{ key, target: 'mod', result: '=', value: expectedRevision }],
      success: [{ type: 'delete', key }],
      failure: [{ type: 'get', key }],
    });
    if (!res.succeeded) {
      const current = res.results[0]?.kv;
      return current ? { ok: false, reason: 'conflict', current: this.decode(current) } : { ok: false, reason: 'missing' };
    }
    const prev = res.results[0].prevKv as KeyValue;
    return { ok: true, object: this.decode(prev, res.revision) };
  }

  /**
   * watch streams changes under namespace after fromRevision, translated to
   * ADDED/MODIFIED/DELETED as seen through filter: an object that starts or stops
   * matching is ADDED or DELETED, as upstream's watch cache does. Watches share
   * the watch cache's one store watch per resource: each change is decoded once,
   * frozen, and the same object goes to every watcher it matches (watchers must
   * not mutate it, as informer caches must not be mutated upstream). A watch from
   * a revision older than the cache's window reads the store's history on its own.
   * Once the watch is cancelled, emit is not called again.
   */
  watch(namespace: string, fromRevision: number, filter: ObjectFilter, emit: (e: WatchEvent) => void, fail: WatchFail): Watch {
    return this.watchCache.watch(this.keyPrefix(namespace), fromRevision, filter, emit, fail);
  }

  /** notified is how many watchers the change at revision was sent to, once the watch cache has fanned it out. */
  notified(revision: number): number | undefined {
    return this.watchCache.notified(revision);
  }

  /** bookmarkRevision is the revision a watch's bookmark carries: the watch cache's, confirmed by the store's progress. */
  bookmarkRevision(): Promise<number> {
    return this.watchCache.progressRevision();
  }

  /** stop ends the watch cache's store watch (the server stops its storages when it stops). */
  stop(): void {
    this.watchCache.stop();
  }
}
