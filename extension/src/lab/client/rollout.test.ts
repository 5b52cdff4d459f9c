import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timestamp } from '../api/meta';
import { type Deployment, type ReplicaSet, isStatus } from '../api/types';
import { startTestLab } from '../testLab';
import { DEPLOYMENTS, REPLICASETS } from './resources';
import { POD_TEMPLATE_HASH, RESTARTED_AT, REVISION, equalIgnoreHash, restartPatch, revisionOf, rollbackPlan, rolloutRestart, rolloutUndo } from './rollout';

const web = (image = 'nginx:1.27'): Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } } },
});

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

test('restartPatch stamps the template with restartedAt in RFC 3339', () => {
  assert.deepEqual(restartPatch(web(), NOW), { patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: '2026-01-02T03:04:05Z' } } } } } });
});

const refusals: [name: string, obj: Deployment, error: string][] = [
  ['a paused deployment', { ...web(), spec: { ...web().spec, paused: true } }, "can't restart paused deployment (run rollout resume first)"],
  ['a kind without a rollout', { ...web(), kind: 'ReplicaSet' }, 'restarting is not supported'],
  ['a second restart within the same second', { ...web(), spec: { ...web().spec, template: { ...web().spec.template, metadata: { annotations: { [RESTARTED_AT]: '2026-01-02T03:04:05Z' } } } } }, 'failed to create patch for web: if restart has already been triggered within the past second, please wait before attempting to trigger another'],
];
for (const [name, obj, error] of refusals) {
  test(`restartPatch refuses ${name}`, () => assert.deepEqual(restartPatch(obj, NOW), { error }));
}

const rs = (revision: string, image: string, hash: string, annotations: Record<string, string> = {}): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name: `web-${hash}`, namespace: 'default', annotations: { [REVISION]: revision, ...annotations } },
  spec: { selector: { matchLabels: { app: 'web', [POD_TEMPLATE_HASH]: hash } }, template: { metadata: { labels: { app: 'web', [POD_TEMPLATE_HASH]: hash } }, spec: { containers: [{ name: 'nginx', image }] } } },
});

test('rollbackPlan restores the previous revision\'s template without the hash label, with kubectl\'s annotations', () => {
  const d = web('nginx:1.28');
  d.metadata.annotations = { [REVISION]: '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'a' };
  const plan = rollbackPlan(d, [rs('1', 'nginx:1.26', 'aaa'), rs('3', 'nginx:1.28', 'ccc'), rs('2', 'nginx:1.27', 'bbb', { 'deployment.kubernetes.io/desired-replicas': '2', note: 'from rs' }), rs('x', 'nginx:0', 'ddd')]);
  assert.ok('patch' in plan, JSON.stringify(plan));
  assert.equal(plan.replicaSet.metadata.name, 'web-bbb');
  assert.deepEqual(plan.patch, [
    { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
    { op: 'replace', path: '/metadata/annotations', value: { [REVISION]: '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'from rs' } },
  ]);
});

const plans: [name: string, d: Deployment, sets: ReplicaSet[], toRevision: number, want: unknown][] = [
  ['no previous revision', web(), [rs('1', 'nginx:1.27', 'aaa')], 0, { error: 'no rollout history found for deployment "web"' }],
  ['a revision that is not there', web(), [rs('1', 'nginx:1.27', 'aaa')], 7, { error: 'unable to find specified revision 7 in history' }],
  ['a negative revision', web(), [rs('1', 'nginx:1.27', 'aaa')], -1, { error: 'unable to find specified revision -1 in history' }],
  ['a paused deployment', { ...web(), spec: { ...web().spec, paused: true } }, [rs('1', 'nginx:1.26', 'aaa'), rs('2', 'nginx:1.27', 'bbb')], 0,
    { error: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again" }],
  ['a revision the deployment already runs', web('nginx:1.27'), [rs('1', 'nginx:1.27', 'aaa'), rs('2', 'nginx:1.28', 'bbb')], 1,
    { skipped: 'skipped rollback (current template already matches revision 1)' }],
];
for (const [name, d, sets, toRevision, want] of plans) {
  test(`rollbackPlan with ${name}`, () => assert.deepEqual(rollbackPlan(d, sets, toRevision), want));
}

test('equalIgnoreHash ignores the hash label and empty values, not real differences', () => {
  const a = rs('1', 'nginx', 'aaa').spec.template;
  const b = { metadata: { labels: { app: 'web' }, annotations: {} }, spec: { containers: [{ name: 'nginx', image: 'nginx', args: [] }] } };
  assert.ok(equalIgnoreHash(a, b));
  assert.ok(!equalIgnoreHash(a, { ...b, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } }));
});

async function replicaSets(client: ReturnType<Awaited<ReturnType<typeof startTestLab>>['lab']['client']>): Promise<ReplicaSet[]> {
  const list = await client.list<ReplicaSet>(REPLICASETS, 'default');
  assert.ok(!isStatus(list));
  return list.items;
}

test('undo returns the deployment to the previous revision\'s template, and a restart rolls new pods', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, web('nginx:1.27'))));
  await clock.advance(20_000);
  assert.deepEqual(await rolloutUndo(client, 'default', 'web'), { ok: false, line: 'error: no rollout history found for deployment "web"' });

  assert.ok(!isStatus(await client.patch(DEPLOYMENTS, 'default', 'web', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } }, 'application/strategic-merge-patch+json')));
  await clock.advance(60_000);
  const first = (await replicaSets(client)).find((r) => revisionOf(r) === 1);
  assert.ok(first);

  assert.deepEqual(await rolloutUndo(client, 'default', 'web'), { ok: true, line: 'deployment.apps/web rolled back' });
  const d = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(d));
  assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.27');
  assert.ok(equalIgnoreHash(d.spec.template, first.spec.template));
  assert.equal(d.spec.template.metadata?.labels?.[POD_TEMPLATE_HASH], undefined);
  await clock.advance(60_000);
  // The controller finds the old ReplicaSet again and makes it the newest revision.
  const sets = await replicaSets(client);
  assert.equal(sets.length, 2);
  assert.equal(revisionOf(sets.find((r) => r.metadata.uid === first.metadata.uid) as ReplicaSet), 3);

  const restarted = await rolloutRestart(client, DEPLOYMENTS, 'default', 'web', clock.now());
  assert.deepEqual(restarted, { ok: true, line: 'deployment.apps/web restarted' });
  const after = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(after));
  assert.equal(after.spec.template.metadata?.annotations?.[RESTARTED_AT], timestamp(clock.now()));
  assert.deepEqual(await rolloutRestart(client, DEPLOYMENTS, 'default', 'web', clock.now()), {
    ok: false, line: 'error: failed to create patch for web: if restart has already been triggered within the past second, please wait before attempting to trigger another',
  });
  await clock.advance(60_000);
  assert.equal((await replicaSets(client)).length, 3);

  assert.ok(!isStatus(await client.patch(DEPLOYMENTS, 'default', 'web', { spec: { paused: true } })));
  assert.deepEqual(await rolloutRestart(client, DEPLOYMENTS, 'default', 'web', clock.now() + 5_000), {
    ok: false, line: 'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)',
  });
  assert.deepEqual(await rolloutUndo(client, 'default', 'nope'), { ok: false, line: 'Error from server (NotFound): deployments.apps "nope" not found' });
  lab.stop();
});
