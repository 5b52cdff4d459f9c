/**
 * MemoryStore is the in-memory etcd: a map of current keys plus an event log for
 * watches from past revisions. Every write is one revision, as in etcd.
 */
import { ERR_COMPACTED, ERR_FUTURE_REV, type Compare, type KeyValue, type OpResult, type RangeOptions, type RangeResponse, type Store, type StoreEvent, type TxnRequest, type TxnResponse, type Watch, type WatchError } from './store';

interface Watcher {
  prefix: string;
  onEvents: (events: StoreEvent[]) => void;
  cancelled: boolean;
}

export class MemoryStore implements Store {
  private rev = 1;
  private compacted = 0;
  private readonly keys = new Map<string, KeyValue>();
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
    const start = options.startKey ?? prefix;
    const at = options.revision ?? 0;
    if (at > this.rev) return Promise.reject(new Error(ERR_FUTURE_REV));
    if (at > 0 && at <= this.compacted) return Promise.reject(new Error(ERR_COMPACTED));
    const keys = at > 0 && at < this.rev ? this.keysAt(at, prefix) : this.keys.values();
    const matched = [...keys].filter((kv) => kv.key.startsWith(prefix) && kv.key >= start).sort((a, b) => (a.key < b.key ? -1 : 1));
    const limit = options.limit && options.limit > 0 ? options.limit : matched.length;
    return Promise.resolve({ kvs: matched.slice(0, limit), more: matched.length > limit, revision: this.rev });
  }

  /** keysAt rebuilds the keys under prefix as they were at revision by undoing the later log entries. */
  private keysAt(revision: number, prefix: string): Iterable<KeyValue> {
    const keys = new Map<string, KeyValue>();
    for (const [k, kv] of this.keys) if (k.startsWith(prefix)) keys.set(k, kv);
    for (let i = this.log.length - 1; i >= 0 && this.log[i].revision > revision; i--) {
      const events = this.log[i].events;
      for (let j = events.length - 1; j >= 0; j--) {
        const e = events[j];
        if (!e.kv.key.startsWith(prefix)) continue;
        if (e.prevKv) keys.set(e.kv.key, e.prevKv);
        else keys.delete(e.kv.key);
      }
    }
    return keys.values();
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
          this.keys.set(op.key, kv);
          events.push({ type: 'put', kv, prevKv: prev });
          return { kv, prevKv: prev };
        }
        case 'delete': {
          if (!prev) return {};
          this.keys.delete(op.key);
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
    const watcher: Watcher = { prefix, onEvents, cancelled: false };
    if (fromRevision > 0 && fromRevision <= this.compacted) {
      queueMicrotask(() => onError({ code: 'compacted', message: ERR_COMPACTED, compactRevision: this.compacted }));
      return { cancel: () => undefined };
    }
    const backlog = fromRevision > 0 ? this.log.filter((entry) => entry.revision >= fromRevision).flatMap((entry) => entry.events) : [];
    const initial = backlog.filter((e) => e.kv.key.startsWith(prefix));
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
    this.log = this.log.filter((entry) => entry.revision > this.compacted);
    return Promise.resolve();
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
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix));
      if (mine.length) queueMicrotask(() => !w.cancelled && w.onEvents(mine));
    }
  }
}
