import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueuedPodView } from '../shared/protocol';
import { QueueState } from './schedulerState';

const view = (name: string, over: Partial<QueuedPodView> = {}): QueuedPodView => ({
  uid: name, namespace: 'default', name, queue: 'active', reason: '', priority: 0, attempts: 0, since: '2025-01-01T00:00:00Z', schedulerName: 'default-scheduler', nominatedNode: '', ...over,
});

test('the queue state applies deltas by uid and orders each queue by priority, then arrival', () => {
  const s = new QueueState();
  s.snapshot([view('late', { since: '2025-01-01T00:00:05Z' }), view('early'), view('stuck', { queue: 'unschedulable' })]);
  s.apply({ upsert: [view('urgent', { priority: 1000, since: '2025-01-01T00:00:09Z' }), view('stuck', { queue: 'backoff' })], remove: ['early'] });
  const q = s.byQueue();
  assert.deepEqual(q.get('active')?.map((p) => p.name), ['urgent', 'late']);
  assert.deepEqual(q.get('backoff')?.map((p) => p.name), ['stuck']);
  assert.deepEqual(q.get('unschedulable'), []);
});
