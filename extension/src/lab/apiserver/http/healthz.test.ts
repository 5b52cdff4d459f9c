import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HealthCheck, type HealthChecks, PING, findHealthHandler, serveHealth } from './healthz';
import { POST_START_HOOKS, kubeApiserverChecks } from './kubeApiserverChecks';
import type { ObjectCache } from '../auth/types';

const BAD: HealthCheck = { name: 'bad', check: () => 'this will fail' };

async function get(checks: HealthChecks, url: string): Promise<{ status: number; body: string } | undefined> {
  const [path, query = ''] = url.split('?');
  const handler = findHealthHandler(checks, path);
  if (!handler) return undefined;
  const { status, body } = await serveHealth(checks, handler, new URLSearchParams(query));
  return { status, body };
}

// Upstream's table: staging/src/k8s.io/apiserver/pkg/server/healthz/healthz_test.go testMultipleChecks.
const cases: [url: string, body: string, status: number, addBadCheck: boolean][] = [
  ['?verbose', '[+]ping ok\nreadyz check passed\n', 200, false],
  ['?exclude=dontexist', 'ok', 200, false],
  ['?exclude=bad', 'ok', 200, true],
  ['?verbose=true&exclude=bad', '[+]ping ok\n[+]bad excluded: ok\nreadyz check passed\n', 200, true],
  ['?verbose=true&exclude=dontexist', '[+]ping ok\nwarn: some health checks cannot be excluded: no matches for "dontexist"\nreadyz check passed\n', 200, false],
  ['/ping', 'ok', 200, false],
  ['', 'ok', 200, false],
  ['?verbose', '[+]ping ok\n[-]bad failed: reason withheld\nreadyz check failed\n', 500, true],
  ['/ping', 'ok', 200, true],
  ['/bad', 'internal server error: this will fail\n', 500, true],
  ['', '[+]ping ok\n[-]bad failed: reason withheld\nreadyz check failed\n', 500, true],
];

for (const [url, body, status, addBadCheck] of cases) {
  test(`/readyz${url} ${addBadCheck ? 'with' : 'without'} a failing check answers ${status} as upstream`, async () => {
    const readyz = addBadCheck ? [PING, BAD] : [PING];
    assert.deepEqual(await get({ healthz: [], livez: [], readyz }, `/readyz${url}`), { status, body });
  });
}

test('an endpoint without checks gets ping, as InstallPathHandler installs it', async () => {
  assert.deepEqual(await get({ healthz: [], livez: [], readyz: [] }, '/livez?verbose'), { status: 200, body: '[+]ping ok\nlivez check passed\n' });
});

test('paths that name no endpoint or check are not health paths', () => {
  const checks = { healthz: [PING], livez: [PING], readyz: [PING] };
  for (const path of ['/readyz/', '/readyz/nope', '/readyzz', '/api']) assert.equal(findHealthHandler(checks, path), undefined, path);
});

test('a check that throws fails without taking the endpoint down', async () => {
  const broken: HealthCheck = { name: 'broken', check: () => { throw new Error('boom'); } };
  assert.deepEqual(await get({ healthz: [broken], livez: [], readyz: [] }, '/healthz/broken'), { status: 500, body: 'internal server error: boom\n' });
});

function cacheWith(objects: Record<string, string[]>): ObjectCache {
  return {
    list: () => [],
    get: (group, resource, _ns, name) => (objects[`${group}/${resource}`]?.includes(name) ? { metadata: { name } } : undefined),
    version: () => 0,
  };
}

test('kube-apiserver 1.32 checks print in upstream order, readyz with etcd-readiness and informer-sync', async () => {
  const cache = cacheWith({
    'rbac.authorization.k8s.io/clusterroles': ['cluster-admin'],
    'rbac.authorization.k8s.io/clusterrolebindings': ['cluster-admin'],
    '/namespaces': ['kube-system', 'kube-public', 'kube-node-lease'],
  });
  const checks = kubeApiserverChecks({ storeRevision: () => Promise.resolve(1), cache });
  const hooks = [...POST_START_HOOKS.map((h) => `poststarthook/${h}`), 'autoregister-completion', 'poststarthook/apiservice-openapi-controller', 'poststarthook/apiservice-openapiv3-controller'];
  assert.deepEqual(checks.readyz.map((c) => c.name), ['ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', ...hooks]);
  assert.deepEqual(checks.livez.map((c) => c.name), ['ping', 'log', 'etcd', ...hooks]);
  const answer = await get(checks, '/healthz?verbose');
  assert.equal(answer?.status, 200);
  assert.ok(answer?.body.endsWith('[+]poststarthook/apiservice-openapiv3-controller ok\nhealthz check passed\n'), answer?.body);
});

test('bootstrap-roles and the system namespaces fail until their objects exist', async () => {
  const checks = kubeApiserverChecks({ storeRevision: () => Promise.resolve(1), cache: cacheWith({}) });
  assert.deepEqual(await get(checks, '/readyz/poststarthook/rbac/bootstrap-roles'), { status: 500, body: 'internal server error: not finished\n' });
  assert.deepEqual(await get(checks, '/readyz/poststarthook/start-system-namespaces-controller'), {
    status: 500, body: 'internal server error: namespaces not created: kube-system, kube-public, kube-node-lease\n',
  });
  const answer = await get(checks, '/readyz');
  assert.equal(answer?.status, 500);
  assert.match(answer?.body ?? '', /\[-\]poststarthook\/rbac\/bootstrap-roles failed: reason withheld\n/);
});
