/**
 * writeDelete.test covers delete as upstream's handler and generic store run
 * it (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/delete.go,
 * pkg/registry/rest/delete.go, pkg/registry/generic/registry/store.go):
 * preconditions and rejections, finalizers and propagation, grace periods,
 * delete options, and what admission sees.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import type { ApiRequest } from '../apiServer';
import { CONFIGMAPS, DEPLOYMENTS, PODS, T0, configMap, deployment, expectStatus, pod, recorder, server } from './writeTesting';

const deleteRejections: { name: string; req: (live: KubeObject) => ApiRequest; code: number; reason: string; message: (live: KubeObject) => string; details?: Record<string, unknown> }[] = [
  {
    name: 'a uid precondition that does not match',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/a`, body: { preconditions: { uid: 'other' } } }),
    // pkg/registry/rest/delete.go BeforeDelete: checked early, and named by kind
    code: 409, reason: 'Conflict',
    message: (live) => `Operation cannot be fulfilled on ConfigMap "a": the UID in the precondition (other) does not match the UID in record (${live.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
    details: { name: 'a', kind: 'ConfigMap' },
  },
  {
    name: 'a resourceVersion precondition that does not match',
    req: () => ({ method: 'DELETE', path: `${DEPLOYMENTS}/web`, body: { preconditions: { resourceVersion: '1' } } }),
    code: 409, reason: 'Conflict',
    message: (live) => `Operation cannot be fulfilled on Deployment.apps "web": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${live.metadata.resourceVersion ?? ''}). The object might have been modified`,
    details: { name: 'web', group: 'apps', kind: 'Deployment' },
  },
  {
    name: 'an unknown propagation policy',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/a`, body: { propagationPolicy: 'Bogus' } }),
    // staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go ValidateDeleteOptions
    code: 422, reason: 'Invalid', message: () => 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"',
  },
  {
    name: 'both orphanDependents and a propagation policy',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/a`, body: { orphanDependents: true, propagationPolicy: 'Orphan' } }),
    code: 422, reason: 'Invalid', message: () => 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
  },
  {
    name: 'a dryRun other than All',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/a`, body: { dryRun: ['Some'] } }),
    code: 422, reason: 'Invalid', message: () => 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []interface {}{"Some"}: supported values: "All"',
  },
  {
    name: 'a gracePeriodSeconds query parameter that is no integer',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/a`, query: { gracePeriodSeconds: 'soon' } }),
    code: 400, reason: 'BadRequest', message: () => 'strconv.ParseInt: parsing "soon": invalid syntax',
  },
  {
    name: 'a gracePeriodSeconds in the body that is a string',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/a`, body: { gracePeriodSeconds: '5' } }),
    code: 400, reason: 'BadRequest', message: () => 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64',
  },
  {
    name: 'a missing object',
    req: () => ({ method: 'DELETE', path: `${CONFIGMAPS}/missing` }),
    code: 404, reason: 'NotFound', message: () => 'configmaps "missing" not found',
  },
];

for (const c of deleteRejections) {
  test(`delete refuses ${c.name}`, async () => {
    const { call, store } = await server();
    await call({ method: 'POST', path: CONFIGMAPS, body: configMap('a') });
    const live = (await call({ method: 'POST', path: DEPLOYMENTS, body: deployment('web') })).body as KubeObject;
    const target = c.req(live).path.includes('deployments') ? live : ((await call({ method: 'GET', path: `${CONFIGMAPS}/a` })).body as KubeObject);
    const before = await store.revision();
    const res = await call(c.req(live));
    expectStatus(res, c.code, c.reason, c.message(target));
    if (c.details) assert.deepEqual(res.body.details, c.details);
    assert.equal(await store.revision(), before);
  });
}

test('delete: an object without finalizers is removed and the answer is a Success Status naming the resource; pods, services, service accounts and storage classes answer with the object', async () => {
  const { call } = await server();
  const cm = (await call({ method: 'POST', path: CONFIGMAPS, body: configMap('a') })).body;
  const res = await call({ method: 'DELETE', path: `${CONFIGMAPS}/a` });
  assert.equal(res.status, 200);
  // store.go finalizeDelete: no code, kind is the resource
  assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'a', kind: 'configmaps', uid: cm.metadata.uid } });
  await call({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } } });
  const sa = await call({ method: 'DELETE', path: '/api/v1/namespaces/default/serviceaccounts/sa' });
  assert.deepEqual([sa.status, sa.body.kind, sa.body.metadata.name], [200, 'ServiceAccount', 'sa']);
});

const propagation: { name: string; path: string; create: KubeObject; body?: Record<string, unknown>; finalizers: string[] }[] = [
  { name: 'Orphan adds the orphan finalizer', path: CONFIGMAPS, create: configMap('a'), body: { propagationPolicy: 'Orphan' }, finalizers: ['orphan'] },
  { name: 'Foreground adds foregroundDeletion', path: CONFIGMAPS, create: configMap('a'), body: { propagationPolicy: 'Foreground' }, finalizers: ['foregroundDeletion'] },
  { name: 'orphanDependents: true adds the orphan finalizer', path: CONFIGMAPS, create: configMap('a'), body: { orphanDependents: true }, finalizers: ['orphan'] },
  { name: 'Background takes foregroundDeletion away but leaves other finalizers', path: CONFIGMAPS, create: { ...configMap('a'), metadata: { name: 'a', finalizers: ['example.com/hold', 'foregroundDeletion'] } }, body: { propagationPolicy: 'Background' }, finalizers: ['example.com/hold'] },
  // pkg/registry/core/replicationcontroller/strategy.go DefaultGarbageCollectionPolicy: OrphanDependents for v1
  {
    name: 'a v1 replication controller orphans by default',
    path: '/api/v1/namespaces/default/replicationcontrollers',
    create: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'a' }, spec: { replicas: 1, selector: { app: 'a' }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
    finalizers: ['orphan'],
  },
];

for (const c of propagation) {
  test(`delete: ${c.name} and the object waits, marked, with no grace period`, async () => {
    const { call } = await server();
    assert.equal((await call({ method: 'POST', path: c.path, body: c.create })).status, 201);
    const res = await call({ method: 'DELETE', path: `${c.path}/a`, ...(c.body ? { body: c.body } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // store.go deletionFinalizersForGarbageCollection and markAsDeleting
    assert.deepEqual([res.body.metadata.finalizers, res.body.metadata.deletionTimestamp, res.body.metadata.deletionGracePeriodSeconds], [c.finalizers, T0, 0]);
    assert.equal((await call({ method: 'GET', path: `${c.path}/a` })).body.metadata.resourceVersion, res.body.metadata.resourceVersion);
  });
}

test('delete: marking an object for its finalizers counts a generation once; a second delete changes nothing', async () => {
  const { call, clock } = await server();
  const d = deployment('web');
  await call({ method: 'POST', path: DEPLOYMENTS, body: { ...d, metadata: { ...d.metadata, finalizers: ['example.com/hold'] } } });
  const first = await call({ method: 'DELETE', path: `${DEPLOYMENTS}/web` });
  assert.deepEqual([first.body.metadata.generation, first.body.metadata.deletionTimestamp], [2, T0]);
  await clock.advance(10_000);
  const second = await call({ method: 'DELETE', path: `${DEPLOYMENTS}/web` });
  assert.equal(second.status, 200);
  assert.deepEqual([second.body.metadata.generation, second.body.metadata.deletionTimestamp, second.body.metadata.resourceVersion], [2, T0, first.body.metadata.resourceVersion]);
});

test('delete: a pod on a node waits its grace period; a second delete may only shorten it; 0 removes it and answers with the pod', async () => {
  const { call, clock } = await server();
  await call({ method: 'POST', path: PODS, body: pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 30 }) });
  const del = (body?: Record<string, unknown>) => call({ method: 'DELETE', path: `${PODS}/p`, ...(body ? { body } : {}) });
  const marked = await del();
  // pkg/registry/rest/delete.go BeforeDelete and pkg/registry/core/pod/strategy.go CheckGracefulDelete
  assert.deepEqual([marked.status, marked.body.metadata.deletionTimestamp, marked.body.metadata.deletionGracePeriodSeconds, marked.body.metadata.generation], [200, '2026-01-01T00:00:30Z', 30, 2]);
  const rv = marked.body.metadata.resourceVersion;
  for (const body of [undefined, { gracePeriodSeconds: 30 }, { gracePeriodSeconds: 45 }]) {
    const pending = await del(body);
    assert.deepEqual([pending.status, pending.body.metadata.resourceVersion, pending.body.metadata.deletionGracePeriodSeconds], [200, rv, 30], JSON.stringify(body));
  }
  const shorter = await del({ gracePeriodSeconds: 10 });
  assert.deepEqual([shorter.body.metadata.deletionTimestamp, shorter.body.metadata.deletionGracePeriodSeconds, shorter.body.metadata.generation], ['2026-01-01T00:00:10Z', 10, 2]);
  await clock.advance(20_000);
  // The shortened deadline has passed: the mark is now, and a graceful period stays at least 1.
  const late = await del({ gracePeriodSeconds: 5 });
  assert.deepEqual([late.body.metadata.deletionTimestamp, late.body.metadata.deletionGracePeriodSeconds], ['2026-01-01T00:00:20Z', 1]);
  const gone = await del({ gracePeriodSeconds: 0 });
  assert.deepEqual([gone.status, gone.body.kind, gone.body.metadata.deletionGracePeriodSeconds], [200, 'Pod', 0]);
  assert.equal((await call({ method: 'GET', path: `${PODS}/p` })).status, 404);
});

test('delete: a negative grace period means 1 second', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: PODS, body: pod('p', { nodeName: 'n1' }) });
  const res = await call({ method: 'DELETE', path: `${PODS}/p`, query: { gracePeriodSeconds: '-5' } });
  assert.deepEqual([res.body.metadata.deletionTimestamp, res.body.metadata.deletionGracePeriodSeconds], ['2026-01-01T00:00:01Z', 1]);
});

test('delete: a body\'s options win over the query, and its dryRun makes a dry run', async () => {
  const { call, store } = await server();
  await call({ method: 'POST', path: PODS, body: pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 30 }) });
  const before = await store.revision();
  const dry = await call({ method: 'DELETE', path: `${PODS}/p`, query: { gracePeriodSeconds: '0' }, body: { dryRun: ['All'] } });
  assert.deepEqual([dry.status, dry.body.metadata.deletionGracePeriodSeconds], [200, 30]);
  assert.equal(await store.revision(), before);
});

test('delete: admission sees the stored object as the old one, with the delete options', async () => {
  const plugin = recorder();
  const { call } = await server([plugin]);
  await call({ method: 'POST', path: CONFIGMAPS, body: configMap('a') });
  plugin.seen.length = 0;
  await call({ method: 'DELETE', path: `${CONFIGMAPS}/a` });
  // staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go AdmissionToValidateObjectDeleteFunc
  assert.deepEqual(plugin.seen, ['admit DELETE name=a object= uid= old=a', 'validate DELETE name=a object= uid= old=a']);
});
