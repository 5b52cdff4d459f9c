import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorText } from '../fieldErrors';
import { crdStatus } from './status';
import type { CustomResourceDefinition, JSONSchemaProps } from './types';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './validation';

function crd(mutate: (c: CustomResourceDefinition) => void = () => {}, schema: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } }): CustomResourceDefinition {
  const c: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  };
  mutate(c);
  return c;
}

// Messages: apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go and
// pkg/apiserver/schema/validation.go (structural schema); rule errors from pkg/apiserver/schema/cel/compilation.go.
/** Errors whose value is a struct are compared as `field: detail`; rendering Go structs is fieldErrors' concern. */
const cases: { name: string; crd: CustomResourceDefinition; want: string[]; detailOnly?: boolean }[] = [
  { name: 'accepts a valid CRD', crd: crd(), want: [] },
  { name: 'name must be plural.group', crd: crd((c) => { c.metadata.name = 'widget.example.com'; }), want: ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'] },
  { name: 'group needs a dot', crd: crd((c) => { c.spec.group = 'example'; c.metadata.name = 'widgets.example'; }), want: ['spec.group: Invalid value: "example": should be a domain with at least one dot'] },
  { name: 'scope', crd: crd((c) => { c.spec.scope = 'Global'; }), want: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'] },
  { name: 'exactly one storage version', crd: crd((c) => { c.spec.versions.push({ ...c.spec.versions[0], name: 'v2' }); }), want: ['spec.versions: must have exactly one version marked as storage version'], detailOnly: true },
  { name: 'required names', crd: crd((c) => { c.spec.names = { plural: 'widgets' }; }), want: ['spec.names.singular: Required value', 'spec.names.kind: Required value', 'spec.names.listKind: Required value'] },
  { name: 'kind must be a DNS-1035 label, any case', crd: crd((c) => { c.spec.names.kind = 'Wid_get'; }), want: ["spec.names.kind: Invalid value: \"Wid_get\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"] },
  { name: 'schema required', crd: crd((c) => { delete c.spec.versions[0].schema; }), want: ['spec.versions[0].schema.openAPIV3Schema: Required value'] },
  { name: 'structural: field types', crd: crd(undefined, { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }), want: ['spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'] },
  { name: 'structural: array items', crd: crd(undefined, { type: 'object', properties: { list: { type: 'array' } } }), want: ['spec.validation.openAPIV3Schema.properties[list].items: Required value: must be specified'] },
  { name: 'uniqueItems forbidden', crd: crd(undefined, { type: 'object', properties: { list: { type: 'array', items: { type: 'string' }, uniqueItems: true } } }), want: ['spec.validation.openAPIV3Schema.properties[list].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic'] },
  {
    name: 'rule compile error', crd: crd(undefined, { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.replica > 1' }] } } }),
    detailOnly: true,
    want: ["spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: compilation failed: ERROR: <input>:1:5: undefined field 'replica'\n | self.replica > 1\n | ....^"],
  },
  { name: 'rule must be bool', crd: crd(undefined, { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.metadata.name' }] }), want: ['spec.validation.openAPIV3Schema.x-kubernetes-validations[0].rule: cel expression must evaluate to a bool'], detailOnly: true },
  { name: 'rule reason', crd: crd(undefined, { type: 'object', 'x-kubernetes-validations': [{ rule: 'true', reason: 'Nope' }] }), want: ['spec.validation.openAPIV3Schema.x-kubernetes-validations[0].reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"'] },
];

for (const c of cases) {
  test(`CRD validation: ${c.name}`, () => {
    const errs = validateCustomResourceDefinition(c.crd);
    assert.deepEqual(c.detailOnly ? errs.map((e) => `${e.field}: ${e.detail}`) : errs.map(fieldErrorText), c.want);
  });
}

test('CRD validation: per-version schemas are reported under spec.versions[i].schema', () => {
  const c = crd((x) => {
    x.spec.versions.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { a: {} } } } });
  });
  assert.deepEqual(validateCustomResourceDefinition(c).map(fieldErrorText), ['spec.versions[1].schema.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields']);
});

test('CRD update: group and plural are immutable; kind once Established', () => {
  const old = crd((c) => { c.status = { conditions: [{ type: 'Established', status: 'True' }] }; });
  const next = crd((c) => { c.spec.names.kind = 'Gadget'; c.spec.names.listKind = 'GadgetList'; });
  assert.deepEqual(validateCustomResourceDefinitionUpdate(next, old).map(fieldErrorText), ['spec.names.kind: Invalid value: "Gadget": field is immutable']);
});

test('CRD status: names accepted and established, or a conflict', () => {
  const s = crdStatus(crd(), [], '2024-01-01T00:00:00Z');
  assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'],
    ['Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'],
  ]);
  assert.deepEqual(s.storedVersions, ['v1']);
  const other = crd((c) => { c.metadata.name = 'widgets2.example.com'; c.status = { acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget2', listKind: 'Widget2List' } }; });
  const clash = crdStatus(crd(), [other], '2024-01-01T00:00:00Z');
  assert.deepEqual(clash.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['NamesAccepted', 'False', 'PluralConflict', '"widgets" is already in use'],
    ['Established', 'False', 'NotAccepted', 'not all names are accepted'],
  ]);
});
