import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { storageObjectInUseProtection } from './storageObjectInUseProtection';
import { attributes } from './testing';

// Finalizers from pkg/volume/util (PVCProtectionFinalizer, PVProtectionFinalizer).
const cases: { kind: string; finalizers?: string[]; want: string[] | undefined; operation?: 'CREATE' | 'UPDATE' }[] = [
  { kind: 'PersistentVolumeClaim', want: ['kubernetes.io/pvc-protection'] },
  { kind: 'PersistentVolume', finalizers: ['example.com/keep'], want: ['example.com/keep', 'kubernetes.io/pv-protection'] },
  { kind: 'PersistentVolumeClaim', finalizers: ['kubernetes.io/pvc-protection'], want: ['kubernetes.io/pvc-protection'] },
  { kind: 'PersistentVolumeClaim', operation: 'UPDATE', want: undefined },
  { kind: 'ConfigMap', want: undefined },
];

for (const c of cases) {
  test(`StorageObjectInUseProtection on ${c.operation ?? 'CREATE'} of a ${c.kind} with ${JSON.stringify(c.finalizers ?? [])}`, () => {
    const obj: KubeObject = { apiVersion: 'v1', kind: c.kind, metadata: { name: 'x', namespace: 'default', ...(c.finalizers ? { finalizers: [...c.finalizers] } : {}) } };
    storageObjectInUseProtection.admit(attributes({ kind: c.kind, operation: c.operation, object: obj, ...(c.operation === 'UPDATE' ? { oldObject: obj } : {}) }));
    assert.deepEqual(obj.metadata.finalizers, c.want);
  });
}
