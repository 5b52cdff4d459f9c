import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Pod, type ReplicaSet } from './api/types';
import { DEPLOYMENTS, PODS, REPLICASETS } from './client/resources';
import type { ManualClock } from './clock';
import { KUBE_CONTROLLER_MANAGER_LEASE, KUBE_SCHEDULER_LEASE, type Lab } from './lab';
import { runControl } from './labControl';
import { startTestLab, webDeployment } from './testLab';

async function step(clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) await clock.advance(1_000);
}

async function get(lab: Lab, name: string): Promise<Pod> {
  const pod = await lab.client().get<Pod>(PODS, 'default', name);
  assert.ok(!isStatus(pod), JSON.stringify(pod));
  return pod;
}

function nginx(name: string, command?: string[]): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'web', image: command ? 'busybox:1.37' : 'nginx:1.27', ...(command ? { command } : {}) }] } };
}

test('crashContainer kills the main process: the kubelet restarts it, with the exit code as its last state, then backs off', async () => {
  const { lab, clock } = await startTestLab(1);
  assert.ok(!isStatus(await lab.client().create(PODS, nginx('web'))));
  assert.ok(!isStatus(await lab.client().create(PODS, nginx('sleeper', ['sleep', '3600']))));
  await step(clock, 15);
  const before = (await get(lab, 'web')).status?.containerStatuses?.[0];
  assert.ok(before?.state.running);

  const crashed = await runControl(lab, { op: 'crashContainer', namespace: 'default', pod: 'web' });
  assert.ok(!('error' in crashed), JSON.stringify(crashed));
  assert.deepEqual([crashed.pod, crashed.container, crashed.exitCode, crashed.containerID], ['default/web', 'web', 137, before.containerID]);
  await step(clock, 3);
  const after = (await get(lab, 'web')).status?.containerStatuses?.[0];
  assert.equal(after?.restartCount, 1);
  assert.ok(after?.state.running, JSON.stringify(after));
  assert.deepEqual([after?.lastState.terminated?.exitCode, after?.lastState.terminated?.reason, after?.lastState.terminated?.containerID], [137, 'Error', before.containerID]);

  // A given code, twice in a row: the second restart waits out the back-off.
  assert.deepEqual(await runControl(lab, { op: 'crashContainer', namespace: 'default', pod: 'sleeper', container: 'web', exitCode: 3 }).then((r) => 'error' in r ? r : r.exitCode), 3);
  await step(clock, 2);
  const once = (await get(lab, 'sleeper')).status?.containerStatuses?.[0];
  assert.deepEqual([once?.restartCount, once?.lastState.terminated?.exitCode], [1, 3]);
  const again = await runControl(lab, { op: 'crashContainer', namespace: 'default', pod: 'sleeper', exitCode: 3 });
  assert.ok(!('error' in again), JSON.stringify(again));
  await step(clock, 2);
  const backingOff = (await get(lab, 'sleeper')).status?.containerStatuses?.[0];
  assert.equal(backingOff?.state.waiting?.reason, 'CrashLoopBackOff', JSON.stringify(backingOff));
  await step(clock, 12);
  assert.equal((await get(lab, 'sleeper')).status?.containerStatuses?.[0]?.restartCount, 2);
  lab.stop();
});

test('fault injection refuses what it cannot do, and changes nothing', async () => {
  const { lab, clock } = await startTestLab(1);
  assert.ok(!isStatus(await lab.client().create(PODS, nginx('web'))));
  await step(clock, 10);
  const cases: [Parameters<typeof runControl>[1], string][] = [
    [{ op: 'crashContainer', namespace: 'default', pod: 'nope' }, 'pods "nope" not found'],
    [{ op: 'crashContainer', namespace: 'default', pod: 'web', container: 'db' }, 'container db is not valid for pod web'],
    [{ op: 'crashContainer', namespace: 'default', pod: 'web', exitCode: 0 }, 'invalid exit code 0: a crash exits with 1 to 255'],
    [{ op: 'crashContainer', namespace: 'default', pod: 'web', exitCode: 256 }, 'invalid exit code 256: a crash exits with 1 to 255'],
    [{ op: 'fillNodeMemory', name: 'node-9' }, 'nodes "node-9" not found'],
    [{ op: 'fillNodeMemory', name: 'node-1', amount: 'lots' }, `invalid amount "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`],
    [{ op: 'fillNodeMemory', name: 'node-1', amount: '-1Gi' }, 'invalid amount "-1Gi": must be positive'],
    [{ op: 'fillNodeMemory', name: 'node-1', amount: '9Gi' }, 'invalid amount "9Gi": more than the node\'s memory capacity 8Gi'],
    [{ op: 'releaseNodeMemory', name: 'node-1' }, 'node "node-1" has no memory filled'],
    [{ op: 'killControlPlaneReplica', component: 'etcd' }, 'unknown control-plane component "etcd": one of kube-scheduler, kube-controller-manager'],
  ];
  for (const [op, error] of cases) assert.deepEqual(await runControl(lab, op), { error }, JSON.stringify(op));
  assert.equal(lab.kubelets[0].hostMemoryBytes, 0);
  assert.equal((await get(lab, 'web')).status?.containerStatuses?.[0]?.restartCount, 0);

  const workingSet = (): number => lab.kubelets[0].resourceUsage(clock.now(), clock.now())?.node.memoryWorkingSetBytes ?? 0;
  const before = workingSet();
  const filled = await runControl(lab, { op: 'fillNodeMemory', name: 'node-1', amount: '1Gi' });
  assert.ok(!('error' in filled));
  assert.equal(filled.filled, '1Gi');
  assert.equal(workingSet() - before, 1024 ** 3, 'the node\'s stats count the fill');
  assert.deepEqual(await runControl(lab, { op: 'releaseNodeMemory', name: 'node-1' }), { node: 'node-1', released: '1Gi' });
  await runControl(lab, { op: 'stopNode', name: 'node-1' });
  assert.deepEqual(await runControl(lab, { op: 'fillNodeMemory', name: 'node-1' }), { error: 'the kubelet of node "node-1" is stopped' });
  lab.stop();
});

test('killing the leading scheduler hands the lease to the standby, and the killed replica comes back as a candidate', async () => {
  const { lab, clock } = await startTestLab(2, 7, { schedulerReplicas: 2 });
  await step(clock, 3);
  const [first] = lab.leaders().filter((l) => l.lease === KUBE_SCHEDULER_LEASE);
  assert.ok(first);
  const killed = await runControl(lab, { op: 'killControlPlaneReplica', component: 'kube-scheduler' });
  assert.deepEqual(killed, { component: 'kube-scheduler', killed: first.identity, candidates: 2 });
  assert.deepEqual(lab.leaders().filter((l) => l.lease === KUBE_SCHEDULER_LEASE), [], 'nobody leads until the lease expires');
  assert.ok(!isStatus(await lab.client().create(PODS, nginx('after'))));
  // The killed leader released nothing: its lease runs out (15 s) before another takes it.
  await step(clock, 20);
  const [next] = lab.leaders().filter((l) => l.lease === KUBE_SCHEDULER_LEASE);
  assert.ok(next, 'a replica leads again');
  assert.notEqual(next.identity, first.identity);
  assert.ok((await get(lab, 'after')).spec.nodeName, 'the new leader scheduled the pod');
  lab.stop();
});

test('killing the only controller manager: it comes back as a new candidate and takes the lease once it expires', async () => {
  const { lab, clock } = await startTestLab(1);
  await step(clock, 3);
  const [first] = lab.leaders().filter((l) => l.lease === KUBE_CONTROLLER_MANAGER_LEASE);
  assert.ok(first);
  const killed = await runControl(lab, { op: 'killControlPlaneReplica', component: 'kube-controller-manager' });
  assert.deepEqual(killed, { component: 'kube-controller-manager', killed: first.identity, candidates: 1 });
  assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, webDeployment())));
  await step(clock, 5);
  const none = await lab.client().list<ReplicaSet>(REPLICASETS, 'default');
  assert.ok(!isStatus(none));
  assert.equal(none.items.length, 0, 'no controller manager acts while the lease is held by the dead one');
  await step(clock, 20);
  const [next] = lab.leaders().filter((l) => l.lease === KUBE_CONTROLLER_MANAGER_LEASE);
  assert.ok(next && next.identity !== first.identity);
  const sets = await lab.client().list<ReplicaSet>(REPLICASETS, 'default');
  assert.ok(!isStatus(sets));
  assert.equal(sets.items.length, 1, 'the new leader made the ReplicaSet');
  assert.deepEqual(await runControl(lab, { op: 'killControlPlaneReplica', component: 'kube-scheduler' }).then((r) => 'error' in r), false);
  lab.stop();
});

test('crashContainer crashes a static pod\'s container through its mirror pod', async () => {
  const { lab, clock } = await startTestLab(0, 7, { controlPlaneNode: true });
  await step(clock, 20);
  const name = 'kube-scheduler-control-plane';
  const mirror = await lab.client().get<Pod>(PODS, 'kube-system', name);
  assert.ok(!isStatus(mirror));
  const crashed = await runControl(lab, { op: 'crashContainer', namespace: 'kube-system', pod: name, exitCode: 1 });
  assert.ok(!('error' in crashed), JSON.stringify(crashed));
  await step(clock, 12);
  const after = await lab.client().get<Pod>(PODS, 'kube-system', name);
  assert.ok(!isStatus(after));
  const status = after.status?.containerStatuses?.[0];
  assert.deepEqual([status?.restartCount, status?.lastState.terminated?.exitCode], [1, 1], JSON.stringify(status));
  lab.stop();
});
