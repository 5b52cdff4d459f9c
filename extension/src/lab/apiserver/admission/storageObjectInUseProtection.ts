/**
 * StorageObjectInUseProtection puts a protection finalizer on every new
 * PersistentVolume, PersistentVolumeClaim and VolumeAttributesClass
 * (plugin/pkg/admission/storage/storageobjectinuseprotection), so deleting one
 * that a pod or claim still uses only marks it; the protection controllers
 * remove the finalizer once nothing uses it.
 */
import type { Status } from '../../api/types';
import type { AdmissionPlugin, Attributes } from './admission';
import { STORAGE_OBJECT_IN_USE_PROTECTION } from './names';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
export const VAC_PROTECTION_FINALIZER = 'kubernetes.io/vac-protection';

const FINALIZERS: Record<string, string> = {
  '/persistentvolumeclaims': PVC_PROTECTION_FINALIZER,
  '/persistentvolumes': PV_PROTECTION_FINALIZER,
  'storage.k8s.io/volumeattributesclasses': VAC_PROTECTION_FINALIZER,
};

/** finalizerFor is the finalizer a request's new object gets, if the plugin acts on it: creates of the protected resources. */
function finalizerFor(a: Attributes): string | undefined {
  return a.operation !== 'CREATE' || a.subresource || !a.object ? undefined : FINALIZERS[`${a.type.group}/${a.type.resource}`];
}

/** storageObjectInUseProtection is the StorageObjectInUseProtection plugin. */
export const storageObjectInUseProtection = {
  name: STORAGE_OBJECT_IN_USE_PROTECTION,
  admit(a: Attributes): Status | undefined {
    const finalizer = finalizerFor(a);
    if (finalizer === undefined || !a.object) return undefined;
    const meta = a.object.metadata;
    if (!meta.finalizers?.includes(finalizer)) meta.finalizers = [...(meta.finalizers ?? []), finalizer];
    return undefined;
  },
  mutates: (a: Attributes) => finalizerFor(a) !== undefined,
} satisfies AdmissionPlugin;
