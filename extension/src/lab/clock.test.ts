import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, RealClock, ScaledClock, type Clock } from './clock';

/** spin is a loop that only ever awaits giveWay, as the scheduler's is with a full queue; it stops once other work has run, or after 2 s. */
async function spin(clock: Clock): Promise<{ otherWorkRan: boolean; turns: number }> {
  let otherWorkRan = false;
  setImmediate(() => {
    otherWorkRan = true;
  });
  const started = Date.now();
  let turns = 0;
  while (!otherWorkRan && Date.now() - started < 2000) {
    turns++;
    await clock.giveWay?.();
  }
  return { otherWorkRan, turns };
}

test('the wall-clock clocks give a long loop\'s turn back to the event loop, after a slice rather than at every step', async () => {
  for (const make of [() => new RealClock(), () => new ScaledClock(1)]) {
    const clock = make();
    const { otherWorkRan, turns } = await spin(clock);
    assert.ok(otherWorkRan, `${clock.constructor.name}: work queued behind the loop ran`);
    assert.ok(turns > 1, `${clock.constructor.name}: the loop ran on for a while first (${turns} steps)`);
  }
});

test('the manual clock lets loops run on, so a test\'s timeline stays exact', () => {
  const clock: Clock = new ManualClock();
  assert.ok(!('giveWay' in clock));
});
