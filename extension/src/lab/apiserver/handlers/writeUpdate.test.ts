/**
 * writeUpdate.test covers update and patch as upstream's handlers and generic
 * store run them (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
 * {update,patch}.go, pkg/registry/rest/update.go,
 * pkg/registry/generic/registry/store.go): preconditions and rejections with
 * exact codes, messages and field paths, generations, status subresources,
 * managed fields, and the objects that result.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import type { ApiRequest } from '../apiServer';
import { CONFIGMAPS, DEPLOYMENTS, PODS, T0, configMap, deployment, entries, expectStatus, pod, recorder, server } from './writeTesting';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

const updateRejections: { name: string; req: (live: KubeObject) => ApiRequest; code: number; reason?: string; message: (live: KubeObject) => string; field?: string }[] = [
  {
    name: 'a PUT whose uid is not the stored one (the body\'s uid is a precondition)',
    req: (live) => ({ method: 'PUT', path: `${CONFIGMAPS}/a`, body: { ...live, metadata: { ...live.metadata, uid: 'other' } } }),
    code: 409, reason: 'Conflict',
    // staging/src/k8s.io/apiserver/pkg/storage/interfaces.go Preconditions.Check, as storage/errors/storage.go InterpretUpdateError words it
    message: (live) => `Operation cannot be fulfilled on configmaps "a": StorageError: invalid object, Code: 4, Key: /registry/configmaps/default/a, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: ${live.metadata.uid ?? ''}`,
  },
  {
    name: 'a patch that changes the uid',
    req: () => ({ method: 'PATCH', path: `${CONFIGMAPS}/a`, contentType: MERGE, body: { metadata: { uid: 'other' } } }),
    // staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go ValidateObjectMetaAccessorUpdate
    code: 422, reason: 'Invalid', message: () => 'ConfigMap "a" is invalid: metadata.uid: Invalid value: "other": field is immutable', field: 'metadata.uid',
  },
  {
    name: 'a patch that sets a deletion timestamp',
    req: () => ({ method: 'PATCH', path: `${CONFIGMAPS}/a`, contentType: MERGE, body: { metadata: { deletionTimestamp: '2026-02-01T00:00:00Z' } } }),
    code: 422, reason: 'Invalid', message: () => 'ConfigMap "a" is invalid: metadata.deletionTimestamp: Invalid value: "2026-02-01T00:00:00Z": field is immutable', field: 'metadata.deletionTimestamp',
  },
  {
    name: 'a PUT without a name',
    req: (live) => ({ method: 'PUT', path: `${CONFIGMAPS}/a`, body: { ...live, metadata: { ...live.metadata, name: undefined } } }),
    // handlers/rest.go checkName via the namer's ObjectName
    code: 400, reason: 'BadRequest', message: () => 'the name of the object (a based on URL) was undeterminable: name must be provided',
  },
  {
    name: 'a PUT of an older resourceVersion',
    req: (live) => ({ method: 'PUT', path: `${CONFIGMAPS}/a`, body: { ...live, metadata: { ...live.metadata, resourceVersion: '1' } } }),
    code: 409, reason: 'Conflict', message: () => 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
  },
  {
    name: 'a PUT whose resourceVersion is not a number',
    req: (live) => ({ method: 'PUT', path: `${CONFIGMAPS}/a`, body: { ...live, metadata: { ...live.metadata, resourceVersion: 'abc' } } }),
    // APIObjectVersioner.ParseResourceVersion's storage.InvalidError, which no interpreter converts
    code: 500, message: () => 'metadata.resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
  },
  {
    name: 'a JSON patch that moves the object to another namespace',
    req: () => ({ method: 'PATCH', path: `${CONFIGMAPS}/a`, contentType: JSON_PATCH, body: [{ op: 'add', path: '/metadata/namespace', value: 'other' }] }),
    code: 400, reason: 'BadRequest', message: () => 'the namespace of the provided object does not match the namespace sent on the request',
  },
];

for (const c of updateRejections) {
  test(`update refuses ${c.name}`, async () => {
    const { call, store } = await server();
    const live = (await call({ method: 'POST', path: CONFIGMAPS, body: configMap('a') })).body as KubeObject;
    const before = await store.revision();
    const res = await call(c.req(live));
    expectStatus(res, c.code, c.reason, c.message(live));
    if (c.field) assert.deepEqual(res.body.details.causes.map((x: { field: string }) => x.field), [c.field]);
    assert.equal(await store.revision(), before);
  });
}

test('update: a type that needs a resourceVersion refuses an unconditional PUT (AllowUnconditionalUpdate false)', async () => {
  const { call } = await server();
  const va = { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'va' }, spec: { attacher: 'csi.example.com', nodeName: 'n1', source: { persistentVolumeName: 'pv' } } };
  const created = await call({ method: 'POST', path: '/apis/storage.k8s.io/v1/volumeattachments', body: va });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const res = await call({ method: 'PUT', path: '/apis/storage.k8s.io/v1/volumeattachments/va', body: { ...va, metadata: { name: 'va' } } });
  // store.go Update: the Invalid error names the resource where a kind would be
  expectStatus(res, 422, 'Invalid', 'volumeattachments.storage.k8s.io "va" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
});

test('update: generation counts spec changes on the main resource, and a deployment\'s annotations too, never labels or status', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: DEPLOYMENTS, body: deployment('web') });
  const steps: [string, ApiRequest, number][] = [
    ['labels', { method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: MERGE, body: { metadata: { labels: { tier: 'front' } } } }, 1],
    ['replicas', { method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: MERGE, body: { spec: { replicas: 2 } } }, 2],
    // pkg/registry/apps/deployment/strategy.go PrepareForUpdate: annotations are copied to replica sets
    ['annotations', { method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: MERGE, body: { metadata: { annotations: { note: 'x' } } } }, 3],
    ['status', { method: 'PATCH', path: `${DEPLOYMENTS}/web/status`, contentType: MERGE, body: { status: { replicas: 1 } } }, 3],
    ['spec through /status', { method: 'PATCH', path: `${DEPLOYMENTS}/web/status`, contentType: MERGE, body: { spec: { replicas: 7 } } }, 3],
  ];
  for (const [what, req, generation] of steps) {
    const res = await call(req);
    assert.equal(res.status, 200, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.metadata.generation, generation, what);
  }
  const final = (await call({ method: 'GET', path: `${DEPLOYMENTS}/web` })).body;
  assert.deepEqual([final.spec.replicas, final.status.replicas], [2, 1]);
});

test('update: the main resource keeps the stored status; a daemon set\'s template change counts a template generation', async () => {
  const { call } = await server();
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'ds' } }, template: { metadata: { labels: { app: 'ds' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  const path = '/apis/apps/v1/namespaces/default/daemonsets/ds';
  const created = (await call({ method: 'POST', path: '/apis/apps/v1/namespaces/default/daemonsets', body: ds })).body;
  assert.equal(created.metadata.annotations['deprecated.daemonset.template.generation'], '1');
  const res = await call({ method: 'PATCH', path, contentType: MERGE, body: { status: { numberReady: 9 }, spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  // pkg/registry/apps/daemonset/strategy.go PrepareForUpdate
  assert.equal(res.body.metadata.annotations['deprecated.daemonset.template.generation'], '2');
  assert.equal(res.body.status.numberReady, 0);
});

test('update: /status keeps spec, and per type what its status strategy keeps of metadata', async () => {
  const { call } = await server();
  const d = (await call({ method: 'POST', path: DEPLOYMENTS, body: deployment('web') })).body;
  // pkg/registry/apps/deployment/strategy.go deploymentStatusStrategy: labels stay, annotations may change
  const ds = await call({ method: 'PUT', path: `${DEPLOYMENTS}/web/status`, body: { ...d, metadata: { ...d.metadata, labels: { app: 'other' }, annotations: { note: 'x' } }, spec: { ...d.spec, replicas: 5 }, status: { replicas: 1 } } });
  assert.equal(ds.status, 200, JSON.stringify(ds.body));
  assert.deepEqual([ds.body.metadata.labels, ds.body.metadata.annotations, ds.body.spec.replicas, ds.body.status.replicas], [{ app: 'web' }, { note: 'x' }, 1, 1]);

  const p = (await call({ method: 'POST', path: PODS, body: pod('p') })).body;
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' };
  // pkg/registry/core/pod/strategy.go podStatusStrategy: owner references stay, labels may change, a dropped QoS class is kept
  const ps = await call({ method: 'PUT', path: `${PODS}/p/status`, body: { ...p, metadata: { ...p.metadata, labels: { l: 'v' }, ownerReferences: [ref] }, status: { phase: 'Running' } } });
  assert.equal(ps.status, 200, JSON.stringify(ps.body));
  assert.deepEqual([ps.body.metadata.labels, ps.body.metadata.ownerReferences, ps.body.status.phase, ps.body.status.qosClass], [{ l: 'v' }, undefined, 'Running', 'BestEffort']);
});

test('update: a volume attachment\'s /status keeps all metadata (ResetObjectMetaForStatus)', async () => {
  const { call } = await server();
  const va = { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'va' }, spec: { attacher: 'csi.example.com', nodeName: 'n1', source: { persistentVolumeName: 'pv' } } };
  const live = (await call({ method: 'POST', path: '/apis/storage.k8s.io/v1/volumeattachments', body: va })).body;
  const res = await call({ method: 'PUT', path: '/apis/storage.k8s.io/v1/volumeattachments/va/status', body: { ...live, metadata: { ...live.metadata, labels: { l: 'v' } }, status: { attached: true } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.metadata.labels, res.body.status.attached], [undefined, true]);
});

test('update: a namespace\'s main resource keeps spec.finalizers; only /status writes its phase', async () => {
  const { call } = await server();
  const ns = (await call({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } })).body;
  const res = await call({ method: 'PUT', path: '/api/v1/namespaces/team', body: { ...ns, spec: { finalizers: [] }, status: { phase: 'Terminating' } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.spec.finalizers, res.body.status.phase], [['kubernetes'], 'Active']);
});

test('update: PUT and patch record the manager\'s changes; /status entries name the subresource; an Apply entry stays', async () => {
  const { call, clock } = await server();
  await call({ method: 'POST', path: DEPLOYMENTS, query: { fieldManager: 'creator' }, body: deployment('web') });
  await clock.advance(60_000);
  const applied = await call({
    method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'application/apply-patch+yaml', query: { fieldManager: 'applier' },
    body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', annotations: { owner: 'me' } } },
  });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  await clock.advance(60_000);
  await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: MERGE, headers: { 'user-agent': 'kubectl/v1.33.0' }, body: { spec: { replicas: 3 } } });
  const res = await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web/status`, contentType: MERGE, query: { fieldManager: 'controller' }, body: { status: { replicas: 3 } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const summary = entries(res.body).map((e) => [e.manager, e.operation, e.time, e.subresource ?? '', JSON.stringify(e.fieldsV1)]);
  // managedfields/internal/managedfields.go sorts by operation, then time, then manager
  assert.deepEqual(summary, [
    ['applier', 'Apply', '2026-01-01T00:01:00Z', '', '{"f:metadata":{"f:annotations":{"f:owner":{}}}}'],
    ['creator', 'Update', T0, '', JSON.stringify(entries(res.body)[1].fieldsV1)],
    ['controller', 'Update', '2026-01-01T00:02:00Z', 'status', '{"f:status":{"f:replicas":{}}}'],
    ['kubectl', 'Update', '2026-01-01T00:02:00Z', '', '{"f:spec":{"f:replicas":{}}}'],
  ]);
  assert.equal(JSON.stringify(entries(res.body)[1].fieldsV1).includes('"f:replicas"'), false, 'creator lost spec.replicas to kubectl');
});

test('update: a PUT that omits managedFields keeps them, an empty list resets them, and a PUT that changes nothing writes nothing', async () => {
  const { call, clock } = await server();
  const created = (await call({ method: 'POST', path: CONFIGMAPS, query: { fieldManager: 'creator' }, body: configMap('a') })).body;
  await clock.advance(60_000);
  const same = await call({ method: 'PUT', path: `${CONFIGMAPS}/a`, query: { fieldManager: 'other' }, body: { ...created, metadata: { ...created.metadata, managedFields: undefined } } });
  assert.equal(same.status, 200);
  assert.equal(same.body.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.deepEqual(same.body.metadata.managedFields, created.metadata.managedFields);
  const omitted = await call({ method: 'PUT', path: `${CONFIGMAPS}/a`, query: { fieldManager: 'other' }, body: { ...created, metadata: { ...created.metadata, managedFields: undefined }, data: { a: '1', b: '2' } } });
  assert.deepEqual(entries(omitted.body).map((e) => `${String(e.manager)} ${JSON.stringify(e.fieldsV1)}`), ['creator {"f:data":{".":{},"f:a":{}}}', 'other {"f:data":{"f:b":{}}}']);
  // fieldmanager.go decodeLiveOrNew: an empty list resets, and nobody is tracked afterwards (skipnonapplied.go)
  const reset = await call({ method: 'PUT', path: `${CONFIGMAPS}/a`, query: { fieldManager: 'other' }, body: { ...omitted.body, metadata: { ...omitted.body.metadata, managedFields: [] } } });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.equal(reset.body.metadata.managedFields, undefined);
});

test('update: removing the last finalizer of an object being deleted deletes it and answers with the object', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: CONFIGMAPS, body: { ...configMap('a'), metadata: { name: 'a', finalizers: ['example.com/hold'] } } });
  const marked = (await call({ method: 'DELETE', path: `${CONFIGMAPS}/a` })).body;
  assert.deepEqual([marked.metadata.deletionTimestamp, marked.metadata.deletionGracePeriodSeconds], [T0, 0]);
  const added = await call({ method: 'PATCH', path: `${CONFIGMAPS}/a`, contentType: MERGE, body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } } });
  // objectmeta.go ValidateNoNewFinalizers
  expectStatus(added, 422, 'Invalid', 'ConfigMap "a" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}');
  const res = await call({ method: 'PATCH', path: `${CONFIGMAPS}/a`, contentType: MERGE, body: { metadata: { finalizers: null } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.metadata.name, 'a');
  assert.equal((await call({ method: 'GET', path: `${CONFIGMAPS}/a` })).status, 404);
});

test('update: mutating admission sees the client\'s object before the strategy resets status; BeforeUpdate restores uid and timestamps', async () => {
  const plugin = recorder((a) => {
    if (a.operation === 'UPDATE' && a.object) a.object.metadata.annotations = { ...a.object.metadata.annotations, seen: String((a.object.status as { replicas?: number } | undefined)?.replicas) };
  });
  const { call } = await server([plugin]);
  const d = (await call({ method: 'POST', path: DEPLOYMENTS, body: deployment('web') })).body;
  const res = await call({ method: 'PUT', path: `${DEPLOYMENTS}/web`, body: { ...d, metadata: { ...d.metadata, uid: undefined, creationTimestamp: '2020-01-01T00:00:00Z' }, status: { replicas: 4 } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.metadata.annotations.seen, res.body.status.replicas, res.body.metadata.uid, res.body.metadata.creationTimestamp], ['4', undefined, d.metadata.uid, T0]);
});

test('update: managedFields a mutating plugin leaves undecodable are put back, with upstream\'s warning', async () => {
  const { call } = await server([recorder((a) => { if (a.operation === 'UPDATE' && a.object) a.object.metadata = { ...a.object.metadata, managedFields: [{ manager: 'x', operation: 'Bogus' }] }; })]);
  await call({ method: 'POST', path: CONFIGMAPS, query: { fieldManager: 'creator' }, body: configMap('a') });
  const res = await call({ method: 'PATCH', path: `${CONFIGMAPS}/a`, contentType: MERGE, query: { fieldManager: 'patcher' }, body: { data: { b: '2' } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(entries(res.body).map((e) => e.manager), ['creator', 'patcher']);
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager/admission.go
  assert.deepEqual(res.warnings, ['.metadata.managedFields was in an invalid state after admission; this could be caused by an outdated mutating admission controller; please fix your requests: operation must be `Apply` or `Update`']);
});

test('update: a pod status that leaves out observedGeneration keeps the stored ones', async () => {
  const { call } = await server();
  const p = (await call({ method: 'POST', path: PODS, body: pod('p') })).body;
  const first = await call({ method: 'PUT', path: `${PODS}/p/status`, body: { ...p, status: { ...p.status, observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', observedGeneration: 1 }] } } });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const second = await call({ method: 'PUT', path: `${PODS}/p/status`, body: { ...first.body, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'True' }] } } });
  assert.equal(second.status, 200, JSON.stringify(second.body));
  // pkg/registry/core/pod/strategy.go preserveOldObservedGeneration
  assert.deepEqual([second.body.status.observedGeneration, second.body.status.conditions[0].observedGeneration, second.body.status.qosClass], [1, 1, 'BestEffort']);
});

test('update: an attempt begun on a watch cache copy that is behind the store is tried again on the store\'s object', async () => {
  const { api, call } = await server();
  const made = await call({ method: 'POST', path: CONFIGMAPS, body: configMap('lagging') });
  assert.equal(made.status, 201);
  const old = made.body as KubeObject;
  const moved = await call({ method: 'PUT', path: `${CONFIGMAPS}/lagging`, body: { ...old, data: { a: '2' } } });
  assert.equal(moved.status, 200);
  const latest = moved.body as KubeObject;
  // The cache hands out the object as it was before the last write, as a cache that has not seen it yet would.
  const storage = api.storageFor('', 'configmaps');
  assert.ok(storage);
  storage.cached = () => structuredClone(old);

  // An update naming the store's resourceVersion conflicts with the stale copy, and succeeds on the store's.
  const ok = await call({ method: 'PUT', path: `${CONFIGMAPS}/lagging`, body: { ...latest, data: { a: '3' } } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual((ok.body as { data: unknown }).data, { a: '3' });
  // One naming the stale resourceVersion is the 409 the store's object gives.
  const stale = await call({ method: 'PUT', path: `${CONFIGMAPS}/lagging`, body: { ...old, data: { a: '4' } } });
  expectStatus(stale, 409, 'Conflict', 'Operation cannot be fulfilled on configmaps "lagging": the object has been modified; please apply your changes to the latest version and try again');
  // A patch that changes nothing answers the store's object, not the stale copy it was first applied to.
  const none = await call({ method: 'PATCH', path: `${CONFIGMAPS}/lagging`, body: {}, contentType: 'application/merge-patch+json' });
  assert.equal(none.status, 200);
  assert.deepEqual((none.body as { data: unknown }).data, { a: '3' });
});
