/**
 * The namespace controller as pkg/controller/namespace has it
 * (namespace_controller.go; deletion/namespaced_resources_deleter.go: Delete,
 * deleteAllContent, deleteAllContentForGroupVersionResource,
 * estimateGracefulTermination, finalizeNamespace; deletion/status_condition_utils.go),
 * running alone against the lab's API server as its own service account.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { type KubeObject, type Namespace, type Status, isStatus } from '../api/types';
import { InformerFactory } from '../client/informer';
import { KubeClient } from '../client/kubeClient';
import { NAMESPACES, PODS, type ResourceRef, SERVICEACCOUNTS } from '../client/resources';
import type { Transport } from '../client/transport';
import { CONTROLLER_MANAGER, Lab, controllerUser } from '../lab';
import { type NamespaceCondition, NamespaceConditionUpdater } from './namespaceConditions';
import { NamespaceController } from './namespaceController';
import { DeletionError, NamespacedResourcesDeleter, aggregate } from './namespacedResourcesDeleter';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const ROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true };

type Conditioned = Namespace & { status?: { conditions?: NamespaceCondition[] } };

function ok<T>(answer: T | Status): T {
  assert.ok(!isStatus(answer) || answer.status === 'Success', JSON.stringify(answer));
  return answer as T;
}

const summary = (conditions: readonly NamespaceCondition[] | undefined): string[][] => (conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]);

const OK = [
  ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

test('the condition updater writes every maintained type, failing or with its ok reason, and says when something changed', () => {
  const now = Date.UTC(2026, 0, 1);
  const status: { conditions?: NamespaceCondition[] } = {};
  assert.equal(new NamespaceConditionUpdater(now).update(status), true);
  assert.deepEqual(summary(status.conditions), OK);
  assert.equal(new NamespaceConditionUpdater(now + 1000).update(status), false);

  const failing = new NamespaceConditionUpdater(now + 60_000);
  failing.processDeleteContentErr('b failed');
  failing.processDeleteContentErr('a failed');
  failing.processContentTotals({ remainingByResource: new Map([['pods.', 2], ['widgets.example.com', 1]]), remainingByFinalizer: new Map([['example.com/hold', 3]]) });
  assert.equal(failing.update(status), true);
  assert.deepEqual(summary(status.conditions).slice(2), [
    ['NamespaceDeletionContentFailure', 'True', 'ContentDeletionFailed', 'Failed to delete all resource types, 2 remaining: a failed, b failed'],
    ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: pods. has 2 resource instances, widgets.example.com has 1 resource instances'],
    ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 3 resource instances'],
  ]);
  // Only conditions whose status flipped get a new transition time.
  assert.deepEqual(status.conditions?.map((c) => c.lastTransitionTime), ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '2026-01-01T00:01:00Z', '2026-01-01T00:01:00Z']);

  const discovery = new NamespaceConditionUpdater(now);
  discovery.processDiscoverResourcesErr('unable to retrieve the complete list of server APIs: example.com/v1: boom', 1);
  discovery.update(status);
  assert.deepEqual(summary(status.conditions)[0], ['NamespaceDeletionDiscoveryFailure', 'True', 'DiscoveryFailed', 'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: example.com/v1: boom']);
});

test('aggregate is utilerrors.NewAggregate\'s message: one alone, several deduplicated in brackets', () => {
  assert.equal(aggregate(['a']), 'a');
  assert.equal(aggregate(['a', 'b', 'a']), '[a, b]');
});

interface Harness {
  clock: ManualClock;
  admin: KubeClient;
  lab: Lab;
  conditions(): Promise<string[][] | 'gone'>;
  stop(): void;
}

/** harness runs the API server and the namespace controller alone: no garbage collector, no kubelet. */
async function harness(): Promise<Harness> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock });
  const started = lab.startApiServer();
  await clock.advance(0);
  await started;
  const admin = lab.client();
  const factory = new InformerFactory(lab.client(CONTROLLER_MANAGER), clock);
  const controller = new NamespaceController(lab.client(controllerUser('namespace-controller')), clock, factory);
  await factory.start();
  controller.run();
  ok(await admin.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }));
  await clock.advance(0);
  return {
    clock,
    admin,
    lab,
    conditions: async () => {
      const ns = await admin.get<Conditioned>(NAMESPACES, '', 'team');
      if (isStatus(ns)) return ns.code === 404 ? 'gone' : assert.fail(JSON.stringify(ns));
      return summary(ns.status?.conditions);
    },
    stop: () => {
      controller.stop();
      factory.stop();
      lab.server.stop();
    },
  };
}

test('a deleted namespace is emptied after the grace period, finalized and removed', async () => {
  const h = await harness();
  ok(await h.admin.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'team' } }));
  ok(await h.admin.create(ROLES, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'team' }, rules: [] }));
  ok(await h.admin.delete(NAMESPACES, '', 'team'));
  await h.clock.advance(4_900);
  assert.equal(ok(await h.admin.list(CONFIGMAPS, 'team')).items.length, 1);
  await h.clock.advance(200);
  assert.equal(await h.conditions(), 'gone');
  assert.deepEqual(ok(await h.admin.list(CONFIGMAPS, 'team')).items, []);
  assert.deepEqual(ok(await h.admin.list(ROLES, 'team')).items, []);
  h.stop();
});

test('pods still stopping hold the namespace for their grace period, then count as unexpected content', async () => {
  const h = await harness();
  ok(await h.admin.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } }));
  // Bound to a node no kubelet serves, the pod's graceful deletion never completes by itself.
  ok(await h.admin.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { nodeName: 'gone', terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'nginx' }] } }));
  ok(await h.admin.delete(NAMESPACES, '', 'team'));
  await h.clock.advance(6_000);
  const stopping = ok(await h.admin.get<KubeObject>(PODS, 'team', 'p'));
  assert.ok(stopping.metadata.deletionTimestamp);
  assert.deepEqual((await h.conditions() as string[][]).slice(2), [
    OK[2],
    ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: pods. has 1 resource instances'],
    OK[4],
  ]);
  // Past the longest grace period the pod is content that should have gone.
  await h.clock.advance(40_000);
  assert.deepEqual((await h.conditions() as string[][])[2], [
    'NamespaceDeletionContentFailure', 'True', 'ContentDeletionFailed', 'Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: team for gvr: /v1, Resource=pods',
  ]);
  ok(await h.admin.delete(PODS, 'team', 'p', { gracePeriodSeconds: 0 }));
  await h.clock.advance(60_000);
  assert.equal(await h.conditions(), 'gone');
  h.stop();
});

test('a group discovery cannot read is a DiscoveryFailure; what was discovered is still deleted, and the namespace waits', async () => {
  const h = await harness();
  ok(await h.admin.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'team' } }));
  ok(await h.admin.delete(NAMESPACES, '', 'team'));
  const real = h.lab.client(controllerUser('namespace-controller')).transport;
  const broken: Transport = {
    request: (req) => req.path === '/apis/rbac.authorization.k8s.io/v1'
      ? Promise.resolve({ status: 503, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 } })
      : real.request(req),
    watch: (req, onEvent, onEnd) => real.watch(req, onEvent, onEnd),
    stream: (req, onChunk, onEnd) => real.stream(req, onChunk, onEnd),
  };
  const outcome = await new NamespacedResourcesDeleter(new KubeClient(broken), h.clock).delete('team');
  const why = 'unable to retrieve the complete list of server APIs: rbac.authorization.k8s.io/v1: the server is currently unable to handle the request';
  assert.ok(outcome instanceof DeletionError);
  assert.equal(outcome.message, why);
  assert.deepEqual(ok(await h.admin.list(CONFIGMAPS, 'team')).items, []);
  assert.deepEqual((await h.conditions() as string[][])[0], ['NamespaceDeletionDiscoveryFailure', 'True', 'DiscoveryFailed', `Discovery failed for some groups, 1 failing: ${why}`]);
  assert.deepEqual(ok(await h.admin.get<Namespace>(NAMESPACES, '', 'team')).spec?.finalizers, ['kubernetes']);
  h.stop();
});
