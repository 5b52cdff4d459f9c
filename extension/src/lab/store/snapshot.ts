/**
 * snapshot is the store's full state in one value, as `etcdctl snapshot save`
 * keeps it: every key with its create and mod revisions and version, and the
 * revision it was taken at. validateSnapshot checks one read from a file before
 * any of it reaches a store, so a bad file changes nothing.
 *
 * On disk a snapshot is a header line, the snapshot as JSON (one key a line) and
 * a trailer line with the content's length and CRC-32C, so a truncated or
 * damaged file is refused before anything is read from it. The CRC-32C is also
 * the hash `snapshot status` prints, as etcd's is.
 */
import { crc32c } from './crc32c';
import type { SnapshotLease } from './lessor';
import type { KeyValue } from './store';

/** StoreSnapshot is a keyspace at one revision; kvs are in key order. leases (when any) are the leases alive, which keys name in `lease`. */
export interface StoreSnapshot {
  revision: number;
  kvs: KeyValue[];
  leases?: SnapshotLease[];
}

const LEASE_ID = /^[1-9]\d{0,18}$/;

const isRevision = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;

/** validateSnapshot returns x as a snapshot, or the first thing wrong with it. */
export function validateSnapshot(x: unknown): StoreSnapshot | { error: string } {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return { error: 'a snapshot is a JSON object with "revision" and "kvs"' };
  const { revision, kvs, leases: rawLeases } = x as { revision?: unknown; kvs?: unknown; leases?: unknown };
  if (!isRevision(revision)) return { error: 'revision: must be a positive integer' };
  if (!Array.isArray(kvs)) return { error: 'kvs: must be an array of keys' };
  if (rawLeases !== undefined && !Array.isArray(rawLeases)) return { error: 'leases: must be an array of leases' };
  const leases: SnapshotLease[] = [];
  for (const [i, raw] of ((rawLeases ?? []) as unknown[]).entries()) {
    const l = raw as { id?: unknown; ttl?: unknown } | null;
    if (typeof l !== 'object' || l === null) return { error: `leases[${i}]: must be an object` };
    if (typeof l.id !== 'string' || !LEASE_ID.test(l.id)) return { error: `leases[${i}].id: must be a lease ID (a positive integer, in decimal)` };
    if (leases.some((o) => o.id === l.id)) return { error: `leases[${i}].id: duplicate lease ${l.id}` };
    if (typeof l.ttl !== 'number' || !Number.isSafeInteger(l.ttl) || l.ttl < 1) return { error: `leases[${i}].ttl: must be a positive integer` };
    leases.push({ id: l.id, ttl: l.ttl });
  }
  const leaseIds = new Set(leases.map((l) => l.id));
  const seen = new Set<string>();
  const out: KeyValue[] = [];
  for (const [i, raw] of (kvs as unknown[]).entries()) {
    const at = `kvs[${i}]`;
    if (typeof raw !== 'object' || raw === null) return { error: `${at}: must be an object` };
    const kv = raw as Partial<Record<keyof KeyValue, unknown>>;
    if (typeof kv.key !== 'string' || kv.key === '') return { error: `${at}.key: must be a non-empty string` };
    if (seen.has(kv.key)) return { error: `${at}.key: duplicate key ${JSON.stringify(kv.key)}` };
    if (typeof kv.value !== 'string') return { error: `${at}.value: must be a string` };
    if (!isRevision(kv.createRevision) || kv.createRevision > revision) return { error: `${at}.createRevision: must be an integer from 1 to the snapshot's revision (${revision})` };
    if (!isRevision(kv.modRevision) || kv.modRevision < kv.createRevision || kv.modRevision > revision) return { error: `${at}.modRevision: must be an integer from createRevision (${kv.createRevision}) to the snapshot's revision (${revision})` };
    if (!isRevision(kv.version)) return { error: `${at}.version: must be a positive integer` };
    if (kv.lease !== undefined && (typeof kv.lease !== 'string' || !leaseIds.has(kv.lease))) return { error: `${at}.lease: must name one of the snapshot's leases` };
    seen.add(kv.key);
    const copy: KeyValue = { key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
    if (typeof kv.lease === 'string') copy.lease = kv.lease;
    out.push(copy);
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return leases.length ? { revision, kvs: out, leases } : { revision, kvs: out };
}

/** SNAPSHOT_HEADER opens every snapshot file: the format's name and version. */
export const SNAPSHOT_HEADER = 'KUBELAB-SNAPSHOT 1\n';

/** INTEGRITY_FAILED starts the error for a file whose trailer or hash does not hold, in etcdutl's words. */
export const INTEGRITY_FAILED = 'snapshot file integrity check failed';

/** NOT_A_SNAPSHOT starts the error for a file that is whole but is not a snapshot. */
export const NOT_A_SNAPSHOT = 'not a KubeLab snapshot';

/** TRAILER is the last line: the CRC-32C (as hex) and the length of everything before it. */
const TRAILER = /^KUBELAB-SNAPSHOT-END crc32c=([0-9a-f]{8}) bytes=(0|[1-9]\d{0,15})\n$/;

/** SnapshotStatus is what `etcdctl snapshot status` reports of a file, with etcd's JSON names. */
export interface SnapshotStatus {
  /** hash is the CRC-32C of the file's content. */
  hash: number;
  revision: number;
  totalKey: number;
  /** totalSize is the file's size in bytes. */
  totalSize: number;
}

const NEWLINE = 0x0a;

/** encodeSnapshot is a snapshot's file: header, body and trailer. */
export function encodeSnapshot(snapshot: StoreSnapshot): Uint8Array {
  const lines = snapshot.kvs.map((kv) => JSON.stringify({ key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version, ...(kv.lease === undefined ? {} : { lease: kv.lease }) }));
  const leases = snapshot.leases?.length ? `,"leases":${JSON.stringify(snapshot.leases.map((l) => ({ id: l.id, ttl: l.ttl })))}` : '';
  const content = new TextEncoder().encode(`${SNAPSHOT_HEADER}{"revision":${snapshot.revision},"kvs":[\n${lines.join(',\n')}${lines.length ? '\n' : ''}]${leases}}\n`);
  const trailer = new TextEncoder().encode(`KUBELAB-SNAPSHOT-END crc32c=${crc32c(content).toString(16).padStart(8, '0')} bytes=${content.length}\n`);
  const file = new Uint8Array(content.length + trailer.length);
  file.set(content);
  file.set(trailer, content.length);
  return file;
}

/** startsWith tells whether bytes begin with the ASCII text prefix. */
function startsWith(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * checkIntegrity finds the trailer and checks the content's length and hash
 * against it; it answers the content (header and body) or why the file is not whole.
 */
function checkIntegrity(file: Uint8Array): { content: Uint8Array; hash: number } | { error: string } {
  const truncated = { error: `${INTEGRITY_FAILED}: the file has no trailer: it is truncated or was not written whole` };
  if (file[file.length - 1] !== NEWLINE) return truncated;
  const start = file.lastIndexOf(NEWLINE, file.length - 2) + 1;
  const trailer = TRAILER.exec(new TextDecoder().decode(file.subarray(start)));
  if (!trailer) return truncated;
  const content = file.subarray(0, start);
  const bytes = Number(trailer[2]);
  if (bytes !== content.length) return { error: `${INTEGRITY_FAILED}: the trailer counts ${bytes} bytes of content, the file has ${content.length}` };
  const want = parseInt(trailer[1], 16);
  const hash = crc32c(content);
  if (hash !== want) return { error: `${INTEGRITY_FAILED}: the content's crc32c is ${hash.toString(16)}, the trailer says ${want.toString(16)}` };
  return { content, hash };
}

/** parseBody reads the JSON body as a snapshot. */
function parseBody(body: Uint8Array): StoreSnapshot | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    return { error: `${NOT_A_SNAPSHOT}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const snapshot = validateSnapshot(value);
  return 'error' in snapshot ? { error: `${NOT_A_SNAPSHOT}: ${snapshot.error}` } : snapshot;
}

/**
 * decodeSnapshot reads a snapshot file after checking its integrity, and tells
 * its status. A file of plain JSON (written before snapshots had a trailer) is
 * read as it is; its hash is the CRC-32C of the whole file.
 */
export function decodeSnapshot(file: Uint8Array): { snapshot: StoreSnapshot; status: SnapshotStatus } | { error: string } {
  let body: Uint8Array;
  let hash: number;
  if (startsWith(file, SNAPSHOT_HEADER)) {
    const whole = checkIntegrity(file);
    if ('error' in whole) return whole;
    body = whole.content.subarray(SNAPSHOT_HEADER.length);
    hash = whole.hash;
  } else if (/^\s*\{/.test(new TextDecoder().decode(file.subarray(0, 64)))) {
    body = file;
    hash = crc32c(file);
  } else {
    return { error: `${NOT_A_SNAPSHOT}: the file does not begin with ${JSON.stringify(SNAPSHOT_HEADER.trim())}` };
  }
  const snapshot = parseBody(body);
  if ('error' in snapshot) return snapshot;
  return { snapshot, status: { hash, revision: snapshot.revision, totalKey: snapshot.kvs.length, totalSize: file.length } };
}
