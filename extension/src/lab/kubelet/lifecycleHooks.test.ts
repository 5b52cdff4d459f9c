/**
 * Lifecycle hooks and container kills in a whole lab on a manual clock:
 * postStart holds a container back from Running and kills it when it fails;
 * preStop runs before SIGTERM, inside the grace period; SIGKILL ends what
 * outlives the grace period (never less than 2 s after SIGTERM).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContainerStatus, type KubeObject, type Pod, isStatus } from '../api/types';
import type { ManualClock } from '../clock';
import { EVENTS, PODS } from '../client/resources';
import type { Lab } from '../lab';
import { startTestLab } from '../testLab';
import { terminationGracePeriod } from './lifecycleHooks';
import { Collector, closedPipe } from './pipe';
import { Interrupt } from './process';
import type { ContainerRecord } from './runtime';

interface Ev { reason: string; message: string; type: string; involvedObject: { fieldPath?: string } }

async function withPod(spec: object): Promise<{ lab: Lab; clock: ManualClock; pod: () => Promise<Pod | undefined>; status: () => Promise<ContainerStatus | undefined>; events: (reason: string) => Promise<Ev[]>; record: () => Promise<ContainerRecord> }> {
  const { lab, clock } = await startTestLab(1);
  await clock.advance(15_000);
  const client = lab.client();
  const created = await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec });
  assert.ok(!isStatus(created), JSON.stringify(created));
  const pod = async (): Promise<Pod | undefined> => {
    const got = await client.get<Pod>(PODS, 'default', 'p');
    return isStatus(got) ? undefined : got;
  };
  return {
    lab, clock, pod,
    status: async () => (await pod())?.status?.containerStatuses?.[0],
    events: async (reason) => {
      const list = await client.list<KubeObject & Ev>(EVENTS, 'default');
      assert.ok(!isStatus(list));
      return list.items.filter((e) => e.reason === reason);
    },
    record: async () => {
      const uid = (await pod())?.metadata.uid ?? '';
      const r = lab.kubelets[0].runtime.sandbox(uid)?.containers.get('c');
      assert.ok(r);
      return r;
    },
  };
}

/** deletePod deletes p as `kubectl delete pod p` does and returns when that happened. */
async function deletePod(lab: Lab, clock: ManualClock): Promise<number> {
  assert.ok(!isStatus(await lab.client().delete(PODS, 'default', 'p')));
  return clock.now();
}

test('postStart runs to its end before the container counts as running; its effects are there when it does', async () => {
  const postStart = { exec: { command: ['sh', '-c', 'sleep 5; echo hooked > /usr/share/nginx/html/hook.html'] } };
  const t = await withPod({ containers: [{ name: 'c', image: 'nginx:1.27', lifecycle: { postStart } }] });
  await t.clock.advance(4_000);
  // The runtime runs the container, the hook runs in it, and the pod still says it is being created.
  const record = await t.record();
  assert.ok(record.startedAt !== undefined && record.finishedAt === undefined);
  assert.deepEqual((await t.status())?.state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal((await t.events('Started')).length, 1);
  assert.equal((await t.pod())?.status?.phase, 'Pending');
  await t.clock.advance(record.startedAt + 5_000 - t.clock.now() - 100);
  assert.deepEqual((await t.status())?.state, { waiting: { reason: 'ContainerCreating' } });
  await t.clock.advance(200);
  const cs = await t.status();
  assert.ok(cs?.state.running, JSON.stringify(cs));
  // The start time is the container's, from before the hook ran.
  assert.equal(Date.parse(cs.state.running.startedAt ?? ''), Math.floor((record.startedAt ?? 0) / 1000) * 1000);
  const out = new Collector();
  await t.lab.kubelets[0].runtime.exec(record, ['cat', '/usr/share/nginx/html/hook.html'], { stdin: closedPipe(), stdout: out, stderr: out }, new Interrupt());
  assert.equal(out.text, 'hooked\n');
  t.lab.stop();
});

test('deleting a pod cuts short a postStart hook still running, as the pod worker\'s context ends', async () => {
  const t = await withPod({ containers: [{ name: 'c', image: 'nginx:1.27', lifecycle: { postStart: { exec: { command: ['sleep', '3600'] } } } }] });
  await t.clock.advance(10_000);
  assert.deepEqual((await t.status())?.state, { waiting: { reason: 'ContainerCreating' } });
  await deletePod(t.lab, t.clock);
  await t.clock.advance(1_000);
  assert.equal(await t.pod(), undefined);
  assert.deepEqual((await t.events('FailedPostStartHook')).map((e) => e.message), ['PostStartHook failed']);
  t.lab.stop();
});

test('a failing postStart hook is FailedPostStartHook: the container is killed and waits in PostStartHookError, then backs off', async () => {
  const command = ['sh', '-c', 'echo oops >&2; exit 3'];
  const t = await withPod({ terminationGracePeriodSeconds: 3, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command } } } }] });
  const uid = (await t.pod())?.metadata.uid ?? '';
  const seen: ContainerStatus['state'][] = [];
  for (let i = 0; i < 30; i++) {
    await t.clock.advance(1_000);
    const s = await t.status();
    if (s) seen.push(s.state);
  }
  const hookError = seen.find((s) => s.waiting?.reason === 'PostStartHookError');
  assert.deepEqual(hookError, { waiting: { reason: 'PostStartHookError', message: `Exec lifecycle hook ([sh -c echo oops >&2; exit 3]) for Container "c" in Pod "p_default(${uid})" failed - error: command 'sh -c echo oops >&2; exit 3' exited with 3: oops\n, message: "oops\\n"` } });
  assert.ok(seen.some((s) => s.waiting?.reason === 'CrashLoopBackOff'));
  const failed = await t.events('FailedPostStartHook');
  assert.deepEqual(failed.map((e) => [e.type, e.message, e.involvedObject.fieldPath]).slice(0, 1), [['Warning', 'PostStartHook failed', 'spec.containers{c}']]);
  assert.deepEqual([...new Set((await t.events('Killing')).map((e) => e.message))], ['FailedPostStartHook']);
  // sleep ignores SIGTERM: each instance was killed once the 3 s grace period ran out.
  const cs = await t.status();
  assert.equal(cs?.lastState.terminated?.exitCode, 137);
  assert.ok((cs?.restartCount ?? 0) >= 1);
  t.lab.stop();
});

test('preStop runs on deletion before SIGTERM, and its time counts inside the grace period', async () => {
  const t = await withPod({ containers: [{ name: 'c', image: 'nginx:1.27', lifecycle: { preStop: { sleep: { seconds: 5 } } } }] });
  await t.clock.advance(5_000);
  const record = await t.record();
  const deletedAt = await deletePod(t.lab, t.clock);
  await t.clock.advance(1_000);
  assert.deepEqual((await t.events('Killing')).map((e) => e.message), ['Stopping container c']);
  assert.equal(record.finishedAt, undefined);
  await t.clock.advance(3_500);
  assert.ok(await t.pod());
  await t.clock.advance(1_000);
  // nginx shuts down on the SIGTERM that follows the hook.
  assert.deepEqual([record.finishedAt !== undefined ? record.finishedAt - deletedAt : undefined, record.exitCode], [5_000, 0]);
  await t.clock.advance(1_000);
  assert.equal(await t.pod(), undefined);
  t.lab.stop();
});

test('a process that ignores SIGTERM is SIGKILLed (137) when the grace period, less the preStop hook\'s time, runs out', async () => {
  const t = await withPod({ terminationGracePeriodSeconds: 10, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], lifecycle: { preStop: { sleep: { seconds: 4 } } } }] });
  await t.clock.advance(5_000);
  const record = await t.record();
  const deletedAt = await deletePod(t.lab, t.clock);
  await t.clock.advance(9_500);
  assert.equal(record.finishedAt, undefined);
  assert.ok(await t.pod());
  await t.clock.advance(1_000);
  assert.deepEqual([(record.finishedAt ?? 0) - deletedAt, record.exitCode], [10_000, 137]);
  t.lab.stop();
});

test('a preStop hook longer than the grace period still leaves 2 s between SIGTERM and SIGKILL', async () => {
  const t = await withPod({ terminationGracePeriodSeconds: 6, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], lifecycle: { preStop: { exec: { command: ['sleep', '60'] } } } }] });
  await t.clock.advance(5_000);
  const record = await t.record();
  const deletedAt = await deletePod(t.lab, t.clock);
  await t.clock.advance(20_000);
  assert.deepEqual([(record.finishedAt ?? 0) - deletedAt, record.exitCode], [8_000, 137]);
  // The hook's process died with its container: that is its failure.
  assert.deepEqual((await t.events('FailedPreStopHook')).map((e) => [e.type, e.message]), [['Warning', 'PreStopHook failed']]);
  t.lab.stop();
});

test('a failing preStop hook is FailedPreStopHook, and the container is stopped all the same', async () => {
  const t = await withPod({ containers: [{ name: 'c', image: 'nginx:1.27', lifecycle: { preStop: { httpGet: { path: '/drain', port: 8080 } } } }] });
  await t.clock.advance(5_000);
  const record = await t.record();
  const deletedAt = await deletePod(t.lab, t.clock);
  await t.clock.advance(1_000);
  assert.deepEqual((await t.events('FailedPreStopHook')).map((e) => e.message), ['PreStopHook failed']);
  assert.deepEqual([(record.finishedAt ?? 0) - deletedAt, record.exitCode], [0, 0]);
  t.lab.stop();
});

test('an HTTP preStop hook reaches the container\'s server, whatever status it answers', async () => {
  const t = await withPod({ containers: [{ name: 'c', image: 'nginx:1.27', lifecycle: { preStop: { httpGet: { path: '/shutdown', port: 80 } } } }] });
  await t.clock.advance(5_000);
  const record = await t.record();
  await deletePod(t.lab, t.clock);
  await t.clock.advance(1_000);
  assert.deepEqual(await t.events('FailedPreStopHook'), []);
  const lines = record.log.lines().map((l) => l.line);
  assert.ok(lines.some((l) => / - - \[.*\] "GET \/shutdown HTTP\/1.1" 404 \d+ "-" "kube-lifecycle\/1.32" "-"$/.test(l)), lines.join('\n'));
  t.lab.stop();
});

const graces: [string, object, object, 'liveness' | 'startup' | 'unknown', number][] = [
  ['a deletion\'s grace period comes first', { deletionGracePeriodSeconds: 5 }, { terminationGracePeriodSeconds: 30 }, 'liveness', 5],
  ['a liveness kill takes the probe\'s', {}, { terminationGracePeriodSeconds: 30 }, 'liveness', 7],
  ['a startup kill takes the startup probe\'s', {}, { terminationGracePeriodSeconds: 30 }, 'startup', 3],
  ['another kill takes the pod\'s', {}, { terminationGracePeriodSeconds: 30 }, 'unknown', 30],
  ['no grace period at all is 2 s', {}, {}, 'unknown', 2],
];

for (const [what, metadata, spec, reason, want] of graces) {
  test(`terminationGracePeriod: ${what}`, () => {
    const c = { name: 'c', livenessProbe: { terminationGracePeriodSeconds: 7 }, startupProbe: { terminationGracePeriodSeconds: 3 } };
    const pod = { metadata: { name: 'p', ...metadata }, spec: { containers: [c], ...spec } } as Pod;
    assert.equal(terminationGracePeriod(pod, c, reason), want);
  });
}
