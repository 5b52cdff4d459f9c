import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types';
import type { PodDisruptionBudget } from '../../apiserver/validation/types/scheduling';
import { ManualClock } from '../../clock';
import type { KubeClient } from '../../client/kubeClient';
import { SeededRandom } from '../../random';
import { Framework } from '../framework/framework';
import type { Status } from '../framework/interfaces';
import { inTreeRegistry } from '../framework/registry';
import { snapshotOf } from '../framework/snapshot';
import { NodeInfo } from '../nodeInfo';
import { type Victims, filterPodsWithPDBViolation, pickOneNodeForPreemption } from '../preemption/preemption';
import { ScheduleAlgorithm } from '../schedulePod';
import { NOT_ELIGIBLE_NEVER, NOT_ELIGIBLE_TERMINATING, calculateNumCandidates, defaultPreemption } from './defaultPreemption';

const clock = new ManualClock();
const t0 = clock.now();
let seq = 0;
/** pod is a pod requesting cpu millicores and memory MiB at a priority, optionally bound and started at a time (ms after t0). */
const pod = (name: string, priority: number, cpu: number, mem: number, opts: { node?: string; start?: number; labels?: Record<string, string>; never?: boolean } = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}-${seq++}`, ...(opts.labels ? { labels: opts.labels } : {}) },
  spec: {
    priority, schedulerName: 'default-scheduler',
    ...(opts.node ? { nodeName: opts.node } : {}), ...(opts.never ? { preemptionPolicy: 'Never' } : {}),
    containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: `${cpu}m`, memory: `${mem}Mi` } } }],
  },
  status: { ...(opts.start !== undefined ? { startTime: new Date(t0 + opts.start).toISOString() } : {}) },
});
/** node is a node of 5 CPU and 5000 MiB, with pods. */
const node = (name: string, ...pods: Pod[]): NodeInfo => {
  const n = new NodeInfo({ metadata: { name }, spec: {}, status: { allocatable: { cpu: '5', memory: '5000Mi', pods: '110' } } });
  for (const p of pods) n.addPod({ ...p, spec: { ...p.spec, nodeName: name } });
  return n;
};
const pdb = (name: string, selector: Record<string, string>, allowed: number, disrupted: string[] = []): PodDisruptionBudget => ({
  metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: selector } },
  status: { disruptionsAllowed: allowed, ...(disrupted.length ? { disruptedPods: Object.fromEntries(disrupted.map((d) => [d, '2026-01-01T00:00:00Z'])) } : {}) },
});

interface Call { verb: string; name: string; body?: unknown }
/** harness runs a scheduling cycle on nodes and DefaultPreemption on its failure, with a client that records the API calls. */
async function harness(nodes: NodeInfo[], preemptor: Pod, pdbs: PodDisruptionBudget[] = [], args = { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 }) {
  const calls: Call[] = [];
  const client = {
    patch: (_r: unknown, _ns: string, name: string, body: unknown) => (calls.push({ verb: 'patch', name, body }), Promise.resolve({ metadata: { name } })),
    delete: (_r: unknown, _ns: string, name: string) => (calls.push({ verb: 'delete', name }), Promise.resolve({ metadata: { name } })),
    create: (_r: unknown, obj: { reason?: string; message?: string; involvedObject?: { name?: string } }) => (calls.push({ verb: `event ${obj.reason ?? ''}`, name: obj.involvedObject?.name ?? '', body: obj.message }), Promise.resolve(obj)),
  } as unknown as KubeClient;
  const snapshot = snapshotOf(nodes);
  const fwk = Framework.create({
    schedulerName: 'default-scheduler',
    plugins: {
      queueSort: { enabled: [{ name: 'PrioritySort' }] }, preFilter: { enabled: [{ name: 'NodeResourcesFit' }] },
      filter: { enabled: [{ name: 'NodeResourcesFit' }] }, bind: { enabled: [{ name: 'DefaultBinder' }] },
    },
  }, inTreeRegistry(), { client, clock, random: new SeededRandom(1), snapshot: () => snapshot }) as Framework;
  const plugin = defaultPreemption(args, fwk, { pod: () => undefined, pdbs: () => pdbs });
  const state = new Map();
  const r = new ScheduleAlgorithm(new SeededRandom(1)).schedulePod(fwk, state, preemptor, snapshot);
  assert.equal(r.node, undefined, 'the preemptor fits nowhere as things are');
  const result = plugin.postFilter(state, preemptor, r.diagnosis.nodeToStatus);
  await Promise.all(plugin.evaluator.inFlight);
  return { result, calls, plugin, fwk };
}

// default_preemption_test.go TestSelectNodesForPreemption / TestPickOneNodeForPreemption, on NodeResourcesFit.
const cases: { name: string; nodes: () => NodeInfo[]; preemptor: Pod; node?: string; victims?: string[]; message?: string; pdbs?: PodDisruptionBudget[] }[] = [
  {
    name: 'a pod that fits on both nodes when lower priority pods are preempted picks the one with fewer, lower victims',
    nodes: () => [node('node1', pod('p1', 100, 3000, 2000)), node('node2', pod('p2', 0, 3000, 2000))],
    preemptor: pod('preemptor', 1000, 3000, 2000), node: 'node2', victims: ['p2'],
  },
  {
    name: 'machine with the minimum highest priority victim is picked',
    nodes: () => [
      node('node1', pod('p1.1', 100, 2000, 1000), pod('p1.2', 0, 2000, 1000), pod('p1.3', 0, 1000, 1000)),
      node('node2', pod('p2.1', 10, 2000, 1000), pod('p2.2', 0, 2000, 1000)),
      node('node3', pod('p3.1', 1, 2000, 1000), pod('p3.2', 1, 1000, 1000), pod('p3.3', 1, 1000, 1000)),
    ],
    // node1 must lose p1.1 (100), node2 p2.1 (10), node3 only priority-1 pods; p3.2 is reprieved.
    preemptor: pod('preemptor', 1000, 4000, 2000), node: 'node3', victims: ['p3.1', 'p3.3'],
  },
  {
    name: 'when highest priorities are the same, the minimum sum of lower priority pods is picked',
    nodes: () => [
      node('node1', pod('p1.1', 10, 2000, 1000), pod('p1.2', 5, 2000, 1000)),
      node('node2', pod('p2.1', 10, 2000, 1000), pod('p2.2', 0, 2000, 1000)),
    ],
    preemptor: pod('preemptor', 1000, 4500, 2000), node: 'node2', victims: ['p2.1', 'p2.2'],
  },
  {
    name: 'when highest priority and sum are the same, the node with fewer victims is picked',
    nodes: () => [
      node('node1', pod('p1.1', 10, 2500, 1000), pod('p1.2', 0, 2500, 1000)),
      node('node2', pod('p2.1', 10, 2000, 1000), pod('p2.2', 0, 1000, 1000), pod('p2.3', 0, 2000, 1000)),
    ],
    preemptor: pod('preemptor', 1000, 5000, 2000), node: 'node1', victims: ['p1.1', 'p1.2'],
  },
  {
    name: 'higher and equal priority pods are never victims; lower ones are reprieved when the pod fits without them',
    nodes: () => [node('node1', pod('same', 1000, 1000, 1000), pod('low-big', 0, 3000, 1000), pod('low-small', 0, 500, 1000))],
    preemptor: pod('preemptor', 1000, 3000, 1000), node: 'node1', victims: ['low-big'],
  },
  {
    name: 'no lower-priority pods anywhere: no preemption victims found',
    nodes: () => [node('node1', pod('a', 1000, 4000, 1000)), node('node2', pod('b', 2000, 4000, 1000))],
    preemptor: pod('preemptor', 1000, 2000, 1000),
    message: 'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
  },
  {
    name: 'a pod too big for any node even when empty: evicting cannot help',
    nodes: () => [node('node1', pod('a', 0, 1000, 1000)), node('node2')],
    preemptor: pod('preemptor', 1000, 6000, 1000),
    message: 'preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod.',
  },
  {
    name: 'a PDB that allows no disruption makes its node the last choice',
    nodes: () => [node('node1', pod('guarded', 0, 4000, 1000, { labels: { app: 'db' } })), node('node2', pod('free', 0, 4000, 1000, { labels: { app: 'web' } }))],
    preemptor: pod('preemptor', 1000, 3000, 1000), pdbs: [pdb('db', { app: 'db' }, 0)], node: 'node2', victims: ['free'],
  },
  {
    name: 'when every candidate violates a PDB, the one with fewer violations is picked',
    nodes: () => [
      node('node1', pod('g1', 0, 2500, 1000, { labels: { app: 'db' } }), pod('g2', 0, 2500, 1000, { labels: { app: 'db' } })),
      node('node2', pod('g3', 0, 2500, 1000, { labels: { app: 'db' } }), pod('w', 0, 2500, 1000, { labels: { app: 'web' } })),
    ],
    preemptor: pod('preemptor', 1000, 5000, 1000), pdbs: [pdb('db', { app: 'db' }, 0)], node: 'node2', victims: ['g3', 'w'],
  },
];

for (const c of cases) {
  test(`DefaultPreemption: ${c.name}`, async () => {
    const { result, calls } = await harness(c.nodes(), c.preemptor, c.pdbs);
    if (c.message) {
      assert.equal(result.status.code, 'Unschedulable');
      assert.deepEqual(result.status.reasons, [c.message]);
      assert.equal(result.nominatedNodeName, '', 'an empty nomination clears the pod\'s');
      assert.deepEqual(calls, []);
      return;
    }
    assert.equal(result.status.code, 'Success');
    assert.equal(result.nominatedNodeName, c.node);
    assert.deepEqual(result.victims?.map((v) => v.name).sort(), [...(c.victims ?? [])].sort());
    // Each victim: the DisruptionTarget condition, the delete, the Preempted event.
    for (const v of c.victims ?? []) {
      const patch = calls.find((x) => x.verb === 'patch' && x.name === v);
      assert.deepEqual((patch?.body as { status: { conditions: { type: string; reason: string; message: string }[] } }).status.conditions.map((x) => [x.type, x.reason, x.message]),
        [['DisruptionTarget', 'PreemptionByScheduler', 'default-scheduler: preempting to accommodate a higher priority pod']]);
      assert.ok(calls.some((x) => x.verb === 'delete' && x.name === v));
      const ev = calls.find((x) => x.verb === 'event Preempted' && x.name === v);
      assert.equal(ev?.body, `Preempted by pod ${c.preemptor.metadata.uid ?? ''} on node ${c.node ?? ''}`);
    }
  });
}

test('DefaultPreemption: preemptionPolicy Never is not eligible, with upstream message', async () => {
  const { result, calls } = await harness([node('node1', pod('low', 0, 4000, 1000))], pod('preemptor', 1000, 3000, 1000, { never: true }));
  assert.deepEqual(result.status.reasons, [`preemption: ${NOT_ELIGIBLE_NEVER}`]);
  assert.equal(result.nominatedNodeName, undefined, 'the nomination is left as it was');
  assert.deepEqual(calls, []);
});

test('DefaultPreemption: a pod whose victims on its nominated node are still terminating waits', () => {
  const victim = pod('victim', 0, 4000, 1000);
  victim.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  victim.status = { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] };
  const n = node('node1', victim);
  const snapshot = snapshotOf([n]);
  const handle = { snapshot: () => snapshot, random: new SeededRandom(1), clock } as unknown as Framework;
  const p = defaultPreemption({}, handle, { pod: () => undefined, pdbs: () => [] });
  const preemptor = pod('preemptor', 1000, 3000, 1000);
  preemptor.status = { nominatedNodeName: 'node1' };
  const unsched: Status = { code: 'Unschedulable', reasons: [] };
  assert.deepEqual(p.podEligibleToPreemptOthers(preemptor, unsched), { eligible: false, reason: NOT_ELIGIBLE_TERMINATING });
  // If the nominated node is now ruled out for good, the pod may preempt elsewhere.
  assert.equal(p.podEligibleToPreemptOthers(preemptor, { code: 'UnschedulableAndUnresolvable', reasons: [] }).eligible, true);
});

test('DefaultPreemption: victims are patched, deleted and a lower-priority pod nominated to the node loses its nomination', async () => {
  const nominated = pod('nominated-low', 10, 100, 100);
  nominated.status = { nominatedNodeName: 'node1' };
  const calls: Call[] = [];
  const client = {
    patch: (_r: unknown, _ns: string, name: string, body: unknown) => (calls.push({ verb: 'patch', name, body }), Promise.resolve({ metadata: { name } })),
    delete: (_r: unknown, _ns: string, name: string) => (calls.push({ verb: 'delete', name }), Promise.resolve({ metadata: { name } })),
    create: (_r: unknown, obj: unknown) => Promise.resolve(obj),
  } as unknown as KubeClient;
  const snapshot = snapshotOf([node('node1', pod('low', 0, 4000, 1000))]);
  const fwk = Framework.create({
    schedulerName: 'default-scheduler',
    plugins: { queueSort: { enabled: [{ name: 'PrioritySort' }] }, filter: { enabled: [{ name: 'NodeResourcesFit' }] }, bind: { enabled: [{ name: 'DefaultBinder' }] } },
  }, inTreeRegistry(), { client, clock, random: new SeededRandom(1), snapshot: () => snapshot, nominatedPodsForNode: (n) => (n === 'node1' ? [nominated] : []) }) as Framework;
  const p = defaultPreemption({}, fwk, { pod: () => undefined, pdbs: () => [] });
  const r = p.postFilter(new Map(), pod('preemptor', 1000, 3000, 1000), new Map([['node1', { code: 'Unschedulable', reasons: ['Insufficient cpu'] }]]));
  await Promise.all(p.evaluator.inFlight);
  assert.equal(r.nominatedNodeName, 'node1');
  assert.deepEqual(calls.map((c) => `${c.verb} ${c.name}`), ['patch low', 'delete low', 'patch nominated-low']);
  assert.deepEqual(calls[2].body, { status: { nominatedNodeName: null } });
});

// TestPickOneNodeForPreemption's tie-breaks on victims directly.
const v = (pods: [number, number][], pdbViolations = 0): Victims => ({ pods: pods.map(([prio, start], i) => pod(`v${i}`, prio, 1, 1, { start })), numPDBViolations: pdbViolations });
const pickCases: [string, Record<string, Victims>, string][] = [
  ['fewest PDB violations first', { a: v([[0, 0]], 2), b: v([[100, 0], [100, 0]], 1) }, 'b'],
  ['then the lowest highest priority', { a: v([[10, 0]]), b: v([[5, 0], [5, 0], [5, 0]]) }, 'b'],
  ['then the smallest sum of priorities', { a: v([[10, 0], [5, 0]]), b: v([[10, 0], [1, 0]]) }, 'b'],
  ['sums count negative priorities as lifted by 2^31', { a: v([[-10, 0], [-10, 0]]), b: v([[-10, 0]]) }, 'b'],
  ['then the fewest victims', { a: v([[10, 0], [0, 0], [0, 0]]), b: v([[10, 0], [0, 0]]) }, 'b'],
  ['then the latest start of the highest-priority victims', { a: v([[10, 1000], [0, 0]]), b: v([[10, 5000], [0, 0]]) }, 'b'],
  ['a tie after everything goes to the first', { a: v([[10, 1000]]), b: v([[10, 1000]]) }, 'a'],
];
for (const [name, victims, want] of pickCases) {
  test(`pickOneNodeForPreemption: ${name}`, () => assert.equal(pickOneNodeForPreemption(new Map(Object.entries(victims)), t0 + 10_000), want));
}

// TestFilterPodsWithPDBViolation-style grouping.
test('filterPodsWithPDBViolation: budgets count down per matching pod, disrupted pods and empty selectors do not count', () => {
  const pods = [pod('a', 0, 1, 1, { labels: { app: 'db' } }), pod('b', 0, 1, 1, { labels: { app: 'db' } }), pod('c', 0, 1, 1, { labels: { app: 'web' } }), pod('d', 0, 1, 1)];
  const r = filterPodsWithPDBViolation(pods, [pdb('db', { app: 'db' }, 1)]);
  assert.deepEqual([r.violating.map((p) => p.metadata.name), r.nonViolating.map((p) => p.metadata.name)], [['b'], ['a', 'c', 'd']]);
  const disrupted = filterPodsWithPDBViolation(pods, [pdb('db', { app: 'db' }, 0, ['a'])]);
  assert.deepEqual(disrupted.violating.map((p) => p.metadata.name), ['b']);
  const empty = filterPodsWithPDBViolation(pods, [{ metadata: { name: 'all', namespace: 'default' }, spec: { selector: {} }, status: { disruptionsAllowed: 0 } }]);
  assert.deepEqual(empty.violating, []);
});

// TestGetOffsetAndNumCandidates / calculateNumCandidates.
const numCases: [number, number, number, number][] = [
  [10, 10, 100, 10], [1000, 10, 100, 100], [10_000, 10, 100, 1000], [5000, 50, 0, 2500], [5000, 0, 1, 1],
];
for (const [nodes, pct, abs, want] of numCases) test(`calculateNumCandidates(${nodes} nodes, ${pct}%, ${abs}) is ${want}`, () => assert.equal(calculateNumCandidates(nodes, { minCandidateNodesPercentage: pct, minCandidateNodesAbsolute: abs }), want));
