import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goSort } from './goSort';

/** lcg is a fixed pseudo-random sequence, so the cases are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31);
}

test('goSort orders every length and pattern pdqsort distinguishes (short, ninther, sorted, reversed, duplicates)', () => {
  const next = lcg(42);
  for (const n of [0, 1, 2, 7, 12, 13, 49, 50, 51, 100, 257, 1000]) {
    const patterns = [
      Array.from({ length: n }, () => next() % 1000),
      Array.from({ length: n }, (_, i) => i),
      Array.from({ length: n }, (_, i) => n - i),
      Array.from({ length: n }, () => next() % 3),
    ];
    for (const input of patterns) {
      const got = goSort([...input], (a, b) => a < b);
      assert.deepEqual(got, [...input].sort((a, b) => a - b), `n=${n}`);
    }
  }
});

test('goSort keeps equal elements in input order up to 12 elements, as insertion sort does', () => {
  const items = Array.from({ length: 12 }, (_, i) => ({ key: i % 3, id: i }));
  const got = goSort(items, (a, b) => a.key < b.key).map((x) => x.id);
  assert.deepEqual(got, [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
});

test('goSort is deterministic for ties beyond 12 elements', () => {
  const make = () => Array.from({ length: 40 }, (_, i) => ({ key: (i * 7) % 4, id: i }));
  const a = goSort(make(), (x, y) => x.key < y.key).map((x) => x.id);
  const b = goSort(make(), (x, y) => x.key < y.key).map((x) => x.id);
  assert.deepEqual(a, b);
  assert.deepEqual(goSort(make(), (x, y) => x.key < y.key).map((x) => x.key), [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2), ...Array(10).fill(3)]);
});
