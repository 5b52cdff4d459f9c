import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { errorBody, type FieldError, fieldErrorText } from '../fieldErrors';
import { OMIT_VALUE } from './fieldErrorKinds';
import { BLOCKED_MESSAGE, crdResourceTypes } from './resourceTypes';
import type { CustomResourceDefinition, JSONSchemaProps } from './types';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      'x-kubernetes-validations': [
        { rule: 'self.minReplicas <= self.replicas', message: 'replicas must be at least minReplicas' },
        { rule: "!has(self.mode) || self.mode != 'off' || self.replicas == 0", messageExpression: "'mode off needs 0 replicas, got ' + string(self.replicas)" },
      ],
      properties: {
        image: { type: 'string', maxLength: 10, pattern: '^[a-z]+$' },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        minReplicas: { type: 'integer', default: 0 },
        mode: { type: 'string', enum: ['on', 'off'] },
        ratio: { type: 'number' },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self.all(t, t.size() > 1)', reason: 'FieldValueForbidden', fieldPath: '' }] },
        labels: { type: 'object', additionalProperties: { type: 'string', minLength: 2 } },
        immutable: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'is immutable' }] },
        when: { type: 'string', format: 'date-time' },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const crd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
    versions: [
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } } },
      { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: schema } },
    ],
  },
};

const [widgets] = crdResourceTypes(crd);

function widget(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec };
}

/** text renders an error as upstream prints it; TypeInvalid reads "Invalid value" (apimachinery's ErrorTypeTypeInvalid.String()). */
function text(e: FieldError): string {
  return fieldErrorText(e.type === ('FieldValueTypeInvalid' as FieldError['type']) ? { ...e, type: 'FieldValueInvalid' } : e);
}

function errorsOf(obj: KubeObject, old?: KubeObject): FieldError[] {
  widgets.strategy.defaults?.(obj);
  return old ? widgets.strategy.validateUpdate?.(obj, old) ?? [] : widgets.strategy.validate?.(obj) ?? [];
}

test('serves each served version with the CRD names, scope and subresources', () => {
  assert.equal(crdResourceTypes(crd).length, 1);
  assert.deepEqual(
    { group: widgets.group, version: widgets.version, resource: widgets.resource, kind: widgets.kind, singular: widgets.singularName, namespaced: widgets.namespaced, shortNames: widgets.shortNames, subresources: widgets.subresources, scale: widgets.scale },
    { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', singular: 'widget', namespaced: true, shortNames: ['wd'], subresources: ['status', 'scale'], scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', replicasPaths: { 'example.com/v1': '.spec.replicas', 'example.com/v1alpha1': null } } },
  );
  assert.equal(widgets.strategy.statusSubresource, true);
});

test('defaults missing fields and prunes unknown ones, keeping preserved subtrees', () => {
  const obj = widget({ image: 'nginx', unknown: 1, extra: { anything: { goes: true } } });
  (obj as Record<string, unknown>).topLevelJunk = 'x';
  assert.deepEqual(errorsOf(obj), []);
  assert.deepEqual(obj.spec, { image: 'nginx', replicas: 1, minReplicas: 0, extra: { anything: { goes: true } } });
  assert.equal('topLevelJunk' in obj, false);
  assert.deepEqual(obj.metadata, { name: 'w', namespace: 'default' });
});

// Schema messages: kube-openapi pkg/validation/errors/schema.go, turned into field errors by
// apiextensions-apiserver pkg/apiserver/validation/validation.go (kubeOpenAPIResultToFieldErrors).
const schemaCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'wrong type', spec: { image: 'nginx', replicas: 'three' }, want: ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"', `<nil>: Invalid value: "null": ${BLOCKED_MESSAGE}`] },
  { name: 'required', spec: { replicas: 1 }, want: ['spec.image: Required value', `<nil>: Invalid value: "null": ${BLOCKED_MESSAGE}`] },
  { name: 'maximum', spec: { image: 'nginx', replicas: 11 }, want: ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'] },
  { name: 'minimum', spec: { image: 'nginx', replicas: -1, minReplicas: -5 }, want: ['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0'] },
  { name: 'pattern', spec: { image: 'NGINX' }, want: ["spec.image: Invalid value: \"NGINX\": spec.image in body should match '^[a-z]+$'"] },
  { name: 'enum', spec: { image: 'nginx', mode: 'auto' }, want: ['spec.mode: Unsupported value: "auto": supported values: "on", "off"', `<nil>: Invalid value: "null": ${BLOCKED_MESSAGE}`] },
  { name: 'map values', spec: { image: 'nginx', labels: { a: 'x' } }, want: ['spec.labels.a: Invalid value: "x": spec.labels.a in body should be at least 2 chars long'] },
  { name: 'format', spec: { image: 'nginx', when: 'yesterday' }, want: ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"', `<nil>: Invalid value: "null": ${BLOCKED_MESSAGE}`] },
  { name: 'integer accepted as number', spec: { image: 'nginx', ratio: 2 }, want: [] },
];

for (const c of schemaCases) {
  test(`schema: ${c.name}`, () => {
    assert.deepEqual(errorsOf(widget(c.spec)).map(text), c.want);
  });
}

test('schema: too long and too many carry upstream types and details', () => {
  const errs = errorsOf(widget({ image: 'abcdefghijkl', tags: ['aa', 'bb', 'cc'] }));
  assert.deepEqual(errs.slice(0, 2).map((e) => [e.type, e.field, e.detail]), [
    ['FieldValueTooLong', 'spec.image', 'may not be more than 10 bytes'],
    ['FieldValueTooMany', 'spec.tags', 'must have at most 2 items'],
  ]);
  assert.equal(errorBody(errs[0]), 'Too long: may not be more than 10 bytes');
});

// Rule messages: apiextensions-apiserver pkg/apiserver/schema/cel/validation.go.
test('rules: a false rule reports its message on the field, the object value omitted', () => {
  const [e] = errorsOf(widget({ image: 'nginx', replicas: 1, minReplicas: 3 }));
  assert.deepEqual(e, { type: 'FieldValueInvalid', field: 'spec', value: OMIT_VALUE, detail: 'replicas must be at least minReplicas' });
});

test('rules: messageExpression supplies the message', () => {
  const [e] = errorsOf(widget({ image: 'nginx', replicas: 2, mode: 'off' }));
  assert.equal(e.detail, 'mode off needs 0 replicas, got 2');
});

test('rules: reason picks the error type, without message it is "failed rule: <rule>"', () => {
  const errs = errorsOf(widget({ image: 'nginx', tags: ['a'] }));
  assert.deepEqual(errs.map(fieldErrorText), ['spec.tags: Forbidden: failed rule: self.all(t, t.size() > 1)']);
});

test('rules: transition rules run only on update, with oldSelf', () => {
  assert.deepEqual(errorsOf(widget({ image: 'nginx', immutable: 'a' })), []);
  const old = widget({ image: 'nginx', immutable: 'a' });
  assert.deepEqual(errorsOf(widget({ image: 'nginx', immutable: 'a' }), old), []);
  assert.deepEqual(errorsOf(widget({ image: 'nginx', immutable: 'b' }), old).map(fieldErrorText), ['spec.immutable: Invalid value: "b": is immutable']);
});

test('rules: a runtime error reads as cel-go\'s, with the rule', () => {
  const crd2 = structuredClone(crd);
  crd2.spec.versions[0].schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0' }] } } } };
  const [t] = crdResourceTypes(crd2);
  const errs = t.strategy.validate?.(widget({})) ?? [];
  assert.deepEqual(errs.map(fieldErrorText), ['spec: Invalid value: "object": no such key: a evaluating rule: self.a > 0']);
});
