/**
 * Messages come from pkg/apis/storage/validation/validation.go (ValidateStorageClass(Update),
 * ValidateCSIDriver(Update), ValidateCSINode, ValidateVolumeAttachment) and defaults
 * from pkg/apis/storage/v1/defaults.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCSIDriver, defaultStorageClass } from '../defaulting/storage';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { validateCSIDriver, validateCSIDriverUpdate, validateCSINode, validateStorageClass, validateStorageClassUpdate, validateVolumeAttachment, validateVolumeAttachmentUpdate } from './storage';
import type { CSIDriver, StorageClass, VolumeAttachment } from './types/storage';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const sc = (fields: Partial<StorageClass>): StorageClass => {
  const obj = { metadata: { name: 'standard' }, ...fields } as StorageClass;
  defaultStorageClass(obj);
  return obj;
};

test('storageclass defaults reclaimPolicy Delete and volumeBindingMode Immediate', () => {
  const obj = sc({ provisioner: 'kubelab.dev/hostpath' });
  assert.equal(obj.reclaimPolicy, 'Delete');
  assert.equal(obj.volumeBindingMode, 'Immediate');
  assert.deepEqual(texts(validateStorageClass(obj)), []);
});

const cases: { name: string; fields: Partial<StorageClass>; want: string[] }[] = [
  { name: 'requires a provisioner', fields: {}, want: ['provisioner: Required value'] },
  {
    name: 'the provisioner is a qualified name',
    fields: { provisioner: 'kubelab.dev/host path' },
    want: ["provisioner: Invalid value: \"kubelab.dev/host path\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
  },
  { name: 'rejects an unknown reclaim policy', fields: { provisioner: 'p.io/x', reclaimPolicy: 'Recycle' }, want: ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"'] },
  { name: 'rejects an unknown binding mode', fields: { provisioner: 'p.io/x', volumeBindingMode: 'Later' }, want: ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"'] },
  { name: 'parameter keys may not be empty', fields: { provisioner: 'p.io/x', parameters: { '': 'x' } }, want: ['parameters: Invalid value: "": field can not be empty.'] },
];

for (const c of cases) {
  test(`storageclass: ${c.name}`, () => {
    assert.deepEqual(texts(validateStorageClass(sc(c.fields))), c.want);
  });
}

test('storageclass update: parameters, provisioner, reclaim policy and binding mode are fixed', () => {
  const old = sc({ provisioner: 'p.io/x', parameters: { type: 'ssd' } });
  const next = sc({ provisioner: 'p.io/y', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual(texts(validateStorageClassUpdate(next, old)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
  assert.deepEqual(texts(validateStorageClassUpdate(sc({ provisioner: 'p.io/x', parameters: { type: 'ssd' }, allowVolumeExpansion: true }), old)), []);
});

const driver = (name: string, spec: Record<string, unknown> = {}): CSIDriver => {
  const d = { metadata: { name }, spec } as CSIDriver;
  defaultCSIDriver(d);
  return d;
};

test('csidriver: defaults, lifecycle modes, token requests and immutability', () => {
  const d = driver('hostpath.csi.k8s.io');
  assert.deepEqual({ ...d.spec }, { attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType', volumeLifecycleModes: ['Persistent'], requiresRepublish: false, seLinuxMount: false });
  assert.deepEqual(texts(validateCSIDriver(d)), []);
  assert.deepEqual(texts(validateCSIDriver(driver('hostpath.csi.k8s.io', { volumeLifecycleModes: ['Forever'], tokenRequests: [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }] }))), [
    'spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    'spec.tokenRequests[1].audience: Duplicate value: "a"',
    'spec.volumeLifecycleModes[0]: Unsupported value: "Forever": supported values: "Ephemeral", "Persistent"',
  ]);
  assert.deepEqual(texts(validateCSIDriverUpdate(driver('hostpath.csi.k8s.io', { attachRequired: false }), d)), ['spec.attachedRequired: Invalid value: false: field is immutable']);
});

test('csinode: drivers are named once and carry a node ID', () => {
  const node = { metadata: { name: 'node-1' }, spec: { drivers: [{ name: 'hostpath.csi.k8s.io', nodeID: 'node-1' }, { name: 'hostpath.csi.k8s.io', nodeID: '' }] } };
  assert.deepEqual(texts(validateCSINode(node)), ['spec.drivers[1].nodeID: Required value', 'spec.drivers[1].name: Duplicate value: "hostpath.csi.k8s.io"']);
});

const va = (spec: Record<string, unknown>): VolumeAttachment => ({ metadata: { name: 'csi-123' }, spec });

test('volumeattachment: an attacher, exactly one source, and a node', () => {
  assert.deepEqual(texts(validateVolumeAttachment(va({ attacher: 'hostpath.csi.k8s.io', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } }))), []);
  assert.deepEqual(texts(validateVolumeAttachment(va({ source: {} }))), [
    'spec.attacher: Required value',
    'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
    "spec.nodeName: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(texts(validateVolumeAttachment(va({ attacher: 'hostpath.csi.k8s.io', nodeName: 'n', source: { persistentVolumeName: 'pv', inlineVolumeSpec: {} } }))), ['spec.source: Forbidden: must specify exactly one of inlineVolumeSpec and persistentVolumeName']);
  const old = va({ attacher: 'hostpath.csi.k8s.io', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } });
  assert.deepEqual(texts(validateVolumeAttachmentUpdate(va({ attacher: 'hostpath.csi.k8s.io', nodeName: 'node-2', source: { persistentVolumeName: 'pv-1' } }), old)), ['spec: Invalid value: {"attacher":"hostpath.csi.k8s.io","nodeName":"node-2","source":{"persistentVolumeName":"pv-1"}}: field is immutable']);
});
