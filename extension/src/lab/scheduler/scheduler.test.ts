/**
 * The scheduler in a whole lab on a manual clock: profiles from the
 * kube-scheduler-config ConfigMap, a pod naming a scheduler nobody runs,
 * manual nodeName, FailedScheduling, decisions read and watched through the
 * API, and the hand-over between two replicas.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { EVENTS, PODS } from '../client/resources';
import { KUBE_SCHEDULER_LEASE } from '../lab';
import { startTestLab } from '../testLab';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION, type SchedulingDecision } from './decision';
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
  assert.deepEqual(d.filter.rejected.map((r) => [r.plugin, r.reasons]), [['NodeResourcesFit', ['Insufficient cpu']], ['NodeResourcesFit', ['Insufficient cpu']], ['NodeResourcesFit', ['Insufficient cpu']]]);
  const ok = seen.find((x) => x.pod.name === 'small');
  assert.ok(ok?.node && ok.score);
  assert.equal(ok.score.nodes.length, 3);
  const fit = ok.score.plugins.find((p) => p.name === 'NodeResourcesFit');
  assert.ok(fit && fit.weighted.every((v, i) => v === fit.normalized[i] * fit.weight));
  const best = Math.max(...ok.score.totals);
  assert.equal(ok.score.totals[ok.score.nodes.indexOf(ok.node)], best);
  // Room appears: the pod short of cpu is retried when a node is added.
  w.cancel();
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
