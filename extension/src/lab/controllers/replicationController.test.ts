import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import { EVENTS, PODS, REPLICATIONCONTROLLERS } from '../client/resources';
import { startTestLab } from '../testLab';
import type { ReplicaOwner } from './replicaSetController';

const rc: KubeObject = {
  apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
};

test('a ReplicationController keeps 3 replicas, replaces a deleted pod and reports its status', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create(REPLICATIONCONTROLLERS, rc)));
  await clock.advance(60_000);
  const listPods = async (): Promise<Pod[]> => {
    const pods = await admin.list<Pod>(PODS, 'default', { labelSelector: 'app=web' });
    assert.ok(!isStatus(pods));
    return pods.items.filter((p) => !p.metadata.deletionTimestamp);
  };
  const pods = await listPods();
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.match(p.metadata.name ?? '', /^web-[a-z0-9]{5}$/);
    assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.apiVersion, r.kind, r.name, r.controller]), [['v1', 'ReplicationController', 'web', true]]);
  }
  const got = await admin.get<ReplicaOwner>(REPLICATIONCONTROLLERS, 'default', 'web');
  assert.ok(!isStatus(got));
  assert.deepEqual(got.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });

  const victim = pods[0].metadata.name ?? '';
  assert.ok(!isStatus(await admin.delete(PODS, 'default', victim, { gracePeriodSeconds: 0 })));
  await clock.advance(30_000);
  const after = await listPods();
  assert.equal(after.length, 3);
  assert.ok(!after.some((p) => p.metadata.name === victim));

  const events = await admin.list<KubeObject>(EVENTS, 'default', { fieldSelector: 'involvedObject.kind=ReplicationController,involvedObject.name=web' });
  assert.ok(!isStatus(events));
  const created = events.items.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message as string);
  assert.equal(created.length, 4);
  for (const p of after) assert.ok(created.includes(`Created pod: ${p.metadata.name ?? ''}`), `${created.join(', ')} lacks ${p.metadata.name ?? ''}`);
  assert.deepEqual(events.items.map((e) => (e.source as { component?: string }).component).filter((c, i, a) => a.indexOf(c) === i), ['replication-controller']);
  lab.stop();
});

test('a ReplicationController scaled down deletes its surplus pods', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create(REPLICATIONCONTROLLERS, rc)));
  await clock.advance(60_000);
  assert.ok(!isStatus(await admin.patch(REPLICATIONCONTROLLERS, 'default', 'web', { spec: { replicas: 1 } }, 'application/merge-patch+json', { subresource: 'scale' })));
  await clock.advance(60_000);
  const pods = await admin.list<Pod>(PODS, 'default', { labelSelector: 'app=web' });
  assert.ok(!isStatus(pods));
  assert.equal(pods.items.length, 1);
  const got = await admin.get<ReplicaOwner>(REPLICATIONCONTROLLERS, 'default', 'web');
  assert.ok(!isStatus(got));
  assert.deepEqual([got.status?.replicas, got.status?.observedGeneration], [1, 2]);
  lab.stop();
});
