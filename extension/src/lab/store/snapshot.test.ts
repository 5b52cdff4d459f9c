import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../clock';
import { MemoryStore } from './memoryStore';
import { validateSnapshot } from './snapshot';
import { ERR_COMPACTED, type StoreEvent, type WatchError } from './store';

const put = (key: string, value: string) => ({ type: 'put' as const, key, value });

async function filled(): Promise<MemoryStore> {
  const s = new MemoryStore();
  await s.txn({ compare: [], success: [put('/registry/pods/default/b', 'b1')], failure: [] });
  await s.txn({ compare: [], success: [put('/registry/pods/default/a', 'a1')], failure: [] });
  await s.txn({ compare: [], success: [put('/registry/pods/default/b', 'b2')], failure: [] });
  await s.txn({ compare: [], success: [put('/registry/pods/default/c', 'c1')], failure: [] });
  await s.txn({ compare: [], success: [{ type: 'delete', key: '/registry/pods/default/c' }], failure: [] });
  return s;
}

test('a snapshot holds every current key, in key order, with revisions and versions, at the current revision', async () => {
  const s = await filled();
  assert.deepEqual(s.snapshot(), {
    revision: 6,
    kvs: [
      { key: '/registry/pods/default/a', value: 'a1', createRevision: 3, modRevision: 3, version: 1 },
      { key: '/registry/pods/default/b', value: 'b2', createRevision: 2, modRevision: 4, version: 2 },
    ],
  });
});

test('restore rebuilds the keyspace at the snapshot\'s revision, and later writes carry on from it', async () => {
  const source = await filled();
  const snapshot = JSON.parse(JSON.stringify(source.snapshot())) as unknown;
  const target = new MemoryStore();
  for (let i = 0; i < 20; i++) await target.txn({ compare: [], success: [put(`/other/${i}`, 'x')], failure: [] });
  const valid = validateSnapshot(snapshot);
  assert.ok(!('error' in valid), JSON.stringify(valid));
  target.restore(valid);
  assert.equal(await target.revision(), 6);
  assert.deepEqual(target.snapshot(), source.snapshot());
  assert.deepEqual((await target.range('/other/')).kvs, []);
  assert.deepEqual(await target.get('/registry/pods/default/b'), { key: '/registry/pods/default/b', value: 'b2', createRevision: 2, modRevision: 4, version: 2 });
  // A compare on the restored revisions holds, and the next write is revision 7 with the version counting on.
  const res = await target.txn({ compare: [{ key: '/registry/pods/default/b', target: 'mod', result: '=', value: 4 }], success: [put('/registry/pods/default/b', 'b3')], failure: [] });
  assert.equal(res.succeeded, true);
  assert.deepEqual(await target.get('/registry/pods/default/b'), { key: '/registry/pods/default/b', value: 'b3', createRevision: 2, modRevision: 7, version: 3 });
});

test('restore ends every open watch with etcd\'s compacted error, and refuses watches from before the snapshot', async () => {
  const s = await filled();
  const snapshot = s.snapshot();
  await s.txn({ compare: [], success: [put('/registry/pods/default/d', 'd1')], failure: [] });
  const errors: WatchError[] = [];
  const events: StoreEvent[] = [];
  s.watch('/registry/', 0, (e) => events.push(...e), (e) => errors.push(e));
  s.restore(snapshot);
  assert.deepEqual(errors, [{ code: 'compacted', message: ERR_COMPACTED, compactRevision: 6 }]);
  // The ended watch hears nothing of later writes.
  await s.txn({ compare: [], success: [put('/registry/pods/default/e', 'e1')], failure: [] });
  await settle();
  assert.deepEqual(events, []);

  const late: string[] = [];
  s.watch('/registry/', 5, () => assert.fail('no events expected'), (e) => late.push(e.message));
  await settle();
  assert.deepEqual(late, [ERR_COMPACTED]);
  // From just after the snapshot, a watch replays what came since.
  const since: StoreEvent[] = [];
  s.watch('/registry/', 7, (e) => since.push(...e), () => assert.fail('no error expected'));
  await settle();
  assert.deepEqual(since.map((e) => [e.type, e.kv.key, e.kv.modRevision]), [['put', '/registry/pods/default/e', 7]]);
});

test('the restored revision can be read; older ones are compacted away', async () => {
  const s = new MemoryStore();
  s.restore({ revision: 9, kvs: [{ key: '/k', value: 'v', createRevision: 3, modRevision: 8, version: 4 }] });
  assert.deepEqual((await s.range('/', { revision: 9 })).kvs.map((kv) => kv.value), ['v']);
  await assert.rejects(s.range('/', { revision: 8 }), { message: ERR_COMPACTED });
});

test('validateSnapshot says what is wrong with a snapshot, and sorts a good one by key', () => {
  const kv = { key: '/a', value: 'x', createRevision: 2, modRevision: 3, version: 2 };
  const cases: [string, unknown, string][] = [
    ['not an object', [], 'a snapshot is a JSON object with "revision" and "kvs"'],
    ['no revision', { kvs: [] }, 'revision: must be a positive integer'],
    ['fractional revision', { revision: 1.5, kvs: [] }, 'revision: must be a positive integer'],
    ['no kvs', { revision: 3 }, 'kvs: must be an array of keys'],
    ['empty key', { revision: 3, kvs: [{ ...kv, key: '' }] }, 'kvs[0].key: must be a non-empty string'],
    ['duplicate key', { revision: 3, kvs: [kv, kv] }, 'kvs[1].key: duplicate key "/a"'],
    ['value not a string', { revision: 3, kvs: [{ ...kv, value: 1 }] }, 'kvs[0].value: must be a string'],
    ['created after the snapshot', { revision: 3, kvs: [{ ...kv, createRevision: 4, modRevision: 4 }] }, 'kvs[0].createRevision: must be an integer from 1 to the snapshot\'s revision (3)'],
    ['modified before created', { revision: 3, kvs: [{ ...kv, modRevision: 1 }] }, 'kvs[0].modRevision: must be an integer from createRevision (2) to the snapshot\'s revision (3)'],
    ['modified after the snapshot', { revision: 3, kvs: [{ ...kv, modRevision: 5 }] }, 'kvs[0].modRevision: must be an integer from createRevision (2) to the snapshot\'s revision (3)'],
    ['version zero', { revision: 3, kvs: [{ ...kv, version: 0 }] }, 'kvs[0].version: must be a positive integer'],
  ];
  for (const [name, input, error] of cases) assert.deepEqual(validateSnapshot(input), { error }, name);
  assert.deepEqual(validateSnapshot({ revision: 3, kvs: [{ ...kv, key: '/b', extra: true }, kv] }), { revision: 3, kvs: [kv, { ...kv, key: '/b' }] });
});
