import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeView, PodView } from '../shared/protocol';
import { PodsState, UNSCHEDULED, chipClass, formatBytes, formatCPU, parseLabelFilter } from './podsState';

const node = (name: string): NodeView => ({ name, status: 'Ready', ready: true, unschedulable: false, zone: '', cpu: 4000, memory: 8 * 2 ** 30, pods: 110 });
const pod = (uid: string, over: Partial<PodView> = {}): PodView => ({
  uid, namespace: 'default', name: uid, node: 'node-1', phase: 'Running', status: 'Running', ready: 1, containers: 1, restarts: 0,
  owner: 'Deployment/web', labels: { app: 'web' }, cpu: 100, memory: 64 * 2 ** 20, ...over,
});
const none = { upsert: [], remove: [] };

test('a delta that changes pods in place moves their node totals and names what it touched', () => {
  const s = new PodsState();
  s.snapshot([node('node-1'), node('node-2')], [pod('a'), pod('b'), pod('c', { node: 'node-2' })]);
  assert.deepEqual(s.totalsOf('node-1'), { cpu: 200, memory: 128 * 2 ** 20, pods: 2 });
  const changes = s.apply(none, { upsert: [pod('a', { cpu: 300 }), pod('b', { phase: 'Succeeded', status: 'Completed' })], remove: [] });
  assert.deepEqual(s.totalsOf('node-1'), { cpu: 300, memory: 64 * 2 ** 20, pods: 1 }, 'a Succeeded pod holds nothing');
  assert.deepEqual([...changes.pods].sort(), ['a', 'b']);
  assert.deepEqual([...changes.nodes], ['node-1']);
  assert.deepEqual([...(s.podsOn.get('node-1') ?? [])].sort(), ['a', 'b']);
  assert.equal(s.pods.get('a')?.cpu, 300);
});

test('a pod bound to a node leaves the unscheduled pseudo-node, and both are redrawn', () => {
  const s = new PodsState();
  s.snapshot([node('node-1')], [pod('p', { node: UNSCHEDULED, phase: 'Pending', status: 'Pending' })]);
  assert.deepEqual(s.totalsOf(UNSCHEDULED), { cpu: 0, memory: 0, pods: 0 }, 'an unscheduled pod holds no node');
  const changes = s.apply(none, { upsert: [pod('p', { phase: 'Pending', status: 'ContainerCreating' })], remove: [] });
  assert.deepEqual([...changes.nodes].sort(), [UNSCHEDULED, 'node-1']);
  assert.equal(s.podsOn.get(UNSCHEDULED)?.size, 0);
  assert.deepEqual([...(s.podsOn.get('node-1') ?? [])], ['p']);
  assert.deepEqual(s.totalsOf('node-1'), { cpu: 100, memory: 64 * 2 ** 20, pods: 1 });
});

test('namespaces lists those that still have pods, after removals and deltas', () => {
  const s = new PodsState();
  s.snapshot([node('node-1')], [pod('a', { namespace: 'web' }), pod('b', { namespace: 'db' }), pod('c', { namespace: 'web' })]);
  assert.deepEqual(s.namespaces(), ['db', 'web']);
  const changes = s.apply(none, { upsert: [pod('d', { namespace: 'cache' })], remove: ['b', 'a', 'missing'] });
  assert.deepEqual(s.namespaces(), ['cache', 'web']);
  assert.deepEqual([...changes.removedPods.keys()], ['b', 'a'], 'a uid the panel never had is no change');
  s.apply(none, { upsert: [], remove: ['c'] });
  assert.deepEqual(s.namespaces(), ['cache']);
  s.snapshot([], []);
  assert.deepEqual(s.namespaces(), []);
});

test('the filters show pods by namespace and kubectl-style label terms', () => {
  const s = new PodsState();
  assert.equal(s.setFilter('', 'app=web,tier!=db,canary,!legacy'), true);
  assert.equal(s.visible(pod('a', { labels: { app: 'web', canary: '' } })), true);
  assert.equal(s.visible(pod('b', { labels: { app: 'web', canary: '', tier: 'db' } })), false);
  assert.equal(s.visible(pod('c', { labels: { app: 'web', canary: '', legacy: 'y' } })), false);
  assert.equal(s.setFilter('prod', ''), true);
  assert.equal(s.visible(pod('d')), false);
  assert.equal(s.setFilter('', 'app=='), true);
  assert.deepEqual(parseLabelFilter('a=b=c'), undefined);
  assert.equal(s.setFilter('', 'a=b=c'), false, 'a filter that does not parse says so');
});

test('chips are coloured by phase, with the troubled states called out', () => {
  const cases: [Partial<PodView>, string][] = [
    [{}, 'running'],
    [{ ready: 0 }, 'unready'],
    [{ phase: 'Pending', status: 'ContainerCreating' }, 'starting'],
    [{ phase: 'Pending', status: 'CrashLoopBackOff' }, 'failed'],
    [{ phase: 'Pending', status: 'Pending', node: '' }, 'pending'],
    [{ phase: 'Succeeded', status: 'Completed' }, 'succeeded'],
    [{ status: 'Terminating' }, 'terminating'],
    [{ phase: 'Unknown', status: 'Unknown' }, 'unknown'],
  ];
  for (const [over, want] of cases) assert.equal(chipClass(pod('x', over)), want, JSON.stringify(over));
  assert.equal(formatCPU(250), '250m');
  assert.equal(formatCPU(2000), '2');
  assert.equal(formatBytes(1.5 * 2 ** 30), '1.5Gi');
  assert.equal(formatBytes(512 * 2 ** 20), '512Mi');
});

test('the summary counts by phase the pods the filters show, through deltas and filter changes', () => {
  const s = new PodsState();
  s.snapshot([node('node-1')], [pod('a'), pod('b', { namespace: 'db' }), pod('c', { phase: 'Pending', status: 'ContainerCreating' })]);
  assert.deepEqual([...s.shownByPhase()].sort(), [['Pending', 1], ['Running', 2]]);
  s.apply(none, { upsert: [pod('c'), pod('d', { phase: 'Failed', status: 'Error' })], remove: ['a'] });
  assert.deepEqual([...s.shownByPhase()].sort(), [['Failed', 1], ['Running', 2]], 'a phase with no pods left is not listed');
  s.setFilter('db', '');
  assert.deepEqual([...s.shownByPhase()], [['Running', 1]]);
  s.apply(none, { upsert: [pod('b', { namespace: 'db', phase: 'Succeeded', status: 'Completed' })], remove: [] });
  assert.deepEqual([...s.shownByPhase()], [['Succeeded', 1]]);
  s.setFilter('', 'app=nothing');
  assert.deepEqual([...s.shownByPhase()], []);
});
