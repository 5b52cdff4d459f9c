import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from './memoryStore';
import { DEFAULT_QUOTA_BYTES, ETCD_DEFAULT_QUOTA_BYTES, KV_OVERHEAD, quotaError, recordBytes, txnCost } from './quota';
import { ERR_NO_SPACE, StoreError, asStoreAdmin, type TxnRequest } from './store';

const MiB = 1024 ** 2;
const putReq = (key: string, value: string): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value }], failure: [] });
const delReq = (key: string): TxnRequest => ({ compare: [], success: [{ type: 'delete', key }], failure: [] });

test('the default quotas: etcd 2 GiB, the lab 256 MiB', () => {
  assert.equal(ETCD_DEFAULT_QUOTA_BYTES, 2147483648);
  assert.equal(DEFAULT_QUOTA_BYTES, 268435456);
});

const costs: { name: string; req: TxnRequest; want: number }[] = [
  { name: 'a put: key, value and etcd\'s 256-byte overhead', req: putReq('/k', 'value'), want: KV_OVERHEAD + 2 + 5 },
  { name: 'values in UTF-8 bytes', req: putReq('/k', 'é'), want: KV_OVERHEAD + 2 + 2 },
  { name: 'a delete costs nothing', req: delReq('/k'), want: 0 },
  { name: 'the dearer branch', req: { compare: [], success: [{ type: 'get', key: '/k' }], failure: [{ type: 'put', key: '/k', value: 'xx' }, { type: 'put', key: '/j', value: '' }] }, want: 2 * KV_OVERHEAD + 6 },
];
for (const c of costs) test(`txnCost: ${c.name}`, () => assert.equal(txnCost(c.req), c.want));

test('quotaError refuses what is not a whole number of bytes from 1 MiB to 8 GiB', () => {
  assert.equal(quotaError(MiB), undefined);
  assert.equal(quotaError(8 * 1024 * MiB), undefined);
  const msg = (x: number) => `store quota ${x}: must be a whole number of bytes from 1048576 (1 MiB) to 8589934592 (8 GiB)`;
  for (const bad of [0, MiB - 1, 1.5 * MiB + 0.5, 8 * 1024 * MiB + 1]) assert.equal(quotaError(bad), msg(bad));
});

test('db size grows with every revision; compaction frees space in use, defrag shrinks the total to it', async () => {
  const s = new MemoryStore();
  const v1 = { key: '/a', value: 'x'.repeat(1000), createRevision: 2, modRevision: 2, version: 1 };
  await s.txn(putReq('/a', v1.value));
  await s.txn(putReq('/a', 'y'.repeat(1000)));
  await s.txn(putReq('/b', 'z'));
  await s.txn(delReq('/b'));
  const full = await s.status();
  const b = { key: '/b', value: 'z', createRevision: 4, modRevision: 4, version: 1 };
  const tomb = { key: '/b', value: '', createRevision: 0, modRevision: 5, version: 0 };
  const expectFull = recordBytes(v1) * 2 + recordBytes(b) + recordBytes(tomb, true);
  assert.deepEqual(full, { revision: 5, compactRevision: 0, dbSize: expectFull, dbSizeInUse: expectFull, keys: 1, quotaBytes: DEFAULT_QUOTA_BYTES, alarms: [] });
  await s.compact(5);
  const compacted = await s.status();
  // What is left is /a's latest revision: the first /a, /b and its tombstone are freed; the file keeps its size.
  assert.equal(compacted.dbSizeInUse, recordBytes(v1));
  assert.equal(compacted.dbSize, expectFull);
  await s.defragment();
  assert.equal((await s.status()).dbSize, recordBytes(v1));
  // Freed space is reused before the file grows again.
  await s.txn(putReq('/c', 'c'));
  assert.equal((await s.status()).dbSize, recordBytes(v1) + recordBytes({ key: '/c', value: 'c', createRevision: 6, modRevision: 6, version: 1 }));
});

test('compaction keeps a key\'s latest revision at the compacted one and everything after it', async () => {
  const s = new MemoryStore();
  for (let i = 0; i < 4; i++) await s.txn(putReq('/a', String(i)));
  const rec = (v: string) => recordBytes({ key: '/a', value: v, createRevision: 0, modRevision: 0, version: 0 });
  await s.compact(3);
  assert.equal((await s.status()).dbSizeInUse, rec('1') + rec('2') + rec('3'));
});

test('past the quota the NOSPACE alarm is raised: writes fail with etcd\'s error and change nothing, reads and deletes go on', async () => {
  const s = new MemoryStore({ quotaBytes: MiB });
  const big = 'x'.repeat(100 * 1024);
  let written = 0;
  let error: unknown;
  for (; written < 20; written++) {
    try {
      await s.txn(putReq(`/k/${written}`, big));
    } catch (err) {
      error = err;
      break;
    }
  }
  assert.ok(written > 5 && written < 11, `wrote ${written} values of 100 KiB into 1 MiB`);
  assert.ok(error instanceof StoreError);
  assert.equal(error.message, 'etcdserver: mvcc: database space exceeded');
  assert.equal(error.message, ERR_NO_SPACE);
  const before = await s.status();
  assert.equal(before.revision, written + 1);
  assert.deepEqual(before.alarms, ['NOSPACE']);
  assert.deepEqual(await s.alarmList(), ['NOSPACE']);
  // While the alarm is up even a small write fails, and so does a guarded one whose failure branch would write.
  await assert.rejects(s.txn(putReq('/small', 'v')), { message: ERR_NO_SPACE });
  await assert.rejects(s.txn({ compare: [{ key: '/k/0', target: 'mod', result: '=', value: 0 }], success: [], failure: [{ type: 'put', key: '/small', value: 'v' }] }), { message: ERR_NO_SPACE });
  assert.equal(await s.revision(), written + 1);
  assert.equal((await s.get('/k/0'))?.value, big);
  assert.equal((await s.range('/k/')).kvs.length, written);
  assert.equal((await s.txn({ compare: [], success: [{ type: 'get', key: '/k/1' }], failure: [] })).results[0].kv?.value, big);
  await s.txn(delReq('/k/0'));
  assert.equal(await s.get('/k/0'), undefined);
});

test('the alarm clears only after compact, defrag and disarm, as with etcdctl', async () => {
  const s = new MemoryStore({ quotaBytes: MiB });
  const big = 'x'.repeat(100 * 1024);
  for (let i = 0; ; i++) {
    try {
      await s.txn(putReq('/k', big + String(i)));
    } catch {
      break;
    }
  }
  const admin = asStoreAdmin(s);
  assert.ok(admin);
  await s.compact(await s.revision());
  await assert.rejects(s.txn(putReq('/small', 'v')), { message: ERR_NO_SPACE }, 'compacted, but the alarm is still raised');
  await admin.defragment();
  await assert.rejects(s.txn(putReq('/small', 'v')), { message: ERR_NO_SPACE }, 'defragmented, but the alarm is still raised');
  assert.deepEqual(await admin.alarmDisarm(), ['NOSPACE']);
  assert.deepEqual(await admin.alarmList(), []);
  const res = await s.txn(putReq('/small', 'v'));
  assert.equal(res.succeeded, true);
});

test('disarming without reclaiming space raises the alarm again at the next write that does not fit', async () => {
  const s = new MemoryStore({ quotaBytes: MiB });
  const big = 'x'.repeat(100 * 1024);
  for (let i = 0; ; i++) {
    try {
      await s.txn(putReq(`/k/${i}`, big));
    } catch {
      break;
    }
  }
  await s.compact(await s.revision());
  await s.alarmDisarm();
  await assert.rejects(s.txn(putReq('/k/again', big)), { message: ERR_NO_SPACE });
  assert.deepEqual(await s.alarmList(), ['NOSPACE']);
});
