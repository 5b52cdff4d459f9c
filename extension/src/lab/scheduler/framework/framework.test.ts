import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types';
import { ManualClock } from '../../clock';
import { SeededRandom } from '../../random';
import { type KubeSchedulerProfile, defaultConfiguration } from '../apis/config';
import { NodeInfo } from '../nodeInfo';
import { ScheduleAlgorithm, fitErrorMessage, numFeasibleNodesToFind } from '../schedulePod';
import { Framework, type Registry } from './framework';
import { ActionType, type ClusterEvent, type CycleState, type Plugin, type PreFilterResult, SUCCESS, type Status, skip, unschedulable } from './interfaces';
import { inTreeRegistry } from './registry';
import { snapshotOf } from './snapshot';

const deps = { client: undefined as never, clock: new ManualClock(), random: new SeededRandom(1) };
const node = (name: string): NodeInfo => new NodeInfo({ metadata: { name }, spec: {}, status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } } });
const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

// Upstream's TestNumFeasibleNodesToFind, plus the 5,000-node case the bench runs.
const feasibleCases: [string, number | undefined, number, number, number][] = [
  ['not set percentageOfNodesToScore and nodes number not more than 50', undefined, 0, 10, 10],
  ['set profile percentageOfNodesToScore and nodes number not more than 50', 40, 0, 10, 10],
  ['not set percentageOfNodesToScore and nodes number more than 50', undefined, 0, 1000, 420],
  ['set profile percentageOfNodesToScore and nodes number more than 50', 40, 0, 1000, 400],
  ['set global and profile percentageOfNodesToScore and nodes number more than 50', 40, 100, 1000, 400],
  ['set global percentageOfNodesToScore and nodes number more than 50', undefined, 40, 1000, 400],
  ['not set profile percentageOfNodesToScore and nodes number more than 50*125', undefined, 0, 6000, 300],
  ['set profile percentageOfNodesToScore and nodes number more than 50*125', 40, 0, 6000, 2400],
  ['5,000 nodes adaptively score 10%', undefined, 0, 5000, 500],
  ['a small percentage still finds 100', 1, 0, 1000, 100],
];
for (const [name, profile, global, nodes, want] of feasibleCases) {
  test(`numFeasibleNodesToFind: ${name}`, () => assert.equal(numFeasibleNodesToFind(profile, global, nodes), want));
}

/** recorder makes plugins that log each extension point they are called at. */
function recorder(log: string[], behaviour: Partial<Record<string, (...a: unknown[]) => unknown>> = {}): Registry {
  const make = (name: string): Plugin => {
    const p: Record<string, unknown> = { name };
    const point = (m: string, result: unknown) => (...a: unknown[]) => {
      log.push(`${m}:${name}`);
      const b = behaviour[`${m}:${name}`];
      return b ? b(...a) : result;
    };
    Object.assign(p, {
      preEnqueue: point('preEnqueue', SUCCESS), less: () => false, preFilter: point('preFilter', SUCCESS), filter: point('filter', SUCCESS),
      postFilter: point('postFilter', { status: unschedulable(name, 'preemption: not helpful') }), preScore: point('preScore', SUCCESS),
      score: point('score', 10), reserve: point('reserve', SUCCESS), unreserve: point('unreserve', undefined), permit: point('permit', { status: SUCCESS }),
      preBind: point('preBind', SUCCESS), bind: point('bind', SUCCESS), postBind: point('postBind', undefined),
    });
    return p as unknown as Plugin;
  };
  return { A: () => make('A'), B: () => make('B') };
}

const multi: KubeSchedulerProfile = { schedulerName: 's', plugins: { multiPoint: { enabled: [{ name: 'A' }, { name: 'B' }] } } };

test('the extension points run in upstream order, each plugin in profile order', async () => {
  const log: string[] = [];
  const fwk = Framework.create(multi, recorder(log), deps) as Framework;
  const state: CycleState = new Map();
  const nodes = [node('n1'), node('n2')];
  const algo = new ScheduleAlgorithm(new SeededRandom(1));
  const r = algo.schedulePod(fwk, state, pod, snapshotOf(nodes));
  fwk.runReservePluginsReserve(state, pod, r.node ?? '');
  fwk.runPermitPlugins(state, pod, r.node ?? '');
  await fwk.runPreBindPlugins(state, pod, r.node ?? '');
  await fwk.runBindPlugins(state, pod, r.node ?? '');
  fwk.runPostBindPlugins(state, pod, r.node ?? '');
  assert.deepEqual(log, [
    'preFilter:A', 'preFilter:B', 'filter:A', 'filter:B', 'filter:A', 'filter:B', 'preScore:A', 'preScore:B', 'score:A', 'score:A', 'score:B', 'score:B',
    'reserve:A', 'reserve:B', 'permit:A', 'permit:B', 'preBind:A', 'preBind:B', 'bind:A', 'postBind:A', 'postBind:B',
  ]);
});

test('a PreFilter Skip drops that plugin\'s Filter; a PreScore Skip drops its Score', () => {
  const log: string[] = [];
  const fwk = Framework.create(multi, recorder(log, { 'preFilter:A': () => skip(), 'preScore:B': () => skip() }), deps) as Framework;
  new ScheduleAlgorithm(new SeededRandom(1)).schedulePod(fwk, new Map(), pod, snapshotOf([node('n1'), node('n2')]));
  assert.deepEqual(log.filter((l) => l.startsWith('filter') || l.startsWith('score')), ['filter:B', 'filter:B', 'score:A', 'score:A']);
});

test('PreFilter node names narrow the nodes filtered; the others count as not satisfying the plugin', () => {
  const log: string[] = [];
  const narrow = (names: string[]) => (): PreFilterResult => ({ ...SUCCESS, nodeNames: new Set(names) });
  const fwk = Framework.create(multi, recorder(log, { 'preFilter:A': narrow(['n2', 'n3']), 'preFilter:B': narrow(['n3', 'gone']), 'filter:A': () => unschedulable('A', 'nope') }), deps) as Framework;
  const r = new ScheduleAlgorithm(new SeededRandom(1)).schedulePod(fwk, new Map(), pod, snapshotOf([node('n1'), node('n2'), node('n3')]));
  assert.equal(log.filter((l) => l.startsWith('filter')).length, 1);
  assert.equal(fitErrorMessage(r.numAllNodes, r.diagnosis), "0/3 nodes are available: 1 nope, 2 node(s) didn't satisfy plugin(s) [A B].");
  const none = Framework.create(multi, recorder([], { 'preFilter:A': narrow(['n1']), 'preFilter:B': narrow(['n2']) }), deps) as Framework;
  const r2 = new ScheduleAlgorithm(new SeededRandom(1)).schedulePod(none, new Map(), pod, snapshotOf([node('n1'), node('n2')]));
  assert.equal(fitErrorMessage(r2.numAllNodes, r2.diagnosis), "0/2 nodes are available: node(s) didn't satisfy plugin(s) [A B].");
});

test('the PostFilter message follows the filter histogram, as in FailedScheduling events', () => {
  const fwk = Framework.create(multi, recorder([], { 'filter:A': () => unschedulable('A', 'Insufficient memory'),
    'postFilter:A': () => ({ status: unschedulable('A', 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling') }) }), deps) as Framework;
  const state: CycleState = new Map();
  const r = new ScheduleAlgorithm(new SeededRandom(1)).schedulePod(fwk, state, pod, snapshotOf([node('n1'), node('n2')]));
  const pf = fwk.runPostFilterPlugins(state, pod, r.diagnosis.nodeToStatus);
  r.diagnosis.postFilterMsg = pf.status.reasons.join(', ');
  assert.equal(fitErrorMessage(r.numAllNodes, r.diagnosis), '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling, preemption: not helpful');
});

test('the start index rotates by the nodes processed, so every node gets its turn', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => node(`n${i}`));
  const fwk = Framework.create(multi, recorder([]), deps) as Framework;
  const algo = new ScheduleAlgorithm(new SeededRandom(1));
  const snap = snapshotOf(nodes);
  // 300 nodes: 50 - 300/125 = 48% → 144 feasible nodes end each search.
  const starts = [0, 1, 2].map(() => {
    const r = algo.schedulePod(fwk, new Map(), pod, snap);
    assert.equal(r.feasibleNodes.length, 144);
    return r.startIndex;
  });
  assert.deepEqual(starts, [0, 144, 288]);
  assert.equal(algo.nextStartNodeIndex, (288 + 144) % 300);
});

test('ties are broken at random among the best, reproducibly from the seed', () => {
  const nodes = ['a', 'b', 'c', 'd'].map(node);
  const fwk = Framework.create(multi, recorder([]), deps) as Framework;
  const pick = (seed: number) => Array.from({ length: 20 }, () => new ScheduleAlgorithm(new SeededRandom(seed)).schedulePod(fwk, new Map(), pod, snapshotOf(nodes)).node);
  assert.deepEqual(pick(3), pick(3));
  assert.ok(new Set(Array.from({ length: 8 }, (_, s) => new ScheduleAlgorithm(new SeededRandom(s)).schedulePod(fwk, new Map(), pod, snapshotOf(nodes)).node)).size > 1);
});

const configErrors: [string, KubeSchedulerProfile, string][] = [
  ['an unknown filter', { schedulerName: 's', plugins: { filter: { enabled: [{ name: 'Nope' }] } } }, 'FilterPlugin "Nope" does not exist'],
  ['a plugin at a point it does not extend', { schedulerName: 's', plugins: { bind: { enabled: [{ name: 'TaintToleration' }] } } }, 'plugin "TaintToleration" does not extend BindPlugin plugin'],
  ['a plugin twice at one point', { schedulerName: 's', plugins: { filter: { enabled: [{ name: 'NodeUnschedulable' }, { name: 'NodeUnschedulable' }] } } }, 'plugin "NodeUnschedulable" already registered as "FilterPlugin"'],
];
for (const [name, profile, error] of configErrors) {
  test(`a profile with ${name} is refused`, () => {
    const registry = inTreeRegistry();
    const [p] = defaultConfiguration({ profiles: [profile] }, (n) => n in registry).profiles ?? [];
    const f = Framework.create(p, registry, deps);
    assert.deepEqual(f, { error });
  });
}

test('the default profile enables the registered default plugins with upstream weights, and disabling "*" empties a point', () => {
  const registry = inTreeRegistry();
  const [p] = defaultConfiguration({}, (n) => n in registry).profiles ?? [];
  const f = Framework.create(p, registry, deps) as Framework;
  const names = f.pluginNames();
  assert.deepEqual(names.queueSort, ['PrioritySort']);
  assert.deepEqual(names.bind, ['DefaultBinder']);
  assert.deepEqual(names.filter.slice(0, 3), ['NodeUnschedulable', 'NodeName', 'TaintToleration']);
  assert.equal(f.scoreWeights.get('TaintToleration'), 3);
  assert.equal(f.scoreWeights.get('NodeResourcesFit'), 1);
  const [q] = defaultConfiguration({ profiles: [{ plugins: { score: { disabled: [{ name: '*' }] }, filter: { disabled: [{ name: 'TaintToleration' }] } } }] }, (n) => n in registry).profiles ?? [];
  const g = Framework.create(q, registry, deps) as Framework;
  assert.deepEqual(g.pluginNames().score, []);
  assert.ok(!g.pluginNames().filter.includes('TaintToleration'));
  assert.ok(g.pluginNames().preScore.length >= 0);
});

test('a Permit Wait holds the pod until allowed, or rejects it at the timeout', async () => {
  const clock = new ManualClock();
  const waiting = (): { status: Status; timeoutMs: number } => ({ status: { code: 'Wait', reasons: [] }, timeoutMs: 5000 });
  const fwk = Framework.create(multi, recorder([], { 'permit:A': waiting }), { ...deps, clock }) as Framework;
  assert.equal(fwk.runPermitPlugins(new Map(), pod, 'n1').code, 'Wait');
  const done = fwk.waitOnPermit(pod);
  fwk.getWaitingPod('u1')?.allow('A');
  assert.equal((await done).code, 'Success');
  fwk.runPermitPlugins(new Map(), pod, 'n1');
  const timedOut = fwk.waitOnPermit(pod);
  await clock.advance(5000);
  assert.deepEqual((await timedOut).reasons, ['rejected due to timeout after waiting 5s at plugin A']);
});

// ClusterEvent.Match: '*' and the same resource match, and 'Pod' stands for assigned pods too; an action bit must be shared.
const matchCases: [string, ClusterEvent, ClusterEvent, boolean][] = [
  ['Pod Delete covers an assigned pod deleted', { resource: 'Pod', actionType: ActionType.Delete }, { resource: 'AssignedPod', actionType: ActionType.Delete }, true],
  ['Pod Delete does not cover an assigned pod added', { resource: 'Pod', actionType: ActionType.Delete }, { resource: 'AssignedPod', actionType: ActionType.Add }, false],
  ['AssignedPod does not cover an unscheduled pod', { resource: 'AssignedPod', actionType: ActionType.All }, { resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated }, false],
  ['Node Delete covers a node deleted', { resource: 'Node', actionType: ActionType.Add | ActionType.Delete }, { resource: 'Node', actionType: ActionType.Delete }, true],
  ['Node does not cover a pod', { resource: 'Node', actionType: ActionType.All }, { resource: 'AssignedPod', actionType: ActionType.Add }, false],
  ['the wildcard covers everything', { resource: '*', actionType: ActionType.All }, { resource: 'PersistentVolume', actionType: ActionType.Update }, true],
];
for (const [name, registered, event, want] of matchCases) test(`event matching: ${name}`, () => assert.equal(Framework.matches(registered, event), want));
