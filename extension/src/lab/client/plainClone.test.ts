import assert from 'node:assert/strict';
import test from 'node:test';
import { PLAIN_CLONE_DEPTH, plainClone } from './plainClone';

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { v };
  return v;
};

const cases: { name: string; value: unknown }[] = [
  { name: 'a Kubernetes object', value: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] } } },
  { name: 'primitives a JSON body cannot hold', value: { u: undefined, nan: NaN, negZero: -0, inf: Infinity, big: 10n, list: [undefined, null, -0] } },
  { name: 'integer-like keys, in structuredClone\'s order', value: { b: 1, 2: 'two', a: 2, 1: 'one' } },
  { name: 'a string, a number, null', value: 'text' },
  { name: 'a Date inside (left to structuredClone)', value: { when: new Date(0), tags: new Map([['a', 1]]) } },
  { name: 'a class instance inside (left to structuredClone)', value: { x: new (class Point { constructor(readonly x = 1) {} })() } },
  { name: 'an own __proto__ key (left to structuredClone)', value: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown },
  { name: 'a list of numbers with a hole', value: { list: [1, , 3] } },
  { name: 'a list of objects with a hole (left to structuredClone)', value: { list: [{ a: 1 }, , { b: 2 }] } },
  { name: 'nesting deeper than the walk goes (left to structuredClone)', value: nested(PLAIN_CLONE_DEPTH + 5) },
  { name: 'nesting just within the walk', value: nested(PLAIN_CLONE_DEPTH - 1) },
];

for (const c of cases) {
  test(`copies ${c.name} as structuredClone does`, () => {
    const copy = plainClone(c.value);
    assert.deepStrictEqual(copy, structuredClone(c.value));
    if (c.value !== null && typeof c.value === 'object') assert.notEqual(copy, c.value);
  });
}

test('the copy shares nothing with the original', () => {
  const original = { metadata: { labels: { a: 'b' } }, items: [{ n: 1 }] };
  const copy = plainClone(original);
  copy.metadata.labels.a = 'changed';
  copy.items[0].n = 2;
  copy.items.push({ n: 3 });
  assert.deepStrictEqual(original, { metadata: { labels: { a: 'b' } }, items: [{ n: 1 }] });
});

test('keeps an own __proto__ key as data, never as the prototype', () => {
  const copy = plainClone(JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepStrictEqual(Object.keys(copy), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a cycle is copied as a cycle, by structuredClone', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  const copy = plainClone(a);
  assert.equal(copy.self, copy);
  assert.notEqual(copy, a);
});

test('refuses functions and symbols as structuredClone does', () => {
  assert.throws(() => plainClone({ f: () => 1 }), { name: 'DataCloneError' });
  assert.throws(() => plainClone({ s: Symbol('s') }), { name: 'DataCloneError' });
});
