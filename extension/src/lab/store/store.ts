/**
 * Store is the etcd-shaped contract the API server persists through: a keyspace
 * with one global revision, transactions that compare revisions (the API
 * server's optimistic concurrency), and watches from a revision. It is async so a
 * real etcd can stand behind it as well as the in-memory store.
 */

/** KeyValue is one key at one revision, as etcd's mvccpb.KeyValue. */
export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  /** lease is the lease the key is attached to (etcd's KeyValue.lease); absent for none. */
  lease?: string;
}

/**
 * Compare is one guard of a transaction, as etcd's Compare: a key's mod or
 * create revision or version against a number, or its value against a string
 * (byte order; etcd fails a value compare on a missing key, whatever the result).
 */
export type Compare =
  | { key: string; target: 'mod' | 'create' | 'version'; result: CompareResult; value: number }
  | { key: string; target: 'value'; result: CompareResult; value: string };

/** CompareResult is etcd's Compare.CompareResult: EQUAL, NOT_EQUAL, LESS, GREATER. */
export type CompareResult = '=' | '!=' | '<' | '>';

/** compareHolds decides one Compare against a key's current state (undefined: the key does not exist), as etcd's applyCompare. */
export function compareHolds(c: Compare, kv: KeyValue | undefined): boolean {
  if (c.target === 'value' && !kv) return false;
  // A value compares as etcd's bytes.Compare of the UTF-8 bytes; the others as numbers, 0 for a missing key.
  const order = c.target === 'value'
    ? Buffer.compare(Buffer.from((kv as KeyValue).value), Buffer.from(c.value))
    : Math.sign((c.target === 'mod' ? (kv?.modRevision ?? 0) : c.target === 'create' ? (kv?.createRevision ?? 0) : (kv?.version ?? 0)) - c.value);
  switch (c.result) {
    case '=': return order === 0;
    case '!=': return order !== 0;
    case '<': return order < 0;
    case '>': return order > 0;
  }
}

/** Op is one operation of a transaction branch. A put with a lease attaches the key to it; one without detaches the key from any lease, as etcd's Put. */
export type Op = { type: 'put'; key: string; value: string; lease?: string } | { type: 'delete'; key: string } | { type: 'get'; key: string };

/** OpResult is the outcome of one Op: the key after a put, before a delete, or as read. */
export interface OpResult {
  kv?: KeyValue;
  prevKv?: KeyValue;
}

export interface TxnRequest {
  compare: Compare[];
  success: Op[];
  failure: Op[];
}

export interface TxnResponse {
  succeeded: boolean;
  revision: number;
  results: OpResult[];
}

export interface RangeOptions {
  /** limit caps the keys returned; `more` tells whether others follow. */
  limit?: number;
  /** startKey resumes a range after a previous page (inclusive). */
  startKey?: string;
  /** revision reads the keys as they were at that revision (etcd's WithRev); 0 or absent reads the latest. A compacted revision fails with ERR_COMPACTED, a future one with ERR_FUTURE_REV. */
  revision?: number;
}

export interface RangeResponse {
  kvs: KeyValue[];
  more: boolean;
  revision: number;
}

/** StoreEvent is one change seen by a watch. */
export interface StoreEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

/**
 * WatchError ends a watch: ErrCompacted for one that starts too far back (or is
 * restored over), `canceled` for one whose consumer fell more than the store's
 * buffer behind.
 */
export interface WatchError {
  code: 'compacted' | 'canceled';
  message: string;
  compactRevision: number;
}

/**
 * WatchOptions are a watch's etcd options. progressNotify asks for etcd's
 * WithProgressNotify: a watch that saw no change for an interval gets an empty
 * batch carrying the store's current revision.
 */
export interface WatchOptions {
  progressNotify?: boolean;
}

/**
 * OnEvents receives one batch of a watch, and the revision the watch is current
 * to (etcd's response header revision): an empty batch is a progress
 * notification. A consumer that returns a promise (any thenable) is busy until
 * it settles: the store holds later batches for it meanwhile, up to its bound.
 */
export type OnEvents = (events: StoreEvent[], revision: number) => unknown;

export interface Watch {
  cancel(): void;
  /** requestProgress asks for a progress notification now (etcd's RequestProgress), sent if the watch has nothing pending; a store without them leaves it out. */
  requestProgress?(): void;
}

export interface Store {
  /** revision is the current global revision. */
  revision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  range(prefix: string, options?: RangeOptions): Promise<RangeResponse>;
  txn(request: TxnRequest): Promise<TxnResponse>;
  /** watch delivers, in revision order, every change under prefix at revision >= fromRevision. */
  watch(prefix: string, fromRevision: number, onEvents: OnEvents, onError: (error: WatchError) => void, options?: WatchOptions): Watch;
  /** compact forgets history before revision; watches from before it fail. */
  compact(revision: number): Promise<void>;
}

/** KeyChange is one change of a key: a put with the key as written, or a deletion with its tombstone (modRevision the deletion's revision). */
export interface KeyChange {
  type: 'put' | 'delete';
  kv: KeyValue;
}

/**
 * KeyHistory is what a store still knows of one key's past: its changes in
 * revision order, complete after revision `from` (every change of the key after
 * it is listed). The first change may be older than `from`: the key's value in
 * effect at `from`, which a compaction keeps.
 */
export interface KeyHistory {
  key: string;
  /** revision is the store's revision when the history was read. */
  revision: number;
  compactRevision: number;
  from: number;
  changes: KeyChange[];
}

/** StoreHistory is a store that can list a key's changes within its uncompacted history, as `etcdctl watch --rev` replays them. */
export interface StoreHistory {
  history(key: string): Promise<KeyHistory>;
}

/** asStoreHistory is a store's key history, when it can tell one. */
export function asStoreHistory(store: Store): (Store & StoreHistory) | undefined {
  return typeof (store as Partial<StoreHistory>).history === 'function' ? (store as Store & StoreHistory) : undefined;
}

/** LeaseGrant is a granted lease: its ID (etcd's int64, in decimal) and the TTL it got in seconds. */
export interface LeaseGrant {
  id: string;
  ttl: number;
}

/** LeaseStatus is etcd's LeaseTimeToLive answer: the seconds left (-1 for a lease that does not exist), the TTL granted, and the keys attached. */
export interface LeaseStatus {
  id: string;
  ttl: number;
  grantedTtl: number;
  keys: string[];
}

/**
 * StoreLeases is etcd's lease API: a lease expires its TTL after it was granted
 * (or after the store restarted, as etcd's lessor refreshes every lease when
 * it is promoted), and its expiry or revocation deletes every key attached to
 * it in one revision. The API server attaches Events to leases for --event-ttl.
 */
export interface StoreLeases {
  /** leaseGrant grants a lease of ttlSeconds (at least MIN_LEASE_TTL_SECONDS, as etcd's lessor raises a shorter one). */
  leaseGrant(ttlSeconds: number): Promise<LeaseGrant>;
  /** leaseRevoke ends a lease now, deleting its keys in one revision; an unknown lease fails with ERR_LEASE_NOT_FOUND. */
  leaseRevoke(id: string): Promise<void>;
  leaseTimeToLive(id: string): Promise<LeaseStatus>;
  /** leaseList lists the leases alive, in ID order. */
  leaseList(): Promise<string[]>;
}

/** asStoreLeases is a store's lease API, when its backend has one. */
export function asStoreLeases(store: Store): (Store & StoreLeases) | undefined {
  const s = store as Partial<StoreLeases>;
  return typeof s.leaseGrant === 'function' && typeof s.leaseRevoke === 'function' ? (store as Store & StoreLeases) : undefined;
}

/** MIN_LEASE_TTL_SECONDS is etcd's minimum lease TTL with its default election timeout (1.5 × 1 s, rounded up): a shorter TTL is granted as this. */
export const MIN_LEASE_TTL_SECONDS = 2;
/** ERR_LEASE_NOT_FOUND is etcd's error for a put or revoke naming a lease that does not exist (rpctypes.ErrGRPCLeaseNotFound). */
export const ERR_LEASE_NOT_FOUND = 'etcdserver: requested lease not found';

/** ERR_FUTURE_REV is etcd's error for a read at a revision not yet written. */
export const ERR_FUTURE_REV = 'mvcc: required revision is a future revision';
/** ERR_COMPACTED is etcd's wording for a watch or read below the compacted revision. */
export const ERR_COMPACTED = 'mvcc: required revision has been compacted';
/** ERR_NO_SPACE is what an etcd client gets for a write while the NOSPACE alarm is raised (rpctypes.ErrGRPCNoSpace). */
export const ERR_NO_SPACE = 'etcdserver: mvcc: database space exceeded';
/** ERR_WATCH_CANCELED is etcd's error for a watch the server ended (rpctypes.ErrGRPCWatchCanceled). */
export const ERR_WATCH_CANCELED = 'etcdserver: watch canceled';

/**
 * StoreError is a failure the store reports rather than a bug: the API server
 * answers it as upstream answers an etcd error that is not a Status (500 with
 * the error's text), never as a crash.
 */
export class StoreError extends Error {
  /** code: nospace is the NOSPACE alarm's refusal; unavailable is a store that could not answer (a real etcd without quorum, unreachable or past the request timeout). */
  constructor(readonly code: 'nospace' | 'unavailable', message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** isStoreError tells a store's reported failure from a bug. */
export function isStoreError(err: unknown): err is StoreError {
  return err instanceof StoreError;
}

/** AlarmType is an etcd alarm: NOSPACE when the backend quota is exceeded (CORRUPT is not simulated). */
export type AlarmType = 'NOSPACE';

/** StoreStatus is `etcdctl endpoint status`: the revision, the db's size on disk and in use, the key count, and more. */
export interface StoreStatus {
  revision: number;
  compactRevision: number;
  /** dbSize is the backend's total size (etcd_mvcc_db_total_size_in_bytes), freed pages included. */
  dbSize: number;
  /** dbSizeInUse is the part holding live and historical revisions (etcd_mvcc_db_total_size_in_use_in_bytes). */
  dbSizeInUse: number;
  /** keys is how many keys are live (etcd_debugging_mvcc_keys_total). */
  keys: number;
  /** quotaBytes is the backend quota (--quota-backend-bytes). */
  quotaBytes: number;
  alarms: AlarmType[];
}

/**
 * StoreAdmin is etcd's maintenance API, as `etcdctl compaction|defrag|alarm|endpoint
 * status` call it: compaction and defrag reclaim space, and the NOSPACE alarm
 * clears only when disarmed.
 */
export interface StoreAdmin {
  status(): Promise<StoreStatus>;
  /** defragment gives the backend's freed space back: the total size shrinks to what is in use. */
  defragment(): Promise<void>;
  alarmList(): Promise<AlarmType[]>;
  /** alarmDisarm clears every alarm; a NOSPACE alarm comes back at the next write that still does not fit. */
  alarmDisarm(): Promise<AlarmType[]>;
}

/** asStoreAdmin is a store's maintenance API, when its backend has one. */
export function asStoreAdmin(store: Store): StoreAdmin | undefined {
  const s = store as Partial<StoreAdmin>;
  return typeof s.status === 'function' && typeof s.defragment === 'function' && typeof s.alarmList === 'function' && typeof s.alarmDisarm === 'function' ? (store as Store & StoreAdmin) : undefined;
}
