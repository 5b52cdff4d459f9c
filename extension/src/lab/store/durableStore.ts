/**
 * DurableStore is the MemoryStore made crash-safe, as etcd's WAL and backend
 * make its keyspace: every write is appended to a write-ahead log and flushed
 * before it is applied or acknowledged, and the log is folded now and then
 * into a checkpoint, a lowdb JSON file written whole (temporary file, flushed,
 * renamed), which names the log that continues it. Opening loads the
 * checkpoint and replays the log.
 *
 * Group commit: the writes that arrive while the log is being flushed are
 * decided against the state they will apply to (their compares see the writes
 * queued before them), appended as one frame and flushed once; only then are
 * they applied to memory, seen by watches and answered. A failed append (disk
 * full, I/O error) fails every write of the frame with the reason and applies
 * none of them. Reads and read-only transactions never wait: they see what has
 * been acknowledged.
 *
 * History: revisions, versions and the keyspace survive a restart exactly; the
 * event history for watches survives from the last checkpoint on. A checkpoint
 * keeps no history (as `etcdutl snapshot restore`), so after a restart its
 * revision counts as compacted and a watch from before it gets ErrCompacted,
 * which the API server turns into 410 Gone and informers relist. etcd keeps
 * history until a compaction; the lab's API server compacts every 5 minutes,
 * and a checkpoint comes only after the log has grown past a bound, so watches
 * lose at most what a relist restores.
 */
import { join } from 'node:path';
import type { Adapter, Low } from 'lowdb' with { 'resolution-mode': 'import' };
import { MemoryStore, type MemoryStoreOptions } from './memoryStore';
import { type Entry, type Quota, parseFrame, plan, toOp } from './durableLog';
import { type StoreSnapshot, validateSnapshot } from './snapshot';
import {
  ERR_LEASE_NOT_FOUND, type AlarmType, type KeyHistory, type KeyValue, type LeaseGrant, type LeaseStatus, type OnEvents, type RangeOptions, type RangeResponse,
  type Store, type StoreAdmin, type StoreHistory, type StoreLeases, type StoreStatus, type TxnRequest, type TxnResponse, type Watch, type WatchError, type WatchOptions,
} from './store';
import { type StoreFiles, nodeStoreFiles } from './storeFiles';
import { Wal } from './wal';

/** CHECKPOINT_FILE is the lowdb file the log is folded into. */
export const CHECKPOINT_FILE = 'checkpoint.json';
const WAL_NAME = /^wal-(\d{16})\.log$/;
const walName = (generation: number): string => `wal-${String(generation).padStart(16, '0')}.log`;

/** Checkpoint is the lowdb document: the keyspace at a revision and the log that continues it. */
export interface Checkpoint {
  kind: 'KubeLabStore';
  version: 1;
  /** wal is the generation of the log whose writes come after snapshot. */
  wal: number;
  snapshot: StoreSnapshot;
}

/** Work is what waits in the queue: writes, lease grants and revocations, and the jobs that replace the files. */
type Work =
  | { kind: 'txn'; request: TxnRequest } | { kind: 'compact'; revision: number } | { kind: 'grant'; ttl: number } | { kind: 'revoke'; id: string }
  | { kind: 'restore'; snapshot: StoreSnapshot } | { kind: 'close' };
type Job = Work & { resolve(value: unknown): void; reject(error: unknown): void };
type Write = Extract<Job, { kind: 'txn' | 'compact' }>;

export interface DurableStoreOptions {
  /** dir holds the checkpoint and the log (created when missing). */
  dir: string;
  files?: StoreFiles;
  /** warn hears what opening repaired (a torn final frame dropped) and checkpoints that failed. */
  warn?: (message: string) => void;
  /** checkpointBytes: the log is folded once it is this long and at least as long as the last checkpoint (4 MiB when omitted). */
  checkpointBytes?: number;
  /** memory configures the MemoryStore underneath (quota, watch buffers, progress clock). */
  memory?: MemoryStoreOptions;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** CheckpointFile is the lowdb adapter of the checkpoint: read and validated, or written whole and flushed. */
class CheckpointFile implements Adapter<Checkpoint> {
  found = false;
  bytes = 0;

  constructor(private readonly files: StoreFiles, private readonly dir: string) {}

  get path(): string {
    return join(this.dir, CHECKPOINT_FILE);
  }

  async read(): Promise<Checkpoint | null> {
    const bytes = await this.files.read(this.path);
    if (!bytes) return null;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      throw new Error(`cannot open the store: ${this.path} is not JSON: ${message(err)}`);
    }
    const c = value as Partial<Checkpoint> | null;
    if (typeof c !== 'object' || c === null || c.kind !== 'KubeLabStore' || c.version !== 1) throw new Error(`cannot open the store: ${this.path} is not a KubeLab store checkpoint (kind KubeLabStore, version 1)`);
    if (typeof c.wal !== 'number' || !Number.isSafeInteger(c.wal) || c.wal < 1) throw new Error(`cannot open the store: ${this.path}: wal: must be a positive integer`);
    const snapshot = validateSnapshot(c.snapshot);
    if ('error' in snapshot) throw new Error(`cannot open the store: ${this.path}: snapshot: ${snapshot.error}`);
    this.found = true;
    this.bytes = bytes.length;
    return { kind: 'KubeLabStore', version: 1, wal: c.wal, snapshot };
  }

  /** write replaces the file as steno does (a temporary file renamed over it), flushing the file and then the folder. */
  async write(data: Checkpoint): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(data));
    const tmp = `${this.path}.tmp`;
    try {
      await this.files.writeSynced(tmp, bytes);
      await this.files.rename(tmp, this.path);
    } catch (err) {
      await this.files.remove(tmp).catch(() => undefined);
      throw err;
    }
    await this.files.syncDir(this.dir);
    this.bytes = bytes.length;
  }
}

export class DurableStore implements Store, StoreAdmin, StoreHistory, StoreLeases {
  private readonly jobs: Job[] = [];
  private draining = false;
  private closed = false;
  private nextCheckpoint: number;

  private constructor(
    private readonly memory: MemoryStore,
    private readonly options: Required<Omit<DurableStoreOptions, 'memory'>>,
    private readonly low: Low<Checkpoint>,
    private readonly checkpoint: CheckpointFile,
    private wal: Wal,
    private generation: number,
    private compacted: number,
  ) {
    this.nextCheckpoint = Math.max(options.checkpointBytes, checkpoint.bytes);
  }

  /** open loads dir's checkpoint and replays its log; a torn final frame is dropped with a warning, any other damage refuses with the reason. */
  static async open(options: DurableStoreOptions): Promise<DurableStore> {
    const { memory: _memory, ...rest } = options;
    const opts = { files: nodeStoreFiles(), warn: (m: string) => console.warn(m), checkpointBytes: 4 * 1024 * 1024, ...rest };
    const { dir, files } = opts;
    await files.mkdir(dir);
    const { Low } = await import('lowdb');
    const checkpoint = new CheckpointFile(files, dir);
    const low = new Low<Checkpoint>(checkpoint, { kind: 'KubeLabStore', version: 1, wal: 1, snapshot: { revision: 1, kvs: [] } });
    await low.read();
    // An expired lease is revoked through the log, so a restart does not bring its keys back.
    const expired: { store?: DurableStore } = {};
    const memory = new MemoryStore({ ...options.memory, leaseExpired: (id) => void expired.store?.leaseRevoke(id).catch(() => undefined) });
    if (checkpoint.found) memory.restore(low.data.snapshot);
    const generation = low.data.wal;
    // Logs of other generations are leftovers of a checkpoint a crash interrupted: an old one is folded in, a new one never took a write.
    for (const name of await files.list(dir)) {
      const m = WAL_NAME.exec(name);
      if ((m && Number(m[1]) !== generation) || name === `${CHECKPOINT_FILE}.tmp`) await files.remove(join(dir, name));
    }
    const path = join(dir, walName(generation));
    const { wal, payloads, torn, created } = await Wal.open(files, path);
    let compacted = checkpoint.found ? low.data.snapshot.revision : 0;
    try {
      if (created) await files.syncDir(dir);
      if (torn) opts.warn(`kubelab store: dropped the torn final frame of ${path}: ${torn}; it held writes that were never acknowledged`);
      for (const [i, payload] of payloads.entries()) {
        for (const entry of parseFrame(payload, `${path}: frame ${i + 1}`)) {
          if ('c' in entry) {
            await memory.compact(entry.c);
            compacted = Math.max(compacted, Math.min(entry.c, await memory.revision()));
            continue;
          }
          if ('g' in entry) {
            await memory.leaseGrant(entry.t, entry.g);
            continue;
          }
          if ('v' in entry) {
            await memory.leaseRevoke(entry.v).catch((err: unknown) => {
              throw new Error(`cannot open the store: ${path}: frame ${i + 1} does not replay: ${message(err)}`);
            });
            continue;
          }
          const res = await memory.txn({ compare: [], success: entry.o.map(toOp), failure: [] }).catch((err: unknown) => {
            throw new Error(`cannot open the store: ${path}: frame ${i + 1} does not replay: ${message(err)}`);
          });
          if (res.revision !== entry.r) throw new Error(`cannot open the store: ${path}: frame ${i + 1} replays to revision ${res.revision}, but was written at revision ${entry.r}`);
        }
      }
    } catch (err) {
      await wal.close();
      throw err;
    }
    expired.store = new DurableStore(memory, opts, low, checkpoint, wal, generation, compacted);
    return expired.store;
  }

  revision(): Promise<number> {
    return this.memory.revision();
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.memory.get(key);
  }

  range(prefix: string, options?: RangeOptions): Promise<RangeResponse> {
    return this.memory.range(prefix, options);
  }

  watch(prefix: string, fromRevision: number, onEvents: OnEvents, onError: (error: WatchError) => void, options?: WatchOptions): Watch {
    return this.memory.watch(prefix, fromRevision, onEvents, onError, options);
  }

  /** history is the acknowledged history of key since the last checkpoint or compaction. */
  history(key: string): Promise<KeyHistory> {
    return this.memory.history(key);
  }

  status(): Promise<StoreStatus> {
    return this.memory.status();
  }

  /** defragment resizes the simulated backend; the files are compacted by checkpoints, so nothing is logged. */
  defragment(): Promise<void> {
    return this.memory.defragment();
  }

  alarmList(): Promise<AlarmType[]> {
    return this.memory.alarmList();
  }

  alarmDisarm(): Promise<AlarmType[]> {
    return this.memory.alarmDisarm();
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    // A transaction that can only read needs no log: it sees what has been acknowledged.
    if (![...request.success, ...request.failure].some((op) => op.type !== 'get')) return this.memory.txn(request);
    return this.enqueue<TxnResponse>({ kind: 'txn', request });
  }

  compact(revision: number): Promise<void> {
    return this.enqueue<void>({ kind: 'compact', revision });
  }

  /** leaseGrant logs the grant, then makes it; the lease's TTL counts from then (and starts over after a restart, as etcd's). */
  leaseGrant(ttlSeconds: number): Promise<LeaseGrant> {
    return this.enqueue<LeaseGrant>({ kind: 'grant', ttl: ttlSeconds });
  }

  /** leaseRevoke logs the revocation, then ends the lease and deletes its keys in one revision. */
  leaseRevoke(id: string): Promise<void> {
    return this.enqueue<void>({ kind: 'revoke', id });
  }

  leaseTimeToLive(id: string): Promise<LeaseStatus> {
    return this.memory.leaseTimeToLive(id);
  }

  leaseList(): Promise<string[]> {
    return this.memory.leaseList();
  }

  /** snapshot is the acknowledged keyspace at its revision. */
  snapshot(): StoreSnapshot {
    return this.memory.snapshot();
  }

  /** restore makes snapshot the store's state, as MemoryStore.restore, once a checkpoint of it is on the disk. */
  restore(snapshot: StoreSnapshot): Promise<void> {
    return this.enqueue<void>({ kind: 'restore', snapshot });
  }

  /** close waits for the queued writes, folds the log into the checkpoint and closes the files; later writes fail. */
  close(): Promise<void> {
    return this.enqueue<void>({ kind: 'close' });
  }

  private enqueue<T>(work: Work): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the store in ${this.options.dir} is closed`));
    if (work.kind === 'close') this.closed = true;
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ ...work, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // Writes issued in the same turn join one frame.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.jobs.length) {
        const first = this.jobs[0];
        if (first.kind === 'restore' || first.kind === 'close') {
          this.jobs.shift();
          await this.exclusive(first);
          continue;
        }
        if (first.kind === 'grant' || first.kind === 'revoke') {
          this.jobs.shift();
          await this.lease(first);
          continue;
        }
        // A batch is the queued transactions up to the next other job, or one compaction.
        let n = 1;
        if (first.kind === 'txn') while (n < this.jobs.length && this.jobs[n].kind === 'txn') n++;
        await this.commit(this.jobs.splice(0, n) as Write[]);
        if (this.wal.size >= this.nextCheckpoint && !this.closed) {
          await this.fold(this.memory.snapshot()).catch((err: unknown) => {
            this.options.warn(`kubelab store: folding the log into ${this.checkpoint.path} failed, the log goes on: ${message(err)}`);
            this.nextCheckpoint = this.wal.size + this.options.checkpointBytes;
          });
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** commit logs a batch of writes as one frame, then applies and answers them in order. */
  private async commit(batch: Write[]): Promise<void> {
    const entries: Entry[] = [];
    const overlay = new Map<string, KeyValue | undefined>();
    const lookup = async (key: string): Promise<KeyValue | undefined> => (overlay.has(key) ? overlay.get(key) : this.memory.get(key));
    // The quota as the MemoryStore will apply it, so a write it will refuse is never logged.
    const status = await this.memory.status();
    const quota: Quota = { total: status.dbSize, inUse: status.dbSizeInUse, quotaBytes: status.quotaBytes, alarm: status.alarms.includes('NOSPACE') };
    let revision = status.revision;
    let compacted = this.compacted;
    for (const job of batch) {
      if (job.kind === 'compact') {
        const to = Math.min(job.revision, revision);
        if (to > compacted) {
          entries.push({ c: job.revision });
          compacted = to;
        }
        continue;
      }
      const entry = await plan(job.request, lookup, (id) => this.memory.hasLease(id), overlay, revision, quota);
      if (entry) {
        entries.push(entry);
        revision = entry.r;
      }
    }
    if (entries.length) {
      try {
        await this.wal.append(Buffer.from(JSON.stringify(entries)));
      } catch (err) {
        const error = new Error(`cannot persist the write: appending to ${this.wal.path} failed: ${message(err)}; the store is unchanged`);
        for (const job of batch) job.reject(error);
        return;
      }
    }
    this.compacted = compacted;
    for (const job of batch) {
      try {
        if (job.kind === 'compact') {
          await this.memory.compact(job.revision);
          job.resolve(undefined);
        } else job.resolve(await this.memory.txn(job.request));
      } catch (err) {
        job.reject(err);
      }
    }
  }

  /** lease logs a grant or a revocation as a frame of its own, then carries it out. */
  private async lease(job: Extract<Job, { kind: 'grant' | 'revoke' }>): Promise<void> {
    let entry: Entry;
    if (job.kind === 'grant') entry = { g: this.memory.nextLeaseId(), t: job.ttl };
    else if (this.memory.hasLease(job.id)) entry = { v: job.id };
    else return job.reject(new Error(ERR_LEASE_NOT_FOUND));
    try {
      await this.wal.append(Buffer.from(JSON.stringify([entry])));
    } catch (err) {
      return job.reject(new Error(`cannot persist the write: appending to ${this.wal.path} failed: ${message(err)}; the store is unchanged`));
    }
    try {
      job.resolve('g' in entry ? await this.memory.leaseGrant(entry.t, entry.g) : await this.memory.leaseRevoke(entry.v));
    } catch (err) {
      job.reject(err);
    }
  }

  private async exclusive(job: Extract<Job, { kind: 'restore' | 'close' }>): Promise<void> {
    try {
      if (job.kind === 'restore') {
        await this.fold(job.snapshot);
        this.memory.restore(job.snapshot);
        this.compacted = job.snapshot.revision;
      } else {
        const last = this.wal.size > 0 ? await this.fold(this.memory.snapshot()).then(() => undefined, (err: unknown) => err) : undefined;
        await this.wal.close();
        this.memory.close();
        if (last) throw new Error(`the store's log is kept, its checkpoint could not be written: ${message(last)}`);
      }
      job.resolve(undefined);
    } catch (err) {
      job.reject(err);
    }
  }

  /**
   * fold writes snapshot as the checkpoint, continued by a new empty log, and
   * drops the old log. The checkpoint's rename is the moment of change: a crash
   * before it leaves the old checkpoint and log, after it the new ones.
   */
  private async fold(snapshot: StoreSnapshot): Promise<void> {
    const { files, dir } = this.options;
    const generation = this.generation + 1;
    const path = join(dir, walName(generation));
    await files.remove(path);
    const { wal } = await Wal.open(files, path);
    try {
      await files.syncDir(dir);
      this.low.data = { kind: 'KubeLabStore', version: 1, wal: generation, snapshot };
      await this.low.write();
    } catch (err) {
      await wal.close();
      await files.remove(path).catch(() => undefined);
      throw err;
    }
    const old = this.wal;
    this.wal = wal;
    this.generation = generation;
    this.nextCheckpoint = Math.max(this.options.checkpointBytes, this.checkpoint.bytes);
    await old.close();
    await files.remove(old.path).catch((err: unknown) => this.options.warn(`kubelab store: could not remove the folded log ${old.path}: ${message(err)}`));
  }
}

