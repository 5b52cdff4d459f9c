import assert from 'node:assert/strict';
import test from 'node:test';
import type { Pod } from '../api/types';
import { NodeInfo } from './nodeInfo';
import { HostPortInfo, addResource, emptyResource, hostPorts, podResourceRequests, toResource } from './podResources';

const node = () => new NodeInfo({ metadata: { name: 'n' }, spec: {}, status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110', 'example.com/gpu': '2' } } });

const pod = (name: string, spec: Partial<Pod['spec']>, frozen = false): Pod => {
  const p: Pod = { metadata: { name, namespace: 'default' }, spec: { containers: [], ...spec } };
  return frozen ? Object.freeze(p) : p;
};

const pods: Pod[] = [
  pod('plain', { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] }),
  pod('no-requests', { containers: [{ name: 'c', image: 'i' }, { name: 'd', image: 'i', resources: { limits: { cpu: '1' } } }] }),
  pod('init-and-sidecar', {
    initContainers: [{ name: 'init', image: 'i', resources: { requests: { cpu: '2', memory: '1Gi' } } }, { name: 'side', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } }],
    containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '500m', 'example.com/gpu': '1', 'ephemeral-storage': '1Gi' } } }],
    overhead: { cpu: '50m', memory: '10Mi' },
  }, true),
  pod('ports', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] }] }, true),
];

/** fromScratch sums the pods as framework.NodeInfo would after adding them one by one. */
function fromScratch(list: readonly Pod[]) {
  const requested = emptyResource();
  const nonZero = { milliCPU: 0, memory: 0 };
  const ports = new HostPortInfo();
  for (const p of list) {
    addResource(requested, toResource(podResourceRequests(p)));
    const nz = podResourceRequests(p, true);
    nonZero.milliCPU += nz.cpu ?? 0;
    nonZero.memory += nz.memory ?? 0;
    for (const hp of hostPorts(p)) ports.add(hp);
  }
  return { requested, nonZero, ports: ports.size };
}

function assertSums(info: NodeInfo, list: readonly Pod[]): void {
  const want = fromScratch(list);
  assert.deepEqual({ ...info.requested, scalar: Object.fromEntries(Object.entries(info.requested.scalar).filter(([, v]) => v !== 0)) }, want.requested);
  assert.deepEqual(info.nonZeroRequested, want.nonZero);
  assert.equal(info.usedPorts.size, want.ports);
  assert.equal(info.pods.size, list.length);
}

test('NodeInfo keeps the sums of its pods as pods come and go', () => {
  const info = node();
  for (let i = 0; i < pods.length; i++) {
    info.addPod(pods[i]);
    assertSums(info, pods.slice(0, i + 1));
  }
  info.removePod(pods[2]);
  assertSums(info, [pods[0], pods[1], pods[3]]);
  info.addPod(pods[2]);
  info.addPod(pods[2]);
  assertSums(info, [pods[0], pods[1], pods[3], pods[2]]);
  for (const p of pods) info.removePod(p);
  assertSums(info, []);
  assert.equal(info.reqMilliCPU, 0);
  assert.equal(info.nonZeroMemory, 0);
});

test('a pod replaced under the same name is taken away as it was added', () => {
  const info = node();
  info.addPod(pods[0]);
  const bigger = pod('plain', { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '3', memory: '1Gi' } } }] });
  info.addPod(bigger);
  assertSums(info, [bigger]);
  info.removePod(pods[0]);
  assertSums(info, []);
});

test('a clone starts with the same pods and sums and then goes its own way', () => {
  const info = node();
  for (const p of pods) info.addPod(p);
  const copy = info.clone();
  assertSums(copy, pods);
  assert.equal(copy.allocMilliCPU, 4000);
  assert.equal(copy.allocatable.scalar['example.com/gpu'], 2);
  copy.removePod(pods[3]);
  copy.removePod(pods[2]);
  assertSums(copy, [pods[0], pods[1]]);
  assertSums(info, pods);
  assert.equal(info.podsWithAffinity.size, copy.podsWithAffinity.size);
});

test('a view of the sums read earlier does not change when pods come', () => {
  const info = node();
  info.addPod(pods[0]);
  const before = info.requested;
  const ports = info.usedPorts;
  info.addPod(pods[3]);
  info.addPod(pods[2]);
  assert.equal(before.milliCPU, 100);
  assert.equal(ports.size, 0);
  assert.equal(info.usedPorts.size, 2);
});

test('node fields follow the node', () => {
  const info = node();
  assert.equal(info.unschedulable, false);
  info.node = { metadata: { name: 'n' }, spec: { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] }, status: { allocatable: { cpu: '2', memory: '1Gi', pods: '10' } } };
  assert.equal(info.unschedulable, true);
  assert.deepEqual(info.taints, [{ key: 'k', effect: 'NoSchedule' }]);
  assert.equal(info.allocMilliCPU, 2000);
  assert.equal(info.allocPods, 10);
});
