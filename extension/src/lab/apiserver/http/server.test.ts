/**
 * The front door against the real kubectl: a lab built in-process on a real
 * clock, served over HTTPS on a free loopback port with freshly issued PKI, and a
 * kubeconfig in a temporary directory. The raw-HTTPS cases pin the wire format.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { KubeObject } from '../../api/types';
import { ADMIN, Lab } from '../../lab';
import { writeKubeconfig } from '../../pki/files';
import { kubeconfig } from '../../pki/kubeconfig';
import { type LabPki, createLabPki } from '../../pki/labPki';
import { nodeEntropy } from '../../pki/nodeEntropy';
import { POST_START_HOOKS, kubeApiserverChecks } from './kubeApiserverChecks';
import type { TableConvertOptions } from './response';
import { FrontDoor } from './server';
import { type ServedTestLab, kubectlMissing, serveTestLab } from './testing';
import { VERSION_INFO } from './version';

const run = promisify(execFile);
const skip = kubectlMissing;

let lab: Lab;
let door: FrontDoor;
let pki: LabPki;
let dir: string;
let config: string;

let served: ServedTestLab;

before(async () => {
  served = await serveTestLab({
    seed: 7, writePki: true,
    door: (l: Lab) => ({ health: kubeApiserverChecks({ storeRevision: () => l.store.revision(), cache: l.server.cache }) }),
  });
  ({ lab, door, pki, dir, kubeconfig: config } = served);
});

after(() => served.stop());

/** kubectl runs kubectl against the lab, with a HOME of its own so no cache or config leaks in or out. */
async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('kubectl', ['--kubeconfig', config, ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 });
}

test('kubectl version reads the server\'s version.Info', { skip }, async () => {
  const { stdout } = await kubectl('version', '-o', 'json');
  assert.deepEqual(JSON.parse(stdout).serverVersion, VERSION_INFO);
});

test('kubectl get --raw /readyz?verbose lists kube-apiserver 1.32\'s checks as healthz.go prints them', { skip }, async () => {
  const { stdout } = await kubectl('get', '--raw', '/readyz?verbose');
  const names = ['ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', ...POST_START_HOOKS.map((h) => `poststarthook/${h}`),
    'autoregister-completion', 'poststarthook/apiservice-openapi-controller', 'poststarthook/apiservice-openapiv3-controller', 'shutdown'];
  assert.equal(stdout, `${names.map((n) => `[+]${n} ok\n`).join('')}readyz check passed\n`);
});

test('kubectl get namespaces lists the system namespaces', { skip }, async () => {
  const { stdout } = await kubectl('get', 'namespaces');
  const [header, ...rows] = stdout.trim().split('\n');
  assert.match(header, /^NAME\s/);
  const names = rows.map((r) => r.split(/\s+/)[0]);
  for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) assert.ok(names.includes(ns), stdout);
});

test('kubectl create namespace sends protobuf, and get -o json reads back exactly what JSON would have created', { skip }, async () => {
  assert.equal((await kubectl('create', 'namespace', 'x')).stdout, 'namespace/x created\n');
  const ns = JSON.parse((await kubectl('get', 'ns', 'x', '-o', 'json')).stdout);
  assert.equal(ns.kind, 'Namespace');
  assert.deepEqual(Object.keys(ns.metadata).sort(), ['creationTimestamp', 'labels', 'name', 'resourceVersion', 'uid']);
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'x' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.equal((await kubectl('label', 'ns', 'x', 'team=a')).stdout, 'namespace/x labeled\n');
});

test('warnings reach kubectl as Warning headers', { skip }, async () => {
  const pod = join(dir, 'pod.json');
  await writeFile(pod, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'warned', namespace: 'default', annotations: { 'scheduler.alpha.kubernetes.io/critical-pod': '' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  }));
  const { stderr } = await kubectl('create', '-f', pod, '--validate=false', '--dry-run=server');
  assert.equal(stderr, 'Warning: metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead\n');
});

test('kubectl get pods -A -w streams events as they happen, and the watch ends when kubectl goes away', { skip }, async () => {
  const watcher: ChildProcess = spawn('kubectl', ['--kubeconfig', config, 'get', 'pods', '-A', '-w', '--request-timeout=30s'], { env: { ...process.env, HOME: dir, KUBECONFIG: '' } });
  let out = '';
  watcher.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => watcher.on('exit', resolve));
  try {
    await until(() => door.activeWatches === 1, 'the watch to start');
    await kubectl('run', 'streamed', '--image=nginx', '--restart=Never');
    await until(() => /\ndefault\s+streamed\s/.test(out), `the pod in the watch output (got ${JSON.stringify(out)})`);
  } finally {
    watcher.kill();
    await exited;
  }
  await until(() => door.activeWatches === 0, 'the server to cancel the watch');
});

test('a toTable hook answers kubectl get\'s Table request; errors and other clients get plain JSON', { skip }, async () => {
  const calls: TableConvertOptions[] = [];
  const tabled = await FrontDoor.start({
    server: lab.server,
    tls: { caPem: pki.ca.certPem, certPem: pki.apiServer.certPem, keyPem: pki.apiServer.keyPem },
    toTable: (body, options) => {
      calls.push(options);
      const items = 'items' in body && Array.isArray(body.items) ? (body.items as KubeObject[]) : [body as KubeObject];
      return {
        kind: 'Table', apiVersion: `meta.k8s.io/${options.version}`, metadata: {},
        columnDefinitions: options.noHeaders ? null : [{ name: 'Name', type: 'string', format: 'name', description: '', priority: 0 }, { name: 'Shout', type: 'string', format: '', description: '', priority: 0 }],
        rows: items.map((o) => ({ cells: [o.metadata.name, `${o.metadata.name ?? ''}!`.toUpperCase()], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
      };
    },
  });
  const tableConfig = join(dir, 'tabled');
  await writeKubeconfig(tableConfig, kubeconfig({ server: tabled.url, caPem: pki.ca.certPem, client: pki.admin }));
  try {
    const env = { ...process.env, HOME: dir, KUBECONFIG: '' };
    const { stdout } = await run('kubectl', ['--kubeconfig', tableConfig, 'get', 'ns', 'default'], { env });
    assert.match(stdout, /^NAME\s+SHOUT\ndefault\s+DEFAULT!\n$/);
    assert.deepEqual(calls, [{ version: 'v1', includeObject: 'Metadata', noHeaders: false, endpoint: { group: '', version: 'v1', resource: 'namespaces', subresource: '' } }]);
    await assert.rejects(run('kubectl', ['--kubeconfig', tableConfig, 'get', 'ns', 'nope'], { env }), { stderr: 'Error from server (NotFound): namespaces "nope" not found\n' });
    assert.equal(calls.length, 1);
    const plain = await fetch('/api/v1/namespaces/default', { port: tabled.port, cert: pki.admin });
    assert.equal(JSON.parse(plain.body).kind, 'Namespace');
  } finally {
    await tabled.stop();
  }
});

/** until polls cond every 20 ms for up to 15 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 750; i++) {
    if (cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** fetch makes one HTTPS request to the door, trusting the lab's CA. */
function fetch(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; cert?: { certPem: string; keyPem: string }; port?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: options.port ?? door.port, path, method: options.method ?? 'GET', headers: options.headers, ca: pki.ca.certPem,
      ...(options.cert ? { cert: options.cert.certPem, key: options.cert.keyPem } : {}),
    }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const UNAUTHORIZED = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n';

test('a request without credentials is the authentication filter\'s 401 (endpoints/filters/authentication.go), health and version included', async () => {
  for (const path of ['/api/v1/namespaces', '/readyz', '/version', '/apis']) {
    const res = await fetch(path);
    assert.equal(res.status, 401, path);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.match(String(res.headers['audit-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(res.headers['cache-control'], 'no-cache, private');
    assert.equal(res.body, UNAUTHORIZED, path);
  }
});

test('a client certificate from another CA does not authenticate; the lab\'s does, and so does a bearer token', async () => {
  const stranger = createLabPki(nodeEntropy(), Date.now());
  assert.equal((await fetch('/api/v1/namespaces/default', { cert: stranger.admin })).status, 401);
  const withCert = await fetch('/api/v1/namespaces/default', { cert: pki.admin });
  assert.equal(withCert.status, 200);
  assert.equal(JSON.parse(withCert.body).metadata.name, 'default');
  const withToken = await fetch('/api/v1/namespaces/default', { headers: { authorization: `Bearer ${lab.tokenFor(ADMIN)}` } });
  assert.equal(withToken.status, 200);
});

test('a user the API server forbids gets its 403, from the health endpoints too', async () => {
  const alice = { username: 'alice', groups: ['developers'] };
  const headers = { authorization: `Bearer ${lab.tokenFor(alice)}` };
  const list = await fetch('/api/v1/secrets', { headers });
  assert.equal(list.status, 403);
  assert.equal(JSON.parse(list.body).message, 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" at the cluster scope');
  assert.equal((await fetch('/readyz', { headers })).body, 'ok');
  const single = await fetch('/readyz/ping', { headers });
  assert.equal(single.status, 403);
  assert.equal(JSON.parse(single.body).message, 'forbidden: User "alice" cannot get path "/readyz/ping"');
});

test('bodies: malformed JSON is a 400, YAML is read, over 3 MiB is a 413 without reading the rest', async () => {
  const headers = { authorization: `Bearer ${lab.tokenFor(ADMIN)}`, 'content-type': 'application/json' };
  const bad = await fetch('/api/v1/namespaces', { method: 'POST', headers, body: '{"metadata": x}' });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).message, 'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: invalid character \'x\' looking for beginning of value ({"metadata": x})');
  const yaml = await fetch('/api/v1/namespaces?dryRun=All', { method: 'POST', headers: { ...headers, 'content-type': 'application/yaml' }, body: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-yaml\n' });
  assert.equal(yaml.status, 201);
  assert.equal(JSON.parse(yaml.body).metadata.name, 'from-yaml');
  const big = await fetch('/api/v1/namespaces', { method: 'POST', headers, body: Buffer.alloc(3 * 1024 * 1024 + 1, 0x20) });
  assert.equal(big.status, 413);
  assert.equal(big.headers.connection, 'close');
  assert.equal(JSON.parse(big.body).message, 'Request entity too large: limit is 3145728');
});

test('Accept: protobuf is answered in JSON, and an Accept the server cannot meet is a 406', async () => {
  const auth = { authorization: `Bearer ${lab.tokenFor(ADMIN)}` };
  const proto = await fetch('/api/v1/namespaces/default', { headers: { ...auth, accept: 'application/vnd.kubernetes.protobuf' } });
  assert.equal(proto.status, 200);
  assert.equal(proto.headers['content-type'], 'application/json');
  const html = await fetch('/api/v1/namespaces/default', { headers: { ...auth, accept: 'text/html' } });
  assert.equal(html.status, 406);
  assert.equal(JSON.parse(html.body).message, 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
});

test('the door refuses to listen anywhere but 127.0.0.1, and is not reachable on other addresses', async () => {
  const tls = { caPem: pki.ca.certPem, certPem: pki.apiServer.certPem, keyPem: pki.apiServer.keyPem };
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost']) {
    await assert.rejects(FrontDoor.start({ server: lab.server, tls, host }), { message: `the lab's API server listens on 127.0.0.1 only, not on ${host}: it serves the whole cluster to whoever can connect` });
  }
  const external = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
  if (external) {
    await assert.rejects(new Promise((resolve, reject) => {
      const req = request({ host: external.address, port: door.port, path: '/version', ca: pki.ca.certPem, timeout: 2000 }, resolve);
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    }));
  }
});

test('private keys and the kubeconfig are written 0600', async () => {
  for (const file of ['pki/ca.key', 'pki/apiserver.key', 'pki/admin.key', 'config']) assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, file);
  assert.equal((await stat(join(dir, 'pki/ca.crt'))).mode & 0o777, 0o644);
});

test('stopping the door ends open watch streams', async () => {
  const second = await FrontDoor.start({ server: lab.server, tls: { caPem: pki.ca.certPem, certPem: pki.apiServer.certPem, keyPem: pki.apiServer.keyPem } });
  const events: string[] = [];
  const ended = new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: second.port, path: '/api/v1/namespaces?watch=true', ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem }, (res) => {
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      res.on('data', (d: Buffer) => events.push(...d.toString().split('\n').filter(Boolean)));
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  await until(() => events.length >= 4, 'the initial ADDED events');
  assert.deepEqual(events.slice(0, 1).map((e) => Object.keys(JSON.parse(e) as object)), [['type', 'object']]);
  assert.ok(events.every((e) => (JSON.parse(e) as { type: string }).type === 'ADDED'));
  await second.stop();
  assert.equal(await ended, 200);
  assert.equal(second.activeWatches, 0);
});
