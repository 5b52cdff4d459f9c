import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerState, Pod } from '../api/types';
import { ManualClock } from '../clock';
import { Lab } from '../lab';
import { validateContainerLogStatus } from './kubelet';

const podWith = (state: ContainerState, lastState: ContainerState = {}, containerID?: string): Pod => ({
  metadata: { name: 'web' },
  spec: { containers: [{ name: 'c' }] },
  status: { containerStatuses: [{ name: 'c', image: 'nginx', imageID: '', ready: false, restartCount: 0, state, lastState, ...(containerID ? { containerID } : {}) }] },
});

// pkg/kubelet/kubelet_pods.go: validateContainerLogStatus.
const choices: [string, Pod, boolean, string | { error: string }][] = [
  ['a running container', podWith({ running: {} }, {}, 'containerd://run'), false, 'containerd://run'],
  ['a container still being created', podWith({ waiting: { reason: 'ContainerCreating' } }), false, { error: 'container "c" in pod "web" is waiting to start: ContainerCreating' }],
  ['an image that cannot be pulled', podWith({ waiting: { reason: 'ErrImagePull' } }), false, { error: 'container "c" in pod "web" is waiting to start: image can\'t be pulled' }],
  ['an image pull backing off', podWith({ waiting: { reason: 'ImagePullBackOff' } }), false, { error: 'container "c" in pod "web" is waiting to start: trying and failing to pull image' }],
  ['a container with no state yet', podWith({}), false, { error: 'container "c" in pod "web" is waiting to start - no logs yet' }],
  ['a terminated container', podWith({ terminated: { exitCode: 1, containerID: 'containerd://dead' } }), false, 'containerd://dead'],
  ['the previous instance', podWith({ running: {} }, { terminated: { exitCode: 1, containerID: 'containerd://old' } }), true, 'containerd://old'],
  ['a previous instance that never was', podWith({ running: {} }), true, { error: 'previous terminated container "c" in pod "web" not found' }],
  ['a container the status does not list', { metadata: { name: 'web' }, spec: { containers: [{ name: 'c' }] } }, false, { error: 'container "c" in pod "web" is not available' }],
];

for (const [what, pod, previous, want] of choices) {
  test(`validateContainerLogStatus for ${what}`, () => {
    assert.deepEqual(validateContainerLogStatus(pod, 'c', previous), want);
  });
}

test('kubectl logs of an nginx pod shows its entrypoint and nginx starting, through the API and the node\'s kubelet', async () => {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 1, clock, seed: 3 });
  const started = lab.start();
  await clock.advance(0);
  await started;
  const call = (path: string) => lab.server.handle(lab.asAdmin({ method: 'GET', path }));
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };
  const created = await lab.server.handle(lab.asAdmin({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: pod }));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await clock.advance(1_000);
  const early = await call('/api/v1/namespaces/default/pods/web/log');
  assert.deepEqual([early.status, (early.body as { message: string }).message], [400, 'container "nginx" in pod "web" is waiting to start: ContainerCreating']);
  await clock.advance(30_000);
  const res = await call('/api/v1/namespaces/default/pods/web/log');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.contentType, 'text/plain');
  const lines = (res.body as string).split('\n');
  assert.equal(lines[0], '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
  assert.ok(lines.includes('/docker-entrypoint.sh: Configuration complete; ready for start up'));
  assert.match(lines.at(-2) ?? '', /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: start worker process 32$/);
  const tail = await call('/api/v1/namespaces/default/pods/web/log?tailLines=1&timestamps=true');
  assert.match(tail.body as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: start worker process 32\n$/);
  const previous = await call('/api/v1/namespaces/default/pods/web/log?previous=true');
  assert.deepEqual([previous.status, (previous.body as { message: string }).message], [400, 'previous terminated container "nginx" in pod "web" not found']);
  lab.stop();
});
