import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelectorRequirement, Node, Pod, ReplicaSet } from '../../api/types';
import type { CycleState, Status } from '../framework/interfaces';
import { snapshotOf } from '../framework/snapshot';
import { NodeInfo } from '../nodeInfo';
import { type Service, staticListers } from '../sharedListers';
import {
  ERR_REASON_CONSTRAINTS_NOT_MATCH as NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH as MISSING, isSchedulableAfterNodeChange, isSchedulableAfterPodChange,
  podTopologySpread,
} from './podTopologySpread';
import { type PodTopologySpreadArgs, type TopologySpreadConstraint, defaultSelector, spreadingOf } from './podTopologySpreadConstraints';

const exists = (key: string): LabelSelectorRequirement => ({ key, operator: 'Exists' });
const spread = (maxSkew: number, topologyKey: string, whenUnsatisfiable: TopologySpreadConstraint['whenUnsatisfiable'], extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew, topologyKey, whenUnsatisfiable, labelSelector: { matchExpressions: [exists('foo')] }, ...extra,
});
let seq = 0;
const pod = (labels: Record<string, string>, o: { node?: string; ns?: string; constraints?: TopologySpreadConstraint[]; nodeSelector?: Record<string, string>; owner?: string } = {}): Pod => ({
  metadata: {
    name: `p${seq++}`, namespace: o.ns ?? 'default', labels, uid: `uid-${seq}`,
    ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: 'rs-uid', controller: true }] } : {}),
  },
  spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}), ...(o.constraints ? { topologySpreadConstraints: o.constraints } : {}), ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}) },
});
const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels }, spec: {} });
/** placed puts count pods labelled foo on a node. */
const placed = (nodeName: string, count: number, labels: Record<string, string> = { foo: '' }, ns = 'default'): Pod[] => Array.from({ length: count }, () => pod(labels, { node: nodeName, ns }));

function infos(nodes: Node[], pods: Pod[]): NodeInfo[] {
  return nodes.map((n) => {
    const info = new NodeInfo(n);
    for (const p of pods) if (p.spec.nodeName === n.metadata.name) info.addPod(p);
    return info;
  });
}

// The nodes of filtering_test.go: node-a and node-b in zone1, node-x and node-y in zone2, each with a `node` label.
const zoned = [node('node-a', { zone: 'zone1', node: 'node-a' }), node('node-b', { zone: 'zone1', node: 'node-b' }), node('node-x', { zone: 'zone2', node: 'node-x' }), node('node-y', { zone: 'zone2', node: 'node-y' })];

function filterAll(incoming: Pod, nodes: Node[], pods: Pod[], args: PodTopologySpreadArgs = {}): Status[] {
  const list = infos(nodes, pods);
  const p = podTopologySpread(args, { snapshot: () => snapshotOf(list) }, staticListers({}));
  const state: CycleState = new Map();
  const pre = p.preFilter(state, incoming, list);
  if (pre.code === 'Skip') return list.map(() => ({ code: 'Success', reasons: [] }));
  return list.map((n) => p.filter(state, incoming, n));
}

const S = 'Success';
const U = 'Unschedulable';
const R = 'UnschedulableAndUnresolvable';

// filtering_test.go TestSingleConstraint and TestMultipleConstraints: pod, nodes, existing pods, each node's code.
const filtering: { name: string; pod: Pod; nodes?: Node[]; pods: Pod[]; want: string[] }[] = [
  { name: 'no existing pods', pod: pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] }), pods: [], want: [S, S, S, S] },
  { name: 'no existing pods, incoming pod doesn\'t match itself', pod: pod({ bar: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] }), pods: [], want: [S, S, S, S] },
  {
    name: 'existing pods in a different namespace do not count',
    pod: pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] }), pods: [...placed('node-a', 1, { foo: '' }, 'ns1'), ...placed('node-b', 1, { foo: '' }, 'ns2'), ...placed('node-x', 2)], want: [S, S, U, U],
  },
  { name: 'pods spread across zones as 3/3, all nodes fit', pod: pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] }), pods: [...placed('node-a', 1), ...placed('node-b', 2), ...placed('node-x', 1), ...placed('node-y', 2)], want: [S, S, S, S] },
  {
    name: "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
    pod: pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] }),
    nodes: [zoned[0], node('node-b', { zon: 'zone1', node: 'node-b' }), zoned[2], zoned[3]], pods: [...placed('node-a', 1), ...placed('node-x', 1), ...placed('node-y', 1)], want: [S, R, U, U],
  },
  { name: "pod cannot be scheduled as all nodes don't have label 'rack'", pod: pod({ foo: '' }, { constraints: [spread(1, 'rack', 'DoNotSchedule')] }), pods: [], want: [R, R, R, R] },
  { name: 'pods spread across nodes as 2/1/0/3, only node-x fits', pod: pod({ foo: '' }, { constraints: [spread(1, 'node', 'DoNotSchedule')] }), pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-y', 3)], want: [U, U, S, U] },
  { name: 'pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit', pod: pod({ foo: '' }, { constraints: [spread(2, 'node', 'DoNotSchedule')] }), pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-y', 3)], want: [U, S, S, U] },
  { name: "pods spread across nodes as 2/1/0/3, but pod doesn't match itself", pod: pod({ bar: '' }, { constraints: [spread(1, 'node', 'DoNotSchedule')] }), pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-y', 3)], want: [U, S, S, U] },
  {
    // Only node-a and node-y take part (node affinity is honored by default), so the minimum is node-a's 2; node-b and node-x fail at NodeAffinity, not here.
    name: 'incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits',
    pod: pod({ foo: '' }, { constraints: [spread(1, 'node', 'DoNotSchedule')], nodeSelector: { pick: 'yes' } }),
    nodes: [node('node-a', { zone: 'zone1', node: 'node-a', pick: 'yes' }), zoned[1], zoned[2], node('node-y', { zone: 'zone2', node: 'node-y', pick: 'yes' })],
    pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-y', 3)], want: [S, S, S, U],
  },
  {
    name: 'terminating pods are excluded',
    pod: pod({ foo: '' }, { constraints: [spread(1, 'node', 'DoNotSchedule')] }),
    pods: [...placed('node-a', 1), { ...pod({ foo: '' }, { node: 'node-b' }), metadata: { name: 'gone', namespace: 'default', labels: { foo: '' }, deletionTimestamp: '2024-01-01T00:00:00Z' } }, ...placed('node-b', 1)],
    nodes: [zoned[0], zoned[1]], want: [S, S],
  },
  {
    name: 'minDomains: 2 zones exist, minDomains 3, so the global minimum is 0: zone1 with 2 pods does not fit at maxSkew 2',
    pod: pod({ foo: '' }, { constraints: [spread(2, 'zone', 'DoNotSchedule', { minDomains: 3 })] }), pods: [...placed('node-a', 2), ...placed('node-x', 1)], want: [U, U, S, S],
  },
  {
    name: 'minDomains satisfied: the global minimum counts',
    pod: pod({ foo: '' }, { constraints: [spread(2, 'zone', 'DoNotSchedule', { minDomains: 2 })] }), pods: [...placed('node-a', 2), ...placed('node-x', 1)], want: [S, S, S, S],
  },
  {
    name: 'two Constraints on zone and node, spreads = [3/3, 2/1/0/3], only node-x fits',
    pod: pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule'), spread(1, 'node', 'DoNotSchedule')] }),
    pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-y', 3)], want: [U, U, S, U],
  },
  {
    name: 'two Constraints on zone and node, spreads = [3/4, 2/1/0/4], no node fits',
    pod: pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule'), spread(1, 'node', 'DoNotSchedule')] }),
    pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-y', 4)], want: [U, U, U, U],
  },
  {
    name: 'ScheduleAnyway constraints do not filter',
    pod: pod({ foo: '' }, { constraints: [spread(1, 'rack', 'ScheduleAnyway')] }), pods: [...placed('node-a', 5)], want: [S, S, S, S],
  },
  {
    name: 'matchLabelKeys narrow the selector to pods with the same value',
    pod: pod({ foo: '', rev: 'v2' }, { constraints: [spread(1, 'node', 'DoNotSchedule', { matchLabelKeys: ['rev'] })] }),
    pods: [...placed('node-a', 3, { foo: '', rev: 'v1' }), ...placed('node-b', 1, { foo: '', rev: 'v2' })], want: [S, U, S, S],
  },
  {
    name: "nodeTaintsPolicy Honor leaves out nodes with taints the pod doesn't tolerate",
    pod: pod({ foo: '' }, { constraints: [spread(1, 'node', 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })] }),
    nodes: [zoned[0], { ...zoned[1], spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } }],
    pods: [...placed('node-a', 1)], want: [S, S],
  },
];

for (const tc of filtering) {
  test(`PodTopologySpread filter: ${tc.name}`, () => {
    const statuses = filterAll(tc.pod, tc.nodes ?? zoned, tc.pods);
    assert.deepEqual(statuses.map((s) => s.code), tc.want);
    for (const s of statuses) {
      if (s.code === U) assert.deepEqual(s.reasons, [NOT_MATCH]);
      if (s.code === R) assert.deepEqual(s.reasons, [MISSING]);
    }
  });
}

test('PodTopologySpread PreFilter skips a pod with no constraints when nothing selects it', () => {
  const list = infos(zoned, []);
  const p = podTopologySpread({}, { snapshot: () => snapshotOf(list) }, staticListers({}));
  assert.equal(p.preFilter(new Map(), pod({ foo: '' }), list).code, 'Skip');
});

test('PodTopologySpread AddPod and RemovePod move the counts and critical paths on a copy', () => {
  const list = infos(zoned, [...placed('node-a', 1), ...placed('node-x', 1)]);
  const p = podTopologySpread({}, { snapshot: () => snapshotOf(list) }, staticListers({}));
  const incoming = pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] });
  const state: CycleState = new Map();
  p.preFilter(state, incoming, list);
  const copy: CycleState = new Map(state);
  // A second pod in zone1 makes zone1 (2) exceed zone2 (1) + maxSkew for another one.
  p.preFilterExtensions?.()?.addPod(copy, incoming, pod({ foo: '' }, { node: 'node-b' }), list[1]);
  assert.deepEqual(list.map((n) => p.filter(copy, incoming, n).code), [U, U, S, S]);
  assert.deepEqual(list.map((n) => p.filter(state, incoming, n).code), [S, S, S, S]);
  // Removing zone2's pod: zone1 1, zone2 0, so zone1 is out.
  p.preFilterExtensions?.()?.removePod(state, incoming, list[2].pods.values().next().value as Pod, list[2]);
  assert.deepEqual(list.map((n) => p.filter(state, incoming, n).code), [U, U, S, S]);
  // A pod of another namespace changes nothing.
  const before = state.get('PreFilterPodTopologySpread');
  p.preFilterExtensions?.()?.addPod(state, incoming, pod({ foo: '' }, { node: 'node-x', ns: 'other' }), list[2]);
  assert.equal(state.get('PreFilterPodTopologySpread'), before);
});

function scoreAll(incoming: Pod, nodes: Node[], pods: Pod[], feasible: string[] | undefined, args: PodTopologySpreadArgs = {}, listers = staticListers({})): Map<string, number> {
  const list = infos(nodes, pods);
  const p = podTopologySpread(args, { snapshot: () => snapshotOf(list) }, listers);
  const filtered = feasible ? list.filter((n) => feasible.includes(n.name)) : list;
  const state: CycleState = new Map();
  const pre = p.preScore(state, incoming, filtered);
  if (pre.code === 'Skip') return new Map(filtered.map((n) => [n.name, -1]));
  const scores = filtered.map((n) => ({ node: n.name, score: p.score(state, incoming, n) }));
  p.normalizeScore?.(state, incoming, scores);
  return new Map(scores.map((s) => [s.node, s.score]));
}

const soft = (maxSkew: number, key: string) => spread(maxSkew, key, 'ScheduleAnyway');
const four = ['node-a', 'node-b', 'node-c', 'node-d'].map((n) => node(n, { node: n }));

// scoring_test.go TestPodTopologySpreadScore: the normalized score per node.
const scoring: { name: string; pod: Pod; nodes: Node[]; pods: Pod[]; feasible?: string[]; want: Record<string, number> }[] = [
  { name: 'one constraint on node, no existing pods', pod: pod({ foo: '' }, { constraints: [soft(1, 'node')] }), nodes: four.slice(0, 2), pods: [], want: { 'node-a': 100, 'node-b': 100 } },
  { name: 'one constraint on node, only one node is candidate', pod: pod({ foo: '' }, { constraints: [soft(1, 'node')] }), nodes: four.slice(0, 2), pods: [...placed('node-a', 2), ...placed('node-b', 1)], feasible: ['node-a'], want: { 'node-a': 100 } },
  { name: 'one constraint on node, all nodes have the same number of matching pods', pod: pod({ foo: '' }, { constraints: [soft(1, 'node')] }), nodes: four.slice(0, 2), pods: [...placed('node-a', 1), ...placed('node-b', 1)], want: { 'node-a': 100, 'node-b': 100 } },
  {
    // log(6) weighs each pod: raw 4, 2, 0, 5 → 100×(5+0−s)/5.
    name: 'one constraint on node, all 4 nodes are candidates',
    pod: pod({ foo: '' }, { constraints: [soft(1, 'node')] }), nodes: four, pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-d', 3)],
    want: { 'node-a': 20, 'node-b': 60, 'node-c': 100, 'node-d': 0 },
  },
  {
    name: 'one constraint on node, all 4 nodes are candidates, maxSkew=2',
    pod: pod({ foo: '' }, { constraints: [soft(2, 'node')] }), nodes: four, pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-d', 3)],
    want: { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 },
  },
  {
    // zone1 holds 3, zone2 1, weight log(4): raw 4 and 1 → 100×(4+1−s)/4; node-z lacks the key and is ignored.
    name: 'one constraint on zone: the emptier zone wins, nodes without the key score 0',
    pod: pod({ foo: '' }, { constraints: [soft(1, 'zone')] }),
    nodes: [...zoned, node('node-z', { node: 'node-z' })], pods: [...placed('node-a', 2), ...placed('node-b', 1), ...placed('node-x', 1)],
    want: { 'node-a': 25, 'node-b': 25, 'node-x': 100, 'node-y': 100, 'node-z': 0 },
  },
  {
    name: 'two Constraints on zone and node, 2 out of 4 nodes are candidates',
    pod: pod({ foo: '' }, { constraints: [soft(1, 'zone'), soft(1, 'node')] }),
    nodes: zoned, pods: [...placed('node-a', 1), ...placed('node-b', 1), ...placed('node-x', 2), ...placed('node-y', 1)], feasible: ['node-a', 'node-x'],
    // zone weight log(4), node weight log(4): node-a 2×1.386+1×1.386 = 4.16 → 4; node-x 3×1.386+2×1.386 = 6.93 → 7.
    want: { 'node-a': 100, 'node-x': 57 },
  },
];

for (const tc of scoring) {
  test(`PodTopologySpread score: ${tc.name}`, () => {
    assert.deepEqual(Object.fromEntries(scoreAll(tc.pod, tc.nodes, tc.pods, tc.feasible)), tc.want);
  });
}

test('PodTopologySpread system defaults spread the pods of a Service per hostname and zone; a node without a zone still spreads per hostname', () => {
  const svc: Service = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } };
  const nodes = [node('n1', { 'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': 'a' }), node('n2', { 'kubernetes.io/hostname': 'n2', 'topology.kubernetes.io/zone': 'b' }), node('n3', { 'kubernetes.io/hostname': 'n3' })];
  const pods = placed('n1', 2, { app: 'web' });
  const scores = scoreAll(pod({ app: 'web' }), nodes, pods, undefined, {}, staticListers({ services: [svc] }));
  // Weights log(3+2) for 3 hosts and for 3 zone values (a, b and n3's none). n1: 2×1.61+2 + 2×1.61+4 = 12;
  // n2: 0+2 + 0+4 = 6; n3 has no zone, so hostname only: 0+2 = 2. Then 100×(12+2−s)/12.
  assert.deepEqual(Object.fromEntries(scores), { n1: 16, n2: 66, n3: 100 });
  // Nothing selects the pod: no default constraints, PreScore skips.
  assert.deepEqual(Object.fromEntries(scoreAll(pod({ app: 'other' }), nodes, pods, undefined, {}, staticListers({ services: [svc] }))), { n1: -1, n2: -1, n3: -1 });
  // List defaulting with no constraints: nothing to do either.
  assert.deepEqual(Object.fromEntries(scoreAll(pod({ app: 'web' }), nodes, pods, undefined, { defaultingType: 'List' }, staticListers({ services: [svc] }))), { n1: -1, n2: -1, n3: -1 });
});

test('defaultSelector merges the selecting Services with the controlling ReplicaSet', () => {
  const rs: ReplicaSet = { metadata: { name: 'web-abc', namespace: 'default' }, spec: { selector: { matchLabels: { 'pod-template-hash': 'abc' } }, template: { spec: { containers: [] } } } };
  const listers = staticListers({
    services: [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 'headless', namespace: 'default' }, spec: {} },
      { metadata: { name: 'elsewhere', namespace: 'other' }, spec: { selector: { app: 'web' } } },
    ],
    replicaSets: [rs],
  });
  const p = pod({ app: 'web', 'pod-template-hash': 'abc' }, { owner: 'web-abc' });
  assert.deepEqual(defaultSelector(p, listers), [{ key: 'app', operator: 'In', values: ['web'] }, { key: 'pod-template-hash', operator: 'In', values: ['abc'] }]);
  assert.deepEqual(defaultSelector(pod({ x: 'y' }), listers), []);
});

test('PodTopologySpread queueing hints: pods', () => {
  const s = spreadingOf({});
  const target = pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] });
  assert.equal(isSchedulableAfterPodChange(target, s, undefined, pod({ foo: '' }, { node: 'n1' })), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, s, undefined, pod({ bar: '' }, { node: 'n1' })), 'QueueSkip');
  assert.equal(isSchedulableAfterPodChange(target, s, undefined, pod({ foo: '' }, { node: 'n1', ns: 'other' })), 'QueueSkip');
  assert.equal(isSchedulableAfterPodChange(target, s, pod({ foo: '' }, { node: 'n1' }), undefined), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, s, pod({ foo: '' }, { node: 'n1' }), pod({ bar: '' }, { node: 'n1' })), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, s, pod({ foo: '' }, { node: 'n1' }), pod({ foo: '', x: '' }, { node: 'n1' })), 'QueueSkip');
});

test('PodTopologySpread queueing hints: nodes', () => {
  const s = spreadingOf({});
  const target = pod({ foo: '' }, { constraints: [spread(1, 'zone', 'DoNotSchedule')] });
  assert.equal(isSchedulableAfterNodeChange(target, s, undefined, node('n', { zone: 'a' })), 'Queue');
  assert.equal(isSchedulableAfterNodeChange(target, s, undefined, node('n', {})), 'QueueSkip');
  assert.equal(isSchedulableAfterNodeChange(target, s, node('n', {}), node('n', { zone: 'a' })), 'Queue');
  assert.equal(isSchedulableAfterNodeChange(target, s, node('n', { zone: 'a' }), node('n', { zone: 'b' })), 'Queue');
  assert.equal(isSchedulableAfterNodeChange(target, s, node('n', { zone: 'a' }), node('n', { zone: 'a', x: 'y' })), 'QueueSkip');
  assert.equal(isSchedulableAfterNodeChange(target, s, node('n', { zone: 'a' }), undefined), 'Queue');
});
