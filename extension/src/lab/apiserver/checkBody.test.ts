import assert from 'node:assert/strict';
import test from 'node:test';
import type { Status } from '../api/types';
import { SeededRandom } from '../random';
import { MAX_JSON_DEPTH, MAX_REQUEST_BODY_BYTES, checkBody } from './checkBody';

/** plainWalk is the walk checkBody must agree with: one stack of [value, depth], every value popped in turn. */
function plainWalk(body: unknown): 'ok' | 400 | 413 {
  if (body === undefined || body === null) return 'ok';
  if (typeof body === 'string') return body.length > MAX_REQUEST_BODY_BYTES ? 413 : 'ok';
  if (typeof body !== 'object') return 'ok';
  let bytes = 0;
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_JSON_DEPTH) return 400;
    if (typeof v === 'string') bytes += v.length + 2;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else if (Array.isArray(v)) {
      bytes += 2 + v.length;
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        bytes += k.length + 4;
        stack.push([x, depth + 1]);
      }
    }
    if (bytes > MAX_REQUEST_BODY_BYTES) return 413;
  }
  return 'ok';
}

const outcome = (s: Status | undefined): 'ok' | 400 | 413 => (s ? (s.code as 400 | 413) : 'ok');

const deep = (levels: number, leaf: unknown = 'x'): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = i % 2 ? { v } : [v];
  return v;
};
const big = (bytes: number): string => 'a'.repeat(bytes);

const cases: { name: string; body: unknown; want: 'ok' | 400 | 413 }[] = [
  { name: 'a small object', body: { metadata: { name: 'a' }, spec: { list: [1, 'two', null, true, { x: 1 }] } }, want: 'ok' },
  { name: 'nesting at the limit', body: deep(MAX_JSON_DEPTH - 1), want: 'ok' },
  { name: 'nesting past the limit', body: deep(MAX_JSON_DEPTH), want: 400 },
  { name: 'a primitive past the depth limit', body: deep(MAX_JSON_DEPTH - 1, [1]), want: 400 },
  { name: 'a string just under the size limit', body: { s: big(MAX_REQUEST_BODY_BYTES - 32) }, want: 'ok' },
  { name: 'a string over the size limit', body: { s: big(MAX_REQUEST_BODY_BYTES) }, want: 413 },
  { name: 'too deep, then too big (the big string is seen first)', body: [deep(MAX_JSON_DEPTH), big(MAX_REQUEST_BODY_BYTES)], want: 413 },
  { name: 'too big, then too deep (the deep value is seen first)', body: [big(MAX_REQUEST_BODY_BYTES), deep(MAX_JSON_DEPTH)], want: 400 },
  { name: 'too big among primitives after a deep value', body: [deep(MAX_JSON_DEPTH), 1, big(MAX_REQUEST_BODY_BYTES), 2], want: 413 },
  { name: 'object keys over the size limit', body: { [big(MAX_REQUEST_BODY_BYTES)]: 1 }, want: 413 },
  { name: 'many small numbers over the size limit', body: new Array<number>(MAX_REQUEST_BODY_BYTES / 8).fill(1), want: 413 },
];

for (const c of cases) {
  test(`checkBody: ${c.name}`, () => {
    assert.equal(plainWalk(c.body), c.want);
    assert.equal(outcome(checkBody(c.body)), c.want);
  });
}

test('checkBody agrees with a plain walk on bodies near both limits', () => {
  const random = new SeededRandom(7);
  const leaf = (): unknown => {
    switch (random.int(5)) {
      case 0: return big(random.int(3) * (MAX_REQUEST_BODY_BYTES / 2));
      case 1: return deep(MAX_JSON_DEPTH - 2 + random.int(4));
      case 2: return random.int(100);
      case 3: return null;
      default: return { k: 'v', n: [1, 2, 3] };
    }
  };
  for (let i = 0; i < 60; i++) {
    const items = Array.from({ length: 1 + random.int(6) }, leaf);
    const body = random.int(2) ? items : Object.fromEntries(items.map((x, j) => [`k${j}`, x]));
    assert.equal(outcome(checkBody(body)), plainWalk(body), `body ${i}`);
  }
});
