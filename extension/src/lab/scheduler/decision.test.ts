import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { buildDecision, normalizedScores, weightedScores } from './decision';
import type { Status } from './framework/interfaces';
import { NodeInfo } from './nodeInfo';
import type { ScheduleResult } from './schedulePod';

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [] } };
const info = (name: string) => new NodeInfo({ metadata: { name }, spec: {}, status: { allocatable: { cpu: '1', memory: '1Gi', pods: '10' } } });
const status = (plugin: string, ...reasons: string[]): Status => ({ code: 'Unschedulable', reasons, plugin });

test('rejected nodes are grouped by plugin, code and reasons, each group in evaluation order', () => {
  const cpu = status('NodeResourcesFit', 'Insufficient cpu');
  const r: ScheduleResult = {
    numAllNodes: 6, startIndex: 0, evaluatedNodes: 6, feasibleNodes: [info('f')],
    diagnosis: {
      nodeToStatus: new Map([['n3', cpu], ['n1', status('NodeResourcesFit', 'Insufficient cpu')], ['n2', status('NodeResourcesFit', 'Insufficient cpu', 'Insufficient memory')], ['n5', status('TaintToleration', 'taint')], ['n4', cpu]]),
      unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '',
    },
  };
  const d = buildDecision(pod, 'default-scheduler', 1, ['NodeResourcesFit', 'TaintToleration'], r, undefined, 't');
  assert.deepEqual(d.filter.rejected, [
    { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'], nodes: ['n3', 'n1', 'n4'] },
    { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'], nodes: ['n2'] },
    { plugin: 'TaintToleration', code: 'Unschedulable', reasons: ['taint'], nodes: ['n5'] },
  ]);
  assert.deepEqual(d.filter.feasible, ['f']);
});

test('scores are parallel to the feasible nodes; normalized ones are kept only where NormalizeScore changed them', () => {
  const r: ScheduleResult = {
    numAllNodes: 2, startIndex: 0, evaluatedNodes: 2, feasibleNodes: [info('a'), info('b')], node: 'b',
    diagnosis: { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' },
    scores: {
      plugins: [{ name: 'NodeResourcesFit', weight: 1 }, { name: 'TaintToleration', weight: 3 }, { name: 'NodeAffinity', weight: 2 }],
      raw: [[40, 60], [1, 0], [0, 0]],
      normalized: [[40, 60], [0, 100], [0, 0]],
      totals: [40, 360],
    },
  };
  const d = buildDecision(pod, 'default-scheduler', 1, [], r, undefined, 't');
  assert.deepEqual(d.score?.plugins, [
    { name: 'NodeResourcesFit', weight: 1, raw: [40, 60] },
    { name: 'TaintToleration', weight: 3, raw: [1, 0], normalized: [0, 100] },
    { name: 'NodeAffinity', weight: 2, raw: [0, 0] },
  ]);
  const [fit, taints] = d.score?.plugins ?? [];
  assert.deepEqual([normalizedScores(fit), weightedScores(fit)], [[40, 60], [40, 60]]);
  assert.deepEqual([normalizedScores(taints), weightedScores(taints)], [[0, 100], [0, 300]]);
});
