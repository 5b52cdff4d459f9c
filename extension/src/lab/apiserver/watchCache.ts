/**
 * WatchCache is one resource's cache in the API server, as upstream's cacher: it
 * lists the resource once, then follows one store watch, keeping every current
 * object decoded and frozen under a sorted key index, and a window of recent
 * changes. Lists at the latest revision are served from it (upstream's
 * ConsistentListFromCache); each change is decoded once and fanned out to every
 * watcher whose scope and selectors it matches.
 */
import type { KubeObject, WatchEvent } from '../api/types';
import { SortedKeys } from '../store/sortedKeys';
import { ERR_COMPACTED, ERR_FUTURE_REV, type KeyValue, type Store, type StoreEvent, type Watch, type WatchError } from '../store/store';
import { type ObjectFilter, filterMatches } from './selectors';
import { TransformError } from './encryption/transformer';
import { type CachedEvent, type Group, NOOP, type WatchFail, type Watcher, WatchGroups } from './watchGroups';
import { FROZEN_EMPTY } from './jsonCopy';

export type { WatchFail } from './watchGroups';

/** ListPage is one page of a list: matching objects, the revision they are at, and the key the next page starts at. */
export interface ListPage {
  items: KubeObject[];
  revision: number;
  nextKey?: string;
}

/** NOTIFIED_KEPT is how many recent changes the cache remembers the fan-out of (for request traces). */
const NOTIFIED_KEPT = 1024;

/** The window keeps at least this many recent changes per resource. */
const WINDOW = 10_000;
/** The window is trimmed in batches of this many, so trimming is not a copy per change. */
const WINDOW_SLACK = 1_000;

export class WatchCache {
  /** objects are the current objects by key, each frozen and shared with every reader. */
  private readonly objects = new Map<string, KubeObject>();
  private readonly keys = new SortedKeys();
  private readonly groups = new WatchGroups();
  private window: CachedEvent[] = [];
  /** windowStart is the revision after which every change is in the window. */
  private windowStart = 0;
  /** revision is the revision the cache is current to: every change up to it has been fanned out. */
  private revision = 0;
  /** joined counts the watchers that have joined a group. */
  private joined = 0;
  /** notifiedAt maps the revision of each recent change to how many watchers it was sent to, oldest first. */
  private readonly notifiedAt = new Map<number, number>();
  private storeWatch?: Watch;
  /** started settles once the cache has listed and is following the store; a failed watch clears it. */
  private started?: Promise<void>;
  private ready = false;
  /** generation counts restarts, so a list begun before one does not fill the cache after it. */
  private generation = 0;
  /** progressWaiters wait for the next batch or progress notification from the store watch, which tells the revision the cache is current to. */
  private progressWaiters: ((revision: number) => void)[] = [];

  /** expected holds, by key, a write under way: its value and what decoding the value gives, which dispatch takes instead of decoding. */
  private readonly expected = new Map<string, { value: string; object: KubeObject }>();

  /** decode reads a stored value; stamp makes an object already decoded from one (expect's) what decode would have made at revision. */
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly decode: (kv: KeyValue, revision?: number) => KubeObject,
    private readonly stamp: (obj: KubeObject, revision: number) => KubeObject,
  ) {}

  /**
   * expect tells the cache that value is about to be written under key and that
   * object is what decoding it gives: when the change arrives with that value, the
   * cache keeps object instead of decoding. The writer calls unexpect once its
   * write is done.
   */
  expect(key: string, value: string, object: KubeObject): void {
    this.expected.set(key, { value, object });
  }

  unexpect(key: string): void {
    this.expected.delete(key);
  }

  /** get is the cache's object at key (frozen: copy it before changing it), undefined while the cache is not serving or has no such object. */
  get(key: string): KubeObject | undefined {
    return this.ready ? this.objects.get(key) : undefined;
  }

  /**
   * list serves a list from the cache at the store's current revision, or at
   * atRevision when that is the current revision (a later page of a list the
   * store has not moved past). It answers undefined when only the store can
   * answer: an older revision, or a cache that is restarting.
   */
  async list(prefix: string, filter: ObjectFilter, limit: number, startKey: string | undefined, atRevision: number): Promise<ListPage | undefined> {
    if (!this.ready) await this.start(0);
    // As ConsistentListFromCache, ask the store for its revision, then serve once the cache has caught up to it.
    // The store delivers a watch's events before a later call resolves (MemoryStore queues them at commit), so the cache has.
    const revision = await this.store.revision();
    if (!this.ready || (atRevision > 0 && atRevision !== revision)) return undefined;
    const all = filter.labels.length === 0 && filter.fields.length === 0;
    // A list by metadata.name (each kubelet's informer on its own Node) reads the one key that name has under prefix, not every object.
    const named = filter.fields.find((f) => f.field === 'metadata.name' && !f.negate);
    const onlyKey = named && prefix.endsWith('/') ? prefix + named.value : undefined;
    const only = onlyKey === undefined ? undefined : this.objects.get(onlyKey);
    if (onlyKey && only) return { items: (startKey === undefined || startKey <= onlyKey) && filterMatches(filter, only) ? [only] : [], revision };
    const items: KubeObject[] = [];
    for (const key of this.keys.from(startKey !== undefined && startKey > prefix ? startKey : prefix)) {
      if (!key.startsWith(prefix)) break;
      const obj = this.objects.get(key) as KubeObject;
      if (!all && !filterMatches(filter, obj)) continue;
      if (limit > 0 && items.length === limit) return { items, revision, nextKey: key };
      items.push(obj);
    }
    return { items, revision };
  }

  /**
   * watch streams changes under prefix after fromRevision, translated to
   * ADDED/MODIFIED/DELETED as seen through filter. A watch from before the
   * window reads the store's history on its own. Once cancelled, the watch
   * emits nothing more, even in the middle of a batch of changes.
   */
  watch(prefix: string, fromRevision: number, filter: ObjectFilter, emit: (e: WatchEvent) => void, fail: WatchFail): Watch {
    const w: Watcher = { seq: 0, prefix, from: fromRevision, filter, emit, fail, cancelled: false };
    const groupKey = `${prefix}\u0000${JSON.stringify(filter)}`;
    let direct: Watch | undefined;
    const attach = (): void => {
      if (w.cancelled) return;
      if (!this.ready) {
        this.start(fromRevision).then(attach, (err: unknown) => fail(err instanceof Error ? err.message : String(err)));
        return;
      }
      if (fromRevision < this.windowStart) {
        direct = this.direct(w);
        return;
      }
      for (let i = this.windowIndex(fromRevision + 1); i < this.window.length && !w.cancelled; i++) {
        const e = this.window[i];
        if (!e.key.startsWith(prefix)) continue;
        const out = translate(filter, e);
        if (out) emit(out);
      }
      // A watcher its own replay cancelled has nothing left to join.
      if (w.cancelled) return;
      const group = this.groups.open(groupKey, prefix, filter);
      w.seq = this.joined++;
      if (fromRevision <= this.revision) {
        group.live.push(w);
        group.emits.push(emit);
      } else {
        group.early.push(w);
        this.groups.withEarly.add(group);
      }
    };
    attach();
    return {
      cancel: () => {
        w.cancelled = true;
        direct?.cancel();
        const g = this.groups.get(groupKey);
        if (g && leave(g, w) && g.live.length === g.cancelled && g.early.length === 0) this.groups.delete(groupKey);
      },
    };
  }

  /** notified is how many watchers the change at revision was sent to; undefined before it is fanned out, or long after. */
  notified(revision: number): number | undefined {
    return this.notifiedAt.get(revision);
  }

  /**
   * progressRevision is the revision a bookmark carries, as the cacher's: the
   * revision the cache is current to, once the store has confirmed it with a
   * progress notification (etcd's RequestProgress), so a bookmark can move past
   * writes to other resources and never past a change not yet sent.
   */
  async progressRevision(): Promise<number> {
    if (!this.ready) return this.store.revision();
    const watch = this.storeWatch;
    if (!watch?.requestProgress) return this.revision;
    const progressed = new Promise<number>((resolve) => this.progressWaiters.push(resolve));
    watch.requestProgress();
    return progressed;
  }

  /** stop ends the cache's store watch; the next list or watch starts it again. */
  stop(): void {
    this.storeWatch?.cancel();
    this.reset();
  }

  /** start lists the resource (at revision when the store still has it, else the latest) and follows the store from there. */
  private start(revision: number): Promise<void> {
    return (this.started ??= this.prime(revision));
  }

  private async prime(revision: number): Promise<void> {
    const generation = this.generation;
    let page;
    try {
      page = await this.store.range(this.prefix, { revision });
    } catch (err) {
      if (!(err instanceof Error) || (err.message !== ERR_COMPACTED && err.message !== ERR_FUTURE_REV)) throw err;
      // Compacted or not yet written: the latest state will do, and older watches read the store's history.
      revision = 0;
      page = await this.store.range(this.prefix);
    }
    if (generation !== this.generation) return;
    const at = revision || page.revision;
    for (const kv of page.kvs) {
      this.keys.add(kv.key);
      this.objects.set(kv.key, deepFreeze(this.decode(kv)));
    }
    this.windowStart = at;
    this.revision = at;
    this.ready = true;
    // As the cacher's reflector, the cache asks etcd for progress notifications: they move its revision on without changes.
    this.storeWatch = this.store.watch(this.prefix, at + 1, (events, revision) => {
      try {
        this.dispatch(events, revision);
      } catch (err) {
        if (!(err instanceof TransformError)) throw err;
        // A change the transformer cannot read: as the cacher's reflector on a watch error, end every watch and relist on next use.
        const storeWatch = this.storeWatch;
        this.fallBehind({ code: 'canceled', message: err.message, compactRevision: 0 });
        storeWatch?.cancel();
      }
    }, (err) => this.fallBehind(err), { progressNotify: true });
  }

  /**
   * fallBehind ends every watch when the store watch ends; the next use relists.
   * Behind a compaction each watch gets 410 Gone; a store watch the store
   * canceled ends them without an error, as the cacher terminates its watchers
   * when its reflector has to relist.
   */
  private fallBehind(err: WatchError): void {
    for (const g of this.groups.all()) {
      for (const x of [...g.live, ...g.early].sort((p, q) => p.seq - q.seq)) if (!x.cancelled) x.fail(watchFailure(err, x.from));
    }
    this.reset();
  }

  private reset(): void {
    const waiters = this.progressWaiters;
    this.progressWaiters = [];
    for (const resolve of waiters) resolve(this.revision);
    this.generation++;
    this.groups.clear();
    this.objects.clear();
    this.keys.clear();
    this.window = [];
    this.storeWatch = undefined;
    this.started = undefined;
    this.ready = false;
    this.revision = 0;
  }

  private dispatch(events: StoreEvent[], batchRevision: number): void {
    for (const e of events) {
      const key = e.kv.key;
      const revision = e.kv.modRevision;
      // The cache holds the object as it was before this change; the store's copy is only needed if it somehow does not.
      let prev = this.objects.get(key) ?? (e.prevKv ? deepFreeze(this.decode(e.prevKv)) : undefined);
      let c: CachedEvent;
      if (e.type === 'delete') {
        // A deleted object carries the deletion's revision, as upstream's versioner stamps it.
        if (prev) prev = deepFreeze({ ...prev, metadata: { ...prev.metadata, resourceVersion: String(revision) } });
        if (this.objects.delete(key)) this.keys.delete(key);
        c = { revision, key, deleted: true, prev };
      } else {
        const cur = deepFreeze(this.decodeChange(e.kv));
        if (!this.objects.has(key)) this.keys.add(key);
        this.objects.set(key, cur);
        c = { revision, key, deleted: false, cur, prev };
      }
      this.window.push(c);
      let notified = 0;
      for (const g of this.groups.candidates(c)) {
        if (g.cancelled > 0) compact(g);
        if (g.early.length > 0 && promote(g, revision)) this.groups.withEarly.delete(g);
        if (!key.startsWith(g.prefix)) continue;
        const out = translate(g.filter, c);
        if (!out) continue;
        const emits = g.emits;
        notified += emits.length;
        for (let i = 0; i < emits.length; i++) emits[i](out);
      }
      if (this.notifiedAt.size >= NOTIFIED_KEPT) this.notifiedAt.delete(this.notifiedAt.keys().next().value as number);
      this.notifiedAt.set(revision, notified);
      this.revision = revision;
    }
    if (this.window.length > WINDOW + WINDOW_SLACK) {
      const drop = this.window.length - WINDOW;
      this.windowStart = this.window[drop - 1].revision;
      this.window = this.window.slice(drop);
    }
    // The batch's revision is the store's progress for this prefix: every change up to it has been seen (upstream's UpdateResourceVersion).
    if (batchRevision > this.revision) {
      this.revision = batchRevision;
      for (const g of this.groups.withEarly) if (promote(g, batchRevision + 1)) this.groups.withEarly.delete(g);
    }
    if (this.progressWaiters.length > 0) {
      const waiters = this.progressWaiters;
      this.progressWaiters = [];
      for (const resolve of waiters) resolve(this.revision);
    }
  }

  /** decodeChange decodes a change's value, or takes the object a writer said the value decodes to. */
  private decodeChange(kv: KeyValue): KubeObject {
    const x = this.expected.get(kv.key);
    if (x === undefined || x.value !== kv.value) return this.decode(kv);
    this.expected.delete(kv.key);
    return this.stamp(x.object, kv.modRevision);
  }

  /** windowIndex is the index of the first change in the window at or after revision (the window is in revision order). */
  private windowIndex(revision: number): number {
    let lo = 0;
    let hi = this.window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.window[mid].revision < revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** direct serves a watch from old history straight from the store, decoding for this watcher alone. */
  private direct(w: Watcher): Watch {
    const { prefix, from: fromRevision, filter, emit, fail } = w;
    // The store may replay history before its watch is returned: the failure path cancels through this holder.
    const held: { watch?: Watch } = {};
    held.watch = this.store.watch(prefix, fromRevision + 1, (events) => {
      for (const e of events) {
        if (w.cancelled) return;
        const c: CachedEvent = { revision: e.kv.modRevision, key: e.kv.key, deleted: e.type === 'delete' };
        try {
          if (e.prevKv) c.prev = this.decode(e.prevKv, c.deleted ? e.kv.modRevision : undefined);
          if (!c.deleted) c.cur = this.decode(e.kv);
        } catch (err) {
          if (!(err instanceof TransformError)) throw err;
          // As upstream's etcd watcher: a value it cannot transform ends the watch with the error.
          w.cancelled = true;
          held.watch?.cancel();
          fail(err.message);
          return;
        }
        const out = translate(filter, c);
        if (out) emit(out);
      }
    }, (err) => fail(watchFailure(err, fromRevision)));
    if (w.cancelled) held.watch.cancel();
    return held.watch;
  }
}

/** watchFailure is how a watch from fromRevision ends when its store watch fails: 410's message behind a compaction, no message (the watch just ends) when canceled. */
function watchFailure(err: WatchError, fromRevision: number): string | undefined {
  if (err.code === 'canceled') return undefined;
  return err.message === ERR_COMPACTED ? `too old resource version: ${fromRevision} (${err.compactRevision})` : err.message;
}

/** leave takes a cancelled watcher out of its group; it tells whether the watcher was there. */
function leave(g: Group, w: Watcher): boolean {
  const early = g.early.indexOf(w);
  if (early >= 0) {
    g.early.splice(early, 1);
    return true;
  }
  const live = g.live.indexOf(w);
  if (live < 0 || g.emits[live] === NOOP) return false;
  g.emits[live] = NOOP;
  g.cancelled++;
  return true;
}

/** compact drops the no-ops of cancelled watchers; it runs between fan-outs, never during one. */
function compact(g: Group): void {
  const live: Watcher[] = [];
  const emits: ((e: WatchEvent) => void)[] = [];
  for (let i = 0; i < g.live.length; i++) {
    if (g.emits[i] === NOOP) continue;
    live.push(g.live[i]);
    emits.push(g.emits[i]);
  }
  g.live = live;
  g.emits = emits;
  g.cancelled = 0;
}

/** promote makes live the early watchers that a change at revision is after the start of, in the order they joined; it tells whether none is left early. */
function promote(g: Group, revision: number): boolean {
  const early: Watcher[] = [];
  for (const w of g.early) {
    if (w.from >= revision) {
      early.push(w);
      continue;
    }
    let at = g.live.length;
    while (at > 0 && g.live[at - 1].seq > w.seq) at--;
    g.live.splice(at, 0, w);
    g.emits.splice(at, 0, w.emit);
  }
  g.early = early;
  return early.length === 0;
}

/** translate turns one change into the event a watcher with filter sees, if any. */
function translate(filter: ObjectFilter, c: CachedEvent): WatchEvent | undefined {
  const prevMatch = c.prev ? filterMatches(filter, c.prev) : false;
  if (c.deleted) return c.prev && prevMatch ? { type: 'DELETED', object: c.prev } : undefined;
  const cur = c.cur as KubeObject;
  const curMatch = filterMatches(filter, cur);
  if (curMatch) return { type: prevMatch ? 'MODIFIED' : 'ADDED', object: cur };
  return prevMatch ? { type: 'DELETED', object: cur } : undefined;
}

/**
 * deepFreeze makes a shared object read-only, so a reader that mutates it fails
 * loudly instead of corrupting the others; its empty objects become the one
 * FROZEN_EMPTY, as in the copies the cache takes from writers.
 */
function deepFreeze<T>(v: T): T {
  if (Array.isArray(v)) {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) a[i] = isEmptyObject(x) ? FROZEN_EMPTY : deepFreeze(x);
    }
  } else {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) o[k] = isEmptyObject(x) ? FROZEN_EMPTY : deepFreeze(x);
    }
  }
  return Object.freeze(v);
}

/** isEmptyObject is a plain object without properties (a JSON `{}`). */
function isEmptyObject(x: object): boolean {
  if (Array.isArray(x) || Object.getPrototypeOf(x) !== Object.prototype) return false;
  for (const _ in x) return false;
  return true;
}
