import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import { DEPLOYMENTS, PODS } from '../client/resources';
import { startTestLab, webDeployment } from '../testLab';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './endpointSliceController';
import { ENDPOINTS, ENDPOINTSLICES, SERVICES } from './kubernetesService';

type Rec = Record<string, unknown>;

const webService: KubeObject = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

function namedPortDeployment(): KubeObject {
  const d = webDeployment();
  d.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
  return d;
}

test('a Service with a selector gets Endpoints and an EndpointSlice of its ready pods, named ports resolved', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create(DEPLOYMENTS, namedPortDeployment())));
  assert.ok(!isStatus(await admin.create(SERVICES, webService)));
  await clock.advance(60_000);
  const pods = await admin.list<Pod>(PODS, 'default', { labelSelector: 'app=web' });
  assert.ok(!isStatus(pods) && pods.items.length === 3);
  const byIP = new Map(pods.items.map((p) => [p.status?.podIP ?? '', p]));

  const ep = await admin.get<KubeObject>(ENDPOINTS, 'default', 'web');
  assert.ok(!isStatus(ep), JSON.stringify(ep));
  const subsets = ep.subsets as { addresses: { ip: string; nodeName: string; targetRef: Rec }[]; notReadyAddresses?: unknown[]; ports: unknown[] }[];
  assert.equal(subsets.length, 1);
  assert.deepEqual(subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.equal(subsets[0].notReadyAddresses, undefined);
  assert.deepEqual(subsets[0].addresses.map((a) => a.ip).sort(), [...byIP.keys()].sort());
  for (const a of subsets[0].addresses) {
    const pod = byIP.get(a.ip)!;
    assert.deepEqual([a.nodeName, a.targetRef], [pod.spec?.nodeName, { kind: 'Pod', namespace: 'default', name: pod.metadata.name, uid: pod.metadata.uid }]);
  }

  const slices = await admin.list<KubeObject>(ENDPOINTSLICES, 'default', { labelSelector: `${SERVICE_NAME_LABEL}=web` });
  assert.ok(!isStatus(slices));
  assert.equal(slices.items.length, 1);
  const slice = slices.items[0];
  assert.match(slice.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(slice.metadata.labels?.[MANAGED_BY_LABEL], MANAGED_BY);
  assert.equal(MANAGED_BY, 'endpointslice-controller.k8s.io');
  assert.equal(slice.metadata.ownerReferences?.[0].kind, 'Service');
  assert.deepEqual([slice.addressType, slice.ports], ['IPv4', [{ name: 'http', port: 8080, protocol: 'TCP' }]]);
  const endpoints = slice.endpoints as { addresses: string[]; conditions: Rec }[];
  assert.equal(endpoints.length, 3);
  for (const e of endpoints) assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
  lab.stop();
});

test('a scaled-down Deployment leaves the Endpoints, and a deleted Service takes its Endpoints and slices', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create(DEPLOYMENTS, namedPortDeployment())));
  assert.ok(!isStatus(await admin.create(SERVICES, webService)));
  await clock.advance(60_000);
  assert.ok(!isStatus(await admin.patch(DEPLOYMENTS, 'default', 'web', { spec: { replicas: 1 } })));
  await clock.advance(60_000);
  const ep = await admin.get<KubeObject>(ENDPOINTS, 'default', 'web');
  assert.ok(!isStatus(ep));
  assert.equal((ep.subsets as { addresses: unknown[] }[])[0].addresses.length, 1);
  assert.ok(!isStatus(await admin.delete(SERVICES, 'default', 'web')));
  await clock.advance(60_000);
  const gone = await admin.get(ENDPOINTS, 'default', 'web');
  assert.ok(isStatus(gone) && gone.code === 404);
  const slices = await admin.list<KubeObject>(ENDPOINTSLICES, 'default', { labelSelector: `${SERVICE_NAME_LABEL}=web` });
  assert.ok(!isStatus(slices));
  assert.equal(slices.items.length, 0);
  lab.stop();
});

test('a Service whose pods are not there yet has an empty Endpoints and a placeholder slice', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create(SERVICES, webService)));
  await clock.advance(1_000);
  const ep = await admin.get<KubeObject>(ENDPOINTS, 'default', 'web');
  assert.ok(!isStatus(ep));
  assert.deepEqual(ep.subsets ?? [], []);
  const slices = await admin.list<KubeObject>(ENDPOINTSLICES, 'default', { labelSelector: `${SERVICE_NAME_LABEL}=web` });
  assert.ok(!isStatus(slices));
  assert.deepEqual(slices.items.map((s) => [s.endpoints, s.ports]), [[[], undefined]]);
  lab.stop();
});
