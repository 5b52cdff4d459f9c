import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Pod, Status } from '../../api/types';
import { newResourceQuota } from './resourceQuota';
import { FakeServer, attributes, type AttributeInit } from './testing';

const quota = (name: string, hard: Record<string, string>, used?: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'default' },
  spec: { hard, ...spec }, status: { hard, ...(used ? { used } : {}) },
});
const container = (name: string, resources?: Record<string, Record<string, string>>) => ({ name, image: 'nginx', ...(resources ? { resources } : {}) });
const pod = (name: string, containers = [container('web')], spec: Record<string, unknown> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers, ...spec } });
const claim = (storage: string, cls?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', resourceVersion: '5' }, spec: { resources: { requests: { storage } }, ...(cls ? { storageClassName: cls } : {}) } });

async function run(quotas: KubeObject[], req: AttributeInit) {
  const server = new FakeServer(quotas);
  const status = await newResourceQuota().validate!(attributes(req), server.context());
  return { status, server, used: (name: string) => (server.get('', 'resourcequotas', 'default', name)?.status as { used?: Record<string, string> }).used };
}

// Messages from staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go (CheckRequest)
// and pkg/quota/v1/evaluator/core/pods.go (Constraints).
const rejections: { name: string; quotas: KubeObject[]; req: AttributeInit; message: string }[] = [
  { name: 'a pod over the pod count', quotas: [quota('q', { pods: '2' }, { pods: '2' })], req: { kind: 'Pod', object: pod('web') }, message: 'pods "web" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2' },
  {
    name: 'a pod over the cpu requests', quotas: [quota('compute', { 'requests.cpu': '1', pods: '10' }, { 'requests.cpu': '500m', pods: '1' })],
    req: { kind: 'Pod', object: pod('web', [container('web', { requests: { cpu: '0.6' } })]) },
    message: 'pods "web" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1',
  },
  {
    name: 'a pod over two limits at once', quotas: [quota('compute', { 'limits.memory': '1Gi', 'limits.cpu': '2' }, { 'limits.memory': '768Mi', 'limits.cpu': '1500m' })],
    req: { kind: 'Pod', object: pod('web', [container('web', { limits: { cpu: '1', memory: '512Mi' } })]) },
    message: 'pods "web" is forbidden: exceeded quota: compute, requested: limits.cpu=1,limits.memory=512Mi, used: limits.cpu=1500m,limits.memory=768Mi, limited: limits.cpu=2,limits.memory=1Gi',
  },
  {
    name: 'containers that do not state what a compute quota tracks', quotas: [quota('compute', { 'limits.cpu': '4', 'limits.memory': '4Gi' }, { 'limits.cpu': '0', 'limits.memory': '0' })],
    req: { kind: 'Pod', object: pod('web', [container('web', { limits: { memory: '1Gi' } }), container('side')]) },
    message: 'pods "web" is forbidden: failed quota: compute: must specify limits.cpu for: side,web; limits.memory for: side',
  },
  { name: 'a quota whose usage is not yet known', quotas: [quota('q', { pods: '5', 'requests.cpu': '2' })], req: { kind: 'Pod', object: pod('web', [container('web', { requests: { cpu: '1' } })]) }, message: 'pods "web" is forbidden: status unknown for quota: q, resources: pods,requests.cpu' },
  {
    name: 'a deployment over its object count', quotas: [quota('q', { 'count/deployments.apps': '1' }, { 'count/deployments.apps': '1' })],
    req: { kind: 'Deployment', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } } },
    message: 'deployments.apps "web" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1',
  },
  {
    name: 'a configmap over the legacy configmaps count', quotas: [quota('q', { configmaps: '3' }, { configmaps: '3' })],
    req: { kind: 'ConfigMap', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } } },
    message: 'configmaps "settings" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=3, limited: configmaps=3',
  },
  {
    name: 'a NodePort service over the node port count', quotas: [quota('q', { 'services.nodeports': '1' }, { 'services.nodeports': '0' })],
    req: { kind: 'Service', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] } } },
    message: 'services "web" is forbidden: exceeded quota: q, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1',
  },
  {
    name: 'a claim over its storage class\'s storage', quotas: [quota('storage', { 'fast.storageclass.storage.k8s.io/requests.storage': '10Gi' }, { 'fast.storageclass.storage.k8s.io/requests.storage': '8Gi' })],
    req: { kind: 'PersistentVolumeClaim', object: claim('5Gi', 'fast') },
    message: 'persistentvolumeclaims "data" is forbidden: exceeded quota: storage, requested: fast.storageclass.storage.k8s.io/requests.storage=5Gi, used: fast.storageclass.storage.k8s.io/requests.storage=8Gi, limited: fast.storageclass.storage.k8s.io/requests.storage=10Gi',
  },
  {
    name: 'a claim grown past the storage quota', quotas: [quota('storage', { 'requests.storage': '10Gi' }, { 'requests.storage': '8Gi' })],
    req: { kind: 'PersistentVolumeClaim', operation: 'UPDATE', object: claim('12Gi'), oldObject: claim('8Gi') },
    message: 'persistentvolumeclaims "data" is forbidden: exceeded quota: storage, requested: requests.storage=4Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi',
  },
];

for (const r of rejections) {
  test(`ResourceQuota refuses ${r.name}`, async () => {
    const { status, server } = await run(r.quotas, r.req);
    assert.equal(status?.code, 403);
    assert.equal(status?.message, r.message);
    assert.equal(server.statusWrites.length, 0);
  });
}

test('ResourceQuota charges an admitted pod into status.used, tracked resources only', async () => {
  const { status, used } = await run([quota('compute', { pods: '10', 'requests.memory': '1Gi', 'limits.cpu': '4' }, { pods: '1', 'requests.memory': '0', 'limits.cpu': '500m' })], {
    kind: 'Pod', object: pod('web', [container('web', { requests: { memory: '256Mi', cpu: '100m' }, limits: { cpu: '0.5', memory: '256Mi' } })]),
  });
  assert.equal(status, undefined);
  assert.deepEqual(used('compute'), { pods: '2', 'requests.memory': '256Mi', 'limits.cpu': '1' });
});

test('ResourceQuota charges only the growth of an updated claim', async () => {
  const { status, used } = await run([quota('storage', { 'requests.storage': '10Gi', persistentvolumeclaims: '5' }, { 'requests.storage': '2Gi', persistentvolumeclaims: '1' })], {
    kind: 'PersistentVolumeClaim', operation: 'UPDATE', object: claim('3Gi'), oldObject: claim('2Gi'),
  });
  assert.equal(status, undefined);
  assert.deepEqual(used('storage'), { 'requests.storage': '3Gi', persistentvolumeclaims: '1' });
});

const scopes: { name: string; spec: Record<string, unknown>; pod: Pod; charged: boolean }[] = [
  { name: 'a BestEffort quota skips a pod with requests', spec: { scopes: ['BestEffort'] }, pod: pod('web', [container('web', { requests: { cpu: '1' } })]), charged: false },
  { name: 'a BestEffort quota charges a pod without resources', spec: { scopes: ['BestEffort'] }, pod: pod('web'), charged: true },
  { name: 'a Terminating quota skips a long-running pod', spec: { scopes: ['Terminating'] }, pod: pod('web'), charged: false },
  { name: 'a Terminating quota charges a pod with a deadline', spec: { scopes: ['Terminating'] }, pod: pod('web', undefined, { activeDeadlineSeconds: 60 }), charged: true },
  { name: 'a PriorityClass In quota charges a pod of that class', spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }, pod: pod('web', undefined, { priorityClassName: 'high' }), charged: true },
  { name: 'a PriorityClass In quota skips a pod of another class', spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }, pod: pod('web', undefined, { priorityClassName: 'low' }), charged: false },
  { name: 'a PriorityClass NotIn quota charges a pod without a class', spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }] } }, pod: pod('web'), charged: true },
];
for (const s of scopes) {
  test(`ResourceQuota scopes: ${s.name}`, async () => {
    const { status, used } = await run([quota('scoped', { pods: '5' }, { pods: '0' }, s.spec)], { kind: 'Pod', object: s.pod });
    assert.equal(status, undefined);
    assert.deepEqual(used('scoped'), { pods: s.charged ? '1' : '0' });
  });
}

test('ResourceQuota checks but does not charge a dry run', async () => {
  const { status, server } = await run([quota('q', { pods: '2' }, { pods: '1' })], { kind: 'Pod', object: pod('web'), dryRun: true });
  assert.equal(status, undefined);
  assert.equal(server.statusWrites.length, 0);
});

test('ResourceQuota ignores namespaces without quotas and resources it never charges', async () => {
  assert.equal(await newResourceQuota().validate!(attributes({ kind: 'Pod', object: pod('web') }), new FakeServer().context()), undefined);
  const { status, server } = await run([quota('q', { pods: '0' }, { pods: '0' })], { kind: 'Event', object: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' } } });
  assert.equal(status, undefined);
  assert.equal(server.statusWrites.length, 0);
});

test('ResourceQuota re-reads a quota that moved on and checks again', async () => {
  const server = new FakeServer([quota('q', { pods: '2' }, { pods: '1' })]);
  const stale = server.get('', 'resourcequotas', 'default', 'q')!;
  // Someone else takes the last pod after the cache was read.
  server.add({ ...structuredClone(stale), metadata: { ...stale.metadata, resourceVersion: undefined }, status: { hard: { pods: '2' }, used: { pods: '2' } } });
  const ctx = server.context();
  const staleCtx = { ...ctx, cache: { ...server, list: () => [stale], get: server.get.bind(server), version: server.version.bind(server) } };
  const status = await newResourceQuota().validate!(attributes({ kind: 'Pod', object: pod('web') }), staleCtx);
  assert.equal((status as Status).message, 'pods "web" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  assert.equal(server.statusWrites.length, 1);
});

test('ResourceQuota checks one request at a time per namespace, so the last unit goes once', async () => {
  const server = new FakeServer([quota('q', { pods: '2' }, { pods: '1' })]);
  const plugin = newResourceQuota();
  const results = await Promise.all(['a', 'b'].map(async (name) => plugin.validate!(attributes({ kind: 'Pod', object: pod(name) }), server.context())));
  assert.deepEqual(results.map((s) => s?.message), [undefined, 'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2']);
  // One write: the second request saw the first one's charge instead of racing it.
  assert.equal(server.statusWrites.length, 1);
});

test('ResourceQuota does not charge a finished pod\'s compute, only its count', async () => {
  const done = pod('web', [container('web', { requests: { cpu: '1' } })]);
  done.status = { phase: 'Succeeded' };
  const { used } = await run([quota('q', { 'count/pods': '5', 'requests.cpu': '4' }, { 'count/pods': '0', 'requests.cpu': '0' })], { kind: 'Pod', object: done });
  assert.deepEqual(used('q'), { 'count/pods': '1', 'requests.cpu': '0' });
});
