import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineDiff } from './lineDiff';

const render = (text: string, other: string, maxEdits?: number): string => lineDiff(text, other, maxEdits).map((l) => `${l.op}${l.text}`).join('\n');

test('lineDiff gives the shortest edit script, common lines kept', () => {
  for (const [name, a, b, want] of [
    ['equal texts', 'a\nb\n', 'a\nb\n', ' a\n b'],
    ['an added line', 'a\nc\n', 'a\nb\nc\n', ' a\n+b\n c'],
    ['a removed line', 'a\nb\nc\n', 'a\nc\n', ' a\n-b\n c'],
    ['a changed value', 'data:\n  a: "1"\nkind: ConfigMap\n', 'data:\n  a: "2"\nkind: ConfigMap\n', ' data:\n-  a: "1"\n+  a: "2"\n kind: ConfigMap'],
    ['from nothing (a creation)', '', 'a\nb\n', '+a\n+b'],
    ['to nothing (a deletion)', 'a\nb', '', '-a\n-b'],
    ['Myers\' example', 'A\nB\nC\nA\nB\nB\nA', 'C\nB\nA\nB\nA\nC', '-A\n-B\n C\n+B\n A\n B\n-B\n A\n+C'],
  ] as const) assert.equal(render(a, b), want, name);
});

test('lineDiff replaces the whole text past its edit bound', () => {
  assert.equal(render('a\nb\nc', 'x\ny\nz', 2), '-a\n-b\n-c\n+x\n+y\n+z');
  assert.equal(render('k\na\nb\nk', 'k\nx\ny\nk', 2), ' k\n-a\n-b\n+x\n+y\n k');
});

/** lcs is the longest common subsequence's length, by dynamic programming: the script must keep exactly that many lines. */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = x === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

test('lineDiff is minimal and turns one text into the other, on many random pairs', () => {
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 300; i++) {
    const a = Array.from({ length: next(12) }, () => 'abcd'[next(4)]);
    const b = Array.from({ length: next(12) }, () => 'abcd'[next(4)]);
    const d = lineDiff(a.join('\n'), b.join('\n'));
    assert.deepEqual(d.filter((l) => l.op !== '+').map((l) => l.text), a);
    assert.deepEqual(d.filter((l) => l.op !== '-').map((l) => l.text), b);
    assert.equal(d.filter((l) => l.op === ' ').length, lcs(a, b), `${a.join('')} → ${b.join('')}`);
  }
});
