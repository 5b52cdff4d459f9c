/**
 * EtcdStore is the Store over a real etcd v3 cluster, through the etcd3 client:
 * the revisions, ranges, transactions, watches and compaction are etcd's own.
 * It talks to one member at a time and moves on when a member cannot be reached
 * or has lost its leader, within a request timeout, as clientv3 does under
 * kube-apiserver; what etcd answers comes back in etcd's words. Every call
 * carries clientv3's require-leader metadata, so a member cut off from quorum
 * refuses at once with `etcdserver: no leader` instead of holding the call.
 */
import type { CallOptions, Interceptor } from '@grpc/grpc-js';
import type { Etcd3, ICompare, IDuplexStream, IKeyValue, IRequestOp, IWatchRequest, IWatchResponse } from 'etcd3';
import { type Clock, type Timer, RealClock } from '../clock';
import { ETCD_DEFAULT_QUOTA_BYTES } from './quota';
import { type StoreSnapshot, validateSnapshot } from './snapshot';
import {
  ERR_COMPACTED, ERR_FUTURE_REV, ERR_NO_SPACE, ERR_WATCH_CANCELED, StoreError,
  type AlarmType, type StoreAdmin, type StoreStatus, type KeyChange, type KeyHistory, type StoreHistory,
  type Compare, type KeyValue, type OnEvents, type Op, type OpResult, type RangeOptions, type RangeResponse, type Store,
  type StoreEvent, type TxnRequest, type TxnResponse, type Watch, type WatchError, type WatchOptions,
} from './store';

type Driver = typeof import('./etcdDriver.js');

export interface EtcdStoreOptions {
  /** endpoints are the members' client URLs, as kube-apiserver's --etcd-servers. */
  endpoints: readonly string[];
  /** requestTimeoutMs bounds each call, moving between members included; DEFAULT_ETCD_REQUEST_TIMEOUT_MS when omitted. */
  requestTimeoutMs?: number;
  /** clock is the wall time gRPC deadlines are set in and retries wait on; real time when omitted (a network call's deadline cannot run on simulated time). */
  clock?: Clock;
  /** watchBufferLimit is how many batches a watch may hold for a busy consumer before it is canceled; 128 (etcd's chanBufLen) when omitted. */
  watchBufferLimit?: number;
  /**
   * quotaBytes is the cluster's --quota-backend-bytes, which status reports: etcd's
   * maintenance API does not tell it, so it is read from a member's /metrics
   * (etcd_server_quota_backend_bytes) and this is the fallback (etcd's 2 GiB when omitted).
   */
  quotaBytes?: number;
}

/** MAX_TXN_OPS is etcd's default --max-txn-ops: a restore writes its keys in transactions of at most this many. */
const MAX_TXN_OPS = 128;
/** SNAPSHOT_PAGE is how many keys a snapshot reads a page. */
const SNAPSHOT_PAGE = 1_000;

/** DEFAULT_ETCD_REQUEST_TIMEOUT_MS is how long a call may take before it fails with etcd's last error or `context deadline exceeded`. */
export const DEFAULT_ETCD_REQUEST_TIMEOUT_MS = 5_000;
/** ERR_NO_LEADER is rpctypes.ErrGRPCNoLeader: the member has no leader (the cluster lost quorum, or is electing one). */
export const ERR_NO_LEADER = 'etcdserver: no leader';
/** ERR_DEADLINE is what clientv3 reports when a call outlives its context: no member answered in time. */
export const ERR_DEADLINE = 'context deadline exceeded';

/**
 * ATTEMPT_MS is the least time one member gets before the call moves on to the
 * next: enough for an election, so a member that cannot reach its dead leader
 * yet (or a dead member whose connection is still being made) does not hold the
 * whole call. It grows to a third of a longer request timeout.
 */
const ATTEMPT_MS = 1_000;
/** ROUND_PAUSE_MS is the wait after every member refused before asking them again. */
const ROUND_PAUSE_MS = 100;
/** Watch streams reconnect after a pause that doubles from the first to the last. */
const WATCH_RETRY_FIRST_MS = 100;
const WATCH_RETRY_LAST_MS = 2_000;

/** etcdEndpointsError says what is wrong with a list of etcd endpoints, as the lab refuses it. */
export function etcdEndpointsError(endpoints: readonly string[]): string | undefined {
  if (endpoints.length === 0) return '--etcd-servers must be specified';
  for (const e of endpoints) {
    let url: URL | undefined;
    try {
      url = new URL(e);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.port || url.pathname !== '/' || url.search || url.hash) {
      return `invalid etcd server ${JSON.stringify(e)}: must be a URL such as http://127.0.0.1:2379`;
    }
  }
  return undefined;
}

/** GrpcFailure is a failed call as gRPC reports it: its status code and etcd's message. */
interface GrpcFailure {
  code: number;
  message: string;
}

/** grpcFailure reads `14 UNAVAILABLE: etcdserver: no leader` (the etcd3 client's wording of a gRPC status) back into code and message. */
function grpcFailure(err: unknown): GrpcFailure | undefined {
  const m = err instanceof Error ? /^(\d+) [A-Z_]+: ([\s\S]*)$/.exec(err.message) : null;
  return m ? { code: Number(m[1]), message: m[2] } : undefined;
}

/** GRPC_UNAVAILABLE and GRPC_DEADLINE_EXCEEDED are the gRPC status codes a call may be retried on, or ends with. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * Outcome sorts a failed attempt: `refused`, the request was never proposed (no
 * leader, no connection), so it changed nothing; `unknown`, it may have been
 * proposed and may still be applied (a timeout, a leader lost midway, a dropped
 * connection); `answered`, etcd's answer to the request itself.
 */
type Outcome = 'refused' | 'unknown' | 'answered';

/** ETCD_TIMEOUTS are etcd's words for a proposal whose fate it could not wait for (rpctypes.ErrTimeout and its kin). */
const ETCD_TIMEOUTS = /^etcdserver: (request timed out|leader changed)/;

function outcome(f: GrpcFailure): Outcome {
  // gRPC says where a call's deadline found it: still waiting for a connection (never sent), or at a remote address.
  if (f.code === GRPC_DEADLINE_EXCEEDED) return /remote_addr=/.test(f.message) ? 'unknown' : 'refused';
  if (f.code !== GRPC_UNAVAILABLE) return 'answered';
  if (f.message === ERR_NO_LEADER || /No connection established|ECONNREFUSED/.test(f.message)) return 'refused';
  return !f.message.startsWith('etcdserver:') || ETCD_TIMEOUTS.test(f.message) ? 'unknown' : 'answered';
}

/** storeFailure is etcd's answer as the Store contract words it: compaction and future revisions as MemoryStore's, the rest etcd's own text. */
function storeFailure(f: GrpcFailure): Error {
  switch (f.message) {
    case `etcdserver: ${ERR_COMPACTED}`:
      return new Error(ERR_COMPACTED);
    case `etcdserver: ${ERR_FUTURE_REV}`:
      return new Error(ERR_FUTURE_REV);
    case ERR_NO_SPACE:
      return new StoreError('nospace', ERR_NO_SPACE);
    default:
      return new StoreError('unavailable', f.message);
  }
}

/** prefixEnd is the first key after every key that starts with prefix (etcd's GetPrefixRangeEnd); "\0" for the whole keyspace. */
function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i] < 0xff) {
      const end = b.subarray(0, i + 1);
      end[i]++;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** keyBytes is a key as etcd takes it: the empty key stands for the start of the keyspace. */
function keyBytes(key: string): Buffer {
  return key === '' ? Buffer.from([0]) : Buffer.from(key);
}

function keyValue(kv: IKeyValue): KeyValue {
  return { key: kv.key.toString(), value: kv.value.toString(), createRevision: Number(kv.create_revision), modRevision: Number(kv.mod_revision), version: Number(kv.version) };
}

/** COMPARE_RESULT and COMPARE_TARGET are etcdserverpb's Compare enums by number. */
const COMPARE_RESULT = { '=': 0, '>': 1, '<': 2, '!=': 3 } as const;
const COMPARE_TARGET = { version: 0, create: 1, mod: 2, value: 3 } as const;

function compare(c: Compare): ICompare {
  const base = { key: Buffer.from(c.key), result: COMPARE_RESULT[c.result], target: COMPARE_TARGET[c.target] } as ICompare;
  switch (c.target) {
    case 'mod': return { ...base, mod_revision: c.value };
    case 'create': return { ...base, create_revision: c.value };
    case 'version': return { ...base, version: c.value };
    case 'value': return { ...base, value: Buffer.from(c.value) };
  }
}

function requestOp(op: Op): IRequestOp {
  switch (op.type) {
    case 'put': return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), prev_kv: true } };
    case 'delete': return { request_delete_range: { key: Buffer.from(op.key), prev_kv: true } };
    case 'get': return { request_range: { key: Buffer.from(op.key) } };
  }
}

interface Member {
  endpoint: string;
  client: Etcd3;
}

export class EtcdStore implements Store, StoreAdmin, StoreHistory {
  readonly endpoints: readonly string[];
  private readonly timeoutMs: number;
  readonly clock: Clock;
  readonly watchBufferLimit: number;
  private connecting?: Promise<Member[]>;
  private connected?: Member[];
  /** preferred is the member that answered last: calls start there. */
  preferred = 0;
  /** requireLeader adds clientv3's WithRequireLeader metadata to a call. */
  requireLeader?: Interceptor;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(private readonly options: EtcdStoreOptions) {
    const bad = etcdEndpointsError(options.endpoints);
    if (bad) throw new Error(bad);
    this.endpoints = [...options.endpoints];
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_ETCD_REQUEST_TIMEOUT_MS;
    this.clock = options.clock ?? new RealClock();
    this.watchBufferLimit = options.watchBufferLimit ?? 128;
  }

  /** members loads the etcd3 client (once, on first use) and makes one client per member, each without etcd3's own retries: this store chooses the member. */
  members(): Promise<Member[]> {
    this.connecting ??= import('./etcdDriver.js').then((d: Driver) => {
      const requireLeader: Interceptor = (options, nextCall) => new d.InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) => {
          metadata.set('hasleader', 'true');
          next(metadata, listener);
        },
      });
      this.requireLeader = requireLeader;
      const members = this.endpoints.map((endpoint) => ({
        endpoint,
        client: new d.Etcd3({
          hosts: endpoint,
          dialTimeout: this.timeoutMs,
          faultHandling: { host: () => d.noop, global: d.noop },
          // A member that comes back is found again within seconds, not gRPC's two minutes.
          grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 2_000 },
        }),
      }));
      this.connected = members;
      if (this.closed) for (const m of members) m.client.close();
      return members;
    });
    return this.connecting;
  }

  /**
   * call runs fn on the preferred member, and on the others in turn while they
   * refuse (unreachable, no leader) or do not answer within an attempt's time,
   * until the deadline. Then it fails with etcd's timeout when an attempt may
   * have been proposed (as with any etcd client, such a write may still be
   * applied later), else with etcd's last refusal, else with `context deadline
   * exceeded` when no member said anything. etcd's answers to the request itself
   * fail at once.
   */
  private async call<T>(fn: (client: Etcd3, options: CallOptions) => Promise<T>): Promise<T> {
    const members = await this.members();
    const deadline = this.clock.now() + this.timeoutMs;
    const attemptMs = Math.max(ATTEMPT_MS, this.timeoutMs / 3);
    let refusal: string | undefined;
    let unknown: string | undefined;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new StoreError('unavailable', 'etcdclient: client is closed');
      const i = (this.preferred + attempt) % members.length;
      try {
        const out = await fn(members[i].client, { deadline: Math.min(deadline, this.clock.now() + attemptMs), interceptors: [this.requireLeader as Interceptor] });
        this.preferred = i;
        return out;
      } catch (err) {
        const f = grpcFailure(err);
        if (!f) throw err;
        const o = outcome(f);
        if (o === 'answered') throw storeFailure(f);
        if (o === 'refused' && f.message.startsWith('etcdserver:')) refusal = f.message;
        if (o === 'unknown' && !unknown?.startsWith('etcdserver:')) unknown = f.message.startsWith('etcdserver:') ? f.message : ERR_DEADLINE;
        const left = deadline - this.clock.now();
        if (left <= 0) throw new StoreError('unavailable', unknown ?? refusal ?? ERR_DEADLINE);
        if ((attempt + 1) % members.length === 0) await this.sleep(Math.min(ROUND_PAUSE_MS, left));
      }
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }

  async revision(): Promise<number> {
    const res = await this.call((c, o) => c.kv.range({ key: Buffer.from([0]), count_only: true }, o));
    return Number(res.header.revision);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call((c, o) => c.kv.range({ key: Buffer.from(key) }, o));
    return res.kvs.length ? keyValue(res.kvs[0]) : undefined;
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResponse> {
    const start = options.startKey !== undefined && options.startKey > prefix ? options.startKey : prefix;
    const res = await this.call((c, o) => c.kv.range({
      key: keyBytes(start), range_end: prefixEnd(prefix),
      limit: options.limit && options.limit > 0 ? options.limit : 0, revision: options.revision ?? 0,
    }, o));
    return { kvs: res.kvs.map(keyValue), more: res.more, revision: Number(res.header.revision) };
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    const res = await this.call((c, o) => c.kv.txn({ compare: request.compare.map(compare), success: request.success.map(requestOp), failure: request.failure.map(requestOp) }, o));
    const revision = Number(res.header.revision);
    const ops = res.succeeded ? request.success : request.failure;
    const results = ops.map((op, i): OpResult => {
      const r = res.responses[i];
      switch (op.type) {
        case 'get': {
          const kv = r.response_range.kvs[0];
          return { kv: kv ? keyValue(kv) : undefined };
        }
        case 'put': {
          // etcd answers a put with the previous value only; the new one is at the transaction's revision.
          const prev = r.response_put.prev_kv ? keyValue(r.response_put.prev_kv) : undefined;
          const kv: KeyValue = { key: op.key, value: op.value, createRevision: prev?.createRevision ?? revision, modRevision: revision, version: (prev?.version ?? 0) + 1 };
          return { kv, prevKv: prev };
        }
        case 'delete': {
          const prev = r.response_delete_range.prev_kvs[0];
          return prev ? { prevKv: keyValue(prev) } : {};
        }
      }
    });
    return { succeeded: res.succeeded, revision, results };
  }

  watch(prefix: string, fromRevision: number, onEvents: OnEvents, onError: (error: WatchError) => void, options: WatchOptions = {}): Watch {
    const w = new EtcdWatch(this, prefix, fromRevision, onEvents, onError, options, () => this.watches.delete(w));
    this.watches.add(w);
    w.open();
    return w;
  }

  /** compact compacts etcd's history up to revision; as MemoryStore, an older revision than etcd's compacted one changes nothing and a future one compacts to the present. */
  async compact(revision: number): Promise<void> {
    try {
      await this.call((c, o) => c.kv.compact({ revision }, o));
    } catch (err) {
      if (err instanceof Error && err.message === ERR_COMPACTED) return;
      if (err instanceof Error && err.message === ERR_FUTURE_REV) return this.compact(await this.revision());
      throw err;
    }
  }

  /**
   * status is `etcdctl endpoint status` of the member that answers, with the
   * cluster's alarms: the revision, the backend's size and the part in use, and
   * the key count. The compacted revision is not in etcd's status; it is found
   * as etcd tells it, by the error of a read at revision 1.
   */
  async status(): Promise<StoreStatus> {
    const members = await this.members();
    const status = await this.call((c, o) => c.maintenance.status(o));
    const keys = await this.call((c, o) => c.kv.range({ key: Buffer.from([0]), range_end: Buffer.from([0]), count_only: true }, o));
    const alarms = await this.alarmList();
    const compactRevision = await this.compactRevision();
    return {
      revision: Number(status.header.revision),
      compactRevision,
      dbSize: Number(status.dbSize),
      dbSizeInUse: Number(status.dbSizeInUse),
      keys: Number(keys.count),
      quotaBytes: await this.quotaBytes(members[this.preferred].endpoint),
      alarms,
    };
  }

  /**
   * history walks key's revisions back from its current value, each read at the
   * revision before the one found, down to the key's creation or the compacted
   * revision: etcd's KV API has no history call. A deletion leaves nothing such
   * a read finds, so the history is complete only since the key's latest
   * creation (`from`), and a key deleted now has none to tell.
   */
  async history(key: string): Promise<KeyHistory> {
    const revision = await this.revision();
    const compactRevision = await this.compactRevision();
    const at = async (rev: number): Promise<KeyValue | 'compacted' | undefined> => {
      try {
        const res = await this.call((c, o) => c.kv.range({ key: Buffer.from(key), revision: rev }, o));
        return res.kvs.length ? keyValue(res.kvs[0]) : undefined;
      } catch (err) {
        if (err instanceof Error && err.message === ERR_COMPACTED) return 'compacted';
        throw err;
      }
    };
    const changes: KeyChange[] = [];
    let kv = await at(revision);
    let from = revision;
    while (kv && kv !== 'compacted') {
      changes.unshift({ type: 'put', kv });
      from = Math.max(compactRevision, kv.createRevision - 1);
      if (kv.version <= 1 || kv.modRevision - 1 < compactRevision) break;
      kv = await at(kv.modRevision - 1);
    }
    return { key, revision, compactRevision, from, changes };
  }

  /**
   * compactRevision is etcd's compacted revision, which its status does not
   * tell: the least revision a read at still works (etcd refuses only the ones
   * below it), found by bisection; 0 when revision 1 can still be read.
   */
  private async compactRevision(): Promise<number> {
    const readable = async (rev: number): Promise<boolean> => {
      try {
        await this.call((c, o) => c.kv.range({ key: Buffer.from([0]), range_end: Buffer.from([0]), count_only: true, revision: rev }, o));
        return true;
      } catch (err) {
        if (err instanceof Error && err.message === ERR_COMPACTED) return false;
        throw err;
      }
    };
    if (await readable(1)) return 0;
    let lo = 1;
    let hi = await this.revision();
    // lo is unreadable, hi (the current revision) always readable.
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** quotaBytes reads etcd_server_quota_backend_bytes from the member's /metrics, else the configured quota. */
  private async quotaBytes(endpoint: string): Promise<number> {
    try {
      const res = await fetch(new URL('/metrics', endpoint), { signal: AbortSignal.timeout(this.timeoutMs) });
      const m = /^etcd_server_quota_backend_bytes (\S+)$/m.exec(await res.text());
      if (m && Number(m[1]) > 0) return Number(m[1]);
    } catch {
      // No metrics (a TLS endpoint, or a member gone): the configured quota stands.
    }
    return this.configuredQuota;
  }

  private get configuredQuota(): number {
    return this.options.quotaBytes ?? ETCD_DEFAULT_QUOTA_BYTES;
  }

  /**
   * defragment defragments every member, as `etcdctl defrag --cluster`: each
   * backend shrinks to the space in use. Every member is tried; the first
   * failure is reported after.
   */
  async defragment(): Promise<void> {
    const members = await this.members();
    const failures: string[] = [];
    for (const m of members) {
      try {
        await m.client.maintenance.defragment({ deadline: this.clock.now() + Math.max(this.timeoutMs, 30_000) });
      } catch (err) {
        const f = grpcFailure(err);
        failures.push(`failed to defragment etcd member[${m.endpoint}] (${f ? f.message : String(err)})`);
      }
    }
    if (failures.length) throw new StoreError('unavailable', failures.join('; '));
  }

  /** alarmList is `etcdctl alarm list`: the alarms raised on any member, each type once. */
  async alarmList(): Promise<AlarmType[]> {
    const res = await this.call((c, o) => c.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' }, o));
    return [...new Set(res.alarms.filter((a) => String(a.alarm) === 'Nospace' || String(a.alarm) === 'NOSPACE' || Number(a.alarm) === 1).map((): AlarmType => 'NOSPACE'))];
  }

  /** alarmDisarm is `etcdctl alarm disarm`: every raised alarm is deactivated, member by member; it answers the types it cleared. */
  async alarmDisarm(): Promise<AlarmType[]> {
    const res = await this.call((c, o) => c.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' }, o));
    const cleared = new Set<AlarmType>();
    for (const a of res.alarms) {
      await this.call((c, o) => c.maintenance.alarm({ action: 'Deactivate', memberID: a.memberID, alarm: a.alarm }, o));
      if (String(a.alarm) === 'Nospace' || Number(a.alarm) === 1) cleared.add('NOSPACE');
    }
    return [...cleared];
  }

  /**
   * snapshot is the whole keyspace at one revision, read page by page at that
   * revision, in the lab's snapshot format (the keys with their revisions and
   * versions). It is not etcd's own snapshot (the bbolt file of the maintenance
   * API's stream), which only etcdutl can restore.
   */
  async snapshot(): Promise<StoreSnapshot> {
    const first = await this.range('', { limit: SNAPSHOT_PAGE });
    const revision = first.revision;
    const kvs = [...first.kvs];
    let more = first.more;
    while (more) {
      const page = await this.range('', { limit: SNAPSHOT_PAGE, startKey: `${kvs[kvs.length - 1].key}\u0000`, revision });
      kvs.push(...page.kvs);
      more = page.more;
    }
    return { revision, kvs };
  }

  /**
   * restore writes a snapshot's keys and values into an etcd whose keyspace is
   * empty (a new cluster, as etcdutl restores into a new data directory), in
   * transactions of at most etcd's --max-txn-ops keys, each guarded by the keys
   * being absent. etcd's API gives every write a revision of its own choosing, so
   * the keys come back with new revisions and version 1; the values are the
   * snapshot's. A snapshot that does not validate, or a keyspace that is not
   * empty, is refused before anything is written.
   */
  async restore(snapshot: StoreSnapshot): Promise<void> {
    const valid = validateSnapshot(snapshot);
    if ('error' in valid) throw new Error(`cannot restore the snapshot: ${valid.error}`);
    const present = await this.range('', { limit: 1 });
    if (present.kvs.length > 0) throw new Error(`cannot restore the snapshot: the etcd keyspace is not empty (it holds ${JSON.stringify(present.kvs[0].key)}); restore into a new cluster`);
    for (let i = 0; i < valid.kvs.length; i += MAX_TXN_OPS) {
      const chunk = valid.kvs.slice(i, i + MAX_TXN_OPS);
      const res = await this.txn({
        compare: chunk.map((kv) => ({ key: kv.key, target: 'create', result: '=', value: 0 })),
        success: chunk.map((kv) => ({ type: 'put', key: kv.key, value: kv.value })),
        failure: [],
      });
      if (!res.succeeded) throw new Error(`cannot restore the snapshot: a key of it was written meanwhile; ${i} of ${valid.kvs.length} keys were restored`);
    }
  }

  /** close ends every watch and closes the clients; later calls fail. */
  close(): void {
    this.closed = true;
    for (const w of [...this.watches]) w.cancel();
    for (const m of this.connected ?? []) m.client.close();
  }
}

/**
 * EtcdWatch is one etcd watch on a stream of its own. When its member goes away
 * or loses its leader, it opens again on the next member from the revision
 * after the last one it delivered, so no change is lost or repeated; when that
 * revision has been compacted meanwhile, it ends with ErrCompacted as etcd says.
 */
class EtcdWatch implements Watch {
  private stream?: IDuplexStream<IWatchRequest, IWatchResponse>;
  private member: number;
  /** next is the revision to resume from: set once etcd created the watch, 0 (now) before. */
  private next: number;
  private created = false;
  private done = false;
  private retryMs = WATCH_RETRY_FIRST_MS;
  private retryTimer?: Timer;
  private pending: { events: StoreEvent[]; revision: number }[] = [];
  private busy = false;

  constructor(
    private readonly store: EtcdStore,
    private readonly prefix: string,
    fromRevision: number,
    private readonly onEvents: OnEvents,
    private readonly onError: (error: WatchError) => void,
    private readonly options: WatchOptions,
    private readonly forget: () => void,
  ) {
    this.member = store.preferred;
    this.next = Math.max(0, fromRevision);
  }

  open(): void {
    void this.store.members().then((members) => this.attach(members), () => this.retry());
  }

  private async attach(members: { client: Etcd3 }[]): Promise<void> {
    if (this.done) return;
    const member = members[this.member % members.length];
    let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
    try {
      stream = await member.client.watchClient.watch({ interceptors: [this.store.requireLeader as Interceptor] });
    } catch {
      return this.retry();
    }
    if (this.done) return stream.cancel();
    this.stream = stream;
    this.created = false;
    stream.on('data', (res) => this.receive(stream, res));
    stream.on('error', () => this.lost(stream));
    stream.on('end', () => this.lost(stream));
    stream.write({
      create_request: {
        key: keyBytes(this.prefix), range_end: prefixEnd(this.prefix), start_revision: this.next,
        prev_kv: true, progress_notify: this.options.progressNotify === true,
      },
    });
  }

  private receive(stream: IDuplexStream<IWatchRequest, IWatchResponse>, res: IWatchResponse): void {
    if (this.done || stream !== this.stream) return;
    const compacted = Number(res.compact_revision);
    if (compacted > 0) {
      this.end({ code: 'compacted', message: ERR_COMPACTED, compactRevision: compacted });
      return;
    }
    if (res.canceled) {
      // Canceled for another reason (the member lost its leader): resume elsewhere.
      this.lost(stream);
      return;
    }
    const revision = Number(res.header.revision);
    if (res.created) {
      this.created = true;
      this.retryMs = WATCH_RETRY_FIRST_MS;
      if (this.next === 0) this.next = revision + 1;
      return;
    }
    const events = res.events.map((e): StoreEvent => ({
      type: e.type === 'Delete' || (e.type as string) === 'DELETE' ? 'delete' : 'put',
      kv: keyValue(e.kv),
      ...(e.prev_kv ? { prevKv: keyValue(e.prev_kv) } : {}),
    }));
    this.next = Math.max(this.next, events.length ? events[events.length - 1].kv.modRevision + 1 : revision + 1);
    this.deliver(events, revision);
  }

  /** deliver queues a batch for the consumer, up to the store's bound: a consumer that cannot keep up has its watch canceled, as etcd cancels a slow watcher. */
  private deliver(events: StoreEvent[], revision: number): void {
    if (this.pending.length >= this.store.watchBufferLimit) {
      this.end({ code: 'canceled', message: ERR_WATCH_CANCELED, compactRevision: 0 });
      return;
    }
    this.pending.push({ events, revision });
    this.drain();
  }

  /** drain hands the consumer its batches in order until it is busy with one (it answered a promise) or has none left. */
  private drain(): void {
    while (!this.done && !this.busy && this.pending.length > 0) {
      const batch = this.pending.shift() as { events: StoreEvent[]; revision: number };
      const settled = this.onEvents(batch.events, batch.revision) as Promise<void> | undefined;
      if (settled) {
        this.busy = true;
        const resume = (): void => {
          this.busy = false;
          this.drain();
        };
        settled.then(resume, resume);
      }
    }
  }

  /** lost drops a stream that failed or ended and tries the next member after a pause. */
  private lost(stream: IDuplexStream<IWatchRequest, IWatchResponse>): void {
    if (this.done || stream !== this.stream) return;
    this.stream = undefined;
    stream.cancel();
    this.member++;
    this.retry();
  }

  private retry(): void {
    if (this.done) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(WATCH_RETRY_LAST_MS, this.retryMs * 2);
    this.retryTimer = this.store.clock.setTimer(wait, () => {
      this.retryTimer = undefined;
      this.open();
    });
  }

  private end(error: WatchError): void {
    this.cancel();
    this.onError(error);
  }

  requestProgress(): void {
    if (this.created && !this.busy && this.pending.length === 0) this.stream?.write({ progress_request: {} });
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    this.retryTimer?.cancel();
    this.stream?.cancel();
    this.stream = undefined;
    this.forget();
  }
}
