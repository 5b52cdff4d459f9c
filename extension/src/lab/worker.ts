/**
 * worker is the lab's worker-thread entry: it builds a Lab on a scaled real-time
 * clock and serves the channel protocol, so the simulation never blocks the
 * editor's extension host.
 */
import { parentPort } from 'node:worker_threads';
import type { HostMessage, LabMessage } from './channel';
import { RealClock, ScaledClock } from './clock';
import { Lab } from './lab';
import { nodeEntropy } from './pki/nodeEntropy';
import { type Served, serveLab } from './serve';
import type { WatchEvent } from './api/types';

const port = parentPort;
if (!port) throw new Error('labWorker must run in a worker thread');

let lab: Lab | undefined;
let served: Served | undefined;
const watches = new Map<number, { cancel(): void }>();
const post = (m: LabMessage): void => port.postMessage(m);

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
      lab = new Lab({ nodes: m.options.nodes, seed: m.options.seed, clock: new ScaledClock(m.options.speed), stopwatch: () => performance.now() });
      post({ type: 'state', state: 'starting' });
      try {
        await lab.start();
        post({ type: 'state', state: 'running' });
      } catch (err) {
        post({ type: 'state', state: 'stopped', error: err instanceof Error ? err.message : String(err) });
        return;
      }
      const serve = m.options.serve;
      if (serve) {
        // The worker is the composition root's edge: the PKI is issued with node:crypto's keys and the wall clock.
        try {
          served = await serveLab(lab, { ...serve, entropy: nodeEntropy(), now: new RealClock().now() });
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
      await served?.stop();
      served = undefined;
      lab?.stop();
      lab = undefined;
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
  }
}

port.on('message', (m: HostMessage) => void handle(m));
