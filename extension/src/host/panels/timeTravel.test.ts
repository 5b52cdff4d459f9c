import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeTravel, parseRevision, readOnlyNotice } from './timeTravel';

test('TimeTravel starts live, tells its listeners each change once, and refuses what is not a revision without changing', () => {
  const t = new TimeTravel();
  const seen: (number | null)[] = [];
  const sub = t.onDidChange((r) => seen.push(r));
  assert.equal(t.revision, null);
  assert.equal(t.travelling, false);
  assert.equal(t.travel(42), undefined);
  assert.equal(t.travel(42), undefined);
  assert.equal(t.revision, 42);
  assert.equal(t.travelling, true);
  for (const bad of [0, -3, 1.5, Number.NaN, 2 ** 60]) {
    assert.equal(t.travel(bad), `${JSON.stringify(bad)} is not a revision: give a whole number from 1 up.`);
  }
  assert.equal(t.revision, 42);
  t.travel(7);
  t.backToLive();
  t.backToLive();
  assert.deepEqual(seen, [42, 7, null]);
  sub.dispose();
  t.travel(9);
  assert.deepEqual(seen, [42, 7, null], 'a disposed listener hears nothing');
});

test('parseRevision reads a typed revision or says why not', () => {
  const cases: [string, number | { error: string }][] = [
    ['12', 12],
    [' 3 ', 3],
    ['0', { error: '"0" is not a revision: give a whole number from 1 up.' }],
    ['-1', { error: '"-1" is not a revision: give a whole number from 1 up.' }],
    ['1e3', { error: '"1e3" is not a revision: give a whole number from 1 up.' }],
    ['', { error: '"" is not a revision: give a whole number from 1 up.' }],
    ['99999999999999999999', { error: '"99999999999999999999" is not a revision: give a whole number from 1 up.' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseRevision(text), want, text);
  assert.equal(readOnlyNotice(5), 'Viewing revision 5 — read-only: go back to live to change the cluster.');
});
