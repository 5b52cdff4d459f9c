// HTTPS front door benchmarks, run by `npm run bench` on Node 24 with tsx.
// stdout carries one JSON object per line; everything else goes to stderr.
//
// http.get.pods.10k.ms       what `kubectl get pods -A` does against 10,000 pods: pages of
//                            500 (kubectl's --chunk-size) with continue tokens, each asked
//                            for as a meta.k8s.io Table, over TLS with the admin's client
//                            certificate; the whole walk, median of several (target ≤ 500).
// http.watch.events_per_s    watch events delivered over HTTPS to one client: a watch from
//                            an old resourceVersion replays 20,000 changes as fast as the
//                            server, TLS and the client's line parsing allow (target ≥ 20,000).
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../extension/src/lab/clock';
import { Lab } from '../../extension/src/lab/lab';
import { FrontDoor } from '../../extension/src/lab/apiserver/http/server';
import { tableConvertor } from '../../extension/src/lab/apiserver/http/tables';
import { createLabPki } from '../../extension/src/lab/pki/labPki';
import { nodeEntropy } from '../../extension/src/lab/pki/nodeEntropy';
import { emit, log, round } from './report';

const PODS = 10_000;
const CHUNK = 500;
const LIST_RUNS = 5;
const WATCH_EVENTS = 20_000;
const LIST_TARGET_MS = 500;
const WATCH_TARGET = 20_000;
/** What kubectl 1.32 sends for `get` (cmd/get: the Table media types, then plain JSON). */
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';


async function main(): Promise<void> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock });
  await lab.startApiServer();
  const call = (r: Parameters<Lab['server']['handle']>[0]) => lab.server.handle(lab.asAdmin(r));
  await call({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } });
  const pki = createLabPki(nodeEntropy(), Date.now());
  const door = await FrontDoor.start({ server: lab.server, tls: { caPem: pki.ca.certPem, certPem: pki.apiServer.certPem, keyPem: pki.apiServer.keyPem }, toTable: tableConvertor(lab.server, clock), clock });
  const agent = new Agent({ keepAlive: true, ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem });
  const get = (path: string, accept: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: door.port, path, agent, headers: { accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

  log(`creating ${PODS} pods`);
  for (let i = 0; i < PODS; i++) {
    const res = await call({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } });
    if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  }

  const walk = async (): Promise<{ ms: number; rows: number; pages: number }> => {
    const t0 = performance.now();
    let cont = '';
    let rows = 0;
    let pages = 0;
    do {
      const res = await get(`/api/v1/pods?limit=${CHUNK}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, TABLE_ACCEPT);
      if (res.status !== 200) throw new Error(`list failed ${res.status}: ${res.body.slice(0, 300)}`);
      const table = JSON.parse(res.body) as { kind: string; rows: unknown[]; metadata: { continue?: string } };
      if (table.kind !== 'Table') throw new Error(`expected a Table, got ${table.kind}`);
      rows += table.rows.length;
      pages++;
      cont = table.metadata.continue ?? '';
    } while (cont);
    return { ms: performance.now() - t0, rows, pages };
  };
  await walk();
  const runs: number[] = [];
  let last = { rows: 0, pages: 0 };
  for (let i = 0; i < LIST_RUNS; i++) {
    const w = await walk();
    runs.push(w.ms);
    last = w;
  }
  runs.sort((a, b) => a - b);
  if (last.rows !== PODS) throw new Error(`listed ${last.rows} rows, expected ${PODS}`);
  emit({ bench: 'http.get.pods.10k.ms', value: round(runs[Math.floor(runs.length / 2)]), unit: 'ms', target: LIST_TARGET_MS, min: round(runs[0]), max: round(runs[runs.length - 1]), pods: PODS, pages: last.pages, chunk: CHUNK });

  // History to replay: WATCH_EVENTS changes to configmaps after a known revision.
  const from = await lab.store.revision();
  log(`writing ${WATCH_EVENTS} configmap changes`);
  for (let i = 0; i < WATCH_EVENTS; i++) {
    await call({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { n: String(i) } } });
  }
  const received = await new Promise<{ ms: number; events: number }>((resolve, reject) => {
    const t0 = performance.now();
    let events = 0;
    let buffered = '';
    const req = request({ host: '127.0.0.1', port: door.port, path: `/api/v1/configmaps?watch=true&resourceVersion=${from}`, agent, headers: { accept: 'application/json' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const e = JSON.parse(line) as { type: string };
          if (e.type === 'ADDED') events++;
          if (events === WATCH_EVENTS) {
            resolve({ ms: performance.now() - t0, events });
            req.destroy();
            return;
          }
        }
      });
      res.on('error', reject);
    });
    req.on('error', (err) => (events === WATCH_EVENTS ? undefined : reject(err)));
    req.end();
  });
  emit({ bench: 'http.watch.events_per_s', value: Math.round(received.events / (received.ms / 1000)), unit: 'events/s', target: WATCH_TARGET, events: received.events, ms: round(received.ms) });

  agent.destroy();
  await door.stop();
  lab.stop();
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
