/**
 * etcdWire is what EtcdStore and its watches say to etcd and read back: gRPC
 * failures sorted into refusals, unknown outcomes and etcd's answers (worded as
 * the Store contract words them), and the Store's keys, compares and ops encoded
 * as etcdserverpb messages.
 */
import type { ICompare, IKeyValue, IRequestOp } from 'etcd3';
import { ERR_COMPACTED, ERR_FUTURE_REV, ERR_LEASE_NOT_FOUND, ERR_NO_SPACE, StoreError, type Compare, type KeyValue, type Op } from './store';

/** ERR_NO_LEADER is rpctypes.ErrGRPCNoLeader: the member has no leader (the cluster lost quorum, or is electing one). */
export const ERR_NO_LEADER = 'etcdserver: no leader';
/** ERR_DEADLINE is what clientv3 reports when a call outlives its context: no member answered in time. */
export const ERR_DEADLINE = 'context deadline exceeded';

/** GrpcFailure is a failed call as gRPC reports it: its status code and etcd's message. */
export interface GrpcFailure {
  code: number;
  message: string;
}

/**
 * grpcFailure reads `14 UNAVAILABLE: etcdserver: no leader` (the etcd3 client's
 * wording of a gRPC status) back into code and message. The client words etcd's
 * lease-not-found in a sentence of its own (`Lease <status> is expired or
 * revoked`), which is read back to the status inside it.
 */
export function grpcFailure(err: unknown): GrpcFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const status = /^Lease ([\s\S]*) is expired or revoked$/.exec(err.message)?.[1] ?? err.message;
  const m = /^(\d+) [A-Z_]+: ([\s\S]*)$/.exec(status);
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
export type Outcome = 'refused' | 'unknown' | 'answered';

/** ETCD_TIMEOUTS are etcd's words for a proposal whose fate it could not wait for (rpctypes.ErrTimeout and its kin). */
const ETCD_TIMEOUTS = /^etcdserver: (request timed out|leader changed)/;

export function outcome(f: GrpcFailure): Outcome {
  // gRPC says where a call's deadline found it: still waiting for a connection (never sent), or at a remote address.
  if (f.code === GRPC_DEADLINE_EXCEEDED) return /remote_addr=/.test(f.message) ? 'unknown' : 'refused';
  if (f.code !== GRPC_UNAVAILABLE) return 'answered';
  if (f.message === ERR_NO_LEADER || /No connection established|ECONNREFUSED/.test(f.message)) return 'refused';
  return !f.message.startsWith('etcdserver:') || ETCD_TIMEOUTS.test(f.message) ? 'unknown' : 'answered';
}

/** storeFailure is etcd's answer as the Store contract words it: compaction and future revisions as MemoryStore's, the rest etcd's own text. */
export function storeFailure(f: GrpcFailure): Error {
  switch (f.message) {
    case `etcdserver: ${ERR_COMPACTED}`:
      return new Error(ERR_COMPACTED);
    case `etcdserver: ${ERR_FUTURE_REV}`:
      return new Error(ERR_FUTURE_REV);
    case ERR_NO_SPACE:
      return new StoreError('nospace', ERR_NO_SPACE);
    case ERR_LEASE_NOT_FOUND:
      return new Error(ERR_LEASE_NOT_FOUND);
    default:
      return new StoreError('unavailable', f.message);
  }
}

/** prefixEnd is the first key after every key that starts with prefix (etcd's GetPrefixRangeEnd); "\0" for the whole keyspace. */
export function prefixEnd(prefix: string): Buffer {
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
export function keyBytes(key: string): Buffer {
  return key === '' ? Buffer.from([0]) : Buffer.from(key);
}

/** keyValue is etcd's KeyValue as the Store's: the lease only when the key has one (etcd's 0 is none), kept in decimal as etcd's int64 may pass 2^53. */
export function keyValue(kv: IKeyValue): KeyValue {
  const out: KeyValue = { key: kv.key.toString(), value: kv.value.toString(), createRevision: Number(kv.create_revision), modRevision: Number(kv.mod_revision), version: Number(kv.version) };
  const lease = String(kv.lease ?? '0');
  if (lease !== '0' && lease !== '') out.lease = lease;
  return out;
}

/** MAX_LEASE_ID is the largest lease ID etcd can hold (int64). */
const MAX_LEASE_ID = 2n ** 63n - 1n;

/**
 * leaseId checks a Store lease ID before it goes to etcd: a positive int64 in
 * decimal. Any other string names no lease etcd could have, so it fails as etcd
 * fails an unknown one.
 */
export function leaseId(id: string): string {
  if (!/^[1-9]\d{0,18}$/.test(id) || BigInt(id) > MAX_LEASE_ID) throw new Error(ERR_LEASE_NOT_FOUND);
  return id;
}

/** compareLeaseIds orders lease IDs as the int64s they are. */
export function compareLeaseIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** COMPARE_RESULT and COMPARE_TARGET are etcdserverpb's Compare enums by number. */
const COMPARE_RESULT = { '=': 0, '>': 1, '<': 2, '!=': 3 } as const;
const COMPARE_TARGET = { version: 0, create: 1, mod: 2, value: 3 } as const;

export function compare(c: Compare): ICompare {
  const base = { key: Buffer.from(c.key), result: COMPARE_RESULT[c.result], target: COMPARE_TARGET[c.target] } as ICompare;
  switch (c.target) {
    case 'mod': return { ...base, mod_revision: c.value };
    case 'create': return { ...base, create_revision: c.value };
    case 'version': return { ...base, version: c.value };
    case 'value': return { ...base, value: Buffer.from(c.value) };
  }
}

export function requestOp(op: Op): IRequestOp {
  switch (op.type) {
    case 'put': return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), prev_kv: true, ...(op.lease !== undefined ? { lease: leaseId(op.lease) } : {}) } };
    case 'delete': return { request_delete_range: { key: Buffer.from(op.key), prev_kv: true } };
    case 'get': return { request_range: { key: Buffer.from(op.key) } };
  }
}
