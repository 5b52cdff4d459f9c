import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compare } from './compare';
import { merge } from './merge';
import { pathString } from './pathElement';
import { toFieldSet } from './toFieldSet';
import type { Atom } from './typeRef';
import { validate } from './validate';

const str: Atom = { scalar: 'string' };
const num: Atom = { scalar: 'numeric' };
const set = (element: Atom): Atom => ({ list: { atomic: false, keys: [], element } });
const struct = (fields: Record<string, Atom>, atomic = false): Atom => ({ map: { atomic, field: (n) => (Object.hasOwn(fields, n) ? fields[n] : undefined), element: undefined } });
const element = struct({ key: str, id: num, value: { map: { atomic: false, field: () => undefined, element: str } }, bv: { scalar: 'boolean' }, nv: num });
/** The "associative list" and set schemas of structured-merge-diff's typed/merge_test.go. */
const root = struct({
  setStr: set(str),
  setBool: set({ scalar: 'boolean' }),
  list: { list: { atomic: false, keys: ['key', 'id'], element } },
  atomicList: { list: { atomic: true, keys: [], element: str } },
});

/** Triplets from typed/merge_test.go: lhs merged with rhs gives out. */
const triplets: [string, string, string][] = [
  ['{"setStr":["a","b","c"]}', '{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":[]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b"]}', '{"setStr":["b","a"]}', '{"setStr":["b","a"]}'],
  ['{"setStr":["a","b","c","g","f"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","g","d","e","f"]}'],
  ['{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}', '{"setStr":["a","c","d","e","f"]}'],
  ['{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
  ['{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
  ['{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}', '{"setStr":["b","c","d","e","f","a"]}'],
  ['{"setStr":["c","d","e","f","g","h","i","j"]}', '{"setStr":["2","h","3","e","4","k","l"]}', '{"setStr":["c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
  ['{"setStr":["a","b","c","d","e","f","g","h","i","j"]}', '{"setStr":["1","b","2","h","3","e","4","k","l"]}', '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
  ['{"setBool":[true,false,true]}', '{"setBool":[true]}', '{"setBool":[true,false]}'],
  ['{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}'],
  ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
  ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}', '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'],
  ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
  ['{"atomicList":["a","a","a"]}', '{"atomicList":null}', '{"atomicList":null}'],
];

for (const [lhs, rhs, out] of triplets) {
  test(`merge ${lhs} with ${rhs}`, () => {
    assert.equal(JSON.stringify(merge(JSON.parse(lhs), JSON.parse(rhs), root)), JSON.stringify(JSON.parse(out)));
  });
}

test('compare reports added, modified and removed fields, a new item as a whole', () => {
  const c = compare({ setStr: ['a'], list: [{ key: 'a', id: 1, nv: 1 }] }, { setStr: ['b'], list: [{ key: 'a', id: 1, nv: 2 }, { key: 'b', id: 1 }] }, root);
  assert.deepEqual(c.added.paths().map(pathString), ['.list[id=1,key="b"]', '.list[id=1,key="b"].id', '.list[id=1,key="b"].key', '.setStr[="b"]']);
  assert.deepEqual(c.modified.paths().map(pathString), ['.list[id=1,key="a"].nv']);
  assert.deepEqual(c.removed.paths().map(pathString), ['.setStr[="a"]']);
});

test('toFieldSet owns list items, leaves and empty maps, and a repeated item only as a whole', () => {
  const s = toFieldSet({ list: [{ key: 'a', id: 1, value: {} }, { key: 'b', id: 2, nv: 1 }, { key: 'b', id: 2 }], atomicList: ['x'] }, root);
  assert.deepEqual(s.paths().map(pathString), ['.atomicList', '.list[id=1,key="a"]', '.list[id=2,key="b"]', '.list[id=1,key="a"].id', '.list[id=1,key="a"].key', '.list[id=1,key="a"].value']);
});

test('validate reports upstream\'s words at upstream\'s paths', () => {
  assert.deepEqual(validate({ list: [{ key: 'a', id: 1 }, { key: 'a', id: 1 }], setStr: [1], nope: 1 }, root), [
    { path: '.list', message: 'duplicate entries for key [id=1,key="a"]' },
    { path: '.setStr[=1]', message: 'expected string, got &value.valueUnstructured{Value:1}' },
    { path: '.nope', message: 'field not declared in schema' },
  ]);
  assert.deepEqual(validate({ list: [{ value: {} }] }, root), [
    { path: '.list', message: 'element 0: associative list with keys has an element that omits all key fields ["key" "id"] (and doesn\'t have default values for any key fields)' },
  ]);
});
