/**
 * persistentVolumeUtil holds the volume binding rules the PV controller (and,
 * upstream, the scheduler's VolumeBinding plugin) share, as component-helpers'
 * storage/volume (pv_helpers.go, helpers.go) and the controller's index.go:
 * which volume fits a claim, how binding writes both objects, and which claims a
 * pod uses.
 */
import { selectorMatches } from '../api/labels';
import { type NodeSelector, nodeSelectorMatches } from '../api/nodeAffinity';
import { cmpQuantity, toQuantity } from '../api/quantity';
import type { KubeObject, LabelSelector, Node, ObjectReference, Pod } from '../api/types';

/** The binding annotations (storagehelpers' AnnBindCompleted, AnnBoundByController, ...). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** ANN_DYNAMICALLY_PROVISIONED names the plugin or external provisioner that made a volume. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** ANN_STORAGE_PROVISIONER and its beta twin tell an external provisioner a claim is its to provision. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** ANN_SELECTED_NODE is where the scheduler put the first pod of a WaitForFirstConsumer claim. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** BETA_STORAGE_CLASS_ANNOTATION named a class before spec.storageClassName existed. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
export type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
export type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

/** PersistentVolume is core/v1 PersistentVolume, with the fields binding reads and writes. */
export interface PersistentVolume extends KubeObject {
  spec: {
    capacity?: Record<string, string>;
    accessModes?: AccessMode[];
    claimRef?: ObjectReference | null;
    persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
    storageClassName?: string;
    volumeMode?: 'Filesystem' | 'Block';
    nodeAffinity?: { required?: NodeSelector };
    hostPath?: { path: string; type?: string };
    local?: { path: string };
    mountOptions?: string[];
    [source: string]: unknown;
  };
  status?: { phase?: VolumePhase; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

/** PersistentVolumeClaim is core/v1 PersistentVolumeClaim, with the fields binding reads and writes. */
export interface PersistentVolumeClaim extends KubeObject {
  spec: {
    accessModes?: AccessMode[];
    selector?: LabelSelector | null;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    volumeName?: string;
    storageClassName?: string | null;
    volumeMode?: 'Filesystem' | 'Block';
    [field: string]: unknown;
  };
  status?: { phase?: ClaimPhase; accessModes?: AccessMode[]; capacity?: Record<string, string>; [field: string]: unknown };
}

/** StorageClass is storage.k8s.io/v1 StorageClass. */
export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Retain' | 'Delete';
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
}

/** claimClass is GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClass(claim: PersistentVolumeClaim): string {
  const beta = claim.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return claim.spec.storageClassName ?? '';
}

/** volumeClass is GetPersistentVolumeClass: the beta annotation, else spec.storageClassName. */
export function volumeClass(volume: PersistentVolume): string {
  const beta = volume.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return volume.spec.storageClassName ?? '';
}

/** claimKey is claimToClaimKey: `namespace/name`. */
export function claimKey(claim: KubeObject): string {
  return `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;
}

/** claimRefKey is claimrefToClaimKey. */
export function claimRefKey(ref: ObjectReference): string {
  return `${ref.namespace ?? ''}/${ref.name ?? ''}`;
}

/** isVolumeBoundToClaim is IsVolumeBoundToClaim: the claimRef names the claim, with its uid or none yet. */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** checkAccessModes is CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const offered = new Set(volume.spec.accessModes ?? []);
  return (claim.spec.accessModes ?? []).every((m) => offered.has(m));
}

/** checkVolumeModeMismatches is CheckVolumeModeMismatches: Filesystem when unset on either side. */
export function checkVolumeModeMismatches(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  return (claim.spec.volumeMode ?? 'Filesystem') !== (volume.spec.volumeMode ?? 'Filesystem');
}

/** storageBytes is a capacity or request's storage as nano-units, zero when absent or malformed. */
function storageOf(list: Record<string, string> | undefined): bigint {
  return toQuantity(list?.storage)?.nanos ?? 0n;
}

/** requestedStorage is the claim's spec.resources.requests.storage. */
export function requestedStorage(claim: PersistentVolumeClaim): bigint {
  return storageOf(claim.spec.resources?.requests);
}

/** volumeStorage is the volume's spec.capacity.storage. */
export function volumeStorage(volume: PersistentVolume): bigint {
  return storageOf(volume.spec.capacity);
}

/** checkNodeAffinity is CheckNodeAffinity: a volume without required node affinity fits every node. */
export function checkNodeAffinity(volume: PersistentVolume, node: Node): boolean {
  const required = volume.spec.nodeAffinity?.required;
  return !required || nodeSelectorMatches(required, node);
}

/**
 * findMatchingVolume is FindMatchingVolume: a volume pre-bound to the claim if
 * any (unless its node affinity rules the node out), else the smallest Available
 * volume that is big enough, in the claim's class, of its volume mode and
 * matching its selector. The controller (node undefined) leaves unbound volumes
 * of a WaitForFirstConsumer claim to the scheduler's path, which passes the node.
 */
export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], node: Node | undefined, delayBinding: boolean): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const wantClass = claimClass(claim);
  let smallest: PersistentVolume | undefined;
  let smallestSize = 0n;
  for (const volume of volumes) {
    if (volume.spec.claimRef && !isVolumeBoundToClaim(volume, claim)) continue;
    const size = volumeStorage(volume);
    if (size < requested) continue;
    if (checkVolumeModeMismatches(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const affinityOk = node === undefined || checkNodeAffinity(volume, node);
    if (isVolumeBoundToClaim(volume, claim)) return affinityOk ? volume : undefined;
    if (node === undefined && delayBinding) continue;
    if (volume.status?.phase !== 'Available') continue;
    if (claim.spec.selector && !selectorMatches(claim.spec.selector, volume.metadata.labels)) continue;
    if (volumeClass(volume) !== wantClass) continue;
    if (!affinityOk) continue;
    if (node !== undefined && !checkAccessModes(claim, volume)) continue;
    if (smallest === undefined || smallestSize > size) {
      smallest = volume;
      smallestSize = size;
    }
  }
  return smallest;
}

/** modesKey is the index key of a set of access modes, as the index's AccessModesIndexFunc (sorted, so sets compare). */
function modesKey(modes: readonly AccessMode[]): string {
  return [...new Set(modes)].sort().join(',');
}

/**
 * findBestMatchForClaim is persistentVolumeOrderedIndex.findByClaim: volumes are
 * grouped by their access modes, and the groups that offer every mode the claim
 * asks for are tried from the fewest modes up, so a claim for RWO takes an
 * RWO-only volume before one that also offers RWX.
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  for (const v of volumes) {
    const key = modesKey(v.spec.accessModes ?? []);
    const group = groups.get(key);
    if (group) group.push(v);
    else groups.set(key, [v]);
  }
  const wanted = claim.spec.accessModes ?? [];
  const candidates = [...groups.entries()]
    .map(([key, group]) => ({ modes: key ? key.split(',') : [], group }))
    .filter(({ modes }) => wanted.every((m) => modes.includes(m)))
    .sort((a, b) => a.modes.length - b.modes.length);
  for (const { group } of candidates) {
    const found = findMatchingVolume(claim, group, undefined, delayBinding);
    if (found) return found;
  }
  return undefined;
}

/** checkVolumeSatisfyClaim is the controller's check of a volume the claim names: an error message, or undefined when it fits. */
export function checkVolumeSatisfyClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name ?? ''}"`;
  // Upstream compares Value(): whole units, so a fraction of a byte does not count.
  const whole = (nanos: bigint) => (nanos + 999_999_999n) / 1_000_000_000n;
  if (whole(volumeStorage(volume)) < whole(requestedStorage(claim))) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (checkVolumeModeMismatches(claim, volume)) return 'incompatible volumeMode';
  if (!checkAccessModes(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

/** claimRefTo is reference.GetReference for a claim: what a bound volume's spec.claimRef holds. */
export function claimRefTo(claim: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name,
    uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
  };
}

/**
 * bindVolumeToClaim is GetBindVolumeToClaim: the volume with its claimRef set to
 * the claim and, when the controller (not the user) made the choice, the
 * bound-by-controller annotation; dirty tells whether anything changed.
 */
export function bindVolumeToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): { volume: PersistentVolume; dirty: boolean } {
  const byController = !isVolumeBoundToClaim(volume, claim);
  const clone = structuredClone(volume);
  let dirty = false;
  const ref = volume.spec.claimRef;
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
    clone.spec.claimRef = claimRefTo(claim);
    dirty = true;
  }
  if (byController && clone.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
    clone.metadata.annotations = { ...clone.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    dirty = true;
  }
  return { volume: clone, dirty };
}

/** bindClaimToVolume is bindClaimToVolume's change to the claim: volumeName, bound-by-controller when the controller chose, bind-completed. */
export function bindClaimToVolume(claim: PersistentVolumeClaim, volume: PersistentVolume): { claim: PersistentVolumeClaim; dirty: boolean } {
  const clone = structuredClone(claim);
  let dirty = false;
  const annotations = { ...clone.metadata.annotations };
  if (claim.spec.volumeName !== volume.metadata.name) {
    dirty = true;
    clone.spec.volumeName = volume.metadata.name;
    if (annotations[ANN_BOUND_BY_CONTROLLER] === undefined) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
  }
  if (annotations[ANN_BIND_COMPLETED] === undefined) {
    annotations[ANN_BIND_COMPLETED] = 'yes';
    dirty = true;
  }
  clone.metadata.annotations = annotations;
  return { claim: clone, dirty };
}

/** podVolumes is the pod's spec.volumes, typed for the two claim-bearing sources. */
function podVolumes(pod: Pod): { name: string; persistentVolumeClaim?: { claimName: string }; ephemeral?: unknown }[] {
  return (pod.spec.volumes as { name: string; persistentVolumeClaim?: { claimName: string }; ephemeral?: unknown }[] | undefined) ?? [];
}

/** podClaimNames is what PodPVCIndexFunc indexes: the claims a pod's volumes name, a generic ephemeral volume's as `<pod>-<volume>`. */
export function podClaimNames(pod: Pod): string[] {
  const names: string[] = [];
  for (const v of podVolumes(pod)) {
    if (v.persistentVolumeClaim) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.metadata.name ?? ''}-${v.name}`);
  }
  return names;
}

/** podClaimKeys are podClaimNames as `namespace/name` keys (common.PodPVCIndex). */
export function podClaimKeys(pod: Pod): string[] {
  return podClaimNames(pod).map((n) => `${pod.metadata.namespace ?? ''}/${n}`);
}

/** isPodTerminated is volume util's IsPodTerminated: finished, or being deleted with no container still running. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return true;
  const notRunning = (list: readonly { state: { terminated?: unknown; waiting?: unknown } }[] | undefined) => (list ?? []).every((c) => c.state.terminated !== undefined || c.state.waiting !== undefined);
  const inits = (pod.status as { initContainerStatuses?: { state: { terminated?: unknown; waiting?: unknown } }[] } | undefined)?.initContainerStatuses;
  return pod.metadata.deletionTimestamp !== undefined && notRunning(inits) && notRunning(pod.status?.containerStatuses);
}

/** sameQuantity tells whether two quantities are equal in value (Quantity.Cmp == 0). */
export function sameQuantity(a: string | undefined, b: string | undefined): boolean {
  const x = toQuantity(a);
  const y = toQuantity(b);
  return x !== undefined && y !== undefined && cmpQuantity(x, y) === 0;
}
