/**
 * PodTopologySpread and InterPodAffinity in a whole lab on a manual clock:
 * nodes labelled with zones (the lab's kubelets set only hostname, os and
 * arch, as a bare kubeadm node; a test labels zones as a cloud provider
 * would), pods spread 2/2/2 across three zones and a pod that would skew a
 * zone stays Pending with upstream's message, required anti-affinity per
 * hostname leaves a fourth replica Pending, pod affinity co-locates, and the
 * system default constraints spread a Deployment's pods over nodes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Deployment, type Node, type Pod, isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { DEPLOYMENTS, NODES, PODS, type ResourceRef } from '../client/resources';
import { startTestLab } from '../testLab';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION, type SchedulingDecision, normalizedScores } from './decision';

const DECISIONS: ResourceRef = { group: DECISION_GROUP, version: DECISION_VERSION, resource: DECISION_RESOURCE, namespaced: true };
const ZONE = 'topology.kubernetes.io/zone';
const HOSTNAME = 'kubernetes.io/hostname';

async function must<T>(p: Promise<unknown>): Promise<T> {
  const r = await p;
  assert.ok(!isStatus(r), `API call failed: ${JSON.stringify(r)}`);
  return r as T;
}

async function labelZones(client: KubeClient, zones: Record<string, string>): Promise<void> {
  for (const [name, zone] of Object.entries(zones)) {
    const n = await must<Node>(client.get<Node>(NODES, '', name));
    await must(client.update(NODES, { ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, [ZONE]: zone } } }));
  }
}

async function podsNamed(client: KubeClient, prefix: string): Promise<Pod[]> {
  const list = await must<{ items: Pod[] }>(client.list<Pod>(PODS, 'default'));
  return list.items.filter((p) => p.metadata.name?.startsWith(prefix));
}

const spreadPod = (name: string, cpu: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'spread' } },
  spec: {
    containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu } } }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }],
  },
});

function scheduledCondition(p: Pod | undefined) {
  return p?.status?.conditions?.find((c) => c.type === 'PodScheduled');
}

test('topology spread across zones: maxSkew 1 puts 6 pods 2/2/2; with a zone full, the pod that would skew the others stays Pending', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await clock.advance(2000);
  await labelZones(client, { 'node-1': 'zone-a', 'node-2': 'zone-b', 'node-3': 'zone-c' });
  for (let i = 0; i < 6; i++) {
    await must(client.create(PODS, spreadPod(`spread-${i}`, '500m')));
    await clock.advance(200);
  }
  await clock.advance(2000);
  const placed = await podsNamed(client, 'spread-');
  const perNode = new Map<string, number>();
  for (const p of placed) perNode.set(p.spec.nodeName ?? '', (perNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
  assert.deepEqual([...perNode].sort(), [['node-1', 2], ['node-2', 2], ['node-3', 2]]);

  // zone-c fills up: a pod bound there by hand takes what is left of its CPU.
  await must(client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'filler', namespace: 'default' }, spec: { nodeName: 'node-3', containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '2900m' } } }] } }));
  await clock.advance(2000);
  // zone-a and zone-b may each take one more (3 − 2 = 1 = maxSkew)…
  for (const name of ['spread-6', 'spread-7']) {
    await must(client.create(PODS, spreadPod(name, '500m')));
    await clock.advance(1000);
  }
  const more = (await podsNamed(client, 'spread-')).filter((p) => ['spread-6', 'spread-7'].includes(p.metadata.name ?? ''));
  assert.deepEqual(more.map((p) => p.spec.nodeName).sort(), ['node-1', 'node-2']);
  // …but a ninth would make 4 against zone-c's 2.
  await must(client.create(PODS, spreadPod('spread-8', '500m')));
  await clock.advance(3000);
  const pending = (await podsNamed(client, 'spread-8'))[0];
  assert.equal(pending?.spec.nodeName, undefined);
  assert.equal(scheduledCondition(pending)?.reason, 'Unschedulable');
  assert.equal(
    scheduledCondition(pending)?.message,
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
  );
  lab.stop();
});

const antiAffinityDeployment = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.27' }],
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: HOSTNAME }] } },
      },
    },
  },
});

test('required anti-affinity per hostname: three replicas on three nodes, the fourth stays Pending with upstream message', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await clock.advance(2000);
  await must(client.create(DEPLOYMENTS, antiAffinityDeployment(4)));
  await clock.advance(5000);
  const pods = await podsNamed(client, 'web-');
  assert.equal(pods.length, 4);
  const bound = pods.filter((p) => p.spec.nodeName);
  assert.deepEqual(bound.map((p) => p.spec.nodeName).sort(), ['node-1', 'node-2', 'node-3']);
  const pending = pods.find((p) => !p.spec.nodeName);
  assert.equal(
    scheduledCondition(pending)?.message,
    "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
  );

  // Deleting a replica frees its node: the pending one takes it (AssignedPodDelete with the anti-affinity hint).
  const victim = bound[0];
  await must(client.delete(PODS, 'default', victim.metadata.name ?? '', { gracePeriodSeconds: 0 }));
  await clock.advance(15_000);
  const after = await podsNamed(client, 'web-');
  assert.equal(after.find((p) => p.metadata.name === pending?.metadata.name)?.spec.nodeName, victim.spec.nodeName, 'the pending replica takes the freed node');
  assert.deepEqual(after.filter((p) => p.spec.nodeName).map((p) => p.spec.nodeName).sort(), ['node-1', 'node-2', 'node-3']);
  lab.stop();
});

test("an incoming pod is kept off a node whose pod's anti-affinity names it", async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  await clock.advance(2000);
  await must(client.create(PODS, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loner', namespace: 'default', labels: { app: 'loner' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx:1.27' }], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'noisy' } }, topologyKey: HOSTNAME }] } } },
  }));
  await clock.advance(2000);
  for (let i = 0; i < 3; i++) await must(client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `noisy-${i}`, namespace: 'default', labels: { app: 'noisy' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }));
  await clock.advance(3000);
  assert.deepEqual((await podsNamed(client, 'noisy-')).map((p) => p.spec.nodeName), ['node-2', 'node-2', 'node-2']);
  lab.stop();
});

test('pod affinity co-locates: pods that require app=cache on their hostname join the cache pod, and the first of a self-affine group goes anywhere', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await clock.advance(2000);
  await must(client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cache', namespace: 'default', labels: { app: 'cache' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }));
  await clock.advance(2000);
  const cacheNode = (await podsNamed(client, 'cache'))[0]?.spec.nodeName;
  assert.ok(cacheNode);
  const withCache = (name: string, labels: Record<string, string>, selector: Record<string, string>): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: HOSTNAME }] } } },
  });
  for (let i = 0; i < 4; i++) await must(client.create(PODS, withCache(`app-${i}`, { app: 'app' }, { app: 'cache' })));
  await clock.advance(3000);
  assert.deepEqual((await podsNamed(client, 'app-')).map((p) => p.spec.nodeName), [cacheNode, cacheNode, cacheNode, cacheNode]);

  // A group with affinity to itself: the first member goes anywhere, the others follow it.
  for (let i = 0; i < 3; i++) {
    await must(client.create(PODS, withCache(`herd-${i}`, { app: 'herd' }, { app: 'herd' })));
    await clock.advance(1000);
  }
  const herd = (await podsNamed(client, 'herd-')).map((p) => p.spec.nodeName);
  assert.ok(herd[0]);
  assert.deepEqual(herd, [herd[0], herd[0], herd[0]]);

  // Affinity to pods that exist nowhere: Pending, UnschedulableAndUnresolvable so preemption cannot help.
  await must(client.create(PODS, withCache('orphan', { app: 'orphan' }, { app: 'nowhere' })));
  await clock.advance(2000);
  const orphan = (await podsNamed(client, 'orphan'))[0];
  assert.equal(
    scheduledCondition(orphan)?.message,
    "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
  );
  lab.stop();
});

test("system default spreading (ScheduleAnyway, the Service and ReplicaSet's selector) spreads a Deployment's replicas over the nodes", async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await clock.advance(2000);
  await labelZones(client, { 'node-1': 'zone-a', 'node-2': 'zone-b', 'node-3': 'zone-c' });
  await must(client.create(DEPLOYMENTS, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'spread', namespace: 'default' },
    spec: { replicas: 6, selector: { matchLabels: { app: 'spread' } }, template: { metadata: { labels: { app: 'spread' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
  } satisfies Deployment));
  await clock.advance(6000);
  const perNode = new Map<string, number>();
  for (const p of await podsNamed(client, 'spread-')) perNode.set(p.spec.nodeName ?? '', (perNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
  assert.deepEqual([...perNode.values()].sort(), [2, 2, 2]);
  // Each decision scored PodTopologySpread (weight 2) and the chosen node had its best spread score.
  const decisions = await must<{ items: SchedulingDecision[] }>(client.list<SchedulingDecision>(DECISIONS, 'default'));
  const scored = decisions.items.filter((d) => d.pod.name.startsWith('spread-') && d.result === 'Scheduled' && d.score);
  assert.equal(scored.length, 6, 'every replica had three nodes to score');
  for (const d of scored) {
    const spread = d.score?.plugins.find((x) => x.name === 'PodTopologySpread');
    assert.equal(spread?.weight, 2);
    assert.ok(spread);
    const chosen = d.filter.feasible.indexOf(d.node ?? '');
    assert.equal(normalizedScores(spread)[chosen], Math.max(...normalizedScores(spread)));
  }
  assert.ok(scored.some((d) => new Set(normalizedScores(d.score?.plugins.find((x) => x.name === 'PodTopologySpread') ?? { name: '', weight: 0, raw: [] })).size > 1), 'the spread scores told the nodes apart');
  lab.stop();
});
