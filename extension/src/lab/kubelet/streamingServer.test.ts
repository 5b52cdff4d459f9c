import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { Lab } from '../lab';
import { Collector, Pipe } from './pipe';
import type { KubeletAnswer, SessionOutcome } from './streaming';

const NS = '/api/v1/namespaces/default';

/** running starts a one-node lab on a manual clock with objects created and their pods running. */
async function running(objects: { path: string; body: object }[]): Promise<{ lab: Lab; clock: ManualClock }> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 1, clock, seed: 3 });
  const started = lab.start();
  await clock.advance(0);
  await started;
  for (const o of objects) {
    const res = await lab.server.handle(lab.asAdmin({ method: 'POST', path: o.path, body: o.body }));
    assert.ok(res.status < 300, JSON.stringify(res.body));
  }
  await clock.advance(30_000);
  return { lab, clock };
}

const pod = (name: string, container: object, extra: object = {}): { path: string; body: object } => ({
  path: `${NS}/pods`, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { containers: [{ name: 'c', ...container }], ...extra } },
});

/** exec runs argv in pod's container c through the node's kubelet and collects what it wrote. */
async function exec(lab: Lab, name: string, argv: string[], stdin?: string): Promise<{ out: string; err: string; outcome: SessionOutcome | KubeletAnswer }> {
  const kubelet = lab.kubelets[0];
  const session = kubelet.exec('default', name, 'c', argv, { stdin: stdin !== undefined, stdout: true, stderr: true, tty: false });
  if ('status' in session) return { out: '', err: '', outcome: session };
  const out = new Collector();
  const err = new Collector();
  const input = new Pipe();
  if (stdin !== undefined) {
    input.write(stdin);
    input.end();
  }
  const outcome = await session.run({ ...(stdin !== undefined ? { stdin: input } : {}), stdout: out, stderr: err, signal: new AbortController().signal });
  return { out: out.text, err: err.text, outcome };
}

test('an exec sees the environment the kubelet made: spec env, the downward API, ConfigMap keys and service links', async () => {
  const { lab } = await running([
    { path: `${NS}/configmaps`, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast' } } },
    { path: `${NS}/services`, body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db-main' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'pg', port: 5432 }], selector: { app: 'db' } } } },
    pod('bb', {
      image: 'busybox', command: ['sleep', '3600'],
      env: [
        { name: 'GREETING', value: 'hi $(POD_NAME)' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      ],
    }),
  ]);
  const got = await exec(lab, 'bb', ['printenv', 'POD_NAME', 'GREETING', 'MODE', 'DB_MAIN_SERVICE_HOST', 'DB_MAIN_SERVICE_PORT_PG', 'DB_MAIN_PORT', 'HOSTNAME', 'HOME']);
  // $(POD_NAME) is defined only after GREETING, so expansion leaves it as written.
  assert.deepEqual(got, { out: 'bb\nhi $(POD_NAME)\nfast\n10.96.0.20\n5432\ntcp://10.96.0.20:5432\nbb\n/root\n', err: '', outcome: { exitCode: 0 } });
  const ip = (await exec(lab, 'bb', ['printenv', 'POD_IP'])).out;
  assert.match(ip, /^10\.244\.\d+\.\d+\n$/);
  const hosts = await exec(lab, 'bb', ['cat', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname']);
  assert.equal(hosts.out, `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${ip.trim()}\tbb\n`
    + 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\nbb\n');
  lab.stop();
});

test('a missing ConfigMap keeps the container from being created (CreateContainerConfigError)', async () => {
  const { lab } = await running([pod('bad', { image: 'busybox', envFrom: [{ configMapRef: { name: 'absent' } }] })]);
  const got = await lab.server.handle(lab.asAdmin({ method: 'GET', path: `${NS}/pods/bad` }));
  const status = (got.body as { status: { phase: string; containerStatuses: { state: unknown }[] } }).status;
  assert.equal(status.phase, 'Pending');
  assert.deepEqual(status.containerStatuses[0].state, { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "absent" not found' } });
  lab.stop();
});

// pkg/kubelet/server/server.go getExec, kubelet GetExec's findContainer, remotecommand NewOptions.
test('the kubelet refuses an exec as it words it: no pod, no running container, no streams', async () => {
  const { lab } = await running([pod('bb', { image: 'busybox', command: ['sleep', '3600'] })]);
  const kubelet = lab.kubelets[0];
  const all = { stdin: false, stdout: true, stderr: true, tty: false };
  assert.deepEqual(kubelet.exec('default', 'nope', 'c', ['true'], all), { status: 404, body: 'pod does not exist' });
  assert.deepEqual(kubelet.exec('default', 'bb', 'other', ['true'], all), { status: 500, body: 'container not found ("other")' });
  assert.deepEqual(kubelet.exec('default', 'bb', 'c', ['true'], { stdin: false, stdout: false, stderr: true, tty: true }), { status: 400, body: 'you must specify at least 1 of stdin, stdout, stderr' });
  assert.deepEqual(kubelet.portForward('default', 'nope'), { status: 404, body: 'pod does not exist' });
  lab.stop();
});

test('an exec\'s stdin reaches the command, and its exit code comes back', async () => {
  const { lab } = await running([pod('bb', { image: 'busybox', command: ['sleep', '3600'] })]);
  assert.deepEqual(await exec(lab, 'bb', ['sh', '-c', 'read x; echo "got $x"; exit 3'], 'line\n'), { out: 'got line\n', err: '', outcome: { exitCode: 3 } });
  const missing = await exec(lab, 'bb', ['bash']);
  assert.ok('error' in missing.outcome);
  assert.match(missing.outcome.error, /^error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in \$PATH: unknown$/);
  lab.stop();
});

/** request sends one HTTP request through a port-forward session and resolves with the raw answer. */
async function request(lab: Lab, name: string, port: number, text: string): Promise<string | undefined> {
  const session = lab.kubelets[0].portForward('default', name);
  assert.ok(!('status' in session));
  const input = new Pipe();
  const out = new Collector();
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const failure = session.forward(port, { input, output: out, close: () => closed() });
  if (failure !== undefined) return failure;
  input.write(text);
  input.end();
  await done;
  return out.text;
}

test('port-forward reaches nginx, which answers with its page and logs the request; a closed port is containerd\'s refusal', async () => {
  const { lab, clock } = await running([pod('web', { image: 'nginx:1.27' })]);
  const answer = await request(lab, 'web', 80, 'GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/8.5.0\r\nConnection: close\r\n\r\n');
  assert.match(answer ?? '', /^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.27\.5\r\nDate: .* GMT\r\nContent-Type: text\/html\r\nContent-Length: 615\r\nLast-Modified: Wed, 16 Apr 2025 12:01:11 GMT\r\nConnection: keep-alive\r\nETag: "67ff9c07-267"\r\nAccept-Ranges: bytes\r\n\r\n<!DOCTYPE html>/);
  const log = await lab.server.handle(lab.asAdmin({ method: 'GET', path: `${NS}/pods/web/log?tailLines=1` }));
  assert.match(log.body as string, /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.5\.0" "-"\n$/);
  const refused = await request(lab, 'web', 81, '');
  assert.match(refused ?? '', /^error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace "\/var\/run\/netns\/cni-[0-9a-f-]{36}": failed to connect to localhost:81 inside namespace "[0-9a-f]{64}", IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: connection refused $/);
  await clock.advance(0);
  lab.stop();
});

test('following a log gives what is there, then each new line, until the container stops', async () => {
  const { lab, clock } = await running([pod('web', { image: 'nginx:1.27' })]);
  const chunks: string[] = [];
  let ended = false;
  const followed = lab.kubelets[0].followContainerLogs('default', 'web', 'c', { previous: false, timestamps: false, tailLines: 1 }, { write: (c) => chunks.push(c), end: () => (ended = true) });
  assert.ok('cancel' in followed);
  assert.equal(chunks.length, 1);
  assert.match(chunks[0], /start worker process 32\n$/);
  await request(lab, 'web', 80, 'GET /missing HTTP/1.0\r\n\r\n');
  assert.equal(chunks.length, 3);
  assert.match(chunks[1], /\[error\] 29#29: \*1 open\(\) "\/usr\/share\/nginx\/html\/missing" failed \(2: No such file or directory\)/);
  assert.match(chunks[2], /"GET \/missing HTTP\/1\.0" 404 153 "-" "-" "-"\n$/);
  assert.equal(ended, false);
  await lab.server.handle(lab.asAdmin({ method: 'DELETE', path: `${NS}/pods/web` }));
  await clock.advance(5_000);
  assert.equal(ended, true);
  lab.stop();
});

test('limitBytes ends a followed log once reached', async () => {
  const { lab } = await running([pod('web', { image: 'nginx:1.27' })]);
  const chunks: string[] = [];
  let ended = false;
  lab.kubelets[0].followContainerLogs('default', 'web', 'c', { previous: false, timestamps: false, tailLines: 0, limitBytes: 20 }, { write: (c) => chunks.push(c), end: () => (ended = true) });
  await request(lab, 'web', 80, 'GET / HTTP/1.0\r\n\r\n');
  assert.deepEqual([chunks.join(''), ended], ['127.0.0.1 - - [01/Ja', true]);
  lab.stop();
});
