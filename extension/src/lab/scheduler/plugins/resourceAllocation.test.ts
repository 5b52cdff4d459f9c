import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, ResourceList } from '../../api/types';
import { NodeInfo } from '../nodeInfo';
import { nodeResourcesBalancedAllocation } from './nodeResourcesBalancedAllocation';
import { type NodeResourcesFitArgs, nodeResourcesFit } from './nodeResourcesFit';
import { brokenLinearFunction } from './resourceAllocation';

const EXT = 'example.com/aaa';

/** pod is st.MakePod().Req(...)...: one container per request list (none at all when none given). */
const pod = (...reqs: ResourceList[]): Pod => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: reqs.map((requests, i) => ({ name: `c${i}`, resources: { requests } })) },
});
let seq = 0;
/** node is st.MakeNode().Capacity(...) with the given pods on it. */
const node = (name: string, capacity: ResourceList, ...pods: Pod[]): NodeInfo => {
  const n = new NodeInfo({ metadata: { name }, spec: {}, status: { capacity, allocatable: { pods: '110', ...capacity } } });
  for (const p of pods) n.addPod({ ...p, metadata: { name: `e${seq}`, namespace: 'default', uid: `e${seq++}` } });
  return n;
};
const small = { cpu: '4000', memory: '10000' };
const wide = { cpu: '6000', memory: '10000' };
const big = { cpu: '10000', memory: '20000' };
const requested = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
const cpuOnly = pod({ cpu: '3000', memory: '0' });
const cpuAndMemory = pod({ cpu: '3000', memory: '5000' });

type Case = { name: string; pod: Pod; nodes: NodeInfo[]; scores: number[] };
const run = (label: string, args: NodeResourcesFitArgs, cases: Case[]): void => {
  for (const tc of cases) {
    test(`${label}: ${tc.name}`, () => {
      const p = nodeResourcesFit(args);
      assert.deepEqual(tc.nodes.map((n) => p.score(new Map(), tc.pod, n)), tc.scores);
    });
  }
};

// least_allocated_test.go
run('LeastAllocated', {}, [
  { name: 'nothing scheduled, nothing requested', pod: pod(), nodes: [node('node1', small), node('node2', small)], scores: [100, 100] },
  { name: 'nothing scheduled, resources requested, differently sized nodes', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [37, 50] },
  { name: 'no resources requested, pods scheduled', pod: pod(), nodes: [node('node1', small, pod(), pod()), node('node2', small, pod(), pod())], scores: [100, 100] },
  { name: 'no resources requested, pods scheduled with resources', pod: pod(), nodes: [node('node1', big, cpuOnly, cpuOnly), node('node2', big, cpuOnly, cpuAndMemory)], scores: [70, 57] },
  { name: 'resources requested, pods scheduled with resources', pod: requested, nodes: [node('node1', big, cpuOnly), node('node2', big, cpuAndMemory)], scores: [57, 45] },
  { name: 'resources requested, pods scheduled with resources, differently sized nodes', pod: requested, nodes: [node('node1', big, cpuOnly), node('node2', { cpu: '10000', memory: '50000' }, cpuAndMemory)], scores: [57, 60] },
  { name: 'requested resources exceed node capacity', pod: cpuOnly, nodes: [node('node1', small, cpuOnly), node('node2', small, cpuAndMemory)], scores: [50, 25] },
  { name: 'zero node resources, pods scheduled with resources', pod: pod(), nodes: [node('node1', {}, cpuOnly), node('node2', {}, cpuAndMemory)], scores: [0, 0] },
]);
run('LeastAllocated, memory weighted 2', { scoringStrategy: { resources: [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }] } }, [
  { name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [41, 50] },
]);
const withExtended: NodeResourcesFitArgs = { scoringStrategy: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: EXT, weight: 1 }] } };
run('LeastAllocated with an extended resource', withExtended, [
  { name: 'bypass extended resource if the pod does not request', pod: requested, nodes: [node('node1', wide), node('node2', { ...wide, [EXT]: '4' })], scores: [50, 50] },
  {
    name: 'honor extended resource if the pod requests',
    pod: pod({ cpu: '1000', memory: '2000', [EXT]: '2' }, { cpu: '2000', memory: '3000' }),
    nodes: [node('node1', { ...wide, [EXT]: '4' }), node('node2', { ...wide, [EXT]: '10' })],
    scores: [50, 60],
  },
]);

// most_allocated_test.go
run('MostAllocated', { scoringStrategy: { type: 'MostAllocated' } }, [
  { name: 'nothing scheduled, nothing requested', pod: pod(), nodes: [node('node1', small), node('node2', small)], scores: [0, 0] },
  { name: 'nothing scheduled, resources requested, differently sized nodes', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [62, 50] },
  { name: 'no resources requested, pods scheduled with resources', pod: pod(), nodes: [node('node1', big, cpuOnly, cpuOnly), node('node2', big, cpuOnly, cpuAndMemory)], scores: [30, 42] },
  { name: 'resources requested, pods scheduled with resources', pod: requested, nodes: [node('node1', big, cpuOnly), node('node2', big, cpuAndMemory)], scores: [42, 55] },
  { name: 'requested resources exceed node capacity count as full', pod: cpuOnly, nodes: [node('node1', small, cpuOnly), node('node2', small, cpuAndMemory)], scores: [50, 75] },
]);
run('MostAllocated, memory weighted 2', { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }] } }, [
  { name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [58, 50] },
]);

// requested_to_capacity_ratio_test.go: the default shape favours empty nodes.
const ratio = (shape: { utilization: number; score: number }[]): NodeResourcesFitArgs => ({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape } } });
run('RequestedToCapacityRatio', ratio([{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]), [
  { name: 'nothing scheduled, nothing requested (default - least requested nodes have priority)', pod: pod(), nodes: [node('node1', small), node('node2', small)], scores: [100, 100] },
  { name: 'nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [38, 50] },
  { name: 'no resources requested, pods scheduled with resources (default - least requested nodes have priority)', pod: pod(), nodes: [node('node1', big, cpuOnly, cpuOnly), node('node2', big, cpuOnly, cpuAndMemory)], scores: [70, 58] },
]);
run('RequestedToCapacityRatio, bin packing', ratio([{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }]), [
  { name: 'nothing scheduled, resources requested, differently sized nodes (bin packing)', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [63, 50] },
  { name: 'resources that score 0 do not count in the mean', pod: pod(), nodes: [node('node1', small)], scores: [0] },
]);

test('brokenLinearFunction interpolates between the points and is flat beyond them (helper TestBrokenLinearFunction)', () => {
  const f = brokenLinearFunction([{ utilization: 10, score: 1 }, { utilization: 90, score: 9 }]);
  assert.deepEqual([-10, 0, 9, 10, 15, 20, 89, 90, 99, 100, 110].map(f), [1, 1, 1, 1, 1, 2, 8, 9, 9, 9, 9]);
  const down = brokenLinearFunction([{ utilization: 0, score: 100 }, { utilization: 100, score: 0 }]);
  assert.deepEqual([0, 33, 75, 100].map(down), [100, 67, 25, 0]);
});

// balanced_allocation_test.go
const balanced = nodeResourcesBalancedAllocation();
const balancedCases: Case[] = [
  { name: 'nothing scheduled, nothing requested', pod: pod(), nodes: [node('node1', small), node('node2', wide)], scores: [100, 100] },
  { name: 'nothing scheduled, resources requested, differently sized nodes', pod: requested, nodes: [node('node1', small), node('node2', wide)], scores: [87, 100] },
  { name: 'resources requested, pods scheduled with resources', pod: requested, nodes: [node('node1', big, cpuOnly), node('node2', big, cpuAndMemory)], scores: [82, 95] },
  { name: 'requested resources at node capacity', pod: requested, nodes: [node('node1', { cpu: '3000', memory: '5000' }), node('node2', { cpu: '6000', memory: '5000' })], scores: [100, 75] },
  { name: 'requests beyond capacity count as full', pod: cpuOnly, nodes: [node('node1', small, cpuOnly)], scores: [50] },
  { name: 'pods without requests count nothing (no defaults)', pod: pod({}), nodes: [node('node1', small, pod({}))], scores: [100] },
];
for (const tc of balancedCases) {
  test(`NodeResourcesBalancedAllocation: ${tc.name}`, () => {
    assert.deepEqual(tc.nodes.map((n) => balanced.score(new Map(), tc.pod, n)), tc.scores);
  });
}

test('NodeResourcesBalancedAllocation: three resources use the standard deviation', () => {
  const p = nodeResourcesBalancedAllocation({ resources: [{ name: 'cpu' }, { name: 'memory' }, { name: EXT }] });
  // Fractions 0.5, 0.5, 1: mean 2/3, std √(1/18) ≈ 0.2357 → 76.
  const score = p.score(new Map(), pod({ cpu: '2000', memory: '5000', [EXT]: '4' }), node('n', { cpu: '4000', memory: '10000', [EXT]: '4' }));
  assert.equal(score, 76);
});
