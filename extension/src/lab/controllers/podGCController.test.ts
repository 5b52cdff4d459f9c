import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, Node, Pod, WatchEvent } from '../api/types';
import { type Status, isStatus } from '../api/types';
import { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { DEPLOYMENTS, NODES, PODS } from '../client/resources';
import { CONTROLLER_MANAGER, controllerUser } from '../lab';
import { startTestLab } from '../testLab';
import { ORPHAN_CONDITION, PodGCController, byEvictionAndCreationTimestamp, isPodTerminated } from './podGCController';

const web = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
  },
});

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

async function pods(client: KubeClient): Promise<Pod[]> {
  return ok(await client.list<Pod>(PODS, 'default')).items;
}

const bare = (name: string, phase: Pod['status'] extends infer S ? S extends { phase?: infer P } ? P : never : never, created: string, reason?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', creationTimestamp: created }, spec: { containers: [] },
  status: { phase, ...(reason ? { reason } : {}) },
});

test('pods are deleted evicted first, then oldest first, then by name; only finished phases count as terminated', () => {
  const pods = [
    bare('b', 'Succeeded', '2026-01-01T00:00:10Z'),
    bare('a', 'Succeeded', '2026-01-01T00:00:10Z'),
    bare('old', 'Failed', '2026-01-01T00:00:01Z'),
    bare('evicted', 'Failed', '2026-01-01T00:00:30Z', 'Evicted'),
  ];
  assert.deepEqual([...pods].sort(byEvictionAndCreationTimestamp).map((p) => p.metadata.name), ['evicted', 'old', 'a', 'b']);
  const cases: [Pod['status'], boolean][] = [
    [{ phase: 'Pending' }, false], [{ phase: 'Running' }, false], [{ phase: 'Unknown' }, false],
    [{ phase: 'Succeeded' }, true], [{ phase: 'Failed' }, true], [{}, true],
  ];
  for (const [status, terminated] of cases) assert.equal(isPodTerminated({ ...pods[0], status }), terminated, JSON.stringify(status));
});

test('pods bound to a deleted node are marked Failed with DisruptionTarget and force-deleted after the 40 s quarantine', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(DEPLOYMENTS, web(4)));
  await clock.advance(30_000);
  const orphans = (await pods(admin)).filter((p) => p.spec.nodeName === 'node-1').map((p) => p.metadata.name ?? '');
  assert.ok(orphans.length > 0, 'no pod landed on node-1');
  const seen: WatchEvent<Pod>[] = [];
  const watch = await admin.watch<Pod>(PODS, 'default', { resourceVersion: ok(await admin.list<Pod>(PODS, 'default')).metadata.resourceVersion }, (e) => seen.push(e), () => undefined);

  lab.kubelets.find((k) => k.nodeName === 'node-1')?.stop();
  const removed = await admin.delete(NODES, '', 'node-1');
  assert.ok(!isStatus(removed) || removed.status === 'Success', JSON.stringify(removed));
  // Quarantined: the informer might only be behind, so nothing happens for 40 s.
  await clock.advance(39_000);
  assert.deepEqual((await pods(admin)).filter((p) => orphans.includes(p.metadata.name ?? '')).map((p) => p.metadata.deletionTimestamp), orphans.map(() => undefined));
  await clock.advance(21_000);
  const now = await pods(admin);
  assert.deepEqual(now.filter((p) => orphans.includes(p.metadata.name ?? '')), [], 'the orphans are gone at once, grace period 0');
  for (const name of orphans) {
    const marked = seen.find((e) => e.type === 'MODIFIED' && (e.object as Pod).metadata.name === name && (e.object as Pod).status?.phase === 'Failed')?.object as Pod | undefined;
    const c = marked?.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual([c?.status, c?.reason, c?.message], [ORPHAN_CONDITION.status, 'DeletionByPodGC', 'PodGC: node no longer exists'], name);
    assert.ok(seen.some((e) => e.type === 'DELETED' && (e.object as Pod).metadata.name === name), name);
  }
  // The ReplicaSet replaces them on the node that is left.
  await clock.advance(30_000);
  const after = await pods(admin);
  assert.equal(after.length, 4);
  assert.ok(after.every((p) => p.spec.nodeName === 'node-2'), after.map((p) => p.spec.nodeName).join());
  watch.cancel();
  lab.stop();
});

test('terminating pods on a not-ready node tainted out-of-service are force-deleted', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(DEPLOYMENTS, web(4)));
  await clock.advance(30_000);
  const stranded = (await pods(admin)).filter((p) => p.spec.nodeName === 'node-1').map((p) => p.metadata.name ?? '');
  assert.ok(stranded.length > 0);
  lab.kubelets.find((k) => k.nodeName === 'node-1')?.stop();
  await clock.advance(60_000);
  const node = ok(await admin.get<Node>(NODES, '', 'node-1'));
  assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'Unknown');
  // With no kubelet to finish a graceful deletion, deleted pods stay Terminating...
  for (const name of stranded) ok(await admin.delete(PODS, 'default', name));
  await clock.advance(25_000);
  assert.deepEqual((await pods(admin)).filter((p) => stranded.includes(p.metadata.name ?? '')).map((p) => Boolean(p.metadata.deletionTimestamp)), stranded.map(() => true));
  // ...until an admin declares the node out of service.
  ok(await admin.patch(NODES, '', 'node-1', { spec: { taints: [...(node.spec.taints ?? []), { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } }));
  await clock.advance(20_000);
  assert.deepEqual((await pods(admin)).filter((p) => stranded.includes(p.metadata.name ?? '')), []);
  lab.stop();
});

test('a terminating pod that was never scheduled is marked Failed and deleted', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(PODS, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nowhere', namespace: 'default', finalizers: ['example.com/hold'] },
    // No scheduler of that name runs: the pod is never bound.
    spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'nginx:1.27' }] },
  }));
  await clock.advance(1_000);
  ok(await admin.delete(PODS, 'default', 'nowhere'));
  const held = ok(await admin.get<Pod>(PODS, 'default', 'nowhere'));
  assert.equal(held.status?.phase, 'Pending');
  await clock.advance(20_000);
  // The finalizer keeps the object; the collector moved it to Failed and deleted it.
  const failed = ok(await admin.get<Pod>(PODS, 'default', 'nowhere'));
  assert.equal(failed.status?.phase, 'Failed');
  assert.equal(failed.metadata.deletionGracePeriodSeconds, 0);
  ok(await admin.patch(PODS, 'default', 'nowhere', { metadata: { finalizers: null } }));
  await clock.advance(1_000);
  assert.equal((await admin.get(PODS, 'default', 'nowhere') as { code?: number }).code, 404);
  lab.stop();
});

test('finished pods beyond the threshold are deleted, evicted first, then oldest first', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  // A collector of its own with a threshold of 2, beside the lab's (12,500).
  const factory = new InformerFactory(lab.client(CONTROLLER_MANAGER), clock);
  const gc = new PodGCController(lab.client(controllerUser('pod-garbage-collector')), clock, factory, 2);
  await factory.start();
  // Never bound, so no kubelet rewrites the phases written here.
  const finished: [string, 'Succeeded' | 'Failed', string?][] = [['first', 'Succeeded'], ['second', 'Failed'], ['third', 'Succeeded'], ['fourth', 'Failed'], ['evicted', 'Failed', 'Evicted']];
  for (const [name, phase, reason] of finished) {
    const pod = ok(await admin.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'nginx:1.27' }] } }));
    ok(await admin.updateStatus(PODS, { ...pod, status: { ...pod.status, phase, ...(reason ? { reason } : {}) } }));
    await clock.advance(2_000);
  }
  ok(await admin.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'nginx:1.27' }] } }));
  await clock.advance(1_000);
  gc.run();
  await clock.advance(0);
  assert.deepEqual((await pods(admin)).map((p) => p.metadata.name), ['fourth', 'pending', 'third']);
  gc.stop();
  factory.stop();
  lab.stop();
});
