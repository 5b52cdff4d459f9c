import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, KubeObject, Pod } from '../../api/types';
import { type LimitRangeItem, limitRanger } from './limitRanger';
import { FakeServer, attributes } from './testing';

const range = (...limits: LimitRangeItem[]): KubeObject => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits', namespace: 'default' }, spec: { limits } });
const pod = (containers: Partial<Container>[], initContainers: Partial<Container>[] = []): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' },
  spec: { containers: containers.map((c, i) => ({ name: `c${i}`, image: 'nginx', ...c })), ...(initContainers.length ? { initContainers: initContainers.map((c, i) => ({ name: `init${i}`, image: 'busybox', ...c })) } : {}) },
});
const claim = (storage: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { resources: { requests: { storage } } } });

function serverWith(...items: LimitRangeItem[]): FakeServer {
  const server = new FakeServer();
  server.list = (_group, resource, namespace) => (resource === 'limitranges' && namespace === 'default' ? [range(...items)] : []);
  return server;
}

test('LimitRanger fills missing requests and limits and says so in the annotation', () => {
  const server = serverWith({ type: 'Container', default: { cpu: '0.5', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } });
  const p = pod([{ name: 'web' }, { name: 'side', resources: { limits: { cpu: '1' } } }], [{ name: 'setup' }]);
  assert.equal(limitRanger.admit(attributes({ kind: 'Pod', object: p }), server.context()), undefined);
  assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
  assert.deepEqual(p.spec.containers[1].resources, { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
  // Wording from plugin/pkg/admission/limitranger/admission.go mergeContainerResources.
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web; cpu, memory request for container side; memory limit for container side; cpu, memory request for init container setup; cpu, memory limit for init container setup');
});

test('LimitRanger defaults from max and min when a range states no defaults', () => {
  const server = serverWith({ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } });
  const p = pod([{ name: 'web' }]);
  limitRanger.admit(attributes({ kind: 'Pod', object: p }), server.context());
  assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: '2' }, requests: { cpu: '2', memory: '64Mi' } });
});

test('LimitRanger leaves pods alone on update and leaves a fully specified pod unannotated', () => {
  const server = serverWith({ type: 'Container', default: { cpu: '1' } });
  const p = pod([{ name: 'web' }]);
  limitRanger.admit(attributes({ kind: 'Pod', operation: 'UPDATE', object: p, oldObject: pod([{ name: 'web' }]) }), server.context());
  assert.equal(p.spec.containers[0].resources, undefined);
  const full = pod([{ name: 'web', resources: { requests: { cpu: '1' }, limits: { cpu: '1' } } }]);
  limitRanger.admit(attributes({ kind: 'Pod', object: full }), server.context());
  assert.equal(full.metadata.annotations, undefined);
});

// Messages from plugin/pkg/admission/limitranger/admission.go (minConstraint, maxConstraint,
// maxRequestConstraint, limitRequestRatioConstraint), wrapped by admission.NewForbidden.
const rejections: { name: string; items: LimitRangeItem[]; object: KubeObject; kind?: string; message: string | undefined }[] = [
  { name: 'a limit over the container max', items: [{ type: 'Container', max: { cpu: '1' } }], object: pod([{ name: 'web', resources: { limits: { cpu: '2' } } }]), message: 'pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2' },
  { name: 'a container without a limit under a max', items: [{ type: 'Container', max: { cpu: '1' } }], object: pod([{ name: 'web', resources: { requests: { cpu: '500m' } } }]), message: 'pods "web" is forbidden: maximum cpu usage per Container is 1.  No limit is specified' },
  { name: 'a request over the max', items: [{ type: 'Container', max: { memory: '1Gi' } }], object: pod([{ name: 'web', resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }]), message: 'pods "web" is forbidden: maximum memory usage per Container is 1Gi, but request is 2Gi' },
  { name: 'a request under the min', items: [{ type: 'Container', min: { memory: '100Mi' } }], object: pod([{ name: 'web', resources: { requests: { memory: '50Mi' } } }]), message: 'pods "web" is forbidden: minimum memory usage per Container is 100Mi, but request is 50Mi' },
  { name: 'a container without a request over a min', items: [{ type: 'Container', min: { cpu: '100m' } }], object: pod([{ name: 'web', resources: { limits: { cpu: '1' } } }]), message: 'pods "web" is forbidden: minimum cpu usage per Container is 100m.  No request is specified' },
  { name: 'a limit far above the request', items: [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }], object: pod([{ name: 'web', resources: { requests: { cpu: '100m' }, limits: { cpu: '500m' } } }]), message: 'pods "web" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000' },
  { name: 'a ratio without a request', items: [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }], object: pod([{ name: 'web', resources: { limits: { cpu: '500m' } } }]), message: 'pods "web" is forbidden: cpu max limit to request ratio per Container is 2, but no request is specified or request is 0' },
  { name: 'several violations in brackets', items: [{ type: 'Container', max: { cpu: '1' }, min: { memory: '1Gi' } }], object: pod([{ name: 'web', resources: { requests: { memory: '512Mi' }, limits: { cpu: '2' } } }]), message: 'pods "web" is forbidden: [minimum memory usage per Container is 1Gi, but request is 512Mi, maximum cpu usage per Container is 1, but limit is 2]' },
  { name: 'init containers too', items: [{ type: 'Container', max: { cpu: '1' } }], object: pod([{ name: 'web', resources: { limits: { cpu: '1' } } }], [{ name: 'setup', resources: { limits: { cpu: '1500m' } } }]), message: 'pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 1500m' },
  { name: 'a pod whose containers add up over the pod max', items: [{ type: 'Pod', max: { cpu: '1' } }], object: pod([{ resources: { limits: { cpu: '600m' } } }, { resources: { limits: { cpu: '600m' } } }]), message: 'pods "web" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m' },
  { name: 'a claim under the storage min', kind: 'PersistentVolumeClaim', items: [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' } }], object: claim('500Mi'), message: 'persistentvolumeclaims "data" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi' },
  { name: 'a claim over the storage max', kind: 'PersistentVolumeClaim', items: [{ type: 'PersistentVolumeClaim', max: { storage: '10Gi' } }], object: claim('20Gi'), message: 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi' },
  { name: 'nothing for a pod within every bound', items: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '100m' }, maxLimitRequestRatio: { cpu: '4' } }], object: pod([{ name: 'web', resources: { requests: { cpu: '0.25' }, limits: { cpu: '1000m' } } }]), message: undefined },
  { name: 'nothing for a claim within bounds', kind: 'PersistentVolumeClaim', items: [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }], object: claim('5Gi'), message: undefined },
];

for (const r of rejections) {
  test(`LimitRanger validate: ${r.name}`, () => {
    const status = limitRanger.validate(attributes({ kind: r.kind ?? 'Pod', object: r.object }), serverWith(...r.items).context());
    assert.equal(status?.message, r.message);
    if (r.message) assert.equal(status?.code, 403);
  });
}
