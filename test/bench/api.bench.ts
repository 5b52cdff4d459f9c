// API server benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24 with tsx.
// stdout carries one JSON object per line; everything else goes to stderr.
//
// api.create.p99.ms     in-process pod create latency, paced at 2,000 creates/s, with
//                       1,000 open watches on pods; the same run without watches is
//                       printed beside it (baselineP99) so the ratio survives a noisy machine.
//                       Each runs on its own lab after that lab's own warm-up (2 s of the same
//                       paced creates) and a full collection (scripts/bench.mjs passes
//                       --expose-gc): the figure is a server that has been serving, not one
//                       compiling its pipeline for new objects or paying for the labs before it.
//                       busyMsPerCreate is the event loop's busy time per create: at or above
//                       1000 / ratePerS the server cannot keep up and the latencies are queueing.
// api.list.10kpods.ms   one unpaged list of 10,000 pods (median of several)
import { performance } from 'node:perf_hooks';
import type { ApiRequest } from '../../extension/src/lab/apiserver/apiServer';
import { ManualClock } from '../../extension/src/lab/clock';
import { Lab } from '../../extension/src/lab/lab';

const RATE_PER_S = 2_000;
const CREATE_SECONDS = 4;
const WARMUP_SECONDS = 2;
const WATCHES = 1_000;
const LIST_PODS = 10_000;
const LIST_RUNS = 7;
const CREATE_TARGET_MS = 5;
const LIST_TARGET_MS = 50;

const emit = (r: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(r)}\n`);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const round = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const pod = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, labels: { app: `app-${name.length % 7}`, tier: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
});

async function apiLab(): Promise<{ lab: Lab; call: (r: ApiRequest) => Promise<{ status: number; body: unknown }> }> {
  const lab = new Lab({ nodes: 0, clock: new ManualClock(), stopwatch: () => performance.now() });
  await lab.startApiServer();
  const call = (r: ApiRequest) => lab.server.handle(lab.asAdmin(r));
  // The service account controller is not running here: create the account the ServiceAccount plugin requires.
  await call({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } });
  return { lab, call };
}

/** collectGarbage runs a full collection when the bench runs with --expose-gc (as scripts/bench.mjs runs it). */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** pacedCreates creates pods named prefix-N at RATE_PER_S for seconds and returns each create's latency and the event loop's busy time per create. */
async function pacedCreates(call: (r: ApiRequest) => Promise<{ status: number; body: unknown }>, prefix: string, seconds: number): Promise<{ latencies: number[]; busyMsPerCreate: number }> {
  const latencies: number[] = [];
  const total = RATE_PER_S * seconds;
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  let sent = 0;
  const inflight: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE_PER_S));
    for (; sent < due; sent++) {
      const t0 = performance.now();
      inflight.push(call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod(`${prefix}-${sent}`) }).then((res) => {
        if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
        latencies.push(performance.now() - t0);
      }));
    }
    await sleep(1);
  }
  await Promise.all(inflight);
  return { latencies, busyMsPerCreate: performance.eventLoopUtilization(elu).active / total };
}

/**
 * createLatencies opens watches on a fresh lab, warms it with WARMUP_SECONDS of
 * paced creates, then measures CREATE_SECONDS more: the server measured is one
 * that has been serving (its code compiled for its own objects, the garbage of
 * the warm-up collected), as a running API server is.
 */
async function createLatencies(watches: number): Promise<{ latencies: number[]; events: number; busyMsPerCreate: number }> {
  const { lab, call } = await apiLab();
  let events = 0;
  for (let i = 0; i < watches; i++) {
    const selector: Record<string, string> = i % 4 === 0 ? { labelSelector: `app=app-${i % 7}` } : i % 4 === 1 ? { fieldSelector: 'spec.nodeName=' } : {};
    await lab.server.watch(lab.asAdmin({ method: 'GET', path: '/api/v1/namespaces/default/pods', query: { watch: 'true', resourceVersion: '1', ...selector } }), { event: () => void events++, close: () => undefined });
  }
  await pacedCreates(call, 'warm', WARMUP_SECONDS);
  collectGarbage();
  const warmEvents = events;
  const measured = await pacedCreates(call, 'p', CREATE_SECONDS);
  lab.stop();
  return { ...measured, events: events - warmEvents };
}

async function main(): Promise<void> {
  log(`per lab: ${WARMUP_SECONDS} s of warm-up, then ${RATE_PER_S * CREATE_SECONDS} pods at ${RATE_PER_S}/s measured; without watches, then with ${WATCHES}`);
  const baseline = await createLatencies(0);
  const loaded = await createLatencies(WATCHES);
  emit({
    bench: 'api.create.p99.ms', value: round(percentile(loaded.latencies, 99)), unit: 'ms', target: CREATE_TARGET_MS,
    p50: round(percentile(loaded.latencies, 50)), max: round(Math.max(...loaded.latencies)), creates: loaded.latencies.length, ratePerS: RATE_PER_S,
    watches: WATCHES, watchEvents: loaded.events, busyMsPerCreate: round3(loaded.busyMsPerCreate),
    baselineP99: round(percentile(baseline.latencies, 99)), baselineP50: round(percentile(baseline.latencies, 50)), baselineBusyMsPerCreate: round3(baseline.busyMsPerCreate),
  });

  const { lab, call } = await apiLab();
  log(`creating ${LIST_PODS} pods to list`);
  for (let i = 0; i < LIST_PODS; i++) {
    const res = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod(`l-${i}`) });
    if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  }
  const times: number[] = [];
  for (let i = 0; i < LIST_RUNS; i++) {
    const t0 = performance.now();
    const res = await call({ method: 'GET', path: '/api/v1/pods' });
    times.push(performance.now() - t0);
    const items = (res.body as { items: unknown[] }).items;
    if (items.length !== LIST_PODS) throw new Error(`listed ${items.length} pods`);
  }
  lab.stop();
  emit({ bench: 'api.list.10kpods.ms', value: round(percentile(times, 50)), unit: 'ms', target: LIST_TARGET_MS, min: round(Math.min(...times)), max: round(Math.max(...times)), pods: LIST_PODS });
}

main().then(() => process.exit(0), (err: unknown) => {
  log(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
