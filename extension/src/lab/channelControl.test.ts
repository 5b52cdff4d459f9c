import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { HostMessage, LabMessage, LabOptions } from './channel';
import type { LabControl } from './labControl';
import { DurableStore } from './store/durableStore';

/** LabWorker is the lab's worker thread driven over the channel, as LabHost drives it. */
class LabWorker {
  readonly worker: Worker;
  private next = 1;
  readonly messages: LabMessage[] = [];
  private readonly waiters: { match: (m: LabMessage) => boolean; resolve: (m: LabMessage) => void }[] = [];

  constructor() {
    // The worker entry is TypeScript here, so the worker registers tsx before loading it.
    const entry = join(__dirname, 'worker.ts');
    this.worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
    this.worker.on('message', (m: LabMessage) => {
      this.messages.push(m);
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
  }

  send(m: HostMessage): void {
    this.worker.postMessage(m);
  }

  waitFor(match: (m: LabMessage) => boolean): Promise<LabMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  async start(options: Partial<LabOptions> = {}): Promise<LabMessage> {
    this.send({ type: 'start', options: { nodes: 2, seed: 1, speed: 1, ...options } });
    return this.waitFor((m) => m.type === 'state' && (m.state === 'running' || m.error !== undefined));
  }

  async control(op: LabControl): Promise<Extract<LabMessage, { type: 'controlResult' }>> {
    const id = this.next++;
    this.send({ type: 'control', id, op });
    return (await this.waitFor((m) => m.type === 'controlResult' && m.id === id)) as Extract<LabMessage, { type: 'controlResult' }>;
  }

  async stop(): Promise<void> {
    this.send({ type: 'stop' });
    await this.waitFor((m) => m.type === 'state' && m.state === 'stopped' && m.error === undefined);
    await this.worker.terminate();
  }
}

test('control requests are answered over the channel with results or errors', async () => {
  const lab = new LabWorker();
  try {
    assert.deepEqual(await lab.control({ op: 'addNode' }), { type: 'controlResult', id: 1, error: 'the lab is not running' });
    const started = await lab.start({ nodeSize: { cpu: '2', memory: '2Gi', pods: '30' } });
    assert.equal(started.type === 'state' && started.error, undefined);
    assert.deepEqual(await lab.control({ op: 'addNode' }), { type: 'controlResult', id: 2, result: { node: 'node-3' } });
    assert.deepEqual(await lab.control({ op: 'stopNode', name: 'node-2' }), { type: 'controlResult', id: 3, result: { node: 'node-2', kubelet: 'stopped' } });
    assert.deepEqual(await lab.control({ op: 'listNodes' }), { type: 'controlResult', id: 4, result: { nodes: [{ name: 'node-1', kubelet: 'running' }, { name: 'node-2', kubelet: 'stopped' }, { name: 'node-3', kubelet: 'running' }] } });
    assert.deepEqual(await lab.control({ op: 'removeNode', name: 'node-7' }), { type: 'controlResult', id: 5, error: 'nodes "node-7" not found' });
    const saved = await lab.control({ op: 'snapshotSave' });
    const snapshot = saved.result as { revision: number; kvs: { key: string }[] };
    assert.ok(snapshot.kvs.some((kv) => kv.key === '/registry/minions/node-3'), 'the new node is in the snapshot');
    assert.deepEqual(await lab.control({ op: 'snapshotRestore', snapshot: { revision: 0, kvs: [] } }), { type: 'controlResult', id: 7, error: 'not a KubeLab snapshot: revision: must be a positive integer' });
    const restored = await lab.control({ op: 'snapshotRestore', snapshot });
    assert.deepEqual(restored.result, { revision: snapshot.revision, nodes: ['node-1', 'node-2', 'node-3'] });
  } finally {
    await lab.stop();
  }
});

test('a bad setting stops the start with upstream\'s message', async () => {
  const lab = new LabWorker();
  try {
    const started = await lab.start({ admissionPlugins: { enable: ['NoSuchPlugin'] } });
    assert.deepEqual(started, { type: 'state', state: 'stopped', error: 'enable-admission-plugins plugin "NoSuchPlugin" is unknown' });
    const sized = await new Promise<LabMessage>((resolve) => {
      lab.messages.length = 0;
      void lab.start({ nodeSize: { cpu: 'lots', memory: '1Gi', pods: '10' } }).then(resolve);
    });
    assert.deepEqual(sized, { type: 'state', state: 'stopped', error: 'node cpu "lots": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'' });
  } finally {
    await lab.stop();
  }
});

test('with persistence every acknowledged write is in the store folder: a stopped or a killed lab comes back with its cluster', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-persist-'));
  const path = join(dir, '.kubelab', 'store');
  try {
    const first = new LabWorker();
    await first.start({ persistence: { path } });
    assert.deepEqual((await first.control({ op: 'addNode' })).result, { node: 'node-3' });
    const { result } = await first.control({ op: 'snapshotSave' });
    await first.stop();
    assert.deepEqual(first.messages.find((m) => m.type === 'persisted'), { type: 'persisted', path });
    const store = await DurableStore.open({ dir: path });
    assert.ok((await store.revision()) >= (result as { revision: number }).revision);
    await store.close();

    const second = new LabWorker();
    await second.start({ persistence: { path }, nodes: 1 });
    assert.deepEqual((await second.control({ op: 'listNodes' })).result, { nodes: [{ name: 'node-1', kubelet: 'running' }, { name: 'node-2', kubelet: 'running' }, { name: 'node-3', kubelet: 'running' }] });
    assert.deepEqual((await second.control({ op: 'addNode' })).result, { node: 'node-4' });
    // Killed, not stopped: the acknowledged write is on disk all the same.
    await second.worker.terminate();

    const third = new LabWorker();
    try {
      await third.start({ persistence: { path }, nodes: 1 });
      assert.deepEqual((await third.control({ op: 'listNodes' })).result, { nodes: ['node-1', 'node-2', 'node-3', 'node-4'].map((name) => ({ name, kubelet: 'running' })) });
    } finally {
      await third.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a persisted store that is damaged stops the start and is left as it is', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-persist-'));
  const checkpoint = join(dir, 'checkpoint.json');
  try {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(checkpoint, '{"revision": 3}');
    const lab = new LabWorker();
    try {
      assert.deepEqual(await lab.start({ persistence: { path: dir } }), { type: 'state', state: 'stopped', error: `cannot restore the lab from ${dir}: cannot open the store: ${checkpoint} is not a KubeLab store checkpoint (kind KubeLabStore, version 1)` });
    } finally {
      await lab.stop();
    }
    assert.equal(await readFile(checkpoint, 'utf8'), '{"revision": 3}');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
