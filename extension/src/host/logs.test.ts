// KubeLab: Logs on a stand-in vscode, over a lab built in-process on a manual clock:
// the channel per target, reused and cleared; the container and pod pickers; the
// end of following when the cluster stops or the registration is disposed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { isStatus, type Deployment, type Pod, type PodSpec } from '../lab/api/types';
import { DEPLOYMENTS, PODS, type ResourceRef } from '../lab/client/resources';
import { podHttpGet } from '../lab/kubelet/podHttpGet';
import type { LabState } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import type { Cluster } from './cluster';

const fake = createFakeVscode();
installFakeVscode(fake);

const spec = (containers: PodSpec['containers']): PodSpec => ({ tolerations: [{ operator: 'Exists' }], containers });
const item = (ref: ResourceRef, kind: string, name: string) => ({ ref, kind, namespace: 'default', name });

/** setup starts a one-node lab with pods running, and registers the command against it as the cluster. */
async function setup(objects: { ref: ResourceRef; obj: Pod | Deployment }[]) {
  const { lab, clock } = await startTestLab(1, 7, { dns: false });
  const client = lab.client();
  for (const { ref, obj } of objects) assert.ok(!isStatus(await client.create(ref, obj)));
  await clock.advance(30_000);
  const { EventEmitter } = fake.api as { EventEmitter: new () => { event: Cluster['onDidChangeState']; fire(s: LabState): void } };
  const states = new EventEmitter();
  const cluster: Cluster = { name: 'KubeLab', isLab: true, state: 'running', client, defaultNamespace: 'default', onDidChangeState: states.event, start: () => Promise.resolve(client) };
  const { registerLogs } = await import('./logs.js');
  const disposables = registerLogs(cluster);
  const run = async (arg?: unknown): Promise<void> => {
    await fake.commands.get('kubelab.logs')?.(arg);
    await clock.advance(0);
  };
  const curl = async (pod: string, target: string): Promise<void> => {
    assert.match(await podHttpGet(lab, 'default', pod, 'node-1', 80, target), /^HTTP\/1\.1 404 /);
    await clock.advance(0);
  };
  return { lab, clock, client, states, run, curl, dispose: () => disposables.forEach((d) => void d.dispose()) };
}

test('Logs on a Deployment follows its pods into one channel, reused and cleared when asked again, until the cluster stops', async () => {
  fake.outputChannels.length = 0;
  const labels = { app: 'web' };
  const web: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: spec([{ name: 'nginx', image: 'nginx:1.27' }]) } } };
  const h = await setup([{ ref: DEPLOYMENTS, obj: web }]);
  const list = await h.client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(list));
  const pod = list.items[0].metadata.name ?? '';

  await h.run(item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.deepEqual(fake.outputChannels.map((c) => [c.name, c.shows]), [['KubeLab Logs: deployment/web', [true]]]);
  const channel = fake.outputChannels[0];
  assert.match(channel.text, new RegExp(`^\\[pod/${pod}/nginx\\] /docker-entrypoint\\.sh: /docker-entrypoint\\.d/ is not empty`));
  await h.curl(pod, '/live');
  assert.match(channel.text, new RegExp(`\\[pod/${pod}/nginx\\] 127\\.0\\.0\\.1 - - \\[.*\\] "GET /live HTTP/1\\.1" 404 153 "-" "curl/8\\.5\\.0" "-"\\n$`));

  await h.run(item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.equal(fake.outputChannels.length, 1, 'the channel is reused');
  assert.deepEqual(channel.shows, [true, true]);
  assert.equal(channel.text.match(/ready for start up/g)?.length, 1, 'cleared, then the log once');
  await h.curl(pod, '/again');
  assert.equal(channel.text.match(/"GET \/again HTTP\/1\.1" 404/g)?.length, 1, 'only the new follow writes');

  h.states.fire('stopping');
  const before = channel.text;
  await h.curl(pod, '/after');
  assert.equal(channel.text, before, 'nothing is followed once the cluster stops');
  h.dispose();
  assert.equal(channel.disposed, true);
  h.lab.stop();
});

test('a pod with several containers asks which; the palette asks which pod; a kind without logs is refused', async () => {
  fake.outputChannels.length = 0;
  fake.messages.length = 0;
  const two: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'two', namespace: 'default' }, spec: spec([{ name: 'web', image: 'nginx:1.27' }, { name: 'echo', image: 'hashicorp/http-echo:1.0', args: ['-text=hi'] }]) };
  const h = await setup([{ ref: PODS, obj: two }]);
  const offered: string[][] = [];
  fake.pick = () => undefined;
  await h.run(item(PODS, 'Pod', 'two'));
  assert.equal(fake.outputChannels.length, 0, 'Escape at the container pick shows nothing');

  fake.pick = (items) => {
    offered.push(items.map((i) => i.label));
    return items.find((i) => i.label === 'echo');
  };
  await h.run(item(PODS, 'Pod', 'two'));
  assert.deepEqual(offered, [['All containers', 'web', 'echo']]);
  assert.equal(fake.outputChannels[0].name, 'KubeLab Logs: pod/two');
  assert.match(fake.outputChannels[0].text, /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[INFO\] server is listening on :5678\n$/);

  // From the palette: first the pod, then (it has two) the container.
  fake.pick = (items, options) => {
    offered.push(items.map((i) => i.label));
    return options?.placeHolder === 'Pod to show the logs of' ? items.find((i) => i.label === 'two') : items.find((i) => i.label === 'All containers');
  };
  await h.run();
  assert.deepEqual(offered.slice(1), [['two'], ['All containers', 'web', 'echo']]);
  assert.equal(fake.outputChannels.length, 1);
  assert.match(fake.outputChannels[0].text, /^\[pod\/two\/web\] \/docker-entrypoint\.sh: /);
  assert.match(fake.outputChannels[0].text, /^\[pod\/two\/echo\] .*server is listening on :5678$/m);

  await h.run(item({ group: '', version: 'v1', resource: 'services', namespaced: true }, 'Service', 'kubernetes'));
  assert.deepEqual(fake.messages, [{ level: 'error', text: 'KubeLab: Logs are for pods and the workloads that own them (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job), not Service.' }]);
  await h.run(item(PODS, 'Pod', 'ghost'));
  assert.equal(fake.messages[1].text, 'KubeLab: pods "ghost" not found');
  h.dispose();
  h.lab.stop();
});

test('a pod whose container has not started shows the API server\'s words in the channel', async () => {
  fake.outputChannels.length = 0;
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-abc', namespace: 'default' }, spec: spec([{ name: 'nginx', image: 'nginx:1.27' }]) })));
  await clock.advance(0);
  const { EventEmitter } = fake.api as { EventEmitter: new () => { event: Cluster['onDidChangeState'] } };
  const cluster: Cluster = { name: 'KubeLab', isLab: true, state: 'running', client, defaultNamespace: 'default', onDidChangeState: new EventEmitter().event, start: () => Promise.resolve(client) };
  const { registerLogs } = await import('./logs.js');
  const disposables = registerLogs(cluster);
  await fake.commands.get('kubelab.logs')?.(item(PODS, 'Pod', 'web-abc'));
  await clock.advance(0);
  assert.equal(fake.outputChannels[0].text, 'container "nginx" in pod "web-abc" is waiting to start: ContainerCreating\n');
  for (const d of disposables) d.dispose();
  lab.stop();
});
