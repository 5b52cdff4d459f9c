import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import type { Decoded, FieldValidation } from '../../openapi/decode';
import { type CustomResourceStrategy, crdResourceTypes } from './resourceTypes';
import { decodeCustomResource } from './schemaCoercingDecoder';
import type { CustomResourceDefinition, JSONSchemaProps } from './types';

// Upstream: apiextensions-apiserver pkg/apiserver/customresource_handler.go (schemaCoercingDecoder,
// unstructuredSchemaCoercer.apply), pkg/apiserver/schema/pruning/algorithm.go (PruneWithOptions),
// pkg/apiserver/schema/objectmeta/{coerce,algorithm}.go, pkg/apiserver/schema/options.go (paths);
// apiserver pkg/endpoints/handlers/create.go and rest.go (transformDecodeError, fieldValidation: '' is Warn).

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        cronSpec: { type: 'string' },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        byName: { type: 'object', additionalProperties: { type: 'object', properties: { size: { type: 'integer' } } } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
        loose: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'object', properties: { a: { type: 'string' } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
        templates: { type: 'object', additionalProperties: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
      },
    },
  },
};

function cronTab(extra: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'ct', ...meta }, ...extra };
}

function decode(body: KubeObject, fv: FieldValidation): Decoded {
  return decodeCustomResource(body, schema, 'CronTab', 'v1', fv);
}

function warnings(d: Decoded): string[] {
  assert.ok('warnings' in d, JSON.stringify(d));
  return d.warnings;
}

function message(d: Decoded): string | undefined {
  assert.ok('status' in d, JSON.stringify(d));
  assert.equal(d.status.code, 400);
  assert.equal(d.status.reason, 'BadRequest');
  return d.status.message;
}

test('an unknown field is a strict decoding error, a warning or nothing, as fieldValidation asks', () => {
  const body = cronTab({ spec: { cronSpec: '* * * * */5', bogus: 1 } });
  assert.equal(message(decode(body, 'Strict')), 'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"');
  for (const [fv, expected] of [['Warn', ['unknown field "spec.bogus"']], ['Ignore', []]] as const) {
    const d = decode(body, fv);
    assert.deepEqual(warnings(d), expected, fv);
    assert.ok('object' in d);
    assert.deepEqual(d.object.spec, { cronSpec: '* * * * */5' }, `${fv} prunes`);
  }
  assert.deepEqual((body.spec as Record<string, unknown>).bogus, 1, 'the body itself is left alone');
});

test('a body without unknown fields decodes cleanly in every mode', () => {
  for (const fv of ['Strict', 'Warn', 'Ignore'] as const) assert.deepEqual(warnings(decode(cronTab({ spec: { cronSpec: 'x' } }), fv)), []);
});

test('unknown fields are reported with upstream paths: metadata first, then the pruned fields sorted, then embedded metadata', () => {
  const body = cronTab({
    zzz: true,
    spec: {
      zeta: 1, alpha: 2,
      items: [{ name: 'a' }, { name: 'b', bogus: 3 }],
      byName: { one: { size: 1, color: 'red' } },
      extra: { kept: 1, known: { a: 'x', b: 'y' } },
      loose: [{ a: 'x', kept: 1 }],
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', zone: 'z' }, spec: { x: 'x', y: 'y' }, other: 1 },
      templates: { web: { metadata: { bogus: 1 }, anything: 1 } },
    },
  }, { unknownMeta: 'x', annotations: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', extra: 1 }], aaa: 1 });
  const d = decode(body, 'Warn');
  assert.deepEqual(warnings(d), [
    'unknown field "metadata.aaa"',
    'unknown field "metadata.ownerReferences[0].extra"',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.alpha"',
    'unknown field "spec.byName.one.color"',
    'unknown field "spec.extra.known.b"',
    'unknown field "spec.items[1].bogus"',
    'unknown field "spec.template.other"',
    'unknown field "spec.template.spec.y"',
    'unknown field "spec.zeta"',
    'unknown field "zzz"',
    'unknown field "spec.template.metadata.zone"',
    'unknown field "spec.templates[web].metadata.bogus"',
  ]);
  assert.ok('object' in d);
  assert.deepEqual(d.object, cronTab({
    spec: {
      items: [{ name: 'a' }, { name: 'b' }],
      byName: { one: { size: 1 } },
      extra: { kept: 1, known: { a: 'x' } },
      loose: [{ a: 'x', kept: 1 }],
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'x' } },
      templates: { web: { metadata: {}, anything: 1 } },
    },
  }, { annotations: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }] }));
  assert.equal(message(decode(body, 'Strict')), `CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: ${warnings(d).join(', ')}`);
});

test('the 400 names the kind and version the body claims, defaulted from the endpoint', () => {
  const bogus = { spec: { bogus: 1 } };
  const cases: [Record<string, unknown>, string][] = [
    [{ apiVersion: 'stable.example.com/v1', kind: 'CronTab' }, 'CronTab in version "v1"'],
    [{}, 'CronTab in version "v1"'],
    [{ apiVersion: 'stable.example.com/v2', kind: 'Other' }, 'Other in version "v2"'],
  ];
  for (const [typeMeta, prefix] of cases) {
    const body = { metadata: { name: 'ct' }, ...typeMeta, ...bogus } as KubeObject;
    assert.equal(message(decode(body, 'Strict')), `${prefix} cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"`);
  }
});

test('a served version\'s strategy decodes with its schema, and defaults drops unknown metadata', () => {
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
  const strategy = crdResourceTypes(crd)[0].strategy as CustomResourceStrategy;
  assert.equal(message(strategy.decode(cronTab({ spec: { bogus: 1 } }, { bogus: 1 }), 'Strict')),
    'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "metadata.bogus", unknown field "spec.bogus"');
  const obj = cronTab({ spec: { bogus: 1 } }, { bogus: 1 });
  strategy.defaults?.(obj);
  assert.deepEqual(obj, cronTab({ spec: {} }));
});
