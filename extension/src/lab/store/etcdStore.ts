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
import type { Etcd3 } from 'etcd3';
import { type Clock, RealClock } from '../clock';
import { EtcdWatch } from './etcdWatch';
import { ERR_DEADLINE, compare, compareLeaseIds, grpcFailure, keyBytes, keyValue, leaseId, outcome, prefixEnd, requestOp, storeFailure } from './etcdWire';
import type { SnapshotLease } from './lessor';
import { ETCD_DEFAULT_QUOTA_BYTES } from './quota';
import { type StoreSnapshot, validateSnapshot } from './snapshot';
import {
  ERR_COMPACTED, ERR_FUTURE_REV, ERR_LEASE_NOT_FOUND, MIN_LEASE_TTL_SECONDS, StoreError,
  type LeaseGrant, type LeaseStatus, type StoreLeases, type AlarmType, type StoreAdmin, type StoreStatus, type KeyChange, type KeyHistory, type StoreHistory,
  type KeyValue, type OnEvents, type Op, type OpResult, type RangeOptions, type RangeResponse, type Store,
  type TxnRequest, type TxnResponse, type Watch, type WatchError, type WatchOptions,
} from './store';

export { ERR_DEADLINE, ERR_NO_LEADER } from './etcdWire';

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
/**
 * ATTEMPT_MS is the least time one member gets before the call moves on to the
 * next: enough for an election, so a member that cannot reach its dead leader
 * yet (or a dead member whose connection is still being made) does not hold the
 * whole call. It grows to a third of a longer request timeout.
 */
const ATTEMPT_MS = 1_000;
/** ROUND_PAUSE_MS is the wait after every member refused before asking them again. */
const ROUND_PAUSE_MS = 100;

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

interface Member {
  endpoint: string;
  client: Etcd3;
}

export class EtcdStore implements Store, StoreAdmin, StoreHistory, StoreLeases {
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
          if (op.lease !== undefined) kv.lease = op.lease;
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

  /**
   * leaseGrant is etcd's LeaseGrant: etcd picks the ID and raises a TTL below
   * its minimum. No keep-alive is ever sent, so the lease expires its TTL on.
   * A grant retried after an attempt of unknown outcome may leave a second
   * lease behind, which expires unused.
   */
  async leaseGrant(ttlSeconds: number): Promise<LeaseGrant> {
    if (!Number.isFinite(ttlSeconds)) throw new Error(`invalid lease TTL ${ttlSeconds}: must be a number of seconds`);
    const res = await this.call((c, o) => c.leaseClient.leaseGrant({ TTL: Math.ceil(ttlSeconds), ID: 0 }, o));
    if (res.error) throw new StoreError('unavailable', res.error);
    return { id: String(res.ID), ttl: Number(res.TTL) };
  }

  /**
   * leaseRevoke is etcd's LeaseRevoke: the lease's keys are deleted in one
   * revision. It is retried on another member as clientv3 retries it; when an
   * attempt whose outcome is unknown is followed by etcd's lease-not-found, that
   * attempt is taken to have revoked it, as the lease is gone as asked.
   */
  async leaseRevoke(id: string): Promise<void> {
    const ID = leaseId(id);
    let unknown = false;
    try {
      await this.call(async (c, o) => {
        try {
          return await c.leaseClient.leaseRevoke({ ID }, o);
        } catch (err) {
          const f = grpcFailure(err);
          if (f && outcome(f) === 'unknown') unknown = true;
          throw err;
        }
      });
    } catch (err) {
      if (unknown && err instanceof Error && err.message === ERR_LEASE_NOT_FOUND) return;
      throw err;
    }
  }

  /** leaseTimeToLive is etcd's LeaseTimeToLive with its keys: TTL -1 for a lease that does not exist, the keys in key order. */
  async leaseTimeToLive(id: string): Promise<LeaseStatus> {
    return this.timeToLive(id, true);
  }

  private async timeToLive(id: string, keys: boolean): Promise<LeaseStatus> {
    let ID: string;
    try {
      ID = leaseId(id);
    } catch {
      return { id, ttl: -1, grantedTtl: 0, keys: [] };
    }
    const res = await this.call((c, o) => c.leaseClient.leaseTimeToLive({ ID, keys }, o));
    return { id, ttl: Number(res.TTL), grantedTtl: Number(res.grantedTTL), keys: res.keys.map((k) => k.toString()).sort() };
  }

  /** leaseList is etcd's LeaseLeases, in ID order (etcd lists them in no order). */
  async leaseList(): Promise<string[]> {
    const res = await this.call((c, o) => c.leaseClient.leaseLeases(o));
    return res.leases.map((l) => String(l.ID)).sort(compareLeaseIds);
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
   * versions) and the leases alive with their granted TTLs. It is not etcd's
   * own snapshot (the bbolt file of the maintenance API's stream), which only
   * etcdutl can restore. The leases are read after the keys: one a key names
   * that has ended since was alive at the snapshot's revision, and is kept with
   * the least TTL etcd grants.
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
    const named = new Set(kvs.flatMap((kv) => (kv.lease !== undefined ? [kv.lease] : [])));
    const leases: SnapshotLease[] = [];
    for (const id of [...new Set([...named, ...await this.leaseList()])].sort(compareLeaseIds)) {
      const status = await this.timeToLive(id, false);
      if (status.ttl >= 0) leases.push({ id, ttl: status.grantedTtl });
      else if (named.has(id)) leases.push({ id, ttl: MIN_LEASE_TTL_SECONDS });
    }
    return leases.length ? { revision, kvs, leases } : { revision, kvs };
  }

  /**
   * restore writes a snapshot's keys and values into an etcd whose keyspace is
   * empty (a new cluster, as etcdutl restores into a new data directory), in
   * transactions of at most etcd's --max-txn-ops keys, each guarded by the keys
   * being absent. etcd's API gives every write a revision of its own choosing, so
   * the keys come back with new revisions and version 1; the values are the
   * snapshot's. The snapshot's leases are granted first under their own IDs,
   * each with its whole TTL from now (as etcd's leases start over when its
   * lessor is promoted), and the keys put with theirs. A snapshot that does not
   * validate, or a keyspace that is not empty, is refused before anything is
   * written.
   */
  async restore(snapshot: StoreSnapshot): Promise<void> {
    const valid = validateSnapshot(snapshot);
    if ('error' in valid) throw new Error(`cannot restore the snapshot: ${valid.error}`);
    const present = await this.range('', { limit: 1 });
    if (present.kvs.length > 0) throw new Error(`cannot restore the snapshot: the etcd keyspace is not empty (it holds ${JSON.stringify(present.kvs[0].key)}); restore into a new cluster`);
    for (const lease of valid.leases ?? []) {
      const res = await this.call((c, o) => c.leaseClient.leaseGrant({ ID: leaseId(lease.id), TTL: lease.ttl }, o));
      if (res.error) throw new Error(`cannot restore the snapshot: lease ${lease.id}: ${res.error}`);
    }
    for (let i = 0; i < valid.kvs.length; i += MAX_TXN_OPS) {
      const chunk = valid.kvs.slice(i, i + MAX_TXN_OPS);
      const res = await this.txn({
        compare: chunk.map((kv) => ({ key: kv.key, target: 'create', result: '=', value: 0 })),
        success: chunk.map((kv): Op => ({ type: 'put', key: kv.key, value: kv.value, ...(kv.lease !== undefined ? { lease: kv.lease } : {}) })),
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
