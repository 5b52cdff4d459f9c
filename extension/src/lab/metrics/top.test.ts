/**
 * kubectl top and kubectl get --raw /metrics against a lab served over HTTPS,
 * as server.test.ts serves one. The lab runs ten times faster than the wall
 * clock so metrics-server's first two scrapes come within seconds.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ScaledClock } from '../clock';
import { type ServedTestLab, kubectlMissing, serveTestLab } from '../apiserver/http/testing';

const run = promisify(execFile);
const skip = kubectlMissing;
const SPEED = 10;

let dir: string;
let config: string;
let served: ServedTestLab;

before(async () => {
  if (skip) return;
  const clock = new ScaledClock(SPEED);
  // Without the DNS add-on, the pods are the two this file makes: the counts below are theirs alone.
  served = await serveTestLab({ nodes: 2, clock, dns: false });
  ({ dir, kubeconfig: config } = served);
  const manifest = join(dir, 'pods.json');
  const pod = (name: string, containers: object[]): object => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { containers } });
  await writeFile(manifest, JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      pod('web', [{ name: 'nginx', image: 'nginx:1.27' }]),
      pod('spin', [
        { name: 'loop', image: 'busybox', command: ['sh', '-c', 'while true; do :; done'], resources: { requests: { cpu: '250m' }, limits: { cpu: '250m', memory: '32Mi' } } },
        { name: 'idle', image: 'busybox', args: ['sleep', '3600'] },
      ]),
    ],
  }));
  await kubectl('create', '-f', manifest, '--validate=false');
  // Pulls, starts, then two scrapes and the fresh-container wait: under a minute of lab time.
  await waitFor(async () => (await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).stdout.split('"PodMetrics"').length === 3, 60_000 / SPEED * 3);
  // Then until the nodes' windows (20 s at most) lie wholly after the containers started.
  await new Promise((resolve) => setTimeout(resolve, 25_000 / SPEED));
});

after(async () => {
  if (skip) return;
  await served.stop();
});

async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('kubectl', ['--kubeconfig', config, ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 });
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for pod metrics');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** rows splits kubectl's table into header and cells. */
function rows(stdout: string): { header: string; cells: string[][] } {
  const [header, ...lines] = stdout.trimEnd().split('\n');
  return { header, cells: lines.map((l) => l.trim().split(/\s+/)) };
}

test('kubectl top nodes prints each node\'s usage and its share of allocatable', { skip }, async () => {
  const { header, cells } = rows((await kubectl('top', 'nodes')).stdout);
  assert.match(header, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/);
  assert.deepEqual(cells.map((c) => c[0]), ['node-1', 'node-2']);
  for (const [, cpu, cpuPct, memory, memoryPct] of cells) {
    assert.match(cpu, /^\d+m$/);
    assert.match(cpuPct, /^\d+%$/);
    assert.match(memory, /^\d+Mi$/);
    assert.match(memoryPct, /^\d+%$/);
    // A node's system overhead alone: tens of millicores and a few hundred MiB of its 8Gi.
    assert.ok(parseInt(cpu, 10) >= 25, cpu);
    assert.ok(parseInt(memory, 10) >= 350 && parseInt(memory, 10) < 1024, memory);
  }
  const total = cells.reduce((sum, c) => sum + parseInt(c[1], 10), 0);
  assert.ok(total >= 250 + 50, `the busy loop's 250m shows in its node: ${total}m`);
});

test('kubectl top pods -A lists the running pods; the busy loop sits at its CPU limit', { skip }, async () => {
  const { header, cells } = rows((await kubectl('top', 'pods', '-A')).stdout);
  assert.match(header, /^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
  const byName = new Map(cells.map((c) => [c[1], c]));
  assert.deepEqual([...byName.keys()].sort(), ['spin', 'web']);
  const [, , spinCpu] = byName.get('spin') as string[];
  assert.equal(spinCpu, '250m');
  const [, , webCpu, webMemory] = byName.get('web') as string[];
  assert.equal(webCpu, '1m', 'an idle nginx uses a fraction of a millicore, which kubectl rounds up');
  assert.ok(parseInt(webMemory, 10) >= 2 && parseInt(webMemory, 10) <= 10, `and a few MiB: ${webMemory}`);
});

test('kubectl top pod --containers splits the pod by container, sorted by name', { skip }, async () => {
  const { header, cells } = rows((await kubectl('top', 'pod', 'spin', '--containers')).stdout);
  assert.match(header, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
  assert.deepEqual(cells.map((c) => c.slice(0, 2)), [['spin', 'idle'], ['spin', 'loop']]);
  // A sleeping shell: no CPU and a few hundred KiB.
  assert.deepEqual(cells[0].slice(2), ['0m', '0Mi']);
  assert.equal(cells[1][2], '250m');
});

test('kubectl top pod of a pod that does not exist is the pods lister\'s NotFound', { skip }, async () => {
  await assert.rejects(kubectl('top', 'pod', 'nope'), (err: { stderr: string }) => {
    assert.equal(err.stderr, 'Error from server (NotFound): pods "nope" not found\n');
    return true;
  });
});

test('kubectl get --raw /metrics is kube-apiserver\'s Prometheus text', { skip }, async () => {
  const { stdout } = await kubectl('get', '--raw', '/metrics');
  assert.ok(stdout.includes('# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.\n# TYPE apiserver_request_total counter\n'));
  assert.match(stdout, /\napiserver_request_total\{code="200",component="apiserver",dry_run="",group="metrics.k8s.io",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1beta1"\} \d+\n/);
  assert.match(stdout, /\napiserver_request_duration_seconds_bucket\{component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="",verb="POST",version="v1",le="0.005"\} \d+\n/);
  assert.match(stdout, /\napiserver_longrunning_requests\{component="apiserver",group="",resource="pods",scope="cluster",subresource="",verb="WATCH",version="v1"\} \d+\n/);
  assert.match(stdout, /\napiserver_current_inflight_requests\{request_kind="readOnly"\} [1-9]\d*\n/);
  assert.match(stdout, /\napiserver_storage_objects\{resource="pods"\} 2\n/);
  assert.match(stdout, /\netcd_request_duration_seconds_count\{operation="create",type="pods"\} 2\n/);
  assert.match(stdout, /\napiserver_admission_controller_admission_duration_seconds_count\{name="NamespaceLifecycle",operation="CREATE",rejected="false",type="admit"\} \d+\n/);
  assert.match(stdout, /\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds \d\.\d+e\+09\n/);
});

test('/metrics is for system:monitoring: a user without it gets upstream\'s 403', { skip }, async () => {
  await assert.rejects(kubectl('get', '--raw', '/metrics', '--as', 'alice'), (err: { stderr: string }) => {
    assert.equal(err.stderr, 'Error from server (Forbidden): forbidden: User "alice" cannot get path "/metrics"\n');
    return true;
  });
  const { stdout } = await kubectl('get', '--raw', '/metrics', '--as', 'prometheus', '--as-group', 'system:monitoring');
  assert.ok(stdout.startsWith('# HELP '));
});
