// The lab's front door is as closed as a kubeadm cluster's: TLS only, anonymous off (401
// with upstream's body), RBAC deciding (403 with upstream's message for a user bound only
// to `view`), loopback only, and keys and kubeconfigs written 0600. The lab here writes
// its kubeconfig with --kubeconfig outside the data folder, which must be private too.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubelabProcess } from './harness';

let lab: KubelabProcess;
const elsewhere = mkdtempSync(join(tmpdir(), 'kubelab-kubeconfig-'));
const kubeconfigPath = join(elsewhere, 'nested', 'lab.kubeconfig');
before(async () => {
  lab = await KubelabProcess.up({ nodes: 1, extraArgs: ['--kubeconfig', kubeconfigPath] });
});
after(async () => {
  await lab?.cleanup();
  rmSync(elsewhere, { recursive: true, force: true });
});

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** call sends an HTTPS request to the lab, trusting its CA, with the headers given and nothing else. */
function call(method: string, path: string, headers: Record<string, string> = {}, body?: string, host = '127.0.0.1'): Promise<Answer> {
  const url = new URL(lab.server);
  const ca = readFileSync(join(lab.data, 'pki', 'ca.crt'), 'utf8');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(url.port), path, method, headers: { 'user-agent': 'kubelab-conformance', ...headers }, ca, servername: 'localhost', timeout: 5_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

for (const path of ['/api/v1/namespaces/default/pods', '/api', '/version', '/healthz', '/readyz', '/apis/apps/v1']) {
  void test(`GET ${path} without credentials is 401 with upstream's Status`, async () => {
    const answer = await call('GET', path);
    assert.equal(answer.status, 401);
    assert.equal(answer.contentType, 'application/json');
    assert.deepEqual(JSON.parse(answer.body), UNAUTHORIZED);
  });
}

void test('a request with a bearer token the server never issued is 401 too, and writes nothing', async () => {
  const before = await lab.ok(['get', 'configmaps', '-o', 'name']);
  const answer = await call('POST', '/api/v1/namespaces/default/configmaps', { authorization: 'Bearer not-a-token', 'content-type': 'application/json' }, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sneaky' } }));
  assert.equal(answer.status, 401);
  assert.deepEqual(JSON.parse(answer.body), UNAUTHORIZED);
  assert.equal(await lab.ok(['get', 'configmaps', '-o', 'name']), before);
  const e = await lab.kubectl(['get', 'pods'], { kubeconfig: lab.tokenKubeconfig('stranger', 'not-a-token') });
  assert.equal(e.code, 1);
  assert.equal(e.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
  // Beside the admin's client certificate a bad token changes nothing: the certificate is authenticated first.
  assert.equal(await lab.ok(['auth', 'whoami', '--token=not-a-token', '-o', 'jsonpath={.status.userInfo.username}']), 'kubernetes-admin');
});

let viewerToken = '';
/** viewer is a kubeconfig whose only credential is the view user's token. */
let viewer = '';

void test('a service account bound only to view gets a token that authenticates it', async () => {
  assert.equal(await lab.ok(['create', 'serviceaccount', 'viewer']), 'serviceaccount/viewer created\n');
  assert.equal(await lab.ok(['create', 'rolebinding', 'viewer', '--clusterrole=view', '--serviceaccount=default:viewer']), 'rolebinding.rbac.authorization.k8s.io/viewer created\n');
  viewerToken = (await lab.ok(['create', 'token', 'viewer'])).trim();
  assert.match(viewerToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  viewer = lab.tokenKubeconfig('viewer', viewerToken);
  assert.equal(await lab.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: viewer }), 'system:serviceaccount:default:viewer');
  const list = await lab.kubectl(['get', 'pods'], { kubeconfig: viewer });
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stderr, 'No resources found in default namespace.\n');
});

void test('the view user cannot create: 403 with upstream\'s message, through kubectl and over HTTP', async () => {
  const e = await lab.kubectl(['create', 'configmap', 'forbidden'], { kubeconfig: viewer });
  assert.equal(e.code, 1);
  assert.equal(e.stderr, 'error: failed to create configmap: configmaps is forbidden: User "system:serviceaccount:default:viewer" cannot create resource "configmaps" in API group "" in the namespace "default"\n');
  const answer = await call('POST', '/api/v1/namespaces/default/configmaps', { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' }, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'forbidden' } }));
  assert.equal(answer.status, 403);
  assert.deepEqual(JSON.parse(answer.body), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'configmaps is forbidden: User "system:serviceaccount:default:viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
    reason: 'Forbidden', details: { kind: 'configmaps' }, code: 403,
  });
  const deploy = await lab.kubectl(['create', 'deployment', 'forbidden', '--image=nginx'], { kubeconfig: viewer });
  assert.equal(deploy.stderr, 'error: failed to create deployment: deployments.apps is forbidden: User "system:serviceaccount:default:viewer" cannot create resource "deployments" in API group "apps" in the namespace "default"\n');
  assert.equal((await lab.kubectl(['get', 'configmap', 'forbidden'])).code, 1);
});

void test('the view user cannot read secrets, reach other namespaces or impersonate', async () => {
  const secrets = await lab.kubectl(['get', 'secrets'], { kubeconfig: viewer });
  assert.equal(secrets.code, 1);
  assert.equal(secrets.stderr, 'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "secrets" in API group "" in the namespace "default"\n');
  const system = await lab.kubectl(['get', 'pods', '-n', 'kube-system'], { kubeconfig: viewer });
  assert.equal(system.stderr, 'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "pods" in API group "" in the namespace "kube-system"\n');
  const nodes = await lab.kubectl(['get', 'nodes'], { kubeconfig: viewer });
  assert.equal(nodes.stderr, 'Error from server (Forbidden): nodes is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "nodes" in API group "" at the cluster scope\n');
  const impersonate = await lab.kubectl(['get', 'pods', '--as=kubernetes-admin'], { kubeconfig: viewer });
  assert.equal(impersonate.stderr, 'Error from server (Forbidden): users "kubernetes-admin" is forbidden: User "system:serviceaccount:default:viewer" cannot impersonate resource "users" in API group "" at the cluster scope\n');
  assert.equal((await lab.kubectl(['auth', 'can-i', 'create', 'pods'], { kubeconfig: viewer })).stdout, 'no\n');
  assert.equal((await lab.kubectl(['auth', 'can-i', 'watch', 'deployments.apps'], { kubeconfig: viewer })).stdout, 'yes\n');
});

void test('a token stops working once its service account is deleted', async () => {
  await lab.ok(['delete', 'serviceaccount', 'viewer']);
  const e = await lab.kubectl(['get', 'pods'], { kubeconfig: viewer });
  assert.equal(e.code, 1);
  assert.equal(e.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
});

void test('the API server listens on 127.0.0.1 only', async () => {
  assert.match(lab.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  const external = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
  if (!external) return;
  await assert.rejects(call('GET', '/version', {}, undefined, external.address), (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, 'ECONNREFUSED', `${external.address}: ${err.message}`);
    return true;
  });
});

void test('plain HTTP gets no API answer: the port speaks TLS only', async () => {
  const plain = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(new URL(lab.server).port), '127.0.0.1', () => socket.end('GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  assert.doesNotMatch(plain, /"gitVersion"|"kind"/);
});

void test('private keys and kubeconfigs are 0600, certificates 0644, folders 0700', () => {
  const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
  assert.equal(lab.kubeconfig, kubeconfigPath);
  assert.equal(mode(kubeconfigPath), '600');
  for (const key of ['ca.key', 'apiserver.key', 'admin.key', 'sa.key']) assert.equal(mode(join(lab.data, 'pki', key)), '600', key);
  for (const cert of ['ca.crt', 'apiserver.crt', 'admin.crt', 'sa.pub']) assert.equal(mode(join(lab.data, 'pki', cert)), '644', cert);
  assert.equal(mode(join(lab.data, 'pki')), '700');
  assert.equal(mode(lab.data), '700');
  assert.match(readFileSync(join(lab.data, 'pki', 'sa.key'), 'utf8'), /^-----BEGIN (RSA )?PRIVATE KEY-----\n/);
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
