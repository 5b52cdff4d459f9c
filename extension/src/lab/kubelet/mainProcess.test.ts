/**
 * Containers running their main process in a whole lab on a manual clock: a
 * shell loop's log grows as time passes, a crashing container restarts with
 * the kubelet's back-off and keeps its last instance's log for --previous,
 * restartPolicy decides the phase, init containers run in order, deletion
 * waits out the grace period for a process that ignores SIGTERM, and attach
 * joins the main process's streams.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus, Pod } from '../api/types';
import { ManualClock } from '../clock';
import type { Lab } from '../lab';
import { startTestLab } from '../testLab';
import { BackOff, goDuration } from './backOff';
import { Collector, Pipe } from './pipe';

const NS = '/api/v1/namespaces/default';

type FullStatus = NonNullable<Pod['status']> & { initContainerStatuses?: ContainerStatus[] };

/** withPod starts a one-node lab and creates a pod of the given spec in it. */
async function withPod(spec: object): Promise<{ lab: Lab; clock: ManualClock; get: () => Promise<Pod & { status: FullStatus }>; call: (path: string) => Promise<{ status: number; body: unknown }> }> {
  const { lab, clock } = await startTestLab(1);
  const call = async (path: string) => lab.server.handle(lab.asAdmin({ method: 'GET', path }));
  const created = await lab.server.handle(lab.asAdmin({ method: 'POST', path: `${NS}/pods`, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec } }));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const get = async () => (await call(`${NS}/pods/p`)).body as Pod & { status: FullStatus };
  return { lab, clock, get, call };
}

const busybox = (name: string, script: string, extra: object = {}): object => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script], ...extra });

test('a busybox shell loop writes a line a second to its log, stamped with the lab\'s clock', async () => {
  const { lab, clock, call } = await withPod({ containers: [busybox('c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done')] });
  await clock.advance(5_000);
  const first = (await call(`${NS}/pods/p/log`)).body as string;
  await clock.advance(3_000);
  const later = (await call(`${NS}/pods/p/log?timestamps=true`)).body as string;
  const lines = later.trimEnd().split('\n');
  assert.equal(lines.length, first.trimEnd().split('\n').length + 3);
  assert.deepEqual(lines.slice(0, 3).map((l) => l.split(' ').slice(1).join(' ')), ['tick 0', 'tick 1', 'tick 2']);
  const times = lines.map((l) => Date.parse(l.split(' ')[0]));
  assert.deepEqual(times.slice(1).map((t, i) => t - times[i]), times.slice(1).map(() => 1_000));
  lab.stop();
});

test('a container that keeps failing restarts after 10 s, 20 s, 40 s … in CrashLoopBackOff, its last instance\'s log kept for --previous', async () => {
  const { lab, clock, get, call } = await withPod({ containers: [busybox('c', 'echo attempt at $(date +%s); exit 1')] });
  await clock.advance(2_000);
  let pod = await get();
  const uid = pod.metadata.uid ?? '';
  const cs = (): ContainerStatus => (pod.status.containerStatuses ?? [])[0];
  // The first exit restarts at once; the second waits out 10 s.
  assert.equal(cs().restartCount, 1);
  assert.deepEqual(cs().state, { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=c pod=p_default(${uid})` } });
  assert.equal(cs().lastState.terminated?.exitCode, 1);
  assert.equal(cs().lastState.terminated?.reason, 'Error');
  assert.equal(pod.status.phase, 'Running');
  // Each instance ends at once; the next starts when the back-off since that end is over.
  const ended = new Map<string, { startedAt: number; finishedAt: number }>();
  for (let s = 0; s < 700; s++) {
    await clock.advance(1_000);
    pod = await get();
    const t = cs().lastState.terminated;
    if (t?.containerID) ended.set(t.containerID, { startedAt: Date.parse(t.startedAt ?? ''), finishedAt: Date.parse(t.finishedAt ?? '') });
  }
  const runs = [...ended.values()];
  // Status times are whole seconds, and a start takes a moment after its back-off: each wait is the back-off, or a second more.
  const waits = runs.slice(1).map((r, i) => (r.startedAt - runs[i].finishedAt) / 1000);
  const backOffs = [10, 20, 40, 80, 160, 300];
  assert.equal(waits.length, backOffs.length);
  waits.forEach((w, i) => assert.ok(w >= backOffs[i] && w <= backOffs[i] + 1, `wait ${i}: ${w} s, not ${backOffs[i]} s`));
  assert.equal(cs().restartCount, 7);
  assert.match(cs().state.waiting?.message ?? '', /^back-off 5m0s restarting failed container=c pod=p_default\(/);
  const previous = (await call(`${NS}/pods/p/log?previous=true`)).body as string;
  assert.match(previous, /^attempt at \d+\n$/);
  const events = (await call(`${NS}/events`)).body as { items: { reason: string; message: string; type: string }[] };
  const backOff = events.items.find((e) => e.reason === 'BackOff');
  assert.deepEqual([backOff?.type, backOff?.message], ['Warning', `Back-off restarting failed container c in pod p_default(${uid})`]);
  lab.stop();
});

const phases: [string, string, string, string, number][] = [
  ['Never and exit 0 is Succeeded', 'Never', 'echo done', 'Succeeded', 0],
  ['Never and exit 3 is Failed', 'Never', 'exit 3', 'Failed', 3],
  ['OnFailure and exit 0 is Succeeded', 'OnFailure', 'true', 'Succeeded', 0],
];

for (const [what, restartPolicy, script, phase, exitCode] of phases) {
  test(`restartPolicy ${what}`, async () => {
    const { lab, clock, get } = await withPod({ restartPolicy, containers: [busybox('c', script)] });
    await clock.advance(60_000);
    const pod = await get();
    assert.equal(pod.status.phase, phase);
    const cs = (pod.status.containerStatuses ?? [])[0];
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.state.terminated?.exitCode, exitCode);
    assert.equal(cs.state.terminated?.reason, exitCode === 0 ? 'Completed' : 'Error');
    const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason], ['False', phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed']);
    lab.stop();
  });
}

test('OnFailure restarts a failing container, which then completes', async () => {
  const { lab, clock, get } = await withPod({ restartPolicy: 'OnFailure', containers: [busybox('c', 'test -f /tmp/again && exit 0; exit 2')] });
  await clock.advance(60_000);
  const pod = await get();
  // Each instance has a fresh filesystem: the file test fails every time.
  assert.equal(pod.status.phase, 'Running');
  assert.ok((pod.status.containerStatuses ?? [])[0].restartCount >= 2);
  lab.stop();
});

test('init containers run one after the other before the containers, which wait in PodInitializing', async () => {
  const { lab, clock, get, call } = await withPod({
    initContainers: [busybox('first', 'echo first; sleep 5'), busybox('second', 'echo second; sleep 5')],
    containers: [busybox('main', 'echo main; sleep 3600')],
  });
  await clock.advance(2_000);
  let pod = await get();
  assert.equal(pod.status.phase, 'Pending');
  assert.deepEqual(pod.status.initContainerStatuses?.map((s) => Object.keys(s.state)[0]), ['running', 'waiting']);
  assert.deepEqual(pod.status.initContainerStatuses?.[1].state, { waiting: { reason: 'PodInitializing' } });
  assert.deepEqual(pod.status.containerStatuses?.[0].state, { waiting: { reason: 'PodInitializing' } });
  const initialized = pod.status.conditions?.find((c) => c.type === 'Initialized');
  assert.deepEqual([initialized?.status, initialized?.reason, initialized?.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [first second]']);
  await clock.advance(5_000);
  pod = await get();
  assert.deepEqual(pod.status.initContainerStatuses?.map((s) => Object.keys(s.state)[0]), ['terminated', 'running']);
  await clock.advance(10_000);
  pod = await get();
  assert.equal(pod.status.phase, 'Running');
  const [first, second] = pod.status.initContainerStatuses ?? [];
  const main = (pod.status.containerStatuses ?? [])[0];
  assert.ok(Date.parse(first.state.terminated?.finishedAt ?? '') <= Date.parse(second.state.terminated?.startedAt ?? ''));
  assert.ok(Date.parse(second.state.terminated?.finishedAt ?? '') <= Date.parse(main.state.running?.startedAt ?? ''));
  assert.deepEqual([first.ready, second.ready, main.ready], [true, true, true]);
  assert.equal((await call(`${NS}/pods/p/log?container=second`)).body, 'second\n');
  lab.stop();
});

test('a failed init container fails a Never pod, and its containers never start', async () => {
  const { lab, clock, get } = await withPod({ restartPolicy: 'Never', initContainers: [busybox('setup', 'exit 1')], containers: [busybox('main', 'sleep 3600')] });
  await clock.advance(30_000);
  const pod = await get();
  assert.equal(pod.status.phase, 'Failed');
  assert.equal(pod.status.initContainerStatuses?.[0].state.terminated?.exitCode, 1);
  assert.deepEqual(pod.status.containerStatuses?.[0].state, { waiting: { reason: 'PodInitializing' } });
  lab.stop();
});

test('a command the image does not have is containerd\'s StartError, exit code 128', async () => {
  const { lab, clock, get } = await withPod({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['nope'] }] });
  await clock.advance(30_000);
  const pod = await get();
  const t = (pod.status.containerStatuses ?? [])[0].state.terminated;
  assert.deepEqual([t?.exitCode, t?.reason, t?.startedAt], [128, 'StartError', '1970-01-01T00:00:00Z']);
  assert.equal(t?.message, 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown');
  assert.equal(pod.status.phase, 'Failed');
  lab.stop();
});

test('deleting a pod whose PID 1 ignores SIGTERM waits out the grace period, then kills it', async () => {
  const { lab, clock, call } = await withPod({ terminationGracePeriodSeconds: 20, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] });
  await clock.advance(10_000);
  const record = lab.kubelets[0].runtime.sandbox(((await call(`${NS}/pods/p`)).body as Pod).metadata.uid ?? '')?.containers.get('c');
  assert.ok(record);
  await lab.server.handle(lab.asAdmin({ method: 'DELETE', path: `${NS}/pods/p` }));
  await clock.advance(15_000);
  assert.equal((await call(`${NS}/pods/p`)).status, 200);
  await clock.advance(10_000);
  assert.equal((await call(`${NS}/pods/p`)).status, 404);
  assert.deepEqual([record.exitCode, record.reason], [137, 'Error']);
  lab.stop();
});

test('attach joins the main process: a shell reading its stdin answers what the client sends', async () => {
  const { lab, clock } = await withPod({ containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh'], stdin: true, stdinOnce: true }] });
  await clock.advance(10_000);
  const session = lab.kubelets[0].attach('default', 'p', 'c', { stdin: true, stdout: true, stderr: true, tty: false });
  assert.ok(!('status' in session));
  const input = new Pipe();
  const out = new Collector();
  const ended = session.run({ stdin: input, stdout: out, stderr: new Collector(), signal: new AbortController().signal });
  input.write('echo hello from $HOSTNAME\n');
  await clock.advance(0);
  assert.equal(out.text, 'hello from p\n');
  input.write('exit 4\n');
  input.end();
  assert.deepEqual(await ended, { exitCode: 0 });
  await clock.advance(1_000);
  const pod = (await lab.server.handle(lab.asAdmin({ method: 'GET', path: `${NS}/pods/p` }))).body as Pod;
  assert.equal(pod.status?.containerStatuses?.[0].lastState.terminated?.exitCode, 4);
  lab.stop();
});

test('the back-off doubles up to 5 min and starts again at 10 s once a container ran 10 min before it exited', () => {
  const clock = new ManualClock();
  const b = new BackOff(clock);
  const seen: string[] = [];
  for (let i = 0; i < 7; i++) {
    b.next('k', clock.now());
    seen.push(goDuration(b.get('k')));
  }
  assert.deepEqual(seen, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
  assert.equal(b.isInBackOffSince('k', clock.now()), true);
  const exitedLater = clock.now() + 601_000;
  assert.equal(b.isInBackOffSince('k', exitedLater), false);
  b.next('k', exitedLater);
  assert.equal(goDuration(b.get('k')), '10s');
});

test('sleep infinity keeps a container running; a container whose sh has no stdin completes at once', async () => {
  const { lab, clock, get } = await withPod({ containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', 'infinity'] }, { name: 'sh', image: 'busybox:1.36' }] });
  await clock.advance(3_600_000);
  const [sleeper, sh] = (await get()).status.containerStatuses ?? [];
  assert.deepEqual([Object.keys(sleeper.state), sleeper.restartCount], [['running'], 0]);
  assert.equal(sh.lastState.terminated?.reason, 'Completed');
  assert.equal(sh.state.waiting?.reason, 'CrashLoopBackOff');
  lab.stop();
});
