/**
 * storage holds the printers.go handlers for volumes: persistent volumes and
 * claims (core group), storage classes, CSI drivers, CSI nodes and volume
 * attachments (storage.k8s.io).
 */
import { arr, get, has, optBool, optStr, rec, str, strMap } from './fields';
import { quantityString, since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

const NAME = col('Name', 'string', doc('ObjectMeta.name'), 0, 'name');
const AGE = col('Age', 'string', doc('ObjectMeta.creationTimestamp'));

/** BETA_STORAGE_CLASS_ANNOTATION is core.BetaStorageClassAnnotation, which wins over spec.storageClassName. */
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** accessModesAsString is helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
function accessModesAsString(modes: readonly unknown[]): string {
  const short: [string, string][] = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
  return short.filter(([mode]) => modes.includes(mode)).map(([, s]) => s).join(',');
}

/** storageClassOf is GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation first. */
function storageClassOf(obj: unknown): string {
  const annotations = strMap(obj, 'metadata', 'annotations');
  if (BETA_STORAGE_CLASS_ANNOTATION in annotations) return annotations[BETA_STORAGE_CLASS_ANNOTATION];
  return str(obj, 'spec', 'storageClassName');
}

/** phaseOf is the volume's phase, or Terminating once it is being deleted. */
function phaseOf(obj: unknown): string {
  return has(obj, 'metadata', 'deletionTimestamp') ? 'Terminating' : str(obj, 'status', 'phase');
}

/** persistentVolumePrinter is printPersistentVolume. */
export const persistentVolumePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Capacity', 'string', doc('PersistentVolumeSpec.capacity')),
    col('Access Modes', 'string', doc('PersistentVolumeSpec.accessModes')),
    col('Reclaim Policy', 'string', doc('PersistentVolumeSpec.persistentVolumeReclaimPolicy')),
    col('Status', 'string', doc('PersistentVolumeStatus.phase')),
    col('Claim', 'string', doc('PersistentVolumeSpec.claimRef')),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', doc('PersistentVolumeStatus.reason')),
    AGE,
    col('VolumeMode', 'string', doc('PersistentVolumeSpec.volumeMode'), 1),
  ],
  print(pv, now) {
    const claimRef = get(pv, 'spec', 'claimRef');
    const claim = has(claimRef) ? `${str(claimRef, 'namespace')}/${str(claimRef, 'name')}` : '';
    return {
      cells: [
        str(pv, 'metadata', 'name'), quantityString(rec(pv, 'spec', 'capacity').storage), accessModesAsString(arr(pv, 'spec', 'accessModes')),
        str(pv, 'spec', 'persistentVolumeReclaimPolicy'), phaseOf(pv), claim, storageClassOf(pv), optStr(pv, 'spec', 'volumeAttributesClassName') ?? '<unset>',
        str(pv, 'status', 'reason'), since(pv.metadata.creationTimestamp, now), optStr(pv, 'spec', 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

/** persistentVolumeClaimPrinter is printPersistentVolumeClaim: CAPACITY and ACCESS MODES come from status once bound to a volume. */
export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', doc('PersistentVolumeClaimStatus.phase')),
    col('Volume', 'string', doc('PersistentVolumeClaimSpec.volumeName')),
    col('Capacity', 'string', doc('PersistentVolumeClaimStatus.capacity')),
    col('Access Modes', 'string', doc('PersistentVolumeClaimStatus.accessModes')),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    col('VolumeMode', 'string', doc('PersistentVolumeClaimSpec.volumeMode'), 1),
  ],
  print(pvc, now) {
    const volumeName = str(pvc, 'spec', 'volumeName');
    const bound = volumeName !== '';
    return {
      cells: [
        str(pvc, 'metadata', 'name'), phaseOf(pvc), volumeName, bound ? quantityString(rec(pvc, 'status', 'capacity').storage) : '',
        bound ? accessModesAsString(arr(pvc, 'status', 'accessModes')) : '', storageClassOf(pvc), optStr(pvc, 'spec', 'volumeAttributesClassName') ?? '<unset>',
        since(pvc.metadata.creationTimestamp, now), optStr(pvc, 'spec', 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

/** isDefaultStorageClass is storageutil.IsDefaultAnnotation: the GA or beta is-default-class annotation is "true". */
function isDefaultStorageClass(sc: unknown): boolean {
  const annotations = strMap(sc, 'metadata', 'annotations');
  return annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** storageClassPrinter is printStorageClass: the default class's NAME ends ` (default)`. */
export const storageClassPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Provisioner', 'string', doc('StorageClass.provisioner')),
    col('ReclaimPolicy', 'string', doc('StorageClass.reclaimPolicy')),
    col('VolumeBindingMode', 'string', doc('StorageClass.volumeBindingMode')),
    col('AllowVolumeExpansion', 'string', doc('StorageClass.allowVolumeExpansion')),
    AGE,
  ],
  print: (sc, now) => ({
    cells: [
      `${str(sc, 'metadata', 'name')}${isDefaultStorageClass(sc) ? ' (default)' : ''}`, str(sc, 'provisioner'), optStr(sc, 'reclaimPolicy') ?? 'Delete',
      optStr(sc, 'volumeBindingMode') ?? 'Immediate', optBool(sc, 'allowVolumeExpansion') ?? false, since(sc.metadata.creationTimestamp, now),
    ],
  }),
};

/** csiDriverPrinter is printCSIDriver: unset booleans print their defaults, TOKENREQUESTS `<unset>` when nil. */
export const csiDriverPrinter: TablePrinter = {
  columns: [
    NAME,
    col('AttachRequired', 'boolean', doc('CSIDriverSpec.attachRequired')),
    col('PodInfoOnMount', 'boolean', doc('CSIDriverSpec.podInfoOnMount')),
    col('StorageCapacity', 'boolean', doc('CSIDriverSpec.storageCapacity')),
    col('TokenRequests', 'string', doc('CSIDriverSpec.tokenRequests')),
    col('RequiresRepublish', 'boolean', doc('CSIDriverSpec.requiresRepublish')),
    col('Modes', 'string', doc('CSIDriverSpec.volumeLifecycleModes')),
    AGE,
  ],
  print(d, now) {
    const tokenRequests = get(d, 'spec', 'tokenRequests');
    return {
      cells: [
        str(d, 'metadata', 'name'), optBool(d, 'spec', 'attachRequired') ?? true, optBool(d, 'spec', 'podInfoOnMount') ?? false, optBool(d, 'spec', 'storageCapacity') ?? false,
        Array.isArray(tokenRequests) ? tokenRequests.map((t) => str(t, 'audience')).join(',') : '<unset>', optBool(d, 'spec', 'requiresRepublish') ?? false,
        arr(d, 'spec', 'volumeLifecycleModes').map(String).join(',') || '<none>', since(d.metadata.creationTimestamp, now),
      ],
    };
  },
};

/** csiNodePrinter is printCSINode: DRIVERS counts the drivers registered on the node. */
export const csiNodePrinter: TablePrinter = {
  columns: [NAME, col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), AGE],
  print: (n, now) => ({ cells: [str(n, 'metadata', 'name'), arr(n, 'spec', 'drivers').length, since(n.metadata.creationTimestamp, now)] }),
};

/** volumeAttachmentPrinter is printVolumeAttachment; upstream gives ATTACHER the `name` format too. */
export const volumeAttachmentPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Attacher', 'string', doc('VolumeAttachmentSpec.attacher'), 0, 'name'),
    col('PV', 'string', doc('VolumeAttachmentSource.persistentVolumeName')),
    col('Node', 'string', doc('VolumeAttachmentSpec.nodeName')),
    col('Attached', 'boolean', doc('VolumeAttachmentStatus.attached')),
    AGE,
  ],
  print: (va, now) => ({
    cells: [
      str(va, 'metadata', 'name'), str(va, 'spec', 'attacher'), str(va, 'spec', 'source', 'persistentVolumeName'), str(va, 'spec', 'nodeName'),
      get(va, 'status', 'attached') === true, since(va.metadata.creationTimestamp, now),
    ],
  }),
};
