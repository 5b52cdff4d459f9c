/**
 * storeControl answers the Store panel's questions about the lab's store — its
 * figures, its keyspace as a tree at a revision, a key's history — and carries
 * out its maintenance: compaction to the current revision and defrag. It reads
 * the store directly, as etcdctl reads etcd, not through the API server; only
 * the open watches come from the API server's etcd metrics.
 */
import type { Lab } from './lab';
import { byteLength } from './store/quota';
import { type AlarmType, type KeyHistory, type KeyValue, asStoreHistory } from './store/store';

/** StoreBackendName is the lab's store: the embedded one, the embedded one kept on disk (kubelab.persistence), or a real etcd. */
export type StoreBackendName = 'embedded' | 'durable' | 'etcd';

/** StoreStats are the store's figures at one moment. */
export interface StoreStats {
  backend: StoreBackendName;
  revision: number;
  compactRevision: number;
  keys: number;
  /** watchers are the store watches the API server holds open (etcd_debugging_mvcc_watcher_total). */
  watchers: number;
  dbSize?: number;
  dbSizeInUse?: number;
  quotaBytes?: number;
  alarms: AlarmType[];
  /** now is the lab clock's time in ms, so rates are per second of the lab's time, whatever its speed. */
  now: number;
}

/** StoreChild is one entry under a prefix: a key, or a folder (the prefix up to the next `/`) with its keys counted. */
export interface StoreChild {
  /** path is the key, or the folder's prefix ending in `/`. */
  path: string;
  leaf: boolean;
  /** count is how many keys (1 for a key). */
  count: number;
  /** bytes are the keys' and values' sizes, as stored. */
  bytes: number;
  /** modRevision is the latest change under the entry. */
  modRevision: number;
  /** createRevision and version are a key's own (0 for a folder). */
  createRevision: number;
  version: number;
}

/** StoreKeys is the keyspace under a prefix at one revision, a level at a time. */
export interface StoreKeys {
  prefix: string;
  /** revision is the store's current revision; at is the one the keys were read at. */
  revision: number;
  at: number;
  children: StoreChild[];
  /** omitted counts the keys left out past the limit (folders are never left out). */
  omitted: number;
}

/** MAX_LEAVES is how many keys one level lists: a namespace of 150,000 pods lists their count, not their names. */
export const MAX_LEAVES = 500;

const NOT_RUNNING = { error: 'the lab is not running' };

/** backendOf names the lab's store backend. */
export function backendOf(lab: Lab): StoreBackendName {
  if (lab.config.store?.backend === 'etcd') return 'etcd';
  return lab.config.durable ? 'durable' : 'embedded';
}

/** storeStats reads the store's figures, as `etcdctl endpoint status` and etcd's metrics tell them. */
export async function storeStats(lab: Lab): Promise<StoreStats | { error: string }> {
  if (lab.state !== 'running') return NOT_RUNNING;
  const v = await lab.server.metrics.etcd.values();
  return {
    backend: backendOf(lab),
    revision: v.revision, compactRevision: v.compactRevision, keys: v.keys, watchers: v.watchers,
    ...(v.dbSize === undefined ? {} : { dbSize: v.dbSize }),
    ...(v.dbSizeInUse === undefined ? {} : { dbSizeInUse: v.dbSizeInUse }),
    ...(v.quotaBytes === undefined ? {} : { quotaBytes: v.quotaBytes }),
    alarms: v.alarms,
    now: lab.config.clock.now(),
  };
}

/** childrenOf groups the keys under prefix one level down: each key directly under it, and each folder with its keys' count, sizes and latest change. */
export function childrenOf(prefix: string, kvs: readonly KeyValue[], maxLeaves = MAX_LEAVES): { children: StoreChild[]; omitted: number } {
  const folders = new Map<string, StoreChild>();
  const leaves: StoreChild[] = [];
  let omitted = 0;
  for (const kv of kvs) {
    if (!kv.key.startsWith(prefix)) continue;
    const slash = kv.key.indexOf('/', prefix.length);
    const bytes = byteLength(kv.key) + byteLength(kv.value);
    if (slash < 0) {
      if (leaves.length < maxLeaves) leaves.push({ path: kv.key, leaf: true, count: 1, bytes, modRevision: kv.modRevision, createRevision: kv.createRevision, version: kv.version });
      else omitted++;
      continue;
    }
    const path = kv.key.slice(0, slash + 1);
    const f = folders.get(path);
    if (f) {
      f.count++;
      f.bytes += bytes;
      f.modRevision = Math.max(f.modRevision, kv.modRevision);
    } else {
      folders.set(path, { path, leaf: false, count: 1, bytes, modRevision: kv.modRevision, createRevision: 0, version: 0 });
    }
  }
  const children = [...folders.values(), ...leaves].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { children, omitted };
}

/** storeKeys lists the keyspace under prefix one level down, now or as it was at revision (read-only time travel within the uncompacted history). */
export async function storeKeys(lab: Lab, prefix: unknown, revision?: unknown): Promise<StoreKeys | { error: string }> {
  if (lab.state !== 'running') return NOT_RUNNING;
  if (typeof prefix !== 'string' || !prefix.endsWith('/')) return { error: `storeKeys: prefix ${JSON.stringify(prefix)}: must be a key prefix ending in /` };
  if (revision !== undefined && (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 1)) return { error: `storeKeys: revision ${JSON.stringify(revision)}: must be a positive whole number` };
  try {
    const res = await lab.store.range(prefix, revision === undefined ? {} : { revision });
    return { prefix, revision: res.revision, at: revision ?? res.revision, ...childrenOf(prefix, res.kvs) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** storeHistory is key's changes within the store's uncompacted history, values as stored (an encrypted value stays encrypted). */
export async function storeHistory(lab: Lab, key: unknown): Promise<KeyHistory | { error: string }> {
  if (lab.state !== 'running') return NOT_RUNNING;
  if (typeof key !== 'string' || key === '' || key.endsWith('/')) return { error: `storeHistory: key ${JSON.stringify(key)}: must be a key` };
  const store = asStoreHistory(lab.store);
  if (!store) return { error: 'the store cannot tell a key\'s history' };
  try {
    return await store.history(key);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** storeCompact compacts the store's history up to its current revision, as `etcdctl compaction $(current revision)`. */
export async function storeCompact(lab: Lab): Promise<{ revision: number; compactRevision: number } | { error: string }> {
  if (lab.state !== 'running') return NOT_RUNNING;
  try {
    const revision = await lab.store.revision();
    await lab.store.compact(revision);
    return { revision, compactRevision: revision };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** storeDefrag gives the space compaction freed back, as `etcdctl defrag`, and answers the backend's size before and after. */
export async function storeDefrag(lab: Lab): Promise<{ before: number; after: number } | { error: string }> {
  if (lab.state !== 'running') return NOT_RUNNING;
  const admin = lab.storeAdmin;
  if (!admin) return { error: 'the store has no maintenance API to defragment with' };
  try {
    const before = (await admin.status()).dbSize;
    await admin.defragment();
    return { before, after: (await admin.status()).dbSize };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
