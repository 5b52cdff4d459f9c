import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../clock';
import { Lab } from '../../lab';
import { type TestResponse, testServer } from '../testing';
import { proxyPath, splitSchemeNamePort } from './nodeProxy';

const NODES = '/api/v1/nodes';

/** lab runs a one-node lab on a manual clock with a pod web, a minute on. */
async function lab(): Promise<{ lab: Lab; get: (path: string, user?: string) => Promise<TestResponse & { contentType?: string }> }> {
  const clock = new ManualClock();
  const l = new Lab({ nodes: 1, clock, seed: 5, dns: false });
  const started = l.start();
  await clock.advance(0);
  await started;
  await l.server.handle(l.asAdmin({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'main', image: 'nginx' }] } } }));
  await clock.advance(60_000);
  const get = async (path: string, user?: string) => {
    const req = user ? { method: 'GET' as const, path, headers: { authorization: `Bearer ${l.tokenFor({ username: user, groups: ['system:authenticated'] })}` } } : l.asAdmin({ method: 'GET', path });
    return (await l.server.handle(req)) as TestResponse & { contentType?: string };
  };
  return { lab: l, get };
}

// staging/src/k8s.io/apimachinery/pkg/util/net/port_split.go: SplitSchemeNamePort.
test('a node proxy id splits as SplitSchemeNamePort splits it', () => {
  const cases: [string, ReturnType<typeof splitSchemeNamePort>][] = [
    ['node-1', { scheme: '', name: 'node-1', port: '' }],
    ['node-1:10250', { scheme: '', name: 'node-1', port: '10250' }],
    ['https:node-1:10250', { scheme: 'https', name: 'node-1', port: '10250' }],
    ['ftp:node-1:21', undefined],
    [':10250', undefined],
    ['a:b:c:d', undefined],
  ];
  for (const [id, want] of cases) assert.deepEqual(splitSchemeNamePort(id), want, id);
});

// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go: the subpath, its trailing slash added back.
test('the kubelet is asked for the path after proxy, trailing slash kept', () => {
  const cases: [string, string][] = [
    [`${NODES}/node-1/proxy/stats/summary`, '/stats/summary'],
    [`${NODES}/node-1:10250/proxy/pods/`, '/pods/'],
    [`${NODES}/node-1/proxy`, '/'],
    [`${NODES}/proxy/proxy/healthz`, '/healthz'],
  ];
  for (const [path, want] of cases) assert.equal(proxyPath(path), want, path);
});

test('nodes/proxy reaches the kubelet\'s endpoints and answers as they do', async () => {
  const { lab: l, get } = await lab();
  const healthz = await get(`${NODES}/node-1/proxy/healthz`);
  assert.deepEqual([healthz.status, healthz.body, healthz.contentType], [200, 'ok', 'text/plain; charset=utf-8']);
  const pods = await get(`${NODES}/node-1:10250/proxy/pods`);
  const list = JSON.parse(pods.body as string);
  assert.deepEqual([pods.status, pods.contentType, list.kind, list.apiVersion], [200, 'application/json', 'PodList', 'v1']);
  assert.deepEqual(list.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['web']);
  const summary = await get(`${NODES}/node-1/proxy/stats/summary`);
  const s = JSON.parse(summary.body as string);
  assert.equal(s.node.nodeName, 'node-1');
  assert.equal(s.node.cpu.time, '2026-01-01T00:01:00Z');
  assert.deepEqual(s.pods.map((p: { podRef: { namespace: string; name: string } }) => `${p.podRef.namespace}/${p.podRef.name}`), ['default/web']);
  const metrics = await get(`${NODES}/node-1/proxy/metrics/resource`);
  assert.equal(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(metrics.body as string, /^node_cpu_usage_seconds_total [\d.e+]+ 1767225660000$/m);
  const configz = await get(`${NODES}/node-1/proxy/configz`);
  // The kubelet runs without --pod-cidr: its range comes from the Node (the node IPAM), so the configuration has none.
  assert.equal(JSON.parse(configz.body as string).kubeletconfig.podCIDR, undefined);
  // The kubelet's mux answers a path it has no handler for with http.NotFound.
  const missing = await get(`${NODES}/node-1/proxy/nope`);
  assert.deepEqual([missing.status, missing.body], [404, '404 page not found\n']);
  l.stop();
});

test('a node that does not exist, or an id that is not one, fails as ResourceLocation fails', async () => {
  const { lab: l, get } = await lab();
  const missing = await get(`${NODES}/node-9/proxy/healthz`);
  assert.deepEqual([missing.status, missing.body.reason, missing.body.message], [404, 'NotFound', 'nodes "node-9" not found']);
  const invalid = await get(`${NODES}/a:b:c:d/proxy/healthz`);
  assert.deepEqual([invalid.status, invalid.body.message], [400, 'invalid node request "a:b:c:d"']);
  l.stop();
});

// staging/src/k8s.io/apimachinery/pkg/util/proxy/transport.go: a RoundTrip error is NewServiceUnavailable.
test('a node whose kubelet nobody answers for, or another port, is 503 error trying to reach service', async () => {
  const server = await testServer();
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } };
  assert.equal((await server.call({ method: 'POST', path: NODES, body: node })).status, 201);
  const res = await server.call({ method: 'GET', path: `${NODES}/node-1/proxy/healthz` });
  assert.deepEqual([res.status, res.body.reason, res.body.message], [503, 'ServiceUnavailable', 'error trying to reach service: dial tcp 172.18.0.2:10250: connect: connection refused']);
  server.api.kubelets.set('node-1', { containerLogs: () => ({ status: 200, body: '' }), serveHttp: () => ({ status: 200, body: 'ok', contentType: 'text/plain' }) } as never);
  const other = await server.call({ method: 'GET', path: `${NODES}/node-1:8080/proxy/` });
  assert.deepEqual([other.status, other.body.message], [503, 'error trying to reach service: dial tcp 172.18.0.2:8080: connect: connection refused']);
  assert.equal((await server.call({ method: 'GET', path: `${NODES}/node-1/proxy/healthz` })).status, 200);
});

// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: nodes/proxy is in system:kubelet-api-admin, not in view, edit or admin.
test('RBAC: nodes/proxy is get on the subresource, which an ordinary user lacks', async () => {
  const { lab: l, get } = await lab();
  const res = await get(`${NODES}/node-1/proxy/stats/summary`, 'alice');
  assert.deepEqual([res.status, res.body.message], [403, 'nodes "node-1" is forbidden: User "alice" cannot get resource "nodes/proxy" in API group "" at the cluster scope']);
  l.stop();
});
