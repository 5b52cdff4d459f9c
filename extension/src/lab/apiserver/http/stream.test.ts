/**
 * The streaming subresources against the real kubectl 1.32 over HTTPS: logs -f,
 * exec (WebSocket v5 by default, SPDY when kubectl is told to), exec -i with
 * piped stdin, and port-forward (SPDY tunnelled in WebSocket, or plain SPDY),
 * on a lab built in-process on a real clock. Raw WebSocket cases pin the
 * channel protocols' bytes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { get } from 'node:http';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import type { Lab } from '../../lab';
import type { LabPki } from '../../pki/labPki';
import type { FrontDoor } from './server';
import { type ServedTestLab, kubectlMissing, serveTestLab } from './testing';

const skip = kubectlMissing;

let lab: Lab;
let door: FrontDoor;
let pki: LabPki;
let dir: string;
let config: string;

let served: ServedTestLab;

before(async () => {
  served = await serveTestLab();
  ({ lab, door, pki, dir, kubeconfig: config } = served);
  for (const [name, spec] of [
    ['web', { containers: [{ name: 'nginx', image: 'nginx:1.27' }] }],
    ['bb', { containers: [{ name: 'bb', image: 'busybox:1.37', command: ['sleep', '3600'] }] }],
  ] as const) {
    const res = await lab.server.handle(lab.asAdmin({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec } }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  await until(async () => {
    const res = await lab.server.handle(lab.asAdmin({ method: 'GET', path: '/api/v1/namespaces/default/pods' }));
    return (res.body as { items: { status?: { phase?: string } }[] }).items.every((p) => p.status?.phase === 'Running');
  }, 'the pods to run');
});

after(() => served.stop());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl runs kubectl against the lab with stdin piped in, and resolves however it exits. */
function kubectl(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', config, ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '', ...options.env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}

/** until polls cond every 50 ms for up to 20 s. */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** started runs a long-lived kubectl, collecting its output as it comes. */
function started(args: string[], env: Record<string, string> = {}): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number> } {
  const child = spawn('kubectl', ['--kubeconfig', config, ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, out: () => out, err: () => err, exited };
}

/** httpGet fetches a URL on loopback, as curl would. */
function httpGet(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { 'User-Agent': 'curl/8.5.0' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

const WEBSOCKETS_OFF = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };

for (const [transport, env] of [['WebSocket (v5.channel.k8s.io)', {}], ['SPDY (v4.channel.k8s.io)', WEBSOCKETS_OFF]] as const) {
  test(`kubectl exec over ${transport} gives the command's output and exit code`, { skip }, async () => {
    const res = await kubectl(['exec', 'bb', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3'], { env });
    assert.deepEqual(res, { code: 3, stdout: 'hi\n', stderr: 'oops\ncommand terminated with exit code 3\n' });
  });

  test(`kubectl exec -i over ${transport} feeds piped stdin to the command until its end`, { skip }, async () => {
    const res = await kubectl(['exec', '-i', 'bb', '--', 'sh', '-c', 'cat; echo done'], { stdin: 'one\ntwo\n', env });
    assert.deepEqual(res, { code: 0, stdout: 'one\ntwo\ndone\n', stderr: '' });
  });
}

// The v5 path is kube-apiserver's StreamTranslatorHandler, which wraps the kubelet's InternalError once more; SPDY reaches the kubelet directly.
test('a program the image lacks is runc\'s refusal, wrapped as each path wraps it', { skip }, async () => {
  const exec = /failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in \$PATH: unknown\n$/;
  const ws = await kubectl(['exec', 'bb', '--', 'bash']);
  assert.equal(ws.code, 1);
  assert.match(ws.stderr, new RegExp(`^error: Internal error occurred: Internal error occurred: error executing command in container: ${exec.source}`));
  const spdy = await kubectl(['exec', 'bb', '--', 'bash'], { env: WEBSOCKETS_OFF });
  assert.match(spdy.stderr, new RegExp(`^error: Internal error occurred: error executing command in container: ${exec.source}`));
});

test('exec into a container that is not there is refused before or by the kubelet, as upstream words it', { skip }, async () => {
  assert.deepEqual(await kubectl(['exec', 'nope', '--', 'true']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
  assert.deepEqual(await kubectl(['exec', 'bb', '-c', 'other', '--', 'true']), { code: 1, stdout: '', stderr: 'Error from server (BadRequest): container other is not valid for pod bb\n' });
});

test('kubectl logs -l reads every matching pod\'s log', { skip }, async () => {
  const res = await kubectl(['logs', '-l', 'app=web', '--tail=1']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^(\S.*\n)$/);
});

test('kubectl logs -f streams new lines as they are written until it is stopped', { skip }, async () => {
  const follow = started(['logs', '-f', 'web', '--tail=1']);
  await until(() => follow.out().includes('start worker process'), 'the last line');
  const pf = started(['port-forward', 'pod/web', ':80']);
  await until(() => /127\.0\.0\.1:(\d+) -> 80/.test(pf.out()), 'port-forward to listen');
  const port = Number(/127\.0\.0\.1:(\d+) -> 80/.exec(pf.out())?.[1]);
  await httpGet(port, '/followed');
  await until(() => follow.out().includes('"GET /followed HTTP/1.1" 404 153 "-" "curl/8.5.0" "-"'), 'the access log line');
  assert.equal(follow.child.exitCode, null);
  follow.child.kill();
  pf.child.kill();
  await Promise.all([follow.exited, pf.exited]);
});

for (const [transport, env] of [['SPDY tunnelled in WebSocket', {}], ['SPDY', WEBSOCKETS_OFF]] as const) {
  test(`kubectl port-forward over ${transport} reaches nginx's page`, { skip }, async () => {
    const pf = started(['port-forward', 'pod/web', ':80'], env);
    await until(() => /127\.0\.0\.1:(\d+) -> 80/.test(pf.out()), 'port-forward to listen');
    const port = Number(/127\.0\.0\.1:(\d+) -> 80/.exec(pf.out())?.[1]);
    for (let i = 0; i < 2; i++) {
      const res = await httpGet(port, '/');
      assert.equal(res.status, 200);
      assert.equal(res.headers.server, 'nginx/1.27.5');
      assert.equal(res.headers['content-length'], '615');
      assert.match(res.body, /<title>Welcome to nginx!<\/title>/);
    }
    pf.child.kill();
    await pf.exited;
  });
}

// containerd's PortForward in the sandbox's network namespace, as the kubelet's httpstream handler and kubectl 1.32 report it.
test('port-forward to a port nothing listens on ends kubectl with containerd\'s refusal', { skip }, async () => {
  const pf = started(['port-forward', 'pod/web', ':81']);
  await until(() => /127\.0\.0\.1:(\d+) -> 81/.test(pf.out()), 'port-forward to listen');
  const port = Number(/127\.0\.0\.1:(\d+) -> 81/.exec(pf.out())?.[1]);
  await httpGet(port, '/').catch(() => undefined);
  assert.equal(await pf.exited, 1);
  assert.match(pf.err(), new RegExp(`"Unhandled Error" err="an error occurred forwarding ${port} -> 81: error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \\\\"/var/run/netns/cni-[0-9a-f-]{36}\\\\": failed to connect to localhost:81 inside namespace \\\\"[0-9a-f]{64}\\\\", IPv4: dial tcp4 127.0.0.1:81: connect: connection refused IPv6 dial tcp6 \\[::1\\]:81: connect: connection refused "\\nerror: lost connection to pod\\n$`));
});

/** socket opens a raw WebSocket to path with the given subprotocols, as the admin or with a bearer token. */
function socket(path: string, protocols: string[], token?: string): Promise<{ messages: (Buffer | string)[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const credentials = token ? { headers: { Authorization: `Bearer ${token}` } } : { cert: pki.admin.certPem, key: pki.admin.keyPem };
    const ws = new WebSocket(`wss://127.0.0.1:${door.port}${path}`, protocols, { ca: pki.ca.certPem, ...credentials });
    const messages: (Buffer | string)[] = [];
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (data: Buffer, isBinary: boolean) => messages.push(isBinary ? data : data.toString()));
    ws.on('open', () => resolve({ messages, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

const EXEC = '/api/v1/namespaces/default/pods/bb/exec?command=sh&command=-c&command=echo%20hi%3B%20exit%203&stdout=true&stderr=true';

test('v5.channel.k8s.io: the channel byte, an empty first message on stdout, the translator\'s Status on channel 3, a normal close', { skip }, async () => {
  const { messages, closed } = await socket(EXEC, ['v5.channel.k8s.io']);
  assert.equal(await closed, 1000);
  assert.deepEqual(messages.map((m) => (m as Buffer).toString('latin1')), [
    '\x01', '\x01hi\n',
    '\x03{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: command terminated with exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
  ]);
});

test('v4.base64.channel.k8s.io: text messages with an ASCII channel and base64, the kubelet\'s Status', { skip }, async () => {
  const { messages, closed } = await socket(EXEC, ['v4.base64.channel.k8s.io']);
  assert.equal(await closed, 1000);
  assert.deepEqual(messages, [
    '1', `1${Buffer.from('hi\n').toString('base64')}`,
    `3${Buffer.from('{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c echo hi; exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}').toString('base64')}`,
  ]);
});

test('channel.k8s.io (before v4): a failure\'s message as plain text on channel 3', { skip }, async () => {
  const { messages, closed } = await socket(EXEC, ['channel.k8s.io']);
  await closed;
  assert.deepEqual(messages.map((m) => (m as Buffer).toString()), ['\x01', '\x01hi\n', '\x03command terminated with non-zero exit code: error executing command [sh -c echo hi; exit 3], exit code 3']);
});

test('the kubelet\'s refusal: an upgrade the translator answers with an InternalError, a v4 request refused with the kubelet\'s text', { skip }, async () => {
  const path = '/api/v1/namespaces/default/pods/bb/exec?command=true&stdout=true&container=bb';
  const refusal = '{"metadata":{},"status":"Failure","message":"Internal error occurred: unable to upgrade connection: you must specify at least 1 of stdin, stdout, stderr","reason":"InternalError","details":{"causes":[{"message":"unable to upgrade connection: you must specify at least 1 of stdin, stdout, stderr"}]},"code":500}';
  const none = path.replace('&stdout=true', '');
  const { messages, closed } = await socket(none, ['v5.channel.k8s.io']);
  await closed;
  assert.deepEqual(messages.map((m) => (m as Buffer).toString()), ['\x03', `\x03${refusal}`]);
  await assert.rejects(socket(none, ['v4.channel.k8s.io']), { message: 'HTTP 400' });
});

test('a connect request that does not upgrade is told to; other requests that ask to upgrade get their ordinary answer', { skip }, async () => {
  const raw = (path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: door.port, path, ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  const plain = await raw(EXEC, {});
  assert.deepEqual([plain.status, JSON.parse(plain.body).message], [400, 'Upgrade request required']);
  const ns = await raw('/api/v1/namespaces/default', { Connection: 'Upgrade', Upgrade: 'websocket' });
  assert.deepEqual([ns.status, JSON.parse(ns.body).metadata.name], [200, 'default']);
});

// In 1.32 the WebSocket upgrade, a GET, is authorized as `get` on pods/exec and SPDY's POST as `create` (AuthorizePodWebsocketUpgradeCreatePermission came in 1.35).
test('exec is authorized by its method: get for the WebSocket upgrade, create for SPDY', { skip }, async () => {
  const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/default';
  await lab.server.handle(lab.asAdmin({ method: 'POST', path: `${rbac}/roles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'exec-get' }, rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }] } }));
  await lab.server.handle(lab.asAdmin({ method: 'POST', path: `${rbac}/rolebindings`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'exec-get' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exec-get' }, subjects: [{ kind: 'User', name: 'carol' }] } }));
  const token = lab.tokenFor({ username: 'carol', groups: [] });
  const { messages, closed } = await socket(EXEC, ['v5.channel.k8s.io'], token);
  await closed;
  assert.equal((messages[1] as Buffer).toString(), '\x01hi\n');
  const spdy = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: door.port, path: EXEC, method: 'POST', ca: pki.ca.certPem, headers: { Authorization: `Bearer ${token}`, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual([spdy.status, JSON.parse(spdy.body).message], [403, 'pods "bb" is forbidden: User "carol" cannot create resource "pods/exec" in API group "" in the namespace "default"']);
});
