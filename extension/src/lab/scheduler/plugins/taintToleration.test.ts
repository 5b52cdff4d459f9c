import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod, Taint, Toleration } from '../../api/types';
import { defaultProfile } from '../framework/registry';
import { SeededRandom } from '../../random';
import { NodeInfo } from '../nodeInfo';
import { schedulePod } from '../schedulePod';
import { countIntolerableTaintsPreferNoSchedule, defaultNormalizeScore, taintToleration, untoleratedTaint } from './taintToleration';

const nodeWith = (name: string, taints: Taint[] = []): NodeInfo => {
  const node: Node = { metadata: { name }, spec: { taints }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } };
  return new NodeInfo(node);
};
const podWith = (tolerations?: Toleration[], cpu = '100m'): Pod => ({
  metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', resources: { requests: { cpu } } }], ...(tolerations ? { tolerations } : {}) },
});
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };

// v1.Toleration.ToleratesTaint and FindMatchingUntoleratedTaint, as the Filter sees them.
const filterCases: [string, Taint[], Toleration[] | undefined, string | undefined][] = [
  ['no taints', [], undefined, undefined],
  ['an unreachable NoExecute taint and no tolerations', [unreachable], undefined, 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
  ['a NoSchedule taint with a value', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], undefined, 'node(s) had untolerated taint {dedicated: gpu}'],
  ['a PreferNoSchedule taint only (scoring, not filtering)', [{ key: 'soft', effect: 'PreferNoSchedule' }], undefined, undefined],
  ['Exists with the key', [unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], undefined],
  ['Exists with no key tolerates everything', [unreachable, { key: 'x', effect: 'NoSchedule' }], [{ operator: 'Exists' }], undefined],
  ['Equal with the wrong value', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'cpu', effect: 'NoSchedule' }], 'node(s) had untolerated taint {dedicated: gpu}'],
  ['an empty operator means Equal', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'gpu' }], undefined],
  ['the wrong effect', [unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }], 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
  ['the default 300 s toleration', [unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], undefined],
  ['the first untolerated of two', [{ key: 'a', effect: 'NoSchedule' }, unreachable], [{ key: 'a', operator: 'Exists' }], 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
];

for (const [what, taints, tolerations, reason] of filterCases) {
  test(`TaintToleration filter: ${what}`, () => {
    const status = taintToleration.filter(new Map(), podWith(tolerations), nodeWith('n', taints));
    assert.deepEqual(status.reasons, reason ? [reason] : []);
    assert.equal(status.code, reason ? 'UnschedulableAndUnresolvable' : 'Success');
    assert.equal(untoleratedTaint(podWith(tolerations), nodeWith('n', taints)) === undefined, reason === undefined);
  });
}

test('TaintToleration scores fewer untolerated PreferNoSchedule taints higher, reversed onto 0..100', () => {
  const soft = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
  assert.equal(countIntolerableTaintsPreferNoSchedule([soft('a'), soft('b'), { key: 'c', effect: 'NoSchedule' }], [{ key: 'a', operator: 'Exists' }]), 1);
  const scores = [{ score: 0 }, { score: 1 }, { score: 2 }];
  defaultNormalizeScore(scores, true);
  assert.deepEqual(scores.map((s) => s.score), [100, 50, 0]);
  const none = [{ score: 0 }, { score: 0 }];
  defaultNormalizeScore(none, true);
  assert.deepEqual(none.map((s) => s.score), [100, 100]);
});

test('the default profile counts an unreachable node in its summary beside other reasons, and never picks it', () => {
  const nodes = [nodeWith('node-1', [unreachable, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]), nodeWith('node-2'), nodeWith('node-3')];
  const big = schedulePod(podWith(undefined, '8'), nodes, defaultProfile, new SeededRandom(1));
  assert.equal(big.message, '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 Insufficient cpu.');
  const small = schedulePod(podWith(), nodes, defaultProfile, new SeededRandom(1));
  assert.notEqual(small.node, 'node-1');
  assert.deepEqual(small.scores.map((sc) => sc.plugins.map((p) => [p.plugin, p.weighted])[0]), [['TaintToleration', 300], ['TaintToleration', 300]]);
});
