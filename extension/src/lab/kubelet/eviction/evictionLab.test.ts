import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Deployment, type Event, type Node, type Pod } from '../../api/types';
import { DEPLOYMENTS, EVENTS, NODES, PODS } from '../../client/resources';
import type { ManualClock } from '../../clock';
import type { Lab } from '../../lab';
import { runControl } from '../../labControl';
import { MEMORY_USAGE_ANNOTATION } from '../../metrics/usageProfile';
import { startTestLab } from '../../testLab';
import { PRESSURE_TRANSITION_PERIOD_MS } from './evictionManager';

async function step(clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) await clock.advance(1_000);
}

async function pods(lab: Lab, selector: string): Promise<Pod[]> {
  const list = await lab.client().list<Pod>(PODS, 'default', { labelSelector: selector });
  assert.ok(!isStatus(list));
  return list.items;
}

async function node(lab: Lab, name: string): Promise<Node> {
  const n = await lab.client().get<Node>(NODES, '', name);
  assert.ok(!isStatus(n));
  return n;
}

/** hog is a Deployment of one best-effort nginx whose working set is 200Mi. */
const hog: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hog', namespace: 'default' },
  spec: {
    replicas: 1, selector: { matchLabels: { app: 'hog' } },
    template: { metadata: { labels: { app: 'hog' }, annotations: { [MEMORY_USAGE_ANNOTATION]: '200Mi' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
  },
};

test('a node whose memory is filled reports MemoryPressure, is tainted, evicts the pod over its requests first, and recovers after the transition period', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, hog)));
  await step(clock, 20);
  const [victim] = await pods(lab, 'app=hog');
  const target = victim.spec.nodeName ?? '';
  assert.ok(target, 'the hog runs');
  // A pod within its requests on the same node, which must outlast the hog.
  const steady: Pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'steady', namespace: 'default', labels: { app: 'steady' } },
    spec: { nodeName: target, containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { memory: '256Mi' } } }] },
  };
  assert.ok(!isStatus(await client.create(PODS, steady)));
  await step(clock, 15);
  assert.equal((await node(lab, target)).status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status, 'False');

  const filled = await runControl(lab, { op: 'fillNodeMemory', name: target });
  assert.ok(!('error' in filled), JSON.stringify(filled));
  await step(clock, 25);

  const pressured = await node(lab, target);
  const condition = pressured.status?.conditions?.find((c) => c.type === 'MemoryPressure');
  assert.deepEqual([condition?.status, condition?.reason, condition?.message], ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available']);
  assert.ok(pressured.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/memory-pressure' && t.effect === 'NoSchedule'), JSON.stringify(pressured.spec?.taints));

  const evicted = await client.get<Pod>(PODS, 'default', victim.metadata.name ?? '');
  assert.ok(!isStatus(evicted));
  assert.equal(evicted.status?.phase, 'Failed');
  assert.equal(evicted.status?.reason, 'Evicted');
  const message = evicted.status?.message ?? '';
  assert.match(message, /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. Container nginx was using \d+Ki, request is 0, has larger consumption of memory\. $/);
  const disruption = evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.deepEqual([disruption?.status, disruption?.reason, disruption?.message], ['True', 'TerminationByKubelet', message]);
  assert.equal(evicted.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodFailed');
  assert.ok(evicted.status?.containerStatuses?.[0]?.state.terminated, 'the container is not restarted');
  const events = await client.list<Event>(EVENTS, 'default');
  assert.ok(!isStatus(events));
  assert.ok(events.items.some((e) => e.reason === 'Evicted' && e.type === 'Warning' && e.involvedObject.name === victim.metadata.name && e.message === message));
  const nodeEvents = await client.list<Event>(EVENTS, 'default', { fieldSelector: `involvedObject.name=${target}` });
  assert.ok(!isStatus(nodeEvents));
  const reasons = nodeEvents.items.map((e) => e.reason);
  assert.ok(reasons.includes('EvictionThresholdMet'), JSON.stringify(reasons));
  assert.ok(nodeEvents.items.some((e) => e.reason === 'NodeHasInsufficientMemory' && e.message === `Node ${target} status is now: NodeHasInsufficientMemory`), JSON.stringify(reasons));

  // The ReplicaSet replaces the evicted pod, on the other node: the taint keeps it off this one.
  const replacement = (await pods(lab, 'app=hog')).find((p) => p.metadata.uid !== victim.metadata.uid);
  assert.ok(replacement, 'a replacement was made');
  assert.ok(replacement.spec.nodeName && replacement.spec.nodeName !== target, `replacement on ${replacement.spec.nodeName ?? 'no node'}`);
  const stillSteady = await client.get<Pod>(PODS, 'default', 'steady');
  assert.ok(!isStatus(stillSteady));
  assert.equal(stillSteady.status?.phase, 'Running', 'the pod within its requests is not evicted');

  // Under memory pressure the kubelet refuses a new best-effort pod bound to it, and admits one with requests.
  const bound = (name: string, requests?: { memory: string }): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { nodeName: target, containers: [{ name: 'app', image: 'nginx:1.27', ...(requests ? { resources: { requests } } : {}) }] },
  });
  assert.ok(!isStatus(await client.create(PODS, bound('late'))));
  assert.ok(!isStatus(await client.create(PODS, bound('late-burstable', { memory: '16Mi' }))));
  await step(clock, 5);
  const late = await client.get<Pod>(PODS, 'default', 'late');
  assert.ok(!isStatus(late));
  assert.deepEqual([late.status?.phase, late.status?.reason, late.status?.message], ['Failed', 'Evicted', 'Pod was rejected: The node had condition: [MemoryPressure]. ']);
  const admitted = await client.get<Pod>(PODS, 'default', 'late-burstable');
  assert.ok(!isStatus(admitted));
  assert.equal(admitted.status?.phase, 'Running');

  // Released, the pressure holds for the transition period after it was last observed, then clears.
  const released = await runControl(lab, { op: 'releaseNodeMemory', name: target });
  assert.ok(!('error' in released), JSON.stringify(released));
  await step(clock, 60);
  assert.equal((await node(lab, target)).status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status, 'True', 'still within the transition period');
  await step(clock, PRESSURE_TRANSITION_PERIOD_MS / 1000);
  const calm = await node(lab, target);
  const after = calm.status?.conditions?.find((c) => c.type === 'MemoryPressure');
  assert.deepEqual([after?.status, after?.reason], ['False', 'KubeletHasSufficientMemory']);
  assert.ok(!calm.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/memory-pressure'), 'the taint is gone');
  const steadyAtEnd = await client.get<Pod>(PODS, 'default', 'steady');
  assert.ok(!isStatus(steadyAtEnd));
  assert.equal(steadyAtEnd.status?.phase, 'Running');
  lab.stop();
});
