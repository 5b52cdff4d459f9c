import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { SeededRandom } from '../random';
import { MemoryStore } from '../store/memoryStore';
import type { Status, WatchEvent } from '../api/types';
import { ApiServer, type ApiRequest } from './apiServer';
import type { Authorizer } from './auth/types';
import { ADMIN_TOKEN, adminTokens as tokens, testServer, type TestServer } from './testing';

async function server(): Promise<TestServer> {
  return testServer();
}

const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] }, ...extra });
const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });

test('create stores the object with uid, timestamps, defaults and a resourceVersion', async () => {
  const { call } = await server();
  const res = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') });
  assert.equal(res.status, 201);
  assert.equal(res.body.metadata.namespace, 'default');
  assert.match(res.body.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  assert.equal(res.body.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(res.body.spec.restartPolicy, 'Always');
  assert.equal(res.body.spec.schedulerName, 'default-scheduler');
  assert.equal(res.body.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(res.body.status.phase, 'Pending');
  assert.equal(res.body.status.qosClass, 'BestEffort');
  const got = await call({ method: 'GET', path: '/api/v1/namespaces/default/pods/web' });
  assert.equal(got.body.metadata.resourceVersion, res.body.metadata.resourceVersion);
});

/** Rejections with upstream's exact status, reason and message; none may change the store. */
const rejections: { name: string; req: ApiRequest; status: number; reason: string; message: string; causes?: string[] }[] = [
  {
    name: 'a pod without containers',
    req: { method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } },
    status: 422, reason: 'Invalid', message: 'Pod "p" is invalid: spec.containers: Required value', causes: ['spec.containers'],
  },
  {
    name: 'a container without an image',
    req: { method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } } },
    status: 422, reason: 'Invalid', message: 'Pod "p" is invalid: spec.containers[0].image: Required value', causes: ['spec.containers[0].image'],
  },
  {
    name: 'an upper-case name',
    req: { method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('Web') },
    status: 422, reason: 'Invalid',
    message: 'Pod "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
  },
  {
    name: 'a deployment whose selector does not match its template',
    req: { method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', body: deployment({ selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } }) },
    status: 422, reason: 'Invalid', message: 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
  },
  {
    name: 'negative replicas and a missing selector together',
    req: { method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', body: deployment({ replicas: -1, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } }) },
    // pkg/apis/apps/validation/validation.go ValidateDeploymentSpec: a nil selector still gets the template-labels check.
    status: 422, reason: 'Invalid', message: 'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
  },
  {
    name: 'a pod in a namespace that does not exist',
    req: { method: 'POST', path: '/api/v1/namespaces/nope/pods', body: pod('web') },
    status: 404, reason: 'NotFound', message: 'namespaces "nope" not found',
  },
  {
    name: 'getting a pod that does not exist',
    req: { method: 'GET', path: '/api/v1/namespaces/default/pods/ghost' },
    status: 404, reason: 'NotFound', message: 'pods "ghost" not found',
  },
  {
    name: 'getting a deployment that does not exist',
    req: { method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments/ghost' },
    status: 404, reason: 'NotFound', message: 'deployments.apps "ghost" not found',
  },
  {
    name: 'a body whose namespace differs from the URL',
    req: { method: 'POST', path: '/api/v1/namespaces/default/pods', body: { ...pod('web'), metadata: { name: 'web', namespace: 'other' } } },
    status: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request',
  },
  {
    name: 'deleting the default namespace',
    req: { method: 'DELETE', path: '/api/v1/namespaces/default' },
    status: 403, reason: 'Forbidden', message: 'namespaces "default" is forbidden: this namespace may not be deleted',
  },
];

for (const r of rejections) {
  test(`rejects ${r.name}`, async () => {
    const { call, store } = await server();
    const before = await store.revision();
    const res = await call(r.req);
    const body = res.body as Status;
    assert.equal(res.status, r.status);
    assert.equal(body.kind, 'Status');
    assert.equal(body.reason, r.reason);
    assert.equal(body.message, r.message);
    if (r.causes) assert.deepEqual(body.details?.causes?.map((c) => c.field), r.causes);
    assert.equal(await store.revision(), before, 'a rejected request leaves the revision unchanged');
  });
}

test('creating the same name twice is AlreadyExists', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') });
  const res = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') });
  assert.equal(res.status, 409);
  assert.equal(res.body.reason, 'AlreadyExists');
  assert.equal(res.body.message, 'pods "web" already exists');
});

test('an update with a stale resourceVersion is a Conflict with upstream\'s message', async () => {
  const { call, store } = await server();
  const created = (await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') })).body;
  const first = await call({ method: 'PUT', path: '/api/v1/namespaces/default/pods/web', body: { ...created, metadata: { ...created.metadata, labels: { a: '1' } } } });
  assert.equal(first.status, 200);
  const before = await store.revision();
  const stale = await call({ method: 'PUT', path: '/api/v1/namespaces/default/pods/web', body: { ...created, metadata: { ...created.metadata, labels: { a: '2' } } } });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, 'Conflict');
  assert.equal(stale.body.message, 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again');
  assert.equal(await store.revision(), before);
});

test('the main resource ignores status and the status subresource ignores spec', async () => {
  const { call } = await server();
  const created = (await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') })).body;
  const viaMain = (await call({ method: 'PUT', path: '/api/v1/namespaces/default/pods/web', body: { ...created, status: { phase: 'Running' } } })).body;
  assert.equal(viaMain.status.phase, 'Pending');
  const viaStatus = (await call({ method: 'PUT', path: '/api/v1/namespaces/default/pods/web/status', body: { ...viaMain, spec: { ...viaMain.spec, nodeName: 'x' }, status: { ...viaMain.status, phase: 'Running' } } })).body;
  assert.equal(viaStatus.status.phase, 'Running');
  assert.equal(viaStatus.spec.nodeName, undefined);
});

test('a deployment\'s generation counts spec changes only', async () => {
  const { call } = await server();
  const spec = { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } };
  const d = (await call({ method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', body: deployment(spec) })).body;
  assert.equal(d.metadata.generation, 1);
  const labelled = (await call({ method: 'PUT', path: '/apis/apps/v1/namespaces/default/deployments/web', body: { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } } })).body;
  assert.equal(labelled.metadata.generation, 1);
  const scaled = (await call({ method: 'PUT', path: '/apis/apps/v1/namespaces/default/deployments/web', body: { ...labelled, spec: { ...labelled.spec, replicas: 3 } } })).body;
  assert.equal(scaled.metadata.generation, 2);
});

test('binding assigns a node once; a second binding is a Conflict', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') });
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } };
  const ok = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods/web/binding', body: binding });
  assert.equal(ok.status, 201);
  const got = (await call({ method: 'GET', path: '/api/v1/namespaces/default/pods/web' })).body;
  assert.equal(got.spec.nodeName, 'node-1');
  assert.equal(got.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled').status, 'True');
  const again = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods/web/binding', body: { ...binding, target: { kind: 'Node', name: 'node-2' } } });
  assert.equal(again.status, 409);
  assert.equal(again.body.message, 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1"');
});

/** HeldStore delivers its watch events only once released: a watch cache behind the store, on demand. */
class HeldStore extends MemoryStore {
  release: () => void = () => undefined;
  private held: Promise<void> = Promise.resolve();
  hold(): void {
    this.held = new Promise<void>((resolve) => (this.release = resolve));
  }
  override watch(...[prefix, from, onEvents, onError, options]: Parameters<MemoryStore['watch']>): ReturnType<MemoryStore['watch']> {
    return super.watch(prefix, from, (events, revision) => this.held.then(() => onEvents(events, revision)), onError, options);
  }
}

test('binding reads the store when the watch cache is behind: the pod written there is bound, or refused as already assigned', async () => {
  const store = new HeldStore();
  const { call } = await testServer({ store });
  const binding = (name: string, node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });
  const created = new Map<string, { metadata: Record<string, unknown>; spec: Record<string, unknown> }>();
  for (const name of ['labelled', 'placed']) created.set(name, (await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod(name) })).body);
  store.hold();
  // Writes straight to the store, which the watch cache does not hear of until the store's watch delivers them.
  for (const [name, p] of created) {
    const { resourceVersion: _rv, ...metadata } = p.metadata;
    const changed = name === 'labelled' ? { ...p, metadata: { ...metadata, labels: { late: 'yes' } } } : { ...p, metadata, spec: { ...p.spec, nodeName: 'node-0' } };
    await store.txn({ compare: [], success: [{ type: 'put', key: `/registry/pods/default/${name}`, value: JSON.stringify(changed) }], failure: [] });
  }
  const ok = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods/labelled/binding', body: binding('labelled', 'node-1') });
  assert.equal(ok.status, 201);
  const refused = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods/placed/binding', body: binding('placed', 'node-1') });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.message, 'Operation cannot be fulfilled on pods/binding "placed": pod placed is already assigned to node "node-0"');
  store.release();
  const got = (await call({ method: 'GET', path: '/api/v1/namespaces/default/pods/labelled' })).body;
  assert.equal(got.spec.nodeName, 'node-1');
  assert.deepEqual(got.metadata.labels, { late: 'yes' });
});

test('deleting a scheduled pod is graceful; grace 0 removes it', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { ...pod('web'), spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } } });
  const marked = await call({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/web' });
  assert.equal(marked.status, 200);
  assert.equal(marked.body.metadata.deletionGracePeriodSeconds, 30);
  assert.equal(marked.body.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
  const gone = await call({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/web', body: { gracePeriodSeconds: 0 } });
  assert.equal(gone.status, 200);
  assert.equal((await call({ method: 'GET', path: '/api/v1/namespaces/default/pods/web' })).status, 404);
});

test('dryRun=All validates and answers but stores nothing', async () => {
  const { call, store } = await server();
  const before = await store.revision();
  const res = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', query: { dryRun: 'All' }, body: pod('web') });
  assert.equal(res.status, 201);
  assert.equal(res.body.metadata.name, 'web');
  assert.equal(await store.revision(), before);
  assert.equal((await call({ method: 'GET', path: '/api/v1/namespaces/default/pods/web' })).status, 404);
});

test('list filters by label and field selectors and pages with limit/continue', async () => {
  const { call } = await server();
  for (const [name, app, node] of [['a', 'web', 'n1'], ['b', 'web', 'n2'], ['c', 'db', 'n1']]) {
    await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { ...pod(name), metadata: { name, labels: { app } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] } } });
  }
  const names = (r: { body: { items: { metadata: { name: string } }[] } }) => r.body.items.map((p) => p.metadata.name);
  assert.deepEqual(names(await call({ method: 'GET', path: '/api/v1/pods?labelSelector=app%3Dweb' })), ['a', 'b']);
  assert.deepEqual(names(await call({ method: 'GET', path: '/api/v1/pods', query: { fieldSelector: 'spec.nodeName=n1' } })), ['a', 'c']);
  assert.deepEqual(names(await call({ method: 'GET', path: '/api/v1/pods', query: { labelSelector: 'app in (db)' } })), ['c']);
  const page1 = await call({ method: 'GET', path: '/api/v1/namespaces/default/pods', query: { limit: '2' } });
  assert.deepEqual(names(page1), ['a', 'b']);
  const page2 = await call({ method: 'GET', path: '/api/v1/namespaces/default/pods', query: { limit: '2', continue: page1.body.metadata.continue } });
  assert.deepEqual(names(page2), ['c']);
  assert.equal(page2.body.metadata.continue, undefined);
  const bad = await call({ method: 'GET', path: '/api/v1/pods', query: { fieldSelector: 'spec.bogus=1' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.message, 'field label not supported: spec.bogus');
});

test('watch from a resourceVersion sees later changes as ADDED, MODIFIED, DELETED', async () => {
  const { api, call } = await server();
  const rv = (await call({ method: 'GET', path: '/api/v1/namespaces/default/pods' })).body.metadata.resourceVersion;
  const events: WatchEvent[] = [];
  const w = await api.watch({ method: 'GET', path: '/api/v1/namespaces/default/pods', query: { watch: 'true', resourceVersion: rv }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, { event: (e) => events.push(e), close: () => undefined });
  const created = (await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web') })).body;
  await call({ method: 'PUT', path: '/api/v1/namespaces/default/pods/web', body: { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } } });
  await call({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/web' });
  await new Promise((r) => setImmediate(r));
  // Deleting a pod marks it first, even with no grace period left (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go updateForGracefulDeletionAndFinalizers).
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
  assert.ok(!('status' in w));
});

test('discovery lists the served resources with their subresources', async () => {
  const { call } = await server();
  const core = (await call({ method: 'GET', path: '/api/v1' })).body;
  const names = core.resources.map((r: { name: string }) => r.name);
  for (const n of ['pods', 'pods/status', 'pods/binding', 'nodes', 'namespaces', 'events']) assert.ok(names.includes(n), n);
  const groups = (await call({ method: 'GET', path: '/apis' })).body;
  const groupNames = groups.groups.map((g: { name: string }) => g.name);
  for (const g of ['apps', 'lab.kubelab.dev']) assert.ok(groupNames.includes(g), g);
});

test('requests without credentials or with a bad token are 401 Unauthorized, as upstream answers', async () => {
  const { api, store } = await server();
  const before = await store.revision();
  for (const headers of [{}, { authorization: 'Bearer nope' }]) {
    const res = await api.handle({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('web'), headers });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
  assert.equal(await store.revision(), before);
});

test('a denied request is 403 with upstream\'s forbidden message and changes nothing', async () => {
  const store = new MemoryStore();
  const denyPods: Authorizer = { authorize: (a) => ({ decision: a.resource === 'pods' ? 'noOpinion' : 'allow', reason: '' }) };
  const api = new ApiServer({ store, clock: new ManualClock(), random: new SeededRandom(1), authenticators: [tokens], authorizer: denyPods });
  await api.start();
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const before = await store.revision();
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go: forbiddenMessage
  const cases: [ApiRequest, string, Record<string, unknown>][] = [
    [{ method: 'GET', path: '/api/v1/namespaces/default/pods', headers }, 'pods is forbidden: User "admin" cannot list resource "pods" in API group "" in the namespace "default"', { kind: 'pods' }],
    [{ method: 'GET', path: '/api/v1/pods', headers }, 'pods is forbidden: User "admin" cannot list resource "pods" in API group "" at the cluster scope', { kind: 'pods' }],
    [{ method: 'POST', path: '/api/v1/namespaces/default/pods/web/binding', body: {}, headers }, 'pods "web" is forbidden: User "admin" cannot create resource "pods/binding" in API group "" in the namespace "default"', { name: 'web', kind: 'pods' }],
  ];
  for (const [req, message, details] of cases) {
    const res = await api.handle(req);
    assert.equal(res.status, 403);
    assert.equal((res.body as Status).message, message);
    assert.deepEqual((res.body as Status).details, details);
  }
  assert.equal(await store.revision(), before);
});

test('bodies over 3 MiB are 413 and absurd nesting is refused without overflowing the stack', async () => {
  const { call, store } = await server();
  const before = await store.revision();
  const big = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('big', { metadata: { name: 'big', annotations: { x: 'a'.repeat(3 * 1024 * 1024 + 1) } } }) });
  assert.equal(big.status, 413);
  assert.equal(big.body.message, 'Request entity too large: limit is 3145728');
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const nested = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { ...pod('deep'), spec: deep } });
  assert.equal(nested.status, 400);
  assert.equal(await store.revision(), before);
});

test('every request leaves a trace of its stages, readable as requesttraces', async () => {
  const { call } = await server();
  await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod('traced') });
  await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { ...pod('bad'), spec: {} } });
  const list = await call({ method: 'GET', path: '/apis/lab.kubelab.dev/v1alpha1/requesttraces' });
  assert.equal(list.status, 200);
  const traces = list.body.items as { spec: { verb: string; name?: string; user: string }; status: { code: number; stages: { name: string; result: string }[] } }[];
  const ok = traces.find((t) => t.spec.name === 'traced');
  assert.ok(ok);
  assert.equal(ok.spec.user, 'admin');
  assert.equal(ok.status.code, 201);
  assert.deepEqual(ok.status.stages.map((s) => s.name), ['authentication', 'authorization', 'decode', 'mutating admission', 'validation', 'validating admission', 'persist']);
  const bad = traces.find((t) => t.spec.name === 'bad');
  assert.ok(bad);
  assert.equal(bad.status.code, 422);
  assert.deepEqual(bad.status.stages.map((s) => `${s.name}:${s.result}`), ['authentication:ok', 'authorization:ok', 'decode:ok', 'mutating admission:ok', 'validation:rejected']);
});

test('discovery is authorized as a non-resource path: a user the authorizer refuses gets 403', async () => {
  // genericapiserver's discovery handlers sit behind WithAuthorization; system:discovery grants the paths to system:authenticated.
  const { call } = await testServer({ authorizer: { authorize: (a) => ({ decision: a.isResourceRequest ? 'allow' : 'deny', reason: '' }) } });
  const res = await call({ method: 'GET', path: '/apis' });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'forbidden: User "admin" cannot get path "/apis"');
});
