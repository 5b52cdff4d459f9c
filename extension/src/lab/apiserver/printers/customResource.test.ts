/**
 * Custom resource tables as k8s.io/apiextensions-apiserver (v0.32.0)
 * pkg/registry/customresource/tableconvertor/tableconvertor.go builds them, with
 * the default Age column of pkg/apiserver/customresource_handler.go's
 * serveDefaultColumnsIfEmpty and the scale columns of pkg/apiserver/helpers.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../apiextensions/types';
import { customResourcePrinter, customResourceScalePrinter, parseRFC3339 } from './customResource';
import { doc } from './swaggerDocs';
import { DAY, MINUTE, ago, cells, obj } from './testing';

function crd(version: Partial<CustomResourceDefinitionVersion>): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, ...version }] },
  };
}

const columns = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'Desired replicas' },
  { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
  { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused', priority: 1 },
  { name: 'Started', type: 'date', jsonPath: '.status.startedAt' },
  { name: 'Spec', type: 'string', jsonPath: '.spec.template', format: 'json' },
];

test('additionalPrinterColumns make the columns: NAME first, descriptions defaulted to the JSONPath', () => {
  assert.deepEqual(customResourcePrinter(crd({ additionalPrinterColumns: columns }), 'v1').columns, [
    { name: 'Name', type: 'string', format: 'name', description: doc('ObjectMeta.name'), priority: 0 },
    { name: 'Ready', type: 'string', format: '', description: 'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].status', priority: 0 },
    { name: 'Replicas', type: 'integer', format: '', description: 'Desired replicas', priority: 0 },
    { name: 'Ratio', type: 'number', format: '', description: 'Custom resource definition column (in JSONPath format): .spec.ratio', priority: 0 },
    { name: 'Paused', type: 'boolean', format: '', description: 'Custom resource definition column (in JSONPath format): .spec.paused', priority: 1 },
    { name: 'Started', type: 'date', format: '', description: 'Custom resource definition column (in JSONPath format): .status.startedAt', priority: 0 },
    { name: 'Spec', type: 'string', format: 'json', description: 'Custom resource definition column (in JSONPath format): .spec.template', priority: 0 },
  ]);
});

test('cells take the column type: a mismatch or a missing value is null', () => {
  const printer = customResourcePrinter(crd({ additionalPrinterColumns: columns }), 'v1');
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    ['every field', { spec: { replicas: 3, ratio: 0.5, paused: false, template: { b: 2, a: [1] } }, status: { startedAt: ago(5 * MINUTE), conditions: [{ type: 'Synced', status: 'True' }, { type: 'Ready', status: 'False' }] } },
      ['w', 'False', 3, 0.5, false, '5m', '{"a":[1],"b":2}']],
    ['nothing set', {}, ['w', null, null, null, null, null, null]],
    ['wrong types', { spec: { replicas: '3', ratio: 'x', paused: 'yes', template: 7 }, status: { startedAt: 'yesterday', conditions: [{ type: 'Ready', status: true }] } },
      ['w', 'true', null, null, null, '<invalid>', '7']],
    ['a float integer truncates, a null prints <no value>', { spec: { replicas: 2.9, ratio: 4, template: null }, status: { startedAt: '' } },
      ['w', null, 2, 4, null, '<unknown>', '<no value>']],
  ];
  for (const [name, rest, want] of cases) assert.deepEqual(cells(printer, obj('w', ago(DAY), rest)), want, name);
});

test('a version without columns gets Age from creationTimestamp', () => {
  const printer = customResourcePrinter(crd({}), 'v1');
  assert.deepEqual(printer.columns.map((c) => [c.name, c.type, c.description]), [['Name', 'string', doc('ObjectMeta.name')], ['Age', 'date', doc('ObjectMeta.creationTimestamp')]]);
  assert.deepEqual(cells(printer, obj('w', ago(3 * DAY))), ['w', '3d']);
});

test('a column whose JSONPath does not parse ends the columns, as the convertor New returns them', () => {
  const printer = customResourcePrinter(crd({ additionalPrinterColumns: [columns[1], { name: 'Broken', type: 'string', jsonPath: '.spec[' }, columns[2]] }), 'v1');
  assert.deepEqual(printer.columns.map((c) => c.name), ['Name', 'Replicas']);
  assert.deepEqual(cells(printer, obj('w', ago(DAY), { spec: { replicas: 1, ratio: 2 } })), ['w', 1]);
});

test('the scale subresource has DESIRED and AVAILABLE when the CRD maps them, then AGE', () => {
  const scaled = crd({ subresources: { scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } } });
  const printer = customResourceScalePrinter(scaled, 'v1');
  assert.deepEqual(printer.columns.map((c) => [c.name, c.type, c.description]), [
    ['Name', 'string', doc('ObjectMeta.name')], ['Desired', 'integer', 'Number of desired replicas'], ['Available', 'integer', 'Number of actual replicas'], ['Age', 'date', doc('ObjectMeta.creationTimestamp')],
  ]);
  assert.deepEqual(cells(printer, obj('w', ago(2 * MINUTE), { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=w' } })), ['w', 3, 2, '2m']);
  assert.deepEqual(customResourceScalePrinter(crd({}), 'v1').columns.map((c) => c.name), ['Name', 'Age']);
});

test('date columns parse RFC 3339 as metav1.Time.UnmarshalQueryParameter does', () => {
  const cases: [string, number | undefined | null][] = [
    ['2025-06-01T12:00:00Z', Date.parse('2025-06-01T12:00:00Z')], ['2025-06-01T14:00:00.5+02:00', Date.parse('2025-06-01T12:00:00.5Z')], ['', undefined], ['null', undefined],
    ['2025-02-29T00:00:00Z', null], ['2024-02-29T00:00:00Z', Date.parse('2024-02-29T00:00:00Z')], ['2025-06-01 12:00:00Z', null], ['2025-06-01T24:00:00Z', null], ['2025-06-01T12:00:00', null],
  ];
  for (const [text, want] of cases) assert.equal(parseRFC3339(text), want, text);
});
