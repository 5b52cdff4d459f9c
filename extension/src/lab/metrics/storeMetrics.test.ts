import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../store/memoryStore';
import type { Store, TxnRequest } from '../store/store';
import type { ObservedStore, StoreObserver } from '../store/storeObserver';
import { ManualClock } from '../clock';
import { ApiServerMetrics } from './apiServerMetrics';
import { render } from './exposition';
import { InstrumentedStore } from './instrumentedStore';
import { exponentialBuckets, StoreMetrics, WAL_FSYNC_BUCKETS } from './storeMetrics';

const put = (key: string, value: string): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value }], failure: [] });
const create = (key: string, value: string): TxnRequest => ({ compare: [{ key, target: 'mod', result: '=', value: 0 }], success: [{ type: 'put', key, value }], failure: [{ type: 'get', key }] });
const remove = (key: string): TxnRequest => ({ compare: [], success: [{ type: 'delete', key }], failure: [] });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** instrumented is a store wrapped as the API server wraps its own, with etcd's metrics, on a stopwatch the test moves. */
function instrumented(store: Store): { store: Store; metrics: StoreMetrics; now: { ms: number } } {
  const now = { ms: 0 };
  const metrics = new StoreMetrics(store);
  return { store: new InstrumentedStore(store, () => undefined, () => now.ms, metrics), metrics, now };
}

async function exposition(metrics: StoreMetrics): Promise<string> {
  await metrics.collect();
  return render(metrics.families());
}

/** sample reads one unlabelled sample (or one bucket, given le) from an exposition. */
function sample(text: string, name: string, le?: string): number | undefined {
  const prefix = le === undefined ? `${name} ` : `${name}_bucket{le="${le}"} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

test('the keys, revisions and sizes are read from the store at each scrape, under etcd 3.5\'s names and help', async () => {
  const memory = new MemoryStore();
  const { store, metrics } = instrumented(memory);
  await store.txn(put('/registry/pods/default/a', 'x'.repeat(100)));
  await store.txn(put('/registry/pods/default/b', 'y'));
  await store.txn(put('/registry/pods/default/a', 'z'));
  await store.compact(4);
  const status = await memory.status();
  const text = await exposition(metrics);
  assert.match(text, /^# HELP etcd_debugging_mvcc_keys_total Total number of keys\.\n# TYPE etcd_debugging_mvcc_keys_total gauge\netcd_debugging_mvcc_keys_total 2\n/m);
  assert.match(text, /^# HELP etcd_mvcc_db_total_size_in_bytes Total size of the underlying database physically allocated in bytes\.\n# TYPE etcd_mvcc_db_total_size_in_bytes gauge\n/m);
  assert.match(text, /^# HELP etcd_mvcc_db_total_size_in_use_in_bytes Total size of the underlying database logically in use in bytes\.\n/m);
  assert.match(text, /^# HELP etcd_debugging_mvcc_current_revision The current revision of store\.\n/m);
  assert.match(text, /^# HELP etcd_debugging_mvcc_compact_revision The revision of the last compaction in store\.\n/m);
  assert.match(text, /^# HELP etcd_server_quota_backend_bytes Current backend storage quota size in bytes\.\n/m);
  assert.equal(sample(text, 'etcd_debugging_mvcc_current_revision'), 4);
  assert.equal(sample(text, 'etcd_debugging_mvcc_compact_revision'), 4);
  assert.equal(sample(text, 'etcd_mvcc_db_total_size_in_bytes'), status.dbSize);
  assert.equal(sample(text, 'etcd_mvcc_db_total_size_in_use_in_bytes'), status.dbSizeInUse);
  assert.ok(status.dbSizeInUse < status.dbSize, 'compaction freed space the file keeps until a defrag');
  assert.equal(sample(text, 'etcd_server_quota_backend_bytes'), status.quotaBytes);
  const values = await metrics.values();
  assert.deepEqual({ keys: values.keys, revision: values.revision, compactRevision: values.compactRevision, dbSize: values.dbSize, dbSizeInUse: values.dbSizeInUse },
    { keys: 2, revision: 4, compactRevision: 4, dbSize: status.dbSize, dbSizeInUse: status.dbSizeInUse });
});

test('ranges, puts, deletes and transactions are counted as etcd\'s metricsTxnWrite counts them', async () => {
  const { store, metrics } = instrumented(new MemoryStore());
  await store.txn(put('/k/a', 'abc')); // one put: not a txn
  await store.txn(create('/k/b', 'de')); // a compare (a range) and a put: a txn
  await store.txn(create('/k/b', 'fg')); // the compare fails: a range, and the failure branch's get
  await store.txn(remove('/k/a'));
  await store.txn(remove('/k/missing')); // etcd counts a DeleteRange that finds nothing too
  await store.get('/k/b');
  await store.range('/k/');
  const v = await metrics.values();
  assert.deepEqual({ ranges: v.ranges, puts: v.puts, deletes: v.deletes, txns: v.txns, putBytes: v.putBytes },
    { ranges: 1 + 2 + 2, puts: 2, deletes: 2, txns: 2, putBytes: '/k/a'.length + 3 + '/k/b'.length + 2 });
  const text = await exposition(metrics);
  assert.match(text, /^# HELP etcd_mvcc_put_total Total number of puts seen by this member\.\n# TYPE etcd_mvcc_put_total counter\netcd_mvcc_put_total 2\n/m);
  assert.equal(sample(text, 'etcd_mvcc_txn_total'), 2);
  assert.equal(sample(text, 'etcd_debugging_mvcc_total_put_size_in_bytes'), v.putBytes);
});

test('the watcher gauge counts open watches: a cancel and a watch the store ends both take one away', async () => {
  const memory = new MemoryStore();
  const { store, metrics } = instrumented(memory);
  const a = store.watch('/k/', 0, () => undefined, () => undefined);
  store.watch('/k/', 0, () => undefined, () => undefined);
  const errors: string[] = [];
  store.watch('/j/', 0, () => undefined, (e) => errors.push(e.code));
  assert.equal((await metrics.values()).watchers, 3);
  a.cancel();
  a.cancel();
  assert.equal((await metrics.values()).watchers, 2);
  memory.restore({ revision: 10, kvs: [] });
  await tick();
  assert.deepEqual(errors, ['compacted']);
  assert.equal((await metrics.values()).watchers, 0);
  assert.equal(sample(await exposition(metrics), 'etcd_debugging_mvcc_watcher_total'), 0);
});

test('a write whose apply takes longer than 100 ms is a slow apply; reads and quick writes are not', async () => {
  const memory = new MemoryStore();
  let applyMs = 0;
  const { store: wrapped, metrics, now } = instrumented({
    revision: () => memory.revision(), get: (k) => memory.get(k), range: (p, o) => memory.range(p, o),
    watch: (p, f, e, r, o) => memory.watch(p, f, e, r, o), compact: (r) => memory.compact(r),
    txn: (request) => {
      now.ms += applyMs;
      return memory.txn(request);
    },
  });
  applyMs = 99;
  await wrapped.txn(put('/k/a', '1'));
  applyMs = 150;
  await wrapped.txn({ compare: [], success: [{ type: 'get', key: '/k/a' }], failure: [] });
  await wrapped.txn(put('/k/a', '2'));
  await wrapped.txn(remove('/k/a'));
  assert.equal((await metrics.values()).slowApplies, 2);
  const text = await exposition(metrics);
  assert.match(text, /^# HELP etcd_server_slow_apply_total The total number of slow apply requests \(likely overloaded from slow disk\)\.\n# TYPE etcd_server_slow_apply_total counter\netcd_server_slow_apply_total 2\n/m);
});

test('the fallback for a store without etcd\'s maintenance API counts its keys and the compactions made through the API server', async () => {
  const memory = new MemoryStore();
  const plain: Store = {
    revision: () => memory.revision(), get: (k) => memory.get(k), range: (p, o) => memory.range(p, o), txn: (r) => memory.txn(r),
    watch: (p, f, e, r, o) => memory.watch(p, f, e, r, o), compact: (r) => memory.compact(r),
  };
  const { store, metrics } = instrumented(plain);
  for (const k of ['a', 'b', 'c']) await store.txn(put(`/k/${k}`, k));
  await store.compact(99);
  const v = await metrics.values();
  assert.deepEqual({ keys: v.keys, revision: v.revision, compactRevision: v.compactRevision, dbSize: v.dbSize }, { keys: 3, revision: 4, compactRevision: 4, dbSize: undefined });
  const text = await exposition(metrics);
  assert.equal(sample(text, 'etcd_debugging_mvcc_keys_total'), 3);
  assert.ok(!text.includes('etcd_mvcc_db_total_size_in_bytes'), 'no size is made up for a store that cannot say it');
});

/** ObservedMemoryStore is a memory store that reports a WAL's fsyncs and its applies, as the durable store does. */
class ObservedMemoryStore extends MemoryStore implements ObservedStore {
  observer?: StoreObserver;
  observe(observer: StoreObserver | undefined): void {
    this.observer = observer;
  }
}

test('a store with a WAL fills etcd_disk_wal_fsync_duration_seconds through the hook the API server\'s metrics hand it', async () => {
  const clock = new ManualClock();
  const store = new ObservedMemoryStore();
  const metrics = new ApiServerMetrics({ clock, stopwatch: () => 0, store, storedResources: () => [] });
  assert.equal(store.observer, metrics.etcd);
  assert.ok(!(await metrics.expose()).includes('etcd_disk_wal_fsync_duration_seconds'), 'no WAL, no fsync histogram');
  for (const s of [0.0004, 0.0015, 0.003, 20]) store.observer?.walFsync(s);
  store.observer?.applied(0.05);
  store.observer?.applied(0.2);
  const text = await metrics.expose();
  assert.match(text, /^# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL\.\n# TYPE etcd_disk_wal_fsync_duration_seconds histogram\n/m);
  const buckets = WAL_FSYNC_BUCKETS.map((b) => sample(text, 'etcd_disk_wal_fsync_duration_seconds', String(b)));
  assert.deepEqual(buckets, [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  assert.equal(sample(text, 'etcd_disk_wal_fsync_duration_seconds', '+Inf'), 4);
  assert.equal(sample(text, 'etcd_disk_wal_fsync_duration_seconds_count'), 4);
  assert.equal(sample(text, 'etcd_server_slow_apply_total'), 1);
  // Once the store reports its own applies, the API server's timing of the writes no longer counts.
  const wrapped = metrics.instrumentStore(store);
  await wrapped.txn(put('/k/a', '1'));
  assert.equal((await metrics.etcd.values()).slowApplies, 1);
  assert.deepEqual((await metrics.etcd.values()).walFsyncs, { count: 4, seconds: 0.0004 + 0.0015 + 0.003 + 20 });
});

test('DELETE /metrics starts the counters and the fsync histogram over and keeps the gauges', async () => {
  const clock = new ManualClock();
  const store = new ObservedMemoryStore();
  const metrics = new ApiServerMetrics({ clock, stopwatch: () => 0, store, storedResources: () => [] });
  const wrapped = metrics.instrumentStore(store);
  await wrapped.txn(put('/k/a', '1'));
  store.observer?.walFsync(0.002);
  metrics.reset();
  const text = await metrics.expose();
  assert.equal(sample(text, 'etcd_mvcc_put_total'), 0);
  assert.equal(sample(text, 'etcd_debugging_mvcc_keys_total'), 1);
  assert.ok(!text.includes('etcd_disk_wal_fsync_duration_seconds'));
});

test('exponentialBuckets doubles from its start as prometheus.ExponentialBuckets: etcd\'s fsync buckets end at 8.192 s', () => {
  assert.deepEqual(exponentialBuckets(1, 2, 4), [1, 2, 4, 8]);
  assert.equal(WAL_FSYNC_BUCKETS.length, 14);
  assert.equal(WAL_FSYNC_BUCKETS[13], 8.192);
});
