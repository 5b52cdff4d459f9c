import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiRequest, ApiResponse } from '../apiserver/apiServer';
import { isStatus, type Node, type Pod, type Status } from '../api/types';
import { KubeClient } from '../client/kubeClient';
import { NODES, PODS } from '../client/resources';
import { InProcessTransport, type Transport } from '../client/transport';
import { nodeUser } from '../lab';
import { startTestLab } from '../testLab';
import { Kubelet } from './kubelet';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SOURCE_ANNOTATION, type StaticPodManifest, staticPod } from './staticPods';

const sleeper = (name: string, namespace?: string): StaticPodManifest => ({
  file: `${name}.yaml`,
  pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { containers: [{ name: 'main', image: 'busybox:1.37', command: ['sleep', '3600'] }] } },
});

test('a static pod is named for its node, hashed, bound, and tolerates every NoExecute taint', () => {
  const made = staticPod(sleeper('web'), 'Node-A', Date.UTC(2026, 0, 1));
  assert.ok('pod' in made);
  const { pod } = made;
  assert.equal(pod.metadata.name, 'web-node-a');
  assert.equal(pod.metadata.namespace, 'default');
  assert.match(pod.metadata.uid ?? '', /^[0-9a-f]{32}$/);
  assert.deepEqual(pod.metadata.annotations, {
    [CONFIG_HASH_ANNOTATION]: pod.metadata.uid, 'kubernetes.io/config.seen': '2026-01-01T00:00:00Z', [CONFIG_SOURCE_ANNOTATION]: 'file',
  });
  assert.equal(pod.spec.nodeName, 'Node-A');
  assert.equal(pod.spec.restartPolicy, 'Always');
  assert.deepEqual(pod.spec.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
  const again = staticPod(sleeper('web'), 'Node-A', Date.UTC(2027, 0, 1));
  assert.ok('pod' in again);
  assert.equal(again.pod.metadata.uid, pod.metadata.uid, 'the same manifest on the same node hashes the same');
  const elsewhere = staticPod(sleeper('web'), 'node-b', 0);
  assert.ok('pod' in elsewhere);
  assert.notEqual(elsewhere.pod.metadata.uid, pod.metadata.uid);
});

test('a manifest without a name or containers is refused', () => {
  assert.deepEqual(staticPod({ file: 'x.yaml', pod: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'c' }] } } }, 'n', 0),
    { error: '/etc/kubernetes/manifests/x.yaml: invalid pod: metadata.name: Required value: name or generateName is required' });
  assert.deepEqual(staticPod({ file: 'y.yaml', pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'y' }, spec: { containers: [] } } }, 'n', 0),
    { error: '/etc/kubernetes/manifests/y.yaml: invalid pod: spec.containers: Required value' });
});

const CONTROL_PLANE_PODS = ['etcd-control-plane', 'kube-apiserver-control-plane', 'kube-controller-manager-control-plane', 'kube-scheduler-control-plane'];

test('a control-plane node runs kubeadm\'s static pods, mirrored Running in kube-system; a deleted mirror comes back', async () => {
  const { lab, clock } = await startTestLab(1, 7, { controlPlaneNode: true });
  const admin = lab.client();
  await clock.advance(30_000);
  const node = await admin.get<Node>(NODES, '', 'control-plane');
  assert.ok(!isStatus(node));
  assert.ok('node-role.kubernetes.io/control-plane' in (node.metadata.labels ?? {}));
  assert.deepEqual(node.spec?.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  const list = await admin.list<Pod>(PODS, 'kube-system');
  assert.ok(!isStatus(list));
  const mirrors = list.items.filter((p) => p.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined);
  assert.deepEqual(mirrors.map((p) => p.metadata.name).sort(), CONTROL_PLANE_PODS);
  for (const p of mirrors) {
    assert.equal(p.status?.phase, 'Running', `${p.metadata.name ?? ''}: ${JSON.stringify(p.status)}`);
    assert.equal(p.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION], p.metadata.annotations?.[CONFIG_HASH_ANNOTATION]);
    assert.notEqual(p.metadata.uid, p.metadata.annotations?.[CONFIG_HASH_ANNOTATION], 'the API gives the mirror a UID of its own');
    assert.equal(p.metadata.annotations?.[CONFIG_SOURCE_ANNOTATION], 'file');
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'control-plane', uid: node.metadata.uid, controller: true }]);
    assert.equal(p.metadata.labels?.tier, 'control-plane');
    assert.equal(p.spec.priorityClassName, 'system-node-critical');
    assert.equal(p.spec.priority, 2000001000);
    assert.equal(p.status.podIP, node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, 'hostNetwork: the pod has the node\'s address');
  }
  const apiserver = mirrors.find((p) => p.metadata.name === 'kube-apiserver-control-plane');
  assert.equal(apiserver?.spec.containers[0].image, 'registry.k8s.io/kube-apiserver:v1.32.0');
  const logs = await lab.server.handle(lab.asAdmin({ method: 'GET', path: '/api/v1/namespaces/kube-system/pods/kube-scheduler-control-plane/log' }));
  assert.equal(logs.status, 200, JSON.stringify(logs.body));
  assert.match(logs.body as string, /"Starting Kubernetes Scheduler" version="v1\.32\.0"/);
  // Ordinary pods keep off the tainted control plane.
  const workloads = list.items.filter((p) => p.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] === undefined && p.spec.nodeName === 'control-plane');
  assert.ok(workloads.every((p) => (p.spec.tolerations ?? []).some((t) => t.key === 'node-role.kubernetes.io/control-plane')), 'only pods that tolerate the taint land there');

  const before = mirrors.find((p) => p.metadata.name === 'kube-scheduler-control-plane');
  const containerID = before?.status?.containerStatuses?.[0]?.containerID;
  const deleted = await admin.delete(PODS, 'kube-system', 'kube-scheduler-control-plane');
  assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
  await clock.advance(5_000);
  const after = await admin.get<Pod>(PODS, 'kube-system', 'kube-scheduler-control-plane');
  assert.ok(!isStatus(after), 'the mirror pod is made again');
  assert.notEqual(after.metadata.uid, before?.metadata.uid);
  assert.equal(after.metadata.deletionTimestamp, undefined);
  assert.equal(after.status?.phase, 'Running');
  assert.equal(after.status?.containerStatuses?.[0]?.containerID, containerID, 'the static pod itself never stopped');
  assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
  lab.stop();
});

test('a lab without controlPlaneNode has only its workers', async () => {
  const { lab, clock } = await startTestLab(2);
  await clock.advance(1_000);
  const nodes = await lab.client().list<Node>(NODES);
  assert.ok(!isStatus(nodes));
  assert.deepEqual(nodes.items.map((n) => n.metadata.name), ['node-1', 'node-2']);
  lab.stop();
});

/** Switch is a transport that can be cut off: the API server is then unreachable (503). */
class Switch implements Transport {
  down = true;
  constructor(private readonly inner: Transport) {}
  private readonly refusal: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' };
  request(req: ApiRequest): Promise<ApiResponse> {
    return this.down ? Promise.resolve({ status: 503, body: this.refusal }) : this.inner.request(req);
  }
  watch(...args: Parameters<Transport['watch']>): ReturnType<Transport['watch']> {
    if (!this.down) return this.inner.watch(...args);
    args[2](this.refusal);
    return Promise.resolve({ cancel: () => undefined });
  }
  stream(...args: Parameters<Transport['stream']>): ReturnType<Transport['stream']> {
    return this.inner.stream(...args);
  }
}

test('a static pod runs while the API server cannot be reached, and is mirrored once it can; a removed manifest stops it', async () => {
  const { lab, clock } = await startTestLab(0);
  const wire = new Switch(new InProcessTransport(lab.server, lab.tokenFor(nodeUser('edge-1'))));
  const kubelet = new Kubelet(new KubeClient(wire), clock, lab.random, {
    nodeName: 'edge-1', podCIDR: '10.244.9.0/24', internalIP: '172.18.0.99', capacity: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '10Gi' }, staticPods: [sleeper('web')],
  });
  void kubelet.start();
  await clock.advance(10_000);
  const [pod] = kubelet.staticPods();
  assert.equal(pod.metadata.name, 'web-edge-1');
  assert.equal(pod.status?.phase, 'Running', JSON.stringify(pod.status));
  const admin = lab.client();
  assert.ok(isStatus(await admin.get<Pod>(PODS, 'default', 'web-edge-1')), 'no mirror while the API is down');
  wire.down = false;
  await clock.advance(20_000);
  const mirror = await admin.get<Pod>(PODS, 'default', 'web-edge-1');
  assert.ok(!isStatus(mirror), 'mirrored once the API answers');
  assert.equal(mirror.status?.phase, 'Running');
  assert.deepEqual(kubelet.setStaticPods([]), []);
  await clock.advance(35_000);
  assert.equal(kubelet.staticPods().length, 0);
  assert.equal(kubelet.runtime.sandbox(pod.metadata.uid ?? ''), undefined, 'its sandbox is gone');
  const gone = await admin.get<Pod>(PODS, 'default', 'web-edge-1');
  assert.ok(isStatus(gone) && gone.code === 404, 'its mirror is deleted');
  kubelet.stop();
  lab.stop();
});
