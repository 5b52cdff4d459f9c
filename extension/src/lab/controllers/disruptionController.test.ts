import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timestamp } from '../api/meta';
import type { Event, KubeObject, Pod } from '../api/types';
import { type Status, isStatus } from '../api/types';
import type { PodDisruptionBudget } from '../apiserver/validation/types/scheduling';
import type { ManualClock } from '../clock';
import type { KubeClient } from '../client/kubeClient';
import { CONFIGMAPS, DEPLOYMENTS, EVENTS, PODDISRUPTIONBUDGETS, PODS } from '../client/resources';
import type { Lab } from '../lab';
import { startTestLab, webDeployment } from '../testLab';

const web = webDeployment();

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

function budget(name: string, spec: PodDisruptionBudget['spec']): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec };
}

async function status(client: KubeClient, name: string): Promise<PodDisruptionBudget['status']> {
  return ok(await client.get<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, 'default', name)).status;
}

/** counts is the status' numbers in upstream's field order, with the condition's status and reason. */
async function counts(client: KubeClient, name: string): Promise<(number | string | undefined)[]> {
  const s = await status(client, name);
  const c = s?.conditions?.find((x) => x.type === 'DisruptionAllowed');
  return [s?.observedGeneration, s?.expectedPods, s?.currentHealthy, s?.desiredHealthy, s?.disruptionsAllowed, c?.status, c?.reason];
}

async function events(client: KubeClient, reason: string): Promise<Event[]> {
  return ok(await client.list<Event>(EVENTS, 'default')).items.filter((e) => e.reason === reason);
}

async function webPods(client: KubeClient): Promise<Pod[]> {
  return ok(await client.list<Pod>(PODS, 'default', { labelSelector: 'app=web' })).items;
}

async function labWithWeb(): Promise<{ lab: Lab; clock: ManualClock; admin: KubeClient }> {
  const { lab, clock } = await startTestLab(3);
  const admin = lab.client();
  ok(await admin.create(DEPLOYMENTS, web));
  await clock.advance(30_000);
  return { lab, clock, admin };
}

test('a budget counts its healthy pods against minAvailable, maxUnavailable or a percentage of the controllers\' scale', async () => {
  const { lab, clock, admin } = await labWithWeb();
  const cases: [string, PodDisruptionBudget['spec'], (number | string)[]][] = [
    ['min-2', { minAvailable: 2 }, [1, 3, 3, 2, 1, 'True', 'SufficientPods']],
    ['min-3', { minAvailable: 3 }, [1, 3, 3, 3, 0, 'False', 'InsufficientPods']],
    ['min-half', { minAvailable: '50%' }, [1, 3, 3, 2, 1, 'True', 'SufficientPods']],
    ['max-1', { maxUnavailable: 1 }, [1, 3, 3, 2, 1, 'True', 'SufficientPods']],
    ['max-34pct', { maxUnavailable: '34%' }, [1, 3, 3, 1, 2, 'True', 'SufficientPods']],
    ['max-all', { maxUnavailable: '100%' }, [1, 3, 3, 0, 3, 'True', 'SufficientPods']],
  ];
  // One budget at a time: a pod under two budgets cannot be evicted, and the controller says so.
  for (const [name, spec, want] of cases) {
    ok(await admin.create(PODDISRUPTIONBUDGETS, budget(name, { selector: { matchLabels: { app: 'web' } }, ...spec })));
    await clock.advance(1_000);
    assert.deepEqual(await counts(admin, name), want, name);
    const c = (await status(admin, name))?.conditions?.[0];
    assert.deepEqual([c?.message, c?.observedGeneration], ['', 1], name);
    const gone = await admin.delete(PODDISRUPTIONBUDGETS, 'default', name);
    assert.ok(!isStatus(gone) || gone.status === 'Success');
  }
  // Scaling the Deployment moves a percentage budget with it; a new spec is observed.
  ok(await admin.create(PODDISRUPTIONBUDGETS, budget('scaled', { selector: { matchLabels: { app: 'web' } }, minAvailable: '50%' })));
  ok(await admin.patch(DEPLOYMENTS, 'default', 'web', { spec: { replicas: 5 } }));
  await clock.advance(30_000);
  assert.deepEqual(await counts(admin, 'scaled'), [1, 5, 5, 3, 2, 'True', 'SufficientPods']);
  ok(await admin.patch(PODDISRUPTIONBUDGETS, 'default', 'scaled', { spec: { minAvailable: '100%' } }));
  await clock.advance(1_000);
  assert.deepEqual(await counts(admin, 'scaled'), [2, 5, 5, 5, 0, 'False', 'InsufficientPods']);
  lab.stop();
});

test('an eviction spends a disruption; the evicted pod leaves disruptedPods once it is deleting, and its replacement restores the budget', async () => {
  const { lab, clock, admin } = await labWithWeb();
  ok(await admin.create(PODDISRUPTIONBUDGETS, budget('web', { selector: { matchLabels: { app: 'web' } }, minAvailable: 2 })));
  await clock.advance(1_000);
  const [victim, second] = (await webPods(admin)).map((p) => p.metadata.name ?? '');
  const evict = (name: string) => admin.subresourceCreate(PODS, 'default', name, 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });
  const done = await evict(victim);
  assert.equal(done.code, 201, JSON.stringify(done));
  // The eviction spent the disruption and noted the pod; the controller then sees it terminating: no longer counted, nor listed.
  const spent = await status(admin, 'web');
  assert.deepEqual([spent?.disruptionsAllowed, Object.keys(spent?.disruptedPods ?? {})], [0, [victim]]);
  await clock.advance(10);
  const s = await status(admin, 'web');
  assert.deepEqual([s?.currentHealthy, s?.disruptionsAllowed, s?.disruptedPods], [2, 0, undefined]);
  const refused = await evict(second);
  assert.equal(refused.code, 429);
  assert.deepEqual(refused.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }]);
  await clock.advance(30_000);
  assert.equal((await webPods(admin)).filter((p) => !p.metadata.deletionTimestamp).length, 3);
  assert.deepEqual(await counts(admin, 'web'), [1, 3, 3, 2, 1, 'True', 'SufficientPods']);
  lab.stop();
});

test('an eviction never carried out stops counting against the budget after two minutes, with a NotDeleted event', async () => {
  const { lab, clock, admin } = await labWithWeb();
  ok(await admin.create(PODDISRUPTIONBUDGETS, budget('web', { selector: { matchLabels: { app: 'web' } }, minAvailable: 2 })));
  await clock.advance(1_000);
  const pod = (await webPods(admin))[0].metadata.name ?? '';
  // As an eviction whose delete never happened leaves it.
  ok(await admin.patch(PODDISRUPTIONBUDGETS, 'default', 'web', { status: { disruptionsAllowed: 0, disruptedPods: { [pod]: timestamp(clock.now()) } } }, 'application/merge-patch+json', { subresource: 'status' }));
  await clock.advance(1_000);
  let s = await status(admin, 'web');
  assert.deepEqual([s?.currentHealthy, s?.disruptionsAllowed, Object.keys(s?.disruptedPods ?? {})], [2, 0, [pod]]);
  await clock.advance(118_000);
  s = await status(admin, 'web');
  assert.deepEqual([s?.currentHealthy, s?.disruptionsAllowed, Object.keys(s?.disruptedPods ?? {})], [2, 0, [pod]]);
  await clock.advance(2_000);
  s = await status(admin, 'web');
  assert.deepEqual([s?.currentHealthy, s?.disruptionsAllowed, s?.disruptedPods], [3, 1, undefined]);
  const notDeleted = await events(admin, 'NotDeleted');
  // Upstream's message names the budget's namespace twice.
  assert.deepEqual(notDeleted.map((e) => [e.involvedObject.name, e.type, e.message, e.source?.component]), [[pod, 'Warning', 'Pod was expected by PDB default/default to be deleted but it wasn\'t', 'controllermanager']]);
  lab.stop();
});

test('pods without a controller cannot be counted against a percentage: the budget allows nothing and says why', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'default', labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }));
  ok(await admin.create(PODDISRUPTIONBUDGETS, budget('bare', { selector: { matchLabels: { app: 'bare' } }, maxUnavailable: 1 })));
  ok(await admin.create(PODDISRUPTIONBUDGETS, budget('empty', { selector: { matchLabels: { app: 'none' } }, minAvailable: 1 })));
  await clock.advance(30_000);
  assert.deepEqual(await counts(admin, 'bare'), [1, 0, 1, 0, 0, 'False', 'InsufficientPods']);
  const unmanaged = await events(admin, 'UnmanagedPods');
  assert.deepEqual(unmanaged.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.type]), [['PodDisruptionBudget', 'bare', 'Warning']]);
  assert.equal(unmanaged[0].message, 'Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: bare,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. '
    + 'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
  assert.deepEqual(await counts(admin, 'empty'), [1, 0, 0, 1, 0, 'False', 'InsufficientPods']);
  assert.deepEqual((await events(admin, 'NoPods')).map((e) => [e.involvedObject.name, e.type, e.message]), [['empty', 'Normal', 'No matching pods found']]);
  lab.stop();
});

test('a pod whose controller has no scale fails the sync safe: no disruption allowed, SyncFailed with the reason', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  const owner = ok(await admin.create<KubeObject>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } }));
  ok(await admin.create(PODS, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'owned', namespace: 'default', labels: { app: 'owned' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '', controller: true }] },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  }));
  ok(await admin.create(PODDISRUPTIONBUDGETS, budget('owned', { selector: { matchLabels: { app: 'owned' } }, minAvailable: '50%' })));
  await clock.advance(30_000);
  const s = await status(admin, 'owned');
  const c = s?.conditions?.find((x) => x.type === 'DisruptionAllowed');
  assert.deepEqual([s?.disruptionsAllowed, c?.status, c?.reason, c?.message], [0, 'False', 'SyncFailed', 'configmaps does not implement the scale subresource']);
  const failed = await events(admin, 'CalculateExpectedPodCountFailed');
  assert.equal(failed[0]?.message, 'Failed to calculate the number of expected pods: configmaps does not implement the scale subresource');
  lab.stop();
});

test('a DisruptionTarget condition left on a pod that was never deleted is turned False after two minutes', async () => {
  const { lab, clock, admin } = await labWithWeb();
  const pod = (await webPods(admin))[0];
  const name = pod.metadata.name ?? '';
  const marked = { type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: timestamp(clock.now()) };
  ok(await admin.updateStatus(PODS, { ...pod, status: { ...pod.status, conditions: [...(pod.status?.conditions ?? []), marked] } }));
  const condition = async () => ok(await admin.get<Pod>(PODS, 'default', name)).status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  await clock.advance(119_000);
  assert.equal((await condition())?.status, 'True');
  await clock.advance(2_000);
  const reset = await condition();
  assert.deepEqual([reset?.status, reset?.reason, reset?.message], ['False', undefined, undefined]);
  lab.stop();
});
