// Host-side benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24 with tsx.
// stdout carries one JSON object per line, {"bench", "value", "unit", ...}; everything
// else goes to stderr.
//
// host.activate.ms      require + activate() of dist/extension.js in fresh processes
// host.eventloop.p99.ms main-thread event-loop delay while a 100-node lab churns pods
//                       in its worker and the host mirrors it (ClusterModel, tree, status bar)
// lab.pods.running      Running pods the host's model sees at the end of the churn
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { LabMessage } from '../../extension/src/lab/channel';
import { isStatus, type Deployment, type Pod } from '../../extension/src/lab/api/types';
import { podStatusText } from '../../extension/src/lab/api/pods';
import { KubeClient } from '../../extension/src/lab/client/kubeClient';
import { DEPLOYMENTS, PODS } from '../../extension/src/lab/client/resources';
import { ClusterModel } from '../../extension/src/host/clusterModel';
import { WorkerTransport } from '../../extension/src/host/workerTransport';
import { createFakeVscode, installFakeVscode } from './fakeVscode';
import { percentile, round } from './report';

const ACTIVATION_RUNS = 15;
const ACTIVATION_TARGET_MS = 100;
const NODES = 100;
const SPEED = 10;
const DEPLOYMENT_COUNT = 5;
const REPLICAS = 20;
const CHURN_MS = 20_000;
const CHURN_TICK_MS = 250;
const ELD_RESOLUTION_MS = 10;
const ELD_TARGET_MS = 20;

function repoRoot(): string {
  if (process.env.KUBELAB_ROOT) return process.env.KUBELAB_ROOT;
  for (let dir = process.cwd(); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kubelab') return dir;
  }
  throw new Error('run the benchmarks from inside the kubelab repository');
}

function emit(result: { bench: string; value: number; unit: string; [extra: string]: unknown }): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}


/** percentile of an unsorted sample, nearest-rank. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** withTimeout rejects when promise takes longer than ms, so no step can hang the run. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------
// host.activate.ms

interface ActivationRun {
  requireMs: number;
  activateMs: number;
  totalMs: number;
  workersCreated: number;
  workersAfterStart?: number;
  commands: string[];
  errors: string[];
}

function activateOnce(root: string, startAfter = false): ActivationRun {
  const env = { ...process.env };
  delete env.NODE_COMPILE_CACHE; // every run compiles the bundle from scratch, as a first activation does
  delete env.NODE_OPTIONS;
  const child = spawnSync(
    process.execPath,
    ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(root, 'test', 'bench', 'activateChild.ts'), root, ...(startAfter ? ['--start-after'] : [])],
    { cwd: root, env, encoding: 'utf8', timeout: 30_000 },
  );
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`activation run failed (${child.signal ?? `exit ${child.status}`}):\n${child.stderr}`);
  if (child.stderr.trim()) process.stderr.write(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as ActivationRun;
}

function benchActivation(root: string): void {
  const bundle = join(root, 'dist', 'extension.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  // Positive control first: the Worker counter must see the worker once kubelab.start runs.
  const control = activateOnce(root, true);
  if (control.workersAfterStart !== 1) throw new Error(`kubelab.start created ${control.workersAfterStart} workers, expected 1: the Worker counter is broken`);
  const runs: ActivationRun[] = [];
  for (let i = 0; i < ACTIVATION_RUNS; i++) runs.push(activateOnce(root));
  const totals = runs.map((r) => r.totalMs);
  const workers = Math.max(...runs.map((r) => r.workersCreated));
  const errors = [...new Set(runs.flatMap((r) => r.errors))];
  if (errors.length) log(`activation reported errors: ${errors.join('; ')}`);
  log(`activation: ${totals.map((t) => t.toFixed(1)).join(' ')} ms`);
  emit({
    bench: 'host.activate.ms',
    value: round(percentile(totals, 50)),
    unit: 'ms',
    p90: round(percentile(totals, 90)),
    min: round(Math.min(...totals)),
    max: round(Math.max(...totals)),
    requireMedianMs: round(percentile(runs.map((r) => r.requireMs), 50)),
    activateMedianMs: round(percentile(runs.map((r) => r.activateMs), 50), 3),
    runs: runs.length,
    target: ACTIVATION_TARGET_MS,
    // Verified, not assumed: no run constructed a Worker during require + activate(),
    // while the control run's kubelab.start did construct one.
    labStartsLazily: workers === 0,
    workersCreatedDuringActivate: workers,
    commandsRegistered: runs[0].commands.length,
    activationErrors: errors.length,
    node: process.version,
    bundleBytes: readFileSync(bundle).length,
  });
}

// ---------------------------------------------------------------------------------------
// host.eventloop.p99.ms

interface RunningLab {
  worker: Worker;
  client: KubeClient;
  counters: { watchMessages: number; watchEvents: number; requests: number };
  stop(): Promise<void>;
}

/** startLab starts dist/labWorker.js as LabHost.spawn does and resolves once the lab runs. */
async function startLab(root: string): Promise<RunningLab> {
  const worker = new Worker(join(root, 'dist', 'labWorker.js'));
  const transport = new WorkerTransport({
    postMessage: (m) => {
      if (m.type === 'request') counters.requests++;
      worker.postMessage(m);
    },
  });
  const counters = { watchMessages: 0, watchEvents: 0, requests: 0 };
  let stopped: (() => void) | undefined;
  const running = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: LabMessage) => {
      if (m.type === 'watchEvents') {
        counters.watchMessages++;
        counters.watchEvents += m.events.length;
      }
      if (transport.receive(m) || m.type !== 'state') return;
      if (m.error) reject(new Error(`the lab failed to start: ${m.error}`));
      else if (m.state === 'running') resolve();
      else if (m.state === 'stopped') stopped?.();
    });
    worker.on('error', (err: Error) => {
      transport.fail(`the lab stopped: ${err.message}`);
      reject(err);
    });
    worker.on('exit', () => {
      transport.fail('the lab stopped');
      reject(new Error('the lab worker exited'));
    });
  });
  worker.postMessage({ type: 'start', options: { nodes: NODES, seed: 1, speed: SPEED } });
  const stop = async () => {
    const done = new Promise<void>((resolve) => (stopped = resolve));
    worker.postMessage({ type: 'stop' });
    await withTimeout(done, 5_000, 'stopping the lab').catch((err: Error) => log(err.message));
    await worker.terminate();
  };
  try {
    await withTimeout(running, 60_000, `starting a ${NODES}-node lab`);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return { worker, client: new KubeClient(transport), counters, stop };
}

/** delayStats turns a histogram into event-loop delay figures in ms (the timer interval itself subtracted). */
function delayStats(h: ReturnType<typeof monitorEventLoopDelay>, resolutionMs: number) {
  const ms = (ns: number) => round(Math.max(0, ns / 1e6 - resolutionMs));
  return { p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
}

async function measureIdle(ms: number) {
  const h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  h.enable();
  await sleep(ms);
  h.disable();
  return delayStats(h, ELD_RESOLUTION_MS);
}

function deployment(name: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name, bench: 'churn' } },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, bench: 'churn' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  };
}

/** A small fixed-seed generator so every run churns the same way. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function benchEventLoop(root: string): Promise<void> {
  const baseline = await measureIdle(2_000);
  log(`baseline (no lab) event-loop delay p99 ${baseline.p99} ms`);
  if (baseline.p99 > 5) log('the machine is busy (an idle event loop already stalls): treat host.eventloop.p99.ms as noisy, compare with baselineNoLabP99');

  // The host's UI classes need `vscode`: load them with the fake in place, as the editor would.
  const fake = createFakeVscode();
  installFakeVscode(fake);
  const { ClusterTree } = await import('../../extension/src/host/clusterTree.js');
  const { LabStatusBar } = await import('../../extension/src/host/statusBar.js');

  const startedAt = performance.now();
  const lab = await startLab(root);
  const labStartMs = performance.now() - startedAt;
  log(`lab with ${NODES} nodes running after ${(labStartMs / 1000).toFixed(1)} s`);

  // Wired as extension.ts wires them: every informer change refreshes the tree (coalesced)
  // and the status bar; the fake tree view redraws like a visible Cluster view.
  const tree = new ClusterTree();
  const statusBar = new LabStatusBar();
  const view = (fake.api.window as { createTreeView(id: string, o: object): { renders: number; items: number; dispose(): void } }).createTreeView('kubelab.cluster', { treeDataProvider: tree });
  const seenPods = new Set<string>();
  let counting = false;
  const model: ClusterModel = new ClusterModel(lab.client, () => {
    tree.refresh();
    statusBar.update('running', model);
  });
  model.pods.addEventHandler({ onAdd: (p) => counting && seenPods.add(p.metadata.uid ?? p.metadata.name ?? '') });
  try {
    await withTimeout(model.start(), 30_000, 'the ClusterModel informers syncing');
    tree.setModel(model, 'running');
    statusBar.update('running', model);
    if (model.nodes.list().length !== NODES) throw new Error(`the model sees ${model.nodes.list().length} nodes, expected ${NODES}`);
    const idle = await measureIdle(2_000);
    log(`idle lab event-loop delay p99 ${idle.p99} ms`);

    const names = Array.from({ length: DEPLOYMENT_COUNT }, (_, i) => `churn-${i}`);
    const desired = new Map(names.map((n) => [n, REPLICAS]));
    const random = mulberry32(1);
    let scaleOps = 0;
    let podDeletes = 0;
    let failures = 0;
    let maxRunning = 0;
    const running = () => model.pods.list().filter((p) => p.metadata.labels?.bench === 'churn' && podStatusText(p) === 'Running').length;
    const check = (r: unknown) => {
      if (isStatus(r) && r.code !== 404 && r.code !== 409) {
        failures++;
        if (failures <= 3) log(`API error during churn: ${r.code} ${r.message}`);
      }
    };

    const h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    counting = true;
    const eventsBefore = lab.counters.watchEvents;
    const requestsBefore = lab.counters.requests;
    const rendersBefore = view.renders;
    h.enable();
    const churnStart = performance.now();
    for (const name of names) check(await lab.client.create(DEPLOYMENTS, deployment(name)));
    // Churn: each tick scales one Deployment to 10..30 replicas and deletes a few of its pods.
    for (let tick = 0; performance.now() - churnStart < CHURN_MS; tick++) {
      const tickStart = performance.now();
      const name = names[tick % names.length];
      const replicas = 10 + Math.floor(random() * 21);
      desired.set(name, replicas);
      check(await lab.client.patch(DEPLOYMENTS, 'default', name, { spec: { replicas } }));
      scaleOps++;
      const victims = model.pods.list().filter((p: Pod) => p.metadata.labels?.app === name && !p.metadata.deletionTimestamp);
      for (let k = 0; k < 3 && victims.length; k++) {
        const [victim] = victims.splice(Math.floor(random() * victims.length), 1);
        check(await lab.client.delete(PODS, 'default', victim.metadata.name ?? ''));
        podDeletes++;
      }
      maxRunning = Math.max(maxRunning, running());
      await sleep(Math.max(0, CHURN_TICK_MS - (performance.now() - tickStart)));
    }
    const durationS = (performance.now() - churnStart) / 1000;
    h.disable();
    counting = false;
    const churn = delayStats(h, ELD_RESOLUTION_MS);
    const watchEvents = lab.counters.watchEvents - eventsBefore;
    const requests = lab.counters.requests - requestsBefore;
    const renders = view.renders - rendersBefore;

    // Let the last scale settle (bounded) before counting Running pods.
    const want = [...desired.values()].reduce((a, b) => a + b, 0);
    const settleDeadline = performance.now() + 10_000;
    while (running() < want && performance.now() < settleDeadline) await sleep(100);
    const runningAtEnd = running();
    maxRunning = Math.max(maxRunning, runningAtEnd);

    emit({
      bench: 'host.eventloop.p99.ms',
      value: churn.p99,
      unit: 'ms',
      p50: churn.p50,
      p90: churn.p90,
      max: churn.max,
      samples: churn.samples,
      resolutionMs: ELD_RESOLUTION_MS,
      idleLabP99: idle.p99,
      baselineNoLabP99: baseline.p99,
      nodes: NODES,
      speed: SPEED,
      durationS: round(durationS, 1),
      deployments: DEPLOYMENT_COUNT,
      scaleOps,
      podDeletes,
      podsCreated: seenPods.size,
      watchEvents,
      hostRequests: requests,
      treeRenders: renders,
      apiFailures: failures,
      labStartS: round(labStartMs / 1000, 1),
      target: ELD_TARGET_MS,
    });
    emit({
      bench: 'lab.pods.running',
      value: runningAtEnd,
      unit: 'pods',
      desired: want,
      maxRunning,
      nodes: NODES,
      settledWithinS: 10,
    });
  } finally {
    model.stop();
    view.dispose();
    tree.dispose();
    statusBar.dispose();
    await lab.stop();
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  benchActivation(root);
  await benchEventLoop(root);
}

const deadline = setTimeout(() => {
  log('the benchmarks took longer than 150 s: giving up');
  process.exit(1);
}, 150_000);
deadline.unref();

main().then(
  () => {
    clearTimeout(deadline);
  },
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
