/**
 * VolumeZone keeps a pod on nodes in the zones and regions of the bound
 * PersistentVolumes its claims use: every zone or region label of such a volume
 * (beta or GA, several zones joined by `__`) must be matched by the node's
 * label of the same key (a beta volume label also by the node's GA one). A node
 * with no zone or region labels at all fits (a single-zone cluster), and
 * unbound WaitForFirstConsumer claims are left to VolumeBinding, as upstream's plugin.
 */
import type { Node, Pod } from '../../api/types';
import type { PersistentVolume, StorageClass } from '../../controllers/persistentVolumeUtil';
import { claimClass } from '../../controllers/persistentVolumeUtil';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterPlugin,
  type PreFilterResult, type QueueingHint, SUCCESS, type Status, skip, unresolvable,
} from '../framework/interfaces';
import { VolumeZone } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { type StorageListers, podVolumes, storageListersOf } from './volumeListers';

/** ERR_REASON_CONFLICT is ErrReasonConflict (the NoVolumeZoneConflict predicate's reason). */
export const ERR_REASON_CONFLICT = 'node(s) had no available volume zone';

const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
/** TOPOLOGY_LABELS are the labels compared, in upstream's order. */
export const TOPOLOGY_LABELS = [BETA_ZONE, BETA_REGION, ZONE, REGION] as const;

const STATE_KEY = `PreFilter${VolumeZone}`;

/** PVTopology is one zone or region label of a volume, as the set of values it allows. */
export interface PVTopology {
  pvName: string;
  key: string;
  values: ReadonlySet<string>;
}

/** labelZonesToSet is volumehelpers.LabelZonesToSet: `a__b` is {a, b}; an empty zone is an error (undefined). */
export function labelZonesToSet(value: string): Set<string> | undefined {
  const out = new Set<string>();
  for (const z of value.split('__')) {
    const t = z.trim();
    if (!t) return undefined;
    out.add(t);
  }
  return out;
}

/** pvTopologies lists a volume's zone and region labels (those that parse). */
export function pvTopologies(pv: PersistentVolume): PVTopology[] {
  const out: PVTopology[] = [];
  for (const key of TOPOLOGY_LABELS) {
    const value = pv.metadata.labels?.[key];
    if (value === undefined) continue;
    const values = labelZonesToSet(value);
    if (values) out.push({ pvName: pv.metadata.name ?? '', key, values });
  }
  return out;
}

function translateToGALabel(label: string): string {
  if (label === BETA_REGION) return REGION;
  if (label === BETA_ZONE) return ZONE;
  return label;
}

/** nodeMatchesTopologies is the Filter's decision for a node against the pod's volumes' topologies. */
export function nodeMatchesTopologies(node: Node, topologies: readonly PVTopology[]): boolean {
  const labels = node.metadata.labels ?? {};
  if (!TOPOLOGY_LABELS.some((l) => l in labels)) return true;
  for (const t of topologies) {
    let v = labels[t.key];
    if (v === undefined) v = labels[translateToGALabel(t.key)];
    if (v === undefined || !t.values.has(v)) return false;
  }
  return true;
}

/** getPVByPod finds the topologies of the volumes bound to the pod's claims, or the status that stops the pod. */
export function getPVByPod(pod: Pod, listers: StorageListers): PVTopology[] | Status {
  const out: PVTopology[] = [];
  for (const v of podVolumes(pod)) {
    if (!v.persistentVolumeClaim) continue;
    const name = v.persistentVolumeClaim.claimName;
    if (!name) return unresolvable(VolumeZone, 'PersistentVolumeClaim had no name');
    const claim = listers.claim(pod.metadata.namespace ?? '', name);
    if (!claim) return unresolvable(VolumeZone, `persistentvolumeclaim "${name}" not found`);
    const pvName = claim.spec.volumeName ?? '';
    if (!pvName) {
      const scName = claimClass(claim);
      if (!scName) return unresolvable(VolumeZone, 'PersistentVolumeClaim had no pv name and storageClass name');
      const cls: StorageClass | undefined = listers.storageClass(scName);
      if (!cls) return unresolvable(VolumeZone, `storageclass.storage.k8s.io "${scName}" not found`);
      if (!cls.volumeBindingMode) return unresolvable(VolumeZone, `VolumeBindingMode not set for StorageClass "${scName}"`);
      if (cls.volumeBindingMode === 'WaitForFirstConsumer') continue;
      return unresolvable(VolumeZone, 'PersistentVolume had no name');
    }
    const pv = listers.volume(pvName);
    if (!pv) return unresolvable(VolumeZone, `persistentvolume "${pvName}" not found`);
    out.push(...pvTopologies(pv));
  }
  return out;
}

/** volumeZone builds the plugin; listers stand in for the informers in tests. */
export function volumeZone(handle: Pick<Handle, 'informerFactory'>, listers: StorageListers = storageListersOf(handle.informerFactory)): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: VolumeZone,
    preFilter(state: CycleState, pod: Pod): PreFilterResult {
      const r = getPVByPod(pod, listers);
      if (!Array.isArray(r)) return r;
      if (r.length === 0) return skip(VolumeZone);
      state.set(STATE_KEY, r);
      return SUCCESS;
    },
    filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
      if (podVolumes(pod).length === 0) return SUCCESS;
      let topologies = state.get(STATE_KEY) as PVTopology[] | undefined;
      if (!topologies) {
        const r = getPVByPod(pod, listers);
        if (!Array.isArray(r)) return r;
        topologies = r;
      }
      return nodeMatchesTopologies(node.node, topologies) ? SUCCESS : unresolvable(VolumeZone, ERR_REASON_CONFLICT);
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [
        { event: { resource: 'StorageClass', actionType: ActionType.Add }, queueingHint: (_pod, _old, sc) => ((sc as StorageClass).volumeBindingMode === 'WaitForFirstConsumer' ? 'Queue' : 'QueueSkip') },
        { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint } },
        { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update }, queueingHint: (pod, _old, claim) => claimRequestedByPod(pod, claim as Pod) },
        { event: { resource: 'PersistentVolume', actionType: ActionType.Add | ActionType.Update }, queueingHint: (_pod, oldPV, newPV) => pvTopologyChanged(oldPV as PersistentVolume | undefined, newPV as PersistentVolume) },
      ];
    },
  };
}

/** claimRequestedByPod: a claim of the pod's namespace that the pod names. */
function claimRequestedByPod(pod: Pod, claim: { metadata: { namespace?: string; name?: string } }): QueueingHint {
  if (claim.metadata.namespace !== pod.metadata.namespace) return 'QueueSkip';
  return podVolumes(pod).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name) ? 'Queue' : 'QueueSkip';
}

/** pvTopologyChanged: a new volume, or one whose zone or region labels changed. */
export function pvTopologyChanged(oldPV: PersistentVolume | undefined, newPV: PersistentVolume): QueueingHint {
  if (!oldPV) return 'Queue';
  const key = (pv: PersistentVolume) => JSON.stringify(pvTopologies(pv).map((t) => [t.key, [...t.values]]));
  return key(oldPV) === key(newPV) ? 'QueueSkip' : 'Queue';
}
