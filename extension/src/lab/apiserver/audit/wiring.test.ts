// The audit log wired into the request path, with real requests. Stages and their order from
// staging/src/k8s.io/apiserver/pkg/endpoints/filters/audit.go (WithAudit, its Panic stage) and
// authn_audit.go (WithFailedAuthenticationAudit); event content from pkg/audit/request.go and
// pkg/audit/context.go; the request object and patch from endpoints/handlers/create.go, update.go and
// patch.go (LogRequestObject, LogRequestPatch), the response from handlers/responsewriters/writers.go
// (LogResponseObject); decision annotations from endpoints/filters/authorization.go; long-running
// requests from server/filters/longrunning.go as kube-apiserver configures it.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { WatchEvent } from '../../api/types';
import { ManualClock } from '../../clock';
import { Lab } from '../../lab';
import { newNamespaceLifecycle } from '../admission/namespaceLifecycle';
import { newPodSecurity } from '../admission/podSecurity';
import type { ApiRequest, ApiServerOptions } from '../apiServer';
import type { Authorizer } from '../auth/types';
import { ADMIN_TOKEN, testServer } from '../testing';
import { AuditSink } from './sink';
import type { AuditEvent, AuditPolicy } from './types';

const ADMIN = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
const NOW = '2026-01-01T00:00:00.000000Z';
const METADATA: AuditPolicy = { rules: [{ level: 'Metadata' }] };
const configMap = (name = 'web') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
const createConfigMap = (extra: Partial<ApiRequest> = {}): ApiRequest => ({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: configMap(), ...extra });

/** audited is a test server whose audit log is kept in memory, emptied of the server's own bootstrap. */
async function audited(policy: AuditPolicy, options: Partial<ApiServerOptions> = {}) {
  const lines: string[] = [];
  const server = await testServer({ audit: { policy, sink: new AuditSink((l) => void lines.push(l)) }, ...options });
  lines.length = 0;
  const events = () => lines.map((l) => JSON.parse(l) as AuditEvent);
  return { ...server, events };
}

const stages = (events: AuditEvent[]) => events.map((e) => e.stage);

test('a Metadata-level create logs RequestReceived and ResponseComplete with who did what to which object', async () => {
  const { call, events } = await audited(METADATA);
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [] };
  const res = await call({
    method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', query: { fieldManager: 'kubectl-create' }, body: role,
    headers: { 'authorization': `Bearer ${ADMIN_TOKEN}`, 'user-agent': 'kubectl/v1.36.0 (linux/amd64) kubernetes/0123456', 'audit-id': 'b6c1a5d8' },
  });
  assert.equal(res.status, 201);
  const common = {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'b6c1a5d8',
    requestURI: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles?fieldManager=kubectl-create', verb: 'create',
    user: ADMIN, userAgent: 'kubectl/v1.36.0 (linux/amd64) kubernetes/0123456',
  };
  assert.deepEqual(events(), [
    {
      ...common, stage: 'RequestReceived',
      objectRef: { resource: 'roles', namespace: 'default', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
      requestReceivedTimestamp: NOW, stageTimestamp: NOW,
    },
    {
      ...common, stage: 'ResponseComplete',
      objectRef: { resource: 'roles', namespace: 'default', name: 'reader', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestReceivedTimestamp: NOW, stageTimestamp: NOW,
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    },
  ]);
});

test('without an Audit-ID header every stage of a request shares one generated ID', async () => {
  const { call, events } = await audited(METADATA);
  await call(createConfigMap());
  const [received, complete] = events();
  assert.match(received.auditID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(complete.auditID, received.auditID);
});

test('a RequestResponse rule logs the request as sent and the response as stored', async () => {
  const { call, events } = await audited({ rules: [{ level: 'RequestResponse' }] });
  const res = await call(createConfigMap());
  const [received, complete] = events();
  assert.equal(received.requestObject, undefined, 'RequestReceived is written before the body is read');
  assert.equal(complete.level, 'RequestResponse');
  assert.deepEqual(complete.requestObject, configMap());
  assert.deepEqual(complete.responseObject, res.body);
});

test('a Request rule logs a patch as sent, and no response', async () => {
  const { call, events } = await audited({ rules: [{ level: 'Request', verbs: ['patch'] }] });
  await call(createConfigMap());
  const patch = { data: { a: '2' } };
  const res = await call({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/web', contentType: 'application/merge-patch+json', body: patch });
  assert.equal(res.status, 200);
  const complete = events().at(-1) as AuditEvent;
  assert.equal(complete.verb, 'patch');
  assert.deepEqual(complete.objectRef, { resource: 'configmaps', namespace: 'default', name: 'web', apiVersion: 'v1' });
  assert.deepEqual(complete.requestObject, patch);
  assert.equal(complete.responseObject, undefined);
});

test('a None rule writes nothing, and the next rule still applies to other requests', async () => {
  const { call, events } = await audited({ rules: [{ level: 'None', resources: [{ group: '', resources: ['configmaps'] }] }, { level: 'Metadata' }] });
  await call(createConfigMap());
  assert.deepEqual(events(), []);
  await call({ method: 'GET', path: '/api/v1/namespaces/default' });
  assert.deepEqual(events().map((e) => [e.stage, e.verb, e.objectRef?.resource]), [['RequestReceived', 'get', 'namespaces'], ['ResponseComplete', 'get', 'namespaces']]);
});

const omissions: { name: string; policy: AuditPolicy }[] = [
  { name: 'the policy', policy: { omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] } },
  { name: 'the rule', policy: { rules: [{ level: 'Metadata', omitStages: ['RequestReceived'] }] } },
];

for (const o of omissions) {
  test(`omitStages on ${o.name} drops RequestReceived`, async () => {
    const { call, events } = await audited(o.policy);
    await call(createConfigMap());
    assert.deepEqual(stages(events()), ['ResponseComplete']);
  });
}

test('a forbidden request is audited with its 403 and the authorizer\'s verdict', async () => {
  const noDeletes: Authorizer = { authorize: (a) => (a.verb === 'delete' ? { decision: 'noOpinion', reason: '' } : { decision: 'allow', reason: '' }) };
  const { call, events } = await audited(METADATA, { authorizer: noDeletes });
  await call(createConfigMap());
  const res = await call({ method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/web' });
  assert.equal(res.status, 403);
  const [received, complete] = events().slice(-2);
  assert.deepEqual(stages([received, complete]), ['RequestReceived', 'ResponseComplete']);
  assert.deepEqual(complete.responseStatus, {
    metadata: {}, status: 'Failure',
    message: 'configmaps "web" is forbidden: User "admin" cannot delete resource "configmaps" in API group "" in the namespace "default"',
    reason: 'Forbidden', details: { name: 'web', kind: 'configmaps' }, code: 403,
  });
  assert.deepEqual(complete.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
});

test('a failed authentication is one ResponseStarted event with its 401', async () => {
  const { api, events } = await audited({ rules: [{ level: 'RequestResponse' }] });
  const res = await api.handle({ method: 'GET', path: '/api/v1/namespaces/default/pods', headers: { authorization: 'Bearer not-a-token' } });
  assert.equal(res.status, 401);
  const all = events();
  assert.deepEqual(stages(all), ['ResponseStarted'], 'WithFailedAuthenticationAudit writes neither RequestReceived nor ResponseComplete');
  assert.equal(all[0].verb, 'list');
  assert.equal(all[0].requestURI, '/api/v1/namespaces/default/pods');
  assert.equal(all[0].responseStatus?.code, 401);
  // filters/authn_audit.go records the Status the client got; the event's user stays empty ({}), as Go omits the empty username.
  assert.deepEqual([all[0].responseStatus?.status, all[0].responseStatus?.reason, all[0].responseStatus?.message], ['Failure', 'Unauthorized', 'Unauthorized']);
  assert.deepEqual(all[0].user, {});
  assert.equal(all[0].annotations, undefined, 'authorization never ran');
});

test('a failed authentication is not audited when ResponseStarted is omitted', async () => {
  const { api, events } = await audited({ omitStages: ['ResponseStarted'], rules: [{ level: 'RequestResponse' }] });
  await api.handle({ method: 'GET', path: '/api/v1/namespaces/default/pods' });
  assert.deepEqual(events(), []);
});

test('an impersonated request names the real user and the one it acted as', async () => {
  const { call, events } = await audited(METADATA);
  const res = await call({ ...createConfigMap(), headers: { 'authorization': `Bearer ${ADMIN_TOKEN}`, 'impersonate-user': 'alice', 'impersonate-group': 'dev' } });
  assert.equal(res.status, 201);
  const [received, complete] = events();
  assert.deepEqual(received.user, ADMIN, 'the policy saw the authenticated user');
  assert.equal(received.impersonatedUser, undefined, 'impersonation runs after RequestReceived');
  assert.deepEqual(complete.user, ADMIN);
  assert.deepEqual(complete.impersonatedUser, { username: 'alice', groups: ['dev', 'system:authenticated'] });
});

test('a watch is long-running: ResponseStarted when it begins, ResponseComplete when it ends', async () => {
  const { api, events } = await audited(METADATA);
  const received: WatchEvent[] = [];
  let closed = false;
  const w = await api.watch(
    { method: 'GET', path: '/api/v1/namespaces/default/configmaps', query: { watch: 'true' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    { event: (e) => void received.push(e), close: () => (closed = true) },
  );
  assert.ok('cancel' in w);
  assert.deepEqual(stages(events()), ['RequestReceived', 'ResponseStarted']);
  assert.equal(events()[1].verb, 'watch');
  assert.equal(events()[1].requestURI, '/api/v1/namespaces/default/configmaps?watch=true');
  assert.deepEqual(events()[1].responseStatus, { metadata: {}, code: 200 });
  w.cancel();
  assert.ok(closed);
  assert.deepEqual(stages(events()), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  assert.deepEqual(events()[2].responseStatus, { metadata: {}, code: 200 });
});

test('a refused watch still has its ResponseStarted stage, then completes with the Status', async () => {
  const { api, events } = await audited(METADATA);
  const res = await api.watch(
    { method: 'GET', path: '/api/v1/namespaces/default/configmaps', query: { watch: 'true', resourceVersion: 'x' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    { event: () => undefined, close: () => undefined },
  );
  assert.ok('status' in res);
  assert.deepEqual(stages(events()), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  assert.equal(events()[1].responseStatus?.code, res.status);
  assert.equal(events()[2].responseStatus?.code, res.status);
  assert.equal(events()[2].responseStatus?.status, 'Failure');
});

test('a dry-run create is audited like any other, its query in the URI', async () => {
  const { call, events } = await audited(METADATA);
  const res = await call(createConfigMap({ query: { dryRun: 'All' } }));
  assert.equal(res.status, 201);
  const complete = events().at(-1) as AuditEvent;
  assert.equal(complete.requestURI, '/api/v1/namespaces/default/configmaps?dryRun=All');
  assert.equal(complete.responseStatus?.code, 201);
  assert.equal((await call({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/web' })).status, 404, 'nothing was stored');
});

test('admission plugins\' annotations land on the event', async () => {
  const { call, events } = await audited(METADATA, { admission: [newNamespaceLifecycle(), newPodSecurity()] });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
  const res = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod });
  assert.equal(res.status, 201);
  const [received, complete] = events();
  assert.equal(received.annotations, undefined);
  assert.equal(complete.annotations?.['pod-security.kubernetes.io/enforce-policy'], 'privileged:latest');
});

test('a request that crashes ends with the Panic stage instead of ResponseComplete', async () => {
  const boom = { name: 'Boom', validate: () => { throw new Error('boom'); } };
  const { call, events } = await audited(METADATA, { admission: [boom] });
  const res = await call(createConfigMap());
  assert.equal(res.status, 500);
  assert.deepEqual(stages(events()), ['RequestReceived', 'Panic']);
  assert.deepEqual(events()[1].responseStatus, { metadata: {}, status: 'Failure', message: 'APIServer panic\'d: boom', reason: 'InternalError', code: 500 });
});

test('a lab with audit on logs its requests under the default policy, and generates the same names as without', async () => {
  const lines: string[] = [];
  const generated: string[] = [];
  for (const audit of [undefined, { write: (l: string) => void lines.push(l) }]) {
    const lab = new Lab({ nodes: 0, clock: new ManualClock(), seed: 5, ...(audit ? { audit } : {}) });
    await lab.startApiServer();
    const res = await lab.server.handle(lab.asAdmin({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'web-' } } }));
    generated.push((res.body as { metadata: { name: string } }).metadata.name);
  }
  assert.equal(generated[0], generated[1]);
  const events = lines.map((l) => JSON.parse(l) as AuditEvent);
  assert.ok(events.every((e) => e.stage === 'ResponseComplete'), 'DEFAULT_AUDIT_POLICY omits RequestReceived');
  const first = events[0];
  assert.deepEqual([first.verb, first.user.username, first.objectRef?.resource, first.objectRef?.name], ['create', 'kubernetes-admin', 'namespaces', 'default']);
});
