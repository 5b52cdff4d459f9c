import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WatchEvent } from '../api/types';
import type { SchedulingDecision } from '../scheduler/decision';
import type { HandlerContext } from './apiServer';
import { DecisionBuffer } from './schedulingDecisions';

const decision = (name: string, namespace = 'default'): SchedulingDecision => ({
  apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'SchedulingDecision', metadata: { name, namespace },
  pod: { namespace, name: name.split('.')[0], uid: name }, profile: 'default-scheduler', attempt: 1, result: 'Unschedulable',
  nodes: { total: 0, evaluated: 0, feasible: 0, startIndex: 0 }, preFilter: [], filter: { plugins: [], feasible: [], rejected: [] },
});

const names = (b: DecisionBuffer) => b.list().map((d) => `${d.metadata.name ?? ''}@${d.metadata.resourceVersion ?? ''}`);

function watchAll(b: DecisionBuffer, resourceVersion?: string): { seen: string[] } {
  const seen: string[] = [];
  const ctx = { type: { strategy: {} }, info: { namespace: '' }, query: resourceVersion ? { resourceVersion } : {} } as unknown as HandlerContext;
  const w = b.watch(ctx, { event: (e: WatchEvent) => seen.push(`${e.type} ${(e.object as SchedulingDecision).metadata.name ?? ''}`), close: () => undefined });
  assert.ok('cancel' in w);
  return { seen };
}

test('the ring keeps the newest decisions, oldest first, and its watchers hear the overwritten ones deleted', () => {
  const b = new DecisionBuffer(3);
  const { seen } = watchAll(b);
  for (const n of ['a.1', 'b.1', 'c.1', 'd.1']) b.add(decision(n));
  assert.deepEqual(names(b), ['b.1@2', 'c.1@3', 'd.1@4']);
  assert.deepEqual(seen, ['ADDED a.1', 'ADDED b.1', 'ADDED c.1', 'DELETED a.1', 'ADDED d.1']);
});

test('a decision of the same name replaces the kept one, and takes the next slot as any other', () => {
  const b = new DecisionBuffer(3);
  for (const n of ['a.1', 'b.1', 'c.1']) b.add(decision(n));
  const { seen } = watchAll(b, '3');
  b.add(decision('b.1'));
  assert.deepEqual(names(b), ['c.1@3', 'b.1@4']);
  assert.deepEqual(seen, ['DELETED b.1', 'DELETED a.1', 'ADDED b.1']);
  b.add(decision('e.1'));
  assert.deepEqual(names(b), ['c.1@3', 'b.1@4', 'e.1@5']);
  assert.deepEqual(seen.slice(3), ['ADDED e.1']);
});

test('the same name in another namespace is another decision', () => {
  const b = new DecisionBuffer(4);
  b.add(decision('a.1', 'x'));
  b.add(decision('a.1', 'y'));
  assert.deepEqual(b.list().map((d) => d.metadata.namespace), ['x', 'y']);
});

test('a watch from a resourceVersion already overwritten is Gone', () => {
  const b = new DecisionBuffer(2);
  for (const n of ['a.1', 'b.1', 'c.1', 'd.1']) b.add(decision(n));
  const ctx = { type: { strategy: {} }, info: { namespace: '' }, query: { resourceVersion: '1' } } as unknown as HandlerContext;
  const w = b.watch(ctx, { event: () => undefined, close: () => undefined });
  assert.ok('code' in w && w.code === 410);
});

test('a kept decision reads back with its scores as they were sent: the same arrays, keys in the same order, in lists and watch events alike', () => {
  const b = new DecisionBuffer(2);
  const scored: SchedulingDecision = {
    ...decision('s.1'), result: 'Scheduled', node: 'n2',
    filter: { plugins: ['NodeResourcesFit'], feasible: ['n1', 'n2', 'n3'], rejected: [] },
    score: {
      plugins: [
        { name: 'NodeResourcesFit', weight: 1, raw: [90, 95, 0] },
        { name: 'TaintToleration', weight: 3, raw: [0, 1, 2], normalized: [100, 50, 0] },
        { name: 'Fractional', weight: 2, raw: [0.5, -1, 1e-9] },
      ],
      totals: [390, 245, 2e-9],
    },
    postFilter: { message: 'after the score' },
  };
  const sent = JSON.stringify(scored);
  const seen: string[] = [];
  const ctx = { type: { strategy: {} }, info: { namespace: '' }, query: {} } as unknown as HandlerContext;
  b.watch(ctx, { event: (e: WatchEvent) => seen.push(JSON.stringify(e.object)), close: () => undefined });
  b.add(structuredClone(scored));
  const kept = { ...JSON.parse(sent), metadata: { ...scored.metadata, resourceVersion: '1' } } as SchedulingDecision;
  assert.equal(JSON.stringify(b.list()[0]), JSON.stringify(kept));
  assert.ok(Array.isArray(b.list()[0].score?.totals));
  b.add(decision('t.1'));
  b.add(decision('u.1'));
  assert.deepEqual(seen.map((j) => (JSON.parse(j) as SchedulingDecision).metadata.name), ['s.1', 't.1', 's.1', 'u.1']);
  assert.equal(seen[2], JSON.stringify(kept), 'the DELETED event carries the scores too');
});
