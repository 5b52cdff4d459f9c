/**
 * The resource quota controller as pkg/controller/resourcequota runs it
 * (resource_quota_controller.go, resource_quota_monitor.go), counting with the
 * shared evaluators (pkg/quota/v1/evaluator/core/pods.go, services.go,
 * persistent_volume_claims.go; staging/src/k8s.io/apiserver/pkg/quota/v1/generic/evaluator.go
 * and resources.go's CalculateUsage), and beside ResourceQuota admission
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go)
 * on the whole lab.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { type KubeObject, type Pod, type Status, isStatus } from '../api/types';
import { newQuantity } from '../api/quantity';
import { calculateUsage, calculateUsageStats, podEvaluator } from '../apiserver/admission/quotaEvaluators';
import { serialize } from '../apiserver/admission/quotaResources';
import type { ResourceQuota } from '../apiserver/admission/resourceQuota';
import { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { PODS, RESOURCEQUOTAS, type ResourceRef, SERVICEACCOUNTS } from '../client/resources';
import { CONTROLLER_MANAGER, Lab, controllerUser } from '../lab';
import { ResourceQuotaController, updateRequiresReplenishment } from './resourceQuotaController';
import { startTestLab } from '../testLab';

const core = (resource: string): ResourceRef => ({ group: '', version: 'v1', resource, namespaced: true });
const CONFIGMAPS = core('configmaps');
const SECRETS = core('secrets');
const SERVICES = core('services');
const CLAIMS = core('persistentvolumeclaims');
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const PRIORITY_CLASSES: ResourceRef = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false };
const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };
const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true };

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

const quota = (name: string, hard: Record<string, string>, spec: Record<string, unknown> = {}): ResourceQuota => ({
  apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'default' }, spec: { hard, ...spec },
});
const pod = (name: string, resources?: Resources, spec: Record<string, unknown> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx', ...(resources ? { resources } : {}) }], ...spec },
});
const named = (kind: string, apiVersion: string, name: string, rest: Record<string, unknown> = {}): KubeObject => ({ apiVersion, kind, metadata: { name, namespace: 'default' }, ...rest });

/** ok fails on a Failure Status; a delete answered by a Success Status (store.go's for most kinds) passes. */
function ok<T>(answer: T | Status): T {
  assert.ok(!isStatus(answer) || answer.status === 'Success', JSON.stringify(answer));
  return answer as T;
}

interface Harness {
  clock: ManualClock;
  admin: KubeClient;
  get(name: string): Promise<ResourceQuota>;
  stop(): void;
}

/** harness runs the API server and this controller alone, acting as its own service account, so nothing else moves objects. */
async function harness(): Promise<Harness> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock });
  const started = lab.startApiServer();
  await clock.advance(0);
  await started;
  const admin = lab.client();
  ok(await admin.create(SERVICEACCOUNTS, named('ServiceAccount', 'v1', 'default')));
  const factory = new InformerFactory(lab.client(CONTROLLER_MANAGER), clock);
  const controller = new ResourceQuotaController(lab.client(controllerUser('resourcequota-controller')), clock, factory);
  await factory.start();
  controller.run();
  await clock.advance(0);
  return {
    clock,
    admin,
    get: async (name) => ok(await admin.get<ResourceQuota>(RESOURCEQUOTAS, 'default', name)),
    stop: () => {
      controller.stop();
      factory.stop();
      lab.server.stop();
    },
  };
}

test('updateRequiresReplenishment is DefaultUpdateFilter: only updates that can free usage re-sync quotas', () => {
  const now = Date.UTC(2026, 0, 1);
  const running = { ...pod('p'), status: { phase: 'Running' } };
  const cases: { name: string; resource: string; old: KubeObject; cur: KubeObject; want: boolean }[] = [
    { name: 'a pod that succeeded', resource: 'pods', old: running, cur: { ...running, status: { phase: 'Succeeded' } }, want: true },
    { name: 'a pod that failed', resource: 'pods', old: running, cur: { ...running, status: { phase: 'Failed' } }, want: true },
    { name: 'a pod that became ready', resource: 'pods', old: running, cur: { ...running, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, want: false },
    { name: 'a pod marked for deletion within its grace', resource: 'pods', old: running, cur: { ...running, metadata: { ...running.metadata, deletionTimestamp: new Date(now + 30_000).toISOString(), deletionGracePeriodSeconds: 30 } }, want: false },
    { name: 'a pod past its deletion grace', resource: 'pods', old: running, cur: { ...running, metadata: { ...running.metadata, deletionTimestamp: new Date(now - 31_000).toISOString(), deletionGracePeriodSeconds: 30 } }, want: true },
    { name: 'a pod given an active deadline (Terminating scope)', resource: 'pods', old: running, cur: { ...running, spec: { ...running.spec, activeDeadlineSeconds: 60 } }, want: true },
    { name: 'a NodePort service made ClusterIP', resource: 'services', old: named('Service', 'v1', 's', { spec: { type: 'NodePort' } }), cur: named('Service', 'v1', 's', { spec: { type: 'ClusterIP' } }), want: true },
    { name: 'a ClusterIP service made ExternalName', resource: 'services', old: named('Service', 'v1', 's', { spec: { type: 'ClusterIP' } }), cur: named('Service', 'v1', 's', { spec: { type: 'ExternalName' } }), want: false },
    { name: 'any claim update (upstream compares two fresh pointers)', resource: 'persistentvolumeclaims', old: named('PersistentVolumeClaim', 'v1', 'c'), cur: named('PersistentVolumeClaim', 'v1', 'c'), want: true },
    { name: 'a configmap update', resource: 'configmaps', old: named('ConfigMap', 'v1', 'c'), cur: named('ConfigMap', 'v1', 'c', { data: { a: 'b' } }), want: false },
  ];
  for (const c of cases) assert.equal(updateRequiresReplenishment('', c.resource, c.old, c.cur, now), c.want, c.name);
});

test('calculateUsage sums each evaluator over its listing, zero for nothing, and leaves out what it cannot list', () => {
  const pods = [pod('a', { requests: { cpu: '100m' } }), pod('b', { requests: { cpu: '250m' } })];
  const registry = [
    { name: '/pods', evaluator: podEvaluator, list: () => pods },
    { name: '/configmaps', evaluator: { ...podEvaluator, matchingResources: (names: readonly string[]) => names.filter((n) => n === 'configmaps') }, list: () => undefined },
  ];
  const { used, errors } = calculateUsage('default', [], [], ['pods', 'requests.cpu', 'limits.memory', 'configmaps', 'count/widgets.example.com'], registry, 0);
  assert.deepEqual(serialize(used), { 'limits.memory': '0', pods: '2', 'requests.cpu': '350m' });
  assert.deepEqual(errors, ['failed to list content: /configmaps not yet synced']);
});

test('calculateUsageStats tries spec.scopes without an operator, so a PriorityClass scope there counts nothing', () => {
  const pods = [pod('a', undefined, { priorityClassName: 'high' }), pod('b')];
  const options = { resources: ['pods'], scopes: ['PriorityClass'], scopeSelector: [] };
  assert.deepEqual(calculateUsageStats(podEvaluator, options, pods, 0), { pods: newQuantity(0) });
  const selector = { resources: ['pods'], scopes: [], scopeSelector: [{ scopeName: 'PriorityClass', operator: 'Exists' }] };
  assert.equal(serialize(calculateUsageStats(podEvaluator, selector, pods, 0)).pods, '1');
});

test('a new quota gets status.hard from spec and status.used for everything it tracks, in key order', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(PODS, pod('web-1', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } })));
  ok(await admin.create(PODS, pod('web-2', { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } })));
  ok(await admin.create(CONFIGMAPS, named('ConfigMap', 'v1', 'a')));
  ok(await admin.create(CONFIGMAPS, named('ConfigMap', 'v1', 'b')));
  ok(await admin.create(SECRETS, named('Secret', 'v1', 's')));
  ok(await admin.create(DEPLOYMENTS, named('Deployment', 'apps/v1', 'd', { spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: pod('x').spec } } })));
  ok(await admin.create(SERVICES, named('Service', 'v1', 'np', { spec: { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 443 }] } })));
  ok(await admin.create(SERVICES, named('Service', 'v1', 'lb', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } })));
  ok(await admin.create(CLAIMS, named('PersistentVolumeClaim', 'v1', 'data', { spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })));
  const hard = {
    pods: '10', 'count/pods': '10', cpu: '2', memory: '2Gi', 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.cpu': '4', 'limits.memory': '4Gi',
    configmaps: '5', 'count/configmaps': '5', secrets: '5', 'count/deployments.apps': '3', services: '5', 'services.nodeports': '5', 'services.loadbalancers': '2',
    persistentvolumeclaims: '3', 'requests.storage': '10Gi', 'fast.storageclass.storage.k8s.io/requests.storage': '5Gi', 'count/widgets.example.com': '1',
  };
  ok(await admin.create(RESOURCEQUOTAS, quota('all', hard)));
  await h.clock.advance(1000);
  const got = await h.get('all');
  assert.deepEqual(Object.keys(got.status?.hard ?? {}), Object.keys(hard).sort());
  assert.deepEqual(got.status?.hard, hard);
  // Nothing is served as widgets.example.com, so no evaluator measures it and it has no usage.
  assert.deepEqual(got.status?.used, {
    configmaps: '2', 'count/configmaps': '2', 'count/deployments.apps': '1', 'count/pods': '2', cpu: '350m',
    'fast.storageclass.storage.k8s.io/requests.storage': '1Gi', 'limits.cpu': '700m', 'limits.memory': '384Mi', memory: '192Mi',
    persistentvolumeclaims: '1', pods: '2', 'requests.cpu': '350m', 'requests.memory': '192Mi', 'requests.storage': '1Gi', secrets: '1',
    // The default namespace also holds the API server's `kubernetes` Service.
    services: '3', 'services.loadbalancers': '1', 'services.nodeports': '3',
  });
  h.stop();
});

test('admission and the controller count alike: a resync after admitted creates writes nothing', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(RESOURCEQUOTAS, quota('q', { pods: '5', 'requests.cpu': '2', 'limits.memory': '1Gi', configmaps: '4', services: '3', 'services.nodeports': '4' })));
  await h.clock.advance(1000);
  ok(await admin.create(PODS, pod('a', { requests: { cpu: '300m' }, limits: { cpu: '300m', memory: '100Mi' } })));
  ok(await admin.create(PODS, pod('b', { requests: { cpu: '1200m' }, limits: { cpu: '2', memory: '256Mi' } })));
  ok(await admin.create(CONFIGMAPS, named('ConfigMap', 'v1', 'c')));
  ok(await admin.create(SERVICES, named('Service', 'v1', 'np', { spec: { type: 'NodePort', ports: [{ port: 80 }] } })));
  const charged = await h.get('q');
  assert.deepEqual(charged.status?.used, { configmaps: '1', 'limits.memory': '356Mi', pods: '2', 'requests.cpu': '1500m', services: '2', 'services.nodeports': '1' });
  await h.clock.advance(5 * 60_000);
  const resynced = await h.get('q');
  assert.equal(resynced.metadata.resourceVersion, charged.metadata.resourceVersion);
  h.stop();
});

test('a changed spec.hard reaches status at once; a deletion frees usage without waiting for the resync', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(CONFIGMAPS, named('ConfigMap', 'v1', 'a')));
  ok(await admin.create(CONFIGMAPS, named('ConfigMap', 'v1', 'b')));
  ok(await admin.create(RESOURCEQUOTAS, quota('maps', { configmaps: '5' })));
  await h.clock.advance(1000);
  const maps = await h.get('maps');
  ok(await admin.update(RESOURCEQUOTAS, { ...maps, spec: { hard: { configmaps: '3', secrets: '1' } } }));
  await h.clock.advance(1000);
  assert.deepEqual((await h.get('maps')).status, { hard: { configmaps: '3', secrets: '1' }, used: { configmaps: '2', secrets: '0' } });

  ok(await admin.delete(CONFIGMAPS, 'default', 'a'));
  await h.clock.advance(1000);
  assert.deepEqual((await h.get('maps')).status?.used, { configmaps: '1', secrets: '0' });
  h.stop();
});

test('a finished pod stops costing pods and compute at once but still counts in count/pods', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(RESOURCEQUOTAS, quota('q', { pods: '5', 'count/pods': '5', 'requests.cpu': '2' })));
  await h.clock.advance(1000);
  const job = ok(await admin.create(PODS, pod('job', { requests: { cpu: '500m' } }, { restartPolicy: 'Never' })));
  assert.deepEqual((await h.get('q')).status?.used, { 'count/pods': '1', pods: '1', 'requests.cpu': '500m' });
  ok(await admin.updateStatus(PODS, { ...job, status: { ...job.status, phase: 'Succeeded' } }));
  await h.clock.advance(1000);
  assert.deepEqual((await h.get('q')).status?.used, { 'count/pods': '1', pods: '0', 'requests.cpu': '0' });
  h.stop();
});

test('a pod stuck past its deletion grace stops costing at the next full resync (every 5 minutes)', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(PODS, pod('stuck', { requests: { cpu: '1' } }, { nodeName: 'lost-node' })));
  ok(await admin.create(RESOURCEQUOTAS, quota('q', { pods: '5', 'requests.cpu': '2' })));
  await h.clock.advance(1000);
  const marked = ok(await admin.delete(PODS, 'default', 'stuck'));
  assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
  // Charged until deletionTimestamp (now + 30 s) plus the grace period again; no event tells the controller when that passes.
  await h.clock.advance(2 * 60_000);
  assert.deepEqual((await h.get('q')).status?.used, { pods: '1', 'requests.cpu': '1' });
  await h.clock.advance(3 * 60_000);
  assert.deepEqual((await h.get('q')).status?.used, { pods: '0', 'requests.cpu': '0' });
  h.stop();
});

test('a service that stops being a NodePort frees its node ports', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(RESOURCEQUOTAS, quota('q', { services: '5', 'services.nodeports': '5' })));
  await h.clock.advance(1000);
  const svc = ok(await admin.create(SERVICES, named('Service', 'v1', 'web', { spec: { type: 'NodePort', ports: [{ port: 80 }] } })));
  // `kubernetes` is the other Service in default.
  assert.deepEqual((await h.get('q')).status?.used, { services: '2', 'services.nodeports': '1' });
  // A ClusterIP service keeps neither node ports nor an external traffic policy.
  const { externalTrafficPolicy: _policy, ...spec } = svc.spec as { ports: Record<string, unknown>[]; externalTrafficPolicy?: string };
  ok(await admin.update(SERVICES, { ...svc, spec: { ...spec, type: 'ClusterIP', ports: spec.ports.map(({ nodePort: _port, ...p }) => p) } }));
  await h.clock.advance(1000);
  assert.deepEqual((await h.get('q')).status?.used, { services: '2', 'services.nodeports': '0' });
  h.stop();
});

test('scopes and scope selectors count only the pods they select', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(PRIORITY_CLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }));
  ok(await admin.create(PODS, pod('best-effort')));
  ok(await admin.create(PODS, pod('burstable', { requests: { cpu: '100m' } })));
  ok(await admin.create(PODS, pod('deadline', undefined, { activeDeadlineSeconds: 60 })));
  ok(await admin.create(PODS, pod('high', { requests: { cpu: '100m' } }, { priorityClassName: 'high' })));
  const cases: { name: string; spec: Record<string, unknown>; pods: string }[] = [
    { name: 'best-effort', spec: { scopes: ['BestEffort'] }, pods: '2' },
    { name: 'not-best-effort', spec: { scopes: ['NotBestEffort'] }, pods: '2' },
    { name: 'terminating', spec: { scopes: ['Terminating'] }, pods: '1' },
    { name: 'not-terminating', spec: { scopes: ['NotTerminating'] }, pods: '3' },
    { name: 'both', spec: { scopes: ['BestEffort', 'NotTerminating'] }, pods: '1' },
    { name: 'high', spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }, pods: '1' },
    { name: 'no-class', spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'DoesNotExist' }] } }, pods: '3' },
  ];
  for (const c of cases) ok(await admin.create(RESOURCEQUOTAS, quota(c.name, { pods: '10' }, c.spec)));
  await h.clock.advance(1000);
  for (const c of cases) assert.deepEqual((await h.get(c.name)).status?.used, { pods: c.pods }, c.name);
  h.stop();
});

test('a status without usage: admission refuses with status unknown until the next full resync fills it', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(RESOURCEQUOTAS, quota('q', { pods: '2' })));
  await h.clock.advance(1000);
  const synced = await h.get('q');
  ok(await admin.updateStatus(RESOURCEQUOTAS, { ...synced, status: { hard: { pods: '2' } } }));
  const refused = await admin.create(PODS, pod('web'));
  assert.ok(isStatus(refused));
  assert.equal(refused.code, 403);
  assert.equal(refused.message, 'pods "web" is forbidden: status unknown for quota: q, resources: pods');
  await h.clock.advance(5 * 60_000);
  assert.deepEqual((await h.get('q')).status?.used, { pods: '0' });
  ok(await admin.create(PODS, pod('web')));
  h.stop();
});

test('a CRD\'s objects are counted once discovery sees the resource', async () => {
  const h = await harness();
  const { admin } = h;
  ok(await admin.create(CRDS, {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  }));
  await h.clock.advance(1000);
  ok(await admin.create(WIDGETS, named('Widget', 'example.com/v1', 'w1')));
  ok(await admin.create(WIDGETS, named('Widget', 'example.com/v1', 'w2')));
  await h.clock.advance(30_000);
  ok(await admin.create(RESOURCEQUOTAS, quota('q', { 'count/widgets.example.com': '3' })));
  await h.clock.advance(1000);
  assert.deepEqual((await h.get('q')).status?.used, { 'count/widgets.example.com': '2' });
  ok(await admin.delete(WIDGETS, 'default', 'w1'));
  await h.clock.advance(1000);
  assert.deepEqual((await h.get('q')).status?.used, { 'count/widgets.example.com': '1' });
  h.stop();
});

// ---- the whole lab ----


test('lab: a quota of 2 pods fills its status, admits two pods, refuses the third as upstream, and frees a place when one is deleted', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  ok(await client.create(RESOURCEQUOTAS, quota('pods', { pods: '2' })));
  await clock.advance(1000);
  assert.deepEqual((ok(await client.get<ResourceQuota>(RESOURCEQUOTAS, 'default', 'pods'))).status, { hard: { pods: '2' }, used: { pods: '0' } });

  ok(await client.create(PODS, pod('web-1')));
  ok(await client.create(PODS, pod('web-2')));
  const refused = await client.create(PODS, pod('web-3'));
  assert.ok(isStatus(refused));
  assert.equal(refused.code, 403);
  assert.equal(refused.reason, 'Forbidden');
  assert.equal(refused.message, 'pods "web-3" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2');

  await clock.advance(20_000);
  ok(await client.delete(PODS, 'default', 'web-1'));
  // The kubelet stops the pod within its 30 s grace and removes it; its deletion re-syncs the quota.
  await clock.advance(40_000);
  assert.ok(isStatus(await client.get(PODS, 'default', 'web-1')));
  assert.deepEqual((ok(await client.get<ResourceQuota>(RESOURCEQUOTAS, 'default', 'pods'))).status?.used, { pods: '1' });
  ok(await client.create(PODS, pod('web-3')));
  lab.stop();
});

test('lab: compute requests and limits of running pods are summed into a new quota', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  ok(await client.create(PODS, pod('a', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } })));
  ok(await client.create(PODS, pod('b', { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } })));
  await clock.advance(20_000);
  const hard = { cpu: '4', memory: '4Gi', 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi', pods: '10' };
  ok(await client.create(RESOURCEQUOTAS, quota('compute', hard)));
  await clock.advance(1000);
  const got = ok(await client.get<ResourceQuota>(RESOURCEQUOTAS, 'default', 'compute'));
  assert.deepEqual(got.status?.used, { cpu: '350m', 'limits.cpu': '700m', 'limits.memory': '384Mi', memory: '192Mi', pods: '2', 'requests.cpu': '350m', 'requests.memory': '192Mi' });

  const over = await client.create(PODS, pod('c', { requests: { cpu: '700m', memory: '64Mi' }, limits: { cpu: '1', memory: '64Mi' } }));
  assert.ok(isStatus(over));
  assert.equal(over.message, 'pods "c" is forbidden: exceeded quota: compute, requested: requests.cpu=700m, used: requests.cpu=350m, limited: requests.cpu=1');
  lab.stop();
});
