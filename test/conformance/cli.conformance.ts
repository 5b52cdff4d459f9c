// The `kubelab` command itself: flags, `npx kubelab` from the project root, signals and
// restarts over the same data folder. Labs here run one after another, never together.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { KubelabProcess, eventually, repoRoot, run } from './harness';

const cli = (): string => join(repoRoot(), 'dist', 'cli.js');

const BAD_COMMAND_LINES: { args: string[]; error: string }[] = [
  { args: ['up', '--nodes', 'x'], error: 'invalid argument "x" for "--nodes" flag: must be an integer from 1 to 5000' },
  { args: ['up', '--nodes', '0'], error: 'invalid argument "0" for "--nodes" flag: must be an integer from 1 to 5000' },
  { args: ['up', '--port', '70000'], error: 'invalid argument "70000" for "--port" flag: must be an integer from 0 to 65535' },
  { args: ['up', '--bogus'], error: 'unknown flag: --bogus' },
  { args: ['up', '-x'], error: 'unknown shorthand flag: \'x\' in -x' },
  { args: ['up', '--nodes'], error: 'flag needs an argument: --nodes' },
  { args: ['up', '--speed=-1'], error: 'invalid argument "-1" for "--speed" flag: must be a positive number' },
  // There is no flag to listen anywhere but 127.0.0.1.
  { args: ['up', '--address', '0.0.0.0'], error: 'unknown flag: --address' },
  { args: ['up', 'now'], error: 'unexpected argument "now"' },
  { args: ['down'], error: 'unknown command "down"' },
  { args: [], error: 'a command is required' },
];

for (const { args, error } of BAD_COMMAND_LINES) {
  void test(`kubelab ${args.join(' ') || '(no command)'} exits 2 with "${error}" and the usage on stderr`, async () => {
    const e = await run(process.execPath, [cli(), ...args], { timeoutMs: 20_000 });
    assert.equal(e.code, 2, e.stderr);
    assert.equal(e.stdout, '');
    assert.ok(e.stderr.startsWith(`Error: ${error}\n\n`), e.stderr);
    assert.match(e.stderr, /^Usage:\n {2}kubelab up \[flags\] /m);
    assert.match(e.stderr, /^ {6}--nodes N {10}simulated worker nodes \(default 3\)$/m);
  });
}

void test('kubelab --help prints the usage on stdout and exits 0', async () => {
  const e = await run(process.execPath, [cli(), '--help'], { timeoutMs: 20_000 });
  assert.equal(e.code, 0);
  assert.equal(e.stderr, '');
  assert.match(e.stdout, /^kubelab runs a Kubernetes lab cluster and serves its API on 127\.0\.0\.1\.\n/);
});

void test('npx kubelab up runs the lab from the project root until interrupted', { timeout: 120_000 }, async () => {
  // npm exec starts `kubelab` in a shell of its own; Ctrl-C signals the whole foreground group, so the test does too.
  const lab = await KubelabProcess.up({ nodes: 1, command: ['npx', '--no', 'kubelab'], detached: true });
  try {
    assert.match(lab.readyLine, /ready/);
    assert.match(lab.output.stdout, /^export KUBECONFIG=.+\/kubeconfig$/m);
    const nodes = await lab.ok(['get', 'nodes', '-o', 'name']);
    assert.equal(nodes, 'node/node-1\n');
    const exit = await lab.stop('SIGINT');
    // npm re-raises the signal it got; the lab under it reports a clean shutdown.
    assert.ok(exit.code === 0 || exit.signal === 'SIGINT', `npx ended with ${exit.code ?? exit.signal}`);
    assert.match(exit.stderr, /^kubelab: SIGINT: shutting down$/m);
    const after = await lab.kubectl(['get', 'nodes', '--request-timeout=5s']);
    assert.notEqual(after.code, 0, 'the API server still answers after the lab stopped');
  } finally {
    await lab.cleanup();
  }
});

void test('a restart with the same --data keeps the PKI, so the kubeconfig stays valid; SIGINT and SIGTERM both exit 0', { timeout: 120_000 }, async () => {
  const first = await KubelabProcess.up({ nodes: 1 });
  let second: KubelabProcess | undefined;
  try {
    const ca = readFileSync(join(first.data, 'pki', 'ca.crt'), 'utf8');
    const saKey = readFileSync(join(first.data, 'pki', 'sa.key'), 'utf8');
    const credentials = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => /^\s*(certificate-authority|client-certificate|client-key)-data:/.test(l));
    assert.equal((await first.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])), 'kubernetes-admin');
    const firstCredentials = credentials(first.kubeconfig);
    assert.equal(firstCredentials.length, 3);
    const stopped = await first.stop('SIGINT');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /^kubelab: SIGINT: shutting down$/m);

    second = await KubelabProcess.up({ nodes: 1, data: first.data });
    assert.equal(readFileSync(join(second.data, 'pki', 'ca.crt'), 'utf8'), ca);
    assert.equal(readFileSync(join(second.data, 'pki', 'sa.key'), 'utf8'), saKey);
    // The kubeconfig is rewritten with the new port; the CA and the admin's certificate in it are the ones kept.
    assert.equal(second.kubeconfig, first.kubeconfig);
    assert.deepEqual(credentials(second.kubeconfig), firstCredentials);
    const nodes = await eventually(async () => {
      const e = await second?.kubectl(['get', 'nodes', '-o', 'name']);
      return e?.code === 0 ? e.stdout : undefined;
    }, 'kubectl to reach the restarted lab');
    assert.equal(nodes, 'node/node-1\n');
    const exit = await second.stop('SIGTERM');
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stderr, /^kubelab: SIGTERM: shutting down$/m);
  } finally {
    await first.cleanup();
    await second?.cleanup();
  }
});

void test('objects survive a restart with the same --data', { todo: 'needs store persistence: kubelab up keeps no cluster state in --data yet', timeout: 120_000 }, async () => {
  const first = await KubelabProcess.up({ nodes: 1 });
  let second: KubelabProcess | undefined;
  try {
    assert.equal(await first.ok(['create', 'configmap', 'kept', '--from-literal=a=1']), 'configmap/kept created\n');
    assert.equal((await first.stop()).code, 0);
    second = await KubelabProcess.up({ nodes: 1, data: first.data });
    assert.equal(await second.ok(['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']), '1');
    assert.equal((await second.stop()).code, 0);
  } finally {
    await first.cleanup();
    await second?.cleanup();
  }
});
