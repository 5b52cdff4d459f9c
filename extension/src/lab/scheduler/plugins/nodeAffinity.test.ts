import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../api/nodeAffinity';
import type { Node, Pod } from '../../api/types';
import { NodeInfo } from '../nodeInfo';
import { ERR_REASON_CONFLICT, ERR_REASON_ENFORCED, ERR_REASON_POD, type NodeAffinityArgs, isSchedulableAfterNodeChange, nodeAffinity } from './nodeAffinity';
import { ERR_REASON as NODE_NAME_REASON, nodeName } from './nodeName';

const req = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorRequirement => ({ key, operator, ...(values ? { values } : {}) });
const nameIn = (...values: string[]): NodeSelectorRequirement => req('metadata.name', 'In', values);
const required = (...terms: NodeSelectorTerm[]): Pod => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } },
});
const selector = (nodeSelector: Record<string, string>, pod: Pod = { metadata: { name: 'p' }, spec: { containers: [] } }): Pod => ({ ...pod, spec: { ...pod.spec, nodeSelector } });
const nodeOf = (labels: Record<string, string> = {}, name = ''): Node => ({ metadata: { name, labels }, spec: {} });
const addedRequired = (...terms: NodeSelectorTerm[]): NodeAffinityArgs => ({ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });

// node_affinity_test.go TestNodeAffinity: pod, node labels and name, args, PreFilter's code and node names, Filter's reason.
const cases: { name: string; pod: Pod; labels?: Record<string, string>; node?: string; args?: NodeAffinityArgs; pre?: string; names?: string[]; reason?: string }[] = [
  { name: 'missing labels', pod: selector({ foo: 'bar' }), reason: ERR_REASON_POD },
  { name: 'same labels', pod: selector({ foo: 'bar' }), labels: { foo: 'bar' } },
  { name: 'node labels are superset', pod: selector({ foo: 'bar' }), labels: { foo: 'bar', baz: 'blah' } },
  { name: 'node labels are subset', pod: selector({ foo: 'bar', baz: 'blah' }), labels: { foo: 'bar' }, reason: ERR_REASON_POD },
  { name: 'Pod with matchExpressions using In operator that matches the existing node', pod: required({ matchExpressions: [req('foo', 'In', ['bar', 'value2'])] }), labels: { foo: 'bar' } },
  { name: 'Pod with matchExpressions using Gt operator that matches the existing node', pod: required({ matchExpressions: [req('kernel-version', 'Gt', ['0204'])] }), labels: { 'kernel-version': '0206' } },
  { name: 'Pod with matchExpressions using NotIn operator that matches the existing node', pod: required({ matchExpressions: [req('mem-type', 'NotIn', ['DDR', 'DDR2'])] }), labels: { 'mem-type': 'DDR3' } },
  { name: 'Pod with matchExpressions using Exists operator that matches the existing node', pod: required({ matchExpressions: [req('GPU', 'Exists')] }), labels: { GPU: 'NVIDIA-GRID-K1' } },
  { name: "Pod with affinity that don't match node's labels won't schedule onto the node", pod: required({ matchExpressions: [req('foo', 'In', ['value1', 'value2'])] }), labels: { foo: 'bar' }, reason: ERR_REASON_POD },
  { name: "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node", pod: required({ matchExpressions: [] }), labels: { foo: 'bar' }, reason: ERR_REASON_POD },
  { name: 'Pod with no Affinity will schedule onto a node', pod: { metadata: { name: 'p' }, spec: { containers: [] } }, labels: { foo: 'bar' }, pre: 'Skip' },
  { name: 'Pod with Affinity but nil NodeSelector will schedule onto a node', pod: { metadata: { name: 'p' }, spec: { containers: [], affinity: { nodeAffinity: {} } } }, labels: { foo: 'bar' }, pre: 'Skip' },
  { name: 'Pod with multiple matchExpressions ANDed that matches the existing node', pod: required({ matchExpressions: [req('GPU', 'Exists'), req('GPU', 'NotIn', ['AMD', 'INTER'])] }), labels: { GPU: 'NVIDIA-GRID-K1' } },
  { name: "Pod with multiple matchExpressions ANDed that doesn't match the existing node", pod: required({ matchExpressions: [req('GPU', 'Exists'), req('GPU', 'In', ['AMD', 'INTER'])] }), labels: { GPU: 'NVIDIA-GRID-K1' }, reason: ERR_REASON_POD },
  { name: "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node", pod: required({ matchExpressions: [req('foo', 'In', ['bar', 'value2'])] }, { matchExpressions: [req('diffkey', 'In', ['wrong', 'value2'])] }), labels: { foo: 'bar' } },
  { name: 'Pod with an Affinity and a PodSpec.NodeSelector both satisfied, will schedule onto the node', pod: selector({ foo: 'bar' }, required({ matchExpressions: [req('foo', 'Exists')] })), labels: { foo: 'bar' } },
  { name: 'Pod with an Affinity matches node\'s labels but the PodSpec.NodeSelector is not satisfied, won\'t schedule onto the node', pod: selector({ foo: 'bar' }, required({ matchExpressions: [req('foo', 'Exists')] })), labels: { foo: 'barrrrrr' }, reason: ERR_REASON_POD },
  { name: 'Pod with matchFields using In operator that matches the existing node', pod: required({ matchFields: [nameIn('node1')] }), node: 'node1', names: ['node1'] },
  { name: 'Pod with matchFields using In operator that does not match the existing node', pod: required({ matchFields: [nameIn('node1')] }), node: 'node2', names: ['node1'], reason: ERR_REASON_POD },
  { name: 'Pod with two terms: matchFields does not match, but matchExpressions matches', pod: required({ matchFields: [nameIn('node1')] }, { matchExpressions: [req('foo', 'In', ['bar'])] }), node: 'node2', labels: { foo: 'bar' } },
  { name: 'Pod with one term: matchFields does not match, but matchExpressions matches', pod: required({ matchFields: [nameIn('node1')], matchExpressions: [req('foo', 'In', ['bar'])] }), node: 'node2', labels: { foo: 'bar' }, names: ['node1'], reason: ERR_REASON_POD },
  { name: 'Pod with one term: both matchFields and matchExpressions match', pod: required({ matchFields: [nameIn('node1')], matchExpressions: [req('foo', 'In', ['bar'])] }), node: 'node1', labels: { foo: 'bar' }, names: ['node1'] },
  { name: 'Pod with two terms: both matchFields and matchExpressions do not match', pod: required({ matchFields: [nameIn('node1')] }, { matchExpressions: [req('foo', 'In', ['not-match-to-bar'])] }), node: 'node2', labels: { foo: 'bar' }, reason: ERR_REASON_POD },
  { name: 'Pod with two terms of node.Name affinity', pod: required({ matchFields: [nameIn('node1')] }, { matchFields: [nameIn('node2')] }), node: 'node2', names: ['node1', 'node2'] },
  { name: 'Pod with two conflicting mach field requirements', pod: required({ matchFields: [nameIn('node1'), nameIn('node2')] }), node: 'node2', labels: { foo: 'bar' }, pre: 'UnschedulableAndUnresolvable', reason: ERR_REASON_POD },
  { name: "Matches added affinity and Pod's node affinity", pod: required({ matchExpressions: [req('zone', 'In', ['foo'])] }), node: 'node2', labels: { zone: 'foo' }, args: addedRequired({ matchFields: [nameIn('node2')] }) },
  { name: "Matches added affinity but not Pod's node affinity", pod: required({ matchExpressions: [req('zone', 'In', ['bar'])] }), node: 'node2', labels: { zone: 'foo' }, args: addedRequired({ matchFields: [nameIn('node2')] }), reason: ERR_REASON_POD },
  { name: "Doesn't match added affinity", pod: { metadata: { name: 'p' }, spec: { containers: [] } }, node: 'node2', labels: { zone: 'foo' }, args: addedRequired({ matchExpressions: [req('zone', 'In', ['bar'])] }), reason: ERR_REASON_ENFORCED },
];

for (const tc of cases) {
  test(`NodeAffinity filter: ${tc.name}`, () => {
    const p = nodeAffinity(tc.args);
    const pre = p.preFilter(new Map(), tc.pod, []);
    assert.equal(pre.code, tc.pre ?? 'Success');
    if (tc.pre === 'UnschedulableAndUnresolvable') assert.deepEqual(pre.reasons, [ERR_REASON_CONFLICT]);
    assert.deepEqual(pre.nodeNames ? [...pre.nodeNames].sort() : undefined, tc.names);
    const status = p.filter(new Map(), tc.pod, new NodeInfo(nodeOf(tc.labels, tc.node)));
    assert.deepEqual(status.reasons, tc.reason ? [tc.reason] : []);
    assert.equal(status.code, tc.reason ? 'UnschedulableAndUnresolvable' : 'Success');
  });
}

const preferred = (...terms: [number, NodeSelectorTerm][]): Pod => ({
  metadata: { name: 'p' },
  spec: { containers: [], affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms.map(([weight, preference]) => ({ weight, preference })) } } },
});
const fooBar: NodeSelectorTerm = { matchExpressions: [req('foo', 'In', ['bar'])] };
const keyValue: NodeSelectorTerm = { matchExpressions: [req('key', 'In', ['value'])] };
const affinity1 = preferred([2, fooBar]);
const affinity2 = preferred([2, fooBar], [4, keyValue], [5, { matchExpressions: [req('foo', 'In', ['bar']), req('key', 'In', ['value']), req('az', 'In', ['az1'])] }]);
const label1 = { foo: 'bar' };
const label2 = { key: 'value' };
const label3 = { az: 'az1' };
const label4 = { abc: 'az11', def: 'az22' };
const label5 = { foo: 'bar', key: 'value', az: 'az1' };

// node_affinity_test.go TestNodeAffinityPriority: normalized scores per node.
const scoreCases: { name: string; pod: Pod; labels: Record<string, string>[]; args?: NodeAffinityArgs; scores: number[] }[] = [
  { name: 'all nodes are same priority as NodeAffinity is nil', pod: { metadata: { name: 'p' }, spec: { containers: [] } }, labels: [label1, label2, label3], scores: [0, 0, 0] },
  { name: "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero", pod: affinity1, labels: [label4, label2, label3], scores: [0, 0, 0] },
  { name: 'only node1 matches the preferred scheduling requirements of pod', pod: affinity1, labels: [label1, label2, label3], scores: [100, 0, 0] },
  { name: 'all nodes matches the preferred scheduling requirements of pod but with different priorities', pod: affinity2, labels: [label1, label5, label2], scores: [18, 100, 36] },
  { name: 'added affinity', pod: { metadata: { name: 'p' }, spec: { containers: [] } }, labels: [label1, label2], args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 2, preference: fooBar }] } }, scores: [100, 0] },
  { name: 'added affinity and pod has default affinity', pod: affinity1, labels: [label1, label2, label5], args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, preference: keyValue }] } }, scores: [40, 60, 100] },
];

for (const tc of scoreCases) {
  test(`NodeAffinity score: ${tc.name}`, () => {
    const p = nodeAffinity(tc.args);
    const scores = tc.labels.map((l, i) => ({ node: `node${i}`, score: p.score(new Map(), tc.pod, new NodeInfo(nodeOf(l, `node${i}`))) }));
    p.normalizeScore?.(new Map(), tc.pod, scores);
    assert.deepEqual(scores.map((s) => s.score), tc.scores);
  });
}

// Test_isSchedulableAfterNodeChange
const fooIn = required({ matchExpressions: [req('foo', 'In', ['bar'])] });
const hints: [string, Node | undefined, Node, NodeAffinityArgs | undefined, string][] = [
  ['skip-queue-on-add', undefined, nodeOf(), undefined, 'QueueSkip'],
  ['queue-on-add', undefined, nodeOf({ foo: 'bar' }), undefined, 'Queue'],
  ['skip-unrelated-changes-on-labels', nodeOf(), nodeOf({ k: 'v' }), undefined, 'QueueSkip'],
  ['skip-labels-changes-on-suitable-node', nodeOf({ foo: 'bar' }), nodeOf({ foo: 'bar', k: 'v' }), undefined, 'QueueSkip'],
  ['skip-labels-changes-on-node-from-suitable-to-unsuitable', nodeOf({ foo: 'bar' }), nodeOf({ k: 'v' }), undefined, 'QueueSkip'],
  ['queue-on-labels-change-makes-pod-schedulable', nodeOf(), nodeOf({ foo: 'bar' }), undefined, 'Queue'],
  ['skip-queue-on-add-scheduler-enforced-node-affinity', undefined, nodeOf(), addedRequired(fooBar), 'QueueSkip'],
  ['queue-on-add-scheduler-enforced-node-affinity', undefined, nodeOf({ foo: 'bar' }), addedRequired(fooBar), 'Queue'],
];
for (const [name, oldNode, newNode, args, want] of hints) {
  test(`NodeAffinity queueing hint: ${name}`, () => {
    assert.equal(isSchedulableAfterNodeChange(fooIn, oldNode, newNode, args), want);
  });
}

// node_name_test.go
const nodeNameCases: [string, string | undefined, string | undefined][] = [
  ['no host specified', undefined, undefined],
  ['host matches', 'foo', undefined],
  ["host doesn't match", 'bar', NODE_NAME_REASON],
];
for (const [name, wanted, reason] of nodeNameCases) {
  test(`NodeName filter: ${name}`, () => {
    const status = nodeName().filter(new Map(), { metadata: { name: 'p' }, spec: { containers: [], ...(wanted ? { nodeName: wanted } : {}) } }, new NodeInfo(nodeOf({}, 'foo')));
    assert.deepEqual(status.reasons, reason ? [reason] : []);
    assert.equal(status.code, reason ? 'UnschedulableAndUnresolvable' : 'Success');
  });
}
