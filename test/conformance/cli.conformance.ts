// The `kubelab` command itself: flags, `npx kubelab` from the project root, signals and
// restarts over the same data folder. Labs here run one after another, never together.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  { args: ['snapshot'], error: 'snapshot needs a command: save, status or restore' },
  { args: ['snapshot', 'copy', 'a.snapshot'], error: 'unknown command "copy" for "kubelab snapshot"' },
  { args: ['snapshot', 'status'], error: 'snapshot status expects one argument' },
  { args: ['snapshot', 'save', 'a.snapshot', 'b.snapshot'], error: 'snapshot save expects one argument' },
  { args: ['snapshot', 'status', 'a.snapshot', '-w', 'yaml'], error: 'invalid argument "yaml" for "-w, --write-out" flag: must be one of simple, table, json' },
  { args: ['snapshot', 'restore', 'a.snapshot'], error: 'required flag(s) "data-dir" not set' },
  // Each subcommand takes only its own flags.
  { args: ['snapshot', 'save', 'a.snapshot', '--data-dir', 'x'], error: 'unknown flag: --data-dir' },
  { args: ['snapshot', 'restore', 'a.snapshot', '--data', 'x'], error: 'unknown flag: --data' },
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

/** kept reads what a restart must keep of an object: its uid, resourceVersion and data. */
async function kept(lab: KubelabProcess, ...object: string[]): Promise<string> {
  return lab.ok(['get', ...object, '-o', 'jsonpath={.metadata.uid} {.metadata.resourceVersion} {.data}']);
}

void test('objects survive a restart with the same --data: the same uids and resourceVersions, and the revision carries on', { timeout: 180_000 }, async () => {
  const first = await KubelabProcess.up({ nodes: 1 });
  let second: KubelabProcess | undefined;
  try {
    assert.equal(await first.ok(['create', 'namespace', 'team']), 'namespace/team created\n');
    assert.equal(await first.ok(['create', 'configmap', 'kept', '--from-literal=a=1']), 'configmap/kept created\n');
    assert.equal(await first.ok(['create', 'secret', 'generic', 'creds', '-n', 'team', '--from-literal=password=s3cret']), 'secret/creds created\n');
    assert.equal(await first.ok(['label', 'configmap', 'kept', 'tier=web']), 'configmap/kept labeled\n');
    const configMap = await kept(first, 'configmap', 'kept');
    const secret = await kept(first, 'secret', 'creds', '-n', 'team');
    const namespaceUid = await first.ok(['get', 'namespace', 'team', '-o', 'jsonpath={.metadata.uid}']);
    const stopped = await first.stop('SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /^kubelab: SIGTERM: shutting down$/m);
    // The cluster holds Secrets: its file is the user's alone.
    assert.equal(statSync(join(first.data, 'store', 'checkpoint.json')).mode & 0o777, 0o600);
    assert.equal(existsSync(join(first.data, 'kubelab.pid')), false, 'the lab left its pid file behind');

    second = await KubelabProcess.up({ nodes: 1, data: first.data });
    assert.match(second.output.stderr, /^kubelab: restored the cluster at revision \d+ \(\d+ keys\) from .+\/store$/m);
    assert.equal(await kept(second, 'configmap', 'kept'), configMap);
    assert.equal(await second.ok(['get', 'configmap', 'kept', '-o', 'jsonpath={.metadata.labels.tier}']), 'web');
    assert.equal(await kept(second, 'secret', 'creds', '-n', 'team'), secret);
    assert.equal(await second.ok(['get', 'namespace', 'team', '-o', 'jsonpath={.metadata.uid}']), namespaceUid);
    // Writes after the restart come after every revision before it.
    assert.equal(await second.ok(['create', 'configmap', 'later']), 'configmap/later created\n');
    const later = Number(await second.ok(['get', 'configmap', 'later', '-o', 'jsonpath={.metadata.resourceVersion}']));
    assert.ok(later > Number(configMap.split(' ')[1]), `resourceVersion ${later} after the restart is not past ${configMap}`);
    const exit = await second.stop('SIGTERM');
    assert.equal(exit.code, 0, exit.stderr);
  } finally {
    await first.cleanup();
    await second?.cleanup();
  }
});

void test('kubelab snapshot save, status and restore round-trip a cluster as etcdctl snapshot does; a corrupt or truncated snapshot is refused and changes nothing', { timeout: 180_000 }, async () => {
  const first = await KubelabProcess.up({ nodes: 1 });
  let restoredLab: KubelabProcess | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'kubelab-snapshot-'));
  const kubelab = (args: string[]) => run(process.execPath, [cli(), ...args], { timeoutMs: 30_000 });
  try {
    assert.equal(await first.ok(['create', 'configmap', 'saved', '--from-literal=a=1']), 'configmap/saved created\n');
    const configMap = await kept(first, 'configmap', 'saved');
    const file = join(scratch, 'backup.snapshot');
    // The running lab appends to its store's log: saving from its folder is refused.
    const busy = await kubelab(['snapshot', 'save', file, '--data', first.data]);
    assert.equal(busy.code, 1, busy.stderr);
    assert.match(busy.stderr, /^kubelab: a lab is running on .+ \(pid \d+\): stop it first, then save\n$/);
    assert.equal(existsSync(file), false);
    assert.equal((await first.stop()).code, 0);

    const saved = await kubelab(['snapshot', 'save', file, '--data', first.data]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(saved.stdout, `Snapshot saved at ${file}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const json = await kubelab(['snapshot', 'status', file, '-w', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };
    assert.deepEqual(Object.keys(status), ['hash', 'revision', 'totalKey', 'totalSize']);
    assert.equal(status.totalSize, statSync(file).size);
    assert.ok(status.revision >= Number(configMap.split(' ')[1]), `revision ${status.revision}`);
    assert.ok(status.totalKey > 10, `totalKey ${status.totalKey}`);
    const simple = await kubelab(['snapshot', 'status', file]);
    const [hash, revision, totalKey, size] = simple.stdout.replace(/\n$/, '').split(', ');
    assert.deepEqual([hash, revision, totalKey], [status.hash.toString(16), String(status.revision), String(status.totalKey)]);
    // go-humanize's SI words: a lab of one node is some hundreds of kB. It rounds to a tenth, then prints
    // with %.0f (half to even: 244.548 → 244.5 → "244"), so the words may be up to 0.55 kB off.
    const kB = /^(\d+(?:\.\d)?) kB$/.exec(size)?.[1];
    assert.ok(kB !== undefined && Math.abs(Number(kB) - status.totalSize / 1000) <= 0.55, `size ${size} for ${status.totalSize} bytes`);
    const table = await kubelab(['snapshot', 'status', file, '--write-out=table']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^\+-+\+-+\+-+\+-+\+\n\| +HASH +\| REVISION \| TOTAL KEYS \| TOTAL SIZE \|\n\+-+\+-+\+-+\+-+\+\n/);
    assert.deepEqual(table.stdout.split('\n')[3].split('|').slice(1, -1).map((c) => c.trim()), [status.hash.toString(16), String(status.revision), String(status.totalKey), size]);

    // Like etcdutl, restore makes a new data folder and refuses one in use.
    const taken = await kubelab(['snapshot', 'restore', file, '--data-dir', first.data]);
    assert.equal(taken.code, 1);
    assert.equal(taken.stderr, `kubelab: data-dir "${first.data}" not empty or could not be read\n`);

    const bytes = readFileSync(file);
    const damaged = Buffer.from(bytes);
    damaged[bytes.indexOf('saved')] ^= 0x01;
    const bad: [string, Buffer, RegExp][] = [
      ['damaged', damaged, /^kubelab: snapshot file integrity check failed: the content's crc32c is [0-9a-f]+, the trailer says [0-9a-f]+\n$/],
      ['truncated', bytes.subarray(0, Math.floor(bytes.length / 2)), /^kubelab: snapshot file integrity check failed: the file has no trailer: it is truncated or was not written whole\n$/],
    ];
    for (const [name, content, error] of bad) {
      const path = join(scratch, `${name}.snapshot`);
      writeFileSync(path, content);
      const e = await kubelab(['snapshot', 'status', path]);
      assert.equal(e.code, 1, `${name}: ${e.stdout}`);
      assert.match(e.stderr, error, name);
      const target = join(scratch, `from-${name}`);
      const r = await kubelab(['snapshot', 'restore', path, '--data-dir', target]);
      assert.equal(r.code, 1, `${name}: ${r.stdout}`);
      assert.match(r.stderr, error, name);
      assert.equal(existsSync(target), false, `${name}: restore left ${target} behind`);
    }

    const restored = join(scratch, 'restored');
    const r = await kubelab(['snapshot', 'restore', file, '--data-dir', restored]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Restored the snapshot at revision ${status.revision} (${status.totalKey} keys) into ${restored}; start it with: kubelab up --data ${restored}\n`);
    restoredLab = await KubelabProcess.up({ nodes: 1, data: restored });
    assert.equal(await kept(restoredLab, 'configmap', 'saved'), configMap);
    assert.equal(await restoredLab.ok(['get', 'nodes', '-o', 'name']), 'node/node-1\n');
    assert.equal((await restoredLab.stop()).code, 0);
  } finally {
    await first.cleanup();
    await restoredLab?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
});
