import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WatchEvent } from '../api/types';
import { ManualClock } from '../clock';
import { MemoryStore } from '../store/memoryStore';
import type { TxnRequest } from '../store/store';
import type { ApiRequest } from '../apiserver/apiServer';
import { ADMIN_TOKEN, testServer } from '../apiserver/testing';
import { ApiServerMetrics, serveMetrics } from './apiServerMetrics';
import { groupResourceOfKey, txnOperation } from './instrumentedStore';

const NS = '/api/v1/namespaces/default';
const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

/** value reads one sample's value from an exposition (labels in name order, a bucket's le last), or undefined when it is not there. */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const rendered = Object.keys(labels).sort((a, b) => (a === 'le' ? 1 : b === 'le' ? -1 : a < b ? -1 : 1)).map((k) => `${k}="${labels[k]}"`).join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${rendered}} `) || (!rendered && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const request = (verb: string, resource: string, scope: string, code: string, more: Record<string, string> = {}) => ({
  verb, dry_run: '', group: '', version: 'v1', resource, subresource: '', scope, component: 'apiserver', code, ...more,
});

// MonitorRequest's labels: the canonical verb (a GET of a collection is LIST, a list of one name is GET),
// CleanScope's scope (a create is `resource`), cleanDryRun's dry_run, the answer's code.
const counted: [string, ApiRequest, Record<string, string>][] = [
  ['a create is POST at resource scope', { method: 'POST', path: `${NS}/pods`, body: pod('a') }, request('POST', 'pods', 'resource', '201')],
  ['a get is GET', { method: 'GET', path: `${NS}/pods/a` }, request('GET', 'pods', 'resource', '200')],
  ['a list in a namespace is LIST', { method: 'GET', path: `${NS}/pods` }, request('LIST', 'pods', 'namespace', '200')],
  ['a list across namespaces is LIST at cluster scope', { method: 'GET', path: '/api/v1/pods' }, request('LIST', 'pods', 'cluster', '200')],
  ['a list of one name is GET', { method: 'GET', path: `${NS}/pods?fieldSelector=metadata.name%3Da` }, request('GET', 'pods', 'resource', '200')],
  ['a missing object is counted with its 404', { method: 'GET', path: `${NS}/pods/nope` }, request('GET', 'pods', 'resource', '404')],
  ['a dry run carries dry_run=All', { method: 'POST', path: `${NS}/pods?dryRun=All`, body: pod('b') }, request('POST', 'pods', 'resource', '201', { dry_run: 'All' })],
  ['a server-side apply is APPLY', { method: 'PATCH', path: `${NS}/pods/a?fieldManager=me`, contentType: 'application/apply-patch+yaml', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {app: web}\n' }, request('APPLY', 'pods', 'resource', '200')],
  ['a subresource keeps its name', { method: 'GET', path: `${NS}/pods/a/status` }, request('GET', 'pods', 'resource', '200', { subresource: 'status' })],
  ['a group keeps its group and version', { method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments' }, request('LIST', 'deployments', 'namespace', '200', { group: 'apps' })],
];

test('apiserver_request_total counts each request a handler answered with upstream\'s labels', async () => {
  const { api, call } = await testServer();
  for (const [what, req, labels] of counted) {
    const { code: _code, ...durationLabels } = labels;
    const before = await api.metrics.expose();
    const res = await call(req);
    assert.ok(res.status < 500, `${what}: ${JSON.stringify(res.body)}`);
    const after = await api.metrics.expose();
    const counted = (text: string, name: string, l: Record<string, string>): number => value(text, name, l) ?? 0;
    assert.equal(counted(after, 'apiserver_request_total', labels) - counted(before, 'apiserver_request_total', labels), 1, what);
    assert.equal(counted(after, 'apiserver_request_duration_seconds_count', durationLabels) - counted(before, 'apiserver_request_duration_seconds_count', durationLabels), 1, what);
    assert.equal(value(after, 'apiserver_request_duration_seconds_bucket', { ...durationLabels, le: '0.005' }), value(after, 'apiserver_request_duration_seconds_count', durationLabels), what);
  }
});

test('requests refused before a handler (401, 403, unknown paths) are not counted, as the filters answer them', async () => {
  const { api, call } = await testServer();
  const before = (await api.metrics.expose()).split('\n').filter((l) => l.startsWith('apiserver_request_total')).length;
  await api.handle({ method: 'GET', path: `${NS}/pods`, headers: { authorization: 'Bearer nope' } });
  await call({ method: 'GET', path: '/apis/nope.example.com/v1/things' });
  const after = (await api.metrics.expose()).split('\n').filter((l) => l.startsWith('apiserver_request_total')).length;
  assert.equal(after, before);
});

test('a watch is a long-running request while open, then one WATCH answered 200', async () => {
  const { api } = await testServer();
  const events: WatchEvent[] = [];
  const w = await api.watch({ method: 'GET', path: `${NS}/pods?watch=true`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, { event: (e) => events.push(e), close: () => undefined });
  assert.ok('cancel' in w);
  const labels = { verb: 'WATCH', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'namespace', component: 'apiserver' };
  assert.equal(value(await api.metrics.expose(), 'apiserver_longrunning_requests', labels), 1);
  assert.equal(value(await api.metrics.expose(), 'apiserver_request_total', { ...labels, dry_run: '', code: '200' }), undefined);
  w.cancel();
  const text = await api.metrics.expose();
  assert.equal(value(text, 'apiserver_longrunning_requests', labels), 0);
  assert.equal(value(text, 'apiserver_request_total', { ...labels, dry_run: '', code: '200' }), 1);
});

test('a watch refused after routing (a bad selector) is counted with its code', async () => {
  const { api } = await testServer();
  const res = await api.watch({ method: 'GET', path: `${NS}/pods?watch=true&labelSelector=a%3D%3D%3D`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, { event: () => undefined, close: () => undefined });
  assert.ok('status' in res && res.status === 400);
  assert.equal(value(await api.metrics.expose(), 'apiserver_request_total', { ...request('WATCH', 'pods', 'namespace', '400') }), 1);
});

test('each admission plugin\'s verdict is observed per operation, a denial as rejected="true"', async () => {
  const { api, call } = await testServer();
  await call({ method: 'POST', path: `${NS}/pods`, body: pod('a') });
  const denied = await call({ method: 'POST', path: '/api/v1/namespaces/gone/pods', body: pod('b') });
  assert.equal(denied.status, 404);
  const text = await api.metrics.expose();
  const plugin = (rejected: string) => ({ name: 'NamespaceLifecycle', type: 'admit', operation: 'CREATE', rejected });
  // The default namespace's creation and the pod's each pass NamespaceLifecycle.
  assert.equal(value(text, 'apiserver_admission_controller_admission_duration_seconds_count', plugin('false')), 2);
  assert.equal(value(text, 'apiserver_admission_controller_admission_duration_seconds_count', plugin('true')), 1);
  assert.equal(value(text, 'apiserver_admission_step_admission_duration_seconds_count', { type: 'admit', operation: 'CREATE', rejected: 'true' }), 1);
  assert.match(text, /^# HELP apiserver_admission_controller_admission_duration_seconds \[STABLE\] Admission controller latency histogram in seconds, identified by name and broken out for each operation and API resource and type \(validate or admit\)\.\n/);
});

test('the store\'s calls are timed per operation and group-resource, and the stored objects counted', async () => {
  const { api, call } = await testServer();
  await call({ method: 'POST', path: `${NS}/pods`, body: pod('a') });
  await call({ method: 'POST', path: `${NS}/pods`, body: pod('b') });
  await call({ method: 'DELETE', path: `${NS}/pods/b` });
  const text = await api.metrics.expose();
  assert.equal(value(text, 'etcd_request_duration_seconds_count', { operation: 'create', type: 'pods' }), 2);
  assert.equal(value(text, 'etcd_requests_total', { operation: 'delete', type: 'pods' }), 1);
  assert.equal(value(text, 'apiserver_storage_objects', { resource: 'pods' }), 1);
  assert.equal(value(text, 'apiserver_storage_objects', { resource: 'namespaces' }), 1);
  assert.equal(value(text, 'apiserver_storage_objects', { resource: 'deployments.apps' }), 0);
});

test('DELETE /metrics resets the counters and histograms, as MetricsWithReset does', async () => {
  const { api, call } = await testServer();
  await call({ method: 'GET', path: `${NS}/pods` });
  assert.deepEqual(await serveMetrics(api.metrics, 'DELETE'), { body: 'metrics reset\n', contentType: 'text/plain; charset=utf-8' });
  const read = await serveMetrics(api.metrics, 'GET');
  assert.equal(read.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  assert.doesNotMatch(read.body, /apiserver_request_total/);
  assert.match(read.body, /\napiserver_storage_objects\{resource="pods"\} 0\n/);
});

test('apiserver_current_inflight_requests is the high-water mark of this second and the last, by kind', async () => {
  const clock = new ManualClock();
  const metrics = new ApiServerMetrics({ clock, stopwatch: () => clock.now(), store: new MemoryStore(), storedResources: () => [] });
  metrics.requestStarted('POST');
  metrics.requestStarted('PATCH');
  metrics.requestStarted('GET');
  const trace = { status: { durationMs: 0, stages: [] } } as never;
  metrics.requestFinished({ method: 'POST', path: '/' }, undefined, 201, trace);
  // The scrape is a read-only request in flight too.
  let text = await metrics.expose();
  assert.equal(value(text, 'apiserver_current_inflight_requests', { request_kind: 'mutating' }), 2);
  assert.equal(value(text, 'apiserver_current_inflight_requests', { request_kind: 'readOnly' }), 2);
  await clock.advance(1000);
  text = await metrics.expose();
  assert.equal(value(text, 'apiserver_current_inflight_requests', { request_kind: 'mutating' }), 2);
  await clock.advance(1000);
  text = await metrics.expose();
  assert.equal(value(text, 'apiserver_current_inflight_requests', { request_kind: 'mutating' }), 1);
  assert.match(text, /\n# HELP process_start_time_seconds Start time of the process since unix epoch in seconds\.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1\.7672256e\+09\n/);
});

const keys: [string, string][] = [
  ['/registry/pods/default/web', 'pods'],
  ['/registry/namespaces/default', 'namespaces'],
  ['/registry/deployments/default/web', 'deployments.apps'],
  ['/registry/clusterroles/admin', 'clusterroles.rbac.authorization.k8s.io'],
  ['/registry/services/specs/default/kubernetes', 'services'],
  ['/registry/services/endpoints/default/kubernetes', 'endpoints'],
  ['/registry/minions/node-1', 'nodes'],
  ['/registry/controllers/default/rc', 'replicationcontrollers'],
  ['/registry/ingress/default/web', 'ingresses.networking.k8s.io'],
  ['/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com', 'customresourcedefinitions.apiextensions.k8s.io'],
  ['/registry/stable.example.com/crontabs/', 'crontabs.stable.example.com'],
  ['/registry/', ''],
  ['/elsewhere/pods', ''],
];
for (const [key, want] of keys) {
  test(`the store key ${key} belongs to ${want || 'no resource'}`, () => assert.equal(groupResourceOfKey(key), want));
}

const txns: [string, TxnRequest, string][] = [
  ['a put guarded by "absent"', { compare: [{ key: 'k', target: 'mod', result: '=', value: 0 }], success: [{ type: 'put', key: 'k', value: '' }], failure: [] }, 'create'],
  ['a put guarded by a revision', { compare: [{ key: 'k', target: 'mod', result: '=', value: 7 }], success: [{ type: 'put', key: 'k', value: '' }], failure: [{ type: 'get', key: 'k' }] }, 'update'],
  ['a delete', { compare: [{ key: 'k', target: 'mod', result: '=', value: 7 }], success: [{ type: 'delete', key: 'k' }], failure: [] }, 'delete'],
  ['only reads', { compare: [], success: [{ type: 'get', key: 'k' }], failure: [] }, 'get'],
];
for (const [what, txn, want] of txns) {
  test(`a transaction of ${what} is recorded as ${want}`, () => assert.equal(txnOperation(txn), want));
}
