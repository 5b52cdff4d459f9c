import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Deployment, type KubeObject, type Pod, type PodSpec } from '../lab/api/types';
import type { KubeClient } from '../lab/client/kubeClient';
import { DEPLOYMENTS, PODS, type ResourceRef } from '../lab/client/resources';
import { podHttpGet } from '../lab/kubelet/podHttpGet';
import type { Lab } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import { LogFollower, selectorString } from './logFollower';

const spec = (containers: PodSpec['containers']): PodSpec => ({ tolerations: [{ operator: 'Exists' }], containers });
const deployment = (name: string, labels: Record<string, string>, replicas: number): Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: spec([{ name: 'nginx', image: 'nginx:1.27' }]) } },
});

async function created<T extends KubeObject>(client: KubeClient, ref: ResourceRef, obj: T): Promise<T> {
  const got = await client.create(ref, obj);
  assert.ok(!isStatus(got), JSON.stringify(got));
  return got;
}

async function podsOf(client: KubeClient, selector: string): Promise<Pod[]> {
  const list = await client.list<Pod>(PODS, 'default', { labelSelector: selector });
  assert.ok(!isStatus(list));
  return list.items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** curl asks a pod's nginx for target, so it writes an access log line. */
async function curl(lab: Lab, pod: Pod, target: string): Promise<void> {
  assert.match(await podHttpGet(lab, 'default', pod.metadata.name ?? '', pod.spec.nodeName ?? '', 80, target), /^HTTP\/1\.1 404 Not Found\r\n/);
}

test('a Deployment\'s logs: every pod it owns, each line prefixed, pods that appear later too; another workload\'s pods are left out', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  await created(client, DEPLOYMENTS, deployment('web', { app: 'web' }, 2));
  // web's selector (app=web) matches the canary's pods too: only the owner chain tells them apart.
  await created(client, DEPLOYMENTS, deployment('web-canary', { app: 'web', track: 'canary' }, 1));
  await clock.advance(30_000);
  let out = '';
  const follower = new LogFollower(client, { ref: DEPLOYMENTS, kind: 'Deployment', namespace: 'default', name: 'web' }, { all: true }, (t) => (out += t));
  await follower.start();
  await clock.advance(0);
  const pods = (await podsOf(client, 'app=web,!track')).map((p) => p.metadata.name ?? '');
  assert.equal(pods.length, 2);
  const canary = (await podsOf(client, 'track=canary'))[0];
  for (const pod of pods) assert.match(out, new RegExp(`^\\[pod/${pod}/nginx\\] /docker-entrypoint\\.sh: Configuration complete; ready for start up$`, 'm'));
  assert.ok(out.split('\n').slice(0, -1).every((line) => pods.some((p) => line.startsWith(`[pod/${p}/nginx] `))), out);
  assert.ok(!out.includes(canary.metadata.name ?? '?'));

  const before = out.length;
  const [first] = await podsOf(client, 'app=web,!track');
  await curl(lab, first, '/followed');
  await clock.advance(0);
  assert.match(out.slice(before), new RegExp(`^\\[pod/${pods[0]}/nginx\\] \\S+ \\S+ \\[error\\] 29#29: \\*1 open\\(\\) "/usr/share/nginx/html/followed" failed \\(2: No such file or directory\\).*\\n\\[pod/${pods[0]}/nginx\\] 127\\.0\\.0\\.1 - - \\[.*\\] "GET /followed HTTP/1\\.1" 404 153 "-" "curl/8\\.5\\.0" "-"\\n$`));
  await curl(lab, canary, '/canary');
  await clock.advance(0);
  assert.ok(!out.includes('/canary'));

  const scaled = await client.patch(DEPLOYMENTS, 'default', 'web', { spec: { replicas: 3 } });
  assert.ok(!isStatus(scaled));
  await clock.advance(30_000);
  const third = (await podsOf(client, 'app=web,!track')).map((p) => p.metadata.name ?? '').find((p) => !pods.includes(p));
  assert.ok(third);
  assert.match(out, new RegExp(`^\\[pod/${third}/nginx\\] .*start worker process`, 'm'));

  follower.stop();
  const stopped = out.length;
  await curl(lab, first, '/after');
  await clock.advance(0);
  assert.equal(out.length, stopped, 'nothing is written once stopped');
  lab.stop();
});

test('a pod whose container has not started gives the API server\'s words, then its log once it runs', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  await created(client, PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-abc', namespace: 'default' }, spec: spec([{ name: 'nginx', image: 'nginx:1.27' }]) });
  await clock.advance(0);
  let out = '';
  const follower = new LogFollower(client, { ref: PODS, kind: 'Pod', namespace: 'default', name: 'web-abc' }, { container: 'nginx' }, (t) => (out += t));
  await follower.start();
  await clock.advance(0);
  assert.equal(out, 'container "nginx" in pod "web-abc" is waiting to start: ContainerCreating\n');
  await clock.advance(30_000);
  assert.match(out, /^container "nginx" in pod "web-abc" is waiting to start: ContainerCreating\n\/docker-entrypoint\.sh: \/docker-entrypoint\.d\/ is not empty/);
  assert.equal(out.match(/waiting to start/g)?.length, 1, 'the refusal is written once');
  follower.stop();
  lab.stop();
});

test('one container of several is followed without a prefix; all of them with one; a missing pod is the API\'s 404', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  const pod = await created(client, PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'two', namespace: 'default' }, spec: spec([{ name: 'web', image: 'nginx:1.27' }, { name: 'echo', image: 'hashicorp/http-echo:1.0', args: ['-text=hi'] }]) });
  await clock.advance(30_000);
  const follow = async (selection: { container: string } | { all: true }, name = 'two'): Promise<{ text: () => string; follower: LogFollower }> => {
    let out = '';
    const follower = new LogFollower(client, { ref: PODS, kind: 'Pod', namespace: 'default', name }, selection, (t) => (out += t));
    await follower.start();
    await clock.advance(0);
    return { text: () => out, follower };
  };
  const one = await follow({ container: 'echo' });
  assert.match(one.text(), /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[INFO\] server is listening on :5678\n$/);
  const all = await follow({ all: true });
  assert.match(all.text(), /^\[pod\/two\/web\] \/docker-entrypoint\.sh: /);
  assert.match(all.text(), /^\[pod\/two\/echo\] \S+ \S+ \[INFO\] server is listening on :5678$/m);
  await curl(lab, (await client.get<Pod>(PODS, 'default', pod.metadata.name ?? '')) as Pod, '/x');
  await clock.advance(0);
  assert.match(all.text(), /\[pod\/two\/web\] 127\.0\.0\.1 - - \[.*\] "GET \/x HTTP\/1\.1" 404 153 "-" "curl\/8\.5\.0" "-"\n$/);
  assert.ok(!one.text().includes('/x'));
  const missing = await follow({ all: true }, 'ghost');
  assert.equal(missing.text(), 'pods "ghost" not found\n');
  for (const f of [one, all, missing]) f.follower.stop();
  lab.stop();
});

test('selectorString writes a LabelSelector as ?labelSelector= takes it', () => {
  assert.equal(selectorString({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'ready', operator: 'Exists' }, { key: 'canary', operator: 'DoesNotExist' },
    ],
  }), 'app=web,tier in (a,b),env notin (dev),ready,!canary');
});
