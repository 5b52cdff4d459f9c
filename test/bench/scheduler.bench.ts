// Scheduler benchmarks, scheduler_perf-style, run by `npm run bench` on Node 24 with tsx.
// stdout carries one JSON object per line; everything else goes to stderr.
//
// scheduler.basic.5000n.pods_per_s   SchedulingBasic: 10,000 pods (100m CPU, 500Mi) onto 5,000
//                                    Node objects shaped like upstream's (4 CPU, 32 GiB, 110 pods),
//                                    without kubelets. Pods are created through the API server and the
//                                    figure is pods bound per second of wall time, from the first create
//                                    to the last binding seen on a watch. Every attempt also publishes its
//                                    SchedulingDecision (the default); the same run without decisions is
//                                    printed beside it. upstream_floor is scheduler_perf's CI threshold.
import { performance } from 'node:perf_hooks';
import { type Node, type Pod, isStatus } from '../../extension/src/lab/api/types';
import { ManualClock } from '../../extension/src/lab/clock';
import { NODES, PODS, SERVICEACCOUNTS, type ResourceRef } from '../../extension/src/lab/client/resources';
import { Lab } from '../../extension/src/lab/lab';
import { emit, log, round } from './report';

const NODE_COUNT = 5_000;
const POD_COUNT = 10_000;
const BATCH = 200;
const UPSTREAM_FLOOR = 680;
const TARGET = 2_000;

const node = (i: number): Node => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name: `scheduler-perf-${i}`, labels: { 'kubernetes.io/hostname': `scheduler-perf-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
  spec: {},
  status: {
    capacity: { cpu: '4', memory: '32Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '32Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
  },
});

const pod = (i: number): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `pod-${i}`, namespace: 'default' },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
});

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** collectGarbage runs a full collection when the bench runs with --expose-gc (as scripts/bench.mjs runs it), so a workload does not pay for the labs before it. */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function run(decisions: boolean): Promise<{ podsPerS: number; seconds: number }> {
  collectGarbage();
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock, seed: 1, ...(decisions ? {} : { schedulingDecisions: 0 }) });
  const started = lab.start();
  await clock.advance(0);
  await started;
  const client = lab.client();
  await client.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  for (let i = 0; i < NODE_COUNT; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, NODE_COUNT - i) }, (_, j) => client.create(NODES, node(i + j))));
  // The scheduler's node informer has the nodes once the watch delivered them.
  for (let k = 0; k < 50; k++) await tick();
  const boundPods = new Set<string>();
  let bound = 0;
  let last = 0;
  const w = await client.watch<Pod>(PODS, 'default', { resourceVersion: '0' }, (e) => {
    if (e.type !== 'MODIFIED' || isStatus(e.object) || !e.object.spec.nodeName || boundPods.has(e.object.metadata.name ?? '')) return;
    boundPods.add(e.object.metadata.name ?? '');
    bound++;
    last = performance.now();
  }, () => undefined);
  const t0 = performance.now();
  for (let i = 0; i < POD_COUNT; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, POD_COUNT - i) }, (_, j) => client.create(PODS, pod(i + j)).then((r) => {
      if ('status' in r && r.status === 'Failure') throw new Error(JSON.stringify(r));
    })));
  }
  const deadline = performance.now() + 120_000;
  while (bound < POD_COUNT && performance.now() < deadline) await tick();
  w.cancel();
  lab.stop();
  if (bound < POD_COUNT) throw new Error(`only ${bound} of ${POD_COUNT} pods were bound`);
  const seconds = (last - t0) / 1000;
  return { podsPerS: POD_COUNT / seconds, seconds };
}

// scheduler.preemption.5000n.pods_per_s   PreemptionBasic: 20,000 low-priority pods (900m CPU, 500Mi, four to
//                                    a node) fill 5,000 nodes; then 5,000 high-priority pods (3 CPU) each
//                                    evict three of them. The figure is high-priority pods bound per second
//                                    of wall time, from the first create to the last binding. Victims have no
//                                    grace period (there are no kubelets), so the API server removes them at
//                                    once. Upstream disabled PreemptionBasic/5000Nodes (kubernetes#108308);
//                                    upstream_floor is the nearest threshold it keeps, PreemptionAsync/5000Nodes.
// 500 nodes is what finishes within npm run bench's limit today; the name carries the size.
const PREEMPTION_NODES = Number(process.env.PREEMPTION_NODES ?? 500);
const PREEMPTION_UPSTREAM_FLOOR = 570;
const PRIORITYCLASSES: ResourceRef = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false };

const priorityPod = (name: string, cls: string, cpu: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    priorityClassName: cls, terminationGracePeriodSeconds: 0,
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: '500Mi' }, limits: { cpu, memory: '500Mi' } } }],
  },
});

async function runPreemption(): Promise<{ podsPerS: number; seconds: number; lowPods: number; highPods: number }> {
  collectGarbage();
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock, seed: 1, schedulingDecisions: 0 });
  const started = lab.start();
  await clock.advance(0);
  await started;
  const client = lab.client();
  await client.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  for (const [name, value] of [['low', 0], ['high', 10]] as const) {
    await client.create(PRIORITYCLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value } as never);
  }
  for (let i = 0; i < PREEMPTION_NODES; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, PREEMPTION_NODES - i) }, (_, j) => client.create(NODES, node(i + j))));
  for (let k = 0; k < 50; k++) await tick();
  const boundPods = new Set<string>();
  let highBound = 0;
  let last = 0;
  const w = await client.watch<Pod>(PODS, 'default', { resourceVersion: '0' }, (e) => {
    if (e.type !== 'MODIFIED' || isStatus(e.object) || !e.object.spec.nodeName || boundPods.has(e.object.metadata.name ?? '')) return;
    boundPods.add(e.object.metadata.name ?? '');
    if (e.object.metadata.name?.startsWith('high-')) {
      highBound++;
      last = performance.now();
    }
  }, () => undefined);
  const create = async (count: number, make: (i: number) => Pod) => {
    for (let i = 0; i < count; i += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => client.create(PODS, make(i + j)).then((r) => {
        if ('status' in r && r.status === 'Failure') throw new Error(JSON.stringify(r));
      })));
    }
  };
  const lowPods = PREEMPTION_NODES * 4;
  const highPods = PREEMPTION_NODES;
  await create(lowPods, (i) => priorityPod(`low-${i}`, 'low', '900m'));
  let deadline = performance.now() + 300_000;
  while (boundPods.size < lowPods && performance.now() < deadline) await tick();
  if (boundPods.size < lowPods) throw new Error(`only ${boundPods.size} of ${lowPods} low-priority pods were bound`);
  const t0 = performance.now();
  await create(highPods, (i) => priorityPod(`high-${i}`, 'high', '3'));
  // Preemptors wait out their backoff on the lab's clock: step it while they work.
  deadline = performance.now() + 600_000;
  while (highBound < highPods && performance.now() < deadline) {
    for (let k = 0; k < 20; k++) await tick();
    await clock.advance(1000);
  }
  w.cancel();
  lab.stop();
  if (highBound < highPods) throw new Error(`only ${highBound} of ${highPods} high-priority pods were bound`);
  const seconds = (last - t0) / 1000;
  return { podsPerS: highPods / seconds, seconds, lowPods, highPods };
}

async function basic(): Promise<void> {
  log(`scheduler.basic: ${POD_COUNT} pods on ${NODE_COUNT} nodes, without decisions`);
  const bare = await run(false);
  log(`scheduler.basic: with decisions`);
  const full = await run(true);
  emit({
    bench: 'scheduler.basic.5000n.pods_per_s', value: round(full.podsPerS), unit: 'pods/s', upstream_floor: UPSTREAM_FLOOR, target: TARGET,
    seconds: round(full.seconds), withoutDecisions: round(bare.podsPerS), nodes: NODE_COUNT, pods: POD_COUNT,
  });
}

// scheduler.antiaffinity.5000n.pods_per_s  SchedulingPodAntiAffinity/5000Nodes_2000Pods: 1,000 pods in sched-0, then
//                                    2,000 measured pods in sched-1, each labelled color=green with required
//                                    anti-affinity to color=green per kubernetes.io/hostname in both namespaces
//                                    (so 3,000 of the 5,000 nodes end up holding one). upstream_floor is its threshold.
// scheduler.spread.5000n.pods_per_s  TopologySpreading/5000Nodes: nodes in three zones, 5,000 plain pods, then
//                                    2,000 measured pods labelled color=blue with maxSkew 5 per zone, DoNotSchedule.
//                                    upstream_floor is TopologySpreading's threshold (podtopologyspread/performance-config.yaml).
// Both measure from the first measured create to the last measured binding, with decisions published.
const NAMESPACES_REF: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

const antiAffinityPod = (ns: string, i: number): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `anti-affinity-pod-${i}`, namespace: ns, labels: { color: 'green' } },
  spec: {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-0', 'sched-1'] }] } },
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }],
  },
});

const spreadingPod = (ns: string, i: number): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `spreading-pod-${i}`, namespace: ns, labels: { color: 'blue' } },
  spec: {
    topologySpreadConstraints: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }],
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }],
  },
});

interface Workload {
  init: { ns: string; count: number; make: (ns: string, i: number) => Pod };
  measured: { ns: string; count: number; make: (ns: string, i: number) => Pod };
}

/** runWorkload creates the nodes, the init pods (waiting until they are bound), then times the measured pods. */
async function runWorkload(wl: Workload): Promise<{ podsPerS: number; seconds: number }> {
  collectGarbage();
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock, seed: 1 });
  const started = lab.start();
  await clock.advance(0);
  await started;
  const client = lab.client();
  for (const ns of new Set([wl.init.ns, wl.measured.ns])) {
    if (ns !== 'default') await client.create(NAMESPACES_REF, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  }
  for (let i = 0; i < NODE_COUNT; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, NODE_COUNT - i) }, (_, j) => client.create(NODES, node(i + j))));
  for (let k = 0; k < 50; k++) await tick();
  const boundPods = new Set<string>();
  let measuredBound = 0;
  let last = 0;
  const w = await client.watch<Pod>(PODS, '', { resourceVersion: '0' }, (e) => {
    if (e.type !== 'MODIFIED' || isStatus(e.object) || !e.object.spec.nodeName) return;
    const key = `${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}`;
    if (boundPods.has(key)) return;
    boundPods.add(key);
    if (e.object.metadata.namespace === wl.measured.ns && e.object.metadata.name?.startsWith('m-')) {
      measuredBound++;
      last = performance.now();
    }
  }, () => undefined);
  const create = async (count: number, make: (i: number) => Pod) => {
    for (let i = 0; i < count; i += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => client.create(PODS, make(i + j)).then((r) => {
        if ('status' in r && r.status === 'Failure') throw new Error(JSON.stringify(r));
      })));
    }
  };
  await create(wl.init.count, (i) => wl.init.make(wl.init.ns, i));
  let deadline = performance.now() + 300_000;
  while (boundPods.size < wl.init.count && performance.now() < deadline) await tick();
  if (boundPods.size < wl.init.count) throw new Error(`only ${boundPods.size} of ${wl.init.count} init pods were bound`);
  const t0 = performance.now();
  await create(wl.measured.count, (i) => {
    const p = wl.measured.make(wl.measured.ns, i);
    return { ...p, metadata: { ...p.metadata, name: `m-${p.metadata.name ?? ''}` } };
  });
  deadline = performance.now() + 300_000;
  while (measuredBound < wl.measured.count && performance.now() < deadline) await tick();
  w.cancel();
  lab.stop();
  if (measuredBound < wl.measured.count) throw new Error(`only ${measuredBound} of ${wl.measured.count} measured pods were bound`);
  const seconds = (last - t0) / 1000;
  return { podsPerS: wl.measured.count / seconds, seconds };
}

async function antiAffinity(): Promise<void> {
  log(`scheduler.antiaffinity: 1000 + 2000 pods with required anti-affinity on ${NODE_COUNT} nodes`);
  const r = await runWorkload({ init: { ns: 'sched-0', count: 1_000, make: antiAffinityPod }, measured: { ns: 'sched-1', count: 2_000, make: antiAffinityPod } });
  emit({
    bench: 'scheduler.antiaffinity.5000n.pods_per_s', value: round(r.podsPerS), unit: 'pods/s', upstream_floor: 60, upstream_workload: 'SchedulingPodAntiAffinity/5000Nodes_2000Pods',
    target: 500, seconds: round(r.seconds), nodes: NODE_COUNT, initPods: 1_000, measuredPods: 2_000,
  });
}

async function spreading(): Promise<void> {
  log(`scheduler.spread: 5000 plain pods, then 2000 pods spread across 3 zones (maxSkew 5) on ${NODE_COUNT} nodes`);
  const r = await runWorkload({ init: { ns: 'default', count: 5_000, make: (_ns, i) => pod(i) }, measured: { ns: 'default', count: 2_000, make: spreadingPod } });
  emit({
    bench: 'scheduler.spread.5000n.pods_per_s', value: round(r.podsPerS), unit: 'pods/s', upstream_floor: 85, upstream_workload: 'TopologySpreading/5000Nodes',
    target: 500, seconds: round(r.seconds), nodes: NODE_COUNT, initPods: 5_000, measuredPods: 2_000,
  });
}

async function main(): Promise<void> {
  const only = process.env.SCHEDULER_BENCH_ONLY;
  if (only === 'antiaffinity') return antiAffinity();
  if (only === 'spread') return spreading();
  if (process.env.SCHEDULER_BENCH_ONLY !== 'preemption') await basic();
  log(`scheduler.preemption: ${PREEMPTION_NODES * 4} low-priority pods on ${PREEMPTION_NODES} nodes, then ${PREEMPTION_NODES} preemptors`);
  const pre = await runPreemption();
  emit({
    bench: `scheduler.preemption.${PREEMPTION_NODES}n.pods_per_s`,
    value: round(pre.podsPerS), unit: 'pods/s', upstream_floor: PREEMPTION_UPSTREAM_FLOOR, upstream_workload: 'PreemptionAsync/5000Nodes',
    seconds: round(pre.seconds), nodes: PREEMPTION_NODES, lowPriorityPods: pre.lowPods, preemptors: pre.highPods,
  });
  if (!only) {
    await antiAffinity();
    await spreading();
  }
}

void main();
