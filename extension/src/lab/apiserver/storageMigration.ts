/**
 * storageMigration moves objects a lab stored under its old key layout
 * (`/registry/<group>/<resource>/…`, legacyKeyPrefix) to upstream's
 * (storagePrefix.ts), so a persisted store, a snapshot or an etcd written by
 * an older lab keeps its objects. Each object moves in one transaction — put
 * at the new key, delete at the old, guarded by the old key's revision and the
 * new key's absence — so a crash midway leaves every object at one key or the
 * other, and the next start finishes the move. A value encrypted at rest is
 * bound to its key: it is decrypted with the old key and encrypted again with
 * the new. Moved objects get new resourceVersions, as a storage migration does.
 */
import type { KeyValue, Store } from '../store/store';
import { type Transformer, fromStorageOrThrow } from './encryption/transformer';

/** LegacyMove is one resource to move: from its old prefix to its new one, namespaced or not, through its transformer. */
export interface LegacyMove {
  from: string;
  to: string;
  namespaced: boolean;
  transformer?: Transformer;
}

/** MigrationResult counts the moved objects and names the old keys that stayed (a value that cannot be decrypted) or were dropped (the new key was taken). */
export interface MigrationResult {
  moved: number;
  kept: { key: string; reason: string }[];
  dropped: string[];
}

const PAGE = 500;

/** migrateLegacyKeys moves every object under each move's old prefix to the new one. */
export async function migrateLegacyKeys(store: Store, moves: readonly LegacyMove[]): Promise<MigrationResult> {
  const result: MigrationResult = { moved: 0, kept: [], dropped: [] };
  for (const move of moves) {
    if (move.from === move.to) continue;
    let startKey: string | undefined;
    for (;;) {
      const page = await store.range(move.from, { limit: PAGE, ...(startKey ? { startKey } : {}) });
      for (const kv of page.kvs) await moveOne(store, move, kv, result);
      if (!page.more || page.kvs.length === 0) break;
      startKey = `${page.kvs[page.kvs.length - 1].key}\u0000`;
    }
  }
  return result;
}

/**
 * moveOne moves one object. Only keys shaped as the old layout's object keys
 * (`<namespace>/<name>` or `<name>` under the prefix) move: an old prefix can
 * hold new-layout keys (`/registry/services/` holds `/registry/services/specs/…`).
 */
async function moveOne(store: Store, move: LegacyMove, kv: KeyValue, result: MigrationResult): Promise<void> {
  const rest = kv.key.slice(move.from.length);
  const segments = rest.split('/');
  if (segments.length !== (move.namespaced ? 2 : 1) || segments.some((s) => s === '')) return;
  const to = `${move.to}${rest}`;
  let value = kv.value;
  if (move.transformer) {
    try {
      value = move.transformer.toStorage(fromStorageOrThrow(move.transformer, kv.key, kv.value).data, to);
    } catch (err) {
      result.kept.push({ key: kv.key, reason: err instanceof Error ? err.message : String(err) });
      return;
    }
  }
  const moved = await store.txn({
    compare: [{ key: kv.key, target: 'mod', result: '=', value: kv.modRevision }, { key: to, target: 'mod', result: '=', value: 0 }],
    success: [{ type: 'put', key: to, value }, { type: 'delete', key: kv.key }],
    failure: [{ type: 'get', key: to }],
  });
  if (moved.succeeded) {
    result.moved++;
    return;
  }
  // The new key is taken: it was written after the layout changed, so it is the newer object; the old copy goes.
  if (moved.results[0]?.kv) {
    const dropped = await store.txn({ compare: [{ key: kv.key, target: 'mod', result: '=', value: kv.modRevision }], success: [{ type: 'delete', key: kv.key }], failure: [] });
    if (dropped.succeeded) result.dropped.push(kv.key);
  }
}
