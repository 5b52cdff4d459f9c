/**
 * Preemption and volume scheduling in a whole lab on a manual clock: a
 * higher-priority pod evicts a lower one from a full node (DisruptionTarget,
 * deletion, nomination, then binding), a PodDisruptionBudget steers the choice
 * to another node, preemptionPolicy Never stays Pending with upstream's
 * message, and a pod with a WaitForFirstConsumer claim gets it provisioned on
 * the node chosen for it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { EVENTS, PERSISTENTVOLUMECLAIMS, PODDISRUPTIONBUDGETS, PODS, type ResourceRef } from '../client/resources';
import { ANN_SELECTED_NODE, type PersistentVolumeClaim } from '../controllers/persistentVolumeUtil';
import { startTestLab } from '../testLab';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION, type SchedulingDecision } from './decision';

const PRIORITYCLASSES: ResourceRef = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false };
const DECISIONS: ResourceRef = { group: DECISION_GROUP, version: DECISION_VERSION, resource: DECISION_RESOURCE, namespaced: true };

const pod = (name: string, cpu: string, extra: Partial<Pod['spec']> = {}, labels?: Record<string, string>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu } } }], ...extra },
});

async function must<T>(p: Promise<unknown>): Promise<T> {
  const r = await p;
  assert.ok(!isStatus(r), `API call failed: ${JSON.stringify(r)}`);
  return r as T;
}

async function getPod(client: KubeClient, name: string): Promise<Pod | undefined> {
  const p = await client.get<Pod>(PODS, 'default', name);
  return isStatus(p) ? undefined : p;
}

async function priorityClass(client: KubeClient, name: string, value: number, never = false): Promise<void> {
  await must(client.create(PRIORITYCLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...(never ? { preemptionPolicy: 'Never' } : {}) }));
}

const small = { nodeCapacity: { cpu: '2', memory: '8Gi', pods: '110' } };

test('a high-priority pod preempts a low-priority one on a full node: DisruptionTarget, deletion, nomination, then binding', async () => {
  const { lab, clock } = await startTestLab(1, 7, small);
  const client = lab.client();
  await clock.advance(2000);
  await priorityClass(client, 'high', 1000);
  await must(client.create(PODS, pod('low', '1500m')));
  await clock.advance(3000);
  assert.equal((await getPod(client, 'low'))?.spec.nodeName, 'node-1');

  // The victim's changes, as a watch sees them.
  const seen: Pod[] = [];
  const w = await client.watch<Pod>(PODS, 'default', { fieldSelector: 'metadata.name=low' }, (e) => {
    if (!isStatus(e.object)) seen.push(e.object);
  }, () => undefined);
  await must(client.create(PODS, pod('high', '1500m', { priorityClassName: 'high' })));
  await clock.advance(500);
  const high = await getPod(client, 'high');
  assert.equal(high?.status?.nominatedNodeName, 'node-1', 'the preemptor is nominated to the node');
  assert.equal(high?.spec.nodeName, undefined, 'and waits for its victim to go');
  const marked = seen.find((p) => p.status?.conditions?.some((c) => c.type === 'DisruptionTarget'));
  const cond = marked?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['True', 'PreemptionByScheduler', 'default-scheduler: preempting to accommodate a higher priority pod']);
  assert.ok(seen.some((p) => p.metadata.deletionTimestamp), 'the victim is deleted');
  const evs = await must<{ items: (KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } })[] }>(client.list(EVENTS, 'default'));
  const preempted = evs.items.find((e) => e.reason === 'Preempted' && e.involvedObject?.name === 'low');
  assert.equal(preempted?.message, `Preempted by pod ${high?.metadata.uid ?? ''} on node node-1`);
  const decisions = await must<{ items: SchedulingDecision[] }>(client.list(DECISIONS, 'default'));
  const d = decisions.items.find((x) => x.pod.name === 'high' && x.postFilter);
  assert.deepEqual([d?.postFilter?.nominatedNodeName, d?.postFilter?.victims], ['node-1', [{ namespace: 'default', name: 'low' }]]);

  // The victim's grace period ends, it is gone, and the preemptor is bound where it was nominated.
  await clock.advance(40_000);
  assert.equal(await getPod(client, 'low'), undefined);
  assert.equal((await getPod(client, 'high'))?.spec.nodeName, 'node-1');
  w.cancel();
  lab.stop();
});

test('a PodDisruptionBudget protects its pod when another node can be freed instead', async () => {
  const { lab, clock } = await startTestLab(2, 7, small);
  const client = lab.client();
  await clock.advance(2000);
  await priorityClass(client, 'high', 1000);
  await must(client.create(PODDISRUPTIONBUDGETS, {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' },
    spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'db' } } },
  }));
  await must(client.create(PODS, pod('db', '1700m', { nodeName: 'node-1' }, { app: 'db' })));
  await must(client.create(PODS, pod('web', '1700m', { nodeName: 'node-2' }, { app: 'web' })));
  await clock.advance(5000);
  await must(client.create(PODS, pod('high', '1500m', { priorityClassName: 'high' })));
  await clock.advance(500);
  assert.equal((await getPod(client, 'high'))?.status?.nominatedNodeName, 'node-2');
  assert.equal((await getPod(client, 'db'))?.metadata.deletionTimestamp, undefined, 'the budgeted pod is spared');
  const web = await getPod(client, 'web');
  assert.ok(!web || web.metadata.deletionTimestamp, `the other is evicted: ${JSON.stringify(web?.status?.conditions)}`);
  await clock.advance(40_000);
  assert.equal((await getPod(client, 'high'))?.spec.nodeName, 'node-2');
  lab.stop();
});

test('preemptionPolicy Never stays Pending with upstream\'s message and evicts nobody', async () => {
  const { lab, clock } = await startTestLab(1, 7, small);
  const client = lab.client();
  await clock.advance(2000);
  await priorityClass(client, 'polite', 1000, true);
  await must(client.create(PODS, pod('low', '1500m')));
  await clock.advance(3000);
  await must(client.create(PODS, pod('polite', '1500m', { priorityClassName: 'polite' })));
  await clock.advance(3000);
  const p = await getPod(client, 'polite');
  const cond = p?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  assert.equal(p?.status?.nominatedNodeName, undefined);
  assert.equal((await getPod(client, 'low'))?.metadata.deletionTimestamp, undefined);
  lab.stop();
});

test('a pod with a WaitForFirstConsumer claim gets its claim annotated with the chosen node, provisioned there, then is bound', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  await clock.advance(2000);
  await must(client.create(PERSISTENTVOLUMECLAIMS, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  }));
  await must(client.create(PODS, pod('app', '100m', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] })));
  await clock.advance(1000);
  const claim = await must<PersistentVolumeClaim>(client.get(PERSISTENTVOLUMECLAIMS, 'default', 'data'));
  const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  assert.ok(selected === 'node-1' || selected === 'node-2', `selected-node annotation: ${String(selected)}`);
  for (let i = 0; i < 10 && !(await getPod(client, 'app'))?.spec.nodeName; i++) await clock.advance(1000);
  assert.equal((await getPod(client, 'app'))?.spec.nodeName, selected, 'bound where its volume was provisioned');
  const bound = await must<PersistentVolumeClaim>(client.get(PERSISTENTVOLUMECLAIMS, 'default', 'data'));
  assert.equal(bound.status?.phase, 'Bound');
  lab.stop();
});

test('a pod whose Immediate claim is unbound stays Pending with upstream\'s message', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  await clock.advance(2000);
  await must(client.create({ group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', namespaced: false }, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate',
  }));
  await must(client.create(PERSISTENTVOLUMECLAIMS, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'nothing', namespace: 'default' },
    spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  }));
  await must(client.create(PODS, pod('waits', '100m', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'nothing' } }] })));
  await clock.advance(3000);
  const cond = (await getPod(client, 'waits'))?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.message, '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
  lab.stop();
});
