/**
 * volumeListers are the storage objects the volume plugins read — claims,
 * volumes and classes — from the scheduler's informers (as upstream's listers),
 * or from fixed lists for tests; and the pod's claim-bearing volumes.
 */
import type { Pod } from '../../api/types';
import type { InformerFactory } from '../../client/informer';
import { PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, STORAGECLASSES } from '../../client/resources';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../controllers/persistentVolumeUtil';

/** StorageListers are read-only views of claims, volumes and classes. */
export interface StorageListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

/** storageListersOf reads the informers of factory; without one every lookup finds nothing. */
export function storageListersOf(factory: InformerFactory | undefined): StorageListers {
  if (!factory) return staticStorageListers({});
  const claims = factory.informer<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
  const volumes = factory.informer<PersistentVolume>(PERSISTENTVOLUMES);
  const classes = factory.informer<StorageClass>(STORAGECLASSES);
  return {
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    volume: (name) => volumes.get(name),
    volumes: () => volumes.list(),
    storageClass: (name) => classes.get(name),
  };
}

/** staticStorageListers serves fixed lists (tests, and pure callers such as the "why pending" view). */
export function staticStorageListers(objs: { claims?: PersistentVolumeClaim[]; volumes?: PersistentVolume[]; classes?: StorageClass[] }): StorageListers {
  const claims = new Map((objs.claims ?? []).map((c) => [`${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`, c]));
  const volumes = new Map((objs.volumes ?? []).map((v) => [v.metadata.name ?? '', v]));
  const classes = new Map((objs.classes ?? []).map((c) => [c.metadata.name ?? '', c]));
  return {
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    volume: (name) => volumes.get(name),
    volumes: () => [...volumes.values()],
    storageClass: (name) => classes.get(name),
  };
}

/** PodVolume is a pod's spec.volumes entry, typed for the sources the volume plugins read. */
export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  ephemeral?: unknown;
  gcePersistentDisk?: { pdName: string; readOnly?: boolean };
  awsElasticBlockStore?: { volumeID: string; readOnly?: boolean };
  iscsi?: { iqn: string; readOnly?: boolean };
  rbd?: { monitors?: string[]; pool?: string; image: string; readOnly?: boolean };
}

/** podVolumes is the pod's spec.volumes. */
export function podVolumes(pod: Pod): PodVolume[] {
  return (pod.spec.volumes as PodVolume[] | undefined) ?? [];
}

/** claimNameOf is the claim a volume uses: its own for a persistentVolumeClaim, `<pod>-<volume>` for a generic ephemeral one (ephemeral.VolumeClaimName). */
export function claimNameOf(pod: Pod, v: PodVolume): { name: string; ephemeral: boolean } | undefined {
  if (v.persistentVolumeClaim) return { name: v.persistentVolumeClaim.claimName, ephemeral: false };
  if (v.ephemeral) return { name: `${pod.metadata.name ?? ''}-${v.name}`, ephemeral: true };
  return undefined;
}
