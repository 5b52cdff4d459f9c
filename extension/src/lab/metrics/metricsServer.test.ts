import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestResponse } from '../apiserver/testing';
import { ManualClock } from '../clock';
import { Lab } from '../lab';
import type { NodeUsage } from './nodeUsage';
import { type ResourceMetricsSource, type ScrapeTimes, goDuration, scrapeNode, scrapeTimes } from './metricsServer';

const T0 = Date.UTC(2026, 0, 1);
const s = (seconds: number): number => T0 + seconds * 1000;

// Scrapes each 15 s read stats sampled each 10 s: the windows alternate 20 s and 10 s.
const times: [number, ScrapeTimes][] = [
  [s(0), { last: s(0), prev: s(-15), lastStats: s(0), prevStats: s(-20) }],
  [s(14.9), { last: s(0), prev: s(-15), lastStats: s(0), prevStats: s(-20) }],
  [s(15), { last: s(15), prev: s(0), lastStats: s(10), prevStats: s(0) }],
  [s(31), { last: s(30), prev: s(15), lastStats: s(30), prevStats: s(10) }],
  [s(45), { last: s(45), prev: s(30), lastStats: s(40), prevStats: s(30) }],
];
for (const [now, want] of times) {
  test(`scrapeTimes at +${(now - T0) / 1000}s: window ${(want.lastStats - want.prevStats) / 1000}s`, () => assert.deepEqual(scrapeTimes(now), want));
}

const durations: [number, string][] = [[0, '0s'], [500, '500ms'], [10_000, '10s'], [20_000, '20s'], [12_500, '12.5s'], [12_340, '12.34s'], [65_000, '1m5s'], [7_200_000, '2h0m0s'], [3_661_001, '1h1m1.001s']];
for (const [ms, want] of durations) {
  test(`goDuration(${ms}) is Go's ${want}`, () => assert.equal(goDuration(ms), want));
}

/** kubelet answers with one pod whose containers started at the given offsets, each using a core. */
function kubelet(nodeStart: number, starts: Record<string, number>): ResourceMetricsSource {
  return {
    resourceUsage: (from: number, to: number): NodeUsage => ({
      startTime: nodeStart,
      node: { cpuCoreSeconds: (to - from) / 1000 / 2, memoryWorkingSetBytes: 400 * 1024 * 1024 },
      pods: [{
        namespace: 'default', name: 'web',
        containers: Object.entries(starts).map(([name, start]) => ({ name, startTime: start, cpuCoreSeconds: (to - Math.max(from, start)) / 1000, memoryWorkingSetBytes: 4 << 20 })),
      }],
    }),
  };
}

test('a node and a container with two points are measured between them', () => {
  const scrape = scrapeNode(kubelet(s(-600), { c: s(-300) }), scrapeTimes(s(1)));
  assert.deepEqual(scrape.node, { timestamp: s(0), windowMs: 20_000, cpuNanoCores: 500_000_000, memoryBytes: 400 * 1024 * 1024 });
  assert.deepEqual(scrape.pods.get('default/web'), { namespace: 'default', name: 'web', timestamp: s(0), windowMs: 20_000, containers: [{ name: 'c', cpuNanoCores: 1e9, memoryBytes: 4 << 20 }] });
});

test('a container started less than a resolution ago, but at least 10 s, is measured from its start', () => {
  // Window 10 s (stats at +10 s and 0); the container started 12 s before the last stats, before the window.
  const scrape = scrapeNode(kubelet(s(-600), { c: s(-2) }), scrapeTimes(s(15)));
  assert.deepEqual(scrape.pods.get('default/web')?.windowMs, 12_000);
  assert.equal(scrape.pods.get('default/web')?.containers[0].cpuNanoCores, 1e9);
});

test('a pod with a container younger than 10 s has no metrics yet', () => {
  assert.equal(scrapeNode(kubelet(s(-600), { c: s(-5) }), scrapeTimes(s(1))).pods.size, 0);
  assert.equal(scrapeNode(kubelet(s(-600), { old: s(-300), young: s(-5) }), scrapeTimes(s(1))).pods.size, 0);
});

test('a node whose kubelet started after the previous scrape\'s stats has no metrics yet', () => {
  assert.equal(scrapeNode(kubelet(s(-10), {}), scrapeTimes(s(1))).node, undefined);
});

test('a kubelet that does not answer has no metrics', () => {
  assert.deepEqual(scrapeNode({ resourceUsage: () => undefined }, scrapeTimes(s(1))), { pods: new Map() });
});

/** Metrics is the part of a NodeMetrics or PodMetrics the tests read. */
interface Metrics {
  kind: string;
  metadata: { name: string; namespace?: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  usage: { cpu: string; memory: string };
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

/** items are a list answer's items. */
const items = (res: TestResponse): Metrics[] => res.body.items as Metrics[];

/** lab runs a two-node lab on a manual clock with a few pods, a minute on. */
async function lab(): Promise<{ lab: Lab; clock: ManualClock; get: (path: string, user?: string) => Promise<TestResponse> }> {
  const clock = new ManualClock();
  const l = new Lab({ nodes: 2, clock, seed: 5, dns: false });
  const started = l.start();
  await clock.advance(0);
  await started;
  const post = (path: string, body: unknown) => l.server.handle(l.asAdmin({ method: 'POST', path, body }));
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  const pod = (name: string, labels: Record<string, string>, image = 'nginx:1.27') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'main', image }] } });
  await post('/api/v1/namespaces/default/pods', pod('web', { app: 'web' }));
  await post('/api/v1/namespaces/default/pods', pod('db', { app: 'db' }, 'redis:7'));
  await post('/api/v1/namespaces/team/pods', pod('api', { app: 'api' }));
  await post('/api/v1/namespaces/default/pods', { ...pod('stuck', { app: 'stuck' }), spec: { containers: [{ name: 'main', image: 'nginx', resources: { requests: { cpu: '100' } } }] } });
  await clock.advance(60_000);
  const get = async (path: string, user?: string) => {
    const req = user ? { method: 'GET' as const, path, headers: { authorization: `Bearer ${l.tokenFor({ username: user, groups: ['system:authenticated'] })}` } } : l.asAdmin({ method: 'GET', path });
    return (await l.server.handle(req)) as TestResponse;
  };
  return { lab: l, clock, get };
}

test('metrics.k8s.io lists NodeMetrics and PodMetrics as metrics-server writes them', async () => {
  const { lab: l, get } = await lab();
  const nodes = await get('/apis/metrics.k8s.io/v1beta1/nodes');
  assert.equal(nodes.status, 200);
  assert.deepEqual([nodes.body.kind, nodes.body.apiVersion, nodes.body.metadata], ['NodeMetricsList', 'metrics.k8s.io/v1beta1', {}]);
  assert.deepEqual(items(nodes).map((n) => n.metadata.name), ['node-1', 'node-2']);
  const n = items(nodes)[0];
  assert.deepEqual(Object.keys(n), ['kind', 'apiVersion', 'metadata', 'timestamp', 'window', 'usage']);
  assert.deepEqual(Object.keys(n.metadata), ['name', 'creationTimestamp', 'labels']);
  assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], 'node-1');
  assert.deepEqual([n.metadata.creationTimestamp, n.timestamp, n.window], ['2026-01-01T00:01:00Z', '2026-01-01T00:01:00Z', '20s']);
  assert.match(n.usage.cpu, /^\d+n$/);
  assert.match(n.usage.memory, /^\d+Ki$/);
  const pods = await get('/apis/metrics.k8s.io/v1beta1/pods');
  assert.deepEqual(items(pods).map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ['default/db', 'default/web', 'team/api']);
  const web = items(pods)[1];
  assert.deepEqual(Object.keys(web), ['kind', 'apiVersion', 'metadata', 'timestamp', 'window', 'containers']);
  assert.deepEqual(web.metadata.labels, { app: 'web' });
  assert.deepEqual(web.containers.map((c) => c.name), ['main']);
  l.stop();
});

test('pods are listed per namespace and by label selector; nodes by label and name', async () => {
  const { lab: l, get } = await lab();
  const names = async (path: string) => items(await get(path)).map((i) => i.metadata.name);
  assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/namespaces/team/pods'), ['api']);
  assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb'), ['web']);
  assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?fieldSelector=metadata.name%3Ddb'), ['db']);
  assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=kubernetes.io%2Fhostname%3Dnode-2'), ['node-2']);
  assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3Dnode-1'), ['node-1']);
  const bad = await get('/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dnode-1');
  assert.deepEqual([bad.status, bad.body.message], [400, 'field label not supported: spec.nodeName']);
  l.stop();
});

test('get answers one object, or the NotFound metrics-server answers', async () => {
  const { lab: l, get } = await lab();
  assert.equal((await get('/apis/metrics.k8s.io/v1beta1/nodes/node-2')).body.kind, 'NodeMetrics');
  assert.equal((await get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).body.kind, 'PodMetrics');
  const cases: [string, string][] = [
    ['/apis/metrics.k8s.io/v1beta1/nodes/node-9', 'node "node-9" not found'],
    ['/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope', 'pods "nope" not found'],
    // metrics-server only sees Running pods.
    ['/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/stuck', 'pods "stuck" not found'],
  ];
  for (const [path, message] of cases) {
    const res = await get(path);
    assert.deepEqual([res.status, res.body.reason, res.body.message], [404, 'NotFound', message], path);
  }
  l.stop();
});

test('a pod or node without two scrapes yet has no metrics: podmetrics and nodemetrics NotFound', async () => {
  const clock = new ManualClock();
  const l = new Lab({ nodes: 1, clock, seed: 5 });
  const started = l.start();
  await clock.advance(0);
  await started;
  const get = async (path: string) => (await l.server.handle(l.asAdmin({ method: 'GET', path }))) as TestResponse;
  const node = await get('/apis/metrics.k8s.io/v1beta1/nodes/node-1');
  assert.deepEqual([node.status, node.body.message], [404, 'nodemetrics.metrics.k8s.io "node-1" not found']);
  assert.deepEqual((await get('/apis/metrics.k8s.io/v1beta1/nodes')).body.items, []);
  await l.server.handle(l.asAdmin({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'main', image: 'nginx' }] } } }));
  await clock.advance(30_000);
  const pod = await get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web');
  assert.equal(pod.status, 200, JSON.stringify(pod.body));
  await clock.advance(30_000);
  assert.equal((await get('/apis/metrics.k8s.io/v1beta1/nodes/node-1')).status, 200);
  l.stop();
});

test('only get and list are served: a watch is refused as upstream refuses a verb a resource lacks', async () => {
  const { lab: l } = await lab();
  const res = await l.server.watch(l.asAdmin({ method: 'GET', path: '/apis/metrics.k8s.io/v1beta1/pods?watch=true' }), { event: () => undefined, close: () => undefined });
  assert.ok('status' in res);
  assert.equal(res.status, 405);
  l.stop();
});

test('RBAC: view, through system:aggregated-metrics-reader, reads a namespace\'s pod metrics but not the nodes\'', async () => {
  const { lab: l, get, clock } = await lab();
  await l.server.handle(l.asAdmin({
    method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings',
    body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
  }));
  await clock.advance(1_000);
  assert.equal((await get('/apis/metrics.k8s.io/v1beta1/namespaces/team/pods', 'alice')).status, 200);
  const nodes = await get('/apis/metrics.k8s.io/v1beta1/nodes', 'alice');
  assert.deepEqual([nodes.status, nodes.body.message], [403, 'nodes.metrics.k8s.io is forbidden: User "alice" cannot list resource "nodes" in API group "metrics.k8s.io" at the cluster scope']);
  const other = await get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', 'alice');
  assert.equal(other.status, 403);
  l.stop();
});

test('discovery lists metrics.k8s.io/v1beta1 with metrics-server\'s resources', async () => {
  const { lab: l, get } = await lab();
  const groups = await get('/apis');
  const found = (groups.body.groups as { name: string; preferredVersion: { groupVersion: string } }[]).find((g) => g.name === 'metrics.k8s.io');
  assert.equal(found?.preferredVersion.groupVersion, 'metrics.k8s.io/v1beta1');
  assert.deepEqual((await get('/apis/metrics.k8s.io/v1beta1')).body.resources, [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ]);
  l.stop();
});
