import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { CHECKPOINT_FILE, DurableStore, type DurableStoreOptions } from './durableStore';
import { MemoryStore } from './memoryStore';
import type { StoreEvent, TxnRequest } from './store';
import { type StoreFiles, nodeStoreFiles } from './storeFiles';
import { frame } from './wal';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelab-durable-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** FaultyFiles is the real file system with faults to switch on: a disk that fills up mid-append, flushes that fail, and counts of flushes. */
class FaultyFiles implements StoreFiles {
  private readonly real = nodeStoreFiles();
  /** appendFault makes appends write partial bytes of their data, then fail with code. */
  appendFault?: { code: string; partial: number };
  truncateFault?: string;
  writeFault?: string;
  syncs = 0;
  mkdir = (d: string) => this.real.mkdir(d);
  list = (d: string) => this.real.list(d);
  read = (p: string) => this.real.read(p);
  rename = (a: string, b: string) => this.real.rename(a, b);
  remove = (p: string) => this.real.remove(p);
  syncDir = (d: string) => this.real.syncDir(d);
  writeSynced = async (p: string, data: Uint8Array) => {
    if (this.writeFault) throw errno(this.writeFault, 'write');
    return this.real.writeSynced(p, data);
  };
  openAppend = async (p: string) => {
    const file = await this.real.openAppend(p);
    return {
      append: async (data: Uint8Array) => {
        const fault = this.appendFault;
        if (!fault) return file.append(data);
        await file.append(data.subarray(0, fault.partial));
        throw errno(fault.code, 'write');
      },
      sync: () => {
        this.syncs++;
        return file.sync();
      },
      truncate: async (n: number) => {
        if (this.truncateFault) throw errno(this.truncateFault, 'ftruncate');
        return file.truncate(n);
      },
      close: () => file.close(),
    };
  };
}

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  const words: Record<string, string> = { ENOSPC: 'no space left on device', EIO: 'i/o error' };
  return Object.assign(new Error(`${code}: ${words[code] ?? code}, ${syscall}`), { code, syscall });
}

async function open(options: Partial<DurableStoreOptions> = {}): Promise<{ store: DurableStore; warnings: string[] }> {
  const warnings: string[] = [];
  const store = await DurableStore.open({ dir, warn: (m) => warnings.push(m), ...options });
  return { store, warnings };
}

const put = (key: string, value: string): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value }], failure: [] });

/** SeededRandom for the generated histories: mulberry32, so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** randomTxn is a put, a delete, a guarded update (as the API server's), or a multi-key write, over a small keyspace so they collide. */
function randomTxn(r: () => number, i: number): TxnRequest {
  const key = (): string => `/registry/things/k${Math.floor(r() * 12)}`;
  const pick = r();
  if (pick < 0.35) return put(key(), `v${i}`);
  if (pick < 0.5) return { compare: [], success: [{ type: 'delete', key: key() }], failure: [] };
  if (pick < 0.8) {
    const k = key();
    return { compare: [{ key: k, target: 'mod', result: '=', value: Math.floor(r() * (i + 2)) }], success: [{ type: 'put', key: k, value: `u${i}` }], failure: [{ type: 'get', key: k }] };
  }
  const a = key();
  return { compare: [{ key: a, target: 'version', result: '<', value: 3 }], success: [{ type: 'put', key: a, value: `m${i}` }, { type: 'delete', key: key() }, { type: 'put', key: key(), value: `n${i}` }], failure: [{ type: 'delete', key: a }] };
}

test('a random history through DurableStore answers as MemoryStore does, and reopens to the same keys and revisions', async () => {
  for (const seed of [1, 2, 3]) {
    await rm(dir, { recursive: true, force: true });
    const r = rng(seed);
    const reference = new MemoryStore();
    // A small checkpoint bound, so the history crosses several checkpoints.
    const { store } = await open({ checkpointBytes: 2048 });
    for (let round = 0; round < 30; round++) {
      // Each round's transactions are issued together: they are planned and logged as one frame.
      const requests = Array.from({ length: 1 + Math.floor(r() * 8) }, (_, j) => randomTxn(r, round * 10 + j));
      const got = await Promise.all(requests.map((q) => store.txn(q)));
      const want: unknown[] = [];
      for (const q of requests) want.push(await reference.txn(q));
      assert.deepEqual(got, want, `seed ${seed} round ${round}`);
      if (round % 7 === 6) {
        const at = (await reference.revision()) - 3;
        await Promise.all([store.compact(at), reference.compact(at)]);
      }
    }
    assert.deepEqual(store.snapshot(), reference.snapshot());
    const files = await readdir(dir);
    assert.ok(files.includes(CHECKPOINT_FILE), `a checkpoint was folded: ${files.join(', ')}`);
    await store.close();
    const { store: again, warnings } = await open();
    assert.deepEqual(warnings, []);
    assert.equal(await again.revision(), await reference.revision());
    assert.deepEqual(again.snapshot(), reference.snapshot());
    assert.deepEqual((await again.range('/registry/')).kvs, (await reference.range('/registry/')).kvs);
    await again.close();
  }
});

test('a store reopened without close replays its log: every acknowledged write is there', async () => {
  const { store } = await open();
  for (let i = 0; i < 20; i++) await store.txn(put(`/k/${i % 5}`, `v${i}`));
  const before = store.snapshot();
  // No close: the process "dies" here; only the log holds the writes.
  const { store: again, warnings } = await open();
  assert.deepEqual(warnings, []);
  assert.deepEqual(again.snapshot(), before);
  assert.deepEqual(await again.get('/k/4'), { key: '/k/4', value: 'v19', createRevision: 6, modRevision: 21, version: 4 });
  await again.close();
  await store.close();
});

test('writes issued together are flushed once (group commit), and their compares see each other', async () => {
  const files = new FaultyFiles();
  const { store } = await open({ files });
  const created = await store.txn(put('/k', 'a'));
  const rev = created.revision;
  files.syncs = 0;
  const guarded = (value: string): TxnRequest => ({ compare: [{ key: '/k', target: 'mod', result: '=', value: rev }], success: [{ type: 'put', key: '/k', value }], failure: [{ type: 'get', key: '/k' }] });
  const answers = await Promise.all([store.txn(guarded('b')), store.txn(guarded('c')), store.txn(put('/other', 'x'))]);
  assert.equal(files.syncs, 1);
  assert.deepEqual(answers.map((a) => a.succeeded), [true, false, true]);
  assert.equal(answers[1].results[0].kv?.value, 'b');
  assert.deepEqual(answers.map((a) => a.revision), [rev + 1, rev + 1, rev + 2]);
  await store.close();
});

test('a torn final frame is dropped with a warning, and the store goes on from the last acknowledged write', async () => {
  const { store } = await open();
  await store.txn(put('/a', '1'));
  await store.txn(put('/b', '2'));
  const wal = join(dir, (await readdir(dir)).find((n) => n.startsWith('wal-')) as string);
  // A power cut mid-append: the next frame's first 13 bytes reached the disk.
  const torn = frame(Buffer.from(JSON.stringify([{ r: 4, o: [['p', '/c', '3']] }]))).subarray(0, 13);
  await writeFile(wal, Buffer.concat([await readFile(wal), torn]));
  const { store: again, warnings } = await open();
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0], `kubelab store: dropped the torn final frame of ${wal}: a frame of ${torn.readUInt32LE(0)} bytes cut off after 5 at byte ${(await readFile(wal)).length} (13 bytes dropped); it held writes that were never acknowledged`);
  assert.equal(await again.revision(), 3);
  assert.equal(await again.get('/c'), undefined);
  await again.txn(put('/c', 'after'));
  const { store: third, warnings: none } = await open();
  assert.deepEqual(none, []);
  assert.equal((await third.get('/c'))?.value, 'after');
  await third.close();
  await again.close();
  await store.close();
});

test('a damaged frame in the middle of the log refuses to open and leaves the files as they are', async () => {
  const { store } = await open();
  for (let i = 0; i < 3; i++) await store.txn(put(`/k${i}`, 'v'));
  const wal = join(dir, (await readdir(dir)).find((n) => n.startsWith('wal-')) as string);
  const bytes = await readFile(wal);
  bytes[10] ^= 0x01;
  await writeFile(wal, bytes);
  await assert.rejects(open(), (err: Error) => {
    assert.match(err.message, /^.*wal-0000000000000001\.log is corrupt: a \d+-byte frame failing its CRC check at byte 0, with 0 good frame\(s\) before it and a good one at byte \d+ after it$/);
    return true;
  });
  assert.deepEqual(await readFile(wal), bytes);
  await store.close();
});

test('a checkpoint that is not a store checkpoint refuses to open with the reason', async () => {
  await writeFile(join(dir, CHECKPOINT_FILE), '{"kind":"KubeLabStore","version":1,"wal":1,"snapshot":{"revision":3,"kvs":{}}}');
  await assert.rejects(open(), { message: `cannot open the store: ${join(dir, CHECKPOINT_FILE)}: snapshot: kvs: must be an array of keys` });
  await writeFile(join(dir, CHECKPOINT_FILE), '{"revis');
  await assert.rejects(open(), /is not JSON/);
});

test('a full disk fails the write with the reason, applies nothing, and leaves the log clean', async () => {
  const files = new FaultyFiles();
  const { store } = await open({ files });
  await store.txn(put('/kept', '1'));
  const events: StoreEvent[] = [];
  store.watch('/', 0, (e) => void events.push(...e), () => undefined);
  files.appendFault = { code: 'ENOSPC', partial: 5 };
  const failed = [store.txn(put('/lost', '2')), store.txn({ compare: [], success: [{ type: 'delete', key: '/kept' }], failure: [] })];
  for (const f of failed) await assert.rejects(f, { message: `cannot persist the write: appending to ${join(dir, 'wal-0000000000000001.log')} failed: ENOSPC: no space left on device, write; the store is unchanged` });
  assert.equal(await store.revision(), 2);
  assert.equal(await store.get('/lost'), undefined);
  assert.equal((await store.get('/kept'))?.value, '1');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, []);
  // Space comes back: writes go on, and nothing of the failed frame is left in the log.
  files.appendFault = undefined;
  await store.txn(put('/after', '3'));
  const { store: again, warnings } = await open();
  assert.deepEqual(warnings, []);
  assert.deepEqual(again.snapshot().kvs.map((kv) => [kv.key, kv.modRevision]), [['/after', 3], ['/kept', 2]]);
  await again.close();
  await store.close();
});

test('when the log cannot be cut back after a failed append, writes stop with the reason and a restart drops the partial frame', async () => {
  const files = new FaultyFiles();
  const { store } = await open({ files });
  await store.txn(put('/kept', '1'));
  files.appendFault = { code: 'EIO', partial: 9 };
  files.truncateFault = 'EIO';
  await assert.rejects(store.txn(put('/lost', '2')), /EIO: i\/o error, write; the store is unchanged$/);
  files.appendFault = undefined;
  files.truncateFault = undefined;
  await assert.rejects(store.txn(put('/later', '3')), /could not be cut back after a failed append \(EIO: i\/o error, write\): EIO: i\/o error, ftruncate; restart the lab to recover it/);
  const { store: again, warnings } = await open();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /dropped the torn final frame/);
  assert.deepEqual(again.snapshot(), { revision: 2, kvs: [{ key: '/kept', value: '1', createRevision: 2, modRevision: 2, version: 1 }] });
  await again.close();
  await store.close();
});

test('a checkpoint that cannot be written leaves the log in charge: writes go on and nothing is lost', async () => {
  const files = new FaultyFiles();
  const { store, warnings } = await open({ files, checkpointBytes: 200 });
  files.writeFault = 'ENOSPC';
  for (let i = 0; i < 10; i++) await store.txn(put(`/k${i}`, 'x'.repeat(50)));
  assert.ok(warnings.length >= 1);
  assert.match(warnings[0], /^kubelab store: folding the log into .*checkpoint\.json failed, the log goes on: ENOSPC: no space left on device, write$/);
  assert.deepEqual((await readdir(dir)).sort(), ['wal-0000000000000001.log']);
  const { store: again } = await open();
  assert.deepEqual(again.snapshot(), store.snapshot());
  files.writeFault = undefined;
  await again.close();
  assert.deepEqual((await readdir(dir)).sort(), [CHECKPOINT_FILE, 'wal-0000000000000002.log']);
  await store.close();
});

test('restore is durable: the restored keyspace is what the next open finds', async () => {
  const { store } = await open();
  await store.txn(put('/old', '1'));
  await store.restore({ revision: 40, kvs: [{ key: '/new', value: 'n', createRevision: 7, modRevision: 30, version: 2 }] });
  await store.txn(put('/after', 'a'));
  const { store: again } = await open();
  await store.close();
  assert.deepEqual(again.snapshot(), { revision: 41, kvs: [{ key: '/after', value: 'a', createRevision: 41, modRevision: 41, version: 1 }, { key: '/new', value: 'n', createRevision: 7, modRevision: 30, version: 2 }] });
  await again.close();
});

test('history survives a restart from the last checkpoint on; a watch from before it is compacted', { timeout: 20_000 }, async () => {
  const { store } = await open();
  await store.txn(put('/a', '1'));
  await store.close();
  const { store: again } = await open();
  await again.txn(put('/a', '2'));
  const seen = await watchFor(again, 3, 1);
  assert.deepEqual(seen.map((e) => [e.type, e.kv.value, e.kv.modRevision]), [['put', '2', 3]]);
  // As etcd, the checkpoint's (compacted) revision itself can be watched from: its puts replay, without previous values.
  const fromCheckpoint = await watchFor(again, 2, 2);
  assert.deepEqual(fromCheckpoint.map((e) => [e.type, e.kv.value, e.kv.modRevision, e.prevKv?.value ?? null]), [['put', '1', 2, null], ['put', '2', 3, '1']]);
  const error = await new Promise((resolve) => again.watch('/', 1, () => undefined, resolve));
  assert.deepEqual(error, { code: 'compacted', message: 'mvcc: required revision has been compacted', compactRevision: 2 });
  await again.close();
});

/**
 * watchFor watches '/' from a revision until count events came (progress notifications
 * and split batches included); an error or 5 s without them fails with what arrived.
 */
function watchFor(store: DurableStore, from: number, count: number): Promise<StoreEvent[]> {
  return new Promise((resolve, reject) => {
    const events: StoreEvent[] = [];
    let done = false;
    const finish = (settle: () => void): void => {
      done = true;
      clearTimeout(timer);
      // The store may call back before watch() returns: cancel once the handle exists.
      queueMicrotask(() => w.cancel());
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`watch from ${from}: ${events.length} of ${count} events in 5 s`))), 5_000);
    const w = store.watch('/', from, (batch) => {
      if (done) return;
      events.push(...batch);
      if (events.length >= count) finish(() => resolve(events));
    }, (error) => {
      if (!done) finish(() => reject(new Error(`watch from ${from} failed: ${JSON.stringify(error)}`)));
    });
  });
}

test('writes the quota refuses are refused the same way and never logged', async () => {
  const { store } = await open({ memory: { quotaBytes: 4096 } });
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.txn(put(`/q${i}`, 'x'.repeat(200)))));
  const refused = results.filter((r) => r.status === 'rejected');
  assert.ok(refused.length > 0 && refused.length < 20);
  for (const r of refused) assert.equal((r.reason as Error).message, 'etcdserver: mvcc: database space exceeded');
  const { store: again } = await open({ memory: { quotaBytes: 4096 } });
  assert.deepEqual(again.snapshot(), store.snapshot());
  await again.close();
  await store.close();
});

test('a closed store refuses writes', async () => {
  const { store } = await open();
  await store.close();
  await assert.rejects(store.txn(put('/a', '1')), { message: `the store in ${dir} is closed` });
});
