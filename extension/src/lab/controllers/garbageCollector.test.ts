/**
 * The garbage collector as pkg/controller/garbagecollector has it
 * (garbagecollector.go: attemptToDeleteItem, classifyReferences, isDangling,
 * processDeletingDependentsItem, attemptToOrphanWorker, GetDeletableResources;
 * graph_builder.go: processGraphChanges, addDependentToOwners,
 * reportInvalidNamespaceOwnerRef, partitionDependents, getAlternateOwnerIdentity;
 * patch.go and controller_utils.go's GenerateDeleteOwnerRefStrategicMergeBytes),
 * running alone against the lab's API server as its own service account.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { type Event, type KubeObject, type OwnerReference, type Status, isStatus } from '../api/types';
import type { APIResource } from '../client/discovery';
import { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { EVENTS, NAMESPACES, type ResourceRef } from '../client/resources';
import { CONTROLLER_MANAGER, Lab, controllerUser } from '../lab';
import { GarbageCollector, deletableResources, deleteOwnerRefStrategicMergePatch } from './garbageCollector';
import { GraphNode } from './garbageCollectorGraph';
import { alternateOwnerIdentity, partitionDependents, referencesDiffs } from './garbageCollectorGraphBuilder';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const CLUSTERROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false };
const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };
const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true };

function ok<T>(answer: T | Status): T {
  assert.ok(!isStatus(answer) || answer.status === 'Success', JSON.stringify(answer));
  return answer as T;
}

const ref = (o: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', ...extra });
const configMap = (name: string, namespace = 'default', ownerReferences?: OwnerReference[], finalizers?: string[]): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(ownerReferences ? { ownerReferences } : {}), ...(finalizers ? { finalizers } : {}) },
});

interface Harness {
  clock: ManualClock;
  admin: KubeClient;
  gc: GarbageCollector;
  names(r?: ResourceRef, namespace?: string): Promise<string[]>;
  stop(): void;
}

/** harness runs the API server and the garbage collector alone, so nothing else creates or deletes objects. */
async function harness(): Promise<Harness> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock });
  const started = lab.startApiServer();
  await clock.advance(0);
  await started;
  const admin = lab.client();
  const factory = new InformerFactory(lab.client(CONTROLLER_MANAGER), clock);
  const gc = new GarbageCollector(lab.client(controllerUser('generic-garbage-collector')), clock, factory);
  await factory.start();
  gc.run();
  await clock.advance(0);
  return {
    clock,
    admin,
    gc,
    names: async (r = CONFIGMAPS, namespace = 'default') => ok(await admin.list(r, namespace)).items.map((o) => o.metadata.name ?? ''),
    stop: () => {
      gc.stop();
      factory.stop();
      lab.server.stop();
    },
  };
}

const node = (uid: string, namespace: string, owners: OwnerReference[] = []): GraphNode => new GraphNode({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, namespace }, owners, false);
const owner = (uid: string, name = 'owner', kind = 'ConfigMap', apiVersion = 'v1'): OwnerReference => ({ apiVersion, kind, name, uid });

test('referencesDiffs splits owner references by uid into added, removed and changed', () => {
  const a = owner('a');
  const b = owner('b');
  const blocking = { ...b, blockOwnerDeletion: true };
  const cases: { name: string; old: OwnerReference[]; cur: OwnerReference[]; want: { added: string[]; removed: string[]; changed: string[] } }[] = [
    { name: 'nothing changed', old: [a, b], cur: [a, b], want: { added: [], removed: [], changed: [] } },
    { name: 'one added', old: [a], cur: [a, b], want: { added: ['b'], removed: [], changed: [] } },
    { name: 'one removed', old: [a, b], cur: [b], want: { added: [], removed: ['a'], changed: [] } },
    { name: 'blockOwnerDeletion set', old: [b], cur: [blocking], want: { added: [], removed: [], changed: ['b'] } },
    { name: 'an unset flag is not false', old: [b], cur: [{ ...b, controller: false }], want: { added: [], removed: [], changed: ['b'] } },
  ];
  for (const c of cases) {
    const d = referencesDiffs(c.old, c.cur);
    assert.deepEqual({ added: d.added.map((r) => r.uid), removed: d.removed.map((r) => r.uid), changed: d.changed.map(([, r]) => r.uid) }, c.want, c.name);
  }
});

test('partitionDependents sorts dependents by whether their reference matches the owner\'s identity', () => {
  const identity = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'o', namespace: 'default' };
  const good = node('good', 'default', [owner('o')]);
  const renamed = node('renamed', 'default', [owner('o', 'other')]);
  const elsewhere = node('elsewhere', 'other', [owner('o')]);
  const both = node('both', 'default', [owner('o'), owner('o', 'other')]);
  const { matching, nonmatching } = partitionDependents([good, renamed, elsewhere, both], identity);
  assert.deepEqual(matching.map((n) => n.identity.uid), ['good', 'both']);
  assert.deepEqual(nonmatching.map((n) => n.identity.uid), ['renamed', 'elsewhere', 'both']);
});

test('alternateOwnerIdentity picks the next other identity dependents give a verified-absent uid', () => {
  const absent = { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: 'o', namespace: 'default' };
  const deps = [node('1', 'default', [owner('o', 'a')]), node('2', 'default', [owner('o', 'b')]), node('3', 'default', [owner('o', 'c')])];
  assert.equal(alternateOwnerIdentity(deps, absent)?.name, 'c');
  assert.equal(alternateOwnerIdentity(deps, { ...absent, name: 'c' })?.name, 'a');
  assert.equal(alternateOwnerIdentity([deps[1]], absent), undefined);
});

test('deletableResources keeps what can be deleted, listed and watched, less events', () => {
  const r = (group: string, resource: string, verbs: string[]): APIResource => ({ group, version: 'v1', resource, namespaced: true, kind: resource, verbs });
  const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  const kept = deletableResources([r('', 'pods', all), r('', 'events', all), r('events.k8s.io', 'events', all), r('', 'componentstatuses', ['get', 'list']), r('authorization.k8s.io', 'localsubjectaccessreviews', ['create'])]);
  assert.deepEqual(kept.map((x) => `${x.group}/${x.resource}`), ['/pods']);
});

test('deleteOwnerRefStrategicMergePatch deletes references by uid with the dependent\'s uid as precondition', () => {
  assert.deepEqual(JSON.stringify(deleteOwnerRefStrategicMergePatch('d', ['a', 'b'])), '{"metadata":{"ownerReferences":[{"$patch":"delete","uid":"a"},{"$patch":"delete","uid":"b"}],"uid":"d"}}');
});

test('an owner never observed gets a virtual node; the API has none, so the dependent is collected and the virtual node forgotten', async () => {
  const h = await harness();
  const ghost = owner('4f0d6f1e-0000-4000-8000-000000000001', 'ghost');
  ok(await h.admin.create(CONFIGMAPS, configMap('child', 'default', [ghost])));
  await h.clock.advance(1_000);
  assert.deepEqual(await h.names(), []);
  assert.equal(h.gc.graphHasUID(ghost.uid), false);
  h.stop();
});

test('an owner deleted in the foreground waits for blocking dependents, level by level; non-blocking ones do not hold it', async () => {
  const h = await harness();
  const a = ok(await h.admin.create(CONFIGMAPS, configMap('a')));
  const b = ok(await h.admin.create(CONFIGMAPS, configMap('b', 'default', [ref(a, { blockOwnerDeletion: true })])));
  ok(await h.admin.create(CONFIGMAPS, configMap('c', 'default', [ref(b, { blockOwnerDeletion: true })], ['example.com/hold'])));
  ok(await h.admin.create(CONFIGMAPS, configMap('loose', 'default', [ref(a)])));
  await h.clock.advance(1_000);
  ok(await h.admin.delete(CONFIGMAPS, 'default', 'a', { propagationPolicy: 'Foreground' }));
  await h.clock.advance(1_000);
  const left = ok(await h.admin.list(CONFIGMAPS, 'default')).items;
  // b has a dependent of its own, so it is deleted in the foreground too; c is held by its finalizer.
  assert.deepEqual(left.map((o) => [o.metadata.name, o.metadata.finalizers, Boolean(o.metadata.deletionTimestamp)]), [
    ['a', ['foregroundDeletion'], true],
    ['b', ['foregroundDeletion'], true],
    ['c', ['example.com/hold'], true],
  ]);
  ok(await h.admin.patch(CONFIGMAPS, 'default', 'c', { metadata: { finalizers: null } }));
  await h.clock.advance(1_000);
  assert.deepEqual(await h.names(), []);
  h.stop();
});

test('orphaning removes only the owner\'s reference from each dependent, then the orphan finalizer', async () => {
  const h = await harness();
  const a = ok(await h.admin.create(CONFIGMAPS, configMap('a')));
  const other = ok(await h.admin.create(CONFIGMAPS, configMap('other')));
  ok(await h.admin.create(CONFIGMAPS, configMap('child', 'default', [ref(a, { controller: true, blockOwnerDeletion: true }), ref(other)])));
  await h.clock.advance(1_000);
  ok(await h.admin.delete(CONFIGMAPS, 'default', 'a', { propagationPolicy: 'Orphan' }));
  await h.clock.advance(1_000);
  assert.deepEqual(await h.names(), ['child', 'other']);
  const child = ok(await h.admin.get(CONFIGMAPS, 'default', 'child'));
  assert.deepEqual(child.metadata.ownerReferences, [ref(other)]);
  h.stop();
});

test('a dependent naming an owner in another namespace gets upstream\'s OwnerRefInvalidNamespace event and is collected', async () => {
  const h = await harness();
  ok(await h.admin.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }));
  const a = ok(await h.admin.create(CONFIGMAPS, configMap('a')));
  await h.clock.advance(1_000);
  const child = ok(await h.admin.create(CONFIGMAPS, configMap('child', 'other', [ref(a)])));
  await h.clock.advance(1_000);
  assert.deepEqual(await h.names(CONFIGMAPS, 'other'), []);
  assert.deepEqual(await h.names(), ['a']);
  const events = ok(await h.admin.list<Event>(EVENTS, 'other')).items.filter((e) => e.reason === 'OwnerRefInvalidNamespace');
  assert.deepEqual(events.map((e) => [e.type, e.message, e.involvedObject.name, e.involvedObject.uid, e.source?.component]), [
    ['Warning', `ownerRef [v1/ConfigMap, namespace: other, name: a, uid: ${a.metadata.uid ?? ''}] does not exist in namespace "other"`, 'child', child.metadata.uid, 'garbage-collector-controller'],
  ]);
  h.stop();
});

test('a cluster-scoped object naming a namespaced owner is reported and left alone', async () => {
  const h = await harness();
  const a = ok(await h.admin.create(CONFIGMAPS, configMap('a')));
  await h.clock.advance(1_000);
  ok(await h.admin.create(CLUSTERROLES, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'stray', ownerReferences: [ref(a)] }, rules: [] }));
  await h.clock.advance(5_000);
  assert.ok(!isStatus(await h.admin.get(CLUSTERROLES, '', 'stray')));
  const events = ok(await h.admin.list<Event>(EVENTS, 'default')).items.filter((e) => e.reason === 'OwnerRefInvalidNamespace');
  assert.deepEqual(events.map((e) => e.message), [`ownerRef [v1/ConfigMap, namespace: , name: a, uid: ${a.metadata.uid ?? ''}] does not exist in namespace ""`]);
  h.stop();
});

test('custom resources are collected once discovery lists them; their dangling references go by JSON merge patch', async () => {
  const h = await harness();
  ok(await h.admin.create(CRDS, {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  }));
  // The collector looks for new resources every 30 s.
  await h.clock.advance(31_000);
  const a = ok(await h.admin.create(CONFIGMAPS, configMap('a')));
  const b = ok(await h.admin.create(CONFIGMAPS, configMap('b')));
  const widget = (name: string, owners: OwnerReference[]): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default', ownerReferences: owners } });
  ok(await h.admin.create(WIDGETS, widget('only-a', [ref(a)])));
  ok(await h.admin.create(WIDGETS, widget('a-and-b', [ref(a), ref(b)])));
  // A custom resource owning a built-in one.
  const w = ok(await h.admin.create(WIDGETS, widget('owner', [])));
  ok(await h.admin.create(CONFIGMAPS, configMap('owned-by-widget', 'default', [ref(w)])));
  await h.clock.advance(1_000);
  ok(await h.admin.delete(CONFIGMAPS, 'default', 'a'));
  ok(await h.admin.delete(WIDGETS, 'default', 'owner'));
  await h.clock.advance(2_000);
  assert.deepEqual(await h.names(WIDGETS), ['a-and-b']);
  assert.deepEqual(ok(await h.admin.get(WIDGETS, 'default', 'a-and-b')).metadata.ownerReferences, [ref(b)]);
  assert.deepEqual(await h.names(), ['b']);
  h.stop();
});
