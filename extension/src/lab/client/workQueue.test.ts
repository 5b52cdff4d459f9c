import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CountingClock } from '../testLab';
import { WorkQueue } from './workQueue';

test('a work queue gives way after each key it processes, and a key added while it is processed runs once more after', async () => {
  const clock = new CountingClock();
  const queue = new WorkQueue(clock);
  const done: string[] = [];
  let again = true;
  queue.run(async (key) => {
    done.push(key);
    if (key === 'b' && again) {
      again = false;
      queue.add('b');
    }
    await Promise.resolve();
  }, 1);
  for (const key of ['a', 'b', 'c', 'a']) queue.add(key);
  await clock.advance(10);
  assert.deepEqual(done, ['a', 'b', 'c', 'b']);
  assert.equal(clock.turns, 4);
  queue.shutDown();
});
