/**
 * Cascading and namespace deletion across the whole lab on a manual clock: the
 * garbage collector (pkg/controller/garbagecollector), the namespace controller
 * (pkg/controller/namespace) and the namespace storage's Delete
 * (pkg/registry/core/namespace/storage/storage.go), as kubectl drives them with
 * `delete --cascade=background|foreground|orphan` and `delete namespace`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clock';
import { Lab } from './lab';
import { DEPLOYMENTS, NAMESPACES, PODS, REPLICASETS } from './client/resources';
import { type Deployment, type KubeObject, type Namespace, type Pod, type ReplicaSet, isStatus } from './api/types';
import type { KubeClient } from './client/kubeClient';

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

function deployment(namespace: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    },
  };
}

async function startLab(): Promise<{ lab: Lab; clock: ManualClock; client: KubeClient }> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 2, clock, seed: 7 });
  const started = lab.start();
  await clock.advance(0);
  await started;
  return { lab, clock, client: lab.client() };
}

async function names(client: KubeClient, ref: typeof PODS, namespace: string): Promise<string[]> {
  const list = await client.list<KubeObject>(ref, namespace);
  assert.ok(!isStatus(list), JSON.stringify(list));
  return list.items.map((o) => o.metadata.name ?? '');
}

/** running creates the Deployment and waits until its ReplicaSet has its pods Running. */
async function running(client: KubeClient, clock: ManualClock, namespace = 'default'): Promise<{ d: Deployment; rs: ReplicaSet; pods: Pod[] }> {
  const d = await client.create(DEPLOYMENTS, deployment(namespace));
  assert.ok(!isStatus(d), JSON.stringify(d));
  await clock.advance(30_000);
  const rs = await client.list<ReplicaSet>(REPLICASETS, namespace);
  const pods = await client.list<Pod>(PODS, namespace);
  assert.ok(!isStatus(rs) && !isStatus(pods));
  assert.equal(rs.items.length, 1);
  assert.deepEqual(pods.items.map((p) => p.status?.phase), ['Running', 'Running']);
  return { d, rs: rs.items[0], pods: pods.items };
}

test('deleting a Deployment in the background removes its ReplicaSet and pods', async () => {
  const { lab, clock, client } = await startLab();
  await running(client, clock);
  const gone = await client.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Background' });
  assert.ok(!isStatus(gone) || gone.status === 'Success', JSON.stringify(gone));
  assert.deepEqual(await names(client, DEPLOYMENTS, 'default'), []);
  await clock.advance(30_000);
  assert.deepEqual(await names(client, REPLICASETS, 'default'), []);
  assert.deepEqual(await names(client, PODS, 'default'), []);
  lab.stop();
});

test('foreground deletion keeps the Deployment, marked, until its ReplicaSets and pods are gone', async () => {
  const { lab, clock, client } = await startLab();
  // A finalizer of the user's holds the pods after they stop, so the wait can be seen.
  const held = deployment('default');
  held.spec.template.metadata = { ...held.spec.template.metadata, finalizers: ['example.com/hold'] };
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, held)));
  await clock.advance(30_000);
  const marked = await client.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Foreground' });
  assert.ok(!isStatus(marked), JSON.stringify(marked));
  assert.ok(marked.metadata.deletionTimestamp);
  assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);

  await clock.advance(10_000);
  const waiting = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(waiting), 'the Deployment stays while its dependents go');
  assert.ok(waiting.metadata.deletionTimestamp);
  assert.deepEqual(waiting.metadata.finalizers, ['foregroundDeletion']);
  const rs = await client.list<ReplicaSet>(REPLICASETS, 'default');
  assert.ok(!isStatus(rs));
  assert.deepEqual(rs.items.map((r) => [r.metadata.finalizers, Boolean(r.metadata.deletionTimestamp)]), [[['foregroundDeletion'], true]]);
  const stopping = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(stopping));
  assert.equal(stopping.items.length, 2);
  assert.ok(stopping.items.every((p) => p.metadata.deletionTimestamp));

  for (const p of stopping.items) assert.ok(!isStatus(await client.patch(PODS, 'default', p.metadata.name ?? '', { metadata: { finalizers: null } })));
  await clock.advance(5_000);
  assert.deepEqual(await names(client, PODS, 'default'), []);
  assert.deepEqual(await names(client, REPLICASETS, 'default'), []);
  assert.deepEqual(await names(client, DEPLOYMENTS, 'default'), []);
  lab.stop();
});

test('orphaning leaves the ReplicaSet and its pods, with no owner references', async () => {
  const { lab, clock, client } = await startLab();
  const { rs, pods } = await running(client, clock);
  const marked = await client.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Orphan' });
  assert.ok(!isStatus(marked), JSON.stringify(marked));
  assert.deepEqual(marked.metadata.finalizers, ['orphan']);
  await clock.advance(10_000);
  assert.deepEqual(await names(client, DEPLOYMENTS, 'default'), []);
  const kept = await client.get<ReplicaSet>(REPLICASETS, 'default', rs.metadata.name ?? '');
  assert.ok(!isStatus(kept), JSON.stringify(kept));
  assert.equal(kept.metadata.uid, rs.metadata.uid);
  assert.deepEqual(kept.metadata.ownerReferences ?? [], []);
  const left = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(left));
  assert.deepEqual(left.items.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort());
  lab.stop();
});

test('a dependent whose owner is gone keeps its other, live owner and loses the dangling reference', async () => {
  const { lab, clock, client } = await startLab();
  const a = await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
  const b = await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } });
  assert.ok(!isStatus(a) && !isStatus(b));
  const ref = (o: KubeObject) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' });
  const child = await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'child', namespace: 'default', ownerReferences: [ref(a), ref(b)] } });
  assert.ok(!isStatus(child));
  await client.delete(CONFIGMAPS, 'default', 'a');
  await clock.advance(5_000);
  const after = await client.get<KubeObject>(CONFIGMAPS, 'default', 'child');
  assert.ok(!isStatus(after), JSON.stringify(after));
  assert.deepEqual(after.metadata.ownerReferences, [ref(b)]);
  lab.stop();
});

test('an owner reference whose uid names no live object counts as absent: the dependent is collected', async () => {
  const { lab, clock, client } = await startLab();
  const owner = await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } });
  assert.ok(!isStatus(owner));
  // The name is right, the uid is another object's: upstream's live GET sees the mismatch.
  const orphan = await client.create(CONFIGMAPS, {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'not-the-owner' }] },
  });
  assert.ok(!isStatus(orphan));
  await clock.advance(5_000);
  assert.deepEqual((await names(client, CONFIGMAPS, 'default')).filter((n) => n !== 'kube-root-ca.crt'), ['owner']);
  lab.stop();
});

test('deleting a namespace: Terminating, content deleted with conditions as upstream, finalized, then gone', async () => {
  const { lab, clock, client } = await startLab();
  assert.ok(!isStatus(await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } })));
  // The pods carry a finalizer of the user's, so what remains can be seen before it goes.
  const held = deployment('team');
  held.spec.template.metadata = { ...held.spec.template.metadata, finalizers: ['example.com/hold'] };
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, held)));
  await clock.advance(30_000);

  const answer = await client.delete(NAMESPACES, '', 'team', { propagationPolicy: 'Background' });
  assert.ok(!isStatus(answer), JSON.stringify(answer));
  const ns = answer as Namespace;
  assert.equal(ns.status?.phase, 'Terminating');
  assert.deepEqual(ns.spec?.finalizers, ['kubernetes']);
  assert.ok(ns.metadata.deletionTimestamp);
  assert.equal(ns.metadata.finalizers, undefined);

  // NamespaceLifecycle refuses new content from now on.
  const refused = await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'team' } });
  assert.ok(isStatus(refused));
  assert.equal(refused.code, 403);
  assert.equal(refused.message, 'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated');
  assert.deepEqual(refused.details?.causes, [{ reason: 'NamespaceTerminating', message: 'namespace team is being terminated', field: 'metadata.namespace' }]);

  // A second delete answers with the namespace while its finalizers remain.
  const again = await client.delete(NAMESPACES, '', 'team');
  assert.ok(!isStatus(again));
  assert.equal((again as Namespace).status?.phase, 'Terminating');

  // The controller waits namespaceDeletionGracePeriod (5 s) before it starts deleting.
  await clock.advance(4_000);
  assert.deepEqual(await names(client, DEPLOYMENTS, 'team'), ['web']);
  await clock.advance(6_000);
  assert.deepEqual(await names(client, DEPLOYMENTS, 'team'), []);
  assert.deepEqual(await names(client, REPLICASETS, 'team'), []);
  const terminating = await client.get<Namespace & { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } }>(NAMESPACES, '', 'team');
  assert.ok(!isStatus(terminating), JSON.stringify(terminating));
  assert.deepEqual(terminating.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
    ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
    ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: pods. has 2 resource instances'],
    ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 2 resource instances'],
  ]);

  const pods = await client.list<Pod>(PODS, 'team');
  assert.ok(!isStatus(pods));
  for (const p of pods.items) assert.ok(!isStatus(await client.patch(PODS, 'team', p.metadata.name ?? '', { metadata: { finalizers: null } })));
  // Content with finalizers is looked at again after half the 15 s estimate.
  await clock.advance(10_000);
  const after = await client.get(NAMESPACES, '', 'team');
  assert.ok(isStatus(after) && after.code === 404, JSON.stringify(after));
  assert.deepEqual(await names(client, PODS, 'team'), []);
  lab.stop();
});
