import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DaemonSet, Node, Pod, PodSpec, Taint } from '../api/types';
import {
  addOrUpdateDaemonPodTolerations, createPodTemplate, isPodUpdated, nodeShouldRunDaemonPod, replaceDaemonSetPodNodeNameNodeAffinity,
  surgeCount, targetNodeName, unavailableCount,
} from './daemonSetUtil';

function daemonSet(spec: Partial<PodSpec> = {}, strategy?: DaemonSet['spec']['updateStrategy']): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'pause' }], ...spec } },
      ...(strategy ? { updateStrategy: strategy } : {}),
    },
  };
}

function node(name: string, taints: Taint[] = [], labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } };
}

const cases: { name: string; ds: DaemonSet; node: Node; shouldRun: boolean; shouldContinueRunning: boolean }[] = [
  { name: 'runs on a plain node', ds: daemonSet(), node: node('n1'), shouldRun: true, shouldContinueRunning: true },
  { name: 'runs where the nodeSelector matches', ds: daemonSet({ nodeSelector: { role: 'edge' } }), node: node('n1', [], { role: 'edge' }), shouldRun: true, shouldContinueRunning: true },
  { name: 'not where the nodeSelector does not match', ds: daemonSet({ nodeSelector: { role: 'edge' } }), node: node('n1', [], { role: 'core' }), shouldRun: false, shouldContinueRunning: false },
  {
    name: 'not where the required node affinity does not match',
    ds: daemonSet({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'In', values: ['edge'] }] }] } } } }),
    node: node('n1'), shouldRun: false, shouldContinueRunning: false,
  },
  { name: 'not on another node than the template\'s nodeName', ds: daemonSet({ nodeName: 'n2' }), node: node('n1'), shouldRun: false, shouldContinueRunning: false },
  { name: 'only on the template\'s nodeName', ds: daemonSet({ nodeName: 'n1' }), node: node('n1'), shouldRun: true, shouldContinueRunning: true },
  { name: 'an untolerated NoSchedule taint keeps new pods off but lets a running one stay', ds: daemonSet(), node: node('n1', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), shouldRun: false, shouldContinueRunning: true },
  { name: 'an untolerated NoExecute taint evicts', ds: daemonSet(), node: node('n1', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]), shouldRun: false, shouldContinueRunning: false },
  { name: 'a PreferNoSchedule taint does not matter', ds: daemonSet(), node: node('n1', [{ key: 'dedicated', value: 'db', effect: 'PreferNoSchedule' }]), shouldRun: true, shouldContinueRunning: true },
  {
    name: 'a toleration in the template lets it run on the tainted node',
    ds: daemonSet({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] }),
    node: node('n1', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]), shouldRun: true, shouldContinueRunning: true,
  },
  {
    name: 'a toleration for another value does not help',
    ds: daemonSet({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }] }),
    node: node('n1', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), shouldRun: false, shouldContinueRunning: true,
  },
  { name: 'tolerates not-ready NoExecute automatically', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'tolerates unreachable NoExecute automatically', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'tolerates unschedulable (a cordoned node)', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'tolerates disk-pressure', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'tolerates memory-pressure', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'tolerates pid-pressure', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'does not tolerate network-unavailable without hostNetwork', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), shouldRun: false, shouldContinueRunning: true },
  { name: 'tolerates network-unavailable with hostNetwork', ds: daemonSet({ hostNetwork: true }), node: node('n1', [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), shouldRun: true, shouldContinueRunning: true },
  { name: 'memory-pressure as NoExecute is not tolerated', ds: daemonSet(), node: node('n1', [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoExecute' }]), shouldRun: false, shouldContinueRunning: false },
];

for (const c of cases) {
  test(`nodeShouldRunDaemonPod ${c.name}`, () => {
    assert.deepEqual(nodeShouldRunDaemonPod(c.node, c.ds), { shouldRun: c.shouldRun, shouldContinueRunning: c.shouldContinueRunning });
  });
}

test('addOrUpdateDaemonPodTolerations replaces a matching toleration so it never expires, and keeps the others', () => {
  const spec: PodSpec = { containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'dedicated', operator: 'Exists' }] };
  addOrUpdateDaemonPodTolerations(spec);
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'dedicated', operator: 'Exists' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ]);
});

test('createPodTemplate labels the pods with the hash and the template generation', () => {
  const t = createPodTemplate(daemonSet().spec.template, 3, 'abc123');
  assert.deepEqual(t.metadata?.labels, { app: 'agent', 'pod-template-generation': '3', 'controller-revision-hash': 'abc123' });
  assert.equal(t.spec.tolerations?.length, 6);
});

test('isPodUpdated accepts the current hash or the current template generation', () => {
  const pod = (labels: Record<string, string>): Pod => ({ metadata: { labels }, spec: { containers: [] } });
  assert.equal(isPodUpdated(pod({ 'controller-revision-hash': 'h2' }), 'h2', undefined), true);
  assert.equal(isPodUpdated(pod({ 'controller-revision-hash': 'h1' }), 'h2', undefined), false);
  assert.equal(isPodUpdated(pod({ 'controller-revision-hash': 'h1', 'pod-template-generation': '2' }), 'h2', 2), true);
  assert.equal(isPodUpdated(pod({ 'pod-template-generation': '1' }), 'h2', 2), false);
});

test('replaceDaemonSetPodNodeNameNodeAffinity pins the pod by name and keeps the rest of its affinity', () => {
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'In' as const, values: ['edge'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['a'] }] } }],
    },
    podAntiAffinity: { x: 1 },
  };
  const got = replaceDaemonSetPodNodeNameNodeAffinity(affinity, 'node-2');
  assert.deepEqual(got.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }] });
  assert.deepEqual(got.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution);
  assert.deepEqual(got.podAntiAffinity, { x: 1 });
  assert.deepEqual(replaceDaemonSetPodNodeNameNodeAffinity(undefined, 'n'), { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] }] } } });
});

test('targetNodeName reads spec.nodeName, else the metadata.name term', () => {
  const pinned: Pod = { metadata: {}, spec: { containers: [], affinity: replaceDaemonSetPodNodeNameNodeAffinity(undefined, 'node-3') } };
  assert.equal(targetNodeName(pinned), 'node-3');
  assert.equal(targetNodeName({ ...pinned, spec: { ...pinned.spec, nodeName: 'node-1' } }), 'node-1');
  assert.equal(targetNodeName({ metadata: {}, spec: { containers: [] } }), undefined);
});

test('surgeCount and unavailableCount scale percentages rounding up, and are 0 for OnDelete', () => {
  const rolling = daemonSet({}, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '30%', maxSurge: '10%' } });
  assert.equal(unavailableCount(rolling, 5), 2);
  assert.equal(surgeCount(rolling, 5), 1);
  assert.equal(unavailableCount(daemonSet({}, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } }), 5), 2);
  assert.equal(surgeCount(daemonSet({}, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } }), 5), 0);
  const onDelete = daemonSet({}, { type: 'OnDelete', rollingUpdate: { maxUnavailable: 3 } });
  assert.equal(unavailableCount(onDelete, 5), 0);
  assert.equal(surgeCount(onDelete, 5), 0);
});
