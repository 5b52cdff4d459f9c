/**
 * write.test covers create, update, patch and delete as upstream's handlers and
 * generic store run them (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
 * {create,update,patch,delete}.go, pkg/registry/rest/{create,update,delete}.go,
 * pkg/registry/generic/registry/store.go): exact codes, messages, field paths and
 * the objects that result.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import type { Random } from '../../random';
import type { AdmissionPlugin, Attributes } from '../admission/admission';
import { newNamespaceLifecycle } from '../admission/namespaceLifecycle';
import type { ApiRequest } from '../apiServer';
import { type TestResponse, testServer } from '../testing';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const T0 = '2026-01-01T00:00:00Z';

const configMap = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' }, ...extra });
const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

/** A Random that always draws 0: every generated name and uid is the same. */
const stuck: Random = { float: () => 0, int: () => 0 };

/** recorder is a mutating and validating plugin that writes down what it saw, and can change the object. */
function recorder(change?: (a: Attributes) => void): AdmissionPlugin & { seen: string[] } {
  const seen: string[] = [];
  const show = (phase: string, a: Attributes) => `${phase} ${a.operation} name=${a.name} object=${a.object?.metadata.name ?? ''} uid=${a.object?.metadata.uid ?? ''} old=${a.oldObject?.metadata.name ?? ''}`;
  return {
    name: 'Recorder',
    seen,
    admit(a) {
      seen.push(show('admit', a));
      change?.(a);
      return undefined;
    },
    validate(a) {
      seen.push(show('validate', a));
      return undefined;
    },
  };
}

async function server(plugins: AdmissionPlugin[] = [], random?: Random) {
  return testServer({ admission: [newNamespaceLifecycle(), ...plugins], ...(random ? { random } : {}) });
}

function entries(obj: KubeObject): Record<string, unknown>[] {
  return (obj.metadata.managedFields ?? []) as Record<string, unknown>[];
}

function expectStatus(res: TestResponse, code: number, reason: string | undefined, message: string): void {
  assert.equal(res.status, code, JSON.stringify(res.body));
  assert.equal(res.body.reason, reason);
  assert.equal(res.body.message, message);
}

// --- create -----------------------------------------------------------------

test('create: the name is generated after mutating admission, which sees no name, uid or creation time; validating admission sees the generated name', async () => {
  const plugin = recorder();
  const { call } = await server([plugin]);
  plugin.seen.length = 0;
  const res = await call({ method: 'POST', path: CONFIGMAPS, body: { ...configMap(''), metadata: { generateName: 'web-', uid: 'mine', creationTimestamp: '2020-01-01T00:00:00Z' } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const name = res.body.metadata.name as string;
  assert.match(name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.notEqual(res.body.metadata.uid, 'mine');
  assert.equal(res.body.metadata.creationTimestamp, T0);
  // handlers/create.go: admission runs with the name on the request (none), store.go's create generates it.
  assert.deepEqual(plugin.seen, ['admit CREATE name= object= uid= old=', `validate CREATE name=${name} object=${name} uid=${res.body.metadata.uid} old=`]);
});

test('create: a mutating plugin that sets generateName on a nameless object gets a generated name', async () => {
  const { call } = await server([recorder((a) => { if (a.object) a.object.metadata.generateName = 'from-plugin-'; })]);
  const res = await call({ method: 'POST', path: CONFIGMAPS, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(res.body.metadata.name, /^from-plugin-[a-z0-9]{5}$/);
});

test('create: a generated name that keeps colliding is tried 8 times, then 409 AlreadyExists with retryAfterSeconds 1', async () => {
  const plugin = recorder();
  const { call } = await server([plugin], stuck);
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'web-' } };
  assert.equal((await call({ method: 'POST', path: CONFIGMAPS, body })).body.metadata.name, 'web-bbbbb');
  plugin.seen.length = 0;
  const res = await call({ method: 'POST', path: CONFIGMAPS, body });
  // staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go NewGenerateNameConflict; store.go maxNameGenerationCreateAttempts
  expectStatus(res, 409, 'AlreadyExists', 'configmaps "web-bbbbb" already exists, the server was not able to generate a unique name for the object');
  assert.deepEqual(res.body.details, { name: 'web-bbbbb', kind: 'configmaps', retryAfterSeconds: 1 });
  assert.equal(plugin.seen.filter((s) => s.startsWith('admit')).length, 1);
  assert.equal(plugin.seen.filter((s) => s.startsWith('validate')).length, 8);
});

const createRejections: { name: string; setup?: ApiRequest[]; req: ApiRequest; code: number; reason?: string; message: string }[] = [
  {
    name: 'a taken name',
    setup: [{ method: 'POST', path: CONFIGMAPS, body: configMap('a') }],
    req: { method: 'POST', path: CONFIGMAPS, body: configMap('a') },
    code: 409, reason: 'AlreadyExists', message: 'configmaps "a" already exists',
  },
  {
    name: 'a name taken by an object being deleted',
    setup: [
      { method: 'POST', path: CONFIGMAPS, body: { ...configMap('a'), metadata: { name: 'a', finalizers: ['example.com/hold'] } } },
      { method: 'DELETE', path: `${CONFIGMAPS}/a` },
    ],
    req: { method: 'POST', path: CONFIGMAPS, body: configMap('a') },
    // store.go create: "object is being deleted: " before the AlreadyExists message
    code: 409, reason: 'AlreadyExists', message: 'object is being deleted: configmaps "a" already exists',
  },
  {
    name: 'a resourceVersion',
    req: { method: 'POST', path: CONFIGMAPS, body: { ...configMap('a'), metadata: { name: 'a', resourceVersion: '7' } } },
    // staging/src/k8s.io/apiserver/pkg/storage/errors.go ErrResourceVersionSetOnCreate, unconverted: a 500 without a reason
    code: 500, message: 'resourceVersion should not be set on objects to be created',
  },
  {
    name: 'another namespace than the URL',
    req: { method: 'POST', path: CONFIGMAPS, body: { ...configMap('a'), metadata: { name: 'a', namespace: 'other' } } },
    // pkg/registry/rest/meta.go EnsureObjectNamespaceMatchesRequestNamespace
    code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request',
  },
  {
    name: 'a bad generateName',
    req: { method: 'POST', path: CONFIGMAPS, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'Web-' } } },
    code: 422, reason: 'Invalid',
    message: 'ConfigMap "Web-bbbbb" is invalid: [metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\'), metadata.name: Invalid value: "Web-bbbbb": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')]',
  },
];

for (const c of createRejections) {
  test(`create refuses ${c.name}`, async () => {
    const { call, store } = await server([], stuck);
    for (const r of c.setup ?? []) assert.ok((await call(r)).status < 300);
    const before = await store.revision();
    expectStatus(await call(c.req), c.code, c.reason, c.message);
    assert.equal(await store.revision(), before);
  });
}

test('create: a dry run may carry a resourceVersion', async () => {
  const { call } = await server();
  const res = await call({ method: 'POST', path: CONFIGMAPS, query: { dryRun: 'All' }, body: { ...configMap('a'), metadata: { name: 'a', resourceVersion: '7' } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
});

test('create: generation is 1 where the strategy counts it and the client\'s elsewhere; wiped system fields are the server\'s', async () => {
  const { call } = await server();
  const cm = await call({ method: 'POST', path: CONFIGMAPS, body: { ...configMap('a'), metadata: { name: 'a', generation: 5, deletionTimestamp: T0, deletionGracePeriodSeconds: 3 } } });
  assert.equal(cm.status, 201, JSON.stringify(cm.body));
  assert.equal(cm.body.metadata.generation, 5);
  assert.equal(cm.body.metadata.deletionTimestamp, undefined);
  assert.equal(cm.body.metadata.deletionGracePeriodSeconds, undefined);
  const d = await call({ method: 'POST', path: DEPLOYMENTS, body: { ...deployment('web'), metadata: { name: 'web', labels: { app: 'web' }, generation: 9 } } });
  assert.equal(d.body.metadata.generation, 1);
});

const managers: { name: string; req: Partial<ApiRequest>; manager: string }[] = [
  { name: '?fieldManager=', req: { query: { fieldManager: 'mine' }, headers: { 'user-agent': 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc' } }, manager: 'mine' },
  { name: 'the user agent\'s product name', req: { headers: { 'user-agent': 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc' } }, manager: 'kubectl' },
  { name: '"unknown" without either', req: {}, manager: 'unknown' },
];

for (const c of managers) {
  test(`create records an Update entry for ${c.name}`, async () => {
    const { call } = await server();
    const res = await call({ method: 'POST', path: CONFIGMAPS, body: configMap('a'), ...c.req });
    // managedfields/internal/managedfieldsupdater.go and buildmanagerinfo.go
    assert.deepEqual(res.body.metadata.managedFields, [{ manager: c.manager, operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }]);
  });
}

test('create: duplicate owner references are dropped with upstream\'s warning', async () => {
  const { call } = await server();
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u1' };
  const res = await call({ method: 'POST', path: CONFIGMAPS, body: { ...configMap('a'), metadata: { name: 'a', ownerReferences: [ref, ref] } } });
  assert.equal(res.status, 201);
  assert.deepEqual(res.body.metadata.ownerReferences, [ref]);
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go DuplicateOwnerReferencesWarningFormat
  assert.deepEqual(res.warnings, ['.metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: u1']);
});

test('create: a pod\'s status is set after admission, so its QoS class sees what admission added', async () => {
  const limits = { cpu: '1', memory: '1Gi' };
  const { call } = await server([recorder((a) => {
    const spec = a.object?.spec as { containers: Record<string, unknown>[] } | undefined;
    if (spec) spec.containers[0].resources = { limits, requests: limits };
  })]);
  const res = await call({ method: 'POST', path: PODS, body: pod('p') });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status.qosClass, 'Guaranteed');
});

// --- update and patch -------------------------------------------------------

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

// --- delete -----------------------------------------------------------------

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
