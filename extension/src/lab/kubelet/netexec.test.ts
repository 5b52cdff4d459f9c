/**
 * Integration: agnhost netexec's /dial on the whole lab (manual clock). A
 * netexec pod dials a Service through its node's kube-proxy rules and answers
 * with the backends' hostnames, as the e2e networking tests read them; bad
 * parameters get netexec's 400s; /exit ends the container with its code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Pod } from '../api/types';
import type { ManualClock } from '../clock';
import { PODS } from '../client/resources';
import { ENDPOINTSLICES, SERVICES } from '../controllers/kubernetesService';
import type { Lab } from '../lab';
import type { EndpointSlice } from '../network/serviceInfo';
import { startTestLab } from '../testLab';
import { formatDuration, parseDuration } from './netexec';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';

const netexecPod = (name: string, node: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
  spec: { nodeName: node, containers: [{ name: 'netexec', image: AGNHOST, args: ['netexec', '--http-port=8080'] }] },
});

interface Setup {
  lab: Lab;
  clock: ManualClock;
  proberIP: string;
  /** clientIP is backend-b's, on node-2: where the test's requests to the prober come from. */
  clientIP: string;
  clusterIP: string;
  emptyIP: string;
}

/** setup starts 3 netexec backends behind Service `backends`, a Service `empty` that selects nothing, and a netexec prober on node-1. */
async function setup(): Promise<Setup> {
  const { lab, clock } = await startTestLab(3, 7);
  const admin = lab.client();
  for (const [name, node] of [['backend-a', 'node-1'], ['backend-b', 'node-2'], ['backend-c', 'node-3']]) assert.ok(!isStatus(await admin.create(PODS, netexecPod(name, node, { app: 'backend' }))));
  assert.ok(!isStatus(await admin.create(PODS, netexecPod('prober', 'node-1'))));
  const svc = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] } });
  const backends = await admin.create(SERVICES, svc('backends', 'backend'));
  const empty = await admin.create(SERVICES, svc('empty', 'nothing'));
  assert.ok(!isStatus(backends) && !isStatus(empty));
  let ready = 0;
  for (let i = 0; i < 90 && ready < 3; i++) {
    await clock.advance(1000);
    const slices = await admin.list<EndpointSlice>(ENDPOINTSLICES, 'default', { labelSelector: 'kubernetes.io/service-name=backends' });
    if (!isStatus(slices)) ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
  }
  assert.equal(ready, 3, 'the 3 backends are ready endpoints');
  let dns = 0;
  for (let i = 0; i < 120 && dns === 0; i++) {
    const slices = await admin.list<EndpointSlice>(ENDPOINTSLICES, 'kube-system', { labelSelector: 'kubernetes.io/service-name=kube-dns' });
    if (!isStatus(slices)) dns = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
    if (dns === 0) await clock.advance(1000);
  }
  assert.ok(dns > 0, 'CoreDNS serves');
  await clock.advance(2000);
  const prober = await admin.get<Pod>(PODS, 'default', 'prober');
  const client = await admin.get<Pod>(PODS, 'default', 'backend-b');
  assert.ok(!isStatus(prober) && prober.status?.podIP && !isStatus(client) && client.status?.podIP);
  const ip = (o: object): string => String((o as { spec: { clusterIP: string } }).spec.clusterIP);
  return { lab, clock, proberIP: prober.status.podIP, clientIP: client.status.podIP, clusterIP: ip(backends), emptyIP: ip(empty) };
}

/** get asks the prober's netexec for a path from backend-b, stepping the clock until it answers. */
async function get(t: Setup, path: string): Promise<{ status: number; body: string }> {
  const { flow, socket } = t.lab.traffic.engine.connect({ kind: 'pod', ip: t.clientIP }, t.proberIP, 8080);
  assert.ok(socket, flow.message);
  socket.send.write(`GET ${path} HTTP/1.1\r\nHost: ${t.proberIP}:8080\r\nConnection: close\r\n\r\n`);
  socket.send.end();
  let raw: Buffer | undefined;
  const read = socket.receive.readAll().then((b) => (raw = b));
  for (let i = 0; i < 40 && !raw; i++) await t.clock.advance(500);
  await read;
  const text = (raw ?? Buffer.alloc(0)).toString();
  return { status: Number(text.split(' ')[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
}

test('/dial through a ClusterIP Service answers the backends\' hostnames, spread by the iptables rules', async () => {
  const t = await setup();
  try {
    const res = await get(t, `/dial?request=hostname&protocol=http&host=${t.clusterIP}&port=80&tries=30`);
    assert.equal(res.status, 200, res.body);
    const out = JSON.parse(res.body) as { responses?: string[]; errors?: string[] };
    assert.equal(out.errors, undefined, res.body);
    assert.equal(out.responses?.length, 30);
    const seen = new Set(out.responses);
    for (const name of seen) assert.ok(['backend-a', 'backend-b', 'backend-c'].includes(name), name);
    assert.ok(seen.size >= 2, `30 tries reach more than one backend: ${[...seen].join(', ')}`);
    const one = await get(t, `/dial?request=hostname&host=${t.clusterIP}&port=80&tries=1`);
    assert.match(one.body, /^\{"responses":\["backend-[abc]"\]\}$/);
  } finally {
    t.lab.stop();
  }
});

test('/dial reports failures as Go\'s http client words them, and bad parameters with netexec\'s 400s', async () => {
  const t = await setup();
  try {
    const refused = await get(t, `/dial?request=hostname&protocol=http&host=${t.emptyIP}&port=80&tries=2`);
    assert.equal(refused.status, 200);
    const err = `Get "http://${t.emptyIP}:80/hostname": dial tcp ${t.emptyIP}:80: connect: connection refused`;
    assert.deepEqual(JSON.parse(refused.body), { errors: [err, err] });
    const cases: [string, string][] = [
      [`/dial?request=hostname&host=${t.clusterIP}&port=80&tries=x`, 'tries parameter is invalid. strconv.Atoi: parsing "x": invalid syntax\n'],
      [`/dial?host=${t.clusterIP}&port=80`, 'request parameter not specified. <nil>\n'],
      [`/dial?request=hostname&host=${t.clusterIP}&port=80&protocol=quic`, 'unsupported protocol. quic\n'],
      [`/dial?request=hostname&host=${t.clusterIP}&port=http-alt`, `host and/or port param are invalid. lookup tcp/http-alt: unknown port\n`],
      ['/dial?request=hostname&host=nowhere.invalid&port=80', 'host and/or port param are invalid. lookup nowhere.invalid: no such host\n'],
    ];
    for (const [path, body] of cases) assert.deepEqual(await get(t, path), { status: 400, body }, path);
    const byName = await get(t, '/dial?request=hostname&host=backends&port=80&tries=3');
    assert.equal(byName.status, 200, byName.body);
    assert.equal((JSON.parse(byName.body) as { responses: string[] }).responses.length, 3, 'a Service name resolves through the pod\'s DNS');
  } finally {
    t.lab.stop();
  }
});

test('/exit?code=3 ends the netexec container with exit code 3 without answering', async () => {
  const t = await setup();
  try {
    const res = await get(t, '/exit?code=3');
    assert.deepEqual(res, { status: 0, body: '' });
    let exitCode: number | undefined;
    for (let i = 0; i < 30 && exitCode === undefined; i++) {
      await t.clock.advance(1000);
      const pod = await t.lab.client().get<Pod>(PODS, 'default', 'prober');
      assert.ok(!isStatus(pod));
      const s = pod.status?.containerStatuses?.[0];
      exitCode = s?.lastState?.terminated?.exitCode ?? s?.state?.terminated?.exitCode;
    }
    assert.equal(exitCode, 3);
  } finally {
    t.lab.stop();
  }
});

test('durations parse and print as Go\'s time package does', () => {
  assert.deepEqual(['0', '5s', '1m30s', '250ms', '1.5h', 'x', '5'].map(parseDuration), [0, 5000, 90_000, 250, 5_400_000, undefined, undefined]);
  assert.deepEqual([0, 250, 5000, 90_000, 3_600_000].map(formatDuration), ['0s', '250ms', '5s', '1m30s', '1h0m0s']);
});
