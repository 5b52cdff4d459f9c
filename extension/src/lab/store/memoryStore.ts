/**
 * MemoryStore is the in-memory etcd: a map of current keys plus an event log for
 * watches from past revisions. Every write is one revision, as in etcd. It sizes
 * its backend as etcd's bbolt file grows and shrinks (compaction frees space in
 * the file, defrag gives it back) and holds writes to a backend quota with
 * etcd's NOSPACE alarm.
 */
import type { Clock, Timer } from '../clock';
import { Lessor } from './lessor';
import { DEFAULT_QUOTA_BYTES, recordBytes, txnCost, txnCostBound } from './quota';
import type { StoreSnapshot } from './snapshot';
import { SortedKeys } from './sortedKeys';
import {
  ERR_COMPACTED, ERR_FUTURE_REV, ERR_LEASE_NOT_FOUND, ERR_NO_SPACE, ERR_WATCH_CANCELED, StoreError, compareHolds,
  type AlarmType, type LeaseGrant, type LeaseStatus, type StoreLeases, type Compare, type KeyChange, type KeyHistory, type KeyValue, type OnEvents, type Op, type OpResult, type RangeOptions, type RangeResponse, type Store, type StoreAdmin,
  type StoreEvent, type StoreHistory, type StoreStatus, type TxnRequest, type TxnResponse, type Watch, type WatchError, type WatchOptions,
} from './store';

/** WATCH_BUFFER_LIMIT is how many batches a watcher may have waiting for its consumer, as etcd's chanBufLen; past it the watch is canceled. */
export const WATCH_BUFFER_LIMIT = 128;

/** PROGRESS_NOTIFY_INTERVAL_MS is etcd's progress report interval (--experimental-watch-progress-notify-interval): 10 minutes. */
export const PROGRESS_NOTIFY_INTERVAL_MS = 10 * 60_000;

export interface MemoryStoreOptions {
  /** clock times the progress notifications; without one, watches get them only on request. */
  clock?: Clock;
  /** quotaBytes is the backend quota (--quota-backend-bytes); DEFAULT_QUOTA_BYTES when omitted. */
  quotaBytes?: number;
  /** watchBufferLimit is how many batches a watcher may have waiting; WATCH_BUFFER_LIMIT when omitted. */
  watchBufferLimit?: number;
  /** progressNotifyIntervalMs is how often watches that asked for progress notifications get one; PROGRESS_NOTIFY_INTERVAL_MS when omitted. */
  progressNotifyIntervalMs?: number;
  /** leaseExpired hears a lease whose TTL passed (on clock); the store revokes it itself when omitted. */
  leaseExpired?: (id: string) => void;
}

/** Batch is one response to a watcher: its changes, and the revision it is current to. */
interface Batch {
  events: StoreEvent[];
  revision: number;
}

interface Watcher {
  prefix: string;
  onEvents: OnEvents;
  onError: (error: WatchError) => void;
  cancelled: boolean;
  progressNotify: boolean;
  /** pending are the batches not yet handed to the consumer, oldest first. */
  pending: Batch[];
  /** busy is set while the consumer works through a batch it answered with a promise. */
  busy: boolean;
  scheduled: boolean;
  /** sawEvents tells the progress ticker a change went out since its last tick: etcd skips the next notification then. */
  sawEvents: boolean;
}

export class MemoryStore implements Store, StoreAdmin, StoreHistory, StoreLeases {
  private rev = 1;
  private compacted = 0;
  private readonly keys = new Map<string, KeyValue>();
  /** sorted indexes the current keys in order, for ranges. */
  private readonly sorted = new SortedKeys();
  /** log holds every revision's events after the compacted revision, oldest first. */
  private log: { revision: number; events: StoreEvent[] }[] = [];
  /**
   * atCompacted are the puts of the compacted revision itself, which etcd's
   * compaction keeps (each is its key's latest revision at or before it; a
   * deletion's tombstone there is dropped): a watch from the compacted revision
   * replays them, without the previous values, which are compacted.
   */
  private atCompacted: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly clock?: Clock;
  private readonly quotaBytes: number;
  private readonly watchBufferLimit: number;
  private readonly progressInterval: number;
  private progressTimer?: Timer;
  /** inUse is the backend's bytes holding revisions: every key's latest revision at or before the compacted one, and every revision since. */
  private inUse = 0;
  /** total is the backend file's size: it grows with inUse and keeps space compaction freed until a defrag. */
  private total = 0;
  private readonly alarms = new Set<AlarmType>();
  private readonly lessor: Lessor;

  constructor(options: MemoryStoreOptions = {}) {
    if (options.clock) this.clock = options.clock;
    this.lessor = new Lessor(options.clock, options.leaseExpired ?? ((id) => void this.leaseRevoke(id).catch(() => undefined)));
    this.quotaBytes = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    this.watchBufferLimit = options.watchBufferLimit ?? WATCH_BUFFER_LIMIT;
    this.progressInterval = options.progressNotifyIntervalMs ?? PROGRESS_NOTIFY_INTERVAL_MS;
  }

  revision(): Promise<number> {
    return Promise.resolve(this.rev);
  }

  get(key: string): Promise<KeyValue | undefined> {
    return Promise.resolve(this.keys.get(key));
  }

  range(prefix: string, options: RangeOptions = {}): Promise<RangeResponse> {
    const start = options.startKey !== undefined && options.startKey > prefix ? options.startKey : prefix;
    const at = options.revision ?? 0;
    if (at > this.rev) return Promise.reject(new Error(ERR_FUTURE_REV));
    // As etcd's rangeKeys: only revisions below the compacted one are gone; the compacted revision itself can be read.
    if (at > 0 && at < this.compacted) return Promise.reject(new Error(ERR_COMPACTED));
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const kvs: KeyValue[] = [];
    let more = false;
    for (const kv of at > 0 && at < this.rev ? this.rangeAt(at, prefix, start) : this.rangeLatest(prefix, start)) {
      if (kvs.length === limit) {
        more = true;
        break;
      }
      kvs.push(kv);
    }
    return Promise.resolve({ kvs, more, revision: this.rev });
  }

  /** rangeLatest yields the current keys under prefix from start, in order. */
  private *rangeLatest(prefix: string, start: string): Generator<KeyValue, void, undefined> {
    for (const key of this.sorted.from(start)) {
      if (!key.startsWith(prefix)) return;
      yield this.keys.get(key) as KeyValue;
    }
  }

  /**
   * rangeAt yields the keys under prefix from start as they were at revision, in
   * order: the current keys, with the ones written since revision undone from
   * the log, merged with the keys deleted since.
   */
  private *rangeAt(revision: number, prefix: string, start: string): Generator<KeyValue, void, undefined> {
    const then = new Map<string, KeyValue | undefined>();
    for (let i = this.log.length - 1; i >= 0 && this.log[i].revision > revision; i--) {
      const events = this.log[i].events;
      for (let j = events.length - 1; j >= 0; j--) {
        const key = events[j].kv.key;
        if (key.startsWith(prefix) && key >= start) then.set(key, events[j].prevKv);
      }
    }
    const gone = [...then.keys()].filter((k) => !this.keys.has(k) && then.get(k)).sort();
    let g = 0;
    const at = (key: string): KeyValue | undefined => (then.has(key) ? then.get(key) : this.keys.get(key));
    for (const key of this.sorted.from(start)) {
      if (!key.startsWith(prefix)) break;
      for (; g < gone.length && gone[g] < key; g++) yield then.get(gone[g]) as KeyValue;
      const kv = at(key);
      if (kv) yield kv;
    }
    for (; g < gone.length; g++) yield then.get(gone[g]) as KeyValue;
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    // As etcd's quota: a transaction that writes data is refused while NOSPACE is raised, and raises it when it would not fit.
    if (this.overQuota(request)) {
      this.alarms.add('NOSPACE');
      return Promise.reject(new StoreError('nospace', ERR_NO_SPACE));
    }
    // Plain loops rather than every/some/map: this is the store's hot path, and closures per call cost.
    let succeeded = true;
    for (let i = 0; succeeded && i < request.compare.length; i++) succeeded = this.holds(request.compare[i]);
    const ops = succeeded ? request.success : request.failure;
    // As etcd's checkRequests: a put on the chosen branch naming a lease that does not exist fails the whole transaction.
    if (this.lessor.missingFrom(ops)) return Promise.reject(new Error(ERR_LEASE_NOT_FOUND));
    let writes = false;
    for (let i = 0; !writes && i < ops.length; i++) writes = ops[i].type === 'put' || (ops[i].type === 'delete' && this.keys.has(ops[i].key));
    const revision = writes ? this.rev + 1 : this.rev;
    const events: StoreEvent[] = [];
    const results = new Array<OpResult>(ops.length);
    for (let i = 0; i < ops.length; i++) results[i] = this.apply(ops[i], revision, events);
    if (writes) {
      this.total = Math.max(this.total, this.inUse);
      this.rev = revision;
      this.log.push({ revision, events });
      this.notify(events);
    }
    return Promise.resolve({ succeeded, revision: this.rev, results });
  }

  /**
   * overQuota is etcd's quota check for a transaction: one that writes data is
   * refused while NOSPACE is raised, and raises it when it would not fit. The
   * exact cost (UTF-8 lengths) is counted only near the quota; further off, its
   * bound of three bytes a UTF-16 unit decides alike.
   */
  private overQuota(request: TxnRequest): boolean {
    const bound = txnCostBound(request);
    if (bound === 0) return false;
    if (this.alarms.has('NOSPACE')) return true;
    return this.total + bound >= this.quotaBytes && this.total + txnCost(request) >= this.quotaBytes;
  }

  /** apply carries out one op of a transaction's chosen branch at revision, adding the change it makes to events. */
  private apply(op: Op, revision: number, events: StoreEvent[]): OpResult {
    const prev = this.keys.get(op.key);
    switch (op.type) {
      case 'get':
        return { kv: prev };
      case 'put': {
        const kv: KeyValue = {
          key: op.key,
          value: op.value,
          createRevision: prev?.createRevision ?? revision,
          modRevision: revision,
          version: (prev?.version ?? 0) + 1,
        };
        if (prev?.lease !== undefined && prev.lease !== op.lease) this.lessor.detach(op.key, prev.lease);
        if (op.lease !== undefined) {
          kv.lease = op.lease;
          this.lessor.attach(op.key, op.lease);
        }
        if (!prev) this.sorted.add(op.key);
        this.keys.set(op.key, kv);
        this.inUse += recordBytes(kv);
        events.push({ type: 'put', kv, prevKv: prev });
        return { kv, prevKv: prev };
      }
      case 'delete': {
        if (!prev) return {};
        if (prev.lease !== undefined) this.lessor.detach(op.key, prev.lease);
        this.keys.delete(op.key);
        this.sorted.delete(op.key);
        const tombstone: KeyValue = { key: op.key, value: '', createRevision: 0, modRevision: revision, version: 0 };
        events.push({ type: 'delete', kv: tombstone, prevKv: prev });
        this.inUse += recordBytes(tombstone, true);
        return { prevKv: prev };
      }
    }
  }

  /**
   * history is key's changes after the compacted revision, read from the event
   * log, led by the key's value in effect at the compacted revision (kept by the
   * compaction, as etcd keeps each key's latest revision at or before it).
   */
  history(key: string): Promise<KeyHistory> {
    const changes: KeyChange[] = [];
    if (this.compacted > 0) {
      const kept = this.compacted >= this.rev ? this.keys.get(key) : this.rangeAt(this.compacted, key, key).next().value;
      if (kept?.key === key) changes.push({ type: 'put', kv: kept });
    }
    for (const entry of this.log) {
      for (const e of entry.events) if (e.kv.key === key) changes.push({ type: e.type, kv: e.kv });
    }
    return Promise.resolve({ key, revision: this.rev, compactRevision: this.compacted, from: this.compacted, changes });
  }

  watch(prefix: string, fromRevision: number, onEvents: OnEvents, onError: (error: WatchError) => void, options: WatchOptions = {}): Watch {
    const watcher: Watcher = { prefix, onEvents, onError, cancelled: false, progressNotify: options.progressNotify === true, pending: [], busy: false, scheduled: false, sawEvents: false };
    // As etcd's syncWatchers: a watch may start at the compacted revision, not before it.
    if (fromRevision > 0 && fromRevision < this.compacted) {
      queueMicrotask(() => onError({ code: 'compacted', message: ERR_COMPACTED, compactRevision: this.compacted }));
      return { cancel: () => undefined };
    }
    const initial: StoreEvent[] = [];
    if (fromRevision > 0) {
      if (fromRevision === this.compacted) for (const e of this.atCompacted) if (e.kv.key.startsWith(prefix)) initial.push(e);
      for (let i = this.logIndex(fromRevision); i < this.log.length; i++) {
        for (const e of this.log[i].events) if (e.kv.key.startsWith(prefix)) initial.push(e);
      }
    }
    this.watchers.add(watcher);
    if (initial.length) this.enqueue(watcher, initial, this.rev);
    if (watcher.progressNotify) this.armProgress();
    return {
      cancel: () => {
        watcher.cancelled = true;
        watcher.pending = [];
        this.watchers.delete(watcher);
      },
      requestProgress: () => {
        // As etcd, only a watcher with nothing pending is told: what is pending carries its progress.
        if (!watcher.cancelled && !watcher.busy && watcher.pending.length === 0) this.enqueue(watcher, [], this.rev);
      },
    };
  }

  /**
   * compact forgets history up to revision. The space each forgotten revision's
   * successor superseded (and each deletion's tombstone) is freed in the
   * backend, which keeps its size until a defrag.
   */
  compact(revision: number): Promise<void> {
    this.compacted = Math.max(this.compacted, Math.min(revision, this.rev));
    const keep = this.logIndex(this.compacted + 1);
    if (keep > 0 && this.log[keep - 1].revision === this.compacted) {
      this.atCompacted = this.log[keep - 1].events.filter((e) => e.type === 'put').map((e) => ({ type: 'put', kv: e.kv }));
    }
    for (let i = 0; i < keep; i++) {
      for (const e of this.log[i].events) {
        if (e.prevKv) this.inUse -= recordBytes(e.prevKv);
        if (e.type === 'delete') this.inUse -= recordBytes(e.kv, true);
      }
    }
    this.log = this.log.slice(keep);
    return Promise.resolve();
  }

  /** defragment shrinks the backend to the space in use, as etcdctl defrag. */
  defragment(): Promise<void> {
    this.total = this.inUse;
    return Promise.resolve();
  }

  status(): Promise<StoreStatus> {
    return Promise.resolve({
      revision: this.rev, compactRevision: this.compacted, dbSize: this.total, dbSizeInUse: this.inUse,
      keys: this.keys.size, quotaBytes: this.quotaBytes, alarms: [...this.alarms],
    });
  }

  alarmList(): Promise<AlarmType[]> {
    return Promise.resolve([...this.alarms]);
  }

  /** alarmDisarm clears the alarms and answers the ones it cleared, as etcdctl alarm disarm. */
  alarmDisarm(): Promise<AlarmType[]> {
    const cleared = [...this.alarms];
    this.alarms.clear();
    return Promise.resolve(cleared);
  }

  leaseGrant(ttlSeconds: number, id?: string): Promise<LeaseGrant> {
    return Promise.resolve(this.lessor.grant(ttlSeconds, id));
  }

  /** nextLeaseId reserves the ID the next grant will get, for a store that logs the grant first. */
  nextLeaseId(): string {
    return this.lessor.nextId();
  }

  hasLease(id: string): boolean {
    return this.lessor.has(id);
  }

  /** leaseRevoke ends a lease and deletes its keys in one revision (none when it has no keys). */
  async leaseRevoke(id: string): Promise<void> {
    if (!this.lessor.has(id)) throw new Error(ERR_LEASE_NOT_FOUND);
    const keys = this.lessor.keysOf(id);
    this.lessor.remove(id);
    if (keys.length) await this.txn({ compare: [], success: keys.map((key) => ({ type: 'delete', key })), failure: [] });
  }

  leaseTimeToLive(id: string): Promise<LeaseStatus> {
    return Promise.resolve(this.lessor.timeToLive(id));
  }

  leaseList(): Promise<string[]> {
    return Promise.resolve(this.lessor.list());
  }

  /** close stops the store's timers; its watches stay open. */
  close(): void {
    this.lessor.close();
    this.progressTimer?.cancel();
    this.progressTimer = undefined;
  }

  /** snapshot is every current key with its revisions and version, at the current revision (etcdctl snapshot save). */
  snapshot(): StoreSnapshot {
    const kvs = [...this.sorted.from('')].map((k) => ({ ...(this.keys.get(k) as KeyValue) }));
    const leases = this.lessor.all();
    return leases.length ? { revision: this.rev, kvs, leases } : { revision: this.rev, kvs };
  }

  /**
   * restore replaces the keyspace with a snapshot's, at the snapshot's revision,
   * as `etcdutl snapshot restore --mark-compacted`: no history survives, so every
   * open watch ends now with ErrCompacted (the API server's watchers get 410 and
   * relist) and no watch can start from before the snapshot's revision.
   */
  restore(snapshot: StoreSnapshot): void {
    const watchers = [...this.watchers];
    this.watchers.clear();
    this.keys.clear();
    this.sorted.clear();
    // Leases start their TTL over, as a restored etcd's lessor refreshes them when promoted.
    this.lessor.reset(snapshot.leases ?? []);
    for (const kv of snapshot.kvs) {
      const copy = { ...kv };
      // A key naming a lease the snapshot lacks is kept without one (a validated snapshot has none such).
      if (copy.lease !== undefined && this.lessor.has(copy.lease)) this.lessor.attach(copy.key, copy.lease);
      else delete copy.lease;
      this.keys.set(kv.key, copy);
      this.sorted.add(kv.key);
    }
    this.rev = snapshot.revision;
    this.compacted = snapshot.revision;
    this.log = [];
    this.atCompacted = snapshot.kvs.filter((kv) => kv.modRevision === snapshot.revision).map((kv) => ({ type: 'put', kv: this.keys.get(kv.key) as KeyValue }));
    // A restored backend is a fresh file holding one revision of each key.
    this.inUse = 0;
    for (const kv of this.keys.values()) this.inUse += recordBytes(kv);
    this.total = this.inUse;
    for (const w of watchers) {
      if (w.cancelled) continue;
      w.cancelled = true;
      w.pending = [];
      w.onError({ code: 'compacted', message: ERR_COMPACTED, compactRevision: this.compacted });
    }
  }

  /** logIndex is the index of the first log entry at or after revision (the log is in revision order). */
  private logIndex(revision: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid].revision < revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private holds(c: Compare): boolean {
    return compareHolds(c, this.keys.get(c.key));
  }


  private notify(events: StoreEvent[]): void {
    for (const w of this.watchers) {
      // A watcher that wants every event of the revision shares its array (watchers only read their batches); one that wants some gets its own.
      let matched = 0;
      for (const e of events) if (e.kv.key.startsWith(w.prefix)) matched++;
      if (matched === events.length) this.enqueue(w, events, this.rev);
      else if (matched > 0) this.enqueue(w, events.filter((e) => e.kv.key.startsWith(w.prefix)), this.rev);
    }
  }

  /**
   * enqueue holds a batch for a watcher and has it delivered in a microtask. A
   * watcher whose consumer is busy (it answered a batch with a promise that has
   * not settled) and already holds as many batches as the bound is canceled
   * instead, its held batches dropped: a consumer that cannot keep up must not
   * make the store's memory grow without limit. A consumer that takes its
   * batches as they come is never behind, however many writes one task makes.
   */
  private enqueue(w: Watcher, events: StoreEvent[], revision: number): void {
    if (w.busy && w.pending.length >= this.watchBufferLimit) {
      w.cancelled = true;
      w.pending = [];
      this.watchers.delete(w);
      const compactRevision = this.compacted;
      queueMicrotask(() => w.onError({ code: 'canceled', message: ERR_WATCH_CANCELED, compactRevision }));
      return;
    }
    w.pending.push({ events, revision });
    this.schedule(w);
  }

  private schedule(w: Watcher): void {
    if (w.scheduled || w.busy) return;
    w.scheduled = true;
    queueMicrotask(() => this.drain(w));
  }

  /** drain hands a watcher its batches in order until it is busy with one (it answered a promise) or has none left. */
  private drain(w: Watcher): void {
    w.scheduled = false;
    while (!w.cancelled && !w.busy && w.pending.length > 0) {
      const batch = w.pending.shift() as Batch;
      if (batch.events.length > 0) w.sawEvents = true;
      const done = w.onEvents(batch.events, batch.revision);
      if (isThenable(done)) {
        w.busy = true;
        const resume = (): void => {
          w.busy = false;
          if (!w.cancelled) this.schedule(w);
        };
        done.then(resume, resume);
      }
    }
  }

  /** armProgress starts the progress ticker when a watch wants notifications and the store has a clock. */
  private armProgress(): void {
    if (!this.clock || this.progressTimer) return;
    this.progressTimer = this.clock.setTimer(this.progressInterval, () => this.progressTick());
  }

  /** progressTick tells each watch that asked for progress and saw no change since the last tick the current revision, as etcd's sendLoop ticker. */
  private progressTick(): void {
    this.progressTimer = undefined;
    let wanted = false;
    for (const w of this.watchers) {
      if (!w.progressNotify) continue;
      wanted = true;
      if (!w.sawEvents && !w.busy && w.pending.length === 0) this.enqueue(w, [], this.rev);
      w.sawEvents = false;
    }
    if (wanted) this.armProgress();
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}
