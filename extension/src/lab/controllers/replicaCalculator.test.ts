import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { NO_METRICS, NO_PODS, type PodMetric, rawResourceReplicas, resourceReplicas } from './replicaCalculator';

const NOW = Date.UTC(2026, 0, 1, 12);
/** Pods started long ago (upstream's fixtures leave StartTime at Go's zero time) and have a Ready condition with no transition time. */
const LONG_AGO = '0001-01-01T00:00:00Z';
const HOT = new Date(NOW - 60_000).toISOString();
const COOL = new Date(NOW - 6 * 60_000).toISOString();

interface Case {
  name: string;
  current: number;
  /** requests are each pod's CPU request per container; the pods have two containers, as upstream's fixtures. */
  requests: string[];
  /** levels are each pod's usage per container in millicores; a pod without a level has no metrics. */
  levels: number[];
  readiness?: ('True' | 'False')[];
  phase?: string[];
  deleting?: boolean[];
  startTime?: string[];
  target: number;
  want: { replicas: number; utilization: number; raw: number } | { error: string };
}

function fixture(c: Pick<Case, 'current' | 'requests' | 'levels' | 'readiness' | 'phase' | 'deleting' | 'startTime'>): { pods: Pod[]; metrics: Map<string, PodMetric> } {
  const count = Math.max(c.current, c.phase?.length ?? 0);
  const pods: Pod[] = [];
  for (let i = 0; i < count; i++) {
    const resources = i < c.requests.length ? { requests: { cpu: c.requests[i] } } : undefined;
    pods.push({
      metadata: { name: `test-pod-${i}`, namespace: 'default', ...(c.deleting?.[i] ? { deletionTimestamp: new Date(NOW).toISOString() } : {}) },
      spec: { containers: [{ name: 'container1', image: 'x', ...(resources ? { resources } : {}) }, { name: 'container2', image: 'x', ...(resources ? { resources } : {}) }] },
      status: { phase: c.phase?.[i] ?? 'Running', startTime: c.startTime?.[i] ?? LONG_AGO, conditions: [{ type: 'Ready', status: c.readiness?.[i] ?? 'True' }] },
    } as Pod);
  }
  // As in upstream's fixtures, the metrics carry Go's zero timestamp: a pod still starting up has no full window since it became ready.
  const metrics = new Map<string, PodMetric>(c.levels.map((level, i) => [`test-pod-${i}`, { value: 2 * level, timestamp: Date.parse(LONG_AGO), windowMs: 60_000 }]));
  return { pods, metrics };
}

const cases: Case[] = [
  { name: 'scale up', current: 3, requests: ['1', '1', '1'], levels: [300, 500, 700], target: 30, want: { replicas: 5, utilization: 50, raw: 1000 } },
  { name: 'scale up with an unready pod scales less', current: 3, requests: ['1', '1', '1'], levels: [300, 500, 700], readiness: ['False', 'True', 'True'], target: 30, want: { replicas: 4, utilization: 60, raw: 1200 } },
  { name: 'scale up with a hot CPU pod scales less', current: 3, requests: ['1', '1', '1'], levels: [300, 500, 700], startTime: [HOT, COOL, COOL], target: 30, want: { replicas: 4, utilization: 60, raw: 1200 } },
  { name: 'unready pods that would turn the direction keep the count', current: 3, requests: ['1', '1', '1'], levels: [400, 500, 700], readiness: ['True', 'False', 'False'], target: 30, want: { replicas: 3, utilization: 40, raw: 800 } },
  { name: 'hot CPU pods that would turn the direction keep the count', current: 3, requests: ['1', '1', '1'], levels: [400, 500, 700], readiness: ['True', 'False', 'False'], startTime: [COOL, HOT, HOT], target: 30, want: { replicas: 3, utilization: 40, raw: 800 } },
  { name: 'failed pods are ignored', current: 2, requests: ['1', '1', '1', '1'], levels: [500, 700], readiness: ['True', 'True', 'False', 'False'], phase: ['Running', 'Running', 'Failed', 'Failed'], target: 30, want: { replicas: 4, utilization: 60, raw: 1200 } },
  { name: 'pods being deleted are ignored', current: 2, requests: ['1', '1', '1', '1'], levels: [500, 700], readiness: ['True', 'True', 'False', 'False'], deleting: [false, false, true, true], target: 30, want: { replicas: 4, utilization: 60, raw: 1200 } },
  { name: 'scale down', current: 5, requests: ['1', '1', '1', '1', '1'], levels: [100, 300, 500, 250, 250], target: 50, want: { replicas: 3, utilization: 28, raw: 560 } },
  { name: 'scale down leaves unready pods out', current: 5, requests: ['1', '1', '1', '1', '1'], levels: [100, 300, 500, 250, 250], readiness: ['True', 'True', 'True', 'False', 'False'], target: 50, want: { replicas: 2, utilization: 30, raw: 600 } },
  { name: 'scale down leaves pending pods out', current: 5, requests: ['1', '1', '1', '1', '1'], levels: [100], readiness: ['True', 'False', 'False', 'False', 'False'], phase: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'], target: 50, want: { replicas: 1, utilization: 10, raw: 200 } },
  { name: 'within the tolerance the count stays', current: 3, requests: ['0.9', '1', '1.1'], levels: [1010, 1030, 1020], target: 100, want: { replicas: 3, utilization: 102, raw: 2040 } },
  { name: 'a scale down takes pods without metrics as using their whole request', current: 4, requests: ['1', '1', '1', '1'], levels: [400, 95], target: 100, want: { replicas: 3, utilization: 24, raw: 495 } },
  { name: 'a scale up takes pods without metrics as using nothing', current: 3, requests: ['1', '1', '1'], levels: [900, 900], target: 50, want: { replicas: 4, utilization: 90, raw: 1800 } },
  { name: 'missing metrics that would turn a scale down around keep the count', current: 3, requests: ['1', '1', '1'], levels: [400, 400], target: 50, want: { replicas: 3, utilization: 40, raw: 800 } },
  { name: 'metrics of pods it does not know match nothing', current: 1, requests: ['1'], levels: [], target: 100, want: { error: NO_METRICS } },
  { name: 'a pod without a request is an error', current: 2, requests: ['1'], levels: [100, 100], target: 50, want: { error: 'missing request for cpu in container container1 of Pod test-pod-1' } },
  { name: 'every pod unready is an error', current: 2, requests: ['1', '1'], levels: [100, 100], readiness: ['False', 'False'], target: 50, want: { error: NO_METRICS } },
  { name: 'no pods is an error', current: 0, requests: [], levels: [], target: 50, want: { error: NO_PODS } },
];

for (const c of cases) {
  test(`resourceReplicas: ${c.name}`, () => {
    const { pods, metrics } = fixture(c);
    const got = resourceReplicas({ currentReplicas: c.current, resource: 'cpu', pods, metrics, now: NOW }, c.target);
    if ('error' in c.want) assert.deepEqual(got, c.want);
    else assert.deepEqual(got, { replicas: c.want.replicas, utilization: c.want.utilization, rawUtilization: c.want.raw });
  });
}

test('resourceReplicas counts only the named container of a ContainerResource metric', () => {
  const { pods } = fixture({ current: 3, requests: ['1', '1', '1'], levels: [] });
  const metrics = new Map([300, 500, 700].map((v, i) => [`test-pod-${i}`, { value: v, timestamp: NOW, windowMs: 60_000 }]));
  assert.deepEqual(resourceReplicas({ currentReplicas: 3, resource: 'cpu', container: 'container2', pods, metrics, now: NOW }, 30), { replicas: 5, utilization: 50, rawUtilization: 500 });
});

test('rawResourceReplicas scales on the average value per pod, with the same tolerance and missing-pod rules', () => {
  const { pods, metrics } = fixture({ current: 5, requests: [], levels: [6000, 6000, 6000, 6000, 6000] });
  assert.deepEqual(rawResourceReplicas({ currentReplicas: 5, resource: 'cpu', pods, metrics, now: NOW }, 20_000), { replicas: 3, usage: 12_000 });
  assert.deepEqual(rawResourceReplicas({ currentReplicas: 5, resource: 'cpu', pods, metrics, now: NOW }, 11_500), { replicas: 5, usage: 12_000 });
  const missing = fixture({ current: 4, requests: [], levels: [10_000, 10_000] });
  // Up: the two pods without metrics count as 0, so the average is 10000 against 5000: 2 × 4 pods.
  assert.deepEqual(rawResourceReplicas({ currentReplicas: 4, resource: 'cpu', pods: missing.pods, metrics: missing.metrics, now: NOW }, 5000), { replicas: 8, usage: 20_000 });
  // Down: they count as using the target, so 20000, 20000, 40000, 40000 average 30000 against 40000: 0.75 × 4 pods.
  assert.deepEqual(rawResourceReplicas({ currentReplicas: 4, resource: 'cpu', pods: missing.pods, metrics: missing.metrics, now: NOW }, 40_000), { replicas: 3, usage: 20_000 });
});
