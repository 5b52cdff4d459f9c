import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeList, KubeObject } from '../../api/types';
import { builtinResources } from '../registry';
import { ResourceTable } from '../resources';
import { isPartialObjectMetadata, partialObjectMetadataConvertor } from './partialObjectMetadata';
import type { TableConvertOptions } from './response';

const table = new ResourceTable(builtinResources);
const options = (version: 'v1' | 'v1beta1' = 'v1'): TableConvertOptions => ({ version, includeObject: 'None', noHeaders: false, endpoint: { group: '', version: 'v1', resource: 'configmaps', subresource: '' } });
const cm: KubeObject = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', namespace: 'x', resourceVersion: '7', labels: { k: 'v' } }, data: { big: 'x' } };
const list: KubeList = { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '9', continue: 'c' }, items: [cm] };

test('an object is its metadata alone', () => {
  assert.deepEqual(partialObjectMetadataConvertor(table, 'PartialObjectMetadata')(cm, options()), { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata });
});

test('a list keeps its resourceVersion and continue, and each item is a PartialObjectMetadata', () => {
  assert.deepEqual(partialObjectMetadataConvertor(table, 'PartialObjectMetadataList')(list, options('v1beta1')), {
    kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1beta1', metadata: { resourceVersion: '9', continue: 'c' },
    items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: cm.metadata }],
  });
  assert.equal((partialObjectMetadataConvertor(table, 'PartialObjectMetadataList')({ ...list, items: [] }, options()) as { items: unknown }).items, null);
});

test('asking for the other shape is 406 with upstream\'s message', () => {
  assert.deepEqual(partialObjectMetadataConvertor(table, 'PartialObjectMetadata')(list, options()), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotAcceptable', code: 406,
    message: 'you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)',
  });
  assert.equal((partialObjectMetadataConvertor(table, 'PartialObjectMetadataList')(cm, options()) as { message: string }).message,
    'you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)');
});

test('the conversions are meta.k8s.io v1 and v1beta1 only', () => {
  assert.ok(isPartialObjectMetadata({ kind: 'PartialObjectMetadataList', group: 'meta.k8s.io', version: 'v1beta1' }));
  assert.ok(!isPartialObjectMetadata({ kind: 'PartialObjectMetadata', group: 'meta.k8s.io', version: 'v2' }));
  assert.ok(!isPartialObjectMetadata({ kind: 'Table', group: 'meta.k8s.io', version: 'v1' }));
});
