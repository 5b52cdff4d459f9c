import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../lab/api/types';
import type { SchedulingDecision } from '../../lab/scheduler/decision';
import { queuedPodView } from './schedulerQueue';
import { histogram, whyPending } from './schedulerWhy';

const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1', creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '8', memory: '16Gi' } } }] },
};

function decision(over: Partial<SchedulingDecision>, rv = 1): SchedulingDecision {
  return {
    apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'SchedulingDecision',
    metadata: { name: `p.${rv}`, namespace: 'default', resourceVersion: String(rv), creationTimestamp: `2025-01-01T00:00:0${rv}Z` },
    pod: { namespace: 'default', name: 'p', uid: 'u1' }, profile: 'default-scheduler', attempt: rv, result: 'Unschedulable',
    nodes: { total: 3, evaluated: 3, feasible: 0, startIndex: 0 }, preFilter: [],
    filter: { plugins: ['NodeUnschedulable', 'TaintToleration', 'NodeResourcesFit'], feasible: [], rejected: [] },
    ...over,
  };
}

const rejected = (nodes: string | string[], plugin: string, ...reasons: string[]) => ({ nodes: typeof nodes === 'string' ? [nodes] : nodes, plugin, code: 'Unschedulable', reasons });
const taint = 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

const cases: [string, SchedulingDecision | undefined, Pod, string][] = [
  ['every node short of CPU', decision({ filter: { plugins: [], feasible: [], rejected: [rejected(['a', 'b', 'c'], 'NodeResourcesFit', 'Insufficient cpu')] } }), pod,
    'None of the 3 nodes can run it: all 3 are short of CPU (the pod requests 8 CPU).'],
  ['reasons by how many nodes they rule out, a node with two reasons counted under each', decision({ filter: { plugins: [], feasible: [], rejected: [
    rejected('a', 'NodeResourcesFit', 'Insufficient cpu', 'Insufficient memory'), rejected('b', 'NodeResourcesFit', 'Insufficient cpu'), rejected('c', 'TaintToleration', taint)] } }), pod,
  'None of the 3 nodes can run it: 2 are short of CPU (the pod requests 8 CPU), 1 is short of memory (the pod requests 16Gi) and 1 has a taint the pod does not tolerate {node-role.kubernetes.io/control-plane: }.'],
  ['the only node, cordoned', decision({ nodes: { total: 1, evaluated: 1, feasible: 0, startIndex: 0 }, filter: { plugins: [], feasible: [], rejected: [rejected('a', 'NodeUnschedulable', 'node(s) were unschedulable')] } }), pod,
    'The only node cannot run it: it is cordoned.'],
  ['two nodes failing the node selector', decision({ nodes: { total: 2, evaluated: 0, feasible: 0, startIndex: 0 }, filter: { plugins: [], feasible: [], rejected: [], absent: { count: 2, code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] } } }), pod,
    "None of the 2 nodes can run it: both do not match the pod's node selector or affinity."],
  ['a pod-level reason reads once', decision({ filter: { plugins: [], feasible: [], rejected: [], absent: { count: 3, code: 'UnschedulableAndUnresolvable', reasons: ['pod has unbound immediate PersistentVolumeClaims'] } } }), pod,
    'None of the 3 nodes can run it: its PersistentVolumeClaims with Immediate binding are not bound yet.'],
  ['an unknown reason is quoted', decision({ filter: { plugins: [], feasible: [], rejected: [rejected('a', 'X', 'node(s) were haunted')] } }), pod,
    'None of the 3 nodes can run it: 1 was rejected: node(s) were haunted.'],
  ['no nodes at all', decision({ nodes: { total: 0, evaluated: 0, feasible: 0, startIndex: 0 } }), pod, 'There are no nodes in the cluster to run it.'],
  ['an error', decision({ result: 'Error', message: 'boom' }), pod, 'The scheduler hit an error and will try again after a backoff: boom'],
  ['chosen, binding', decision({ result: 'Scheduled', node: 'b' }), pod, 'The scheduler chose b; it is being bound there.'],
  ['never tried', undefined, pod, 'The scheduler has not tried it yet: it waits in the active queue.'],
  ['gated', undefined, { ...pod, spec: { ...pod.spec, schedulingGates: [{ name: 'example.com/wait' }] } }, 'It is not scheduled until its scheduling gates are removed: example.com/wait.'],
  ['scheduled to the best score', decision({ result: 'Scheduled', node: 'b', nodes: { total: 3, evaluated: 3, feasible: 2, startIndex: 0 },
    filter: { plugins: [], feasible: ['a', 'b'], rejected: [] }, score: { plugins: [], totals: [120, 180] } }), { ...pod, spec: { ...pod.spec, nodeName: 'b' } }, 'It was scheduled to b, the highest total score (180) of the 2 feasible nodes.'],
  ['scheduled among ties', decision({ result: 'Scheduled', node: 'b', nodes: { total: 3, evaluated: 3, feasible: 3, startIndex: 0 },
    filter: { plugins: [], feasible: ['a', 'b', 'c'], rejected: [] }, score: { plugins: [], totals: [180, 180, 100] } }), { ...pod, spec: { ...pod.spec, nodeName: 'b' } },
  'It was scheduled to b, picked at random among the 2 nodes tied for the highest total score (180) of the 3 feasible ones.'],
  ['scheduled to the only feasible node', decision({ result: 'Scheduled', node: 'c', nodes: { total: 3, evaluated: 3, feasible: 1, startIndex: 0 } }), { ...pod, spec: { ...pod.spec, nodeName: 'c' } },
    'It was scheduled to c, the only node that passed every filter.'],
];

for (const [name, d, p, want] of cases) {
  test(`why pending: ${name}`, () => assert.equal(whyPending(p, d), want));
}

test('the histogram counts each reason once per node, and PreFilter\'s absent nodes by their count', () => {
  const d = decision({ filter: { plugins: [], feasible: [], rejected: [rejected('a', 'NodeResourcesFit', 'Insufficient cpu', 'Insufficient memory'), rejected('b', 'NodeResourcesFit', 'Insufficient cpu')], absent: { count: 4, code: 'UnschedulableAndUnresolvable', reasons: ['Too many pods'] } } });
  assert.deepEqual([...histogram(d)], [['Insufficient cpu', 2], ['Insufficient memory', 1], ['Too many pods', 4]]);
});

test('the queue follows the latest attempt: none yet is active, an error backs off, no node is unschedulable, another scheduler is other', () => {
  const served = (n: string) => n === 'default-scheduler';
  assert.equal(queuedPodView(pod, [], served)?.queue, 'active');
  assert.equal(queuedPodView(pod, [decision({ result: 'Error', message: 'boom' })], served)?.queue, 'backoff');
  const unsched = queuedPodView(pod, [decision({ result: 'Error' }, 1), decision({ message: '0/3 nodes are available: 3 Insufficient cpu.' }, 2)], served);
  assert.deepEqual([unsched?.queue, unsched?.reason, unsched?.attempts, unsched?.since], ['unschedulable', '0/3 nodes are available: 3 Insufficient cpu.', 2, '2025-01-01T00:00:02Z']);
  assert.equal(queuedPodView({ ...pod, spec: { ...pod.spec, schedulerName: 'my-scheduler' } }, [], served)?.queue, 'other');
  assert.equal(queuedPodView({ ...pod, spec: { ...pod.spec, schedulingGates: [{ name: 'g' }] } }, [], served)?.queue, 'gated');
  assert.equal(queuedPodView({ ...pod, spec: { ...pod.spec, nodeName: 'a' } }, [], served), undefined);
  // Its decision gone from the ring, the pod's condition still places it.
  const cond = { type: 'PodScheduled', status: 'False' as const, reason: 'Unschedulable', message: '0/3 nodes are available: 3 Too many pods.', lastTransitionTime: '2025-01-01T00:01:00Z' };
  assert.equal(queuedPodView({ ...pod, status: { conditions: [cond] } }, [], served)?.queue, 'unschedulable');
  // A binding that failed after the node was chosen: the condition written since wins.
  assert.equal(queuedPodView({ ...pod, status: { conditions: [{ ...cond, reason: 'SchedulerError' }] } }, [decision({ result: 'Scheduled', node: 'a' })], served)?.queue, 'backoff');
});
