// kubectl deleting what owns other objects: `delete --cascade=background|foreground|orphan`
// through the garbage collector, and `delete namespace` through Terminating, the
// NamespaceLifecycle refusal and the namespace controller. One lab for the file,
// stopped with SIGTERM at the end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubelabProcess } from './harness';

let lab: KubelabProcess;
before(async () => {
  lab = await KubelabProcess.up({ nodes: 2 });
});
after(async () => {
  await lab?.cleanup();
});

async function deployed(name: string, namespace = 'default'): Promise<void> {
  assert.equal(await lab.ok(['-n', namespace, 'create', 'deployment', name, '--image=nginx:1.27', '--replicas=2']), `deployment.apps/${name} created\n`);
  await lab.ok(['-n', namespace, 'rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
}

/** eventually runs check every 200 ms until it holds, failing after timeoutMs with what it last saw. */
async function eventually(check: () => Promise<string>, want: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await check();
    if (seen === want) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(seen, want);
}

const owned = (app: string) => async (): Promise<string> => (await lab.kubectl(['get', 'replicasets,pods', '-l', `app=${app}`, '-o', 'name'])).stdout;

void test('delete --cascade=foreground answers once the ReplicaSet and its pods are gone', { timeout: 120_000 }, async () => {
  await deployed('fg');
  assert.equal(await lab.ok(['delete', 'deployment', 'fg', '--cascade=foreground'], { timeoutMs: 60_000 }), 'deployment.apps "fg" deleted\n');
  assert.equal(await owned('fg')(), '');
});

void test('delete in the background (the default) leaves the garbage collector to remove the ReplicaSet and pods', { timeout: 120_000 }, async () => {
  await deployed('bg');
  assert.equal(await lab.ok(['delete', 'deployment', 'bg', '--wait=false']), 'deployment.apps "bg" deleted\n');
  await eventually(owned('bg'), '');
});

void test('delete --cascade=orphan leaves the ReplicaSet and its pods, owned by nobody', { timeout: 120_000 }, async () => {
  await deployed('orphan');
  assert.equal(await lab.ok(['delete', 'deployment', 'orphan', '--cascade=orphan'], { timeoutMs: 60_000 }), 'deployment.apps "orphan" deleted\n');
  const rs = await lab.json(['get', 'replicasets', '-l', 'app=orphan']);
  assert.equal(rs.items.length, 1);
  assert.deepEqual(rs.items[0].metadata.ownerReferences ?? [], []);
  const pods = await lab.json(['get', 'pods', '-l', 'app=orphan']);
  assert.equal(pods.items.length, 2);
  assert.ok(pods.items.every((p: { metadata: { ownerReferences?: { uid: string }[] } }) => p.metadata.ownerReferences?.[0]?.uid === rs.items[0].metadata.uid));
});

void test('delete namespace: Terminating, no new content, then gone with everything in it', { timeout: 150_000 }, async () => {
  assert.equal(await lab.ok(['create', 'namespace', 'team']), 'namespace/team created\n');
  await deployed('web', 'team');
  assert.equal(await lab.ok(['delete', 'namespace', 'team', '--wait=false']), 'namespace "team" deleted\n');
  assert.equal(await lab.ok(['get', 'namespace', 'team', '-o', 'jsonpath={.status.phase} {.spec.finalizers}']), 'Terminating ["kubernetes"]');
  const refused = await lab.kubectl(['-n', 'team', 'create', 'configmap', 'late']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated\n');
  assert.equal(await lab.ok(['delete', 'namespace', 'team', '--timeout=90s'], { timeoutMs: 100_000 }), 'namespace "team" deleted\n');
  const gone = await lab.kubectl(['get', 'namespace', 'team']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, 'Error from server (NotFound): namespaces "team" not found\n');
});

void test('the system namespaces may not be deleted', async () => {
  const refused = await lab.kubectl(['delete', 'namespace', 'default']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n');
});

void test('the lab stops cleanly on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
