// kube-proxy benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24 with tsx.
// stdout carries one JSON object per line; everything else goes to stderr.
//
// proxy.sync.10ksvc.ms          a full iptables sync of SERVICES Services with ENDPOINTS ready
//                               endpoints each (a node's whole rule set built and rendered as
//                               iptables-restore input, as syncProxyRules writes it), median of
//                               RUNS after a warm-up (target ≤ 1,000 ms).
// proxy.sync.incremental.ms     a partial sync after one endpoint of one Service changes: that
//                               Service's chains and every top-level chain rewritten, median of
//                               RUNS changes (target ≤ 10 ms).
// net.requests_per_s            HTTP requests through a NodePort Service from the host: real
//                               connections to 127.0.0.1 (one per request, CONCURRENCY at a time)
//                               entering node-1, through its iptables rules to one of 3 agnhost
//                               serve-hostname pods on the lab's 3 nodes and back.
import { performance } from 'node:perf_hooks';
import { IptablesProxier } from '../../extension/src/lab/network/iptablesProxier';
import { labProxierConfig } from '../../extension/src/lab/network/kubeProxy';
import { ProxyState, SERVICE_NAME_LABEL, type EndpointSlice, type Service } from '../../extension/src/lab/network/serviceInfo';
import { request as httpRequest } from 'node:http';
import { isStatus, type Pod } from '../../extension/src/lab/api/types';
import { PODS } from '../../extension/src/lab/client/resources';
import { ENDPOINTSLICES, SERVICES as SERVICES_REF } from '../../extension/src/lab/controllers/kubernetesService';
import { startTestLab } from '../../extension/src/lab/testLab';
import { emit, log, percentile, round } from './report';

const SERVICES = 10_000;
const ENDPOINTS = 5;
const RUNS = 5;
const CHANGES = 50;
const FULL_TARGET_MS = 1000;
const INCREMENTAL_TARGET_MS = 10;

const ip = (n: number, base: number): string => `10.${base + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;

function service(i: number): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: `ns${i % 100}`, name: `svc${i}` }, spec: { type: 'ClusterIP', clusterIP: ip(i, 96), ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } };
}

function slice(i: number, generation: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: `ns${i % 100}`, name: `svc${i}-abcde`, labels: { [SERVICE_NAME_LABEL]: `svc${i}` } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: Array.from({ length: ENDPOINTS }, (_, e) => ({ addresses: [ip(i * ENDPOINTS + e + generation, 244)], nodeName: `node-${e % 3 + 1}`, conditions: { ready: true } })),
  };
}

function loaded(): { state: ProxyState; proxier: IptablesProxier } {
  const state = new ProxyState('node-1');
  for (let i = 0; i < SERVICES; i++) {
    const s = service(i);
    state.setService(`${s.metadata.namespace}/${s.metadata.name}`, s);
    const sl = slice(i, 0);
    state.setSlice(`${sl.metadata.namespace}/${sl.metadata.name}`, sl);
  }
  return { state, proxier: new IptablesProxier(state, labProxierConfig({ nodeName: 'node-1', nodeIP: '172.18.0.2', mode: 'iptables', clusterCIDR: '10.244.0.0/14' })) };
}

function fullSync(): void {
  const times: number[] = [];
  let bytes = 0;
  let lines = 0;
  for (let run = 0; run <= RUNS; run++) {
    const { proxier } = loaded();
    const start = performance.now();
    const result = proxier.sync(true);
    const ms = performance.now() - start;
    if (run > 0) times.push(ms);
    bytes = result.restore.length;
    lines = result.restore.split('\n').length - 1;
    log(`full sync ${run === 0 ? '(warm-up) ' : ''}${round(ms)} ms, ${lines} lines`);
  }
  emit({ bench: 'proxy.sync.10ksvc.ms', value: round(percentile(times, 50)), unit: 'ms', target: FULL_TARGET_MS, services: SERVICES, endpointsPerService: ENDPOINTS, mode: 'iptables', restoreBytes: bytes, restoreLines: lines, p95: round(percentile(times, 95)) });
}

function incrementalSync(): void {
  const { state, proxier } = loaded();
  proxier.sync(true);
  const times: number[] = [];
  let lines = 0;
  for (let c = 1; c <= CHANGES; c++) {
    const i = (c * 7919) % SERVICES;
    const sl = slice(i, c * 1_000_000);
    state.setSlice(`${sl.metadata.namespace}/${sl.metadata.name}`, sl);
    const start = performance.now();
    const result = proxier.sync(false);
    times.push(performance.now() - start);
    if (result.full || result.rewritten !== 1) throw new Error(`expected a partial sync of one Service, got ${JSON.stringify({ full: result.full, rewritten: result.rewritten })}`);
    lines = result.restore.split('\n').length - 1;
  }
  emit({ bench: 'proxy.sync.incremental.ms', value: round(percentile(times, 50)), unit: 'ms', target: INCREMENTAL_TARGET_MS, services: SERVICES, changes: CHANGES, restoreLines: lines, p95: round(percentile(times, 95)) });
}

const REQUESTS = 3000;
const CONCURRENCY = 8;

/** hostGet makes one real HTTP request on its own connection and resolves with the body. */
function hostGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function netRequests(): Promise<void> {
  const { lab, clock } = await startTestLab(3, 7, { hostPorts: true });
  try {
    const admin = lab.client();
    for (let i = 1; i <= 3; i++) {
      const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `hostname-${i}`, namespace: 'default', labels: { app: 'hostname' } },
        spec: { nodeName: `node-${i}`, containers: [{ name: 'serve', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['serve-hostname'] }] } };
      if (isStatus(await admin.create(PODS, pod))) throw new Error('pod not created');
    }
    const svc = await admin.create(SERVICES_REF, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hostname', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'hostname' }, ports: [{ port: 80, targetPort: 9376 }] } });
    if (isStatus(svc)) throw new Error(svc.message);
    for (let i = 0; i < 90; i++) {
      await clock.advance(1000);
      const slices = await admin.list<EndpointSlice>(ENDPOINTSLICES, 'default', { labelSelector: `${SERVICE_NAME_LABEL}=hostname` });
      if (!isStatus(slices) && slices.items.flatMap((x) => x.endpoints ?? []).filter((e) => e.conditions?.ready).length === 3) break;
    }
    await clock.advance(2000);
    const nodePort = (svc.spec as unknown as { ports: { nodePort: number }[] }).ports[0].nodePort;
    const port = await lab.hostPorts?.hostPortOf(nodePort);
    if (!port) throw new Error('the node port does not listen on the host');
    for (let i = 0; i < 100; i++) await hostGet(port);
    const answers = new Map<string, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        const body = await hostGet(port);
        answers.set(body, (answers.get(body) ?? 0) + 1);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    log(`net: ${REQUESTS} requests in ${round(seconds * 1000)} ms; answered by ${[...answers].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    emit({ bench: 'net.requests_per_s', value: round(REQUESTS / seconds), unit: 'requests/s', requests: REQUESTS, concurrency: CONCURRENCY, mode: 'iptables', backends: answers.size });
  } finally {
    lab.stop();
  }
}

fullSync();
incrementalSync();
netRequests().catch((err: unknown) => {
  log(`net.requests_per_s failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
