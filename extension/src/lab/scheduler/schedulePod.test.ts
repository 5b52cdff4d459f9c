import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { SeededRandom } from '../random';
import { defaultProfile } from './framework/registry';
import { NodeInfo } from './nodeInfo';
import { leastAllocatedScore } from './plugins/nodeResourcesFit';
import { NO_NODES_MESSAGE, schedulePod } from './schedulePod';

const node = (name: string, cpu = '4', memory = '8Gi', unschedulable = false): NodeInfo =>
  new NodeInfo({ metadata: { name }, spec: { unschedulable }, status: { allocatable: { cpu, memory, pods: '110' } } });
const pod = (name: string, cpu?: string, memory?: string): Pod => ({
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } }] },
});

const cases: { name: string; nodes: NodeInfo[]; pod: Pod; message?: string; node?: string }[] = [
  { name: 'no nodes at all', nodes: [], pod: pod('p'), message: NO_NODES_MESSAGE },
  { name: 'too much cpu everywhere', nodes: [node('a'), node('b'), node('c')], pod: pod('p', '5'), message: '0/3 nodes are available: 3 Insufficient cpu.' },
  { name: 'cpu and memory short on different nodes', nodes: [node('a', '1'), node('b', '8', '1Gi')], pod: pod('p', '2', '2Gi'), message: '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.' },
  { name: 'a cordoned node and a full one', nodes: [node('a', '4', '8Gi', true), node('b', '1')], pod: pod('p', '2'), message: '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.' },
  { name: 'only the big node fits', nodes: [node('a', '1'), node('b', '8')], pod: pod('p', '2'), node: 'b' },
];

for (const c of cases) {
  test(`decides: ${c.name}`, () => {
    const d = schedulePod(c.pod, c.nodes, defaultProfile, new SeededRandom(1));
    assert.equal(d.message, c.message);
    if (c.node) assert.equal(d.node, c.node);
  });
}

test('least-allocated prefers the emptier node and counts unrequested containers as 100m/200Mi', () => {
  const busy = node('busy');
  busy.addPod(pod('x', '3', '6Gi'));
  const idle = node('idle');
  const p = pod('p');
  assert.ok(leastAllocatedScore(p, idle) > leastAllocatedScore(p, busy));
  // (4000-100)/4000 → 97; (8Gi-200Mi)/8Gi → 97.
  assert.equal(leastAllocatedScore(p, idle), 97);
  const d = schedulePod(p, [busy, idle], defaultProfile, new SeededRandom(1));
  assert.equal(d.node, 'idle');
  assert.deepEqual(d.scores.map((s) => s.node), ['busy', 'idle']);
});
