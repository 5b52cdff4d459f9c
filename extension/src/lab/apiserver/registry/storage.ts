/** storage is the `storage.k8s.io/v1` group: storageclasses, csidrivers, csinodes and volumeattachments (with status). */
import type { KubeObject } from '../../api/types';
import { defaultCSIDriver, defaultStorageClass } from '../defaulting/storage';
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec, resetObjectMetaForStatus } from '../strategy';
import { subdomainName } from '../validation/objectMeta';
import {
  validateCSIDriver, validateCSIDriverUpdate, validateCSINode, validateStorageClass, validateStorageClassUpdate, validateVolumeAttachment, validateVolumeAttachmentUpdate,
} from '../validation/storage';
import type { CSIDriver, CSINode, StorageClass, VolumeAttachment } from '../validation/types/storage';

const group = 'storage.k8s.io';

const storageClassStrategy: Strategy<StorageClass> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  defaults: defaultStorageClass,
  returnDeletedObject: true,
  validate: validateStorageClass,
  validateUpdate: (sc, old) => [...validateStorageClass(sc), ...validateStorageClassUpdate(sc, old)],
};

const csiDriverStrategy: Strategy<CSIDriver> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: false,
  defaults: defaultCSIDriver,
  validate: validateCSIDriver,
  validateUpdate: validateCSIDriverUpdate,
};

const csiNodeStrategy: Strategy<CSINode> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  validate: validateCSINode,
  validateUpdate: validateCSINode,
};

const volumeAttachmentStrategy: Strategy<VolumeAttachment> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: true,
  prepareForCreate(va) {
    va.status = { attached: false };
  },
  prepareForUpdate(va, old) {
    (va as KubeObject).status = old.status;
  },
  prepareForStatusUpdate(va, old) {
    keepSpec(va, old);
    resetObjectMetaForStatus(va, old);
  },
  statusResetFields: [['metadata'], ['spec']],
  allowUnconditionalUpdate: false,
  validate: validateVolumeAttachment,
  validateUpdate: validateVolumeAttachmentUpdate,
  validateStatusUpdate: validateVolumeAttachmentUpdate,
};

export const storageResources: readonly ResourceType[] = [
  def({ group, version: 'v1', resource: 'storageclasses', kind: 'StorageClass', singularName: 'storageclass', namespaced: false, shortNames: ['sc'], subresources: [], strategy: storageClassStrategy }),
  def({ group, version: 'v1', resource: 'csidrivers', kind: 'CSIDriver', singularName: 'csidriver', namespaced: false, subresources: [], strategy: csiDriverStrategy }),
  def({ group, version: 'v1', resource: 'csinodes', kind: 'CSINode', singularName: 'csinode', namespaced: false, subresources: [], strategy: csiNodeStrategy }),
  def({ group, version: 'v1', resource: 'volumeattachments', kind: 'VolumeAttachment', singularName: 'volumeattachment', namespaced: false, subresources: ['status'], strategy: volumeAttachmentStrategy }),
];
