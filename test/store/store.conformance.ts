// The store conformance suite: one set of cases, run against every backend of the Store
// contract — the lab's MemoryStore and EtcdStore on a 3-member Debian etcd cluster on
// loopback — so the embedded store is held to what etcd itself does.
//
// Revisions are global and the etcd cluster is shared by the cases, so every case writes
// under a prefix of its own and asserts revisions relative to the revision it started at.
//
// Capabilities beyond the core contract (quota and alarms, snapshots, encryption at rest,
// durability) get a block of their own in CAPABILITY_CASES: a backend lists the ones it
// has in `capabilities`, and only those blocks run for it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EtcdStore } from '../../extension/src/lab/store/etcdStore';
import { MemoryStore } from '../../extension/src/lab/store/memoryStore';
import { ERR_COMPACTED, ERR_FUTURE_REV, type Op, type Store, type StoreEvent, type WatchError } from '../../extension/src/lab/store/store';
import { EtcdCluster } from './etcdCluster';

/** Capability is a part of the store beyond the core contract that a backend may have. */
export type Capability = 'quota' | 'snapshot' | 'encryption' | 'durability';

/** Backend is one Store implementation under test. */
interface Backend {
  name: string;
  capabilities: readonly Capability[];
  setup(): Promise<void>;
  /** open gives a store for one case: a fresh one, or the shared one the case writes under its own prefix in. */
  open(): Store;
  teardown(): Promise<void>;
}

let cluster: EtcdCluster | undefined;
let etcd: EtcdStore | undefined;

const BACKENDS: Backend[] = [
  {
    name: 'MemoryStore',
    capabilities: [],
    setup: () => Promise.resolve(),
    open: () => new MemoryStore(),
    teardown: () => Promise.resolve(),
  },
  {
    name: 'EtcdStore on a 3-member etcd cluster',
    capabilities: [],
    setup: async () => {
      cluster = await EtcdCluster.start(3);
      etcd = new EtcdStore({ endpoints: cluster.endpoints });
    },
    open: () => etcd as EtcdStore,
    teardown: async () => {
      etcd?.close();
      await cluster?.close();
    },
  },
];

const put = (key: string, value: string): Op => ({ type: 'put', key, value });
const del = (key: string): Op => ({ type: 'delete', key });
const write = (s: Store, ...ops: Op[]) => s.txn({ compare: [], success: ops, failure: [] });

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

type Case = (s: Store, p: string) => Promise<void>;

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
 * encryption at rest and durability add their cases here as they land.
 */
const CAPABILITY_CASES: Record<Capability, Record<string, Case>> = {
  quota: {},
  snapshot: {},
  encryption: {},
  durability: {},
};

for (const backend of BACKENDS) {
  describe(`store conformance: ${backend.name}`, () => {
    before(() => backend.setup(), { timeout: 60_000 });
    after(() => backend.teardown());
    for (const [group, groupCases] of Object.entries(CORE_CASES)) {
      describe(group, () => {
        for (const [name, run] of Object.entries(groupCases)) test(name, { timeout: 20_000 }, () => run(backend.open(), prefix()));
      });
    }
    for (const capability of backend.capabilities) {
      describe(capability, () => {
        for (const [name, run] of Object.entries(CAPABILITY_CASES[capability])) test(name, { timeout: 20_000 }, () => run(backend.open(), prefix()));
      });
    }
  });
}
