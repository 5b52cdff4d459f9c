import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Event, type KubeObject, type Pod, type Status, isStatus } from '../api/types';
import { EVENTS, PODS } from '../client/resources';
import type { ManualClock } from '../clock';
import type { Lab } from '../lab';
import { Collector, closedPipe } from '../kubelet/pipe';
import { Interrupt } from '../kubelet/process';
import { startTestLab } from '../testLab';
import { SERVICES } from './kubernetesService';
import { LOAD_BALANCER_CLEANUP_FINALIZER } from './serviceController';

type Svc = KubeObject & { spec: { type?: string; loadBalancerIP?: string }; status?: { loadBalancer?: { ingress?: { ip?: string; ipMode?: string }[] } } };

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

const lbService = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...extra },
});

async function svc(lab: Lab, name: string): Promise<Svc | undefined> {
  const got = await lab.client().get<Svc>(SERVICES, 'default', name);
  return isStatus(got) ? undefined : got;
}

async function ingressIP(lab: Lab, name: string): Promise<string | undefined> {
  return (await svc(lab, name))?.status?.loadBalancer?.ingress?.[0]?.ip;
}

async function eventsAbout(lab: Lab, name: string): Promise<string[]> {
  const events = ok(await lab.client().list<Event>(EVENTS, 'default')).items.filter((e) => e.involvedObject.kind === 'Service' && e.involvedObject.name === name);
  return events.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${e.type} ${e.reason} ${e.message}${(e.count ?? 1) > 1 ? ` ×${e.count ?? 1}` : ''}`);
}

async function settleFor(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) await clock.advance(1000);
}

test('a LoadBalancer Service gets the finalizer and the pool\'s first address, with upstream\'s events', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    ok(await lab.client().create(SERVICES, lbService('web')));
    await settleFor(clock, 2000);
    const web = await svc(lab, 'web');
    assert.deepEqual(web?.metadata.finalizers, [LOAD_BALANCER_CLEANUP_FINALIZER]);
    assert.deepEqual(web?.status?.loadBalancer, { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] });
    assert.deepEqual(await eventsAbout(lab, 'web'), ['Normal EnsuringLoadBalancer Ensuring load balancer', 'Normal EnsuredLoadBalancer Ensured load balancer']);
    const source = ok(await lab.client().list<Event>(EVENTS, 'default')).items.find((e) => e.reason === 'EnsuredLoadBalancer')?.source?.component;
    assert.equal(source, 'service-controller');
    // A ClusterIP Service is none of its business.
    ok(await lab.client().create(SERVICES, lbService('plain', { type: 'ClusterIP' })));
    await settleFor(clock, 2000);
    assert.deepEqual([(await svc(lab, 'plain'))?.metadata.finalizers, await ingressIP(lab, 'plain'), await eventsAbout(lab, 'plain')], [undefined, undefined, []]);
  } finally {
    lab.stop();
  }
});

test('spec.loadBalancerIP is honoured in the pool and refused outside it or when taken; a type change gives the address back', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const admin = lab.client();
    ok(await admin.create(SERVICES, lbService('asked', { loadBalancerIP: '172.18.255.240' })));
    ok(await admin.create(SERVICES, lbService('outside', { loadBalancerIP: '10.0.0.5' })));
    await settleFor(clock, 2000);
    assert.equal(await ingressIP(lab, 'asked'), '172.18.255.240');
    assert.equal(await ingressIP(lab, 'outside'), undefined);
    assert.ok((await eventsAbout(lab, 'outside')).includes('Warning SyncLoadBalancerFailed Error syncing load balancer: failed to ensure load balancer: requested IP "10.0.0.5" is not in the load balancer pool 172.18.255.200-172.18.255.250'));
    ok(await admin.create(SERVICES, lbService('same', { loadBalancerIP: '172.18.255.240' })));
    await settleFor(clock, 2000);
    assert.ok((await eventsAbout(lab, 'same')).includes('Warning SyncLoadBalancerFailed Error syncing load balancer: failed to ensure load balancer: requested IP "172.18.255.240" is in use by service default/asked'));

    // ClusterIP now: the address goes back, the status and the finalizer with it, and the waiting Service gets it on its retry.
    ok(await admin.patch(SERVICES, 'default', 'asked', { spec: { type: 'ClusterIP', loadBalancerIP: null, allocateLoadBalancerNodePorts: null, externalTrafficPolicy: null, ports: [{ port: 80, targetPort: 8080 }] } }));
    await settleFor(clock, 2000);
    const back = await svc(lab, 'asked');
    assert.deepEqual([back?.metadata.finalizers, back?.status?.loadBalancer?.ingress], [undefined, undefined]);
    const events = await eventsAbout(lab, 'asked');
    assert.deepEqual(events.slice(-3), ['Normal Type LoadBalancer -> ClusterIP', 'Normal DeletingLoadBalancer Deleting load balancer', 'Normal DeletedLoadBalancer Deleted load balancer']);
    await settleFor(clock, 30_000);
    assert.equal(await ingressIP(lab, 'same'), '172.18.255.240');
  } finally {
    lab.stop();
  }
});

test('with the pool used up a Service stays pending; deleting one releases its address through the finalizer', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const admin = lab.client();
    for (let i = 0; i < 51; i++) ok(await admin.create(SERVICES, lbService(`lb-${i}`)));
    await settleFor(clock, 3000);
    const ips = await Promise.all(Array.from({ length: 51 }, (_, i) => ingressIP(lab, `lb-${i}`)));
    assert.equal(new Set(ips).size, 51);
    assert.ok(ips.every((ip) => ip !== undefined && /^172\.18\.255\.(2[0-4]\d|250)$/.test(ip)));

    ok(await admin.create(SERVICES, lbService('late')));
    await settleFor(clock, 3000);
    assert.equal(await ingressIP(lab, 'late'), undefined);
    const late = await eventsAbout(lab, 'late');
    assert.ok(late.some((e) => e.startsWith('Warning SyncLoadBalancerFailed Error syncing load balancer: failed to ensure load balancer: no available IPs in the load balancer pool 172.18.255.200-172.18.255.250')), late.join('\n'));

    const freed = ips[7];
    const deleting = await admin.delete(SERVICES, 'default', 'lb-7');
    assert.ok(!isStatus(deleting), JSON.stringify(deleting));
    // The finalizer holds the Service until its load balancer is gone.
    assert.ok(deleting.metadata.deletionTimestamp);
    await settleFor(clock, 2000);
    assert.equal(await svc(lab, 'lb-7'), undefined);
    assert.deepEqual((await eventsAbout(lab, 'lb-7')).slice(-2), ['Normal DeletingLoadBalancer Deleting load balancer', 'Normal DeletedLoadBalancer Deleted load balancer']);
    await settleFor(clock, 60_000);
    assert.equal(await ingressIP(lab, 'late'), freed);
  } finally {
    lab.stop();
  }
});

/** execIn runs argv in a pod's first container, stepping the clock while it runs. */
async function execIn(lab: Lab, clock: ManualClock, pod: Pod, argv: string[]): Promise<{ out: string; err: string; code: number }> {
  const kubelet = lab.kubelets.find((k) => k.nodeName === pod.spec.nodeName);
  const record = kubelet?.runtime.sandbox(pod.metadata.uid ?? '')?.containers.get(pod.spec.containers[0].name);
  assert.ok(kubelet && record);
  const out = new Collector();
  const err = new Collector();
  let done = false;
  const run = kubelet.runtime.exec(record, argv, { stdin: closedPipe(), stdout: out, stderr: err }, new Interrupt()).finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) await clock.advance(500);
  const result = await run;
  assert.ok('exitCode' in result, JSON.stringify(result));
  return { out: out.text, err: err.text, code: result.exitCode };
}

const podOn = (name: string, node: string, labels: Record<string, string>, container: Pod['spec']['containers'][number]): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { nodeName: node, containers: [container] },
});

test('a pod reaches a LoadBalancer Service at its ingress address through kube-proxy\'s rules', async () => {
  const { lab, clock } = await startTestLab(3);
  try {
    const admin = lab.client();
    for (const [name, node] of [['a', 'node-2'], ['b', 'node-3']]) {
      ok(await admin.create(PODS, podOn(name, node, { app: 'hostname' }, { name: 'serve', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['serve-hostname'] })));
    }
    ok(await admin.create(PODS, podOn('client', 'node-1', {}, { name: 'box', image: 'busybox:1.37', command: ['sleep', '3600'] })));
    ok(await admin.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hostname', namespace: 'default' }, spec: { type: 'LoadBalancer', selector: { app: 'hostname' }, ports: [{ port: 80, targetPort: 9376 }] } }));
    await settleFor(clock, 30_000);
    const ip = await ingressIP(lab, 'hostname');
    assert.equal(ip, '172.18.255.200');
    const client = ok(await admin.get<Pod>(PODS, 'default', 'client'));
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const got = await execIn(lab, clock, client, ['wget', '-qO-', `http://${ip}/`]);
      assert.equal(got.code, 0, got.err);
      answers.add(got.out.trim());
    }
    assert.deepEqual([...answers].sort(), ['a', 'b']);
    const flow = lab.traffic.engine.trace({ kind: 'pod', ip: client.status?.podIP ?? '' }, ip, 80);
    const rules = flow.hops.map((h) => (h as { rule?: string }).rule ?? '');
    assert.ok(rules.some((r) => r.includes('"default/hostname loadbalancer IP"') && r.includes(`-d ${ip} --dport 80`)), rules.join('\n'));
  } finally {
    lab.stop();
  }
});
