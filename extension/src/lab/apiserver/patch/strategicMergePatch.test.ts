import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../api/types';
import type { ModelSchema, PropertySchema } from '../../openapi/schema';
import { applyPatch } from './index';
import { modelPatchSchema } from './patchMeta';
import { SmpError } from './smpErrors';
import { strategicMergeMapPatch } from './strategicMergePatch';

/**
 * The MergeItem and RetainKeysMergeItem test types of upstream's
 * staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go, as models.
 */
const mergeItemList = (strategy?: string): PropertySchema => ({ type: 'array', items: { type: 'object', ref: 'MergeItem' }, ...(strategy ? { patchStrategy: strategy, patchMergeKey: 'name' } : {}) });
const common: Record<string, PropertySchema> = {
  name: { type: 'string' },
  value: { type: 'string' },
  other: { type: 'string' },
  simpleMap: { type: 'map', additionalProperties: { type: 'string' } },
  mergingList: mergeItemList('merge'),
  nonMergingList: mergeItemList(),
  mergingIntList: { type: 'array', items: { type: 'integer' }, patchStrategy: 'merge' },
};
const models: Record<string, ModelSchema> = {
  MergeItem: {
    name: 'MergeItem', goName: 'MergeItem', required: [], goTypes: {},
    properties: {
      ...common,
      nonMergingIntList: { type: 'array', items: { type: 'integer' } },
      mergeItemPtr: { type: 'object', ref: 'MergeItem', patchStrategy: 'merge', patchMergeKey: 'name' },
      replacingItem: { type: 'any', patchStrategy: 'replace' },
      retainKeysMap: { type: 'object', ref: 'RetainKeysMergeItem', patchStrategy: 'retainKeys' },
      retainKeysMergingList: mergeItemList('merge,retainKeys'),
    },
  },
  RetainKeysMergeItem: { name: 'RetainKeysMergeItem', goName: 'RetainKeysMergeItem', required: [], goTypes: {}, properties: common },
};
const mergeItem = modelPatchSchema('MergeItem', (name) => models[name]);

function smp(original: string, patch: string): unknown {
  return strategicMergeMapPatch((parse(original) ?? {}) as Record<string, unknown>, (parse(patch) ?? {}) as Record<string, unknown>, mergeItem);
}

/** Cases from upstream's patch_test.go (customStrategicMergePatchTestCaseData and the raw cases): patch applied to original gives result. */
const cases: { name: string; original: string; patch: string; result: string }[] = [
  { name: 'unique scalars when merging lists', original: 'mergingIntList: [1, 2]', patch: 'mergingIntList: [2, 3]', result: 'mergingIntList: [1, 2, 3]' },
  { name: 'delete map from nested map', original: 'simpleMap: {key1: "1", key2: "1"}', patch: 'simpleMap: {$patch: delete}', result: 'simpleMap: {}' },
  { name: 'delete all items from merging list', original: 'mergingList: [{name: "1"}, {name: "2"}]', patch: 'mergingList: [{$patch: replace}]', result: 'mergingList: []' },
  { name: 'merge empty merging lists', original: 'mergingList: []', patch: 'mergingList: []', result: 'mergingList: []' },
  { name: 'delete all keys from map', original: 'name: "1"\nvalue: "1"', patch: '$patch: replace', result: '{}' },
  { name: 'add key and delete all keys from map', original: 'name: "1"\nvalue: "1"', patch: 'other: a\n$patch: replace', result: 'other: a' },
  { name: 'retainKeys map can add a field when no retainKeys directive present', original: 'retainKeysMap: {name: foo}', patch: 'retainKeysMap: {value: bar}', result: 'retainKeysMap: {name: foo, value: bar}' },
  { name: 'retainKeys map can delete a field when no retainKeys directive present', original: 'retainKeysMap: {name: foo, value: a}', patch: 'retainKeysMap: {value: null}', result: 'retainKeysMap: {name: foo}' },
  {
    name: 'preserve the order from the patch in a merging list',
    original: 'mergingList: [{name: "1"}, {name: "2", value: b}, {name: "3"}]',
    patch: 'mergingList: [{name: "3", value: c}, {name: "1", value: a}, {name: "2", other: x}]',
    result: 'mergingList: [{name: "3", value: c}, {name: "1", value: a}, {name: "2", value: b, other: x}]',
  },
  {
    name: 'preserve the order from the patch in a merging list 2',
    original: 'mergingList: [{name: "1"}, {name: "2", value: b}, {name: "3"}]',
    patch: 'mergingList: [{name: "3", value: c}, {name: "1", value: a}]',
    result: 'mergingList: [{name: "2", value: b}, {name: "3", value: c}, {name: "1", value: a}]',
  },
  { name: 'preserve the order from the patch in a merging int list', original: 'mergingIntList: [1, 2, 3]', patch: 'mergingIntList: [3, 1, 2]', result: 'mergingIntList: [3, 1, 2]' },
  { name: 'preserve the order from the patch in a merging int list (partial)', original: 'mergingIntList: [1, 2, 3]', patch: 'mergingIntList: [3, 1]', result: 'mergingIntList: [2, 3, 1]' },
  {
    name: '$setElementOrder contains item that is not present in the list to be merged',
    original: 'mergingList: [{name: "1"}, {name: "3"}]',
    patch: '$setElementOrder/mergingList: [{name: "3"}, {name: "2"}, {name: "1"}]\nmergingList: [{name: "3", value: "3"}, {name: "1", value: "1"}]',
    result: 'mergingList: [{name: "3", value: "3"}, {name: "1", value: "1"}]',
  },
  { name: '$setElementOrder orders an int list it does not change', original: 'mergingIntList: [1, 3]', patch: '$setElementOrder/mergingIntList: [3, 2, 1]', result: 'mergingIntList: [3, 1]' },
  {
    name: 'delete items in lists of scalars (three-way)',
    original: 'mergingIntList: [1, 2, 3, 4]',
    patch: '$setElementOrder/mergingIntList: [1, 2]\n$deleteFromPrimitiveList/mergingIntList: [3]',
    result: 'mergingIntList: [1, 2, 4]',
  },
  {
    name: 'add and delete items in lists of scalars',
    original: 'mergingIntList: [1, 2, 3]',
    patch: '$setElementOrder/mergingIntList: [1, 2, 4]\n$deleteFromPrimitiveList/mergingIntList: [3]\nmergingIntList: [4]',
    result: 'mergingIntList: [1, 2, 4]',
  },
  {
    name: 'merge lists of maps (three-way)',
    original: 'mergingList: [{name: "1", other: a}, {name: "2", value: "2", other: b}]',
    patch: '$setElementOrder/mergingList: [{name: "4"}, {name: "1"}, {name: "2"}, {name: "3"}]\nmergingList: [{name: "4", value: "4"}, {name: "3", value: "3"}]',
    result: 'mergingList: [{name: "4", value: "4"}, {name: "1", other: a}, {name: "2", value: "2", other: b}, {name: "3", value: "3"}]',
  },
  {
    name: 'retainKeys map clears the fields the list does not keep',
    original: 'retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}',
    patch: 'retainKeysMap: {$retainKeys: [name, value], value: bar, nonMergingList: null}',
    result: 'retainKeysMap: {name: foo, value: bar}',
  },
  {
    name: 'retainKeys map adds an item in nested merging int list',
    original: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}',
    patch: 'retainKeysMap: {$setElementOrder/mergingIntList: [1, 2, 4], $retainKeys: [mergingIntList, name], mergingIntList: [4]}',
    result: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 4, 3]}',
  },
  {
    name: 'retainKeys map adds an item and deletes an item in nested merging int list',
    original: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}',
    patch: 'retainKeysMap: {$retainKeys: [mergingIntList, name], mergingIntList: [5], $deleteFromPrimitiveList/mergingIntList: [2], $setElementOrder/mergingIntList: [1, 3, 5]}',
    result: 'retainKeysMap: {name: foo, mergingIntList: [1, 3, 5, 4]}',
  },
  {
    name: 'retainKeys map deletes an item in nested merging list',
    original: 'retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}, {name: x}]}',
    patch: 'retainKeysMap: {$retainKeys: [mergingList, name], $setElementOrder/mergingList: [{name: a}], mergingList: [{name: b, $patch: delete}]}',
    result: 'retainKeysMap: {name: foo, mergingList: [{name: a}, {name: x}]}',
  },
  {
    name: 'retainKeys list of maps clears a field',
    original: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a, other: x}]',
    patch: '$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}]\nretainKeysMergingList: [{$retainKeys: [name, value], name: foo}]',
    result: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a}]',
  },
  { name: 'a patch strategy of replace replaces the whole value', original: 'replacingItem: {a: 1, b: 2}', patch: 'replacingItem: {b: 3}', result: 'replacingItem: {b: 3}' },
  { name: 'a non-merging list is replaced', original: 'nonMergingIntList: [1, 2]', patch: 'nonMergingIntList: [2, 3]', result: 'nonMergingIntList: [2, 3]' },
  { name: 'null deletes a field', original: 'name: a\nvalue: b', patch: 'value: null', result: 'name: a' },
  { name: 'deleting from a primitive list deletes every copy', original: 'mergingIntList: [1, 3, 3, 2]', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'mergingIntList: [1, 2]' },
  { name: 'a $patch: delete item deletes every item with its key', original: 'mergingList: [{name: a}, {name: b, value: "1"}, {name: b, value: "2"}]', patch: 'mergingList: [{name: b, $patch: delete}]', result: 'mergingList: [{name: a}]' },
  { name: 'a new item comes before the items the patch does not name', original: 'mergingList: [{name: a}, {name: b}]', patch: 'mergingList: [{name: c}]', result: 'mergingList: [{name: c}, {name: a}, {name: b}]' },
];

for (const c of cases) {
  test(`strategic merge: ${c.name}`, () => {
    assert.deepEqual(smp(c.original, c.patch), parse(c.result));
  });
}

/** Failures with upstream's words: mergepatch/errors.go and strategicpatch/patch.go. */
const failures: { name: string; original: string; patch: string; kind: string; message: string }[] = [
  {
    name: '$setElementOrder that contradicts the patch list',
    original: 'mergingList: [{name: "1"}, {name: "3"}, {name: "2"}]',
    patch: '$setElementOrder/mergingList: [{name: "1"}, {name: "2"}, {name: "3"}]\nmergingList: [{name: "3", value: "3"}, {name: "1", value: "1"}]',
    kind: 'server',
    message: 'The order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn\'t match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n',
  },
  { name: 'a patch item without its merge key', original: 'mergingList: [{name: "1", value: a}]', patch: 'mergingList: [{value: b}]', kind: 'server', message: 'map: map[value:b] does not contain declared merge key: name' },
  { name: 'a $retainKeys that is not a list', original: 'retainKeysMap: {name: foo}', patch: 'retainKeysMap: {$retainKeys: name}', kind: 'badRequest', message: 'invalid patch format of retainKeys' },
  { name: 'a field the $retainKeys list does not name', original: 'retainKeysMap: {name: foo}', patch: 'retainKeysMap: {$retainKeys: [name], value: x}', kind: 'badRequest', message: 'invalid patch format of retainKeys' },
  { name: 'a $deleteFromPrimitiveList without a field', original: 'mergingIntList: [1]', patch: '$deleteFromPrimitiveList: [1]', kind: 'badRequest', message: 'invalid patch format of primitive list' },
  { name: 'a $setElementOrder without a field', original: 'mergingIntList: [1]', patch: '$setElementOrder: [1]', kind: 'badRequest', message: 'invalid patch format of setElementOrder list' },
  { name: 'a list of lists', original: 'mergingIntList: []', patch: 'mergingIntList: [[1]]', kind: 'invalid', message: 'lists of lists are not supported' },
  { name: 'list elements of different types', original: 'mergingIntList: [1]', patch: 'mergingIntList: [a]', kind: 'server', message: 'list element types are not identical: [[1] [a]]' },
  { name: 'an unknown $patch directive in a map', original: 'simpleMap: {a: b}', patch: 'simpleMap: {$patch: merge}', kind: 'server', message: 'unknown patch type: merge in map: map[$patch:merge]' },
  { name: '$patch: merge in a list', original: 'mergingList: [{name: a}]', patch: 'mergingList: [{name: a, $patch: merge}]', kind: 'server', message: 'merging lists cannot yet be specified in the patch' },
  { name: 'a field the type does not have', original: 'retainKeysMap: {name: foo, extra: {a: 1}}', patch: 'retainKeysMap: {extra: {a: 2}}', kind: 'server', message: 'unable to find api field in struct RetainKeysMergeItem for the json field "extra"' },
];

for (const f of failures) {
  test(`strategic merge refuses ${f.name}`, () => {
    assert.throws(() => smp(f.original, f.patch), (err: unknown) => {
      assert.ok(err instanceof SmpError);
      assert.equal(err.message, f.message);
      assert.equal(err.kind, f.kind);
      return true;
    });
  });
}

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {
    name: 'web', namespace: 'default', finalizers: ['a', 'b'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o1', uid: 'u1' }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'o2', uid: 'u2' }],
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }] },
          { name: 'sidecar', image: 'busybox' },
        ],
        tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }],
      },
    },
  },
});

/** Strategic merge patches on a Deployment, with the patch metadata of the built-in OpenAPI models. */
const deploymentCases: { name: string; patch: unknown; check: (d: any) => void }[] = [
  {
    name: 'a container patched by name keeps the other containers',
    patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } },
    check: (d) => assert.deepEqual(d.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['web=nginx:1.28', 'sidecar=busybox']),
  },
  {
    name: 'env merges by name',
    patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } } } },
    check: (d) => assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]),
  },
  {
    name: 'ports merge by containerPort',
    patch: { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443, name: 'https' }] }] } } } },
    check: (d) => assert.deepEqual(d.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP', name: 'https' }]),
  },
  {
    name: 'tolerations are atomic and replaced whole',
    patch: { spec: { template: { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } } } },
    check: (d) => assert.deepEqual(d.spec.template.spec.tolerations, [{ key: 'c', operator: 'Exists' }]),
  },
  {
    name: 'ownerReferences merge by uid',
    patch: { metadata: { ownerReferences: [{ uid: 'u2', name: 'renamed', apiVersion: 'v1', kind: 'ConfigMap' }] } },
    check: (d) => assert.deepEqual(d.metadata.ownerReferences.map((r: any) => `${r.uid}=${r.name}`), ['u1=o1', 'u2=renamed']),
  },
  {
    name: 'finalizers merge as a set',
    patch: { metadata: { finalizers: ['b', 'c'] } },
    check: (d) => assert.deepEqual(d.metadata.finalizers, ['a', 'b', 'c']),
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    check: (d) => assert.deepEqual(d.metadata.finalizers, ['b']),
  },
  {
    name: '$patch: delete removes a container',
    patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
    check: (d) => assert.deepEqual(d.spec.template.spec.containers.map((c: { name: string }) => c.name), ['web']),
  },
  {
    name: '$retainKeys on the strategy drops rollingUpdate when switching to Recreate',
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    check: (d) => assert.deepEqual(d.spec.strategy, { type: 'Recreate' }),
  },
  {
    name: '$setElementOrder reorders the containers',
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } } } },
    check: (d) => assert.deepEqual(d.spec.template.spec.containers.map((c: { name: string }) => c.name), ['sidecar', 'web']),
  },
  {
    name: 'a label map merges and null deletes a label',
    patch: { spec: { template: { metadata: { labels: { app: null, tier: 'front' } } } } },
    check: (d) => assert.deepEqual(d.spec.template.metadata.labels, { tier: 'front' }),
  },
];

for (const c of deploymentCases) {
  test(`strategic merge on a Deployment: ${c.name}`, () => {
    const res = applyPatch('strategic', deployment(), c.patch, 'V1Deployment');
    assert.ok('object' in res, JSON.stringify(res));
    c.check(res.object);
  });
}

test('strategic merge answers a missing merge key with upstream\'s 500 and a malformed directive with 400', () => {
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go interpretStrategicMergePatchError
  const missing = applyPatch('strategic', deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'V1Deployment');
  assert.ok('status' in missing);
  assert.equal(missing.status.code, 500);
  assert.equal(missing.status.reason, undefined);
  assert.equal(missing.status.message, 'map: map[image:x] does not contain declared merge key: name');
  const malformed = applyPatch('strategic', deployment(), { metadata: { '$deleteFromPrimitiveListfinalizers': ['a'] } }, 'V1Deployment');
  assert.ok('status' in malformed);
  assert.deepEqual([malformed.status.code, malformed.status.reason, malformed.status.message], [400, 'BadRequest', 'invalid patch format of primitive list']);
  const lists = applyPatch('strategic', { ...deployment(), metadata: { name: 'web', finalizers: [] } }, { metadata: { finalizers: [['x']] } }, 'V1Deployment');
  assert.ok('status' in lists);
  assert.deepEqual([lists.status.code, lists.status.reason, lists.status.message], [422, 'Invalid', 'the server rejected our request due to an error in our request']);
});

test('strategic merge of a custom resource is a 415 that lists the patch types custom resources accept', () => {
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/errors.go; CRDs accept no strategic merge patch.
  const res = applyPatch('strategic', deployment(), {}, undefined);
  assert.ok('status' in res);
  assert.equal(res.status.code, 415);
  assert.equal(res.status.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
});

test('a strategic merge body that is not a JSON object is a 400 in encoding/json\'s words', () => {
  const arr = applyPatch('strategic', deployment(), '[1]', 'V1Deployment');
  assert.ok('status' in arr);
  assert.equal(arr.status.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  const bad = applyPatch('strategic', deployment(), '{"spec": }', 'V1Deployment');
  assert.ok('status' in bad);
  assert.equal(bad.status.message, "invalid character '}' looking for beginning of value");
});
