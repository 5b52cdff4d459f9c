import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Pod, type Status } from '../api/types';
import { podHttpGet } from '../kubelet/podHttpGet';
import { startTestLab } from '../testLab';
import { PODS } from './resources';
import { InProcessTransport } from './transport';
import type { ApiServer } from '../apiserver/apiServer';
import type { ApiRequest } from '../apiserver/request';

const nginx = (name: string, containers = [{ name: 'web', image: 'nginx:1.27' }]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { tolerations: [{ operator: 'Exists' }], containers } });

/** runningNginx starts a one-node lab with pod web running nginx, and the lists a followed log's text and end go to. */
async function runningNginx() {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(PODS, nginx('web'))));
  await clock.advance(30_000);
  return { lab, clock, client, chunks: [] as string[], ends: [] as (Status | undefined)[] };
}

test('a followed log over the in-process transport gives the log so far, then each line the container writes, until it stops', async () => {
  const { lab, clock, client, chunks, ends } = await runningNginx();
  const handle = await client.streamLog('default', 'web', { follow: true, tailLines: 1 }, (c) => chunks.push(c), (e) => ends.push(e));
  assert.equal(chunks.length, 1);
  assert.match(chunks[0], /\[notice\] 1#1: start worker process \d+\n$/);
  assert.match(await podHttpGet(lab, 'default', 'web', 'node-1', 80, '/index.html'), /^HTTP\/1\.1 200 OK\r\n/);
  assert.equal(chunks.length, 2);
  assert.match(chunks[1], /^127\.0\.0\.1 - - \[.*\] "GET \/index\.html HTTP\/1\.1" 200 615 "-" "curl\/8\.5\.0" "-"\n$/);
  assert.deepEqual(ends, []);
  assert.ok(!isStatus(await client.delete(PODS, 'default', 'web')));
  await clock.advance(5_000);
  assert.deepEqual(ends, [undefined], 'the stream ends when the container stops, without an error');
  handle.cancel();
  lab.stop();
});

test('cancelling a followed log stops its text, and its end is not reported', async () => {
  const { lab, clock, client, chunks, ends } = await runningNginx();
  const handle = await client.streamLog('default', 'web', { follow: true, tailLines: 0 }, (c) => chunks.push(c), (e) => ends.push(e));
  handle.cancel();
  assert.match(await podHttpGet(lab, 'default', 'web', 'node-1', 80, '/'), /^HTTP\/1\.1 200 OK\r\n/);
  assert.deepEqual([chunks, ends], [[], []]);
  lab.stop();
  await clock.advance(0);
});

test('a log the API server refuses ends the stream with its Status; without follow the log is read once', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  const two = nginx('two', [{ name: 'a', image: 'nginx:1.27' }, { name: 'b', image: 'busybox:1.36' }]);
  assert.ok(!isStatus(await client.create(PODS, two)));
  const ended = (namespace: string, pod: string, options: Parameters<typeof client.streamLog>[2]) => new Promise<{ text: string; error?: Status }>((resolve) => {
    let text = '';
    void client.streamLog(namespace, pod, options, (c) => (text += c), (error) => resolve({ text, ...(error ? { error } : {}) }));
  });
  // Scheduled, but its containers not yet started: the kubelet's words, as kubectl prints them.
  await clock.advance(0);
  const waiting = await ended('default', 'two', { container: 'a', follow: true });
  assert.equal(waiting.error?.code, 400);
  assert.equal(waiting.error?.message, 'container "a" in pod "two" is waiting to start: ContainerCreating');
  const unnamed = await ended('default', 'two', { follow: true });
  assert.equal(unnamed.error?.message, 'a container name must be specified for pod two, choose one of: [a b]');
  const missing = await ended('default', 'ghost', { follow: true });
  assert.deepEqual([missing.error?.code, missing.error?.message], [404, 'pods "ghost" not found']);
  const bad = await ended('default', 'two', { container: 'a', follow: true, tailLines: -1 });
  assert.equal(bad.error?.message, 'PodLogOptions "two" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
  await clock.advance(30_000);
  const once = await ended('default', 'two', { container: 'a', tailLines: 1 });
  assert.match(once.text, /start worker process \d+\n$/);
  assert.equal(once.error, undefined);
  lab.stop();
});

test('the in-process transport copies a request body unless the caller hands it over', async () => {
  const seen: unknown[] = [];
  const server = {
    handle: (req: ApiRequest) => {
      seen.push(req.body);
      return Promise.resolve({ status: 200, body: {} });
    },
  } as unknown as ApiServer;
  const transport = new InProcessTransport(server);
  const body = { metadata: { name: 'x' }, spec: { items: [1, 2] } };
  await transport.request({ method: 'POST', path: '/x', body });
  await transport.request({ method: 'POST', path: '/x', body, handOver: true });
  assert.notEqual(seen[0], body);
  assert.deepEqual(seen[0], body);
  assert.equal(seen[1], body);
});
