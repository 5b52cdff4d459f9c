import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { RateLimitedTimedQueue } from './rateLimitedTimedQueue';

test('the tainting queue lets one node through at once, then one every 10 s at the default rate of 0.1', async () => {
  const clock = new ManualClock();
  const queue = new RateLimitedTimedQueue(clock, 0.1);
  for (const n of ['a', 'b', 'c']) assert.equal(queue.add(n, `uid-${n}`), true);
  assert.equal(queue.add('a', 'uid-a'), false);
  const done: [string, number][] = [];
  const pass = () => queue.try((v) => {
    done.push([v.value, clock.now()]);
    return Promise.resolve([true, 0]);
  });
  const start = clock.now();
  for (let t = 0; t <= 25_000; t += 100) {
    await pass();
    await clock.advance(100);
  }
  assert.deepEqual(done.map(([v, at]) => [v, at - start]), [['a', 0], ['b', 10_000], ['c', 20_000]]);
  // Processed values stay known until removed, so they are not queued twice.
  assert.equal(queue.add('a', 'uid-a'), false);
  assert.equal(queue.remove('a'), true);
  assert.equal(queue.add('a', 'uid-a'), true);
});

test('a zone whose limiter is swapped to 0 processes nothing; a failed action is retried after its wait', async () => {
  const clock = new ManualClock();
  const queue = new RateLimitedTimedQueue(clock, 0.1);
  queue.swapLimiter(0);
  queue.add('a', 'uid-a');
  let calls = 0;
  await queue.try(() => {
    calls++;
    return Promise.resolve([true, 0]);
  });
  assert.equal(calls, 0);
  assert.equal(queue.pending, true);
  // Coming from a stopped limiter, the new bucket starts drained: the first token comes 100 ms later at 10 qps.
  queue.swapLimiter(10);
  const seen: number[] = [];
  const start = clock.now();
  for (let t = 0; t < 1_000; t += 100) {
    await queue.try(() => {
      seen.push(clock.now() - start);
      return Promise.resolve([seen.length > 1, 300]);
    });
    await clock.advance(100);
  }
  assert.deepEqual(seen, [100, 500]);
  assert.equal(queue.pending, false);
});
