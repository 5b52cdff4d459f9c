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
}

/** Compare is one guard of a transaction, as etcd's Compare. */
export interface Compare {
  key: string;
  target: 'mod' | 'create' | 'version';
  result: '=' | '!=' | '<' | '>';
  value: number;
}

/** Op is one operation of a transaction branch. */
export type Op = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string } | { type: 'get'; key: string };

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

/** WatchError ends a watch, as etcd's ErrCompacted ends one that starts too far back. */
export interface WatchError {
  code: 'compacted';
  message: string;
  compactRevision: number;
}

export interface Watch {
  cancel(): void;
}

export interface Store {
  /** revision is the current global revision. */
  revision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  range(prefix: string, options?: RangeOptions): Promise<RangeResponse>;
  txn(request: TxnRequest): Promise<TxnResponse>;
  /** watch delivers, in revision order, every change under prefix at revision >= fromRevision. */
  watch(prefix: string, fromRevision: number, onEvents: (events: StoreEvent[]) => void, onError: (error: WatchError) => void): Watch;
  /** compact forgets history before revision; watches from before it fail. */
  compact(revision: number): Promise<void>;
}

/** Upstream etcd's wording for a watch or read below the compacted revision. */
/** ERR_FUTURE_REV is etcd's error for a read at a revision not yet written. */
export const ERR_FUTURE_REV = 'mvcc: required revision is a future revision';
export const ERR_COMPACTED = 'mvcc: required revision has been compacted';
