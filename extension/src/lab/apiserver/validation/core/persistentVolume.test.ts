/**
 * PersistentVolume and PersistentVolumeClaim validation with
 * pkg/apis/core/validation/validation.go's messages (ValidatePersistentVolumeSpec,
 * ValidatePersistentVolumeClaimSpec and their updates) and their v1 defaults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { defaultPersistentVolume, defaultPersistentVolumeClaim } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { validatePersistentVolume, validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate, validatePersistentVolumeUpdate } from './persistentVolume';

const pv = (spec: Record<string, unknown>) => {
  const v = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec } as KubeObject;
  defaultPersistentVolume(v);
  return v;
};
const pvc = (spec: Record<string, unknown>, status?: Record<string, unknown>) => {
  const c = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec, ...(status ? { status } : {}) } as KubeObject;
  defaultPersistentVolumeClaim(c);
  return c;
};

const good = { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/data' } };

test('persistent volume defaults: Retain, Filesystem, Pending', () => {
  const v = pv(good);
  assert.deepEqual([(v.spec as Record<string, unknown>).persistentVolumeReclaimPolicy, (v.spec as Record<string, unknown>).volumeMode, (v.status as Record<string, unknown>).phase], ['Retain', 'Filesystem', 'Pending']);
});

const volumes: { name: string; spec: Record<string, unknown>; errors: string[] }[] = [
  { name: 'a host path volume', spec: good, errors: [] },
  { name: 'no access modes and no source', spec: { capacity: { storage: '1Gi' } }, errors: ['spec.accessModes: Required value', 'spec: Required value: must specify a volume type'] },
  { name: 'ReadWriteOncePod with others', spec: { ...good, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }, errors: ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes'] },
  { name: 'a zero capacity', spec: { ...good, capacity: { storage: '0' } }, errors: ['spec.capacity[storage]: Invalid value: "0": must be greater than zero'] },
  { name: 'two sources', spec: { ...good, nfs: { server: 'nfs', path: '/x' } }, errors: ['spec.nfs: Forbidden: may not specify more than 1 volume type'] },
  { name: 'a local volume without node affinity', spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, local: { path: '/mnt/disk' } }, errors: ['spec.nodeAffinity: Required value: Local volume requires node affinity'] },
  { name: 'an unknown reclaim policy', spec: { ...good, persistentVolumeReclaimPolicy: 'Keep' }, errors: ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"'] },
];

for (const c of volumes) test(`persistent volume: ${c.name}`, () => assert.deepEqual(validatePersistentVolume(pv(c.spec)).map(fieldErrorText), c.errors));

test('persistent volume: the source is immutable', () => {
  const errs = validatePersistentVolumeUpdate(pv({ ...good, hostPath: { path: '/other' } }), pv(good));
  assert.deepEqual(errs.map((e) => [e.field, e.type, e.detail?.split('\n')[0]]), [['spec.persistentvolumesource', 'FieldValueForbidden', 'spec.persistentvolumesource is immutable after creation']]);
});

const claim = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

const claims: { name: string; spec: Record<string, unknown>; errors: string[] }[] = [
  { name: 'a valid claim', spec: claim, errors: [] },
  { name: 'no access modes nor storage request', spec: {}, errors: ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value'] },
  { name: 'an unknown access mode', spec: { ...claim, accessModes: ['ReadWriteAll'] }, errors: ['spec.accessModes: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'] },
  { name: 'a zero request', spec: { ...claim, resources: { requests: { storage: '0' } } }, errors: ['spec.resources[storage]: Invalid value: "0": must be greater than zero'] },
  { name: 'a data source of the default group that is not a claim', spec: { ...claim, dataSource: { kind: 'Snapshot', name: 's' } }, errors: ["spec.dataSource: Invalid value: \"Snapshot\": must be 'PersistentVolumeClaim' when referencing the default apiGroup"] },
];

for (const c of claims) test(`persistent volume claim: ${c.name}`, () => assert.deepEqual(validatePersistentVolumeClaim(pvc(c.spec)).map(fieldErrorText), c.errors));

test('persistent volume claim: the spec is fixed but for a growing request on a bound claim and a first volumeName', () => {
  const old = pvc(claim, { phase: 'Bound', capacity: { storage: '1Gi' } });
  assert.deepEqual(validatePersistentVolumeClaimUpdate(pvc({ ...claim, volumeName: 'pv1', resources: { requests: { storage: '2Gi' } } }, { phase: 'Bound' }), old), []);
  const errs = validatePersistentVolumeClaimUpdate(pvc({ ...claim, accessModes: ['ReadWriteMany'] }, { phase: 'Bound' }), old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']]);
  const shrunk = validatePersistentVolumeClaimUpdate(pvc({ ...claim, resources: { requests: { storage: '512Mi' } } }, { phase: 'Bound' }), old);
  assert.deepEqual(shrunk.map(fieldErrorText), ['spec.resources.requests.storage: Forbidden: field can not be less than status.capacity']);
});
