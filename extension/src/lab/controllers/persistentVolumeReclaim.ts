/**
 * persistentVolumeReclaim decides what reclaiming a released volume means, as
 * the PV controller's reclaimVolume with the volume plugins kube-controller-manager
 * carries: Retain keeps it, Delete hands a provisioned volume (or a CSI one) to
 * its external provisioner and otherwise needs an in-tree deleter — only
 * hostPath under /tmp has one — and Recycle scrubs hostPath and NFS volumes.
 * The lab's recycler finishes at once, without upstream's recycler pod.
 */
import { ANN_DYNAMICALLY_PROVISIONED, type PersistentVolume } from './persistentVolumeUtil';

/** ReclaimAction is what the controller does with a released volume. */
export type ReclaimAction =
  | { kind: 'retain' }
  | { kind: 'external' }
  | { kind: 'delete' }
  | { kind: 'recycled' }
  | { kind: 'failed'; reason: 'VolumeFailedDelete' | 'VolumeFailedRecycle' | 'VolumeUnknownReclaimPolicy'; message: string };

/** HOST_PATH_DELETABLE is the hostPath deleter's only accepted place. */
const HOST_PATH_DELETABLE = /\/tmp\/.+/;

/** reclaimAction is the outcome of a released volume's reclaim policy. */
export function reclaimAction(volume: PersistentVolume): ReclaimAction {
  switch (volume.spec.persistentVolumeReclaimPolicy) {
    case 'Retain':
      return { kind: 'retain' };
    case 'Recycle':
      if (volume.spec.hostPath || volume.spec.nfs) return { kind: 'recycled' };
      return { kind: 'failed', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' };
    case 'Delete':
      return deleteAction(volume);
    default:
      return { kind: 'failed', reason: 'VolumeUnknownReclaimPolicy', message: 'Volume has unrecognized PersistentVolumeReclaimPolicy' };
  }
}

/** deleteAction is findDeletablePlugin then the deleter: external provisioners delete their own volumes. */
function deleteAction(volume: PersistentVolume): ReclaimAction {
  const provisionedBy = volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
  if (provisionedBy && !provisionedBy.startsWith('kubernetes.io/')) return { kind: 'external' };
  if (volume.spec.csi) return { kind: 'external' };
  const hostPath = volume.spec.hostPath?.path;
  if (hostPath !== undefined) {
    if (HOST_PATH_DELETABLE.test(hostPath)) return { kind: 'delete' };
    return { kind: 'failed', reason: 'VolumeFailedDelete', message: `host_path deleter only supports /tmp/.+ but received provided ${hostPath}` };
  }
  return { kind: 'failed', reason: 'VolumeFailedDelete', message: `error getting deleter volume plugin for volume "${volume.metadata.name ?? ''}": no deletable volume plugin matched` };
}
