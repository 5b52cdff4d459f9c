/**
 * The scheduler in a whole lab on a manual clock: profiles from the
 * kube-scheduler-config ConfigMap, a pod naming a scheduler nobody runs,
 * manual nodeName, FailedScheduling, decisions read and watched through the
 * API, and the hand-over between two replicas.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Node, type Pod, isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { EVENTS, NODES, PODS } from '../client/resources';
import { KUBE_SCHEDULER_LEASE } from '../lab';
import { startTestLab } from '../testLab';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION, type SchedulingDecision, normalizedScores, weightedScores } from './decision';
import { SCHEDULER_CONFIG_NAME } from './scheduler';

const DECISIONS = { group: DECISION_GROUP, version: DECISION_VERSION, resource: DECISION_RESOURCE, namespaced: true };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

const pod = (name: string, spec: Partial<Pod['spec']> = {}, cpu = '100m'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu } } }], ...spec },
});

async function get(client: KubeClient, name: string): Promise<Pod> {
  const p = await client.get<Pod>(PODS, 'default', name);
  assert.ok(!isStatus(p), `pod ${name}`);
  return p;
}

async function events(client: KubeClient, name: string, reason: string): Promise<{ message?: string; source?: { component?: string } }[]> {
  const list = await client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>(EVENTS, 'default');
  assert.ok(!isStatus(list));
  return list.items.filter((e) => e.involvedObject?.name === name && e.reason === reason);
}

const twoProfiles = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: no-scoring
  plugins:
    score:
      disabled:
      - name: "*"
`;

test('one scheduler runs every profile of its ConfigMap; a pod for a scheduler nobody runs stays Pending untouched; nodeName bypasses it', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await clock.advance(2000);
  assert.ok(!isStatus(await client.create(PODS, pod('orphan', { schedulerName: 'no-scoring' }))));
  assert.ok(!isStatus(await client.create(PODS, pod('manual', { nodeName: 'node-2' }))));
  await clock.advance(3000);
  const orphan = await get(client, 'orphan');
  assert.equal(orphan.spec.nodeName, undefined);
  assert.equal(orphan.status?.conditions?.find((c) => c.type === 'PodScheduled'), undefined, 'no scheduler writes to a pod it does not own');
  assert.equal((await get(client, 'manual')).spec.nodeName, 'node-2');

  // An invalid configuration is refused with a Warning event; the old one stays.
  assert.ok(!isStatus(await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: SCHEDULER_CONFIG_NAME, namespace: 'kube-system' }, data: { 'config.yaml': `${twoProfiles}percentageOfNodesToScore: 120\n` } })));
  await clock.advance(1000);
  const list = await client.list<KubeObject & { reason?: string; message?: string }>(EVENTS, 'kube-system');
  assert.ok(!isStatus(list));
  assert.ok(list.items.some((e) => e.reason === 'InvalidConfiguration' && e.message?.endsWith('percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]')));
  assert.equal((await get(client, 'orphan')).spec.nodeName, undefined);

  const cm = await client.get<KubeObject & { data?: Record<string, string> }>(CONFIGMAPS, 'kube-system', SCHEDULER_CONFIG_NAME);
  assert.ok(!isStatus(cm));
  assert.ok(!isStatus(await client.update(CONFIGMAPS, { ...cm, data: { 'config.yaml': twoProfiles } })));
  await clock.advance(3000);
  assert.ok((await get(client, 'orphan')).spec.nodeName, 'the new profile picked the pod up');
  const scheduled = await events(client, 'orphan', 'Scheduled');
  assert.equal(scheduled[0]?.source?.component, 'no-scoring');
  const decisions = await client.list<SchedulingDecision>(DECISIONS, 'default', { labelSelector: 'lab.kubelab.dev/pod=orphan' });
  assert.ok(!isStatus(decisions));
  assert.equal(decisions.items.length, 1);
  assert.equal(decisions.items[0].profile, 'no-scoring');
  assert.equal(decisions.items[0].score, undefined, 'a profile without score plugins scores nothing');
  const manual = await client.list<SchedulingDecision>(DECISIONS, 'default', { labelSelector: 'lab.kubelab.dev/pod=manual' });
  assert.ok(!isStatus(manual));
  assert.equal(manual.items.length, 0);
  lab.stop();
});

test('an unschedulable pod gets FailedScheduling with the aggregated message, and its decisions explain each node', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await clock.advance(2000);
  const seen: SchedulingDecision[] = [];
  const w = await client.watch<SchedulingDecision>(DECISIONS, 'default', {}, (e) => {
    if (e.type === 'ADDED' && !isStatus(e.object)) seen.push(e.object);
  }, () => undefined);
  assert.ok(!isStatus(await client.create(PODS, pod('huge', {}, '64'))));
  assert.ok(!isStatus(await client.create(PODS, pod('small'))));
  await clock.advance(3000);
  const huge = await get(client, 'huge');
  const cond = huge.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'Unschedulable');
  // Every node failed with Unschedulable, so DefaultPreemption looked, and found nothing of lower priority to evict.
  const fitError = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  assert.equal(cond?.message, fitError);
  assert.equal((await events(client, 'huge', 'FailedScheduling'))[0]?.message, fitError);
  const d = seen.find((x) => x.pod.name === 'huge');
  assert.ok(d, 'the watch saw the decision');
  assert.equal(d.result, 'Unschedulable');
  assert.deepEqual(d.filter.rejected.map((r) => [r.plugin, r.reasons, r.nodes.length]), [['NodeResourcesFit', ['Insufficient cpu'], 3]], 'the three nodes rejected alike are one group');
  const ok = seen.find((x) => x.pod.name === 'small');
  assert.ok(ok?.node && ok.score);
  assert.equal(ok.filter.feasible.length, 3);
  assert.ok(ok.score.plugins.every((p) => p.raw.length === 3 && normalizedScores(p).length === 3));
  const fit = ok.score.plugins.find((p) => p.name === 'NodeResourcesFit');
  assert.ok(fit && !fit.normalized, 'NodeResourcesFit does not normalize: its raw scores are the normalized ones');
  assert.ok(weightedScores(fit).every((v, i) => v === fit.raw[i] * fit.weight));
  const taints = ok.score.plugins.find((p) => p.name === 'TaintToleration');
  assert.deepEqual(taints && normalizedScores(taints), [100, 100, 100], 'TaintToleration normalizes 0 intolerable taints to the best score');
  const totals = ok.filter.feasible.map((_, i) => ok.score?.plugins.reduce((sum, p) => sum + weightedScores(p)[i], 0));
  assert.deepEqual(ok.score.totals, totals);
  const best = Math.max(...ok.score.totals);
  assert.equal(ok.score.totals[ok.filter.feasible.indexOf(ok.node)], best);
  // Room appears: the pod short of cpu is retried when a node is added.
  w.cancel();
  lab.stop();
});

test('a node deleted requeues the pods it may help: a spread held back by an empty zone schedules once the zone is gone', async () => {
  const { lab, clock } = await startTestLab(0);
  const client = lab.client();
  const node = (name: string, zone: string, unschedulable: boolean): Node => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } }, spec: unschedulable ? { unschedulable } : {},
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  });
  assert.ok(!isStatus(await client.create(NODES, node('a1', 'zone-a', false))));
  assert.ok(!isStatus(await client.create(NODES, node('b1', 'zone-b', true))));
  const labelled = (name: string, spec: Partial<Pod['spec']>): Pod => ({ ...pod(name, spec), metadata: { name, namespace: 'default', labels: { app: 's' } } });
  assert.ok(!isStatus(await client.create(PODS, labelled('first', { nodeName: 'a1' }))));
  await clock.advance(1000);
  const spread = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 's' } } };
  assert.ok(!isStatus(await client.create(PODS, labelled('second', { topologySpreadConstraints: [spread] }))));
  await clock.advance(2000);
  assert.equal((await get(client, 'second')).spec.nodeName, undefined, 'zone-b, cordoned, still counts 0 pods: a1 would skew the zones by 2');
  const deleted = await client.delete(NODES, '', 'b1');
  assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
  // Well within the 5 minutes after which unschedulable pods are retried anyway: only the NodeDelete event moves it.
  await clock.advance(15_000);
  assert.equal((await get(client, 'second')).spec.nodeName, 'a1');
  lab.stop();
});

test('two scheduler replicas: stopping the leader hands the lease to the other, which schedules', async () => {
  const { lab, clock } = await startTestLab(2, 7, { schedulerReplicas: 2 });
  const client = lab.client();
  await clock.advance(2000);
  const first = lab.leaders().filter((l) => l.lease === KUBE_SCHEDULER_LEASE);
  assert.equal(first.length, 1);
  const stopped = await lab.stopLeader(KUBE_SCHEDULER_LEASE);
  assert.deepEqual(stopped, { identity: first[0].identity });
  assert.ok(!isStatus(await client.create(PODS, pod('after'))));
  await clock.advance(8000);
  const now = lab.leaders().filter((l) => l.lease === KUBE_SCHEDULER_LEASE);
  assert.equal(now.length, 1);
  assert.notEqual(now[0].identity, first[0].identity);
  assert.ok((await get(client, 'after')).spec.nodeName, 'the new leader scheduled the pod');
  assert.deepEqual(await lab.stopLeader('nope'), { error: 'no replica holds the nope lease' });
  lab.stop();
});
