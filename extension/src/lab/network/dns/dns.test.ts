import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject, type Pod } from '../../api/types';
import type { ManualClock } from '../../clock';
import { DEPLOYMENTS, PODS } from '../../client/resources';
import { SERVICES } from '../../controllers/kubernetesService';
import type { Lab } from '../../lab';
import { Collector, closedPipe } from '../../kubelet/pipe';
import { Interrupt } from '../../kubelet/process';
import { startTestLab, webDeployment } from '../../testLab';
import { KUBE_DNS_SERVICE_IP } from './coreDnsAddon';

/** execIn runs argv in a pod's first container, moving the clock while it runs (nslookup waits for timeouts). */
async function execIn(lab: Lab, clock: ManualClock, pod: Pod, argv: string[]): Promise<{ out: string; err: string; code: number }> {
  const kubelet = lab.kubelets.find((k) => k.nodeName === pod.spec.nodeName);
  assert.ok(kubelet, `no kubelet for ${pod.spec.nodeName ?? ''}`);
  const record = kubelet.runtime.sandbox(pod.metadata.uid ?? '')?.containers.get(pod.spec.containers[0].name);
  assert.ok(record);
  const out = new Collector();
  const err = new Collector();
  let done = false;
  const run = kubelet.runtime.exec(record, argv, { stdin: closedPipe(), stdout: out, stderr: err }, new Interrupt()).finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) await clock.advance(500);
  const result = await run;
  assert.ok('exitCode' in result, JSON.stringify(result));
  return { out: out.text, err: err.text, code: result.exitCode };
}

async function getPod(lab: Lab, ns: string, name: string): Promise<Pod> {
  const pod = await lab.client().get<Pod>(PODS, ns, name);
  assert.ok(!isStatus(pod), JSON.stringify(pod));
  return pod;
}

const busybox = (name: string, namespace = 'default'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace },
  spec: { containers: [{ name: 'box', image: 'busybox:1.37', command: ['sleep', '3600'] }] },
});

/** WebService is the test's Service as written and as the API server fills in its cluster IP. */
interface WebService extends KubeObject {
  spec?: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: number }[]; clusterIP?: string };
}

/** clusterWithWeb starts a lab with the web Deployment, its Service and a busybox pod, all running. */
async function clusterWithWeb(): Promise<{ lab: Lab; clock: ManualClock; box: Pod; clusterIP: string }> {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, webDeployment())));
  const svc = await client.create<WebService>(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } });
  assert.ok(!isStatus(svc), JSON.stringify(svc));
  assert.ok(!isStatus(await client.create(PODS, busybox('box'))));
  await clock.advance(30_000);
  return { lab, clock, box: await getPod(lab, 'default', 'box'), clusterIP: svc.spec?.clusterIP ?? '' };
}

test('kubeadm\'s DNS addon runs: the coredns Deployment Ready with 2 pods and the kube-dns Service at 10.96.0.10', async () => {
  const { lab, clock } = await startTestLab(2);
  await clock.advance(30_000);
  const client = lab.client();
  const svc = await client.get(SERVICES, 'kube-system', 'kube-dns');
  assert.ok(!isStatus(svc));
  assert.equal((svc.spec as { clusterIP: string }).clusterIP, KUBE_DNS_SERVICE_IP);
  const pods = await client.list<Pod>(PODS, 'kube-system', { labelSelector: 'k8s-app=kube-dns' });
  assert.ok(!isStatus(pods));
  assert.equal(pods.items.length, 2);
  for (const p of pods.items) {
    assert.equal(p.status?.phase, 'Running');
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', JSON.stringify(p.status));
  }
  lab.stop();
});

test('nslookup web in a busybox pod prints the Service\'s ClusterIP as busybox does, through the search path', async () => {
  const { lab, clock, box, clusterIP } = await clusterWithWeb();
  const got = await execIn(lab, clock, box, ['nslookup', 'web']);
  assert.equal(got.out, [
    'Server:\t\t10.96.0.10', 'Address:\t10.96.0.10:53', '',
    'Name:\tweb.default.svc.cluster.local', `Address: ${clusterIP}`, '',
    '** server can\'t find web.svc.cluster.local: NXDOMAIN', '',
    '** server can\'t find web.cluster.local: NXDOMAIN', '',
    '',
    '** server can\'t find web.svc.cluster.local: NXDOMAIN', '',
    '** server can\'t find web.cluster.local: NXDOMAIN', '', '',
  ].join('\n'));
  // Busybox's exit status counts every reply that was not NOERROR.
  assert.equal(got.code, 1);
  lab.stop();
});

test('nslookup of a full name to an explicit server answers it alone; a missing name is NXDOMAIN', async () => {
  const { lab, clock, box } = await clusterWithWeb();
  const full = await execIn(lab, clock, box, ['nslookup', 'kubernetes.default.svc.cluster.local', '10.96.0.10']);
  assert.equal(full.out, 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n\n');
  assert.equal(full.code, 0);
  const missing = await execIn(lab, clock, box, ['nslookup', 'nope.default.svc.cluster.local']);
  assert.equal(missing.out, 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can\'t find nope.default.svc.cluster.local: NXDOMAIN\n\n** server can\'t find nope.default.svc.cluster.local: NXDOMAIN\n\n');
  assert.equal(missing.code, 1);
  lab.stop();
});

test('with no coredns pod ready, kube-proxy rejects the query and nslookup times out', async () => {
  const { lab, clock, box } = await clusterWithWeb();
  const scaled = await lab.client().patch(DEPLOYMENTS, 'kube-system', 'coredns', { spec: { replicas: 0 } }, 'application/merge-patch+json');
  assert.ok(!isStatus(scaled), JSON.stringify(scaled));
  await clock.advance(60_000);
  const started = clock.now();
  const got = await execIn(lab, clock, box, ['nslookup', 'web.default.svc.cluster.local']);
  assert.equal(got.out, ';; connection timed out; no servers could be reached\n\n');
  assert.equal(got.err, 'nslookup: read: Connection refused\nnslookup: read: Connection refused\n');
  assert.equal(got.code, 1);
  assert.ok(clock.now() - started >= 5_000);
  lab.stop();
});

test('a Debian container\'s getent hosts resolves through /etc/hosts, then DNS with the search list', async () => {
  const { lab, clock, clusterIP } = await clusterWithWeb();
  const pods = await lab.client().list<Pod>(PODS, 'default', { labelSelector: 'app=web' });
  assert.ok(!isStatus(pods));
  const nginx = pods.items[0];
  const byDns = await execIn(lab, clock, nginx, ['getent', 'hosts', 'web']);
  assert.deepEqual(byDns, { out: `${clusterIP.padEnd(15)} web.default.svc.cluster.local\n`, err: '', code: 0 });
  const self = await execIn(lab, clock, nginx, ['getent', 'hosts', nginx.metadata.name ?? '']);
  assert.equal(self.out, `${(nginx.status?.podIP ?? '').padEnd(15)} ${nginx.metadata.name ?? ''}\n`);
  const missing = await execIn(lab, clock, nginx, ['getent', 'hosts', 'nope']);
  assert.deepEqual(missing, { out: '', err: '', code: 2 });
  lab.stop();
});

test('a lab built with dns: false has no DNS addon', async () => {
  const { lab, clock } = await startTestLab(1, 7, { dns: false });
  await clock.advance(10_000);
  const pods = await lab.client().list<Pod>(PODS, 'kube-system');
  assert.ok(!isStatus(pods));
  assert.equal(pods.items.filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-dns').length, 0);
  assert.ok(isStatus(await lab.client().get(SERVICES, 'kube-system', 'kube-dns')));
  lab.stop();
});
