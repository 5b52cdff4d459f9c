/**
 * Integration: traffic through the modelled network on the whole lab (manual
 * clock). Requests from a pod go through its node's kube-proxy rules in each
 * mode — iptables' probabilities, IPVS's round robin, nftables' numgen — to
 * the answering pod's server, whose log records them; a PacketTrace shows
 * each hop; wget and curl in containers reach Services.
 */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { test } from 'node:test';
import { isStatus, type KubeObject, type Pod } from '../api/types';
import type { ManualClock } from '../clock';
import { PODS } from '../client/resources';
import { ENDPOINTSLICES, SERVICES } from '../controllers/kubernetesService';
import type { KubeProxyMode, Lab } from '../lab';
import { Collector, closedPipe } from '../kubelet/pipe';
import { Interrupt } from '../kubelet/process';
import { startTestLab } from '../testLab';
import { PACKETTRACES, type PacketTrace } from './packetTrace';
import type { EndpointSlice } from './serviceInfo';

/** hostnamePod is agnhost serve-hostname pinned to a node: it answers with its pod's name. */
export function hostnamePod(name: string, node: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'hostname' } },
    spec: { nodeName: node, containers: [{ name: 'serve', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['serve-hostname'] }] },
  };
}

const clientPod = (name: string, node: string, image = 'busybox:1.37'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { nodeName: node, containers: [{ name: 'box', image, ...(image.startsWith('busybox') ? { command: ['sleep', '3600'] } : {}) }] },
});

export const hostnameService = (type = 'ClusterIP', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'hostname', namespace: 'default' },
  spec: { type, selector: { app: 'hostname' }, ports: [{ port: 80, targetPort: 9376 }], ...extra },
});

/** Cluster is a lab with the hostname Service's pods on the given nodes and a client pod on node-1. */
interface Cluster {
  lab: Lab;
  clock: ManualClock;
  client: Pod;
  clusterIP: string;
  endpoints: string[];
}

async function getPod(lab: Lab, name: string): Promise<Pod> {
  const p = await lab.client().get<Pod>(PODS, 'default', name);
  assert.ok(!isStatus(p), JSON.stringify(p));
  return p;
}

/** cluster starts a lab in a proxy mode with backends on nodes and waits until every node's rules have them. */
export async function cluster(mode: KubeProxyMode, backends: [string, string][], options: { hostPorts?: boolean; type?: string; nodes?: number } = {}): Promise<Cluster> {
  const { lab, clock } = await startTestLab(options.nodes ?? 3, 7, { kubeProxyMode: mode, ...(options.hostPorts ? { hostPorts: true } : {}) });
  const admin = lab.client();
  for (const [name, node] of backends) assert.ok(!isStatus(await admin.create(PODS, hostnamePod(name, node))));
  assert.ok(!isStatus(await admin.create(PODS, clientPod('client', 'node-1'))));
  const svc = await admin.create(SERVICES, hostnameService(options.type));
  assert.ok(!isStatus(svc), JSON.stringify(svc));
  let endpoints: string[] = [];
  for (let i = 0; i < 90 && endpoints.length < backends.length; i++) {
    await clock.advance(1000);
    const slices = await admin.list<EndpointSlice>(ENDPOINTSLICES, 'default', { labelSelector: 'kubernetes.io/service-name=hostname' });
    if (isStatus(slices)) continue;
    endpoints = slices.items.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).map((e) => `${e.addresses?.[0] ?? ''}:9376`)).sort();
  }
  assert.equal(endpoints.length, backends.length, 'every backend is a ready endpoint');
  // Each kube-proxy syncs within its minimum sync period.
  await clock.advance(2000);
  return { lab, clock, client: await getPod(lab, 'client'), clusterIP: String((svc.spec as { clusterIP?: string }).clusterIP), endpoints };
}

/** request sends one HTTP GET from a pod's IP through the engine and returns who answered. */
async function request(lab: Lab, fromIP: string, ip: string, port: number): Promise<{ body: string; endpoint?: string; outcome: string }> {
  const { flow, socket } = lab.traffic.engine.connect({ kind: 'pod', ip: fromIP }, ip, port);
  if (!socket) return { body: '', outcome: flow.outcome };
  socket.send.write('GET / HTTP/1.1\r\nHost: hostname\r\nConnection: close\r\n\r\n');
  socket.send.end();
  const raw = (await socket.receive.readAll()).toString();
  return { body: raw.slice(raw.indexOf('\r\n\r\n') + 4), ...(flow.endpoint ? { endpoint: flow.endpoint } : {}), outcome: flow.outcome };
}

/** httpGet makes a real HTTP request on a connection of its own. */
function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** execIn runs argv in a pod's first container, stepping the clock while it runs. */
async function execIn(lab: Lab, clock: ManualClock, pod: Pod, argv: string[]): Promise<{ out: string; err: string; code: number }> {
  const kubelet = lab.kubelets.find((k) => k.nodeName === pod.spec.nodeName);
  assert.ok(kubelet);
  const record = kubelet.runtime.sandbox(pod.metadata.uid ?? '')?.containers.get(pod.spec.containers[0].name);
  assert.ok(record);
  const out = new Collector();
  const err = new Collector();
  let done = false;
  const run = kubelet.runtime.exec(record, argv, { stdin: closedPipe(), stdout: out, stderr: err }, new Interrupt()).finally(() => (done = true));
  for (let i = 0; i < 400 && !done; i++) await clock.advance(500);
  const result = await run;
  assert.ok('exitCode' in result, JSON.stringify(result));
  return { out: out.text, err: err.text, code: result.exitCode };
}

const BACKENDS: [string, string][] = [['hostname-a', 'node-1'], ['hostname-b', 'node-2'], ['hostname-c', 'node-3']];

test('iptables mode: 3,000 requests to a 3-endpoint Service split by the rules\' probabilities, each endpoint within 1000±100', async () => {
  const { lab, client, clusterIP, endpoints } = await cluster('iptables', BACKENDS);
  try {
    const counts = new Map<string, number>();
    const answeredBy = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const r = await request(lab, client.status?.podIP ?? '', clusterIP, 80);
      assert.equal(r.outcome, 'Delivered');
      counts.set(r.endpoint ?? '', (counts.get(r.endpoint ?? '') ?? 0) + 1);
      answeredBy.set(r.endpoint ?? '', r.body);
    }
    assert.deepEqual([...counts.keys()].sort(), endpoints);
    for (const [ep, n] of counts) assert.ok(n >= 900 && n <= 1100, `${ep}: ${n} of 3000`);
    // The pod at each endpoint answered: serve-hostname prints its pod's name.
    assert.deepEqual([...answeredBy.values()].sort(), ['hostname-a', 'hostname-b', 'hostname-c']);
  } finally {
    lab.stop();
  }
});

test('IPVS mode: requests rotate over the real servers in exact round robin', async () => {
  const { lab, client, clusterIP, endpoints } = await cluster('ipvs', BACKENDS);
  try {
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) seen.push((await request(lab, client.status?.podIP ?? '', clusterIP, 80)).endpoint ?? '');
    const first = seen.slice(0, 3);
    assert.deepEqual([...first].sort(), endpoints, 'each real server once per round');
    for (let i = 0; i < 30; i++) assert.equal(seen[i], first[i % 3], `request ${i}`);
  } finally {
    lab.stop();
  }
});

test('nftables mode: numgen spreads requests over every endpoint', async () => {
  const { lab, client, clusterIP, endpoints } = await cluster('nftables', BACKENDS);
  try {
    const counts = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const r = await request(lab, client.status?.podIP ?? '', clusterIP, 80);
      counts.set(r.endpoint ?? '', (counts.get(r.endpoint ?? '') ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), endpoints);
    for (const [ep, n] of counts) assert.ok(n >= 140 && n <= 260, `${ep}: ${n} of 600`);
  } finally {
    lab.stop();
  }
});

test('a pod on node-1 reaches a Service whose pods are on node-2 and node-3; its PacketTrace shows each hop', async () => {
  const { lab, clock, clusterIP, endpoints } = await cluster('iptables', [['hostname-b', 'node-2'], ['hostname-c', 'node-3']]);
  try {
    const admin = lab.client();
    // CoreDNS answers once its pods are ready.
    await clock.advance(30_000);
    const created = await admin.create<PacketTrace>(PACKETTRACES, {
      apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'PacketTrace', metadata: { name: 'to-hostname' },
      spec: { source: { pod: 'default/client' }, destination: { dnsName: 'hostname', port: 80 } },
    });
    assert.ok(!isStatus(created), JSON.stringify(created));
    let trace: PacketTrace | undefined;
    for (let i = 0; i < 20 && !trace?.status?.completionTime; i++) {
      await clock.advance(100);
      const got = await admin.get<PacketTrace>(PACKETTRACES, '', 'to-hostname');
      if (!isStatus(got)) trace = got;
    }
    const st = trace?.status;
    assert.ok(st, 'the tracer wrote a status');
    assert.equal(st.outcome, 'Delivered', JSON.stringify(st, null, 1));
    assert.equal(st.resolution?.address, clusterIP);
    assert.equal(st.resolution?.name, 'hostname.default.svc.cluster.local');
    assert.equal(st.resolution?.via, 'dns');
    assert.ok(endpoints.includes(st.endpoint ?? ''));
    const node = st.node ?? '';
    assert.ok(node === 'node-2' || node === 'node-3');
    const types = (st.hops ?? []).map((h) => h.type);
    // resolve, the client's veth and bridge, the rules, DNAT, masquerade-free route to the other node, its bridge and veth, delivery, reply.
    for (const t of ['resolve', 'veth', 'bridge', 'rule', 'nat', 'route', 'deliver', 'response']) assert.ok(types.includes(t as never), `a ${t} hop: ${types.join(',')}`);
    const hops = st.hops ?? [];
    const rules = hops.filter((h) => h.type === 'rule');
    assert.ok(rules.some((h) => h.chain === 'PREROUTING' && h.rule === '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'), JSON.stringify(rules));
    assert.ok(rules.some((h) => h.chain === 'KUBE-SERVICES' && h.rule?.includes(`-d ${clusterIP} --dport 80 -j KUBE-SVC-`)));
    assert.ok(rules.some((h) => h.probability === 0.5), 'the 2-endpoint ladder\'s first rule is drawn at 0.5');
    const dnat = hops.find((h) => h.type === 'nat');
    assert.equal(dnat?.text, `DNAT ${clusterIP}:80 → ${st.endpoint ?? ''}`);
    assert.equal(dnat?.node, 'node-1');
    const route = hops.find((h) => h.type === 'route' && h.node === 'node-1');
    assert.match(route?.text ?? '', new RegExp(`via 172\\.18\\.0\\.${node === 'node-2' ? 3 : 4} dev eth0`));
    const last = hops.filter((h) => h.type === 'veth').at(-1);
    assert.equal(last?.node, node);
    assert.match(last?.text ?? '', /^veth[0-9a-f]{8} → pod default\/hostname-[bc] eth0/);
    assert.equal(hops.at(-1)?.text, `${st.client ?? ''} receives the reply from ${clusterIP}:80`);
    // A pod-to-Service connection inside the cluster keeps its source: no masquerade.
    assert.ok(!hops.some((h) => h.text.startsWith('MASQUERADE')));
  } finally {
    lab.stop();
  }
});

test('busybox wget and curl in nginx reach a ClusterIP; the answering pod\'s log records the request', async () => {
  const { lab, clock, client, clusterIP } = await cluster('iptables', [['hostname-b', 'node-2']]);
  try {
    const got = await execIn(lab, clock, client, ['wget', '-qO-', `http://${clusterIP}/`]);
    assert.deepEqual(got, { out: 'hostname-b', err: '', code: 0 });
    // CoreDNS passes its readiness probe a period (10 s) after the nodes got their pod ranges from the node IPAM.
    await clock.advance(10_000);
    const byName = await execIn(lab, clock, client, ['wget', '-O-', 'http://hostname/']);
    assert.equal(byName.out, 'hostname-b');
    assert.match(byName.err, new RegExp(`^Connecting to hostname \\(${clusterIP.replace(/\./g, '\\.')}:80\\)\nwriting to stdout\n`));
    const admin = lab.client();
    assert.ok(!isStatus(await admin.create(PODS, clientPod('web', 'node-3', 'nginx:1.27'))));
    await clock.advance(30_000);
    const nginx = await getPod(lab, 'web');
    const viaCurl = await execIn(lab, clock, nginx, ['curl', '-s', `http://${clusterIP}/`]);
    assert.deepEqual(viaCurl, { out: 'hostname-b', err: '', code: 0 });
    // wget from node-1 to nginx on node-3: nginx's access log has the client pod's address and wget's agent.
    const page = await execIn(lab, clock, client, ['wget', '-qO-', `http://${nginx.status?.podIP ?? ''}/`]);
    assert.match(page.out, /<title>Welcome to nginx!<\/title>/);
    const record = lab.kubelets.find((k) => k.nodeName === 'node-3')?.runtime.sandbox(nginx.metadata.uid ?? '')?.containers.get('box');
    const access = (record?.log.lines() ?? []).filter((l) => l.stream === 'stdout').map((l) => l.line);
    assert.ok(access.some((l) => l.startsWith(`${client.status?.podIP ?? ''} - - [`) && l.endsWith('"GET / HTTP/1.1" 200 615 "-" "Wget" "-"')), access.join('\n'));
  } finally {
    lab.stop();
  }
});

test('no endpoints: the filter table rejects (connection refused); an address nobody has times out', async () => {
  const { lab, clock, client } = await cluster('iptables', []);
  try {
    const svc = await lab.client().get(SERVICES, 'default', 'hostname');
    assert.ok(!isStatus(svc));
    const ip = String((svc.spec as { clusterIP?: string }).clusterIP);
    const refused = await execIn(lab, clock, client, ['wget', '-qO-', `http://${ip}/`]);
    assert.deepEqual(refused, { out: '', err: `wget: can't connect to remote host (${ip}): Connection refused\n`, code: 1 });
    const flow = lab.traffic.engine.trace({ kind: 'pod', ip: client.status?.podIP ?? '' }, ip, 80);
    const reject = flow.hops.find((h) => h.type === 'reject');
    assert.equal(reject?.rule, `-A KUBE-SERVICES -m comment --comment "default/hostname has no endpoints" -m tcp -p tcp -d ${ip} --dport 80 -j REJECT`);
    assert.equal(reject?.table, 'filter');
    const started = clock.now();
    const away = await execIn(lab, clock, client, ['wget', '-qO-', 'http://192.0.2.7/']);
    assert.deepEqual(away, { out: '', err: 'wget: can\'t connect to remote host (192.0.2.7): Connection timed out\n', code: 1 });
    assert.ok(clock.now() - started >= 127_000);
    const noPod = await execIn(lab, clock, client, ['wget', '-qO-', 'http://10.244.2.200/']);
    assert.equal(noPod.err, 'wget: can\'t connect to remote host (10.244.2.200): No route to host\n');
  } finally {
    lab.stop();
  }
});

test('a NodePort Service answers a real HTTP request from the test process on 127.0.0.1, from a pod in the lab', async () => {
  const { lab, clock } = await cluster('iptables', [['hostname-b', 'node-2'], ['hostname-c', 'node-3']], { hostPorts: true, type: 'NodePort' });
  try {
    const svc = await lab.client().get(SERVICES, 'default', 'hostname');
    assert.ok(!isStatus(svc));
    const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    const hostPort = await lab.hostPorts?.hostPortOf(nodePort);
    assert.ok(hostPort, 'the node port listens on the host');
    // The mapping is on the Service for the UI and kubectl.
    let annotated: string | undefined;
    for (let i = 0; i < 20 && !annotated; i++) {
      await clock.advance(100);
      const s = await lab.client().get(SERVICES, 'default', 'hostname');
      if (!isStatus(s)) annotated = s.metadata.annotations?.['lab.kubelab.dev/host-port'];
    }
    assert.equal(annotated, `127.0.0.1:${hostPort}`);
    // One connection per request (as `curl` makes), so kube-proxy's rules choose a pod each time.
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await httpGet(`http://127.0.0.1:${hostPort}/`);
      assert.equal(res.status, 200);
      answers.add(res.body);
    }
    assert.deepEqual([...answers].sort(), ['hostname-b', 'hostname-c']);
    // Deleting the Service closes the port.
    assert.ok(!isStatus(await lab.client().delete(SERVICES, 'default', 'hostname')));
    for (let i = 0; i < 10 && lab.hostPorts?.mappings().length; i++) await clock.advance(100);
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(httpGet(`http://127.0.0.1:${hostPort}/`));
  } finally {
    lab.stop();
  }
});
