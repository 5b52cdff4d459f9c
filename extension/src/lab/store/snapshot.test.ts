import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../clock';
import { MemoryStore } from './memoryStore';
import { crc32c } from './crc32c';
import { INTEGRITY_FAILED, NOT_A_SNAPSHOT, SNAPSHOT_HEADER, type StoreSnapshot, decodeSnapshot, encodeSnapshot, validateSnapshot } from './snapshot';
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
  s.watch('/registry/', 0, (e) => {
    events.push(...e);
  }, (e) => errors.push(e));
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
  s.watch('/registry/', 7, (e) => {
    since.push(...e);
  }, () => assert.fail('no error expected'));
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

const SAMPLE: StoreSnapshot = {
  revision: 12,
  kvs: [
    { key: '/registry/configmaps/default/a', value: '{"kind":"ConfigMap","data":{"x":"é"}}', createRevision: 3, modRevision: 9, version: 2 },
    { key: '/registry/namespaces/default', value: '{"kind":"Namespace"}', createRevision: 1, modRevision: 1, version: 1 },
  ],
};

/** contentOf is a file less its trailer line. */
const contentOf = (file: Uint8Array): Uint8Array => file.subarray(0, file.lastIndexOf(0x0a, file.length - 2) + 1);

test('a snapshot file reads back as the snapshot, with etcd\'s status: the content\'s CRC-32C, revision, keys and file size', () => {
  const file = encodeSnapshot(SAMPLE);
  const text = new TextDecoder().decode(file);
  assert.ok(text.startsWith(SNAPSHOT_HEADER));
  assert.match(text, /\nKUBELAB-SNAPSHOT-END crc32c=[0-9a-f]{8} bytes=\d+\n$/);
  assert.deepEqual(decodeSnapshot(file), { snapshot: SAMPLE, status: { hash: crc32c(contentOf(file)), revision: 12, totalKey: 2, totalSize: file.length } });
  // The same keyspace makes the same file, so the same hash.
  assert.deepEqual(encodeSnapshot(JSON.parse(JSON.stringify(SAMPLE)) as StoreSnapshot), file);
  const empty = encodeSnapshot({ revision: 1, kvs: [] });
  assert.deepEqual(decodeSnapshot(empty), { snapshot: { revision: 1, kvs: [] }, status: { hash: crc32c(contentOf(empty)), revision: 1, totalKey: 0, totalSize: empty.length } });
});

test('a snapshot file cut short anywhere is refused', () => {
  const file = encodeSnapshot(SAMPLE);
  for (let length = 0; length < file.length; length++) {
    const result = decodeSnapshot(file.subarray(0, length));
    assert.ok('error' in result, `cut at ${length} was read`);
    const expected = length < SNAPSHOT_HEADER.length ? `${NOT_A_SNAPSHOT}: the file does not begin with "KUBELAB-SNAPSHOT 1"` : INTEGRITY_FAILED;
    assert.ok(result.error.startsWith(expected), `cut at ${length}: ${result.error}`);
  }
  assert.deepEqual(decodeSnapshot(file.subarray(0, file.length - 1)), { error: `${INTEGRITY_FAILED}: the file has no trailer: it is truncated or was not written whole` });
  // Cut inside the body, the last line is a key, not a trailer.
  assert.deepEqual(decodeSnapshot(file.subarray(0, 80)), { error: `${INTEGRITY_FAILED}: the file has no trailer: it is truncated or was not written whole` });
});

test('a snapshot file with any one bit flipped is refused', () => {
  const file = encodeSnapshot(SAMPLE);
  for (let i = 0; i < file.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const damaged = file.slice();
      damaged[i] ^= 1 << bit;
      assert.ok('error' in decodeSnapshot(damaged), `byte ${i} bit ${bit} flipped was read`);
    }
  }
});

test('decodeSnapshot says which check failed', () => {
  const file = encodeSnapshot(SAMPLE);
  const content = contentOf(file);
  const text = new TextDecoder().decode(file);
  const hash = crc32c(content).toString(16);
  const withTrailer = (trailer: string): Uint8Array => new TextEncoder().encode(text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1) + trailer);
  const damaged = file.slice();
  const at = text.indexOf('configmaps');
  damaged[at] = 'y'.charCodeAt(0);
  const damagedHash = crc32c(contentOf(damaged)).toString(16);
  const notJson = new TextEncoder().encode(`${SNAPSHOT_HEADER}{"revision":2,\n`);
  const notJsonFile = new Uint8Array([...notJson, ...new TextEncoder().encode(`KUBELAB-SNAPSHOT-END crc32c=${crc32c(notJson).toString(16).padStart(8, '0')} bytes=${notJson.length}\n`)]);
  const cases: [string, Uint8Array, string][] = [
    ['a changed byte', damaged, `${INTEGRITY_FAILED}: the content's crc32c is ${damagedHash}, the trailer says ${hash}`],
    ['a wrong length', withTrailer(`KUBELAB-SNAPSHOT-END crc32c=${hash.padStart(8, '0')} bytes=${content.length + 1}\n`), `${INTEGRITY_FAILED}: the trailer counts ${content.length + 1} bytes of content, the file has ${content.length}`],
    ['no trailer newline', withTrailer(`KUBELAB-SNAPSHOT-END crc32c=${hash.padStart(8, '0')} bytes=${content.length}`), `${INTEGRITY_FAILED}: the file has no trailer: it is truncated or was not written whole`],
    ['whole but not JSON', notJsonFile, `${NOT_A_SNAPSHOT}: Expected double-quoted property name in JSON at position 15 (line 2 column 1)`],
    ['something else', new TextEncoder().encode('SQLite format 3\0'), `${NOT_A_SNAPSHOT}: the file does not begin with "KUBELAB-SNAPSHOT 1"`],
    ['plain JSON, not a snapshot', new TextEncoder().encode('{"revision": 3}'), `${NOT_A_SNAPSHOT}: kvs: must be an array of keys`],
  ];
  for (const [name, input, error] of cases) assert.deepEqual(decodeSnapshot(input), { error }, name);
});

test('a snapshot saved as plain JSON (before files had a trailer) is still read; its hash is the whole file\'s', () => {
  const file = new TextEncoder().encode(`${JSON.stringify(SAMPLE, null, 1)}\n`);
  assert.deepEqual(decodeSnapshot(file), { snapshot: SAMPLE, status: { hash: crc32c(file), revision: 12, totalKey: 2, totalSize: file.length } });
});
