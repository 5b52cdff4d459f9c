/**
 * writeCreate.test covers create as upstream's handler and generic store run
 * it (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go,
 * pkg/registry/rest/create.go, pkg/registry/generic/registry/store.go): name
 * generation, admission's view, rejections with exact codes, messages and
 * field paths, and the object that results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiRequest } from '../apiServer';
import { CONFIGMAPS, DEPLOYMENTS, PODS, T0, configMap, deployment, expectStatus, pod, recorder, server, stuck } from './writeTesting';

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
