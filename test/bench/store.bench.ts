// Store benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24 with tsx.
// stdout carries one JSON object per line; everything else goes to stderr.
//
// store.put.memory     puts per second into the in-memory MemoryStore: CONCURRENCY writers,
//                      each awaiting its put before the next, over KEYS keys with 1 KiB
//                      values, for PUT_SECONDS after a warm-up (target ≥ 300,000).
// store.put.durable    the same load on the DurableStore (write-ahead log fsynced per group
//                      commit, folded into lowdb checkpoints) in a temporary directory (target ≥ 50,000).
// store.put.etcd       the same load through the EtcdStore against a single-member etcd started
//                      here on loopback ports with a temporary data directory (Debian's /usr/bin/etcd),
//                      on the same disk as the durable store's directory.
// store.watch.fanout   events per second delivered to WATCHERS watches of one prefix while
//                      writers put into it, counted until every watcher has every event
//                      (target ≥ 1,000,000).
// store.bytes_per_key  heap per live key with five minutes of history: LIVE_KEYS keys created,
//                      then each updated once a simulated minute for five minutes, 1 KiB values
//                      that differ per version, measured after a full GC in a child process run
//                      with --expose-gc, against the same heap before the store existed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DurableStore } from '../../extension/src/lab/store/durableStore';
import { EtcdStore } from '../../extension/src/lab/store/etcdStore';
import { MemoryStore } from '../../extension/src/lab/store/memoryStore';
import type { Store, StoreEvent } from '../../extension/src/lab/store/store';
import { startLocalEtcd } from './localEtcd';
import { emit, log, round } from './report';

const CONCURRENCY = 64;
const VALUE_BYTES = 1024;
const KEYS = 10_000;
const PUT_SECONDS = 3;
const WARMUP_SECONDS = 1;
const WATCHERS = 1_000;
const FANOUT_PUTS = 5_000;
const LIVE_KEYS = 100_000;
const HISTORY_MINUTES = 5;
const MEMORY_TARGET = 300_000;
const DURABLE_TARGET = 50_000;
const FANOUT_TARGET = 1_000_000;
const BYTES_PER_KEY_FLAG = '--bytes-per-key';
/** QUOTA_BYTES is etcd's suggested maximum backend quota: the put benches write far past the lab's default without compacting. */
const QUOTA_BYTES = 8 * 1024 ** 3;

/** payloads are the 1 KiB values every backend is sent, the same ones in the same order. */
const payloads = Array.from({ length: 16 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(VALUE_BYTES - 18)}"}`.slice(0, VALUE_BYTES));
const keyOf = (i: number): string => `/registry/bench/default/k-${i % KEYS}`;

type Put = (key: string, value: string) => Promise<unknown>;

/** putRate runs CONCURRENCY writers for seconds, each putting as soon as its last put is acknowledged, and counts the puts. */
async function putRate(put: Put, seconds: number): Promise<{ ops: number; seconds: number }> {
  let next = 0;
  const end = performance.now() + seconds * 1000;
  const writer = async (): Promise<void> => {
    while (performance.now() < end) {
      const i = next++;
      await put(keyOf(i), payloads[i & 15]);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, writer));
  return { ops: next, seconds: (performance.now() - started) / 1000 };
}

/** storePut is one put through the Store contract: a transaction with no compares and one put, as etcd's Put is. */
const storePut = (store: Store): Put => (key, value) => store.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] });

async function measurePut(bench: string, put: Put, extra: Record<string, unknown>): Promise<void> {
  log(`${bench}: warm-up ${WARMUP_SECONDS} s, then ${PUT_SECONDS} s at concurrency ${CONCURRENCY}`);
  await putRate(put, WARMUP_SECONDS);
  const { ops, seconds } = await putRate(put, PUT_SECONDS);
  emit({ bench, value: Math.round(ops / seconds), unit: 'ops/s', ...extra, ops, seconds: round(seconds), concurrency: CONCURRENCY, valueBytes: VALUE_BYTES, keys: KEYS });
}

async function putMemory(): Promise<void> {
  await measurePut('store.put.memory', storePut(new MemoryStore({ quotaBytes: QUOTA_BYTES })), { target: MEMORY_TARGET });
}

async function putDurable(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-durable-'));
  try {
    const store = await DurableStore.open({ dir, memory: { quotaBytes: QUOTA_BYTES }, warn: log });
    try {
      await measurePut('store.put.durable', storePut(store), { target: DURABLE_TARGET });
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function putEtcd(): Promise<void> {
  const etcd = await startLocalEtcd();
  const store = new EtcdStore({ endpoints: [etcd.endpoint] });
  try {
    await measurePut('store.put.etcd', storePut(store), { etcdVersion: etcd.version, client: 'EtcdStore over etcd3' });
  } finally {
    store.close();
    await etcd.stop();
  }
}

/** fanout puts FANOUT_PUTS changes under one prefix at CONCURRENCY while WATCHERS watch it, and times until each watcher has them all. */
async function fanout(): Promise<void> {
  const store = new MemoryStore({ quotaBytes: QUOTA_BYTES });
  const prefix = '/registry/pods/';
  const expected = FANOUT_PUTS * WATCHERS;
  let delivered = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const counts = new Array<number>(WATCHERS).fill(0);
  for (let w = 0; w < WATCHERS; w++) {
    store.watch(prefix, 0, (events: StoreEvent[]) => {
      counts[w] += events.length;
      delivered += events.length;
      if (delivered === expected) done();
    }, (e) => {
      throw new Error(`watch ${w} ended: ${e.message}`);
    });
  }
  const put = storePut(store);
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < FANOUT_PUTS) {
      const i = next++;
      await put(`${prefix}default/p-${i % 1000}`, payloads[i & 15]);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, writer));
  await all;
  const seconds = (performance.now() - started) / 1000;
  const short = counts.filter((c) => c !== FANOUT_PUTS).length;
  if (short) throw new Error(`${short} watchers did not get exactly ${FANOUT_PUTS} events`);
  emit({ bench: 'store.watch.fanout', value: Math.round(delivered / seconds), unit: 'events/s', target: FANOUT_TARGET, watchers: WATCHERS, puts: FANOUT_PUTS, events: delivered, seconds: round(seconds, 3) });
}

/** flat returns s as a string of its own, as JSON.stringify's output is, rather than a rope sharing a common part. */
const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');

/**
 * bytesPerKeyChild runs in a child started with --expose-gc: it builds the store
 * and prints one JSON object with the heap figures on stdout.
 */
async function bytesPerKeyChild(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const settle = (): NodeJS.MemoryUsage => {
    gc();
    gc();
    return process.memoryUsage();
  };
  const pad = 'x'.repeat(VALUE_BYTES);
  const valueOf = (key: number, minute: number): string => flat(`{"key":${key},"minute":${minute},"pad":"${pad}`.slice(0, VALUE_BYTES - 2) + '"}');
  const keyName = (i: number): string => flat(`/registry/configmaps/ns-${i % 100}/cm-${i}`);
  const before = settle();
  const store = new MemoryStore({ quotaBytes: QUOTA_BYTES });
  let payload = 0;
  // Minute 0 creates every key; each later minute updates every key once, spread over the minute.
  for (let minute = 0; minute <= HISTORY_MINUTES; minute++) {
    for (let i = 0; i < LIVE_KEYS; i++) {
      const key = keyName(i);
      const value = valueOf(i, minute);
      payload += key.length + value.length;
      await store.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] });
    }
  }
  const after = settle();
  const { kvs } = await store.range('/registry/configmaps/', { limit: 1 });
  if (!kvs.length || (await store.revision()) !== 1 + LIVE_KEYS * (HISTORY_MINUTES + 1)) throw new Error('the store does not hold what was written');
  process.stdout.write(`${JSON.stringify({
    heap: after.heapUsed - before.heapUsed,
    rss: after.rss - before.rss,
    external: after.external - before.external,
    payload,
  })}\n`);
  // Keep the store reachable until the figures are taken.
  if (!store) throw new Error('unreachable');
}

/** bytesPerKey runs bytesPerKeyChild in a fresh Node with --expose-gc, so nothing else in this process weighs on its heap. */
async function bytesPerKey(): Promise<void> {
  log(`store.bytes_per_key: ${LIVE_KEYS} keys, ${HISTORY_MINUTES} minutes of updates, in a child with --expose-gc`);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, BYTES_PER_KEY_FLAG], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`bytes-per-key child failed with exit code ${code}`))));
  });
  const r = JSON.parse(out) as { heap: number; rss: number; external: number; payload: number };
  const versions = HISTORY_MINUTES + 1;
  emit({
    bench: 'store.bytes_per_key', value: Math.round(r.heap / LIVE_KEYS), unit: 'bytes', backend: 'memory',
    keys: LIVE_KEYS, versionsPerKey: versions, valueBytes: VALUE_BYTES,
    payloadBytesPerKey: Math.round(r.payload / LIVE_KEYS), overheadBytesPerKey: Math.round((r.heap - r.payload) / LIVE_KEYS),
    rssBytesPerKey: Math.round(r.rss / LIVE_KEYS),
  });
}

async function main(): Promise<void> {
  if (process.argv.includes(BYTES_PER_KEY_FLAG)) return bytesPerKeyChild();
  await putMemory();
  await putDurable();
  await putEtcd();
  await fanout();
  await bytesPerKey();
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
