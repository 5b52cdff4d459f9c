// Streamed responses over the worker channel: a followed pod log reaches the
// host as `streamData` while the container writes (nginx's access log, asked
// for through the worker's HTTPS front door with the real kubectl port-forward),
// a refusal is `streamEnd` with the API's Status, and the end of the container
// ends the stream.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { LabMessage } from '../lab/channel';
import { KubeClient } from '../lab/client/kubeClient';
import { PODS } from '../lab/client/resources';
import { isStatus, type Pod, type Status } from '../lab/api/types';
import { WorkerTransport } from './workerTransport';

const skip = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0 ? 'kubectl is not installed' : false;

/** until polls cond every 50 ms for up to 30 s. */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function httpGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { 'User-Agent': 'curl/8.5.0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

test('a followed log crosses the worker channel as the container writes it, and ends with the container', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-stream-'));
  const entry = join(__dirname, '..', 'lab', 'worker.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
  const transport = new WorkerTransport(worker);
  const streamMessages: LabMessage[] = [];
  let kubeconfig = '';
  const served = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: LabMessage) => {
      if (m.type === 'streamData' || m.type === 'streamEnd') streamMessages.push(m);
      if (transport.receive(m)) return;
      if (m.type === 'state' && m.error) reject(new Error(m.error));
      if (m.type === 'served') {
        if (m.error || !m.kubeconfigPath) reject(new Error(m.error ?? 'no kubeconfig'));
        kubeconfig = m.kubeconfigPath ?? '';
        resolve();
      }
    });
  });
  worker.postMessage({ type: 'start', options: { nodes: 1, seed: 1, speed: 10, serve: { port: 0, dir } } });
  let pf: ChildProcess | undefined;
  try {
    await served;
    const client = new KubeClient(transport);
    const refused = await new Promise<Status | undefined>((resolve) => void client.streamLog('default', 'web', { follow: true }, () => undefined, resolve));
    assert.deepEqual([refused?.code, refused?.message], [404, 'pods "web" not found']);

    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };
    assert.ok(!isStatus(await client.create(PODS, pod)));
    await until(async () => {
      const p = await client.get<Pod>(PODS, 'default', 'web');
      return !isStatus(p) && p.status?.phase === 'Running';
    }, 'the pod to run');

    let text = '';
    let ended: { error?: Status } | undefined;
    streamMessages.length = 0;
    await client.streamLog('default', 'web', { follow: true }, (c) => (text += c), (error) => (ended = { ...(error ? { error } : {}) }));
    await until(() => text.includes('start worker process'), 'the log so far');
    assert.equal(streamMessages.length, 1, 'the log so far is one message');

    pf = spawn('kubectl', ['--kubeconfig', kubeconfig, 'port-forward', 'pod/web', ':80'], { env: { ...process.env, HOME: dir, KUBECONFIG: '' } });
    let pfOut = '';
    pf.stdout?.on('data', (d: Buffer) => (pfOut += d.toString()));
    await until(() => /127\.0\.0\.1:(\d+) -> 80/.test(pfOut), 'port-forward to listen');
    const port = Number(/127\.0\.0\.1:(\d+) -> 80/.exec(pfOut)?.[1]);
    assert.equal(await httpGet(port, '/followed'), 404);
    await until(() => text.includes('"GET /followed HTTP/1.1" 404 153 "-" "curl/8.5.0" "-"\n'), 'the access log line');
    assert.equal(ended, undefined);

    assert.ok(!isStatus(await client.delete(PODS, 'default', 'web', { gracePeriodSeconds: 0 })));
    await until(() => ended !== undefined, 'the stream to end with the container');
    assert.deepEqual(ended, {});
    assert.deepEqual(streamMessages.at(-1), { type: 'streamEnd', id: (streamMessages[0] as { id: number }).id });
  } finally {
    pf?.kill();
    await worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
});
