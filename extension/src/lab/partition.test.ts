/**
 * Integration: cutting a node off the network on the whole lab (manual clock).
 * Nothing is scripted: the node lifecycle controller hears no heartbeats and
 * marks the node Unknown, taints it unreachable, the taint eviction controller
 * deletes its pods once their 300 s toleration runs out and the ReplicaSet
 * replaces them, while the cut-off kubelet runs the old containers on until it
 * is reconnected and learns they were deleted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject, type Node, type Pod } from './api/types';
import type { ManualClock } from './clock';
import { DEPLOYMENTS, NODES, PODS } from './client/resources';
import { ENDPOINTSLICES, SERVICES } from './controllers/kubernetesService';
import type { Lab } from './lab';
import { runControl } from './labControl';
import { dialTimeout } from './partition';
import type { EndpointSlice } from './network/serviceInfo';
import { startTestLab, webDeployment } from './testLab';

async function step(clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) await clock.advance(1_000);
}

async function node(lab: Lab, name: string): Promise<Node> {
  const n = await lab.client().get<Node>(NODES, '', name);
  assert.ok(!isStatus(n), JSON.stringify(n));
  return n;
}

const ready = (n: Node): { status?: string; reason?: string; message?: string } => {
  const c = n.status?.conditions?.find((x) => x.type === 'Ready');
  return { status: c?.status, reason: c?.reason, message: c?.message };
};

const taintKeys = (n: Node): string[] => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);

async function pods(lab: Lab, labelSelector: string): Promise<Pod[]> {
  const list = await lab.client().list<Pod>(PODS, 'default', { labelSelector });
  assert.ok(!isStatus(list));
  return list.items;
}

/** running tells whether node's runtime still runs the pod's container. */
function running(lab: Lab, nodeName: string, uid: string, container: string): boolean {
  const record = lab.kubelets.find((k) => k.nodeName === nodeName)?.runtime.sandbox(uid)?.containers.get(container);
  return record !== undefined && record.startedAt !== undefined && record.finishedAt === undefined;
}

test('a node cut off goes Unknown, is tainted unreachable and its pods are replaced elsewhere; reconnected, its kubelet kills the old containers', async () => {
  const { lab, clock } = await startTestLab(3);
  try {
    const deployment = webDeployment();
    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, { ...deployment, spec: { ...deployment.spec, replicas: 6 } })));
    await step(clock, 20);
    const before = await pods(lab, 'app=web');
    const cut = before.filter((p) => p.spec.nodeName === 'node-1');
    assert.ok(cut.length > 0 && before.every((p) => p.status?.phase === 'Running'), JSON.stringify(before.map((p) => [p.spec.nodeName, p.status?.phase])));

    assert.deepEqual(await runControl(lab, { op: 'cutNodeOff', name: 'node-1' }), { node: 'node-1', network: 'cut off' });
    assert.deepEqual(lab.partition.nodes(), ['node-1']);
    // Within the 40 s grace period the controller still believes the last status.
    await step(clock, 30);
    assert.equal(ready(await node(lab, 'node-1')).status, 'True');
    await step(clock, 30);
    const unknown = await node(lab, 'node-1');
    assert.deepEqual(ready(unknown), { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    assert.ok(taintKeys(unknown).includes('node.kubernetes.io/unreachable:NoSchedule'), JSON.stringify(unknown.spec?.taints));
    assert.equal(ready(await node(lab, 'node-2')).status, 'True', 'the other nodes are unaffected');
    await step(clock, 15);
    assert.ok(taintKeys(await node(lab, 'node-1')).includes('node.kubernetes.io/unreachable:NoExecute'));

    // The pods tolerate the unreachable taint for 300 s (DefaultTolerationSeconds), then are deleted.
    await step(clock, 185);
    assert.ok((await pods(lab, 'app=web')).filter((p) => p.spec.nodeName === 'node-1').every((p) => !p.metadata.deletionTimestamp), 'not evicted before the toleration runs out');
    await step(clock, 160);
    const after = await pods(lab, 'app=web');
    const old = after.filter((p) => p.spec.nodeName === 'node-1');
    assert.deepEqual(old.map((p) => p.metadata.uid).sort(), cut.map((p) => p.metadata.uid).sort(), 'the evicted pods wait for their kubelet to finish their deletion');
    assert.ok(old.every((p) => p.metadata.deletionTimestamp), 'evicted');
    const replacements = after.filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(replacements.length, 6);
    assert.ok(replacements.every((p) => p.spec.nodeName !== 'node-1' && p.status?.phase === 'Running'), JSON.stringify(replacements.map((p) => [p.spec.nodeName, p.status?.phase])));
    // The cut-off kubelet never heard: the old containers run on.
    for (const p of cut) assert.ok(running(lab, 'node-1', p.metadata.uid ?? '', 'nginx'), `${p.metadata.name ?? ''} still runs on node-1`);
    // Its components kept to their retry periods and back-offs: a few requests a second at most, not a hot loop.
    const failed = lab.partition.failedRequests('node-1');
    assert.ok(failed > 30 && failed < 420, `${failed} requests failed in 420 s`);

    assert.deepEqual(await runControl(lab, { op: 'reconnectNode', name: 'node-1' }), { node: 'node-1', network: 'connected' });
    // The informers relist at their next retry (30 s at most), then the kubelet kills the deleted pods' containers within their grace period.
    await step(clock, 75);
    for (const p of cut) assert.ok(!running(lab, 'node-1', p.metadata.uid ?? '', 'nginx'), `${p.metadata.name ?? ''} was killed`);
    const healed = await pods(lab, 'app=web');
    assert.equal(healed.length, 6, 'the kubelet finished the old pods\' deletion');
    assert.ok(healed.every((p) => !p.metadata.deletionTimestamp && p.spec.nodeName !== 'node-1'));
    const back = await node(lab, 'node-1');
    assert.equal(ready(back).status, 'True');
    assert.deepEqual(taintKeys(back).filter((t) => t.startsWith('node.kubernetes.io/unreachable')), [], 'the unreachable taint is gone');
    assert.equal(lab.partition.failedRequests('node-1'), failed, 'nothing fails once reconnected');
  } finally {
    lab.stop();
  }
});

const pinned = (name: string, nodeName: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
  spec: { nodeName, containers: [{ name: 'web', image: 'nginx:1.27' }] },
});

test('traffic to and from a cut-off node\'s pods is dropped, between the other nodes it flows; its endpoints leave the Service once it is Unknown', async () => {
  const { lab, clock } = await startTestLab(3);
  try {
    const admin = lab.client();
    for (const [name, at] of [['a', 'node-1'], ['b', 'node-2']]) assert.ok(!isStatus(await admin.create(PODS, pinned(name, at, { app: 'echo' }))));
    assert.ok(!isStatus(await admin.create(PODS, pinned('c', 'node-3'))));
    const svc = await admin.create<KubeObject>(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'default' }, spec: { selector: { app: 'echo' }, ports: [{ port: 80 }] } });
    assert.ok(!isStatus(svc));
    const clusterIP = String((svc.spec as { clusterIP?: string }).clusterIP);
    await step(clock, 20);
    const ip = async (name: string): Promise<string> => {
      const p = await admin.get<Pod>(PODS, 'default', name);
      assert.ok(!isStatus(p) && p.status?.podIP);
      return p.status.podIP;
    };
    const [a, b, c] = [await ip('a'), await ip('b'), await ip('c')];
    const outcome = (from: string, to: string): string => lab.traffic.engine.trace({ kind: 'pod', ip: from }, to, 80).outcome;
    assert.deepEqual([outcome(c, a), outcome(c, b), outcome(a, b)], ['Delivered', 'Delivered', 'Delivered']);

    assert.ok(!('error' in (await runControl(lab, { op: 'cutNodeOff', name: 'node-1' }))));
    assert.deepEqual([outcome(c, a), outcome(c, b), outcome(a, b), outcome(b, c)], ['TimedOut', 'Delivered', 'TimedOut', 'Delivered']);
    const dropped = lab.traffic.engine.trace({ kind: 'pod', ip: c }, a, 80);
    assert.match(dropped.hops.at(-1)?.text ?? '', /^node-1 is cut off the network: the packet from node-3 to node-1 \(172\.18\.0\.2\) is dropped$/);
    assert.equal(dropped.message, 'Connection timed out');
    // Within the cut-off node its bridge still carries its own pods' packets.
    assert.equal(lab.traffic.engine.trace({ kind: 'node', node: 'node-1' }, a, 80).outcome, 'Delivered');
    assert.equal(lab.traffic.engine.trace({ kind: 'external', node: 'node-1' }, a, 80).outcome, 'TimedOut');
    // DNS datagrams too: a pod IP that serves no DNS refuses, unless the way there is cut.
    const query = { name: 'echo.default.svc.cluster.local.', type: 'A' as const };
    assert.deepEqual(await lab.network.exchange(c, b, 53, query), { refused: true });
    assert.deepEqual(await lab.network.exchange(a, b, 53, query), { timeout: true });
    assert.deepEqual(await lab.network.exchange(c, a, 53, query), { timeout: true });

    // Through the Service, node-3's rules still send some connections to a on the cut-off node...
    const viaService = (): string[] => Array.from({ length: 20 }, () => outcome(c, clusterIP));
    assert.ok(viaService().includes('TimedOut'));
    // ...until the node lifecycle controller marks its pods not ready and the endpoint goes.
    await step(clock, 70);
    const slices = await admin.list<EndpointSlice>(ENDPOINTSLICES, 'default', { labelSelector: 'kubernetes.io/service-name=echo' });
    assert.ok(!isStatus(slices));
    assert.deepEqual(slices.items.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).map((e) => e.addresses?.[0])), [b]);
    assert.deepEqual([...new Set(viaService())], ['Delivered']);

    assert.ok(!('error' in (await runControl(lab, { op: 'reconnectNode', name: 'node-1' }))));
    assert.deepEqual([outcome(c, a), outcome(a, b)], ['Delivered', 'Delivered']);
  } finally {
    lab.stop();
  }
});

test('CoreDNS on a cut-off node loses the API server and answers from what it knew; reconnected, it catches up', async () => {
  const { lab, clock } = await startTestLab(3);
  try {
    const admin = lab.client();
    await step(clock, 20);
    const list = await admin.list<Pod>(PODS, 'kube-system', { labelSelector: 'k8s-app=kube-dns' });
    assert.ok(!isStatus(list));
    const dns = list.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP);
    assert.equal(dns.length, 2, 'two CoreDNS replicas run');
    const [cutDns, otherDns] = dns;
    const cutNode = cutDns.spec.nodeName ?? '';
    assert.ok(!isStatus(await admin.create(PODS, pinned('local', cutNode))));
    await step(clock, 10);
    const local = await admin.get<Pod>(PODS, 'default', 'local');
    assert.ok(!isStatus(local) && local.status?.podIP);
    const localIP = local.status.podIP;
    assert.ok(!('error' in (await runControl(lab, { op: 'cutNodeOff', name: cutNode }))));
    assert.ok(!isStatus(await admin.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late', namespace: 'default' }, spec: { ports: [{ port: 80 }] } })));
    await step(clock, 5);
    const query = { name: 'late.default.svc.cluster.local.', type: 'A' as const };
    const rcode = async (from: string, server: string): Promise<string> => {
      const got = await lab.network.exchange(from, server, 53, query);
      return 'reply' in got ? String(got.reply.rcode) : 'refused' in got ? 'refused' : 'timeout';
    };
    // The CoreDNS beside it never heard of the Service; the one across the cut cannot be reached.
    assert.equal(await rcode(localIP, cutDns.status?.podIP ?? ''), 'NXDOMAIN');
    if (otherDns.spec.nodeName !== cutNode) assert.equal(await rcode(localIP, otherDns.status?.podIP ?? ''), 'timeout');
    assert.ok(!('error' in (await runControl(lab, { op: 'reconnectNode', name: cutNode }))));
    await step(clock, 35);
    assert.equal(await rcode(localIP, cutDns.status?.podIP ?? ''), 'NOERROR');
  } finally {
    lab.stop();
  }
});

test('cutNodeOff and reconnectNode refuse what they cannot do, and change nothing', async () => {
  const { lab, clock } = await startTestLab(2);
  try {
    await step(clock, 5);
    assert.ok(!isStatus(await lab.client().create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'byo' } } as Node)));
    const cases: [Parameters<typeof runControl>[1], string][] = [
      [{ op: 'cutNodeOff', name: 'node-9' }, 'nodes "node-9" not found'],
      [{ op: 'cutNodeOff', name: 'byo' }, 'node "byo" has no kubelet in the lab'],
      [{ op: 'reconnectNode', name: 'node-9' }, 'nodes "node-9" not found'],
      [{ op: 'reconnectNode', name: 'node-1' }, 'node "node-1" is not cut off'],
    ];
    for (const [op, error] of cases) assert.deepEqual(await runControl(lab, op), { error }, JSON.stringify(op));
    assert.deepEqual(lab.partition.nodes(), []);
    assert.ok(!('error' in (await runControl(lab, { op: 'cutNodeOff', name: 'node-1' }))));
    assert.deepEqual(await runControl(lab, { op: 'cutNodeOff', name: 'node-1' }), { error: 'node "node-1" is already cut off' });
    // A stopped kubelet's node can still be cut off and reconnected: the network is not the kubelet.
    assert.ok(!('error' in (await runControl(lab, { op: 'stopNode', name: 'node-2' }))));
    assert.deepEqual(await runControl(lab, { op: 'cutNodeOff', name: 'node-2' }), { node: 'node-2', network: 'cut off' });
    assert.deepEqual(lab.partition.nodes(), ['node-1', 'node-2']);
    // The admin's own client is not on any node's network.
    assert.ok(!isStatus(await lab.client().get<Node>(NODES, '', 'node-1')));
    // A node removed takes its cut with it: one joining under its name is connected.
    assert.ok(!('error' in (await runControl(lab, { op: 'removeNode', name: 'node-2' }))));
    assert.deepEqual(lab.partition.nodes(), ['node-1']);
    lab.stop();
    assert.deepEqual(await runControl(lab, { op: 'reconnectNode', name: 'node-1' }), { error: 'the lab is not running' });
    assert.deepEqual(await runControl(lab, { op: 'cutNodeOff', name: 'node-1' }), { error: 'the lab is not running' });
  } finally {
    lab.stop();
  }
});

test('a cut-off node\'s requests fail as a dial that times out, and its open watches end', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    await step(clock, 2);
    const nodeClient = lab.client({ username: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'] }, 'node-1');
    const ends: string[] = [];
    const events: string[] = [];
    await nodeClient.watch(PODS, '', { fieldSelector: 'spec.nodeName=node-1' }, (e) => events.push(e.type), (error) => ends.push(error?.message ?? 'no error'));
    lab.partition.cut('node-1');
    assert.deepEqual(ends, ['Internal error occurred: unable to decode an event from the watch stream: http2: client connection lost']);
    assert.equal(events.at(-1), 'ERROR', 'the stream ends with an ERROR event, then closes');
    const got = await nodeClient.get<Node>(NODES, '', 'node-1');
    assert.ok(isStatus(got));
    assert.deepEqual([got.code, got.reason, got.message], [503, 'ServiceUnavailable', 'Get "https://172.18.255.254:6443/api/v1/nodes/node-1": dial tcp 172.18.255.254:6443: i/o timeout']);
    await nodeClient.watch(PODS, '', { fieldSelector: 'spec.nodeName=node-1' }, () => undefined, (error) => ends.push(error?.message ?? 'no error'));
    assert.match(ends[1] ?? '', /^Get "https:\/\/172\.18\.255\.254:6443\/api\/v1\/pods\?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dnode-1&watch=true": dial tcp 172\.18\.255\.254:6443: i\/o timeout$/);
    assert.equal(dialTimeout({ method: 'PUT', path: '/x', query: { b: '1', a: '2' } }).message, 'Put "https://172.18.255.254:6443/x?a=2&b=1": dial tcp 172.18.255.254:6443: i/o timeout');
    lab.partition.reconnect('node-1');
    assert.ok(!isStatus(await nodeClient.get<Node>(NODES, '', 'node-1')));
  } finally {
    lab.stop();
  }
});

test('the API server cannot reach a cut-off node\'s kubelet: logs, exec, attach, port-forward, the node proxy and metrics time out; reconnected, they answer', async () => {
  const { lab, clock } = await startTestLab(2);
  try {
    const admin = lab.client();
    assert.ok(!isStatus(await admin.create(PODS, pinned('a', 'node-1'))));
    assert.ok(!isStatus(await admin.create(PODS, pinned('b', 'node-2'))));
    await step(clock, 30);
    const get = async (path: string): Promise<{ status: number; body: unknown }> => lab.server.handle(lab.asAdmin({ method: 'GET', path }));
    const failure = (res: { status: number; body: unknown }): [number, string | undefined, string | undefined] => {
      assert.ok(isStatus(res.body), JSON.stringify(res.body));
      return [res.status, res.body.reason, res.body.message];
    };
    /** sessions opens an exec, an attach and a port-forward to pod, as the front door does on upgrade: each is a session, or the dial's refusal. */
    const sessions = async (pod: string): Promise<unknown[]> => Promise.all(['exec?command=true&stdout=1', 'attach', 'portforward?ports=80'].map(async (sub) => {
      const target = await lab.server.connect(lab.asAdmin({ method: 'GET', path: `/api/v1/namespaces/default/pods/${pod}/${sub}` }));
      assert.ok('session' in target, JSON.stringify(target));
      const session = target.session();
      target.done();
      return 'status' in session ? session : 'session';
    }));
    const metricsNodes = async (): Promise<string[]> => ((await get('/apis/metrics.k8s.io/v1beta1/nodes')).body as { items: { metadata: { name: string } }[] }).items.map((n) => n.metadata.name);
    assert.equal((await get('/api/v1/namespaces/default/pods/a/log')).status, 200);
    assert.deepEqual(await sessions('a'), ['session', 'session', 'session']);
    assert.deepEqual(await metricsNodes(), ['node-1', 'node-2']);

    assert.ok(!('error' in (await runControl(lab, { op: 'cutNodeOff', name: 'node-1' }))));
    // node-1 is 172.18.0.2; upstream's HTTP client, UpgradeAwareHandler and proxy transport each word the dial's timeout their way.
    assert.deepEqual(failure(await get('/api/v1/namespaces/default/pods/a/log?tailLines=3')), [500, undefined, 'Get "https://172.18.0.2:10250/containerLogs/default/a/web?tailLines=3": dial tcp 172.18.0.2:10250: i/o timeout']);
    assert.deepEqual(failure(await get('/api/v1/namespaces/default/pods/a/log?follow=true')), [500, undefined, 'Get "https://172.18.0.2:10250/containerLogs/default/a/web?follow=true": dial tcp 172.18.0.2:10250: i/o timeout']);
    const timedOut = { status: 500, body: 'error dialing backend: dial tcp 172.18.0.2:10250: i/o timeout' };
    assert.deepEqual(await sessions('a'), [timedOut, timedOut, timedOut]);
    assert.deepEqual(failure(await get('/api/v1/nodes/node-1/proxy/healthz')), [503, 'ServiceUnavailable', 'error trying to reach service: dial tcp 172.18.0.2:10250: i/o timeout']);
    // No port answers on a cut-off node: one the kubelet does not listen on times out too, rather than refusing.
    assert.deepEqual(failure(await get('/api/v1/nodes/node-1:8080/proxy/')), [503, 'ServiceUnavailable', 'error trying to reach service: dial tcp 172.18.0.2:8080: i/o timeout']);
    assert.deepEqual(await metricsNodes(), ['node-2'], 'metrics-server scrapes no cut-off kubelet');
    // The rest of the cluster is reached as before.
    assert.equal((await get('/api/v1/namespaces/default/pods/b/log')).status, 200);
    assert.deepEqual(await sessions('b'), ['session', 'session', 'session']);
    // A stopped kubelet on a cut-off node gets no packets to refuse: the dial still times out.
    assert.ok(!('error' in (await runControl(lab, { op: 'stopNode', name: 'node-1' }))));
    assert.match(failure(await get('/api/v1/namespaces/default/pods/a/log'))[2] ?? '', /: dial tcp 172\.18\.0\.2:10250: i\/o timeout$/);

    assert.ok(!('error' in (await runControl(lab, { op: 'reconnectNode', name: 'node-1' }))));
    assert.match(failure(await get('/api/v1/namespaces/default/pods/a/log'))[2] ?? '', /: dial tcp 172\.18\.0\.2:10250: connect: connection refused$/, 'reconnected, the stopped kubelet refuses');
    assert.ok(!('error' in (await runControl(lab, { op: 'startNode', name: 'node-1' }))));
    // Metrics come back once metrics-server has two scrapes of the restarted kubelet.
    await step(clock, 30);
    assert.equal((await get('/api/v1/namespaces/default/pods/a/log')).status, 200);
    assert.deepEqual(await sessions('a'), ['session', 'session', 'session']);
    const healthz = await get('/api/v1/nodes/node-1/proxy/healthz');
    assert.deepEqual([healthz.status, healthz.body], [200, 'ok']);
    assert.deepEqual(await metricsNodes(), ['node-1', 'node-2']);
  } finally {
    lab.stop();
  }
});
