import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { applyPatch } from './index';
import { mergePatch } from './mergePatch';

/** RFC 7386 with evanphx/json-patch's MergePatch (vendor/gopkg.in/evanphx/json-patch.v4/merge.go) null pruning. */
const cases: { name: string; target: unknown; patch: unknown; result: unknown }[] = [
  { name: 'objects merge', target: { a: { b: 1, c: 2 } }, patch: { a: { c: 3, d: 4 } }, result: { a: { b: 1, c: 3, d: 4 } } },
  { name: 'null deletes', target: { a: 1, b: 2 }, patch: { a: null }, result: { b: 2 } },
  { name: 'null for a missing key is dropped', target: { a: 1 }, patch: { z: null }, result: { a: 1 } },
  { name: 'arrays replace', target: { a: [1, 2, 3] }, patch: { a: [4] }, result: { a: [4] } },
  { name: 'nulls inside a new array are pruned', target: { a: 'x' }, patch: { a: [1, null, { b: null, c: 1 }] }, result: { a: [1, { c: 1 }] } },
  { name: 'nulls inside a new object are pruned', target: {}, patch: { a: { b: null, c: { d: null } } }, result: { a: { c: {} } } },
  { name: 'an object replaced by an array keeps the array as sent', target: { a: { b: 1 } }, patch: { a: [1, null] }, result: { a: [1, null] } },
  { name: 'a scalar replaces an object', target: { a: { b: 1 } }, patch: { a: 'x' }, result: { a: 'x' } },
];

for (const c of cases) {
  test(`merge patch: ${c.name}`, () => {
    assert.deepEqual(mergePatch(c.target, c.patch), c.result);
  });
}

test('merge patch leaves the target unchanged', () => {
  const target = { a: { b: 1 } };
  mergePatch(target, { a: { b: 2 } });
  assert.deepEqual(target, { a: { b: 1 } });
});

const pod = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } });

/** How the handler answers merge patch bodies (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go applyJSPatch). */
const answers: { name: string; body: unknown; fieldValidation?: 'Ignore' | 'Warn' | 'Strict'; code: number; message: string }[] = [
  { name: 'a null body', body: 'null', code: 400, message: 'Invalid JSON Patch' },
  { name: 'a number', body: '3', fieldValidation: 'Ignore', code: 400, message: 'Invalid JSON Patch' },
  { name: 'an array, strictly decoded', body: [1], code: 400, message: 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}' },
  { name: 'text that is not JSON', body: '{"a" 1}', code: 400, message: "error decoding patch: invalid character '1' after object key" },
  { name: 'text that is not JSON, not strictly decoded', body: '{"a" 1}', fieldValidation: 'Ignore', code: 400, message: 'Invalid JSON Patch' },
  {
    name: 'an array, not strictly decoded, which does not decode as an object',
    body: [1],
    fieldValidation: 'Ignore',
    code: 422,
    message: ' "" is invalid: patch: Invalid value: "[1]": couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
  },
];

for (const a of answers) {
  test(`merge patch answers ${a.name} with ${a.code}`, () => {
    const res = applyPatch('merge', pod(), a.body, 'V1Pod', a.fieldValidation);
    assert.ok('status' in res);
    assert.deepEqual([res.status.code, res.status.message], [a.code, a.message]);
  });
}

test('a merge patch string body is decoded and applied', () => {
  const res = applyPatch('merge', pod(), '{"metadata":{"labels":{"app":null,"tier":"x"}}}', 'V1Pod');
  assert.ok('object' in res);
  assert.deepEqual(res.object.metadata.labels, { tier: 'x' });
});
