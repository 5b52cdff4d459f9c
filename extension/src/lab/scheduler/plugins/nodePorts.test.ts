import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerPort, Pod } from '../../api/types';
import { NodeInfo } from '../nodeInfo';
import { ERR_REASON, fits, isSchedulableAfterPodDeleted, nodePorts } from './nodePorts';

let seq = 0;
/** newPod as node_ports_test.go: "PROTOCOL/hostIP/hostPort" for each port. */
const newPod = (node: string, ...ports: string[]): Pod => ({
  metadata: { name: `p${seq}`, namespace: 'default', uid: `p${seq++}` },
  spec: {
    ...(node ? { nodeName: node } : {}),
    containers: [{ name: 'c', ports: ports.map((s): ContainerPort => {
      const [protocol, hostIP, port] = s.split('/');
      return { containerPort: Number(port), hostPort: Number(port), hostIP, protocol };
    }) }],
  },
});
const nodeInfo = (...pods: Pod[]): NodeInfo => {
  const n = new NodeInfo({ metadata: { name: 'n' }, spec: {} });
  for (const p of pods) n.addPod(p);
  return n;
};
const sidecarPod = (sidecar: boolean): Pod => ({
  metadata: { name: 's' },
  spec: { containers: [], initContainers: [{ name: 'i', ...(sidecar ? { restartPolicy: 'Always' } : {}), ports: [{ containerPort: 8001, hostPort: 8001, protocol: 'TCP' }] }] },
});

// node_ports_test.go TestNodePorts
const cases: { name: string; pod: Pod; node: NodeInfo; pre?: string; conflict?: boolean }[] = [
  { name: 'skip filter', pod: { metadata: { name: 'p' }, spec: { containers: [] } }, node: nodeInfo(), pre: 'Skip' },
  { name: 'other port', pod: newPod('m1', 'UDP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'UDP/127.0.0.1/9090')) },
  { name: 'same udp port', pod: newPod('m1', 'UDP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'UDP/127.0.0.1/8080')), conflict: true },
  { name: 'same tcp port', pod: newPod('m1', 'TCP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.1/8080')), conflict: true },
  { name: 'different host ip', pod: newPod('m1', 'TCP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.2/8080')) },
  { name: 'different protocol', pod: newPod('m1', 'UDP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.1/8080')) },
  { name: 'second udp port conflict', pod: newPod('m1', 'UDP/127.0.0.1/8000', 'UDP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'UDP/127.0.0.1/8080')), conflict: true },
  { name: 'first tcp port conflict', pod: newPod('m1', 'TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8081')), conflict: true },
  { name: 'first tcp port conflict due to 0.0.0.0 hostIP', pod: newPod('m1', 'TCP/0.0.0.0/8001'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.1/8001')), conflict: true },
  { name: 'TCP hostPort conflict due to 0.0.0.0 hostIP', pod: newPod('m1', 'TCP/10.0.10.10/8001', 'TCP/0.0.0.0/8001'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.1/8001')), conflict: true },
  { name: 'second tcp port conflict to 0.0.0.0 hostIP', pod: newPod('m1', 'TCP/127.0.0.1/8001'), node: nodeInfo(newPod('m1', 'TCP/0.0.0.0/8001')), conflict: true },
  { name: 'second different protocol', pod: newPod('m1', 'UDP/127.0.0.1/8001'), node: nodeInfo(newPod('m1', 'TCP/0.0.0.0/8001')) },
  { name: 'UDP hostPort conflict due to 0.0.0.0 hostIP', pod: newPod('m1', 'UDP/127.0.0.1/8001'), node: nodeInfo(newPod('m1', 'TCP/0.0.0.0/8001', 'UDP/0.0.0.0/8001')), conflict: true },
  { name: 'non-sidecar initContainer using hostPort', pod: sidecarPod(false), node: nodeInfo(newPod('m1', 'TCP/0.0.0.0/8001')), pre: 'Skip' },
  { name: 'TCP hostPort conflict from sidecar initContainer', pod: sidecarPod(true), node: nodeInfo(newPod('m1', 'TCP/0.0.0.0/8001')), conflict: true },
  { name: 'an empty hostIP means 0.0.0.0 and an empty protocol TCP', pod: newPod('m1', '//8001'), node: nodeInfo(newPod('m1', 'TCP/127.0.0.1/8001')), conflict: true },
];

for (const tc of cases) {
  test(`NodePorts: ${tc.name}`, () => {
    const p = nodePorts();
    const state = new Map();
    assert.equal(p.preFilter(state, tc.pod, []).code, tc.pre ?? 'Success');
    if (tc.pre === 'Skip') return;
    const status = p.filter(state, tc.pod, tc.node);
    assert.deepEqual(status.reasons, tc.conflict ? [ERR_REASON] : []);
    assert.equal(status.code, tc.conflict ? 'Unschedulable' : 'Success');
  });
}

test('NodePorts: a removed pod frees its ports', () => {
  const holder = newPod('m1', 'TCP/0.0.0.0/8080');
  const node = nodeInfo(holder);
  assert.equal(fits(newPod('m1', 'TCP/127.0.0.1/8080'), node), false);
  node.removePod(holder);
  assert.equal(fits(newPod('m1', 'TCP/127.0.0.1/8080'), node), true);
});

// TestFits
const fitsCases: [string, Pod, NodeInfo, boolean][] = [
  ['non-conflicting ports', newPod('p', 'TCP/127.0.0.1/80'), nodeInfo(newPod('p1', 'TCP/127.0.0.1/9090')), true],
  ['multiple non-conflicting ports', newPod('p', 'TCP/127.0.0.1/80', 'TCP/127.0.1.1/80', 'TCP/127.0.1.1/90', 'TCP/127.0.1.1/100'), nodeInfo(newPod('p1', 'TCP/127.0.0.1/9090', 'TCP/127.0.0.1/9191', 'TCP/127.0.1.1/8080')), true],
  ['same ports on different protocols', newPod('m1', 'TCP/127.0.0.1/80'), nodeInfo(newPod('p1', 'UDP/127.0.0.1/80')), true],
  ['conflicting ports', newPod('m1', 'TCP/127.0.0.1/80'), nodeInfo(newPod('p1', 'TCP/127.0.0.1/80')), false],
  ['multiple ports, some conflicting', newPod('p', 'TCP/127.0.0.1/80', 'TCP/127.0.1.1/80', 'TCP/127.0.1.1/90', 'TCP/127.0.1.1/100'), nodeInfo(newPod('p1', 'TCP/127.0.0.1/9090', 'TCP/127.0.1.1/90', 'TCP/127.0.1.1/8080')), false],
];
for (const [name, pod, node, want] of fitsCases) test(`NodePorts fits: ${name}`, () => assert.equal(fits(pod, node), want));

// Test_isSchedulableAfterAssignedPodDeleted
const wants8080 = newPod('', 'TCP//8080');
const hintCases: [string, Pod, string][] = [
  ['skip-queue-on-unscheduled', newPod('', 'TCP//8080'), 'QueueSkip'],
  ['skip-queue-on-non-hostport', { metadata: { name: 'x' }, spec: { nodeName: 'fake-node', containers: [] } }, 'QueueSkip'],
  ['skip-queue-on-unrelated-hostport', newPod('fake-node', 'TCP//8081'), 'QueueSkip'],
  ['queue-on-released-hostport', newPod('fake-node', 'TCP//8080'), 'Queue'],
];
for (const [name, deleted, want] of hintCases) test(`NodePorts queueing hint: ${name}`, () => assert.equal(isSchedulableAfterPodDeleted(wants8080, deleted), want));
