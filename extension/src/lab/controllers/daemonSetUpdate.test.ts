import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DaemonSet, Node, Pod } from '../api/types';
import { daemonSetStatusCounts } from './daemonSetStatus';
import { type NodeToDaemonPods, rollingUpdatePlan, updatedDesiredNodeCounts } from './daemonSetUpdate';

const NOW = Date.parse('2025-01-01T00:10:00Z');
const NEW = 'new-hash';

function daemonSet(rollingUpdate: { maxUnavailable?: number | string; maxSurge?: number | string }, minReadySeconds = 0): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default', uid: 'u' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'pause' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate },
      minReadySeconds,
    },
  };
}

const nodes: Node[] = ['node-1', 'node-2', 'node-3'].map((name) => ({ metadata: { name }, spec: {} }));

/** pod is a daemon pod on node: new or old, ready (since readyAt) or not. */
function pod(name: string, node: string, kind: 'new' | 'old', ready: boolean, readyAt = '2025-01-01T00:00:00Z'): Pod {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z', labels: { app: 'agent', 'controller-revision-hash': kind === 'new' ? NEW : 'old-hash' } },
    spec: { containers: [], nodeName: node },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readyAt }] },
  };
}

function byNode(...pods: Pod[]): NodeToDaemonPods {
  const m: NodeToDaemonPods = new Map();
  for (const p of pods) m.set(p.spec.nodeName ?? '', [...(m.get(p.spec.nodeName ?? '') ?? []), p]);
  return m;
}

const allOld = () => byNode(pod('a', 'node-1', 'old', true), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true));

const cases: { name: string; ds: DaemonSet; pods: NodeToDaemonPods; podsToDelete: string[]; nodesToCreate: string[] }[] = [
  { name: 'maxUnavailable 1 deletes one available old pod', ds: daemonSet({ maxUnavailable: 1 }), pods: allOld(), podsToDelete: ['a'], nodesToCreate: [] },
  { name: 'maxUnavailable 2 deletes two', ds: daemonSet({ maxUnavailable: 2 }), pods: allOld(), podsToDelete: ['a', 'b'], nodesToCreate: [] },
  { name: 'a percentage rounds up (50% of 3 is 2)', ds: daemonSet({ maxUnavailable: '50%' }), pods: allOld(), podsToDelete: ['a', 'b'], nodesToCreate: [] },
  { name: 'no surge and no unavailability still rolls one at a time', ds: daemonSet({ maxUnavailable: 0, maxSurge: 0 }), pods: allOld(), podsToDelete: ['a'], nodesToCreate: [] },
  {
    name: 'an unready new pod uses up the budget',
    ds: daemonSet({ maxUnavailable: 1 }), pods: byNode(pod('a2', 'node-1', 'new', false), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: [], nodesToCreate: [],
  },
  {
    name: 'a ready new pod frees the budget for the next node',
    ds: daemonSet({ maxUnavailable: 1 }), pods: byNode(pod('a2', 'node-1', 'new', true), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: ['b'], nodesToCreate: [],
  },
  {
    name: 'a node without its pod counts as unavailable',
    ds: daemonSet({ maxUnavailable: 1 }), pods: byNode(pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: [], nodesToCreate: [],
  },
  {
    name: 'unavailable old pods are replaced whatever the budget',
    ds: daemonSet({ maxUnavailable: 1 }), pods: byNode(pod('a', 'node-1', 'old', false), pod('b', 'node-2', 'old', false), pod('c', 'node-3', 'old', true)),
    podsToDelete: ['a', 'b'], nodesToCreate: [],
  },
  {
    name: 'a pod ready for less than minReadySeconds is not available yet',
    ds: daemonSet({ maxUnavailable: 1 }, 30), pods: byNode(pod('a2', 'node-1', 'new', true, '2025-01-01T00:09:50Z'), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: [], nodesToCreate: [],
  },
  { name: 'maxSurge 1 starts one new pod beside an old one', ds: daemonSet({ maxUnavailable: 0, maxSurge: 1 }), pods: allOld(), podsToDelete: [], nodesToCreate: ['node-1'] },
  { name: 'maxSurge 2 starts two', ds: daemonSet({ maxUnavailable: 0, maxSurge: 2 }), pods: allOld(), podsToDelete: [], nodesToCreate: ['node-1', 'node-2'] },
  {
    name: 'while the surged pod is not available, nothing more happens',
    ds: daemonSet({ maxUnavailable: 0, maxSurge: 1 }), pods: byNode(pod('a', 'node-1', 'old', true), pod('a2', 'node-1', 'new', false), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: [], nodesToCreate: [],
  },
  {
    name: 'once the surged pod is available its old pod goes and the next node surges',
    ds: daemonSet({ maxUnavailable: 0, maxSurge: 1 }), pods: byNode(pod('a', 'node-1', 'old', true), pod('a2', 'node-1', 'new', true), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: ['a'], nodesToCreate: ['node-2'],
  },
  {
    name: 'an unavailable old pod gets a new one beside it beyond maxSurge',
    ds: daemonSet({ maxUnavailable: 0, maxSurge: 1 }), pods: byNode(pod('a', 'node-1', 'old', false), pod('b', 'node-2', 'old', true), pod('c', 'node-3', 'old', true)),
    podsToDelete: [], nodesToCreate: ['node-1', 'node-2'],
  },
];

for (const c of cases) {
  test(`rollingUpdatePlan: ${c.name}`, () => {
    assert.deepEqual(rollingUpdatePlan(c.ds, nodes, c.pods, NEW, NOW), { podsToDelete: c.podsToDelete, nodesToCreate: c.nodesToCreate });
  });
}

test('updatedDesiredNodeCounts resolves the limits over the nodes that should run a pod', () => {
  const tainted: Node = { metadata: { name: 'node-4' }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } };
  const m: NodeToDaemonPods = new Map();
  assert.deepEqual(updatedDesiredNodeCounts(daemonSet({ maxUnavailable: '10%', maxSurge: '50%' }), [...nodes, tainted], m), { maxSurge: 2, maxUnavailable: 1, desiredNumberScheduled: 3 });
  assert.deepEqual([...m.keys()], ['node-1', 'node-2', 'node-3']);
});

test('daemonSetStatusCounts counts desired, current, ready, available, updated and misscheduled pods', () => {
  const tainted: Node = { metadata: { name: 'node-4' }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } };
  const pods = byNode(pod('a2', 'node-1', 'new', true), pod('b', 'node-2', 'old', false), pod('d', 'node-4', 'old', true));
  assert.deepEqual(daemonSetStatusCounts(daemonSet({ maxUnavailable: 1 }), [...nodes, tainted], pods, NEW, NOW), {
    desiredNumberScheduled: 3, currentNumberScheduled: 2, numberMisscheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2,
  });
});
