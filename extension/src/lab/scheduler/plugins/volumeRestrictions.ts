/**
 * VolumeRestrictions keeps a pod off nodes where a volume it mounts conflicts
 * with one already mounted there (the same GCE PD, EBS volume, iSCSI IQN or
 * Ceph RBD image, unless every mount is read-only where that is allowed), and
 * off every node while another scheduled pod uses a ReadWriteOncePod claim it
 * wants, as upstream's plugin.
 */
import type { Pod } from '../../api/types';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterExtensions,
  type PreFilterPlugin, type PreFilterResult, type QueueingHint, SUCCESS, type Status, errorStatus, skip, unresolvable, unschedulable,
} from '../framework/interfaces';
import { VolumeRestrictions } from '../framework/names';
import type { Snapshot } from '../framework/snapshot';
import { NodeInfo } from '../nodeInfo';
import { type PodVolume, type StorageListers, podVolumes, storageListersOf } from './volumeListers';

/** ERR_REASON_DISK_CONFLICT is ErrReasonDiskConflict (the NoDiskConflict predicate's reason). */
export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';
/** ERR_REASON_RWOP_CONFLICT is ErrReasonReadWriteOncePodConflict. */
export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

const STATE_KEY = `PreFilter${VolumeRestrictions}`;

/** PreFilterState holds the pod's ReadWriteOncePod claims and how many scheduled pods use them. */
interface PreFilterState {
  readWriteOncePodPVCs: ReadonlySet<string>;
  conflictingPVCRefCount: number;
}

function haveOverlap(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return b.some((x) => set.has(x));
}

/** needsRestrictionsCheck tells the sources this plugin compares. */
export function needsRestrictionsCheck(v: PodVolume): boolean {
  return !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);
}

/** isVolumeConflict tells whether v conflicts with any volume of an existing pod. */
export function isVolumeConflict(v: PodVolume, existing: Pod): boolean {
  for (const e of podVolumes(existing)) {
    if (v.gcePersistentDisk && e.gcePersistentDisk && v.gcePersistentDisk.pdName === e.gcePersistentDisk.pdName && !(v.gcePersistentDisk.readOnly && e.gcePersistentDisk.readOnly)) return true;
    if (v.awsElasticBlockStore && e.awsElasticBlockStore && v.awsElasticBlockStore.volumeID === e.awsElasticBlockStore.volumeID) return true;
    if (v.iscsi && e.iscsi && v.iscsi.iqn === e.iscsi.iqn && !(v.iscsi.readOnly && e.iscsi.readOnly)) return true;
    if (v.rbd && e.rbd) {
      const same = haveOverlap(v.rbd.monitors ?? [], e.rbd.monitors ?? []) && (v.rbd.pool ?? 'rbd') === (e.rbd.pool ?? 'rbd') && v.rbd.image === e.rbd.image;
      if (same && !(v.rbd.readOnly && e.rbd.readOnly)) return true;
    }
  }
  return false;
}

/** satisfyVolumeConflicts is true when none of the pod's checked volumes conflicts with a pod on node. */
export function satisfyVolumeConflicts(pod: Pod, node: NodeInfo): boolean {
  for (const v of podVolumes(pod)) {
    if (!needsRestrictionsCheck(v)) continue;
    for (const existing of node.pods.values()) if (isVolumeConflict(v, existing)) return false;
  }
  return true;
}

function refCountFor(s: PreFilterState, pod: Pod): number {
  let n = 0;
  for (const v of podVolumes(pod)) if (v.persistentVolumeClaim && s.readWriteOncePodPVCs.has(v.persistentVolumeClaim.claimName)) n++;
  return n;
}

/** isPVCUsedByPods tells whether a pod the snapshot holds (bound or assumed) uses the claim `namespace/name`. */
function isPVCUsedByPods(snapshot: Snapshot, namespace: string, claim: string): boolean {
  for (const n of snapshot.nodeInfoList) {
    for (const p of n.pods.values()) {
      if (p.metadata.namespace !== namespace) continue;
      if (podVolumes(p).some((v) => v.persistentVolumeClaim?.claimName === claim)) return true;
    }
  }
  return false;
}

/** volumeRestrictions builds the plugin; listers stand in for the informers in tests. */
export function volumeRestrictions(handle: Pick<Handle, 'snapshot' | 'informerFactory'>, listers: StorageListers = storageListersOf(handle.informerFactory)): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  const update = (state: CycleState, pod: Pod, sign: 1 | -1): Status => {
    const s = state.get(STATE_KEY) as PreFilterState | undefined;
    if (!s) return errorStatus(VolumeRestrictions, `cannot read "${STATE_KEY}" from cycleState`);
    // Copy on write: preemption and nominated pods run on copies of the cycle state.
    state.set(STATE_KEY, { ...s, conflictingPVCRefCount: s.conflictingPVCRefCount + sign * refCountFor(s, pod) });
    return SUCCESS;
  };
  const extensions: PreFilterExtensions = {
    addPod: (state, _podToSchedule, podToAdd) => update(state, podToAdd, 1),
    removePod: (state, _podToSchedule, podToRemove) => update(state, podToRemove, -1),
  };
  return {
    name: VolumeRestrictions,
    preFilter(state: CycleState, pod: Pod): PreFilterResult {
      const needsCheck = podVolumes(pod).some(needsRestrictionsCheck);
      const rwop = new Set<string>();
      const ns = pod.metadata.namespace ?? '';
      for (const v of podVolumes(pod)) {
        if (!v.persistentVolumeClaim) continue;
        const claim = listers.claim(ns, v.persistentVolumeClaim.claimName);
        if (!claim) return unresolvable(VolumeRestrictions, `persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`);
        if (claim.spec.accessModes?.includes('ReadWriteOncePod')) rwop.add(claim.metadata.name ?? '');
      }
      let count = 0;
      for (const c of rwop) if (isPVCUsedByPods(handle.snapshot(), ns, c)) count++;
      if (!needsCheck && count === 0) return skip(VolumeRestrictions);
      state.set(STATE_KEY, { readWriteOncePodPVCs: rwop, conflictingPVCRefCount: count } satisfies PreFilterState);
      return SUCCESS;
    },
    preFilterExtensions: () => extensions,
    filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
      if (!satisfyVolumeConflicts(pod, node)) return unschedulable(VolumeRestrictions, ERR_REASON_DISK_CONFLICT);
      const s = state.get(STATE_KEY) as PreFilterState | undefined;
      if (!s) return errorStatus(VolumeRestrictions, `cannot read "${STATE_KEY}" from cycleState`);
      return s.conflictingPVCRefCount > 0 ? unschedulable(VolumeRestrictions, ERR_REASON_RWOP_CONFLICT) : SUCCESS;
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [
        { event: { resource: 'Pod', actionType: ActionType.Delete }, queueingHint: (pod, oldObj) => isSchedulableAfterPodDeleted(pod, oldObj as Pod) },
        { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint | ActionType.UpdateNodeLabel } },
        { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add }, queueingHint: (pod, _old, newObj) => isSchedulableAfterClaimAdded(pod, newObj as Pod) },
      ];
    },
  };
}

/** isSchedulableAfterPodDeleted: only a deleted pod of the namespace whose volumes conflicted, or that used one of the same claims, can help. */
export function isSchedulableAfterPodDeleted(pod: Pod, deleted: Pod): QueueingHint {
  if (deleted.metadata.namespace !== pod.metadata.namespace) return 'QueueSkip';
  const holder = new NodeInfo({ metadata: { name: '' }, spec: {} });
  holder.addPod(deleted);
  if (!satisfyVolumeConflicts(pod, holder)) return 'Queue';
  const claims = new Set(podVolumes(deleted).map((v) => v.persistentVolumeClaim?.claimName).filter((c) => c !== undefined));
  return podVolumes(pod).some((v) => v.persistentVolumeClaim && claims.has(v.persistentVolumeClaim.claimName)) ? 'Queue' : 'QueueSkip';
}

/** isSchedulableAfterClaimAdded: only the creation of a claim the pod names can help. */
export function isSchedulableAfterClaimAdded(pod: Pod, claim: { metadata: { namespace?: string; name?: string } }): QueueingHint {
  if (claim.metadata.namespace !== pod.metadata.namespace) return 'QueueSkip';
  return podVolumes(pod).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name) ? 'Queue' : 'QueueSkip';
}
