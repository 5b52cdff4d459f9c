import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { applyPatch, type FieldValidation } from './index';

const pod = (): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }], nodeSelector: null },
});

/** Operations that succeed, with evanphx/json-patch.v4's semantics (vendor/gopkg.in/evanphx/json-patch.v4/patch.go). */
const successes: { name: string; ops: unknown[]; check: (p: any) => void }[] = [
  { name: 'add sets an object field', ops: [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }], check: (p) => assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'front' }) },
  { name: 'add inserts into a list', ops: [{ op: 'add', path: '/spec/containers/1', value: { name: 'c' } }], check: (p) => assert.deepEqual(p.spec.containers.map((c: { name: string }) => c.name), ['a', 'c', 'b']) },
  { name: 'add with - appends', ops: [{ op: 'add', path: '/spec/containers/-', value: { name: 'c' } }], check: (p) => assert.deepEqual(p.spec.containers.map((c: { name: string }) => c.name), ['a', 'b', 'c']) },
  { name: 'a negative index counts from the end', ops: [{ op: 'remove', path: '/spec/containers/-1' }], check: (p) => assert.deepEqual(p.spec.containers.map((c: { name: string }) => c.name), ['a']) },
  { name: 'replace of a missing object key adds it', ops: [{ op: 'replace', path: '/metadata/annotations', value: { a: 'b' } }], check: (p) => assert.deepEqual(p.metadata.annotations, { a: 'b' }) },
  { name: 'move moves a value', ops: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }], check: (p) => assert.deepEqual(p.metadata.labels, { name: 'web' }) },
  { name: 'copy copies a value', ops: [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' }], check: (p) => assert.deepEqual(p.spec.containers[2], { name: 'a', image: 'nginx' }) },
  { name: 'copy from a missing key copies null', ops: [{ op: 'copy', from: '/metadata/nothing', path: '/metadata/copied' }], check: (p) => assert.equal(p.metadata.copied, null) },
  { name: 'test of an equal value passes', ops: [{ op: 'test', path: '/spec/containers/0', value: { image: 'nginx', name: 'a' } }, { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }], check: (p) => assert.equal(p.spec.containers[0].image, 'nginx:2') },
  { name: 'test of a missing key against null passes', ops: [{ op: 'test', path: '/metadata/missing', value: null }], check: (p) => assert.equal(p.metadata.name, 'web') },
  { name: 'the escapes ~1 and ~0 name keys with / and ~', ops: [{ op: 'add', path: '/metadata/labels/a~1b~0c', value: 'x' }], check: (p) => assert.equal(p.metadata.labels['a/b~c'], 'x') },
  { name: 'remove deletes a field', ops: [{ op: 'remove', path: '/metadata/labels' }], check: (p) => assert.equal(p.metadata.labels, undefined) },
  { name: 'a null body is no operations', ops: null as unknown as unknown[], check: (p) => assert.deepEqual(p, pod()) },
];

for (const c of successes) {
  test(`json patch: ${c.name}`, () => {
    const res = applyPatch('json', pod(), c.ops, 'V1Pod');
    assert.ok('object' in res, JSON.stringify(res));
    c.check(res.object);
  });
}

/**
 * Operations the library refuses: upstream's handler answers them all with
 * NewGenericServerResponse(422), which drops the library's text
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go, applyJSPatch).
 */
const refusals: { name: string; ops: unknown[] }[] = [
  { name: 'a failed test', ops: [{ op: 'test', path: '/spec/containers/0/image', value: 'httpd' }] },
  { name: 'a test of a present value against null', ops: [{ op: 'test', path: '/metadata/name', value: null }] },
  { name: 'a test without a value', ops: [{ op: 'test', path: '/metadata/name' }] },
  { name: 'a remove of a missing key', ops: [{ op: 'remove', path: '/metadata/annotations' }] },
  { name: 'a path through a missing parent', ops: [{ op: 'add', path: '/status/phase', value: 'Running' }] },
  { name: 'a path through a null', ops: [{ op: 'add', path: '/spec/nodeSelector/disk', value: 'ssd' }] },
  { name: 'an index past the end', ops: [{ op: 'replace', path: '/spec/containers/5', value: {} }] },
  { name: 'an index that is not a number', ops: [{ op: 'add', path: '/spec/containers/x', value: {} }] },
  { name: 'an unknown op', ops: [{ op: 'merge', path: '/metadata' }] },
  { name: 'an operation without op', ops: [{ path: '/metadata' }] },
  { name: 'an operation without path', ops: [{ op: 'remove' }] },
  { name: 'a move from a missing key', ops: [{ op: 'move', from: '/metadata/none', path: '/metadata/x' }] },
  { name: 'a replace of the root with a scalar', ops: [{ op: 'replace', path: '', value: 1 }] },
];

for (const r of refusals) {
  test(`json patch refuses ${r.name} with upstream's bare 422`, () => {
    const res = applyPatch('json', pod(), r.ops, 'V1Pod');
    assert.ok('status' in res);
    assert.deepEqual(res.status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request', details: {},
    });
  });
}

/** Bodies that do not decode: 400 with encoding/json's words, prefixed as upstream prefixes them per fieldValidation. */
const malformed: { name: string; body: unknown; fieldValidation: FieldValidation; message: string }[] = [
  { name: 'an object, strictly decoded', body: { op: 'add' }, fieldValidation: 'Warn', message: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp' },
  { name: 'an object, decoded by the library', body: { op: 'add' }, fieldValidation: 'Ignore', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
  { name: 'a list of strings', body: ['add'], fieldValidation: 'Strict', message: 'error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp' },
  { name: 'a list of strings, decoded by the library', body: ['add'], fieldValidation: 'Ignore', message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
  { name: 'an op that is a number', body: [{ op: 1, path: '/a' }], fieldValidation: 'Strict', message: 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string' },
  { name: 'text that is not JSON', body: 'add /a', fieldValidation: 'Warn', message: "error decoding patch: invalid character 'a' looking for beginning of value" },
  { name: 'truncated JSON', body: '[{"op": "add"', fieldValidation: 'Ignore', message: 'unexpected end of JSON input' },
  { name: 'an empty body', body: '', fieldValidation: 'Strict', message: 'error decoding patch: unexpected end of JSON input' },
];

for (const m of malformed) {
  test(`json patch refuses ${m.name} with 400`, () => {
    const res = applyPatch('json', pod(), m.body, 'V1Pod', m.fieldValidation);
    assert.ok('status' in res);
    assert.deepEqual([res.status.code, res.status.reason, res.status.message], [400, 'BadRequest', m.message]);
  });
}

test('a json patch of more than 10000 operations is a 413', () => {
  // patch.go: maxJSONPatchOperations and NewRequestEntityTooLargeError (apimachinery/pkg/api/errors/errors.go).
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'web' }));
  const res = applyPatch('json', pod(), ops, 'V1Pod');
  assert.ok('status' in res);
  assert.deepEqual([res.status.code, res.status.reason, res.status.message], [413, 'RequestEntityTooLarge', 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001']);
  assert.ok('object' in applyPatch('json', pod(), ops.slice(0, 10000), 'V1Pod'));
});

test('json patch does not change the object it is given', () => {
  const current = pod();
  applyPatch('json', current, [{ op: 'remove', path: '/spec/containers/0' }], 'V1Pod');
  assert.deepEqual(current, pod());
});
