/**
 * quota is how the store sizes its backend and charges writes against the
 * backend quota, as etcd's quota.go and its bbolt file: every revision written
 * takes space until compaction frees it; freed space stays in the file (and
 * counts against the quota) until a defrag gives it back.
 */
import type { KeyValue, TxnRequest } from './store';

/** ETCD_DEFAULT_QUOTA_BYTES is etcd's --quota-backend-bytes default, 2 GiB. */
export const ETCD_DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

/** DEFAULT_QUOTA_BYTES is the lab's backend quota unless configured: 256 MiB, room for far more than a lab holds. */
export const DEFAULT_QUOTA_BYTES = 256 * 1024 ** 2;

/** KV_OVERHEAD is what etcd's quota charges each put beyond its key and value (quota.go's kvOverhead). */
export const KV_OVERHEAD = 256;

/** REVISION_KEY_BYTES is the size of a bbolt key in etcd's key bucket: an 8-byte main revision, '_', an 8-byte sub revision. */
const REVISION_KEY_BYTES = 17;
/** KV_FIELD_BYTES stands for a stored KeyValue's encoded revision and version fields. */
const KV_FIELD_BYTES = 24;

/** byteLength is a string's size in UTF-8, as etcd counts keys and values. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** recordBytes is the space one revision of a key takes in the backend: a put's key and value, or a deletion's tombstone. */
export function recordBytes(kv: KeyValue, tombstone = false): number {
  return REVISION_KEY_BYTES + (tombstone ? 1 : 0) + KV_FIELD_BYTES + byteLength(kv.key) + (tombstone ? 0 : byteLength(kv.value));
}

/**
 * txnCost is what etcd's quota charges a transaction: each put its key, value
 * and overhead, the dearer of the two branches; deletes and reads cost nothing,
 * so they go through past the quota.
 */
export function txnCost(request: TxnRequest): number {
  const cost = (ops: TxnRequest['success']): number => ops.reduce((n, op) => n + (op.type === 'put' ? KV_OVERHEAD + byteLength(op.key) + byteLength(op.value) : 0), 0);
  return Math.max(cost(request.success), cost(request.failure));
}

/** txnCostBound is at least txnCost, from lengths alone: a UTF-16 unit is at most three bytes of UTF-8. It is 0 exactly when txnCost is. */
export function txnCostBound(request: TxnRequest): number {
  return Math.max(costBound(request.success), costBound(request.failure));
}

function costBound(ops: TxnRequest['success']): number {
  let n = 0;
  for (const op of ops) if (op.type === 'put') n += KV_OVERHEAD + 3 * (op.key.length + op.value.length);
  return n;
}

/** quotaError says what is wrong with a backend quota: a whole number of bytes, at least 1 MiB and at most etcd's 8 GiB suggested maximum. */
export function quotaError(bytes: number): string | undefined {
  if (!Number.isSafeInteger(bytes) || bytes < 1024 ** 2 || bytes > 8 * 1024 ** 3) return `store quota ${JSON.stringify(bytes)}: must be a whole number of bytes from 1048576 (1 MiB) to 8589934592 (8 GiB)`;
  return undefined;
}
