/**
 * MemoryStore is the in-memory etcd: a map of current keys plus an event log for
 * watches from past revisions. Every write is one revision, as in etcd.
 */
import type { StoreSnapshot } from './snapshot';
import { SortedKeys } from './sortedKeys';
import { ERR_COMPACTED, ERR_FUTURE_REV, type Compare, type KeyValue, type OpResult, type RangeOptions, type RangeResponse, type Store, type StoreEvent, type TxnRequest, type TxnResponse, type Watch, type WatchError } from './store';

interface Watcher {
  prefix: string;
  onEvents: (events: StoreEvent[]) => void;
  onError: (error: WatchError) => void;
  cancelled: boolean;
}

export class MemoryStore implements Store {
  private rev = 1;
  private compacted = 0;
  private readonly keys = new Map<string, KeyValue>();
  /** sorted indexes the current keys in order, for ranges. */
  private readonly sorted = new SortedKeys();
  /** log holds every revision's events after the compacted revision, oldest first. */
  private log: { revision: number; events: StoreEvent[] }[] = [];
  private readonly watchers = new Set<Watcher>();

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
    // As etcd, the compacted revision itself can still be read when it is the current one.
    if (at > 0 && at <= this.compacted && at !== this.rev) return Promise.reject(new Error(ERR_COMPACTED));
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
    const succeeded = request.compare.every((c) => this.holds(c));
    const ops = succeeded ? request.success : request.failure;
    const writes = ops.some((op) => op.type === 'put' || (op.type === 'delete' && this.keys.has(op.key)));
    const revision = writes ? this.rev + 1 : this.rev;
    const events: StoreEvent[] = [];
    const results: OpResult[] = ops.map((op): OpResult => {
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
          if (!prev) this.sorted.add(op.key);
          this.keys.set(op.key, kv);
          events.push({ type: 'put', kv, prevKv: prev });
          return { kv, prevKv: prev };
        }
        case 'delete': {
          if (!prev) return {};
          this.keys.delete(op.key);
          this.sorted.delete(op.key);
          const tombstone: KeyValue = { key: op.key, value: '', createRevision: 0, modRevision: revision, version: 0 };
          events.push({ type: 'delete', kv: tombstone, prevKv: prev });
          return { prevKv: prev };
        }
      }
    });
    if (writes) {
      this.rev = revision;
      this.log.push({ revision, events });
      this.notify(events);
    }
    return Promise.resolve({ succeeded, revision: this.rev, results });
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: StoreEvent[]) => void, onError: (error: WatchError) => void): Watch {
    const watcher: Watcher = { prefix, onEvents, onError, cancelled: false };
    if (fromRevision > 0 && fromRevision <= this.compacted) {
      queueMicrotask(() => onError({ code: 'compacted', message: ERR_COMPACTED, compactRevision: this.compacted }));
      return { cancel: () => undefined };
    }
    const initial: StoreEvent[] = [];
    if (fromRevision > 0) {
      for (let i = this.logIndex(fromRevision); i < this.log.length; i++) {
        for (const e of this.log[i].events) if (e.kv.key.startsWith(prefix)) initial.push(e);
      }
    }
    this.watchers.add(watcher);
    if (initial.length) queueMicrotask(() => !watcher.cancelled && onEvents(initial));
    return {
      cancel: () => {
        watcher.cancelled = true;
        this.watchers.delete(watcher);
      },
    };
  }

  compact(revision: number): Promise<void> {
    this.compacted = Math.max(this.compacted, Math.min(revision, this.rev));
    this.log = this.log.slice(this.logIndex(this.compacted + 1));
    return Promise.resolve();
  }

  /** snapshot is every current key with its revisions and version, at the current revision (etcdctl snapshot save). */
  snapshot(): StoreSnapshot {
    return { revision: this.rev, kvs: [...this.sorted.from('')].map((k) => ({ ...(this.keys.get(k) as KeyValue) })) };
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
    for (const kv of snapshot.kvs) {
      this.keys.set(kv.key, { ...kv });
      this.sorted.add(kv.key);
    }
    this.rev = snapshot.revision;
    this.compacted = snapshot.revision;
    this.log = [];
    for (const w of watchers) {
      if (w.cancelled) continue;
      w.cancelled = true;
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
    const kv = this.keys.get(c.key);
    const actual = c.target === 'mod' ? (kv?.modRevision ?? 0) : c.target === 'create' ? (kv?.createRevision ?? 0) : (kv?.version ?? 0);
    switch (c.result) {
      case '=': return actual === c.value;
      case '!=': return actual !== c.value;
      case '<': return actual < c.value;
      case '>': return actual > c.value;
    }
  }

  private notify(events: StoreEvent[]): void {
    for (const w of this.watchers) {
      let mine: StoreEvent[] | undefined;
      for (const e of events) if (e.kv.key.startsWith(w.prefix)) (mine ??= []).push(e);
      if (mine) {
        const batch = mine;
        queueMicrotask(() => !w.cancelled && w.onEvents(batch));
      }
    }
  }
}
