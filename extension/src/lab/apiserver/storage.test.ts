import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonCopy } from './storage';

/** Values jsonCopy copies: the copy must be what the JSON round trip gives, key order included. */
const plain: { name: string; value: unknown }[] = [
  { name: 'scalars and null', value: { s: 'x', n: 1.5, t: true, f: false, z: null, big: 1e21, tiny: 5e-324 } },
  { name: 'nested objects and arrays', value: { a: [1, [2, [3]], { b: { c: [] } }], d: {} } },
  { name: 'integer-like keys, which sort first', value: { b: 1, 10: 2, 2: 3, a: 4 } },
  { name: 'undefined properties, which the round trip leaves out', value: { a: undefined, b: { c: undefined, d: 1 } } },
  { name: 'strings with lone surrogates and escapes', value: { s: '\ud800"\\\n' } },
];

for (const c of plain) {
  test(`jsonCopy copies plain JSON as the round trip does: ${c.name}`, () => {
    const copy = jsonCopy(c.value);
    const roundTrip: unknown = JSON.parse(JSON.stringify(c.value));
    assert.deepEqual(copy, roundTrip);
    assert.equal(JSON.stringify(copy), JSON.stringify(roundTrip));
    assert.notEqual(copy, c.value);
  });
}

/** Values the round trip would change: jsonCopy leaves them to it. */
const notPlain: { name: string; value: unknown }[] = [
  { name: 'undefined in an array', value: { a: [1, undefined] } },
  { name: 'a hole in an array', value: { a: [1, , 3] } },
  { name: 'NaN', value: { n: Number.NaN } },
  { name: 'Infinity', value: { n: Infinity } },
  { name: 'negative zero', value: { n: -0 } },
  { name: 'a function', value: { f: () => 1 } },
  { name: 'a Date, which has toJSON', value: { d: new Date(0) } },
  { name: 'an own toJSON', value: { toJSON: () => 'x' } },
  { name: 'a class instance', value: { m: new Map() } },
  { name: 'a __proto__ key', value: JSON.parse('{"__proto__": {"x": 1}}') as unknown },
  { name: 'a bigint', value: { b: 1n } },
  { name: 'nesting past the depth it copies', value: Array.from({ length: 150 }).reduce<unknown>((inner) => [inner], 0) },
];

for (const c of notPlain) {
  test(`jsonCopy leaves to the round trip what it would change: ${c.name}`, () => {
    assert.equal(jsonCopy(c.value), undefined);
  });
}

test('jsonCopy freezes what lies frozenFrom levels down and below, and nothing above', () => {
  const copy = jsonCopy({ metadata: { labels: { a: 'b' } }, spec: { list: [{ x: 1 }] } }, 2) as { metadata: { labels: object }; spec: { list: object[] } };
  assert.ok(!Object.isFrozen(copy) && !Object.isFrozen(copy.metadata) && !Object.isFrozen(copy.spec));
  assert.ok(Object.isFrozen(copy.metadata.labels) && Object.isFrozen(copy.spec.list) && Object.isFrozen(copy.spec.list[0]));
});

test('jsonCopy leaves everything to the round trip while Object.prototype has an enumerable property', () => {
  Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
  try {
    assert.equal(jsonCopy({ a: 1 }), undefined);
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
  assert.deepEqual(jsonCopy({ a: 1 }), { a: 1 });
});
