// The store conformance suite: one set of cases, run against every backend of the Store
// contract — the lab's MemoryStore and EtcdStore on a 3-member Debian etcd cluster on
// loopback — so the embedded store is held to what etcd itself does.
//
// Revisions are global and the etcd cluster is shared by the cases, so every case writes
// under a prefix of its own and asserts revisions relative to the revision it started at.
//
// Capabilities beyond the core contract (quota and alarms, snapshots, encryption at rest,
// durability, leases) get a block of their own in CAPABILITY_CASES: a backend lists the ones it
// has in `capabilities`, and only those blocks run for it.
//
// Snapshots: the embedded stores save and restore their own StoreSnapshot; EtcdStore
// saves the keyspace read at one revision in the same format and restores it into a new
// one-member cluster through etcd's API, which gives the keys new revisions (etcd's own
// bbolt snapshot can be restored only by etcdutl, which Debian's etcd-server lacks). Either
// way the file is the lab's format, whose integrity trailer refuses a damaged file before
// anything reaches a store.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../extension/src/lab/api/types';
import { RealClock } from '../../extension/src/lab/clock';
import { AESCBC_PREFIX, encryptionTransformers } from '../../extension/src/lab/apiserver/encryption/config';
import { builtinResources } from '../../extension/src/lab/apiserver/registry';
import type { ResourceType } from '../../extension/src/lab/apiserver/resources';
import { ObjectStorage } from '../../extension/src/lab/apiserver/storage';
import { DurableStore } from '../../extension/src/lab/store/durableStore';
import { EtcdStore } from '../../extension/src/lab/store/etcdStore';
import { MemoryStore } from '../../extension/src/lab/store/memoryStore';
import { INTEGRITY_FAILED, type StoreSnapshot, decodeSnapshot, encodeSnapshot } from '../../extension/src/lab/store/snapshot';
import {
  ERR_COMPACTED, ERR_FUTURE_REV, ERR_LEASE_NOT_FOUND, ERR_NO_SPACE, MIN_LEASE_TTL_SECONDS, StoreError, asStoreAdmin, asStoreHistory, asStoreLeases,
  type Op, type Store, type StoreEvent, type StoreLeases, type TxnResponse, type WatchError,
} from '../../extension/src/lab/store/store';
import { EtcdCluster } from './etcdCluster';

/** Capability is a part of the store beyond the core contract that a backend may have. */
export type Capability = 'quota' | 'snapshot' | 'encryption' | 'durability' | 'leases';

/** QUOTA is every backend's backend quota (--quota-backend-bytes), small enough for the quota case to fill. */
const QUOTA = 8 * 1024 ** 2;

/** Backend is one Store implementation under test. */
interface Backend {
  name: string;
  capabilities: readonly Capability[];
  setup(): Promise<void>;
  /** open gives a store for one case: a fresh one, or the shared one the case writes under its own prefix in. */
  open(): Promise<Store>;
  /** release is called after each case with the store open gave it. */
  release?(s: Store): Promise<void>;
  teardown(): Promise<void>;
  /** snapshot saves s's keyspace (snapshot capability). */
  snapshot?(s: Store): Promise<StoreSnapshot>;
  /** fresh is a new empty store to restore into, and how to dispose of it (snapshot capability). */
  fresh?(): Promise<{ store: Store; dispose(): Promise<void> }>;
  /** restore makes snapshot the keyspace of a store fresh gave (snapshot capability). */
  restore?(s: Store, snapshot: StoreSnapshot): Promise<void>;
  /** restoreKeepsRevisions: a restore brings back the keys' revisions and the snapshot's revision, not only their values. */
  restoreKeepsRevisions?: boolean;
  /** disk are the folders s keeps its data in (encryption capability: nothing there may hold a plaintext). */
  disk?(s: Store): string[];
  /** crash loses the process's hold on s without closing it and answers the store opened again from its data (durability capability). */
  crash?(s: Store): Promise<Store>;
}

let cluster: EtcdCluster | undefined;
let etcd: EtcdStore | undefined;
/** durableDirs are the folders of the DurableStores the cases opened, removed at the end. */
const durableDirs = new Map<Store, string>();

const openDurable = async (dir = mkdtempSync(join(tmpdir(), 'kubelab-conformance-durable-'))): Promise<DurableStore> => {
  // A real clock, as etcd's leases expire in real time.
  const store = await DurableStore.open({ dir, memory: { quotaBytes: QUOTA, clock: new RealClock() }, warn: () => undefined });
  durableDirs.set(store, dir);
  return store;
};

const BACKENDS: Backend[] = [
  {
    name: 'MemoryStore',
    capabilities: ['quota', 'snapshot', 'encryption', 'leases'],
    setup: () => Promise.resolve(),
    // A real clock, as etcd's leases expire in real time.
    open: () => Promise.resolve(new MemoryStore({ quotaBytes: QUOTA, clock: new RealClock() })),
    teardown: () => Promise.resolve(),
    snapshot: (s) => Promise.resolve((s as MemoryStore).snapshot()),
    fresh: () => Promise.resolve({ store: new MemoryStore({ quotaBytes: QUOTA, clock: new RealClock() }), dispose: () => Promise.resolve() }),
    restore: (s, snapshot) => Promise.resolve((s as MemoryStore).restore(snapshot)),
    restoreKeepsRevisions: true,
  },
  {
    name: 'DurableStore',
    capabilities: ['quota', 'snapshot', 'encryption', 'durability', 'leases'],
    setup: () => Promise.resolve(),
    open: () => openDurable(),
    release: async (s) => {
      await (s as DurableStore).close().catch(() => undefined);
    },
    teardown: () => {
      for (const dir of new Set(durableDirs.values())) rmSync(dir, { recursive: true, force: true });
      durableDirs.clear();
      return Promise.resolve();
    },
    snapshot: (s) => Promise.resolve((s as DurableStore).snapshot()),
    fresh: async () => {
      const store = await openDurable();
      return { store, dispose: () => store.close() };
    },
    restore: (s, snapshot) => (s as DurableStore).restore(snapshot),
    restoreKeepsRevisions: true,
    disk: (s) => [durableDirs.get(s) as string],
    // The old store is left as a killed process leaves it: its log open, nothing folded, nothing closed.
    crash: (s) => openDurable(durableDirs.get(s)),
  },
  {
    name: 'EtcdStore on a 3-member etcd cluster',
    capabilities: ['quota', 'snapshot', 'encryption', 'durability', 'leases'],
    setup: async () => {
      // etcd's default election timing, which sets its least lease TTL (1.5 election timeouts, rounded up: MIN_LEASE_TTL_SECONDS).
      cluster = await EtcdCluster.start(3, 30_000, ['--quota-backend-bytes', String(QUOTA), '--heartbeat-interval', '100', '--election-timeout', '1000']);
      etcd = new EtcdStore({ endpoints: cluster.endpoints });
    },
    open: () => Promise.resolve(etcd as EtcdStore),
    teardown: async () => {
      etcd?.close();
      await cluster?.close();
    },
    snapshot: (s) => (s as EtcdStore).snapshot(),
    fresh: async () => {
      const one = await EtcdCluster.start(1);
      const store = new EtcdStore({ endpoints: one.endpoints });
      return { store, dispose: async () => {
        store.close();
        await one.close();
      } };
    },
    restore: (s, snapshot) => (s as EtcdStore).restore(snapshot),
    restoreKeepsRevisions: false,
    disk: () => (cluster as EtcdCluster).members.map((m) => m.dataDir),
    // Every member is killed (SIGKILL) and started again from its data directory.
    crash: async (s) => {
      const c = cluster as EtcdCluster;
      await Promise.all(c.members.map((_, i) => c.stopMember(i)));
      await Promise.all(c.members.map((_, i) => c.startMember(i)));
      return s;
    },
  },
];

const put = (key: string, value: string): Op => ({ type: 'put', key, value });
const del = (key: string): Op => ({ type: 'delete', key });
const write = (s: Store, ...ops: Op[]) => s.txn({ compare: [], success: ops, failure: [] });
const leased = (key: string, value: string, lease: string): Op => ({ type: 'put', key, value, lease });
/** leasesOf is a store's lease API, which a backend with the leases capability has. */
const leasesOf = (s: Store): Store & StoreLeases => {
  const l = asStoreLeases(s);
  assert.ok(l, 'the backend has the lease API');
  return l;
};

let cases = 0;
/** prefix is a case's own part of the keyspace. */
const prefix = () => `/conformance/${process.pid}-${++cases}/`;

/** until polls cond until it holds, failing after timeoutMs: watches on a real etcd deliver over the network. */
async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Recorder collects a watch's events and errors. */
function recorder() {
  const events: StoreEvent[] = [];
  const errors: WatchError[] = [];
  const revisions: number[] = [];
  return {
    events, errors, revisions,
    onEvents: (batch: StoreEvent[], revision: number) => {
      events.push(...batch);
      revisions.push(revision);
    },
    onError: (e: WatchError) => errors.push(e),
  };
}

type Case = (s: Store, p: string, b: Backend) => Promise<void>;

/** CORE_CASES are the Store contract every backend keeps. */
const CORE_CASES: Record<string, Record<string, Case>> = {
  revisions: {
    'every writing transaction is one global revision; reads and no-op deletes are none': async (s, p) => {
      const r0 = await s.revision();
      const w1 = await write(s, put(`${p}a`, '1'));
      assert.equal(w1.revision, r0 + 1);
      const w2 = await write(s, put(`${p}b`, '1'), put(`${p}c`, '1'));
      assert.equal(w2.revision, r0 + 2, 'a transaction with two puts is one revision');
      assert.equal((await s.get(`${p}b`))?.modRevision, r0 + 2);
      assert.equal((await s.get(`${p}c`))?.modRevision, r0 + 2);
      const read = await s.txn({ compare: [], success: [{ type: 'get', key: `${p}a` }], failure: [] });
      assert.equal(read.revision, r0 + 2);
      assert.equal((await write(s, del(`${p}missing`))).revision, r0 + 2, 'deleting nothing writes nothing');
      assert.equal(await s.revision(), r0 + 2);
    },
    'create_revision, mod_revision and version follow a key through updates, deletion and re-creation': async (s, p) => {
      const k = `${p}k`;
      const r0 = await s.revision();
      await write(s, put(k, 'v1'));
      await write(s, put(k, 'v2'));
      assert.deepEqual(await s.get(k), { key: k, value: 'v2', createRevision: r0 + 1, modRevision: r0 + 2, version: 2 });
      const gone = await write(s, del(k));
      assert.equal(gone.revision, r0 + 3);
      assert.equal(gone.results[0].prevKv?.value, 'v2');
      assert.equal(await s.get(k), undefined);
      const again = await write(s, put(k, 'v3'));
      assert.deepEqual(again.results[0].kv, { key: k, value: 'v3', createRevision: r0 + 4, modRevision: r0 + 4, version: 1 });
      assert.deepEqual(await s.get(k), again.results[0].kv);
      assert.equal(again.results[0].prevKv, undefined);
    },
    'a put answers the key as written and the value it replaced': async (s, p) => {
      const k = `${p}k`;
      const first = await write(s, put(k, 'a'));
      const second = await write(s, put(k, 'b'));
      assert.deepEqual(second.results[0].prevKv, first.results[0].kv);
      assert.deepEqual(second.results[0].kv, { key: k, value: 'b', createRevision: first.revision, modRevision: second.revision, version: 2 });
    },
  },

  ranges: {
    'a prefix range is in key order and holds only the prefix': async (s, p) => {
      for (const name of ['c', 'a', 'b/x', 'b']) await write(s, put(`${p}dir/${name}`, name));
      await write(s, put(`${p}dir`, 'outside'), put(`${p}dis`, 'outside'));
      const res = await s.range(`${p}dir/`);
      assert.deepEqual(res.kvs.map((kv) => kv.key), ['a', 'b', 'b/x', 'c'].map((n) => `${p}dir/${n}`));
      assert.equal(res.more, false);
      assert.equal(res.revision, await s.revision());
    },
    'limit pages a range; startKey after the last key continues it': async (s, p) => {
      for (let i = 0; i < 7; i++) await write(s, put(`${p}k${i}`, String(i)));
      const seen: string[] = [];
      let from: string | undefined;
      const pages: boolean[] = [];
      for (;;) {
        const page = await s.range(p, { limit: 3, ...(from !== undefined ? { startKey: from } : {}) });
        seen.push(...page.kvs.map((kv) => kv.value));
        pages.push(page.more);
        if (!page.more) break;
        from = `${page.kvs[page.kvs.length - 1].key}\u0000`;
      }
      assert.deepEqual(seen, ['0', '1', '2', '3', '4', '5', '6']);
      assert.deepEqual(pages, [true, true, false]);
      assert.equal((await s.range(p, { limit: 7 })).more, false, 'a limit that takes every key leaves none for more');
    },
    'a range at a past revision sees the keys as they were, deleted ones included': async (s, p) => {
      const w1 = await write(s, put(`${p}a`, '1'), put(`${p}b`, '1'));
      await write(s, put(`${p}a`, '2'));
      await write(s, del(`${p}b`));
      await write(s, put(`${p}c`, '1'));
      const then = await s.range(p, { revision: w1.revision });
      assert.deepEqual(then.kvs.map((kv) => [kv.key, kv.value, kv.modRevision]), [[`${p}a`, '1', w1.revision], [`${p}b`, '1', w1.revision]]);
      assert.equal(then.revision, await s.revision(), 'the header revision is the current one');
      const now = await s.range(p);
      assert.deepEqual(now.kvs.map((kv) => [kv.key, kv.value]), [[`${p}a`, '2'], [`${p}c`, '1']]);
    },
    'a range at a future revision fails with etcd\'s error': async (s, p) => {
      await write(s, put(`${p}a`, '1'));
      await assert.rejects(s.range(p, { revision: (await s.revision()) + 10 }), { message: ERR_FUTURE_REV });
    },
  },

  'txn compares': {
    'mod_revision = 0 creates only an absent key': async (s, p) => {
      const k = `${p}k`;
      const create = () => s.txn({ compare: [{ key: k, target: 'mod', result: '=', value: 0 }], success: [put(k, 'new')], failure: [{ type: 'get', key: k }] });
      const first = await create();
      assert.equal(first.succeeded, true);
      const r = await s.revision();
      const second = await create();
      assert.equal(second.succeeded, false);
      assert.equal(second.results[0].kv?.value, 'new', 'the failure branch reads the key');
      assert.equal(await s.revision(), r, 'a failed compare writes nothing');
    },
    'mod_revision guards an update (the API server\'s resourceVersion)': async (s, p) => {
      const k = `${p}k`;
      const w = await write(s, put(k, 'v1'));
      const stale = await s.txn({ compare: [{ key: k, target: 'mod', result: '=', value: w.revision - 1 }], success: [put(k, 'lost')], failure: [{ type: 'get', key: k }] });
      assert.equal(stale.succeeded, false);
      assert.equal(stale.results[0].kv?.modRevision, w.revision);
      const fresh = await s.txn({ compare: [{ key: k, target: 'mod', result: '=', value: w.revision }], success: [put(k, 'v2')], failure: [] });
      assert.equal(fresh.succeeded, true);
      assert.equal((await s.get(k))?.value, 'v2');
      assert.equal((await s.txn({ compare: [{ key: k, target: 'mod', result: '>', value: w.revision }], success: [], failure: [] })).succeeded, true);
      assert.equal((await s.txn({ compare: [{ key: k, target: 'mod', result: '<', value: w.revision }], success: [], failure: [] })).succeeded, false);
    },
    'version and create_revision compare as numbers, 0 for an absent key': async (s, p) => {
      const k = `${p}k`;
      const w = await write(s, put(k, '1'));
      await write(s, put(k, '2'));
      const holds = async (target: 'version' | 'create', result: '=' | '!=' | '<' | '>', value: number, key = k) =>
        (await s.txn({ compare: [{ key, target, result, value }], success: [], failure: [] })).succeeded;
      assert.deepEqual(
        [await holds('version', '=', 2), await holds('version', '!=', 2), await holds('version', '<', 3), await holds('version', '>', 2)],
        [true, false, true, false],
      );
      assert.deepEqual([await holds('create', '=', w.revision), await holds('create', '>', w.revision)], [true, false]);
      assert.deepEqual([await holds('version', '=', 0, `${p}absent`), await holds('create', '=', 0, `${p}absent`)], [true, true]);
    },
    'value compares in byte order, and never holds for an absent key': async (s, p) => {
      const k = `${p}k`;
      await write(s, put(k, 'm'));
      const holds = async (result: '=' | '!=' | '<' | '>', value: string, key = k) =>
        (await s.txn({ compare: [{ key, target: 'value', result, value }], success: [], failure: [] })).succeeded;
      assert.deepEqual([await holds('=', 'm'), await holds('!=', 'm'), await holds('<', 'n'), await holds('>', 'l'), await holds('<', 'l')], [true, false, true, true, false]);
      assert.deepEqual([await holds('!=', 'x', `${p}absent`), await holds('=', '', `${p}absent`)], [false, false]);
    },
    'every compare must hold: one failing runs the failure branch': async (s, p) => {
      await write(s, put(`${p}a`, '1'), put(`${p}b`, '1'));
      const res = await s.txn({
        compare: [{ key: `${p}a`, target: 'version', result: '=', value: 1 }, { key: `${p}b`, target: 'value', result: '=', value: 'other' }],
        success: [put(`${p}a`, 'yes')], failure: [put(`${p}b`, 'no'), { type: 'get', key: `${p}a` }],
      });
      assert.equal(res.succeeded, false);
      assert.equal(res.results.length, 2);
      assert.equal(res.results[1].kv?.value, '1');
      assert.equal((await s.get(`${p}b`))?.value, 'no');
    },
  },

  watch: {
    'a watch from a past revision replays the changes since, in order, then follows new ones': async (s, p) => {
      const w = `${p}w/`;
      await write(s, put(`${w}a`, '1'));
      const from = await write(s, put(`${w}a`, '2'));
      await write(s, del(`${w}a`));
      await write(s, put(`${p}x`, 'not watched'));
      const rec = recorder();
      const watch = s.watch(w, from.revision, rec.onEvents, rec.onError);
      try {
        await until(() => rec.events.length >= 2, 'the replayed changes');
        const later = await write(s, put(`${w}b`, '1'));
        await until(() => rec.events.some((e) => e.kv.key === `${w}b`), 'the new change');
        assert.deepEqual(rec.events.map((e) => [e.type, e.kv.key.slice(w.length), e.kv.modRevision, e.prevKv?.value ?? null]), [
          ['put', 'a', from.revision, '1'], ['delete', 'a', from.revision + 1, '2'], ['put', 'b', later.revision, null],
        ]);
        assert.deepEqual(rec.errors, []);
        assert.ok(rec.revisions.every((r) => r >= from.revision), 'each batch carries the revision it is current to');
      } finally {
        watch.cancel();
      }
    },
    'a watch sees only its prefix, and a delete as a tombstone at the deleting revision': async (s, p) => {
      const rec = recorder();
      const w = s.watch(`${p}in/`, 0, rec.onEvents, rec.onError);
      try {
        // A watch from revision 0 starts now; on a real etcd "now" is when etcd created it.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await write(s, put(`${p}out`, 'x'));
        const w1 = await write(s, put(`${p}in/k`, 'x'));
        const w2 = await write(s, del(`${p}in/k`));
        await until(() => rec.events.length >= 2, 'two changes');
        assert.deepEqual(rec.events.map((e) => e.type), ['put', 'delete']);
        assert.equal(rec.events[0].kv.modRevision, w1.revision);
        assert.deepEqual({ ...rec.events[1].kv }, { key: `${p}in/k`, value: '', createRevision: 0, modRevision: w2.revision, version: 0 });
        assert.equal(rec.events[1].prevKv?.value, 'x');
      } finally {
        w.cancel();
      }
    },
    'a cancelled watch gets nothing more': async (s, p) => {
      const rec = recorder();
      const w = s.watch(p, (await s.revision()) + 1, rec.onEvents, rec.onError);
      await write(s, put(`${p}a`, '1'));
      await until(() => rec.events.length === 1, 'the first change');
      w.cancel();
      await write(s, put(`${p}a`, '2'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(rec.events.length, 1);
    },
  },

  compaction: {
    'after compaction, reads and watches from before it fail with ErrCompacted; later ones work': async (s, p) => {
      const w1 = await write(s, put(`${p}a`, '1'));
      const w2 = await write(s, put(`${p}a`, '2'));
      const w3 = await write(s, put(`${p}a`, '3'));
      await s.compact(w2.revision);
      await assert.rejects(s.range(p, { revision: w1.revision }), { message: ERR_COMPACTED });
      assert.deepEqual((await s.range(p, { revision: w3.revision })).kvs.map((kv) => kv.value), ['3']);
      const old = recorder();
      s.watch(p, w1.revision, old.onEvents, old.onError);
      await until(() => old.errors.length === 1, 'the compacted error');
      assert.deepEqual(old.errors, [{ code: 'compacted', message: ERR_COMPACTED, compactRevision: w2.revision }]);
      assert.deepEqual(old.events, []);
      const fresh = recorder();
      const w = s.watch(p, w3.revision, fresh.onEvents, fresh.onError);
      try {
        await until(() => fresh.events.length === 1, 'the change after the compacted revision');
        assert.equal(fresh.events[0].kv.value, '3');
        assert.deepEqual(fresh.errors, []);
      } finally {
        w.cancel();
      }
    },
    'the compacted revision itself can still be read and watched from; its puts replay without previous values': async (s, p) => {
      const w1 = await write(s, put(`${p}a`, '1'), put(`${p}gone`, 'x'));
      const w2 = await write(s, put(`${p}a`, '2'), put(`${p}b`, '1'), del(`${p}gone`));
      const w3 = await write(s, put(`${p}b`, '2'));
      await s.compact(w2.revision);
      await assert.rejects(s.range(p, { revision: w2.revision - 1 }), { message: ERR_COMPACTED });
      const at = await s.range(p, { revision: w2.revision });
      assert.deepEqual(at.kvs.map((kv) => [kv.key.slice(p.length), kv.value, kv.modRevision]), [['a', '2', w2.revision], ['b', '1', w2.revision]]);
      const rec = recorder();
      const w = s.watch(p, w2.revision, rec.onEvents, rec.onError);
      try {
        await until(() => rec.events.some((e) => e.kv.modRevision === w3.revision), 'the changes from the compacted revision on');
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(rec.errors, []);
        // The deletion's tombstone at the compacted revision is compacted away (etcd's keyIndex.keep drops it), but etcd
        // removes it in the background after answering the compaction, so a watch that quick may still see it.
        const seen = rec.events.filter((e) => !(e.type === 'delete' && e.kv.modRevision === w2.revision));
        assert.deepEqual(seen.map((e) => [e.type, e.kv.key.slice(p.length), e.kv.modRevision, e.prevKv?.value ?? null]), [
          ['put', 'a', w2.revision, null], ['put', 'b', w2.revision, null], ['put', 'b', w3.revision, '1'],
        ]);
      } finally {
        w.cancel();
      }
      assert.ok(w1.revision < w2.revision);
    },
    'a key\'s history lists every change after its `from` revision, and the value in effect at the compacted one': async (s, p) => {
      const store = asStoreHistory(s);
      assert.ok(store, 'the backend tells a key\'s history');
      const key = `${p}a`;
      const w1 = await write(s, put(key, '1'));
      const w2 = await write(s, put(key, '2'), put(`${p}b`, 'x'));
      const w3 = await write(s, put(key, '3'));
      const all = await store.history(key);
      assert.deepEqual(all.changes.map((c) => [c.type, c.kv.value, c.kv.modRevision, c.kv.version]), [['put', '1', w1.revision, 1], ['put', '2', w2.revision, 2], ['put', '3', w3.revision, 3]]);
      assert.ok(all.from < w1.revision);
      await s.compact(w2.revision);
      const kept = await store.history(key);
      assert.deepEqual(kept.changes.map((c) => [c.kv.value, c.kv.modRevision]), [['2', w2.revision], ['3', w3.revision]]);
      assert.equal(kept.from, w2.revision);
      // Deleted and written again: each backend lists at least every change after its `from` (etcd's reads see no deletion, so it starts at the new creation).
      const gone = await write(s, del(key));
      const w4 = await write(s, put(key, '4'));
      const truth = [['put', '3', w3.revision], ['delete', '', gone.revision], ['put', '4', w4.revision]] as const;
      const now = await store.history(key);
      assert.ok(now.from >= w2.revision && now.from < w4.revision, `from ${now.from}`);
      assert.deepEqual(now.changes.filter((c) => c.kv.modRevision > now.from).map((c) => [c.type, c.kv.value, c.kv.modRevision]), truth.filter(([, , r]) => r > now.from));
      assert.deepEqual(now.changes.at(-1)?.kv.version, 1);
    },
    'compacting to an older revision than already compacted changes nothing': async (s, p) => {
      const w1 = await write(s, put(`${p}a`, '1'));
      const w2 = await write(s, put(`${p}a`, '2'));
      await s.compact(w2.revision);
      await s.compact(w1.revision);
      await assert.rejects(s.range(p, { revision: w1.revision }), { message: ERR_COMPACTED });
      assert.equal((await s.get(`${p}a`))?.value, '2');
    },
  },
};

/**
 * CAPABILITY_CASES are the cases of the capabilities beyond the core contract, each
 * block run only for the backends that list it. Quota and alarms, snapshots,
 * encryption at rest, durability and leases add their cases here as they land.
 */
const CAPABILITY_CASES: Record<Capability, Record<string, Case>> = {
  quota: {
    'past the quota writes fail with NOSPACE and reads go on; only compact + defrag + disarm clears it': async (s, p) => {
      const admin = asStoreAdmin(s);
      assert.ok(admin, 'the backend has the maintenance API');
      const start = await admin.status();
      assert.deepEqual(start.alarms, []);
      assert.equal(start.quotaBytes, QUOTA);
      const big = 'x'.repeat(VALUE_BYTES);
      const written: string[] = [];
      let refused: unknown;
      for (let i = 0; i < (3 * QUOTA) / VALUE_BYTES && refused === undefined; i++) {
        try {
          await write(s, put(`${p}big/${i}`, big));
          written.push(`${p}big/${i}`);
        } catch (err) {
          refused = err;
        }
      }
      assert.ok(refused instanceof StoreError, `a write past the quota is refused, not ${String(refused)}`);
      assert.equal(refused.message, ERR_NO_SPACE);
      assert.equal(refused.code, 'nospace');
      assert.ok(written.length * VALUE_BYTES >= QUOTA / 2, `${written.length} writes of ${VALUE_BYTES} bytes fit before the quota of ${QUOTA}`);
      assert.deepEqual(await admin.alarmList(), ['NOSPACE']);
      // The member that answers may apply the last writes a moment after the one that raised the alarm: give it a few tries.
      let dbSize = 0;
      for (let i = 0; i < 20 && dbSize < QUOTA - 2 * VALUE_BYTES; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        dbSize = (await admin.status()).dbSize;
      }
      assert.ok(dbSize >= QUOTA - 2 * VALUE_BYTES, `the backend is near its quota (${dbSize} of ${QUOTA} bytes)`);
      // Reads and read-only transactions go on; every write that puts data is refused, however small.
      assert.equal((await s.get(written[0]))?.value.length, VALUE_BYTES);
      assert.deepEqual((await s.range(`${p}big/`, { limit: 2 })).kvs.map((kv) => kv.key), [written[0], written[1]].sort());
      assert.equal((await s.txn({ compare: [], success: [{ type: 'get', key: written[0] }], failure: [] })).succeeded, true);
      await assert.rejects(write(s, put(`${p}small`, '1')), { message: ERR_NO_SPACE });
      // Disarming alone does not help: the next write that still does not fit raises the alarm again.
      assert.deepEqual(await admin.alarmDisarm(), ['NOSPACE']);
      await assert.rejects(write(s, put(`${p}big/again`, big)), { message: ERR_NO_SPACE });
      assert.deepEqual(await admin.alarmList(), ['NOSPACE']);
      // Deletes go through under the alarm; compaction frees their space, defrag gives it back, disarm clears the alarm.
      for (const k of written) await write(s, del(k));
      const full = await admin.status();
      await s.compact(await s.revision());
      await admin.defragment();
      const after = await admin.status();
      assert.ok(after.dbSize < full.dbSize / 2, `defrag shrank the backend from ${full.dbSize} to ${after.dbSize}`);
      assert.ok(after.dbSize <= after.dbSizeInUse * 2 + 1024 ** 2, `the backend is the space in use after defrag (${after.dbSize}, ${after.dbSizeInUse} in use)`);
      assert.deepEqual(after.alarms, ['NOSPACE'], 'the alarm stays until disarmed');
      assert.deepEqual(await admin.alarmDisarm(), ['NOSPACE']);
      assert.deepEqual(await admin.alarmList(), []);
      const ok = await write(s, put(`${p}small`, '1'), put(`${p}big/after`, big));
      assert.equal((await s.get(`${p}small`))?.modRevision, ok.revision);
      await write(s, del(`${p}big/after`));
    },
  },

  snapshot: {
    'a snapshot round-trips through its file; a corrupt or truncated file is refused and changes nothing': async (s, p, b) => {
      await write(s, put(`${p}a`, '1'), put(`${p}b`, 'two'));
      await write(s, put(`${p}a`, 'one'), put(`${p}gone`, 'x'));
      await write(s, del(`${p}gone`));
      const saved = await (b.snapshot as NonNullable<Backend['snapshot']>)(s);
      const mine = (await s.range(p)).kvs;
      const file = encodeSnapshot(saved);
      const decoded = decodeSnapshot(file);
      assert.ok(!('error' in decoded), JSON.stringify(decoded));
      assert.deepEqual(decoded.snapshot, saved);
      assert.deepEqual([decoded.status.revision, decoded.status.totalKey, decoded.status.totalSize], [saved.revision, saved.kvs.length, file.length]);
      assert.deepEqual(saved.kvs.filter((kv) => kv.key.startsWith(p)), mine, 'the snapshot holds the keys as they are');

      const target = await (b.fresh as NonNullable<Backend['fresh']>)();
      try {
        const restoreFile = async (bytes: Uint8Array): Promise<void> => {
          const d = decodeSnapshot(bytes);
          if ('error' in d) throw new Error(d.error);
          await (b.restore as NonNullable<Backend['restore']>)(target.store, d.snapshot);
        };
        const flipped = Uint8Array.from(file);
        const at = Buffer.from(file).indexOf('"two"') + 2;
        flipped[at] ^= 0x01;
        const revision = await target.store.revision();
        for (const [what, bad] of [['a flipped byte', flipped], ['a file cut short', file.subarray(0, file.length - 7)], ['half a file', file.subarray(0, file.length >> 1)], ['an empty file', new Uint8Array(0)]] as const) {
          await assert.rejects(restoreFile(bad), (err: Error) => {
            assert.ok(err.message.startsWith(INTEGRITY_FAILED) || err.message.startsWith('not a KubeLab snapshot'), `${what}: ${err.message}`);
            return true;
          });
          assert.equal(await target.store.revision(), revision, `${what} changes nothing`);
          assert.deepEqual((await target.store.range('')).kvs, [], `${what} writes no key`);
        }

        await restoreFile(file);
        const restored = (await target.store.range(p)).kvs;
        assert.deepEqual(restored.map((kv) => [kv.key, kv.value]), mine.map((kv) => [kv.key, kv.value]));
        assert.equal((await target.store.range('')).kvs.length, saved.kvs.length);
        if (b.restoreKeepsRevisions) {
          assert.deepEqual(restored, mine, 'revisions and versions come back');
          assert.equal(await target.store.revision(), saved.revision);
          await assert.rejects(target.store.range(p, { revision: saved.revision - 1 }), { message: ERR_COMPACTED }, 'no history before the snapshot');
        }
        // The restored store goes on from there.
        const next = await write(target.store, put(`${p}a`, 'after'));
        assert.ok(next.revision > (b.restoreKeepsRevisions ? saved.revision : revision));
      } finally {
        await target.dispose();
      }
    },
  },

  encryption: {
    'a Secret written through an aescbc EncryptionConfiguration is stored as k8s:enc:aescbc:v1: and never as plaintext': async (s, p, b) => {
      const transformers = encryptionTransformers({
        apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
        resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'key1', secret: randomBytes(32).toString('base64') }] } }, { identity: {} }] }],
      }, { randomBytes: (n) => new Uint8Array(randomBytes(n)) });
      assert.ok(!('error' in transformers), JSON.stringify(transformers));
      const secrets = new ObjectStorage(SECRETS, s, transformers.transformerFor('', 'secrets'));
      const namespace = `conformance-${p.split('/')[2]}`;
      const password = `pw-${randomBytes(12).toString('hex')}`;
      const b64 = Buffer.from(password).toString('base64');
      const created = await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace }, data: { password: b64 } }, false);
      assert.ok(created.ok, JSON.stringify(created));

      const raw = await s.get(`/registry/secrets/${namespace}/db`);
      assert.ok(raw, 'the Secret is stored under its key');
      assert.ok(raw.value.startsWith(`${AESCBC_PREFIX}key1:`), raw.value.slice(0, 40));
      for (const plain of [password, b64, '"kind":"Secret"']) assert.ok(!raw.value.includes(plain), `the stored value holds ${plain}`);
      const read = (await secrets.get(namespace, 'db')) as (KubeObject & { data: Record<string, string> }) | undefined;
      assert.equal(read?.data.password, b64, 'it reads back through the storage');

      const dirs = b.disk?.(s) ?? [];
      if (dirs.length > 0) {
        // On disk: etcd's WAL and bbolt files, or the DurableStore's log and checkpoint.
        // The ciphertext is binary, which a JSON log escapes: the prefix with the key's name is what is found verbatim.
        await until(() => filesUnder(dirs).some((f) => readFileSync(f).includes(`${AESCBC_PREFIX}key1:`)), 'the encrypted value on disk');
        for (const f of filesUnder(dirs)) {
          const bytes = readFileSync(f);
          for (const plain of [password, b64]) assert.ok(!bytes.includes(plain), `${f} holds the Secret's plaintext`);
        }
      }
    },
  },

  durability: {
    'every acknowledged write survives a crash; none is half there': async (s, p, b) => {
      const acked: TxnResponse[] = [];
      for (let i = 0; i < 5; i++) acked.push(await write(s, put(`${p}seq/${i}`, `v${i}`)));
      // Writes acknowledged together (a group commit on the embedded store).
      acked.push(...await Promise.all(Array.from({ length: 20 }, (_, i) => write(s, put(`${p}batch/${i}`, `b${i}`), put(`${p}pair/${i}`, `b${i}`)))));
      acked.push(await write(s, del(`${p}seq/0`)));
      const want = (await s.range(p)).kvs;
      const revision = await s.revision();
      const again = await (b.crash as NonNullable<Backend['crash']>)(s);
      try {
        assert.deepEqual((await again.range(p)).kvs, want);
        assert.ok((await again.revision()) >= revision);
        // Every acknowledged put is there exactly as it was answered, and the acknowledged delete took.
        for (const r of acked) for (const res of r.results) if (res.kv && res.kv.key !== `${p}seq/0`) assert.deepEqual(await again.get(res.kv.key), res.kv);
        assert.equal(await again.get(`${p}seq/0`), undefined);
        assert.equal(want.length, 4 + 2 * 20);
        const next = await write(again, put(`${p}after`, '1'));
        assert.ok(next.revision > revision);
      } finally {
        if (again !== s) await b.release?.(again);
      }
    },
  },

  leases: {
    'a grant answers an ID and the TTL; a TTL below the minimum is raised to it': async (s) => {
      const l = leasesOf(s);
      const long = await l.leaseGrant(60);
      const short = await l.leaseGrant(MIN_LEASE_TTL_SECONDS - 1);
      try {
        for (const g of [long, short]) assert.match(g.id, /^[1-9]\d*$/, 'an ID is a positive int64 in decimal');
        assert.notEqual(long.id, short.id);
        assert.equal(long.ttl, 60);
        assert.equal(short.ttl, MIN_LEASE_TTL_SECONDS);
        const status = await l.leaseTimeToLive(long.id);
        assert.deepEqual({ ...status, ttl: 0 }, { id: long.id, ttl: 0, grantedTtl: 60, keys: [] });
        assert.ok(status.ttl > 55 && status.ttl <= 60, `${status.ttl} s left`);
      } finally {
        await l.leaseRevoke(long.id);
        await l.leaseRevoke(short.id).catch(() => undefined);
      }
    },
    'a put with a lease attaches the key to it; a put without one detaches it': async (s, p) => {
      const l = leasesOf(s);
      const g = await l.leaseGrant(60);
      try {
        const w1 = await write(s, leased(`${p}b`, '1', g.id), leased(`${p}a`, '1', g.id));
        assert.equal(w1.results[0].kv?.lease, g.id, 'the put answers the key with its lease');
        assert.deepEqual(await s.get(`${p}a`), { key: `${p}a`, value: '1', createRevision: w1.revision, modRevision: w1.revision, version: 1, lease: g.id });
        assert.deepEqual((await s.range(p)).kvs.map((kv) => [kv.key.slice(p.length), kv.lease]), [['a', g.id], ['b', g.id]]);
        assert.deepEqual((await l.leaseTimeToLive(g.id)).keys, [`${p}a`, `${p}b`]);
        const w2 = await write(s, put(`${p}a`, '2'));
        assert.equal(w2.results[0].prevKv?.lease, g.id);
        assert.deepEqual(await s.get(`${p}a`), { key: `${p}a`, value: '2', createRevision: w1.revision, modRevision: w2.revision, version: 2 }, 'no lease any more');
        assert.deepEqual((await l.leaseTimeToLive(g.id)).keys, [`${p}b`]);
        const hist = await asStoreHistory(s)?.history(`${p}a`);
        if (hist) assert.deepEqual(hist.changes.map((c) => c.kv.lease ?? null), [g.id, null], 'the history keeps each revision\'s lease');
      } finally {
        await l.leaseRevoke(g.id);
      }
      assert.equal(await s.get(`${p}b`), undefined);
      assert.equal((await s.get(`${p}a`))?.value, '2', 'a detached key outlives the lease');
    },
    'a put naming a lease that does not exist fails with etcd\'s error and writes nothing': async (s, p) => {
      const l = leasesOf(s);
      const gone = await l.leaseGrant(60);
      await l.leaseRevoke(gone.id);
      await write(s, put(`${p}a`, 'before'));
      const r0 = await s.revision();
      await assert.rejects(write(s, leased(`${p}a`, 'after', gone.id)), { message: ERR_LEASE_NOT_FOUND });
      await assert.rejects(write(s, put(`${p}b`, '1'), leased(`${p}c`, '1', gone.id)), { message: ERR_LEASE_NOT_FOUND });
      assert.equal(await s.revision(), r0, 'the revision is unchanged');
      assert.deepEqual((await s.range(p)).kvs.map((kv) => [kv.key.slice(p.length), kv.value, kv.lease ?? null]), [['a', 'before', null]]);
    },
    'revoking a lease deletes its keys in one revision, one batch to a watch, and leaves the others': async (s, p) => {
      const l = leasesOf(s);
      const g = await l.leaseGrant(60);
      await write(s, leased(`${p}a`, '1', g.id), leased(`${p}b`, '1', g.id));
      await write(s, leased(`${p}c`, '1', g.id), put(`${p}d`, 'stays'));
      const r0 = await s.revision();
      const rec = recorder();
      const w = s.watch(p, r0 + 1, rec.onEvents, rec.onError);
      try {
        await l.leaseRevoke(g.id);
        await until(() => rec.events.length >= 3, 'the deletes of the lease\'s keys');
        assert.equal(await s.revision(), r0 + 1, 'the revocation is one revision');
        assert.deepEqual(rec.events.map((e) => [e.type, e.kv.key.slice(p.length), e.kv.modRevision, e.prevKv?.lease ?? null]).sort(), [
          ['delete', 'a', r0 + 1, g.id], ['delete', 'b', r0 + 1, g.id], ['delete', 'c', r0 + 1, g.id],
        ]);
        assert.deepEqual(rec.revisions, [r0 + 1], 'in one batch');
        assert.deepEqual(rec.errors, []);
      } finally {
        w.cancel();
      }
      assert.deepEqual((await s.range(p)).kvs.map((kv) => kv.key.slice(p.length)), ['d']);
      assert.equal((await l.leaseTimeToLive(g.id)).ttl, -1);
    },
    'an unknown lease: revoking it fails with etcd\'s error, its time to live is -1': async (s) => {
      const l = leasesOf(s);
      const g = await l.leaseGrant(60);
      await l.leaseRevoke(g.id);
      const r0 = await s.revision();
      await assert.rejects(l.leaseRevoke(g.id), { message: ERR_LEASE_NOT_FOUND });
      assert.equal(await s.revision(), r0);
      assert.deepEqual(await l.leaseTimeToLive(g.id), { id: g.id, ttl: -1, grantedTtl: 0, keys: [] });
    },
    'leaseList lists the leases alive, in ID order: a granted one and not a revoked one': async (s) => {
      const l = leasesOf(s);
      const kept = await l.leaseGrant(60);
      const revoked = await l.leaseGrant(60);
      await l.leaseRevoke(revoked.id);
      try {
        const ids = await l.leaseList();
        assert.ok(ids.includes(kept.id), `${kept.id} in ${ids.join(',')}`);
        assert.ok(!ids.includes(revoked.id), `${revoked.id} not in ${ids.join(',')}`);
        assert.deepEqual(ids, [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)));
      } finally {
        await l.leaseRevoke(kept.id);
      }
    },
    'a lease of the least TTL expires on its own, and its keys are deleted with it': async (s, p) => {
      const l = leasesOf(s);
      const g = await l.leaseGrant(MIN_LEASE_TTL_SECONDS);
      const start = Date.now();
      await write(s, leased(`${p}a`, '1', g.id), put(`${p}b`, 'stays'));
      const r0 = await s.revision();
      const rec = recorder();
      const w = s.watch(p, r0 + 1, rec.onEvents, rec.onError);
      try {
        // etcd checks for expired leases every 500 ms and revokes them through raft.
        await until(() => rec.events.length >= 1, 'the expiry', MIN_LEASE_TTL_SECONDS * 1000 + 10_000);
        assert.ok(Date.now() - start >= MIN_LEASE_TTL_SECONDS * 1000 - 100, `expired after ${Date.now() - start} ms`);
        assert.deepEqual(rec.events.map((e) => [e.type, e.kv.key.slice(p.length), e.prevKv?.lease ?? null]), [['delete', 'a', g.id]]);
      } finally {
        w.cancel();
      }
      assert.deepEqual((await s.range(p)).kvs.map((kv) => kv.key.slice(p.length)), ['b']);
      assert.equal((await l.leaseTimeToLive(g.id)).ttl, -1);
      assert.ok(!(await l.leaseList()).includes(g.id));
    },
    'a snapshot keeps the leases alive and the keys\' leases; a restore grants them again': async (s, p, b) => {
      const l = leasesOf(s);
      const g = await l.leaseGrant(600);
      try {
        await write(s, leased(`${p}a`, '1', g.id), put(`${p}b`, '1'));
        const saved = await (b.snapshot as NonNullable<Backend['snapshot']>)(s);
        assert.deepEqual(saved.leases?.find((x) => x.id === g.id), { id: g.id, ttl: 600 });
        assert.deepEqual(saved.kvs.filter((kv) => kv.key.startsWith(p)).map((kv) => [kv.key.slice(p.length), kv.lease ?? null]), [['a', g.id], ['b', null]]);
        const decoded = decodeSnapshot(encodeSnapshot(saved));
        assert.ok(!('error' in decoded), JSON.stringify(decoded));
        const target = await (b.fresh as NonNullable<Backend['fresh']>)();
        try {
          await (b.restore as NonNullable<Backend['restore']>)(target.store, decoded.snapshot);
          const t = leasesOf(target.store);
          assert.equal((await target.store.get(`${p}a`))?.lease, g.id);
          const status = await t.leaseTimeToLive(g.id);
          assert.deepEqual([status.grantedTtl, status.keys], [600, [`${p}a`]]);
          await t.leaseRevoke(g.id);
          assert.deepEqual((await target.store.range(p)).kvs.map((kv) => kv.key.slice(p.length)), ['b'], 'the restored lease holds its keys');
        } finally {
          await target.dispose();
        }
      } finally {
        await l.leaseRevoke(g.id);
      }
    },
  },
};

const SECRETS = builtinResources.find((t) => t.group === '' && t.resource === 'secrets') as ResourceType;
/** VALUE_BYTES is the size of the values the quota case fills the backend with. */
const VALUE_BYTES = 512 * 1024;

/** filesUnder lists the files in dirs and their folders. */
function filesUnder(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const f = join(d, name);
      if (statSync(f).isDirectory()) walk(f);
      else out.push(f);
    }
  };
  for (const d of dirs) walk(d);
  return out;
}

for (const backend of BACKENDS) {
  describe(`store conformance: ${backend.name}`, () => {
    before(() => backend.setup(), { timeout: 60_000 });
    after(() => backend.teardown());
    const runCase = async (run: Case): Promise<void> => {
      const s = await backend.open();
      try {
        await run(s, prefix(), backend);
      } finally {
        await backend.release?.(s);
      }
    };
    for (const [group, groupCases] of Object.entries(CORE_CASES)) {
      describe(group, () => {
        for (const [name, run] of Object.entries(groupCases)) test(name, { timeout: 20_000 }, () => runCase(run));
      });
    }
    for (const capability of backend.capabilities) {
      describe(capability, () => {
        for (const [name, run] of Object.entries(CAPABILITY_CASES[capability])) test(name, { timeout: 90_000 }, () => runCase(run));
      });
    }
  });
}
