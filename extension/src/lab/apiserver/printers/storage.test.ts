/**
 * Volume printers against kubernetes/kubernetes pkg/printers/internalversion/printers_test.go
 * (TestPrintPersistentVolume, TestPrintPersistentVolumeClaim, TestPrintStorageClass)
 * and printCSIDriver, printCSINode, printVolumeAttachment of printers.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import {
  csiDriverPrinter, csiNodePrinter, persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter, volumeAttachmentPrinter,
} from './storage';
import { MINUTE, ago, cells, columnNames, obj } from './testing';
import type { Cell, TablePrinter } from './table';

function check(printer: TablePrinter, cases: [string, KubeObject, Cell[]][]): void {
  for (const [name, o, want] of cases) assert.deepEqual(cells(printer, o), want, name);
}

const claimRef = { name: 'test', namespace: 'default' };

test('printPersistentVolume', () => {
  const pv = (name: string, spec: Record<string, unknown>, phase: string, metadata: Record<string, unknown> = {}) => obj(name, undefined, { metadata, spec, status: { phase } });
  check(persistentVolumePrinter, [
    ['bound', pv('test1', { claimRef, accessModes: ['ReadOnlyMany'], capacity: { storage: '4Gi' } }, 'Bound'), ['test1', '4Gi', 'ROX', '', 'Bound', 'default/test', '', '<unset>', '', '<unknown>', '<unset>']],
    ['failed', pv('test2', { claimRef, accessModes: ['ReadOnlyMany'], capacity: { storage: '4Gi' } }, 'Failed'), ['test2', '4Gi', 'ROX', '', 'Failed', 'default/test', '', '<unset>', '', '<unknown>', '<unset>']],
    ['storage class and attributes class', pv('test4', { claimRef, storageClassName: 'my-scn', volumeAttributesClassName: 'my-vacn', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } }, 'Pending'), ['test4', '10Gi', 'RWO', '', 'Pending', 'default/test', 'my-scn', 'my-vacn', '', '<unknown>', '<unset>']],
    ['a provisioned volume', obj('pvc-1', ago(5 * MINUTE), { spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce', 'ReadWriteOncePod'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeMode: 'Filesystem' }, status: { phase: 'Released', reason: 'Reclaiming' } }),
      ['pvc-1', '1Gi', 'RWO,RWX,RWOP', 'Delete', 'Released', '', 'standard', '<unset>', 'Reclaiming', '5m', 'Filesystem']],
    ['the beta annotation wins, deletion is Terminating', pv('old', { storageClassName: 'new' }, 'Bound', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' }, deletionTimestamp: ago(0) }), ['old', '0', '', '', 'Terminating', '', 'legacy', '<unset>', '', '<unknown>', '<unset>']],
  ]);
  assert.deepEqual(columnNames(persistentVolumePrinter), ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode:1']);
});

test('printPersistentVolumeClaim: capacity and modes only once bound to a volume', () => {
  const pvc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>) => obj(name, undefined, { spec, status });
  const rox4 = { accessModes: ['ReadOnlyMany'], capacity: { storage: '4Gi' } };
  check(persistentVolumeClaimPrinter, [
    ['bound', pvc('test1', { volumeName: 'my-volume', volumeMode: 'Filesystem' }, { phase: 'Bound', ...rox4 }), ['test1', 'Bound', 'my-volume', '4Gi', 'ROX', '', '<unset>', '<unknown>', 'Filesystem']],
    ['lost without a volume', pvc('test2', { volumeMode: 'Filesystem' }, { phase: 'Lost', ...rox4 }), ['test2', 'Lost', '', '', '', '', '<unset>', '<unknown>', 'Filesystem']],
    ['storage class', pvc('test4', { volumeName: 'my-volume', storageClassName: 'my-scn', volumeMode: 'Filesystem' }, { phase: 'Pending', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } }), ['test4', 'Pending', 'my-volume', '10Gi', 'RWO', 'my-scn', '<unset>', '<unknown>', 'Filesystem']],
    ['attributes class, no volume mode', pvc('test5', { volumeName: 'my-volume', storageClassName: 'my-scn', volumeAttributesClassName: 'my-vacn' }, { phase: 'Pending', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } }), ['test5', 'Pending', 'my-volume', '10Gi', 'RWO', 'my-scn', 'my-vacn', '<unknown>', '<unset>']],
  ]);
});

test('printStorageClass: defaults for unset policy and mode, (default) on the default class', () => {
  check(storageClassPrinter, [
    ['unset fields', obj('sc1', ago(-1900), { provisioner: 'kubernetes.io/glusterfs' }), ['sc1', 'kubernetes.io/glusterfs', 'Delete', 'Immediate', false, '0s']],
    ['retain, wait, expandable', obj('sc6', ago(5 * MINUTE), { provisioner: 'kubernetes.io/nfs', reclaimPolicy: 'Retain', allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer' }), ['sc6', 'kubernetes.io/nfs', 'Retain', 'WaitForFirstConsumer', true, '5m']],
    ['the default class', obj('standard', ago(5 * MINUTE), { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' }), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '5m']],
    ['the beta default annotation', obj('old', ago(5 * MINUTE), { metadata: { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }, provisioner: 'p' }), ['old (default)', 'p', 'Delete', 'Immediate', false, '5m']],
  ]);
});

test('printCSIDriver, printCSINode, printVolumeAttachment', () => {
  check(csiDriverPrinter, [
    ['empty spec prints defaults', obj('hostpath.csi.k8s.io', ago(-1900), { spec: {} }), ['hostpath.csi.k8s.io', true, false, false, '<unset>', false, '<none>', '0s']],
    ['everything set', obj('d', ago(-1900), { spec: { attachRequired: false, podInfoOnMount: true, storageCapacity: true, tokenRequests: [{ audience: 'a' }, { audience: 'b' }], requiresRepublish: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] } }), ['d', false, true, true, 'a,b', true, 'Persistent,Ephemeral', '0s']],
  ]);
  check(csiNodePrinter, [['two drivers', obj('node-1', ago(-1900), { spec: { drivers: [{ name: 'a' }, { name: 'b' }] } }), ['node-1', 2, '0s']]]);
  check(volumeAttachmentPrinter, [
    ['attached', obj('csi-123', ago(-1900), { spec: { attacher: 'hostpath.csi.k8s.io', source: { persistentVolumeName: 'pv-1' }, nodeName: 'node-1' }, status: { attached: true } }), ['csi-123', 'hostpath.csi.k8s.io', 'pv-1', 'node-1', true, '0s']],
    ['inline source', obj('csi-456', ago(-1900), { spec: { attacher: 'a', source: { inlineVolumeSpec: {} }, nodeName: 'n' } }), ['csi-456', 'a', '', 'n', false, '0s']],
  ]);
  assert.equal(volumeAttachmentPrinter.columns[1].format, 'name');
});
