/**
 * snapshot is the store's full state in one value, as `etcdctl snapshot save`
 * keeps it: every key with its create and mod revisions and version, and the
 * revision it was taken at. validateSnapshot checks one read from a file before
 * any of it reaches a store, so a bad file changes nothing.
 */
import type { KeyValue } from './store';

/** StoreSnapshot is a keyspace at one revision; kvs are in key order. */
export interface StoreSnapshot {
  revision: number;
  kvs: KeyValue[];
}

const isRevision = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;

/** validateSnapshot returns x as a snapshot, or the first thing wrong with it. */
export function validateSnapshot(x: unknown): StoreSnapshot | { error: string } {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return { error: 'a snapshot is a JSON object with "revision" and "kvs"' };
  const { revision, kvs } = x as { revision?: unknown; kvs?: unknown };
  if (!isRevision(revision)) return { error: 'revision: must be a positive integer' };
  if (!Array.isArray(kvs)) return { error: 'kvs: must be an array of keys' };
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
    seen.add(kv.key);
    out.push({ key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version });
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { revision, kvs: out };
}
