/**
 * Object metadata validation: names per resource rule, generateName, labels,
 * annotations (keys and the 256 KiB total), owner references, finalizers, and
 * what an update may not change. Messages from apimachinery
 * pkg/api/validation/objectmeta.go and generic.go, pkg/util/validation and
 * pkg/api/validate/content (1.36), and core/validation's finalizer check.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectMeta } from '../../api/types';
import { fieldErrorText } from '../fieldErrors';
import { dns1035Name, labelName, pathSegmentName, subdomainName, validateObjectMeta, validateObjectMetaUpdate } from './objectMeta';

const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const meta = (m: ObjectMeta, namespaced = true) => validateObjectMeta({ namespace: namespaced ? 'default' : undefined, ...m }, namespaced, subdomainName).map(fieldErrorText);

const cases: { name: string; meta: ObjectMeta; namespaced?: boolean; errors: string[] }[] = [
  { name: 'a good name', meta: { name: 'web-1.example' }, errors: [] },
  { name: 'no name', meta: {}, errors: ['metadata.name: Required value: name or generateName is required'] },
  { name: 'an upper-case name', meta: { name: 'Web' }, errors: [`metadata.name: Invalid value: "Web": ${SUBDOMAIN}`] },
  { name: 'a name over 253 characters', meta: { name: 'a'.repeat(254) }, errors: [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`] },
  { name: 'a generateName ending in a dash', meta: { generateName: 'web-', name: 'web-x7k2p' }, errors: [] },
  { name: 'a bad generateName', meta: { generateName: 'Web-', name: 'Web-x7k2p' }, errors: [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`, `metadata.name: Invalid value: "Web-x7k2p": ${SUBDOMAIN}`] },
  { name: 'a namespaced object without namespace', meta: { name: 'a', namespace: '' }, errors: ['metadata.namespace: Required value'] },
  { name: 'a bad namespace', meta: { name: 'a', namespace: 'My_NS' }, errors: [`metadata.namespace: Invalid value: "My_NS": ${LABEL}`] },
  { name: 'a cluster object with a namespace', meta: { name: 'a', namespace: 'default' }, namespaced: false, errors: ['metadata.namespace: Forbidden: not allowed on this type'] },
  { name: 'a negative generation', meta: { name: 'a', generation: -1 }, errors: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'] },
  {
    name: 'bad label keys and values',
    meta: { name: 'a', labels: { 'app name': 'x', 'example.com/': 'y', 'a/b/c': 'z', ok: 'bad value', big: 'v'.repeat(64) } },
    errors: [
      `metadata.labels: Invalid value: "app name": ${KEY_NAME}`,
      'metadata.labels: Invalid value: "example.com/": name part must be non-empty',
      `metadata.labels: Invalid value: "example.com/": ${KEY_NAME}`,
      "metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      `metadata.labels: Invalid value: "bad value": ${LABEL_VALUE}`,
      `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`,
    ],
  },
  { name: 'a label key with a bad prefix', meta: { name: 'a', labels: { 'Example.com/app': 'x' } }, errors: [`metadata.labels: Invalid value: "Example.com/app": prefix part ${SUBDOMAIN}`] },
  { name: 'annotation keys are checked case-insensitively', meta: { name: 'a', annotations: { 'Example.COM/Note': 'x', 'bad key': 'y' } }, errors: [`metadata.annotations: Invalid value: "bad key": ${KEY_NAME}`] },
  { name: 'annotations over 256 KiB in total', meta: { name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } }, errors: ['metadata.annotations: Too long: may not be more than 262144 bytes'] },
  {
    name: 'owner references missing fields, a bad apiVersion and an Event owner',
    meta: { name: 'a', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }, { apiVersion: 'a/b/c', kind: 'X', name: 'x', uid: '1' }] },
    errors: [
      'metadata.ownerReferences[0].apiVersion: Required value: must not be empty',
      'metadata.ownerReferences[0].kind: Required value: must not be empty',
      'metadata.ownerReferences[0].name: Required value: must not be empty',
      'metadata.ownerReferences[0].uid: Required value: must not be empty',
      'metadata.ownerReferences[1].apiVersion: Invalid value: "a/b/c": must be <group>/<version> or <version>',
    ],
  },
];

for (const c of cases) {
  test(`object meta: ${c.name}`, () => {
    assert.deepEqual(meta(c.meta, c.namespaced ?? true), c.errors);
  });
}

/** Errors whose value is a list are compared by field, type and detail: the value's rendering is fieldErrors' concern. */
const shape = (m: ObjectMeta) => validateObjectMeta({ namespace: 'default', ...m }, true, subdomainName).map((e) => [e.field, e.type, e.detail]);

test('object meta: two controller owners', () => {
  const refs = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: '1', controller: true }, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: '2', controller: true }];
  assert.deepEqual(shape({ name: 'a', ownerReferences: refs }), [
    ['metadata.ownerReferences', 'FieldValueInvalid', 'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/r and Deployment/d'],
  ]);
});

test('object meta: an Event may not own anything', () => {
  assert.deepEqual(shape({ name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' }] }), [
    ['metadata.ownerReferences[0]', 'FieldValueInvalid', '/v1, Kind=Event is disallowed from being an owner'],
  ]);
});

test('object meta: finalizers must be qualified or standard, and orphan excludes foregroundDeletion', () => {
  assert.deepEqual(shape({ name: 'a', finalizers: ['cleanup', 'example.com/cleanup', 'orphan', 'foregroundDeletion', 'kubernetes'] }), [
    ['metadata.finalizers', 'FieldValueInvalid', 'finalizer orphan and foregroundDeletion cannot be both set'],
    ['metadata.finalizers[0]', 'FieldValueInvalid', 'name is neither a standard finalizer name nor is it fully qualified'],
  ]);
});

test('name rules: namespaces are labels, services DNS-1035 labels, events path segments', () => {
  assert.deepEqual(labelName('a.b', false), ['must not contain dots']);
  assert.deepEqual(dns1035Name('9lives', false), ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]);
  assert.deepEqual(pathSegmentName('Pod.17A%', false), ["may not contain '%'"]);
  assert.deepEqual(pathSegmentName('..', false), ["may not be '..'"]);
});

test('update: identity fields are immutable, generation never goes down, a deleting object takes no new finalizers', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'default', uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', deletionTimestamp: '2026-01-01T00:01:00Z', finalizers: ['a.io/x'] };
  const next: ObjectMeta = { ...old, uid: 'u2', generation: 2, finalizers: ['a.io/x', 'b.io/y', 'a.io/z'] };
  assert.deepEqual(validateObjectMetaUpdate(next, old).map(fieldErrorText), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/z", "b.io/y"}',
    'metadata.generation: Invalid value: 2: must not be decremented',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old).map(fieldErrorText), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
});
