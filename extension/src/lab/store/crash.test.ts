/**
 * The crash test: a child process writes to a DurableStore as fast as it can
 * and is killed with SIGKILL at a random moment, over and over on the same
 * folders; after each kill the store is opened again and must hold every
 * write the child saw acknowledged, and no write in part.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildSync } from 'esbuild';
import { DurableStore } from './durableStore';

const CHAINS = 20;
const KILLS_PER_CHAIN = 10;
/** A small checkpoint bound, so kills also land in checkpoints and in the removal of folded logs. */
const CHECKPOINT_BYTES = 16 * 1024;

let work: string;
let writer: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'kubelab-crash-'));
  // Bundled once, so each trial starts a plain Node process in tens of milliseconds.
  writer = join(work, 'crashWriter.cjs');
  buildSync({ entryPoints: [join(__dirname, '../../../../test/store/crashWriter.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node22', outfile: writer, logLevel: 'error' });
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** rng is mulberry32: the kill times come from the seed, so a failing run can be repeated. */
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

interface Trial {
  /** acked maps each acknowledged transaction to its revision. */
  acked: Map<number, number>;
  ready: boolean;
  stderr: string;
}

/** trial runs the writer on dir and kills it killAfterMs after it is ready (or after it starts, when early). */
function trial(dir: string, first: number, killAfterMs: number, early: boolean): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [writer, dir, String(first), String(CHECKPOINT_BYTES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const result: Trial = { acked: new Map(), ready: false, stderr: '' };
    let buffered = '';
    const kill = (): void => void setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    if (early) kill();
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [what, a, b] = line.split(' ');
        if (what === 'ready') {
          result.ready = true;
          if (!early) kill();
        } else if (what === 'ack') result.acked.set(Number(a), Number(b));
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => void (result.stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the writer ended by itself (code ${code}): ${result.stderr}`));
      else resolve(result);
    });
  });
}

test(`every acknowledged write survives SIGKILL at random moments, and no write survives in part (${CHAINS * KILLS_PER_CHAIN} kills)`, { timeout: 180_000 }, async () => {
  const seed = Number(process.env.KUBELAB_CRASH_SEED ?? 20240611);
  const r = rng(seed);
  const started = performance.now();
  let acknowledged = 0;
  let tornWarnings = 0;
  for (let chain = 0; chain < CHAINS; chain++) {
    const dir = join(work, `chain-${chain}`);
    /** everAcked is every write acknowledged on this folder so far, with its revision. */
    const everAcked = new Map<number, number>();
    for (let kill = 0; kill < KILLS_PER_CHAIN; kill++) {
      const first = kill * 1_000_000;
      // One kill in five comes early: while the store opens, replays or repairs its log.
      const early = r() < 0.2;
      const t = await trial(dir, first, early ? r() * 60 : r() * 40, early);
      const where = `seed ${seed}, chain ${chain}, kill ${kill}`;
      for (const [n, rev] of t.acked) everAcked.set(n, rev);
      acknowledged += t.acked.size;
      if (/dropped the torn final frame/.test(t.stderr)) tornWarnings++;

      const warnings: string[] = [];
      const store = await DurableStore.open({ dir, checkpointBytes: CHECKPOINT_BYTES, warn: (m) => warnings.push(m) });
      try {
        const pairs = new Map<number, { a?: { value: string; rev: number }; b?: { value: string; rev: number } }>();
        const { kvs } = await store.range('/crash/');
        for (const kv of kvs) {
          const m = /^\/crash\/([ab])\/(\d+)$/.exec(kv.key);
          if (!m) continue;
          const n = Number(m[2]);
          const pair = pairs.get(n) ?? {};
          pair[m[1] as 'a' | 'b'] = { value: kv.value, rev: kv.modRevision };
          pairs.set(n, pair);
        }
        for (const [n, rev] of everAcked) {
          const pair = pairs.get(n);
          assert.ok(pair?.a && pair.b, `${where}: acknowledged write ${n} (revision ${rev}) is missing`);
          assert.equal(pair.a.rev, rev, `${where}: write ${n} is at revision ${pair.a.rev}, acknowledged at ${rev}`);
        }
        let maxRev = 0;
        let maxN = -1;
        for (const [n, pair] of pairs) {
          assert.ok(pair.a && pair.b, `${where}: write ${n} survived in part: ${JSON.stringify(pair)}`);
          assert.equal(pair.a.value, `v${n}:${'x'.repeat(n % 300)}`, `${where}: write ${n} has a damaged value`);
          assert.deepEqual(pair.b, pair.a, `${where}: write ${n}'s two keys differ`);
          if (pair.a.rev > maxRev) [maxRev, maxN] = [pair.a.rev, n];
          // A write that was not acknowledged may have reached the log before the kill; it stays, whole.
          if (!everAcked.has(n)) everAcked.set(n, pair.a.rev);
        }
        const last = await store.get('/crash/last');
        if (pairs.size) assert.deepEqual([last?.value, last?.modRevision], [String(maxN), maxRev], `${where}: /crash/last is not the latest write`);
        assert.equal(await store.revision(), Math.max(1, maxRev), `${where}: the revision is past the last write`);
      } finally {
        await store.close();
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // The figures, for the report: how much was written and killed, and how long it took.
  console.log(`crash test: ${CHAINS * KILLS_PER_CHAIN} kills, ${acknowledged} acknowledged writes checked, ${tornWarnings} torn tails dropped, ${seconds.toFixed(1)} s`);
  assert.ok(acknowledged > CHAINS * KILLS_PER_CHAIN, `too few writes were acknowledged before the kills (${acknowledged}) to test anything`);
});
