import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { ManualClock } from '../clock';
import { ActionType, type ClusterEventWithHint } from './framework/interfaces';
import { nodePorts } from './plugins/nodePorts';
import { less } from './plugins/prioritySort';
import { SchedulingQueue, backoffDuration } from './schedulingQueue';

const pod = (name: string, priority?: number): Pod => ({ metadata: { name, namespace: 'default', uid: name }, spec: { containers: [{ name: 'c' }], ...(priority === undefined ? {} : { priority }) } });

// Upstream's calculateBackoffDuration with the default 1 s initial and 10 s max backoff.
const backoffs: [number, number][] = [[1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 10_000], [6, 10_000], [30, 10_000]];
for (const [attempts, ms] of backoffs) test(`backoff after ${attempts} attempt(s) is ${ms} ms`, () => assert.equal(backoffDuration(attempts), ms));

test('activeQ pops by priority, then by arrival', async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue({ clock, less });
  q.add(pod('low'));
  await clock.advance(1);
  q.add(pod('high', 100));
  q.add(pod('also-low'));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())?.pod.metadata.name);
  assert.deepEqual(order, ['high', 'low', 'also-low']);
});

test('an unschedulable pod waits for an event its rejecting plugin registered, then its backoff', async () => {
  const clock = new ManualClock();
  const hints = new Map<string, ClusterEventWithHint[]>([['NodeResourcesFit', [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } }]]]);
  const q = new SchedulingQueue({ clock, less, hintsFor: () => hints });
  q.run();
  q.add(pod('p'));
  const info = await q.pop();
  assert.ok(info);
  info.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(info, q.schedulingCycle);
  assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 1, gated: 0 });
  q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.UpdateNodeLabel });
  assert.equal(q.pending().unschedulable, 1, 'a label change does not help a pod short of resources');
  q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.Add });
  assert.deepEqual(q.pending(), { active: 0, backoff: 1, unschedulable: 0, gated: 0 });
  await clock.advance(999);
  assert.equal(q.pending().backoff, 1);
  await clock.advance(1001);
  assert.equal(q.pending().active, 1, 'the 1 s backoff of a first attempt ended at the next flush');
  q.close();
});

test('an event during the cycle sends the failed pod to backoffQ rather than among the unschedulable', async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue({ clock, less });
  q.add(pod('p'));
  const info = await q.pop();
  assert.ok(info);
  q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.Add });
  q.addUnschedulableIfNotPresent(info, q.schedulingCycle);
  assert.equal(q.pending().backoff, 1);
});

test('pods unschedulable for 5 minutes are flushed back without any event', async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue({ clock, less, hintsFor: () => new Map() });
  q.run();
  q.add(pod('p'));
  const info = await q.pop();
  assert.ok(info);
  info.unschedulablePlugins = new Set(['X']);
  q.addUnschedulableIfNotPresent(info, q.schedulingCycle);
  await clock.advance(5 * 60_000 - 1000);
  assert.equal(q.pending().unschedulable, 1);
  await clock.advance(31_000);
  assert.equal(q.pending().unschedulable, 0);
  assert.equal(q.pending().active, 1);
  q.close();
});

test('a pod gated by PreEnqueue stays out of activeQ until the gate lifts', () => {
  const clock = new ManualClock();
  const gated = (p: Pod) => (p.metadata.labels?.open ? { code: 'Success' as const, reasons: [] } : { code: 'UnschedulableAndUnresolvable' as const, reasons: ['gated'], plugin: 'SchedulingGates' });
  const q = new SchedulingQueue({ clock, less, preEnqueue: gated });
  q.add(pod('p'));
  assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 0, gated: 1 });
  q.update({ ...pod('p'), metadata: { ...pod('p').metadata, labels: { open: 'yes' } } });
  assert.equal(q.pending().active, 1);
});

test('a pod NodePorts rejected comes back when an assigned pod holding its port is deleted, not for another pod', async () => {
  const clock = new ManualClock();
  const hints = new Map([['NodePorts', nodePorts().eventsToRegister()]]);
  const q = new SchedulingQueue({ clock, less, hintsFor: () => hints });
  const withPort = (name: string, port: number, nodeName?: string): Pod => ({ ...pod(name), spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', ports: [{ containerPort: port, hostPort: port }] }] } });
  q.add(withPort('p', 8080));
  const info = await q.pop();
  assert.ok(info);
  info.unschedulablePlugins = new Set(['NodePorts']);
  q.addUnschedulableIfNotPresent(info, q.schedulingCycle);
  q.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' }, withPort('other', 9090, 'n1'), undefined);
  assert.equal(q.pending().unschedulable, 1, 'a pod on another port frees nothing');
  q.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' }, withPort('holder', 8080, 'n1'), undefined);
  assert.equal(q.pending().unschedulable, 0, "the 'Pod' registration covers assigned pods");
});
