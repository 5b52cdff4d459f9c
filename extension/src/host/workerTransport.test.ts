import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { LabMessage } from '../lab/channel';
import { KubeClient } from '../lab/client/kubeClient';
import { NAMESPACES, PODS } from '../lab/client/resources';
import { isStatus, type Namespace, type Pod, type WatchEvent } from '../lab/api/types';
import { WorkerTransport } from './workerTransport';

test('the lab runs in a worker thread and answers API requests and watches over the channel', async () => {
  // The worker entry is TypeScript here, so the worker registers tsx before loading it.
  const entry = join(__dirname, '..', 'lab', 'worker.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
  const transport = new WorkerTransport(worker);
  const states: string[] = [];
  const running = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: LabMessage) => {
      if (transport.receive(m) || m.type !== 'state') return;
      states.push(m.state);
      if (m.error) reject(new Error(m.error));
      if (m.state === 'running') resolve();
    });
  });
  worker.postMessage({ type: 'start', options: { nodes: 2, seed: 1, speed: 1 } });
  try {
    await running;
    assert.deepEqual(states, ['starting', 'running']);
    const client = new KubeClient(transport);
    const namespaces = await client.list<Namespace>(NAMESPACES);
    assert.ok(!isStatus(namespaces));
    assert.deepEqual(namespaces.items.map((n) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);

    const events: WatchEvent<Pod>[] = [];
    const seen = new Promise<void>((resolve) => {
      void client.watch<Pod>(PODS, 'default', { resourceVersion: namespaces.metadata.resourceVersion }, (e) => {
        events.push(e);
        if (e.type === 'ADDED') resolve();
      }, () => undefined);
    });
    const created = await client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    assert.ok(!isStatus(created));
    await seen;
    assert.equal((events[0].object as Pod).metadata.name, 'p');

    const missing = await client.get(PODS, 'default', 'ghost');
    assert.ok(isStatus(missing));
    assert.equal(missing.message, 'pods "ghost" not found');
  } finally {
    await worker.terminate();
  }
});
