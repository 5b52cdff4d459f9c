import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type ContainerStatus, type Pod } from '../api/types';
import { PODS } from '../client/resources';
import type { Lab } from '../lab';
import type { ManualClock } from '../clock';
import { startTestLab } from '../testLab';
import { MEMORY_USAGE_ANNOTATION } from '../metrics/usageProfile';
import type { ContainerRecord } from './runtime';

const BUSYBOX = 'busybox:1.37';
/** A sidecar that exits 0 on SIGTERM, as a well-behaved log shipper does. */
const SIDECAR = { name: 'shipper', image: BUSYBOX, restartPolicy: 'Always', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] };

async function create(lab: Lab, pod: Pod): Promise<void> {
  const res = await lab.client().create(PODS, pod);
  assert.ok(!isStatus(res), JSON.stringify(res));
}

async function get(lab: Lab, name: string): Promise<Pod> {
  const pod = await lab.client().get<Pod>(PODS, 'default', name);
  assert.ok(!isStatus(pod), JSON.stringify(pod));
  return pod;
}

type FullStatus = Pod['status'] & { initContainerStatuses?: ContainerStatus[] };

/** record finds the runtime's current instance of a pod's container on the lab's only node. */
function record(lab: Lab, pod: Pod, name: string): ContainerRecord {
  const r = lab.kubelets[0].runtime.sandbox(pod.metadata.uid ?? '')?.containers.get(name);
  assert.ok(r, `no container ${name}`);
  return r;
}

async function step(clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) await clock.advance(1_000);
}

test('a sidecar starts before the next init container and the app, runs beside it, is restarted under Never, and stops after it', async () => {
  const { lab, clock } = await startTestLab(1);
  await create(lab, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job', namespace: 'default' },
    spec: {
      restartPolicy: 'Never',
      initContainers: [SIDECAR, { name: 'setup', image: BUSYBOX, command: ['sh', '-c', 'echo ready'] }],
      containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'sleep 20'] }],
    },
  });
  await step(clock, 8);
  let pod = await get(lab, 'job');
  const status = pod.status as FullStatus;
  assert.equal(status.phase, 'Running');
  const [shipper, setup] = status.initContainerStatuses ?? [];
  assert.ok(shipper.state.running, JSON.stringify(shipper));
  assert.deepEqual([shipper.started, shipper.ready], [true, true]);
  assert.equal(setup.state.terminated?.exitCode, 0);
  assert.ok(status.containerStatuses?.[0].state.running);
  assert.equal(status.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  const sidecar = record(lab, pod, 'shipper');
  const setupRun = record(lab, pod, 'setup');
  const app = record(lab, pod, 'app');
  assert.ok((sidecar.startedAt ?? 0) < (setupRun.startedAt ?? 0) && (setupRun.startedAt ?? 0) < (app.startedAt ?? 0), 'sidecar, then the init container, then the app');

  // The sidecar ends on its own: it is restarted though the pod's restartPolicy is Never.
  sidecar.term.fire();
  await step(clock, 3);
  pod = await get(lab, 'job');
  const restarted = (pod.status as FullStatus).initContainerStatuses?.[0];
  assert.equal(restarted?.restartCount, 1);
  assert.ok(restarted?.state.running);
  assert.equal(restarted?.lastState.terminated?.exitCode, 0);

  // The app completes: the sidecar is stopped after it, and the pod succeeds.
  const second = record(lab, pod, 'shipper');
  await step(clock, 20);
  pod = await get(lab, 'job');
  const done = pod.status as FullStatus;
  assert.equal(done.phase, 'Succeeded', JSON.stringify(done));
  assert.equal(done.containerStatuses?.[0].state.terminated?.exitCode, 0);
  assert.equal(done.initContainerStatuses?.[0].state.terminated?.exitCode, 0, 'SIGTERM, which its trap turns into exit 0');
  assert.ok((second.finishedAt ?? 0) >= (app.finishedAt ?? Infinity), 'the sidecar stops after the app');
  lab.stop();
});

test('a deleted pod\'s sidecar gets SIGTERM only once the app has exited', async () => {
  const { lab, clock } = await startTestLab(1);
  await create(lab, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' },
    spec: {
      initContainers: [SIDECAR],
      containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'trap "sleep 3; exit 0" TERM; while true; do sleep 1; done'] }],
    },
  });
  await step(clock, 8);
  const pod = await get(lab, 'web');
  const sidecar = record(lab, pod, 'shipper');
  const app = record(lab, pod, 'app');
  const deleted = await lab.client().delete(PODS, 'default', 'web');
  assert.ok(!isStatus(deleted) || deleted.status === 'Success');
  await step(clock, 10);
  assert.equal(app.exitCode, 0);
  assert.equal(sidecar.exitCode, 0);
  assert.ok((app.finishedAt ?? 0) - (sidecar.startedAt ?? 0) > 0);
  assert.ok((sidecar.finishedAt ?? 0) >= (app.finishedAt ?? Infinity), `sidecar ended at ${sidecar.finishedAt ?? 0}, app at ${app.finishedAt ?? 0}`);
  assert.ok(isStatus(await lab.client().get<Pod>(PODS, 'default', 'web')), 'the pod is gone');
  lab.stop();
});

test('a container whose memory use passes its limit is OOMKilled with 137 and restarted, again and again', async () => {
  const { lab, clock } = await startTestLab(1);
  const spec = (name: string, usage: string): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', annotations: { [MEMORY_USAGE_ANNOTATION]: usage } },
    spec: { containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'], resources: { limits: { memory: '64Mi' } } }] },
  });
  await create(lab, spec('hog', '128Mi'));
  await create(lab, spec('fits', '32Mi'));
  await step(clock, 8);
  let hog = (await get(lab, 'hog')).status?.containerStatuses?.[0];
  const last = hog?.lastState.terminated;
  assert.deepEqual([last?.reason, last?.exitCode], ['OOMKilled', 137], JSON.stringify(hog));
  assert.ok((hog?.restartCount ?? 0) >= 1);
  const first = hog?.restartCount ?? 0;
  await step(clock, 60);
  hog = (await get(lab, 'hog')).status?.containerStatuses?.[0];
  assert.ok((hog?.restartCount ?? 0) > first, `restartCount ${hog?.restartCount ?? 0} after ${first}`);
  assert.ok(hog?.state.waiting?.reason === 'CrashLoopBackOff' || hog?.lastState.terminated?.reason === 'OOMKilled');
  const fits = (await get(lab, 'fits')).status?.containerStatuses?.[0];
  assert.equal(fits?.restartCount, 0);
  assert.ok(fits?.state.running);

  // Raising a running container's use past its limit kills it at once.
  const patched = await lab.client().patch(PODS, 'default', 'fits', { metadata: { annotations: { [MEMORY_USAGE_ANNOTATION]: '100Mi' } } });
  assert.ok(!isStatus(patched));
  await step(clock, 2);
  const killed = (await get(lab, 'fits')).status?.containerStatuses?.[0];
  assert.equal(killed?.lastState.terminated?.reason ?? killed?.state.terminated?.reason, 'OOMKilled');
  lab.stop();
});
