import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, isStatus } from '../../api/types';
import type { KubeClient } from '../../client/kubeClient';
import { ENDPOINTS, ENDPOINTSLICES, SERVICES } from '../../controllers/kubernetesService';
import { startTestLab } from '../../testLab';
import { ipToNumber } from './serviceAlloc';

type Spec = { clusterIP?: string; clusterIPs?: string[]; ipFamilies?: string[]; ipFamilyPolicy?: string; ports?: { port: number; nodePort?: number }[]; type?: string };

function service(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}

async function create(client: KubeClient, obj: KubeObject, dryRun = false): Promise<Spec | string> {
  const got = await client.create(SERVICES, obj, { dryRun });
  return isStatus(got) ? got.message ?? '' : (got.spec as Spec);
}

const inRange = (ip: string | undefined) => {
  const n = ipToNumber(ip ?? '');
  return n > ipToNumber('10.96.0.0') && n < ipToNumber('10.111.255.255');
};

test('the default kubernetes Service holds 10.96.0.1 and port 443, with Endpoints and an EndpointSlice to the API server', async () => {
  const { lab } = await startTestLab(1);
  const admin = lab.client();
  const svc = await admin.get<KubeObject>(SERVICES, 'default', 'kubernetes');
  assert.ok(!isStatus(svc));
  const spec = svc.spec as Spec & { ports: unknown[] };
  assert.deepEqual([spec.clusterIP, spec.clusterIPs, spec.ipFamilies, spec.ipFamilyPolicy], ['10.96.0.1', ['10.96.0.1'], ['IPv4'], 'SingleStack']);
  assert.deepEqual(spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
  const ep = await admin.get<KubeObject>(ENDPOINTS, 'default', 'kubernetes');
  assert.ok(!isStatus(ep));
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '172.18.255.254' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
  const slice = await admin.get<KubeObject>(ENDPOINTSLICES, 'default', 'kubernetes');
  assert.ok(!isStatus(slice));
  assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'kubernetes');
  lab.stop();
});

test('ClusterIP, NodePort and LoadBalancer Services get a cluster IP from 10.96.0.0/12; headless and ExternalName ones do not', async () => {
  const { lab } = await startTestLab(1);
  const admin = lab.client();
  const a = await create(admin, service('a', {}));
  assert.ok(typeof a !== 'string', JSON.stringify(a));
  assert.ok(inRange(a.clusterIP), a.clusterIP);
  assert.deepEqual([a.clusterIPs, a.ipFamilies, a.ipFamilyPolicy], [[a.clusterIP], ['IPv4'], 'SingleStack']);
  const np = await create(admin, service('np', { type: 'NodePort' }));
  assert.ok(typeof np !== 'string', JSON.stringify(np));
  assert.ok(inRange(np.clusterIP) && np.clusterIP !== a.clusterIP);
  const nodePort = np.ports?.[0].nodePort ?? 0;
  assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
  const lb = await create(admin, service('lb', { type: 'LoadBalancer' }));
  assert.ok(typeof lb !== 'string' && inRange(lb.clusterIP) && (lb.ports?.[0].nodePort ?? 0) >= 30000);
  const headless = await create(admin, service('headless', { clusterIP: 'None' }));
  assert.ok(typeof headless !== 'string');
  assert.deepEqual([headless.clusterIP, headless.clusterIPs], ['None', ['None']]);
  const ext = await create(admin, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
  assert.ok(typeof ext !== 'string');
  assert.equal(ext.clusterIP, undefined);
  lab.stop();
});

test('a requested cluster IP or node port is honoured once, out-of-range and taken ones are refused as upstream', async () => {
  const { lab } = await startTestLab(1);
  const admin = lab.client();
  const mine = await create(admin, service('mine', { type: 'NodePort', clusterIP: '10.96.100.100', ports: [{ port: 80, nodePort: 30080 }] }));
  assert.ok(typeof mine !== 'string', JSON.stringify(mine));
  assert.deepEqual([mine.clusterIP, mine.ports?.[0].nodePort], ['10.96.100.100', 30080]);
  for (const [spec, message] of [
    [{ clusterIP: '10.0.0.1' }, 'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
    [{ clusterIP: '10.96.100.100' }, 'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.100.100"}: failed to allocate IP 10.96.100.100: provided IP is already allocated'],
    [{ clusterIP: '10.96.0.1' }, 'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated'],
    [{ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'],
  ] as const) assert.equal(await create(admin, service('x', spec)), message);
  const refused = await admin.get(SERVICES, 'default', 'x');
  assert.ok(isStatus(refused) && refused.code === 404, 'a refused Service is not stored');
  lab.stop();
});

test('dry-run allocates nothing, an update keeps the values, and a delete frees them', async () => {
  const { lab } = await startTestLab(1);
  const admin = lab.client();
  const dry = await create(admin, service('d', { type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ port: 80, nodePort: 31000 }] }), true);
  assert.ok(typeof dry !== 'string', JSON.stringify(dry));
  assert.equal(dry.clusterIP, '10.96.7.7');
  const real = await create(admin, service('d', { type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ port: 80, nodePort: 31000 }] }));
  assert.ok(typeof real !== 'string', JSON.stringify(real));

  const patched = await admin.patch<KubeObject>(SERVICES, 'default', 'd', { metadata: { labels: { tier: 'web' } } });
  assert.ok(!isStatus(patched));
  assert.deepEqual([(patched.spec as Spec).clusterIP, (patched.spec as Spec).ports?.[0].nodePort], ['10.96.7.7', 31000]);
  const toClusterIP = await admin.patch<KubeObject>(SERVICES, 'default', 'd', { spec: { type: 'ClusterIP', externalTrafficPolicy: null, ports: [{ port: 80, nodePort: null }] } });
  assert.ok(!isStatus(toClusterIP), JSON.stringify(toClusterIP));
  // Leaving NodePort frees the node port for others; the cluster IP stays.
  const other = await create(admin, service('o', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }));
  assert.ok(typeof other !== 'string', JSON.stringify(other));
  assert.equal(await create(admin, service('x', { clusterIP: '10.96.7.7' })), 'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.7.7"}: failed to allocate IP 10.96.7.7: provided IP is already allocated');
  assert.ok(!isStatus(await admin.delete(SERVICES, 'default', 'd')));
  const again = await create(admin, service('x', { clusterIP: '10.96.7.7' }));
  assert.ok(typeof again !== 'string', JSON.stringify(again));
  lab.stop();
});
