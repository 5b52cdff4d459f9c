// Webhook matchConditions through the lab's CEL engine; wording per staging/src/k8s.io/apiserver/pkg/admission/plugin/cel/compile.go.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createAdmissionReview } from './admissionReview';
import { celMatchConditions } from './celMatchConditions';
import { podAttributes } from './testing';

const a = podAttributes();
const request = createAdmissionReview('v1', '', a, { resource: { group: '', version: 'v1', resource: 'pods' }, subresource: '', kind: { group: '', version: 'v1', kind: 'Pod' } }).request;
const vars = { object: request.object, oldObject: request.oldObject, request };
const cel = celMatchConditions();

const cases: { expression: string; want: unknown }[] = [
  { expression: "request.userInfo.username == 'alice'", want: true },
  { expression: "request.userInfo.username == 'system:admin'", want: false },
  { expression: "object.metadata.labels.app == 'web' && oldObject == null", want: true },
  { expression: "has(object.metadata.annotations)", want: false },
  { expression: "size(object.spec.containers) == 1", want: true },
  { expression: "request.operation in ['CREATE', 'UPDATE']", want: true },
  { expression: 'object.spec.nodeName == "n1"', want: { evalError: 'no such key: nodeName' } },
];

for (const c of cases) {
  test(`cel match condition ${c.expression}`, () => {
    assert.deepEqual(cel.evaluate(c.expression, vars), c.want);
  });
}

test('a condition that is not boolean, or not CEL, is a compile error', () => {
  assert.deepEqual(cel.evaluate("'yes'", vars), { compileError: 'must evaluate to bool but got string' });
  const r = cel.evaluate('authorizer.path("/healthz").check("get").allowed()', vars) as { compileError: string };
  assert.match(r.compileError, /^compilation failed: ERROR: <input>:1:1: undeclared reference to 'authorizer'/);
});
