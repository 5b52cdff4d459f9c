import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../clock';
import { MemoryStore } from './memoryStore';
import { ERR_COMPACTED, type StoreEvent } from './store';

const put = (key: string, value: string) => ({ type: 'put' as const, key, value });

test('every write advances the one global revision; per-key versions count writes', async () => {
  const s = new MemoryStore();
  assert.equal(await s.revision(), 1);
  await s.txn({ compare: [], success: [put('/registry/pods/default/a', '1')], failure: [] });
  await s.txn({ compare: [], success: [put('/registry/pods/default/b', '1')], failure: [] });
  await s.txn({ compare: [], success: [put('/registry/pods/default/a', '2')], failure: [] });
  const a = await s.get('/registry/pods/default/a');
  assert.deepEqual(a, { key: '/registry/pods/default/a', value: '2', createRevision: 2, modRevision: 4, version: 2 });
  assert.equal(await s.revision(), 4);
});

test('a failed compare writes nothing and leaves the revision unchanged', async () => {
  const s = new MemoryStore();
  await s.txn({ compare: [], success: [put('/k', 'v')], failure: [] });
  const res = await s.txn({ compare: [{ key: '/k', target: 'mod', result: '=', value: 0 }], success: [put('/k', 'x')], failure: [{ type: 'get', key: '/k' }] });
  assert.equal(res.succeeded, false);
  assert.equal(res.results[0].kv?.value, 'v');
  assert.equal(await s.revision(), 2);
});

test('range by prefix is sorted and pages with limit and startKey', async () => {
  const s = new MemoryStore();
  for (const k of ['c', 'a', 'b']) await s.txn({ compare: [], success: [put(`/p/${k}`, k)], failure: [] });
  await s.txn({ compare: [], success: [put('/q/z', 'z')], failure: [] });
  const first = await s.range('/p/', { limit: 2 });
  assert.deepEqual(first.kvs.map((kv) => kv.value), ['a', 'b']);
  assert.equal(first.more, true);
  const rest = await s.range('/p/', { startKey: '/p/b\u0000' });
  assert.deepEqual(rest.kvs.map((kv) => kv.value), ['c']);
});

test('a watch from a past revision replays history, then follows live writes', async () => {
  const s = new MemoryStore();
  await s.txn({ compare: [], success: [put('/p/a', '1')], failure: [] });
  await s.txn({ compare: [], success: [put('/p/a', '2')], failure: [] });
  const seen: StoreEvent[] = [];
  s.watch('/p/', 3, (events) => seen.push(...events), () => assert.fail('no error expected'));
  await s.txn({ compare: [], success: [{ type: 'delete', key: '/p/a' }], failure: [] });
  await settle();
  assert.deepEqual(seen.map((e) => [e.type, e.kv.modRevision, e.prevKv?.value]), [['put', 3, '1'], ['delete', 4, '2']]);
});

test('a watch from a compacted revision fails with etcd\'s error', async () => {
  const s = new MemoryStore();
  for (let i = 0; i < 5; i++) await s.txn({ compare: [], success: [put('/k', String(i))], failure: [] });
  await s.compact(4);
  const errors: string[] = [];
  s.watch('/', 2, () => assert.fail('no events expected'), (e) => errors.push(e.message));
  await settle();
  assert.deepEqual(errors, [ERR_COMPACTED]);
});

test('range at a past revision sees the keys as they were; compacted and future revisions fail as etcd', async () => {
  const s = new MemoryStore();
  const put = (key: string, value: string) => s.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] });
  await put('/a/1', 'one');
  const r1 = await s.revision();
  await put('/a/1', 'uno');
  await put('/a/2', 'two');
  await s.txn({ compare: [], success: [{ type: 'delete', key: '/a/1' }], failure: [] });
  const then = await s.range('/a/', { revision: r1 });
  assert.deepEqual(then.kvs.map((kv) => [kv.key, kv.value]), [['/a/1', 'one']]);
  const now = await s.range('/a/');
  assert.deepEqual(now.kvs.map((kv) => [kv.key, kv.value]), [['/a/2', 'two']]);
  await assert.rejects(s.range('/a/', { revision: (await s.revision()) + 1 }), /future revision/);
  await s.compact(r1 + 1);
  await assert.rejects(s.range('/a/', { revision: r1 }), /compacted/);
});

test('range at a past revision pages in key order, with keys deleted and rewritten since', async () => {
  const s = new MemoryStore();
  const put = (key: string, value: string) => s.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] });
  const del = (key: string) => s.txn({ compare: [], success: [{ type: 'delete', key }], failure: [] });
  for (const k of ['d', 'b', 'f', 'a', 'e']) await put(`/p/${k}`, `${k}1`);
  await put('/q/a', 'other prefix');
  const then = await s.revision();
  await del('/p/b');
  await put('/p/d', 'd2');
  await put('/p/c', 'c2');
  await del('/p/f');
  await put('/p/b', 'b3');
  const page = (revision: number, startKey?: string) => s.range('/p/', { revision, limit: 2, ...(startKey ? { startKey } : {}) });
  const first = await page(then);
  assert.deepEqual([first.kvs.map((kv) => kv.value), first.more], [['a1', 'b1'], true]);
  const second = await page(then, '/p/b\u0000');
  assert.deepEqual([second.kvs.map((kv) => kv.value), second.more], [['d1', 'e1'], true]);
  const third = await page(then, '/p/e\u0000');
  assert.deepEqual([third.kvs.map((kv) => kv.value), third.more], [['f1'], false]);
  const now = await s.range('/p/');
  assert.deepEqual(now.kvs.map((kv) => kv.value), ['a1', 'b3', 'c2', 'd2', 'e1']);
});

test('range over thousands of keys written out of order is in key order', async () => {
  const s = new MemoryStore();
  const names = Array.from({ length: 3000 }, (_, i) => `p-${(i * 7919) % 3000}`);
  for (const n of names) await s.txn({ compare: [], success: [{ type: 'put', key: `/registry/pods/default/${n}`, value: n }], failure: [] });
  const all = await s.range('/registry/pods/default/');
  assert.deepEqual(all.kvs.map((kv) => kv.value), [...names].sort());
  const page = await s.range('/registry/pods/', { startKey: '/registry/pods/default/p-2', limit: 3 });
  assert.deepEqual(page.kvs.map((kv) => kv.value), ['p-2', 'p-20', 'p-200']);
});
