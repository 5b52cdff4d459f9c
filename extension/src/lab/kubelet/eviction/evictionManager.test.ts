import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Pod } from '../../api/types';
import { ManualClock } from '../../clock';
import { EvictionManager, IMMEDIATE_EVICTION_GRACE_SECONDS, MONITORING_INTERVAL_MS, type Termination } from './evictionManager';
import type { PodStats } from './ranking';
import type { Summary } from './summary';

const Mi = 1024 * 1024;
const CAPACITY = 8192 * Mi;

function pod(name: string, extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: name }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...extra } };
}

/** fakeNode is a kubelet as the manager sees it: pods with working sets, memory left over, and a record of what it was asked. */
function fakeNode(clock: ManualClock, pods: Pod[], usage: Record<string, number>, config: ConstructorParameters<typeof EvictionManager>[1] = {}) {
  const events: { object: string; type: string; reason: string; message: string }[] = [];
  const terminated: { pod: string; grace: number; end: Termination }[] = [];
  const state = { availableBytes: 50 * Mi };
  const manager = new EvictionManager({
    clock, nodeName: 'node-1',
    recorder: {
      event: (obj: KubeObject, type, reason, message) => {
        events.push({ object: `${obj.kind ?? ''}/${obj.metadata.name ?? ''}`, type, reason, message });
        return Promise.resolve();
      },
    },
    summary: (): Summary => {
      const stats = new Map<string, PodStats>(pods.filter((p) => usage[p.metadata.name ?? ''] !== undefined).map((p) => {
        const ws = usage[p.metadata.name ?? ''];
        return [p.metadata.uid ?? '', { workingSetBytes: ws, containers: [{ name: 'app', workingSetBytes: ws }] }];
      }));
      const podsWS = [...stats.values()].reduce((s, x) => s + x.workingSetBytes, 0);
      return {
        time: Math.floor(clock.now() / MONITORING_INTERVAL_MS) * MONITORING_INTERVAL_MS,
        node: { availableBytes: state.availableBytes, workingSetBytes: CAPACITY - state.availableBytes },
        allocatable: { availableBytes: CAPACITY - podsWS, workingSetBytes: podsWS },
        pods: stats,
      };
    },
    activePods: () => pods.filter((p) => !terminated.some((t) => t.pod === p.metadata.name)),
    terminate: (p, grace, end) => {
      terminated.push({ pod: p.metadata.name ?? '', grace, end });
      return Promise.resolve();
    },
  }, config);
  return { manager, events, terminated, state };
}

test('evicts one pod per fresh stats, skipping critical pods, with a 1 s grace period for a hard threshold', async () => {
  const clock = new ManualClock(0);
  const pods = [pod('static-ish', { priority: 2_000_001_000 }), pod('hog'), pod('small')];
  const { manager, events, terminated } = fakeNode(clock, pods, { 'static-ish': 900 * Mi, hog: 300 * Mi, small: 20 * Mi });
  assert.equal((await manager.synchronize())?.metadata.name, 'hog');
  assert.equal(manager.isUnderMemoryPressure(), true);
  assert.deepEqual(terminated.map((t) => [t.pod, t.grace, t.end.reason, t.end.condition.type, t.end.condition.reason]), [['hog', IMMEDIATE_EVICTION_GRACE_SECONDS, 'Evicted', 'DisruptionTarget', 'TerminationByKubelet']]);
  assert.deepEqual(events.map((e) => [e.object, e.type, e.reason]), [['Node/node-1', 'Warning', 'EvictionThresholdMet'], ['Pod/hog', 'Warning', 'Evicted']]);
  assert.equal(events[0].message, 'Attempting to reclaim memory');
  assert.equal(events[1].message, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 300Mi, request is 0, has larger consumption of memory. ');
  // The same stats do not evict again; the next housekeeping's do.
  assert.equal(await manager.synchronize(), undefined);
  await clock.advance(MONITORING_INTERVAL_MS);
  assert.equal((await manager.synchronize())?.metadata.name, 'small');
  await clock.advance(MONITORING_INTERVAL_MS);
  assert.equal(await manager.synchronize(), undefined, 'only the critical pod is left');
});

test('the pressure condition outlasts the pressure by the transition period, and admission follows it', async () => {
  const clock = new ManualClock(0);
  const { manager, state } = fakeNode(clock, [], {});
  await manager.synchronize();
  assert.deepEqual(manager.pressure(), ['MemoryPressure']);
  const bestEffort = pod('new');
  const burstable: Pod = { ...pod('burstable'), spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { memory: '10Mi' } } }] } };
  const tolerant = pod('tolerant', { tolerations: [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.deepEqual(manager.admit(bestEffort), { reason: 'Evicted', message: 'The node had condition: [MemoryPressure]. ' });
  assert.equal(manager.admit(burstable), undefined);
  assert.equal(manager.admit(tolerant), undefined);
  state.availableBytes = 2048 * Mi;
  await clock.advance(60_000);
  await manager.synchronize();
  assert.equal(manager.isUnderMemoryPressure(), true, 'within 5 minutes of the last observation');
  await clock.advance(240_000);
  await manager.synchronize();
  assert.equal(manager.isUnderMemoryPressure(), false);
  assert.equal(manager.admit(bestEffort), undefined);
});

test('the loop runs at start and every monitoring interval until stopped', async () => {
  const clock = new ManualClock(0);
  const { manager, events } = fakeNode(clock, [], {});
  manager.start();
  await clock.advance(0);
  assert.equal(events.length, 1, 'the first pass at start');
  await clock.advance(MONITORING_INTERVAL_MS);
  assert.equal(events.length, 2);
  manager.stop();
  await clock.advance(3 * MONITORING_INTERVAL_MS);
  assert.equal(events.length, 2);
});

test('with a minimum reclaim, eviction goes on until the threshold plus the reclaim is available', async () => {
  const clock = new ManualClock(0);
  const { manager, state } = fakeNode(clock, [pod('a'), pod('b'), pod('c')], { a: 300 * Mi, b: 200 * Mi, c: 100 * Mi }, { evictionMinimumReclaim: { 'memory.available': '500Mi' } });
  assert.equal((await manager.synchronize())?.metadata.name, 'a');
  state.availableBytes = 350 * Mi;
  await clock.advance(MONITORING_INTERVAL_MS);
  assert.equal((await manager.synchronize())?.metadata.name, 'b', 'over 100Mi but under 100Mi + 500Mi');
  state.availableBytes = 650 * Mi;
  await clock.advance(MONITORING_INTERVAL_MS);
  assert.equal(await manager.synchronize(), undefined);
  await clock.advance(MONITORING_INTERVAL_MS);
  state.availableBytes = 350 * Mi;
  assert.equal(await manager.synchronize(), undefined, 'resolved: a new start needs the threshold itself');
});
