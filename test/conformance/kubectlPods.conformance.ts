// kubectl reaching into pods: logs (--tail, -c, -l, -p, -f, --timestamps), exec, attach,
// port-forward and top. The simulated nginx prints its real startup lines, so logs are
// checked line for line. One lab for the file, stopped with SIGTERM at the end.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { KubelabProcess, eventually, lines, parseTable } from './harness';

let lab: KubelabProcess;
before(async () => {
  lab = await KubelabProcess.up({ nodes: 3 });
  await lab.ok(['apply', '--validate=false', '-f', '-'], {
    input: `apiVersion: v1
kind: Pod
metadata:
  name: logs-demo
  labels: {app: logs-demo}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80}]
  - name: sidecar
    image: nginx:1.26
`,
  });
  await lab.ok(['wait', '--for=condition=Ready', 'pod/logs-demo', '--timeout=60s'], { timeoutMs: 70_000 });
});
after(async () => {
  await lab?.cleanup();
});

/** NGINX_START are the lines nginx's image prints as it starts, up to its version line. */
const NGINX_START = [
  '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
  '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
  '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
  '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
  '/docker-entrypoint.sh: Configuration complete; ready for start up',
];
const NOTICE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: /;

void test('logs prints the default container\'s output and says which container it chose', async () => {
  const e = await lab.kubectl(['logs', 'logs-demo']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.stderr, 'Defaulted container "web" out of: web, sidecar\n');
  const out = lines(e.stdout);
  assert.deepEqual(out.slice(0, NGINX_START.length), NGINX_START);
  const notices = out.slice(NGINX_START.length);
  assert.ok(notices.every((l) => NOTICE.test(l)), notices.join('\n'));
  assert.ok(notices.some((l) => l.endsWith('nginx/1.27.5')));
  assert.match(notices.at(-1) ?? '', /start worker process \d+$/);
});

void test('logs -c picks the container, --tail the last lines, --timestamps prefixes RFC 3339 times', async () => {
  const sidecar = lines(await lab.ok(['logs', 'logs-demo', '-c', 'sidecar']));
  assert.ok(sidecar.some((l) => l.endsWith('nginx/1.26.3')), sidecar.join('\n'));
  const tail = lines(await lab.ok(['logs', 'logs-demo', '-c', 'sidecar', '--tail=2']));
  assert.deepEqual(tail, sidecar.slice(-2));
  const stamped = lines(await lab.ok(['logs', 'logs-demo', '-c', 'web', '--tail=1', '--timestamps']));
  assert.equal(stamped.length, 1);
  assert.match(stamped[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \d{4}\/\d\d\/\d\d .+ start worker process \d+$/);
  assert.equal(await lab.ok(['logs', 'logs-demo', '-c', 'web', '--since=1h', '--tail=1']), `${lines(await lab.ok(['logs', 'logs-demo', '-c', 'web']))?.at(-1)}\n`);
  const missing = await lab.kubectl(['logs', 'logs-demo', '-c', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: container nope is not valid for pod logs-demo\n');
});

void test('logs -l reads every matching pod, with --prefix naming each line\'s source', async () => {
  const out = lines(await lab.ok(['logs', '-l', 'app=logs-demo', '--all-containers', '--prefix', '--tail=1']));
  assert.deepEqual(out.map((l) => l.split(' ')[0]).sort(), ['[pod/logs-demo/sidecar]', '[pod/logs-demo/web]']);
  for (const l of out) assert.match(l, /^\[pod\/logs-demo\/\w+\] \d{4}\/\d\d\/\d\d .+ start worker process \d+$/);
  const none = await lab.kubectl(['logs', '-l', 'app=nothing']);
  assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', 'No resources found in default namespace.\n']);
});

void test('logs -p of a container that never restarted is upstream\'s BadRequest', async () => {
  const e = await lab.kubectl(['logs', 'logs-demo', '-c', 'web', '-p']);
  assert.equal(e.code, 1);
  assert.equal(e.stderr, 'Error from server (BadRequest): previous terminated container "web" in pod "logs-demo" not found\n');
});

void test('logs -p prints the output of the container\'s previous instance', { timeout: 60_000 }, async () => {
  await lab.ok(['run', 'crasher', '--image=busybox:1.36', '--', 'sh', '-c', 'echo attempt; exit 1']);
  await lab.ok(['wait', '--for=jsonpath={.status.containerStatuses[0].restartCount}=1', 'pod/crasher', '--timeout=20s'], { timeoutMs: 30_000 });
  assert.equal(await lab.ok(['logs', 'crasher', '-p']), 'attempt\n');
});

void test('logs -f prints the log so far and keeps the stream open', { timeout: 60_000 }, async () => {
  const follow = lab.spawnKubectl(['logs', '-f', 'logs-demo', '-c', 'web']);
  try {
    await follow.until((out) => /start worker process \d+\n$/.test(out) && out.startsWith(NGINX_START[0]), 'the log so far', 10_000);
    const stillOpen = await Promise.race([follow.exit().then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 1_500))]);
    assert.ok(stillOpen, `logs -f ended on its own:\n${follow.stderr}`);
  } finally {
    await follow.stop();
  }
});

void test('logs -f streams new lines as the container writes them', { timeout: 60_000 }, async () => {
  await lab.ok(['run', 'ticker', '--image=busybox:1.36', '--', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done']);
  await lab.ok(['wait', '--for=condition=Ready', 'pod/ticker', '--timeout=30s']);
  const follow = lab.spawnKubectl(['logs', '-f', 'ticker']);
  try {
    await follow.until((out) => /^tick 3$/m.test(out), 'four ticks', 10_000);
    assert.deepEqual(lines(follow.stdout).slice(0, 4), ['tick 0', 'tick 1', 'tick 2', 'tick 3']);
  } finally {
    await follow.stop();
  }
});

void test('exec runs a command in the container and passes its exit code through', { timeout: 60_000 }, async () => {
  assert.equal(await lab.ok(['exec', 'logs-demo', '-c', 'web', '--', 'echo', 'hello from web']), 'hello from web\n');
  const failed = await lab.kubectl(['exec', 'logs-demo', '-c', 'web', '--', 'sh', '-c', 'exit 3']);
  assert.equal(failed.code, 3, failed.stderr);
  assert.equal(failed.stderr, 'command terminated with exit code 3\n');
  assert.equal(await lab.ok(['exec', '-i', 'logs-demo', '-c', 'web', '--', 'cat'], { input: 'piped\n' }), 'piped\n');
  const defaulted = await lab.kubectl(['exec', 'logs-demo', '--', 'printenv', 'HOSTNAME']);
  assert.equal(defaulted.stdout, 'logs-demo\n');
  assert.equal(defaulted.stderr, 'Defaulted container "web" out of: web, sidecar\n');
});

void test('attach connects to a running container\'s output', { timeout: 60_000 }, async () => {
  await lab.ok(['run', 'attached', '--image=busybox:1.36', '--', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done']);
  await lab.ok(['wait', '--for=condition=Ready', 'pod/attached', '--timeout=30s']);
  const attach = lab.spawnKubectl(['attach', 'attached']);
  try {
    await attach.until((out) => /^tick \d+$/m.test(out), 'a tick', 10_000);
    assert.match(attach.stderr, /^If you don't see a command prompt, try pressing enter\.$/m);
  } finally {
    await attach.stop();
  }
});

/** get fetches http://127.0.0.1:port/ and resolves with the status and body. */
function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

void test('port-forward reaches the pod\'s listener from a local port', { timeout: 60_000 }, async () => {
  const forward = lab.spawnKubectl(['port-forward', 'pod/logs-demo', ':80']);
  try {
    await forward.until((out) => /^Forwarding from 127\.0\.0\.1:\d+ -> 80$/m.test(out), 'the forwarding line', 10_000);
    const port = Number(/^Forwarding from 127\.0\.0\.1:(\d+) -> 80$/m.exec(forward.stdout)?.[1]);
    const answer = await get(port);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<title>Welcome to nginx!<\/title>/);
    await forward.until((out) => /^Handling connection for \d+$/m.test(out), 'the connection line');
  } finally {
    await forward.stop();
  }
});

void test('top nodes and top pods print usage from metrics.k8s.io', { timeout: 150_000 }, async () => {
  // A node's usage needs two of its 15 s scrape windows since it started: until then kubectl says "metrics not available yet".
  const nodes = parseTable(await eventually(async () => {
    const top = await lab.kubectl(['top', 'nodes']);
    return top.code === 0 ? top.stdout : undefined;
  }, 'kubectl top nodes to find node metrics', 60_000));
  assert.deepEqual(nodes.headers, ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
  assert.deepEqual(nodes.rows.map((r) => r.NAME), ['node-1', 'node-2', 'node-3']);
  for (const r of nodes.rows) {
    assert.match(r['CPU(cores)'], /^\d+m$/);
    assert.match(r['CPU(%)'], /^\d+%$/);
    assert.match(r['MEMORY(bytes)'], /^\d+Mi$/);
  }
  // A pod's usage is reported once its containers have run a whole window too.
  const pods = parseTable(await eventually(async () => {
    const top = await lab.kubectl(['top', 'pods']);
    return top.code === 0 && /^logs-demo\s/m.test(top.stdout) ? top.stdout : undefined;
  }, 'kubectl top pods to list logs-demo', 60_000));
  assert.deepEqual(pods.headers, ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  assert.ok(pods.rows.some((r) => r.NAME === 'logs-demo'));
  const containers = parseTable(await lab.ok(['top', 'pod', 'logs-demo', '--containers']));
  assert.deepEqual(containers.headers, ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  assert.deepEqual(containers.rows.map((r) => r.NAME).sort(), ['sidecar', 'web']);
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
