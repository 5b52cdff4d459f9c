/**
 * ObjectStorage persists one resource in the Store, as upstream's etcd3 storage
 * layer does: objects as JSON under /registry, resourceVersion read back from the
 * key's mod_revision, writes guarded by compare-and-swap on that revision.
 */
import type { KubeObject, WatchEvent } from '../api/types';
import { ERR_COMPACTED, type KeyValue, type Store, type StoreEvent, type Watch } from '../store/store';
import { type ObjectFilter, filterMatches } from './selectors';
import { type ResourceType, groupVersion } from './resources';

/** WriteResult is the stored object, or why the compare failed. */
export type WriteResult = { ok: true; object: KubeObject } | { ok: false; reason: 'exists' | 'conflict' | 'missing'; current?: KubeObject };

export class ObjectStorage {
  private readonly prefix: string;
  private readonly watchCache: WatchCache;

  constructor(readonly type: ResourceType, private readonly store: Store) {
    this.prefix = `/registry/${type.group ? `${type.group}/` : ''}${type.resource}/`;
    this.watchCache = new WatchCache(store, this.prefix, (kv, revision) => this.decode(kv, revision));
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
    const obj = JSON.parse(kv.value) as KubeObject;
    obj.apiVersion = groupVersion(this.type);
    obj.kind = this.type.kind;
    obj.metadata.resourceVersion = String(revision);
    return obj;
  }

  private encode(obj: KubeObject): string {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    return JSON.stringify({ ...obj, apiVersion: groupVersion(this.type), kind: this.type.kind, metadata });
  }

  /** currentRevision is the store's latest revision. */
  currentRevision(): Promise<number> {
    return this.store.revision();
  }

  async get(namespace: string, name: string): Promise<KubeObject | undefined> {
    const kv = await this.store.get(this.key(namespace, name));
    return kv ? this.decode(kv) : undefined;
  }

  /**
   * list returns matching objects after startKey, at most limit of them, and the
   * key to continue from. At a revision it reads the snapshot of that revision
   * (the list's resourceVersion); otherwise the latest, and every later page of
   * the same list reads the first page's revision.
   */
  async list(namespace: string, filter: ObjectFilter, limit: number, startKey?: string, atRevision = 0): Promise<{ items: KubeObject[]; revision: number; nextKey?: string }> {
    const prefix = this.keyPrefix(namespace);
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
    const res = await this.store.txn({ compare: [{ key, target: 'mod', result: '=', value: 0 }], success: [{ type: 'put', key, value: this.encode(obj) }], failure: [] });
    if (!res.succeeded) return { ok: false, reason: 'exists' };
    return { ok: true, object: this.decode(res.results[0].kv as KeyValue) };
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
    const res = await this.store.txn({
      compare: [{ key, target: 'mod', result: '=', value: expectedRevision }],
      success: [{ type: 'put', key, value: this.encode(obj) }],
      failure: [{ type: 'get', key }],
    });
    if (!res.succeeded) {
      const current = res.results[0]?.kv;
      return current ? { ok: false, reason: 'conflict', current: this.decode(current) } : { ok: false, reason: 'missing' };
    }
    return { ok: true, object: this.decode(res.results[0].kv as KeyValue) };
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
   * one store watch per resource: each change is decoded once, frozen, and the
   * same object goes to every watcher it matches (watchers must not mutate it,
   * as informer caches must not be mutated upstream). A watch from a revision
   * older than the shared window reads the store's history on its own.
   */
  watch(namespace: string, fromRevision: number, filter: ObjectFilter, emit: (e: WatchEvent) => void, fail: (message: string) => void): Watch {
    return this.watchCache.watch(this.keyPrefix(namespace), fromRevision, filter, emit, fail);
  }
}

/** A decoded change: the object after it (or the deleted object) and before it. */
interface CachedEvent {
  revision: number;
  key: string;
  deleted: boolean;
  cur?: KubeObject;
  prev?: KubeObject;
}

interface Watcher {
  prefix: string;
  from: number;
  filter: ObjectFilter;
  emit: (e: WatchEvent) => void;
  fail: (message: string) => void;
}

/** WatchCache is the shared fan-out of one resource's changes, with a window of recent ones for watches that start a little behind. */
class WatchCache {
  /** groups gathers watchers with the same scope and selectors, so each change is matched once per group. */
  private readonly groups = new Map<string, Group>();
  private readonly window: CachedEvent[] = [];
  private storeWatch?: Watch;
  /** windowStart is the revision after which every change is in the window. */
  private windowStart = 0;

  constructor(private readonly store: Store, private readonly prefix: string, private readonly decode: (kv: KeyValue, revision?: number) => KubeObject) {}

  watch(prefix: string, fromRevision: number, filter: ObjectFilter, emit: (e: WatchEvent) => void, fail: (message: string) => void): Watch {
    if (this.storeWatch && fromRevision < this.windowStart) return this.direct(prefix, fromRevision, filter, emit, fail);
    const w: Watcher = { prefix, from: fromRevision, filter, emit, fail };
    if (!this.storeWatch) {
      this.windowStart = fromRevision;
      this.storeWatch = this.store.watch(this.prefix, fromRevision + 1, (events) => this.dispatch(events), (err) => {
        for (const g of this.groups.values()) for (const x of g.watchers) x.fail(err.message === ERR_COMPACTED ? `too old resource version: ${x.from} (${err.compactRevision})` : err.message);
        this.groups.clear();
        this.storeWatch = undefined;
        this.window.length = 0;
      });
    } else {
      for (const e of this.window) {
        if (e.revision <= fromRevision || !e.key.startsWith(prefix)) continue;
        const out = translate(filter, e);
        if (out) emit(out);
      }
    }
    const key = `${prefix}\u0000${JSON.stringify(filter)}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { prefix, filter, watchers: new Set() }));
    group.watchers.add(w);
    return {
      cancel: () => {
        const g = this.groups.get(key);
        if (!g?.watchers.delete(w)) return;
        if (g.watchers.size === 0) this.groups.delete(key);
        if (this.groups.size === 0 && this.storeWatch) {
          this.storeWatch.cancel();
          this.storeWatch = undefined;
          this.window.length = 0;
        }
      },
    };
  }

  private dispatch(events: StoreEvent[]): void {
    for (const e of events) {
      const c: CachedEvent = { revision: e.kv.modRevision, key: e.kv.key, deleted: e.type === 'delete' };
      if (e.prevKv) {
        c.prev = this.decode(e.prevKv);
        if (c.deleted) c.prev.metadata.resourceVersion = String(e.kv.modRevision);
        deepFreeze(c.prev);
      }
      if (!c.deleted) c.cur = deepFreeze(this.decode(e.kv));
      this.window.push(c);
      for (const g of this.groups.values()) {
        if (!c.key.startsWith(g.prefix)) continue;
        const out = translate(g.filter, c);
        if (!out) continue;
        for (const w of g.watchers) if (c.revision > w.from) w.emit(out);
      }
    }
    if (this.window.length > WINDOW) {
      const dropped = this.window.splice(0, this.window.length - WINDOW);
      this.windowStart = dropped[dropped.length - 1].revision;
    }
  }

  /** direct serves a watch from old history straight from the store, decoding for this watcher alone. */
  private direct(prefix: string, fromRevision: number, filter: ObjectFilter, emit: (e: WatchEvent) => void, fail: (message: string) => void): Watch {
    return this.store.watch(prefix, fromRevision + 1, (events) => {
      for (const e of events) {
        const c: CachedEvent = { revision: e.kv.modRevision, key: e.kv.key, deleted: e.type === 'delete' };
        if (e.prevKv) c.prev = this.decode(e.prevKv, c.deleted ? e.kv.modRevision : undefined);
        if (!c.deleted) c.cur = this.decode(e.kv);
        const out = translate(filter, c);
        if (out) emit(out);
      }
    }, (err) => fail(err.message === ERR_COMPACTED ? `too old resource version: ${fromRevision} (${err.compactRevision})` : err.message));
  }
}

interface Group {
  prefix: string;
  filter: ObjectFilter;
  watchers: Set<Watcher>;
}

/** The shared window keeps this many recent changes per resource. */
const WINDOW = 10_000;

/** translate turns one change into the event a watcher with filter sees, if any. */
function translate(filter: ObjectFilter, c: CachedEvent): WatchEvent | undefined {
  const prevMatch = c.prev ? filterMatches(filter, c.prev) : false;
  if (c.deleted) return c.prev && prevMatch ? { type: 'DELETED', object: c.prev } : undefined;
  const cur = c.cur as KubeObject;
  const curMatch = filterMatches(filter, cur);
  if (curMatch) return { type: prevMatch ? 'MODIFIED' : 'ADDED', object: cur };
  return prevMatch ? { type: 'DELETED', object: cur } : undefined;
}

/** deepFreeze makes a shared event object read-only, so a watcher that mutates it fails loudly instead of corrupting the others. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
