import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedKeys } from './sortedKeys';

test('keys come back in order from any start, across chunk splits and deletes', () => {
  const keys = new SortedKeys();
  const model = new Set<string>();
  // A fixed linear congruential sequence: thousands of inserts and deletes in a scrambled order.
  let x = 7;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const key = `/registry/pods/ns-${x % 5}/p-${x % 3001}`;
    if (x % 3 === 0) assert.equal(keys.delete(key), model.delete(key), `delete ${key}`);
    else {
      assert.equal(keys.add(key), !model.has(key), `add ${key}`);
      model.add(key);
    }
  }
  const sorted = [...model].sort();
  assert.equal(keys.size, sorted.length);
  assert.deepEqual([...keys.from('')], sorted);
  for (const start of ['/registry/pods/ns-2/', '/registry/pods/ns-2/p-15', sorted[100], '/registry/pods/ns-9', '~']) {
    assert.deepEqual([...keys.from(start)], sorted.filter((k) => k >= start), `from ${start}`);
  }
});

test('adding a present key or deleting an absent one changes nothing', () => {
  const keys = new SortedKeys();
  assert.equal(keys.delete('/a'), false);
  assert.equal(keys.add('/b'), true);
  assert.equal(keys.add('/a'), true);
  assert.equal(keys.add('/b'), false);
  assert.equal(keys.delete('/c'), false);
  assert.deepEqual([...keys.from('')], ['/a', '/b']);
  assert.equal(keys.delete('/a'), true);
  assert.equal(keys.delete('/b'), true);
  assert.deepEqual([...keys.from('')], []);
  assert.equal(keys.size, 0);
});
