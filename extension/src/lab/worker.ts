/**
 * worker is the lab's worker-thread entry: it builds a Lab on a scaled real-time
 * clock and serves the channel protocol, so the simulation never blocks the
 * editor's extension host.
 */
import { parentPort } from 'node:worker_threads';
import type { HostMessage, LabMessage } from './channel';
import { ChannelStreams } from './channelStreams';
import { RealClock, ScaledClock } from './clock';
import { Lab } from './lab';
import { runControl } from './labControl';
import { nodeEntropy } from './pki/nodeEntropy';
import type { LabPki } from './pki/labPki';
import { type Served, labPki, serveLab } from './serve';
import { DurableStore } from './store/durableStore';
import type { WatchEvent } from './api/types';

const port = parentPort;
if (!port) throw new Error('labWorker must run in a worker thread');

let lab: Lab | undefined;
let served: Served | undefined;
/** persistence is the running lab's durable store and its folder, when the host asked for one: every acknowledged write is on disk, and stop folds the log into its checkpoint. */
let persistence: { path: string; store: DurableStore } | undefined;
const watches = new Map<number, { cancel(): void }>();
const post = (m: LabMessage): void => port.postMessage(m);
const streams = new ChannelStreams(post);

/** Watch events are sent in batches, one message per watch per turn of the event loop. */
const batches = new Map<number, WatchEvent[]>();
let flushScheduled = false;
function queueEvent(id: number, e: WatchEvent): void {
  const list = batches.get(id);
  if (list) list.push(e);
  else batches.set(id, [e]);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    for (const [wid, events] of batches) post({ type: 'watchEvents', id: wid, events });
    batches.clear();
  });
}

async function handle(m: HostMessage): Promise<void> {
  switch (m.type) {
    case 'start': {
      if (lab) return;
      const o = m.options;
      post({ type: 'state', state: 'starting' });
      // A served lab's PKI, read or issued before the lab starts.
      let pki: LabPki | undefined;
      try {
        const clock = new ScaledClock(o.speed);
        if (o.persistence) {
          const quota = o.storeQuotaBytes !== undefined ? { quotaBytes: o.storeQuotaBytes } : {};
          const store = await DurableStore.open({ dir: o.persistence.path, memory: { clock, ...quota } }).catch((err: unknown) => {
            throw new Error(`cannot restore the lab from ${o.persistence?.path ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
          });
          persistence = { path: o.persistence.path, store };
        }
        // A served lab's PKI comes first, so its CA is published in every namespace; if it cannot be made, serving says why below.
        pki = o.serve ? await labPki(o.serve.dir, nodeEntropy(), new RealClock().now()).catch(() => undefined) : undefined;
        lab = new Lab({
          nodes: o.nodes, seed: o.seed, clock, stopwatch: () => performance.now(),
          ...(o.nodeSize ? { nodeCapacity: o.nodeSize } : {}),
          ...(o.kubeProxyMode ? { kubeProxyMode: o.kubeProxyMode } : {}),
          ...(o.controlPlaneNode ? { controlPlaneNode: true } : {}),
          ...(o.hostPorts ? { hostPorts: true } : {}),
          ...(o.controlPlaneReplicas ? { schedulerReplicas: o.controlPlaneReplicas, controllerManagerReplicas: o.controlPlaneReplicas } : {}),
          ...(o.storeQuotaBytes !== undefined ? { storeQuotaBytes: o.storeQuotaBytes } : {}),
          ...(o.admissionPlugins ? { admissionPlugins: o.admissionPlugins } : {}),
          ...(persistence ? { durable: persistence.store } : {}),
          ...(o.store ? { store: o.store } : {}),
          ...(pki ? { rootCA: pki.ca.certPem } : {}),
        });
        await lab.start();
        post({ type: 'state', state: 'running' });
      } catch (err) {
        lab?.stop();
        lab = undefined;
        await persistence?.store.close().catch(() => undefined);
        persistence = undefined;
        post({ type: 'state', state: 'stopped', error: err instanceof Error ? err.message : String(err) });
        return;
      }
      const serve = o.serve;
      if (serve) {
        // The worker is the composition root's edge: the PKI is issued with node:crypto's keys and the wall clock.
        try {
          served = await serveLab(lab, { ...serve, entropy: nodeEntropy(), now: new RealClock().now(), ...(pki ? { pki } : {}) });
          post({ type: 'served', url: served.url, kubeconfigPath: served.kubeconfigPath });
        } catch (err) {
          post({ type: 'served', error: err instanceof Error ? err.message : String(err) });
        }
      }
      return;
    }
    case 'stop':
      for (const w of watches.values()) w.cancel();
      watches.clear();
      streams.stopAll();
      await served?.stop();
      served = undefined;
      lab?.stop();
      lab = undefined;
      if (persistence) {
        const { path, store } = persistence;
        persistence = undefined;
        // Every acknowledged write is on disk already; closing folds the log into the checkpoint.
        const error = await store.close().then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)));
        post({ type: 'persisted', path, ...(error ? { error } : {}) });
      }
      post({ type: 'state', state: 'stopped' });
      return;
    case 'request': {
      if (!lab) return post({ type: 'response', id: m.id, response: { status: 503, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the lab is not running', reason: 'ServiceUnavailable', code: 503 } } });
      post({ type: 'response', id: m.id, response: await lab.server.handle(lab.asAdmin(m.request)) });
      return;
    }
    case 'watch': {
      if (!lab) return post({ type: 'watchEnd', id: m.id });
      let lastError: WatchEvent['object'] | undefined;
      const res = await lab.server.watch(lab.asAdmin(m.request), {
        event: (e) => {
          if (e.type === 'ERROR') lastError = e.object;
          queueEvent(m.id, e);
        },
        close: () => {
          watches.delete(m.id);
          setImmediate(() => post({ type: 'watchEnd', id: m.id, ...(lastError ? { error: lastError as never } : {}) }));
        },
      });
      if ('status' in res) post({ type: 'watchEnd', id: m.id, error: res.body as never });
      else watches.set(m.id, res);
      return;
    }
    case 'unwatch':
      watches.get(m.id)?.cancel();
      watches.delete(m.id);
      return;
    case 'control': {
      if (!lab) return post({ type: 'controlResult', id: m.id, error: 'the lab is not running' });
      // A throw here is a bug, but the host still gets an answer rather than waiting for ever.
      const answer = await runControl(lab, m.op).catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
      post('error' in answer ? { type: 'controlResult', id: m.id, error: answer.error } : { type: 'controlResult', id: m.id, result: answer });
      return;
    }
    case 'stream':
      return streams.start(m.id, lab?.server, lab ? lab.asAdmin(m.request) : m.request);
    case 'unstream':
      streams.stop(m.id);
      return;
  }
}

port.on('message', (m: HostMessage) => void handle(m));
