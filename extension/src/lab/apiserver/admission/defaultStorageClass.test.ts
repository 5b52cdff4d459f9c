import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { newDefaultStorageClass } from './defaultStorageClass';
import { FakeServer, attributes } from './testing';

const sc = (name: string, created: string, isDefault?: 'ga' | 'beta'): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'lab', metadata: {
    name, creationTimestamp: created,
    ...(isDefault ? { annotations: { [isDefault === 'ga' ? 'storageclass.kubernetes.io/is-default-class' : 'storageclass.beta.kubernetes.io/is-default-class']: 'true' } } : {}),
  },
});
const claim = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec: { resources: { requests: { storage: '1Gi' } }, ...spec } });

// Choice from pkg/volume/util (GetDefaultClass): newest default first, then name.
const cases: { name: string; classes: KubeObject[]; claim: KubeObject; want: string | undefined }[] = [
  { name: 'gives a class-less claim the default', classes: [sc('slow', '2026-01-01T00:00:00Z'), sc('standard', '2026-01-01T00:00:00Z', 'ga')], claim: claim(), want: 'standard' },
  { name: 'honours the beta default annotation', classes: [sc('old', '2026-01-01T00:00:00Z', 'beta')], claim: claim(), want: 'old' },
  { name: 'picks the newest of two defaults', classes: [sc('a', '2026-01-01T00:00:00Z', 'ga'), sc('b', '2026-02-01T00:00:00Z', 'ga')], claim: claim(), want: 'b' },
  { name: 'breaks a tie by name', classes: [sc('zeta', '2026-01-01T00:00:00Z', 'ga'), sc('alpha', '2026-01-01T00:00:00Z', 'ga')], claim: claim(), want: 'alpha' },
  { name: 'does nothing without a default', classes: [sc('slow', '2026-01-01T00:00:00Z')], claim: claim(), want: undefined },
  { name: 'keeps an explicit empty class', classes: [sc('standard', '2026-01-01T00:00:00Z', 'ga')], claim: claim({ storageClassName: '' }), want: '' },
  { name: 'keeps a class named by the beta annotation', classes: [sc('standard', '2026-01-01T00:00:00Z', 'ga')], claim: claim({}, { 'volume.beta.kubernetes.io/storage-class': 'fast' }), want: undefined },
];

for (const c of cases) {
  test(`DefaultStorageClass ${c.name}`, async () => {
    await newDefaultStorageClass().admit!(attributes({ kind: 'PersistentVolumeClaim', object: c.claim }), new FakeServer(c.classes).context());
    assert.equal((c.claim.spec as { storageClassName?: string }).storageClassName, c.want);
  });
}

test('DefaultStorageClass notices a new default class', async () => {
  const server = new FakeServer([sc('a', '2026-01-01T00:00:00Z', 'ga')]);
  const plugin = newDefaultStorageClass();
  const first = claim();
  await plugin.admit!(attributes({ kind: 'PersistentVolumeClaim', object: first }), server.context());
  server.add(sc('b', '2026-03-01T00:00:00Z', 'ga'));
  const second = claim();
  await plugin.admit!(attributes({ kind: 'PersistentVolumeClaim', object: second }), server.context());
  assert.deepEqual([(first.spec as { storageClassName: string }).storageClassName, (second.spec as { storageClassName: string }).storageClassName], ['a', 'b']);
});
