/** storage applies pkg/apis/storage/v1/defaults.go to StorageClasses and CSIDrivers. */
import type { CSIDriver, StorageClass } from '../validation/types/storage';
import { struct } from './structs';

/** defaultStorageClass is SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

/** defaultCSIDriver is SetDefaults_CSIDriver. */
export function defaultCSIDriver(driver: CSIDriver): void {
  const spec = struct<NonNullable<CSIDriver['spec']>>(driver, 'spec');
  if (!spec) return;
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  spec.requiresRepublish ??= false;
  spec.seLinuxMount ??= false;
}
