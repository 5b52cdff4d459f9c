import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEPLOYMENTS, PODS, REPLICASETS, EVENTS } from './client/resources';
import { isStatus, type Deployment, type Pod, type ReplicaSet, type Event } from './api/types';
import { podStatusText } from './api/pods';
import { startTestLab, webDeployment } from './testLab';

const web = webDeployment({ cpu: '100m', memory: '64Mi' });


test('a Deployment of 3 becomes a ReplicaSet and 3 Running pods spread over 3 nodes', async () => {
  const { lab, clock } = await startTestLab(3, 7, { dns: false });
  const client = lab.client();
  const created = await client.create(DEPLOYMENTS, web);
  assert.ok(!isStatus(created), JSON.stringify(created));
  await clock.advance(30_000);

  const rsList = await client.list<ReplicaSet>(REPLICASETS, 'default');
  assert.ok(!isStatus(rsList));
  assert.equal(rsList.items.length, 1);
  const rs = rsList.items[0];
  assert.match(rs.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs.status?.readyReplicas, 3);

  const pods = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(pods));
  assert.equal(pods.items.length, 3);
  assert.deepEqual(pods.items.map(podStatusText), ['Running', 'Running', 'Running']);
  assert.equal(new Set(pods.items.map((p) => p.spec.nodeName)).size, 3);
  for (const p of pods.items) assert.match(p.status?.podIP ?? '', /^10\.244\.\d+\.\d+$/);

  const d = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(d));
  assert.equal(d.status?.availableReplicas, 3);
  assert.equal(d.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');

  const events = await client.list<Event>(EVENTS, 'default');
  assert.ok(!isStatus(events));
  const reasons = new Set(events.items.map((e) => e.reason));
  for (const r of ['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']) assert.ok(reasons.has(r), `missing event ${r}`);
  lab.stop();
});

test('pods go Pending, then ContainerCreating, then Running as time passes', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  await client.create(DEPLOYMENTS, { ...web, spec: { ...web.spec, replicas: 1 } });
  const seen = new Set<string>();
  for (let t = 0; t < 10_000; t += 100) {
    await clock.advance(100);
    const pods = await client.list<Pod>(PODS, 'default');
    assert.ok(!isStatus(pods));
    for (const p of pods.items) seen.add(podStatusText(p));
  }
  assert.ok(seen.has('ContainerCreating'), [...seen].join());
  assert.ok(seen.has('Running'), [...seen].join());
  lab.stop();
});

test('a pod too big for any node stays Pending with the scheduler\'s upstream message', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'huge', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '64' } } }] } };
  assert.ok(!isStatus(await client.create(PODS, pod)));
  await clock.advance(5_000);
  const got = await client.get<Pod>(PODS, 'default', 'huge');
  assert.ok(!isStatus(got));
  const cond = got.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'Unschedulable');
  // Nothing of lower priority runs anywhere, so preemption cannot help either (DefaultPreemption's words).
  assert.equal(cond?.message, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
  lab.stop();
});

test('deleting a running pod: the kubelet stops it and the ReplicaSet replaces it', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  await client.create(DEPLOYMENTS, web);
  await clock.advance(30_000);
  const before = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(before));
  const victim = before.items[0];
  const res = await client.delete(PODS, 'default', victim.metadata.name ?? '');
  assert.ok(!isStatus(res));
  assert.ok(res.metadata.deletionTimestamp, 'graceful deletion sets deletionTimestamp');
  await clock.advance(30_000);
  const after = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(after));
  assert.equal(after.items.length, 3);
  assert.ok(!after.items.some((p) => p.metadata.uid === victim.metadata.uid));
  assert.deepEqual(after.items.map(podStatusText), ['Running', 'Running', 'Running']);
  lab.stop();
});
