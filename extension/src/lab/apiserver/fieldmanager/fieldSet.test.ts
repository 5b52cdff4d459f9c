import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldSet } from './fieldSet';
import { type PathElement, deserializePathElement, fieldElement, keyElement, pathString, serializePathElement } from './pathElement';

const f = fieldElement;
const k = (fields: Record<string, unknown>): PathElement => keyElement(Object.entries(fields));
const v = (value: unknown): PathElement => ({ kind: 'v', value });

/** Path elements as fieldsV1 keys and as conflict paths (structured-merge-diff fieldpath/serialize-pe.go, element.go). */
const elements: { pe: PathElement; key: string; text: string }[] = [
  { pe: f('spec'), key: 'f:spec', text: '.spec' },
  { pe: k({ protocol: 'TCP', containerPort: 80 }), key: 'k:{"containerPort":80,"protocol":"TCP"}', text: '[containerPort=80,protocol="TCP"]' },
  { pe: v('a<b'), key: 'v:"a\\u003cb"', text: '[="a<b"]' },
  { pe: { kind: 'i', index: 3 }, key: 'i:3', text: '[3]' },
];

for (const e of elements) {
  test(`path element ${e.key} serializes, parses back and prints`, () => {
    assert.equal(serializePathElement(e.pe), e.key);
    assert.deepEqual(deserializePathElement(e.key), e.pe);
    assert.equal(pathString([e.pe]), e.text);
  });
}

test('fieldsV1 keys that do not parse carry upstream\'s words; unknown types are skipped', () => {
  assert.throws(() => deserializePathElement('f'), /^Error: key must be 2 characters long:$/);
  assert.throws(() => deserializePathElement('fx'), /^Error: missing colon: fx$/);
  assert.equal(deserializePathElement('z:whatever'), undefined);
});

test('a set writes fieldsV1 in upstream\'s order, with "." for a member that has children', () => {
  const s = FieldSet.of(
    [f('spec'), f('replicas')],
    [f('metadata'), f('labels')],
    [f('metadata'), f('labels'), f('app')],
    [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'web' })],
    [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'web' }), f('image')],
    [f('metadata'), f('finalizers'), v('x')],
  );
  const json = s.toFieldsV1();
  assert.equal(JSON.stringify(json), JSON.stringify({
    'f:metadata': { 'f:finalizers': { 'v:"x"': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } } } },
  }));
  assert.deepEqual(FieldSet.fromFieldsV1(json).toFieldsV1(), json);
  assert.deepEqual(FieldSet.fromFieldsV1({ 'f:a': {}, 'q:skipped': {} }).paths(), [[f('a')]]);
});

test('set operations follow fieldpath.Set', () => {
  const a = FieldSet.of([f('a')], [f('b'), f('c')], [f('b'), f('d')]);
  const b = FieldSet.of([f('b'), f('c')], [f('e')]);
  assert.deepEqual(a.union(b).paths().map(pathString), ['.a', '.e', '.b.c', '.b.d']);
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.b.c']);
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.a', '.b.d']);
  // A plain difference keeps children of a removed parent; the recursive one drops the subtree.
  const parent = FieldSet.of([f('b')]);
  assert.deepEqual(a.difference(parent).paths().map(pathString), ['.a', '.b.c', '.b.d']);
  assert.deepEqual(a.recursiveDifference(parent).paths().map(pathString), ['.a']);
  assert.ok(a.has([f('b'), f('d')]));
  assert.ok(!a.has([f('b')]));
  assert.ok(FieldSet.of().isEmpty());
});
