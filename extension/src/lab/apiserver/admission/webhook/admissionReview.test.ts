// Shapes and messages from staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/request/admissionreview.go.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createAdmissionReview, requestKind, reviewVersion, verifyAdmissionResponse } from './admissionReview';
import { podAttributes } from './testing';

const invocation = { resource: { group: '', version: 'v1', resource: 'pods' }, subresource: '', kind: { group: '', version: 'v1', kind: 'Pod' } };

test('the review carries the request as AdmissionReview v1', () => {
  const a = podAttributes({ userInfo: { username: 'alice', uid: 'u-1', groups: ['dev'], extra: { scopes: ['a'] } }, dryRun: true });
  const review = createAdmissionReview('v1', 'uid-1', a, invocation);
  assert.deepEqual(JSON.parse(JSON.stringify(review)), {
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      name: 'web',
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'alice', uid: 'u-1', groups: ['dev'], extra: { scopes: ['a'] } },
      object: a.object,
      oldObject: null,
      dryRun: true,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  });
});

test('a subresource request names the subresource and the kind of its body', () => {
  const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 } };
  const a = podAttributes({ operation: 'UPDATE', subresource: 'scale', object: scale });
  assert.deepEqual(requestKind(a), { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  const r = createAdmissionReview('v1beta1', 'u', a, { ...invocation, subresource: 'scale', kind: requestKind(a) }).request;
  assert.equal(r.subResource, 'scale');
  assert.equal(r.requestSubResource, 'scale');
  assert.equal(createAdmissionReview('v1beta1', 'u', a, invocation).apiVersion, 'admission.k8s.io/v1beta1');
});

test('the first known review version is used', () => {
  assert.equal(reviewVersion(['v2', 'v1beta1', 'v1']), 'v1beta1');
  assert.deepEqual(reviewVersion(['v2']), { error: 'webhook does not accept known AdmissionReview versions (v1, v1beta1)' });
});

const review = (response: unknown, head: Record<string, unknown> = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }) => ({ ...head, response });
const b64 = (s: string) => Buffer.from(s).toString('base64');

const invalid: { name: string; mutating: boolean; review: Record<string, unknown>; want: string }[] = [
  { name: 'no response', mutating: true, review: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, want: 'webhook response was absent' },
  { name: 'wrong uid', mutating: true, review: review({ uid: 'other', allowed: true }), want: 'expected response.uid="u", got "other"' },
  { name: 'wrong kind', mutating: false, review: review({ uid: 'u', allowed: true }, { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' }), want: 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview' },
  { name: 'patch without type', mutating: true, review: review({ uid: 'u', allowed: true, patch: b64('[]') }), want: 'webhook returned response.patch but not response.patchType' },
  { name: 'type without patch', mutating: true, review: review({ uid: 'u', allowed: true, patchType: 'JSONPatch' }), want: 'webhook returned response.patchType but not response.patch' },
  { name: 'empty patch type', mutating: true, review: review({ uid: 'u', allowed: true, patch: b64('[]'), patchType: '' }), want: 'webhook returned invalid response.patchType of ""' },
  { name: 'validating patch', mutating: false, review: review({ uid: 'u', allowed: true, patch: b64('[]'), patchType: 'JSONPatch' }), want: 'validating webhook may not return response.patch' },
  { name: 'validating patch type', mutating: false, review: review({ uid: 'u', allowed: true, patchType: 'JSONPatch' }), want: 'validating webhook may not return response.patchType' },
];

for (const c of invalid) {
  test(`invalid response: ${c.name}`, () => {
    assert.deepEqual(verifyAdmissionResponse('v1', 'u', c.mutating, c.review), { error: c.want });
  });
}

test('a v1beta1 answer is not checked for uid, and its patch is taken as JSONPatch', () => {
  const r = verifyAdmissionResponse('v1beta1', 'u', true, { response: { allowed: true, patch: b64('[{"op":"add"}]'), warnings: ['w'], auditAnnotations: { k: 'v' } } });
  assert.deepEqual(r, { allowed: true, patch: '[{"op":"add"}]', patchType: 'JSONPatch', auditAnnotations: { k: 'v' }, warnings: ['w'] });
});
