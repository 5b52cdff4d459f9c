// Failure wording from gopkg.in/evanphx/json-patch.v4 patch.go, the library the mutating dispatcher
// (staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/mutating/dispatcher.go) applies patches with.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyJsonPatch, decodePatch } from './jsonPatch';

const doc = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } };

test('applies a patch to a copy', () => {
  const r = applyJsonPatch(doc, [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }, { op: 'replace', path: '/spec/containers/0/name', value: 'main' }]);
  assert.ok('doc' in r);
  assert.deepEqual(r.doc.metadata.labels, { app: 'web', tier: 'front' });
  assert.equal(r.doc.spec.containers[0].name, 'main');
  assert.deepEqual(doc.metadata.labels, { app: 'web' }, 'the input is untouched');
});

const failures: { name: string; op: Record<string, unknown>; want: string }[] = [
  { name: 'add under a missing parent', op: { op: 'add', path: '/metadata/annotations/a', value: 'x' }, want: 'add operation does not apply: doc is missing path: "/metadata/annotations/a": missing value' },
  { name: 'replace a missing key', op: { op: 'replace', path: '/spec/nodeName', value: 'n' }, want: 'replace operation does not apply: doc is missing key: /spec/nodeName: missing value' },
  { name: 'replace under a missing parent', op: { op: 'replace', path: '/status/phase', value: 'x' }, want: 'replace operation does not apply: doc is missing path: /status/phase: missing value' },
  { name: 'remove a missing key', op: { op: 'remove', path: '/metadata/labels/tier' }, want: "error in remove for path: '/metadata/labels/tier': Unable to remove nonexistent key: tier: missing value" },
  { name: 'remove under a missing parent', op: { op: 'remove', path: '/status/phase' }, want: 'remove operation does not apply: doc is missing path: "/status/phase": missing value' },
  { name: 'failed test', op: { op: 'test', path: '/metadata/name', value: 'db' }, want: 'testing value /metadata/name failed: test failed' },
  { name: 'move from nowhere', op: { op: 'move', from: '/spec/x', path: '/spec/y' }, want: 'move operation does not apply: doc is missing from path: /spec/x: missing value' },
  { name: 'unknown op', op: { op: 'frobnicate', path: '/spec' }, want: 'Unexpected kind: frobnicate' },
];

for (const c of failures) {
  test(`patch failure: ${c.name}`, () => {
    assert.deepEqual(applyJsonPatch(doc, [c.op as never]), { error: c.want });
  });
}

test('a patch must be a JSON array', () => {
  assert.deepEqual(decodePatch('{"op":"add"}'), { error: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' });
  assert.ok('error' in (decodePatch('not json') as object));
  assert.deepEqual(decodePatch('[]'), []);
});
