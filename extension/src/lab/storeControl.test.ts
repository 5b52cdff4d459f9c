import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isStatus, type KubeObject } from './api/types';
import { CONFIGMAPS } from './client/resources';
import { runControl } from './labControl';
import { DurableStore } from './store/durableStore';
import { MemoryStore } from './store/memoryStore';
import { ERR_COMPACTED, ERR_FUTURE_REV, type Store, type StoreHistory } from './store/store';
import { childrenOf } from './storeControl';
import { startTestLab } from './testLab';

const SECRETS = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
const KEY1 = Buffer.alloc(32, 1).toString('base64');

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

function ok<T>(x: T | { error: string }): T {
  if (typeof x === 'object' && x !== null && 'error' in x) assert.fail(`unexpected error: ${x.error}`);
  return x;
}

test('childrenOf groups keys one level down into folders with counts and sizes, and lists only so many keys', () => {
  const kv = (key: string, value: string, rev: number) => ({ key, value, createRevision: rev, modRevision: rev, version: 1 });
  const kvs = [
    kv('/registry/pods/default/a', 'xx', 5), kv('/registry/pods/default/b', 'yyy', 9), kv('/registry/pods/kube-system/c', 'z', 7),
    kv('/registry/ranges/serviceips', 'r', 2), kv('/other', 'o', 3),
  ];
  const root = childrenOf('/registry/', kvs);
  assert.deepEqual(root.children.map((c) => [c.path, c.leaf, c.count, c.modRevision]), [['/registry/pods/', false, 3, 9], ['/registry/ranges/', false, 1, 2]]);
  assert.equal(root.children[0].bytes, '/registry/pods/default/a'.length + 2 + '/registry/pods/default/b'.length + 3 + '/registry/pods/kube-system/c'.length + 1);
  const pods = childrenOf('/registry/pods/default/', kvs, 1);
  assert.deepEqual(pods.children.map((c) => [c.path, c.leaf, c.version]), [['/registry/pods/default/a', true, 1]]);
  assert.equal(pods.omitted, 1);
});

test('the store ops show the keyspace, a key\'s history across a delete, time travel, compaction and defrag', async () => {
  const { lab } = await startTestLab(1);
  try {
    const client = lab.client();
    const stats0 = ok(await runControl(lab, { op: 'storeStats' }));
    assert.equal(stats0.backend, 'embedded');
    assert.ok(stats0.watchers > 0, 'the API server watches its store');
    assert.ok(stats0.quotaBytes && stats0.dbSize && stats0.dbSize < stats0.quotaBytes);

    const created = await client.create(CONFIGMAPS, configMap('cfg', { a: '1' }));
    assert.ok(!isStatus(created));
    const r1 = Number(created.metadata.resourceVersion);
    const updated = await client.patch(CONFIGMAPS, 'default', 'cfg', { data: { a: '2' } });
    assert.ok(!isStatus(updated));
    const r2 = Number(updated.metadata.resourceVersion);
    const deleted = await client.delete(CONFIGMAPS, 'default', 'cfg');
    assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
    const recreated = await client.create(CONFIGMAPS, configMap('cfg', { a: '3' }));
    assert.ok(!isStatus(recreated));
    const r4 = Number(recreated.metadata.resourceVersion);

    const root = ok(await runControl(lab, { op: 'storeKeys', prefix: '/registry/' }));
    const cms = root.children.find((c) => c.path === '/registry/configmaps/');
    assert.ok(cms && !cms.leaf && cms.count >= 1 && cms.modRevision >= r4, JSON.stringify(cms));
    const ns = ok(await runControl(lab, { op: 'storeKeys', prefix: '/registry/configmaps/default/' }));
    const key = '/registry/configmaps/default/cfg';
    const leaf = ns.children.find((c) => c.path === key);
    assert.ok(leaf?.leaf);
    assert.deepEqual([leaf.createRevision, leaf.modRevision, leaf.version], [r4, r4, 1]);

    // Time travel: between the delete and the re-create the key is absent; at r2 it holds the update.
    const atR2 = ok(await runControl(lab, { op: 'storeKeys', prefix: '/registry/configmaps/default/', revision: r2 }));
    assert.equal(atR2.at, r2);
    assert.deepEqual(atR2.children.find((c) => c.path === key)?.modRevision, r2);
    const history = ok(await runControl(lab, { op: 'storeHistory', key }));
    const gone = history.changes[2]?.kv.modRevision;
    assert.ok(gone > r2 && gone < r4);
    assert.deepEqual(history.changes.map((c) => [c.type, c.kv.modRevision]), [['put', r1], ['put', r2], ['delete', gone], ['put', r4]]);
    const atGone = ok(await runControl(lab, { op: 'storeKeys', prefix: '/registry/configmaps/default/', revision: gone }));
    assert.equal(atGone.children.find((c) => c.path === key), undefined);

    assert.deepEqual(history.changes.filter((c) => c.type === 'put').map((c) => (JSON.parse(c.kv.value) as { data: { a: string } }).data.a), ['1', '2', '3']);
    assert.equal(history.from, 0);

    assert.deepEqual(await runControl(lab, { op: 'storeKeys', prefix: '/registry/', revision: history.revision + 1000 }), { error: ERR_FUTURE_REV });

    // Compaction to now: history before it is gone, the value in effect stays; a read before it fails with etcd's error.
    const compacted = ok(await runControl(lab, { op: 'storeCompact' }));
    assert.ok(compacted.compactRevision >= r4);
    const stats1 = ok(await runControl(lab, { op: 'storeStats' }));
    assert.equal(stats1.compactRevision, compacted.compactRevision);
    const after = ok(await runControl(lab, { op: 'storeHistory', key }));
    assert.equal(after.from, compacted.compactRevision);
    assert.deepEqual(after.changes.map((c) => [c.type, c.kv.modRevision]), [['put', r4]]);
    assert.deepEqual(await runControl(lab, { op: 'storeKeys', prefix: '/registry/', revision: r2 }), { error: ERR_COMPACTED });

    // Defrag gives back what compaction freed.
    const defrag = ok(await runControl(lab, { op: 'storeDefrag' }));
    assert.ok(defrag.after < defrag.before, JSON.stringify(defrag));
    assert.equal(ok(await runControl(lab, { op: 'storeStats' })).dbSize, defrag.after);

    // Bad input changes nothing and says why.
    const before = ok(await runControl(lab, { op: 'storeStats' })).revision;
    for (const [op, error] of [
      [{ op: 'storeKeys', prefix: '/registry' }, 'storeKeys: prefix "/registry": must be a key prefix ending in /'],
      [{ op: 'storeKeys', prefix: '/registry/', revision: 0 }, 'storeKeys: revision 0: must be a positive whole number'],
      [{ op: 'storeKeys', prefix: '/registry/', revision: '5' }, 'storeKeys: revision "5": must be a positive whole number'],
      [{ op: 'storeHistory', key: '' }, 'storeHistory: key "": must be a key'],
      [{ op: 'storeHistory', key: '/registry/pods/' }, 'storeHistory: key "/registry/pods/": must be a key'],
    ] as const) assert.deepEqual(await runControl(lab, op as never), { error }, JSON.stringify(op));
    assert.equal(ok(await runControl(lab, { op: 'storeStats' })).revision, before);
  } finally {
    lab.stop();
  }
  assert.deepEqual(await runControl(lab, { op: 'storeStats' }), { error: 'the lab is not running' });
});

test('a secret encrypted at rest keeps its history encrypted', async () => {
  const encryption = {
    config: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'key1', secret: KEY1 }] } }] }] },
    randomBytes: (n: number) => new Uint8Array(n).fill(7),
  };
  const { lab } = await startTestLab(1, 7, { encryption });
  try {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, stringData: { password: 'hunter2' } } as unknown as KubeObject;
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret)));
    const history = ok(await runControl(lab, { op: 'storeHistory', key: '/registry/secrets/default/s' }));
    assert.equal(history.changes.length, 1);
    assert.ok(history.changes[0].kv.value.startsWith('k8s:enc:aescbc:v1:key1:'));
    assert.ok(!history.changes[0].kv.value.includes('hunter2'));
  } finally {
    lab.stop();
  }
});

/** Each embedded backend tells the same history; the etcd backend's is in test/store (it needs an etcd). */
for (const [name, open] of [
  ['MemoryStore', () => Promise.resolve({ store: new MemoryStore(), close: () => Promise.resolve() })],
  ['DurableStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-history-'));
    const store = await DurableStore.open({ dir, warn: () => undefined });
    return { store, close: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }],
] as [string, () => Promise<{ store: Store & StoreHistory; close(): Promise<void> }>][]) {
  test(`${name} tells a key's history since the compacted revision, led by the value in effect there`, async () => {
    const opened = await open();
    const { store } = opened;
    try {
      const put = async (key: string, value: string) => (await store.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] })).revision;
      const del = async (key: string) => (await store.txn({ compare: [], success: [{ type: 'delete', key }], failure: [] })).revision;
      const a1 = await put('/k/a', 'one');
      await put('/k/ab', 'other key');
      const a2 = await put('/k/a', 'two');
      const gone = await del('/k/a');
      const a3 = await put('/k/a', 'three');
      const full = await store.history('/k/a');
      assert.deepEqual(full.changes.map((c) => [c.type, c.kv.modRevision, c.kv.value]), [['put', a1, 'one'], ['put', a2, 'two'], ['delete', gone, ''], ['put', a3, 'three']]);
      assert.deepEqual([full.from, full.compactRevision, full.revision], [0, 0, a3]);

      await store.compact(a2);
      const kept = await store.history('/k/a');
      assert.deepEqual(kept.changes.map((c) => [c.type, c.kv.modRevision]), [['put', a2], ['delete', gone], ['put', a3]]);
      assert.equal(kept.from, a2);
      assert.deepEqual((await store.history('/k/none')).changes, []);
    } finally {
      await opened.close();
    }
  });
}
