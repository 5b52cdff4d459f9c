// Event content per level and stage as staging/src/k8s.io/apiserver/pkg/audit/request.go, audit/context.go and
// endpoints/filters/audit.go build it; field order and names from pkg/apis/audit/v1/types.go; decision annotations
// from endpoints/filters/authorization.go.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ManualClock } from '../../clock';
import { SeededRandom } from '../../random';
import type { AuthorizationAttributes } from '../auth/types';
import { notFound } from '../errors';
import { AuditLogger, microTime } from './auditLogger';
import { AuditSink } from './sink';
import type { AuditEvent, AuditLevel, AuditPolicy } from './types';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup(policy?: AuditPolicy) {
  const lines: string[] = [];
  const clock = new ManualClock(START);
  const logger = new AuditLogger({ sink: new AuditSink((l) => void lines.push(l)), clock, random: new SeededRandom(3), ...(policy ? { policy } : {}) });
  return { logger, clock, lines, events: () => lines.map((l) => JSON.parse(l) as AuditEvent) };
}

const createPod: AuthorizationAttributes = {
  user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
  verb: 'create', isResourceRequest: true, path: '/api/v1/namespaces/default/pods',
  apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: '',
};
const info = { requestURI: '/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply', sourceIPs: ['127.0.0.1'], userAgent: 'kubectl/v1.36.0' };
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', managedFields: [{ manager: 'kubectl' }] }, spec: {} };
const stored = { ...pod, metadata: { ...pod.metadata, uid: 'u-1', resourceVersion: '42' } };

test('a Metadata event is one JSON line in upstream field order', async () => {
  const { logger, clock, lines } = setup();
  const audit = logger.begin(createPod, { ...info, auditID: 'a1b2' })!;
  audit.logAuthorization({ decision: 'allow', reason: 'RBAC: allowed by ClusterRoleBinding "dev" of ClusterRole "edit" to Group "dev"' });
  audit.logRequestObject(pod);
  await clock.advance(1.5);
  audit.complete(201, stored);
  assert.equal(lines.length, 1, 'RequestReceived is omitted by the default policy');
  assert.equal(lines[0], '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1b2","stage":"ResponseComplete",'
    + '"requestURI":"/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply","verb":"create",'
    + '"user":{"username":"alice","groups":["dev","system:authenticated"]},"sourceIPs":["127.0.0.1"],"userAgent":"kubectl/v1.36.0",'
    + '"objectRef":{"resource":"pods","namespace":"default","name":"web","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},'
    + '"requestReceivedTimestamp":"2026-01-01T12:00:00.000000Z","stageTimestamp":"2026-01-01T12:00:00.001500Z",'
    + '"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"dev\\" of ClusterRole \\"edit\\" to Group \\"dev\\""}}\n');
});

const levels: { level: AuditLevel; request: boolean; response: boolean; patchAnnotation: boolean }[] = [
  { level: 'Metadata', request: false, response: false, patchAnnotation: false },
  { level: 'Request', request: true, response: false, patchAnnotation: true },
  { level: 'RequestResponse', request: true, response: true, patchAnnotation: true },
];

for (const l of levels) {
  test(`level ${l.level} logs ${l.request ? 'the request' : 'no request'} and ${l.response ? 'the response' : 'no response'}`, () => {
    const { logger, events } = setup({ rules: [{ level: l.level }] });
    const audit = logger.begin(createPod, info)!;
    const body = structuredClone(pod);
    audit.logRequestObject(body);
    body.metadata.name = 'mutated-by-admission';
    audit.logAdmissionAnnotations({
      'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"c","webhook":"w","mutated":true}',
      'patch.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"c","webhook":"w","patch":[],"patchType":"JSONPatch"}',
    });
    audit.complete(201, stored);
    const [received, complete] = events();
    assert.equal(received.stage, 'RequestReceived');
    assert.equal(received.requestObject, undefined, 'RequestReceived is written before the body is read');
    assert.equal(received.stageTimestamp, received.requestReceivedTimestamp);
    assert.equal(complete.stage, 'ResponseComplete');
    assert.deepEqual(complete.objectRef, { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' }, 'the name comes from the body');
    assert.deepEqual(complete.requestObject, l.request ? pod : undefined, 'the body as received, before admission changed it');
    assert.deepEqual(complete.responseObject, l.response ? stored : undefined);
    assert.equal('patch.webhook.admission.k8s.io/round_0_index_0' in (complete.annotations ?? {}), l.patchAnnotation);
    assert.ok('mutation.webhook.admission.k8s.io/round_0_index_0' in (complete.annotations ?? {}));
  });
}

test('a request no rule audits costs nothing and writes nothing', () => {
  const { logger, lines } = setup({ rules: [{ level: 'None', resources: [{ resources: ['pods'] }] }, { level: 'Metadata' }] });
  assert.equal(logger.begin(createPod, info), undefined);
  assert.equal(lines.length, 0);
});

test('an error answer keeps the bounded Status; a denial is a forbid decision; impersonation is recorded', () => {
  const { logger, events } = setup({ rules: [{ level: 'RequestResponse' }], omitStages: ['RequestReceived'], omitManagedFields: true });
  const get: AuthorizationAttributes = { ...createPod, verb: 'get', name: 'web' };
  const audit = logger.begin(get, { requestURI: '/api/v1/namespaces/default/pods/web' })!;
  audit.logImpersonatedUser({ username: 'system:serviceaccount:default:robot', uid: 'sa-1', groups: ['system:serviceaccounts'] });
  audit.logAuthorization({ decision: 'noOpinion', reason: '' });
  const status = notFound({ group: '', resource: 'pods' }, 'web');
  audit.complete(404, status);
  const [e] = events();
  assert.deepEqual(e.impersonatedUser, { username: 'system:serviceaccount:default:robot', uid: 'sa-1', groups: ['system:serviceaccounts'] });
  assert.deepEqual(e.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
  assert.equal(JSON.stringify(e.responseStatus), '{"metadata":{},"status":"Failure","message":"pods \\"web\\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404}');
  assert.deepEqual(e.responseObject, status);
});

test('omitManagedFields drops managedFields from logged bodies but not from the objects', () => {
  const { logger, events } = setup({ rules: [{ level: 'RequestResponse' }], omitManagedFields: true, omitStages: ['RequestReceived'] });
  const audit = logger.begin(createPod, info)!;
  audit.logRequestObject(pod);
  audit.complete(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [stored] });
  const [e] = events();
  assert.deepEqual((e.requestObject as typeof pod).metadata, { name: 'web', namespace: 'default' });
  assert.deepEqual((e.responseObject as { items: (typeof stored)[] }).items[0].metadata, { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '42' });
  assert.ok(pod.metadata.managedFields, 'the request object itself is untouched');
});

test('a long-running request writes ResponseStarted when its response begins', async () => {
  const { logger, clock, events } = setup({ rules: [{ level: 'Metadata' }], omitStages: ['RequestReceived'] });
  const watch: AuthorizationAttributes = { ...createPod, verb: 'watch' };
  const audit = logger.begin(watch, { requestURI: '/api/v1/namespaces/default/pods?watch=true' })!;
  audit.responseStarted(200);
  await clock.advance(60_000);
  audit.complete(200);
  const [started, done] = events();
  assert.equal(started.stage, 'ResponseStarted');
  assert.deepEqual(started.responseStatus, { metadata: {}, code: 200 });
  assert.equal(done.stage, 'ResponseComplete');
  assert.equal(done.stageTimestamp, '2026-01-01T12:01:00.000000Z');
  assert.equal(started.auditID, done.auditID);
  assert.match(done.auditID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('non-resource requests have no objectRef', () => {
  const { logger, events } = setup({ rules: [{ level: 'RequestResponse', nonResourceURLs: ['/version'] }], omitStages: ['RequestReceived'] });
  const audit = logger.begin({ ...createPod, verb: 'get', isResourceRequest: false, path: '/version', resource: '', apiVersion: '', namespace: '' }, { requestURI: '/version' })!;
  audit.complete(200, { major: '1' });
  assert.equal(events()[0].objectRef, undefined);
});

test('microTime prints microseconds', () => {
  assert.equal(microTime(Date.UTC(2026, 4, 6, 7, 8, 9, 123) + 0.456), '2026-05-06T07:08:09.123456Z');
});
