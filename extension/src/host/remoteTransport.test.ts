// RemoteTransport and RemoteCluster against a "real" cluster: the lab's own HTTPS
// front door (serveLab, as the worker serves it), reached through the kubeconfig it
// writes, read by @kubernetes/client-node. Every answer is held against the same
// request sent in-process, so the wire adds nothing and loses nothing.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import type { KubeObject, Status, WatchEvent } from '../lab/api/types';
import { isStatus } from '../lab/api/types';
import type { ApiRequest } from '../lab/apiserver/apiServer';
import { VERSION_INFO } from '../lab/apiserver/http/version';
import { RealClock } from '../lab/clock';
import { KubeClient } from '../lab/client/kubeClient';
import { NAMESPACES, type ResourceRef } from '../lab/client/resources';
import { ADMIN, Lab } from '../lab/lab';
import { nodeEntropy } from '../lab/pki/nodeEntropy';
import { type Served, serveLab } from '../lab/serve';
import { ManifestValidator } from '../editor/manifestValidator';
import { contextsOf, loadKubeConfig } from './kubeconfig';
import { RemoteTransport, genericServerResponse } from './remoteTransport';

// RemoteCluster, ActiveCluster and the Switch Cluster command import `vscode`: the fake stands in, installed before they load.
const fake = createFakeVscode();
installFakeVscode(fake);
type RemoteClusterModule = typeof import('./remoteCluster');
type ActiveClusterModule = typeof import('./activeCluster');
type SwitchClusterModule = typeof import('./switchCluster');

type ConfigMap = KubeObject & { data?: Record<string, string> };

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

let lab: Lab;
let served: Served;
let dir: string;
let transport: RemoteTransport;
let remote: KubeClient;
let local: KubeClient;
let caData: string;
let remoteCluster: RemoteClusterModule;
let activeCluster: ActiveClusterModule;
let switchCluster: SwitchClusterModule;

before(async () => {
  lab = new Lab({ nodes: 1, clock: new RealClock(), seed: 5 });
  await lab.start();
  dir = await mkdtemp(join(tmpdir(), 'kubelab-remote-'));
  served = await serveLab(lab, { dir, entropy: nodeEntropy(), now: Date.now() });
  const kc = await loadKubeConfig({ file: served.kubeconfigPath });
  caData = kc.getCurrentCluster()?.caData ?? '';
  transport = new RemoteTransport(kc);
  remote = new KubeClient(transport);
  local = lab.client();
  remoteCluster = await import('./remoteCluster.js');
  activeCluster = await import('./activeCluster.js');
  switchCluster = await import('./switchCluster.js');
});

after(async () => {
  transport.close();
  await served.stop();
  lab.stop();
  await rm(dir, { recursive: true, force: true });
});

/** kubeconfigWith writes a kubeconfig for the lab's server whose one context, name, authenticates as user says. */
async function kubeconfigWith(name: string, user: Record<string, unknown>, server = served.url): Promise<string> {
  const file = join(dir, `${name}.kubeconfig`);
  await writeFile(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name, cluster: server.startsWith('https:') ? { server, 'certificate-authority-data': caData } : { server, 'insecure-skip-tls-verify': true } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'kube-system' } }],
    users: [{ name, user }],
  }));
  return file;
}

/** send sends req over the wire and in-process, as the admin both ways. */
async function both(req: ApiRequest) {
  return { wire: await transport.request(req), inProcess: await local.transport.request(req) };
}

/** until polls cond every 20 ms for up to 10 s. */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** openWatches is the API server's count of open watches of one namespace's configmaps (apiserver_longrunning_requests); the lab's own controllers watch them cluster-wide. */
async function openWatches(): Promise<number> {
  const line = (await lab.server.metrics.expose()).split('\n').find((l) => l.startsWith('apiserver_longrunning_requests{') && l.includes('resource="configmaps",scope="namespace"') && l.includes('verb="WATCH"'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const configMap = (name: string, data: Record<string, string> = { greeting: 'hello' }): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

test('the kubeconfig serveLab wrote lists its context with the front door as server', async () => {
  const contexts = contextsOf(await loadKubeConfig({ file: served.kubeconfigPath }));
  assert.deepEqual(contexts, [{ name: 'kubelab', cluster: 'kubelab', server: served.url, user: 'kubelab', current: true }]);
  await assert.rejects(loadKubeConfig({ file: served.kubeconfigPath, context: 'nope' }), { message: 'context was not found for specified context: nope' });
});

test('a list answers what the in-process client sees', async () => {
  const wire = await remote.list(NAMESPACES);
  const inProcess = await local.list(NAMESPACES);
  assert.ok(!isStatus(wire) && !isStatus(inProcess));
  assert.deepEqual(wire.items.map((n) => n.metadata.name).sort(), inProcess.items.map((n) => n.metadata.name).sort());
  assert.ok(wire.items.some((n) => n.metadata.name === 'kube-system'));
});

test('a create over the wire is stored in the lab', async () => {
  const created = await remote.create(CONFIGMAPS, configMap('made-remotely'));
  assert.ok(!isStatus(created), JSON.stringify(created));
  assert.ok(created.metadata.uid);
  const stored = await local.get<ConfigMap>(CONFIGMAPS, 'default', 'made-remotely');
  assert.ok(!isStatus(stored));
  assert.equal(stored.metadata.uid, created.metadata.uid);
  assert.deepEqual(stored.data, { greeting: 'hello' });
  const again = await remote.create(CONFIGMAPS, configMap('made-remotely'));
  assert.ok(isStatus(again));
  assert.equal(again.code, 409);
  assert.equal(again.message, 'configmaps "made-remotely" already exists');
});

test('a dry-run create answers the API server\'s 422 Status with its causes, and stores nothing', async () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } };
  const revision = await lab.store.revision();
  const { wire, inProcess } = await both({ method: 'POST', path: '/api/v1/namespaces/default/pods', query: { dryRun: 'All', fieldValidation: 'Strict' }, body: pod });
  assert.equal(wire.status, 422);
  const status = wire.body as Status;
  assert.equal(status.reason, 'Invalid');
  assert.deepEqual(status.details?.causes?.map((c) => c.field), ['metadata.name', 'spec.containers[0].image']);
  assert.deepEqual(wire.body, inProcess.body);
  assert.equal(await lab.store.revision(), revision);
});

test('warnings come back from the Warning headers as the server recorded them', async () => {
  const body = { ...configMap('warned'), spec: { bogus: true } };
  const { wire, inProcess } = await both({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', query: { dryRun: 'All', fieldValidation: 'Warn' }, body });
  assert.equal(wire.status, 201);
  assert.deepEqual(wire.warnings, ['unknown field "spec"']);
  assert.deepEqual(wire.warnings, inProcess.warnings);
});

test('watch events arrive as the lab writes, and cancel ends the stream on the server', async () => {
  const listed = await remote.list(CONFIGMAPS, 'default');
  assert.ok(!isStatus(listed));
  const events: WatchEvent<ConfigMap>[] = [];
  const ends: (Status | undefined)[] = [];
  const handle = await remote.watch<ConfigMap>(CONFIGMAPS, 'default', { resourceVersion: listed.metadata.resourceVersion }, (e) => events.push(e), (error) => ends.push(error));
  await until(async () => (await openWatches()) === 1, 'the watch to open');
  await local.create(CONFIGMAPS, configMap('watched'));
  await local.patch(CONFIGMAPS, 'default', 'watched', { data: { greeting: 'bye' } });
  await until(() => events.filter((e) => e.type !== 'BOOKMARK').length >= 2, 'the ADDED and MODIFIED events');
  assert.deepEqual(events.filter((e) => e.type !== 'BOOKMARK').map((e) => [e.type, (e.object as ConfigMap).metadata.name, (e.object as ConfigMap).data?.greeting]), [['ADDED', 'watched', 'hello'], ['MODIFIED', 'watched', 'bye']]);
  handle.cancel();
  await until(async () => (await openWatches()) === 0, 'the server to close the watch');
  assert.deepEqual(ends, [], 'a cancelled watch does not report an end');
});

test('a watch the server refuses ends at once with its Status', async () => {
  const ends: (Status | undefined)[] = [];
  await remote.watch(CONFIGMAPS, 'default', { labelSelector: 'a in (' }, () => assert.fail('no event'), (error) => ends.push(error));
  assert.equal(ends.length, 1);
  assert.equal(ends[0]?.code, 400);
  assert.equal(ends[0]?.reason, 'BadRequest');
});

test('a bad bearer token gets the server\'s 401 Status, and the cluster does not connect', async () => {
  const file = await kubeconfigWith('bad-token', { token: 'not-a-token' });
  const bad = new RemoteTransport(await loadKubeConfig({ file }));
  const res = await bad.request({ method: 'GET', path: '/api/v1/namespaces' });
  bad.close();
  assert.equal(res.status, 401);
  assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  const cluster = new remoteCluster.RemoteCluster('bad-token', { kubeconfig: file });
  const states: string[] = [];
  cluster.onDidChangeState((s) => states.push(s));
  await assert.rejects(cluster.start(), { message: `cannot reach context "bad-token" at ${served.url}: Unauthorized` });
  assert.deepEqual(states, ['starting', 'stopped']);
  assert.equal(cluster.client, undefined);
  cluster.dispose();
});

test('an exec credential plugin\'s token authenticates, through client-node\'s auth plugins', async () => {
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: lab.tokenFor(ADMIN) } };
  const file = await kubeconfigWith('exec-plugin', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', `process.stdout.write(${JSON.stringify(JSON.stringify(credential))})`], interactiveMode: 'Never' } });
  const viaPlugin = new KubeClient(new RemoteTransport(await loadKubeConfig({ file })));
  const got = await viaPlugin.get<ConfigMap>(CONFIGMAPS, 'default', 'made-remotely');
  (viaPlugin.transport as RemoteTransport).close();
  assert.ok(!isStatus(got), JSON.stringify(got));
  assert.equal(got.metadata.name, 'made-remotely');
});

test('a server nobody answers is a 503 Status in Go\'s wording, and the transport says so', async () => {
  const file = await kubeconfigWith('nobody', { token: 'x' }, 'https://127.0.0.1:1');
  const heard: string[] = [];
  const gone = new RemoteTransport(await loadKubeConfig({ file }), { onUnreachable: (m) => heard.push(m) });
  const res = await gone.request({ method: 'GET', path: '/api/v1/namespaces', query: { limit: '1' } });
  const status = res.body as Status;
  assert.equal(res.status, 503);
  assert.equal(status.reason, 'ServiceUnavailable');
  assert.match(status.message ?? '', /^Get "https:\/\/127\.0\.0\.1:1\/api\/v1\/namespaces\?limit=1": connect ECONNREFUSED 127\.0\.0\.1:1$/);
  assert.deepEqual(heard, [status.message]);
  gone.close();
});

test('an answer that is not a Status becomes client-go\'s generic Status for its code', async () => {
  const proxy = createServer((req, res) => {
    if (req.url?.startsWith('/missing')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
    } else {
      res.writeHead(502, { 'Content-Type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2]));
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const file = await kubeconfigWith('proxy', {}, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    const viaProxy = new RemoteTransport(await loadKubeConfig({ file }));
    const missing = await viaProxy.request({ method: 'GET', path: '/missing' });
    assert.deepEqual(missing, { status: 404, body: genericServerResponse(404, 'GET', '404 page not found\n', true, undefined) });
    assert.equal(missing.body.message, 'the server could not find the requested resource');
    assert.deepEqual(missing.body.details?.causes, [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }]);
    const gateway = await viaProxy.request({ method: 'POST', path: '/api/v1/namespaces', body: {} });
    assert.equal(gateway.status, 502);
    assert.equal((gateway.body as Status).reason, 'InternalError');
    assert.equal((gateway.body as Status).message, 'an error on the server ("unknown") has prevented the request from succeeding');
    viaProxy.close();
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
});

test('a followed log streams its text over the wire, as in-process, until cancelled', async () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };
  assert.ok(!isStatus(await local.create({ group: '', version: 'v1', resource: 'pods', namespaced: true }, pod)));
  const path = '/api/v1/namespaces/default/pods/web/log';
  await until(async () => String((await transport.request({ method: 'GET', path })).body).includes('start worker process'), 'nginx to log its start');
  const plain = await transport.request({ method: 'GET', path });
  assert.equal(plain.body, (await local.transport.request({ method: 'GET', path })).body);
  assert.match(String(plain.contentType), /^text\/plain/);
  let text = '';
  const ends: (Status | undefined)[] = [];
  const handle = await transport.stream({ method: 'GET', path, query: { follow: 'true', tailLines: '1' } }, (chunk) => { text += chunk; }, (error) => ends.push(error));
  await until(() => text.includes('start worker process'), 'the followed log');
  assert.equal(text, `${String(plain.body).trimEnd().split('\n').pop()}\n`);
  handle.cancel();
  assert.deepEqual(ends, [], 'a cancelled stream does not report an end');
  const refused: (Status | undefined)[] = [];
  await transport.stream({ method: 'GET', path: '/api/v1/namespaces/default/pods/nobody/log', query: { follow: 'true' } }, () => assert.fail('no text'), (error) => refused.push(error));
  assert.equal(refused[0]?.code, 404);
  assert.equal(refused[0]?.message, 'pods "nobody" not found');
});

test('RemoteCluster runs once /version answers, and hands out a working client', async () => {
  const cluster = new remoteCluster.RemoteCluster('kubelab', { kubeconfig: served.kubeconfigPath });
  const states: string[] = [];
  cluster.onDidChangeState((s) => states.push(s));
  assert.equal(cluster.isLab, false);
  assert.equal(cluster.state, 'stopped');
  const client = await cluster.start();
  assert.deepEqual(states, ['starting', 'running']);
  assert.equal(cluster.client, client);
  assert.deepEqual(cluster.server, { server: served.url, version: VERSION_INFO.gitVersion });
  const got = await client.get<ConfigMap>(CONFIGMAPS, 'default', 'made-remotely');
  assert.ok(!isStatus(got));
  cluster.disconnect();
  assert.deepEqual(states, ['starting', 'running', 'stopped']);
  assert.equal(cluster.client, undefined);
  cluster.dispose();
});

test('ActiveCluster passes on the active cluster only, and a switch looks like a stop then a start', async () => {
  const { api } = createFakeVscode();
  const Emitter = api.EventEmitter as new () => { event: (l: (s: string) => void) => { dispose(): void }; fire(s: string): void };
  const labStates = new Emitter();
  const fakeLab = { name: 'KubeLab', isLab: true, state: 'running' as const, client: local, onDidChangeState: labStates.event, start: () => Promise.resolve(local) };
  const active = new activeCluster.ActiveCluster(fakeLab as never, (context) => new remoteCluster.RemoteCluster(context, { kubeconfig: served.kubeconfigPath }));
  const seen: string[] = [];
  active.onDidChangeState((s) => seen.push(s));
  assert.equal(active.client, local);
  await active.switchTo('kubelab');
  assert.deepEqual(seen, ['stopped', 'starting', 'running']);
  assert.equal(active.name, 'kubelab');
  assert.equal(active.isLab, false);
  assert.notEqual(active.client, local);
  labStates.fire('stopping');
  assert.deepEqual(seen, ['stopped', 'starting', 'running'], 'the lab\'s own changes are not the active cluster\'s');
  active.switchTo(undefined).catch(assert.fail);
  assert.deepEqual(seen, ['stopped', 'starting', 'running', 'stopped', 'running']);
  assert.equal(active.client, local);
  assert.equal(active.context, undefined);
  active.dispose();
});

test('KubeLab: Switch Cluster lists $KUBECONFIG\'s contexts, switches to the one picked and remembers it', async () => {
  const second = await kubeconfigWith('second', { token: lab.tokenFor(ADMIN) });
  const { api } = createFakeVscode();
  const Emitter = api.EventEmitter as new () => { event: (l: (s: string) => void) => { dispose(): void }; fire(s: string): void };
  const fakeLab = { name: 'KubeLab', isLab: true, state: 'stopped' as const, client: undefined, onDidChangeState: new Emitter().event, start: () => Promise.reject(new Error('not in this test')) };
  const saved = new Map<string, unknown>();
  const memento = { get: (key: string) => saved.get(key), update: (key: string, value: unknown) => Promise.resolve(void saved.set(key, value)), keys: () => [...saved.keys()] };
  const errors: unknown[] = [];
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = [served.kubeconfigPath, second].join(':');
  const active = new activeCluster.ActiveCluster(fakeLab as never);
  const disposables = switchCluster.registerSwitchCluster(active, memento as never, (err) => errors.push(err));
  try {
    let offered: { label: string; description?: string; detail?: string }[] = [];
    fake.pick = (items) => {
      offered = items;
      return items.find((i) => i.label === 'second');
    };
    await fake.commands.get('kubelab.switchCluster')?.();
    assert.equal(errors.length, 0, errors.map(String).join('; '));
    assert.deepEqual(offered.map((i) => [i.label, i.description, (i as { detail?: string }).detail]), [
      ['$(check) KubeLab (the lab)', 'stopped', 'The simulated cluster inside VS Code'],
      ['kubeconfig', undefined, undefined],
      ['kubelab', served.url, 'user kubelab · current-context'],
      ['second', served.url, 'user second · namespace kube-system'],
    ]);
    assert.equal(active.context, 'second');
    assert.equal(active.state, 'running');
    assert.equal(saved.get(switchCluster.STATE_KEY), 'second');
    const got = await active.client?.get<ConfigMap>(CONFIGMAPS, 'default', 'made-remotely');
    assert.ok(got && !isStatus(got));
    fake.pick = (items) => items.find((i) => i.label === 'KubeLab (the lab)');
    await fake.commands.get('kubelab.switchCluster')?.();
    assert.equal(active.context, undefined);
    assert.equal(active.client, undefined);
    assert.equal(saved.get(switchCluster.STATE_KEY), undefined);
    // The next session selects the remembered context again, without connecting until something starts it.
    saved.set(switchCluster.STATE_KEY, 'second');
    const restored = new activeCluster.ActiveCluster(fakeLab as never);
    const again = switchCluster.registerSwitchCluster(restored, memento as never, (err) => errors.push(err));
    assert.equal(restored.context, 'second');
    assert.equal(restored.state, 'stopped');
    assert.equal(errors.length, 0, errors.map(String).join('; '));
    for (const d of again) d.dispose();
    restored.dispose();
  } finally {
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
    fake.pick = undefined;
    for (const d of disposables) d.dispose();
    active.dispose();
  }
});

test('the editor\'s validation finds the same problems over the wire as in-process', async () => {
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: other
    spec:
      containers:
        - name: nginx
          image: nginx
          bogus: true
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: made-remotely
data:
  greeting: 7
`;
  const overWire = await new ManifestValidator(remote).validate(manifest);
  const inProcess = await new ManifestValidator(local).validate(manifest);
  assert.ok(overWire && inProcess);
  assert.ok(overWire.some((p) => p.severity === 'error'), JSON.stringify(overWire));
  assert.deepEqual(overWire, inProcess);
});

test('the default namespace is the active cluster\'s: a context\'s namespace, or the lab\'s Set Namespace choice', async () => {
  const withNamespace = new remoteCluster.RemoteCluster('second', { kubeconfig: await kubeconfigWith('second', { token: lab.tokenFor(ADMIN) }) });
  const without = new remoteCluster.RemoteCluster('kubelab', { kubeconfig: served.kubeconfigPath });
  try {
    await withNamespace.start();
    await without.start();
    assert.deepEqual([withNamespace.defaultNamespace, without.defaultNamespace], ['kube-system', 'default']);
  } finally {
    withNamespace.dispose();
    without.dispose();
  }

  const { api } = createFakeVscode();
  const Emitter = api.EventEmitter as new () => { event: (l: (s: string) => void) => { dispose(): void }; fire(s: string): void };
  const labNamespace = new Emitter();
  const fakeLab = { name: 'KubeLab', isLab: true, state: 'running' as const, client: local, defaultNamespace: 'team', onDidChangeDefaultNamespace: labNamespace.event, onDidChangeState: new Emitter().event, start: () => Promise.resolve(local) };
  const second = await kubeconfigWith('second', { token: lab.tokenFor(ADMIN) });
  const active = new activeCluster.ActiveCluster(fakeLab as never, (context) => new remoteCluster.RemoteCluster(context, { kubeconfig: second }));
  const heard: string[] = [];
  active.onDidChangeDefaultNamespace((ns) => heard.push(ns));
  try {
    assert.equal(active.defaultNamespace, 'team');
    labNamespace.fire('team');
    await active.switchTo('second');
    assert.equal(active.defaultNamespace, 'kube-system');
    labNamespace.fire('other');
    assert.deepEqual(heard, ['team'], 'the lab\'s choice is not the context\'s');
  } finally {
    active.dispose();
  }
});
