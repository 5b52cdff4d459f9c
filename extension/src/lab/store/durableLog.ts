/**
 * durableLog is the DurableStore's write-ahead log entries: what one frame
 * holds, how a batch of transactions is planned into entries before it is
 * applied, and how a frame read back is checked and turned into ops again.
 */
import { recordBytes, txnCost } from './quota';
import { compareHolds, type KeyValue, type Op, type TxnRequest } from './store';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Entry is one write in a log frame: a transaction's puts (with the lease a key
 * is attached to, if any) and deletes at its revision, a compaction, or a lease
 * granted (its ID and TTL) or revoked (its keys deleted then).
 */
export type LogOp = ['p', string, string] | ['p', string, string, string] | ['d', string];
export type TxnEntry = { r: number; o: LogOp[] };
export type Entry = TxnEntry | { c: number } | { g: string; t: number } | { v: string };

/** Quota is the backend's accounting as a batch is planned: MemoryStore's, step by step. */
export interface Quota {
  total: number;
  inUse: number;
  quotaBytes: number;
  alarm: boolean;
}

/**
 * plan decides a transaction against memory with the batch's earlier writes
 * (overlay) on top, as MemoryStore.txn will decide it (the quota first, then
 * the compares), and records its writes in overlay and quota. It returns the
 * log entry, or undefined when it writes nothing or will be refused.
 */
export async function plan(request: TxnRequest, lookup: (key: string) => Promise<KeyValue | undefined>, hasLease: (id: string) => boolean, overlay: Map<string, KeyValue | undefined>, revision: number, quota: Quota): Promise<TxnEntry | undefined> {
  const cost = txnCost(request);
  if (cost > 0 && (quota.alarm || quota.total + cost >= quota.quotaBytes)) {
    quota.alarm = true;
    return undefined;
  }
  let succeeded = true;
  for (const c of request.compare) {
    if (!compareHolds(c, await lookup(c.key))) {
      succeeded = false;
      break;
    }
  }
  const ops = succeeded ? request.success : request.failure;
  let writes = false;
  for (const op of ops) {
    // A put naming a lease that does not exist fails the transaction (MemoryStore refuses it): nothing to log.
    if (op.type === 'put' && op.lease !== undefined && !hasLease(op.lease)) return undefined;
    if (op.type === 'put' || (op.type === 'delete' && (await lookup(op.key)))) writes = true;
  }
  if (!writes) return undefined;
  const next = revision + 1;
  const o: LogOp[] = [];
  for (const op of ops) {
    if (op.type === 'put') {
      const prev = await lookup(op.key);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: prev?.createRevision ?? next, modRevision: next, version: (prev?.version ?? 0) + 1 };
      if (op.lease !== undefined) kv.lease = op.lease;
      overlay.set(op.key, kv);
      quota.inUse += recordBytes(kv);
      o.push(op.lease === undefined ? ['p', op.key, op.value] : ['p', op.key, op.value, op.lease]);
    } else if (op.type === 'delete') {
      if (await lookup(op.key)) quota.inUse += recordBytes({ key: op.key, value: '', createRevision: 0, modRevision: next, version: 0 }, true);
      overlay.set(op.key, undefined);
      o.push(['d', op.key]);
    }
  }
  quota.total = Math.max(quota.total, quota.inUse);
  return { r: next, o };
}

export const toOp = (o: LogOp): Op => (o[0] === 'd' ? { type: 'delete', key: o[1] } : o.length === 4 ? { type: 'put', key: o[1], value: o[2], lease: o[3] } : { type: 'put', key: o[1], value: o[2] });

/** parseFrame reads a frame's entries; a frame that passed its CRC but does not parse is damage the CRC missed, or a bug. */
export function parseFrame(payload: Buffer, where: string): Entry[] {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new Error(`cannot open the store: ${where} is not JSON: ${message(err)}`);
  }
  const isRev = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
  const isPut = (x: unknown[]): boolean => x[0] === 'p' && typeof x[1] === 'string' && typeof x[2] === 'string' && (x.length === 3 || (x.length === 4 && typeof x[3] === 'string'));
  const isOp = (x: unknown): boolean => Array.isArray(x) && (isPut(x) || (x.length === 2 && x[0] === 'd' && typeof x[1] === 'string'));
  const ok = Array.isArray(value) && value.every((e: unknown) => {
    const entry = e as { r?: unknown; o?: unknown; c?: unknown; g?: unknown; t?: unknown; v?: unknown } | null;
    if (typeof entry !== 'object' || entry === null) return false;
    if ('g' in entry) return typeof entry.g === 'string' && typeof entry.t === 'number';
    if ('v' in entry) return typeof entry.v === 'string';
    return 'c' in entry ? isRev(entry.c) : isRev(entry.r) && Array.isArray(entry.o) && entry.o.every(isOp);
  });
  if (!ok) throw new Error(`cannot open the store: ${where} is not a list of log entries`);
  return value as Entry[];
}
