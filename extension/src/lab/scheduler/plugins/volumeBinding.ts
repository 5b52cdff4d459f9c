/**
 * VolumeBinding schedules a pod's PersistentVolumeClaims with it, as upstream's
 * plugin: PreFilter rejects a pod whose claims are missing, lost, being deleted
 * or unbound with Immediate binding (UnschedulableAndUnresolvable until the PV
 * controller binds them); Filter checks per node that bound volumes' node
 * affinity allows it and that each WaitForFirstConsumer claim can take a static
 * volume there or be provisioned there; Reserve assumes the choice; PreBind
 * writes it through the API (claimRef on the volume, the selected-node
 * annotation on the claim for the provisioner) and waits, up to
 * bindTimeoutSeconds, for the claims to be bound.
 */
import { type Pod, isStatus } from '../../api/types';
import { PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, PODS } from '../../client/resources';
import type { PersistentVolumeClaim, StorageClass } from '../../controllers/persistentVolumeUtil';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type Handle, type PreBindPlugin,
  type PreFilterPlugin, type PreFilterResult, type QueueingHint, type ReservePlugin, SUCCESS, type Status, errorStatus, skip, unresolvable,
} from '../framework/interfaces';
import { VolumeBinding } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { type PodVolumeClaims, type PodVolumes, VolumeBinder } from './volumeBinder';
import { type StorageListers, claimNameOf, podVolumes, storageListersOf } from './volumeListers';

/** ERR_REASON_UNBOUND_IMMEDIATE is PreFilter's reason while an Immediate claim waits for the PV controller. */
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
/** POLL_MS is how often PreBind looks whether the claims are bound (wait.Poll's interval). */
export const POLL_MS = 1000;

/** VolumeBindingArgs are the plugin's args. */
export interface VolumeBindingArgs {
  bindTimeoutSeconds?: number;
}

/** StateData is what PreFilter found and Filter decided per node. */
interface StateData {
  allBound: boolean;
  podVolumesByNode: Map<string, PodVolumes>;
  podVolumeClaims?: PodVolumeClaims;
}

type Handles = Pick<Handle, 'client' | 'clock' | 'snapshot' | 'informerFactory'>;

/** podHasPVCs tells whether the pod uses claims, and the error that stops it when one is missing, lost, being deleted or not the pod's. */
export function podHasPVCs(pod: Pod, listers: StorageListers): { hasPVC: boolean; error?: string } {
  let hasPVC = false;
  for (const v of podVolumes(pod)) {
    const c = claimNameOf(pod, v);
    if (!c) continue;
    hasPVC = true;
    const pvc = listers.claim(pod.metadata.namespace ?? '', c.name);
    if (!pvc) return { hasPVC, error: c.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${c.name}"` : `persistentvolumeclaim "${c.name}" not found` };
    if (pvc.status?.phase === 'Lost') return { hasPVC, error: `persistentvolumeclaim "${c.name}" bound to non-existent persistentvolume "${pvc.spec.volumeName ?? ''}"` };
    if (pvc.metadata.deletionTimestamp) return { hasPVC, error: `persistentvolumeclaim "${c.name}" is being deleted` };
    if (c.ephemeral && !ownedByPod(pvc, pod)) {
      return { hasPVC, error: `PVC ${pvc.metadata.namespace ?? ''}/${pvc.metadata.name ?? ''} was not created for pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} (pod is not owner)` };
    }
  }
  return { hasPVC };
}

function ownedByPod(pvc: PersistentVolumeClaim, pod: Pod): boolean {
  return (pvc.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === pod.metadata.uid);
}

/** volumeBinding builds the plugin; listers stand in for the informers in tests. */
export function volumeBinding(args: VolumeBindingArgs, handle: Handles, listers: StorageListers = storageListersOf(handle.informerFactory)): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin & EnqueueExtensions & { readonly binder: VolumeBinder } {
  const binder = new VolumeBinder(listers);
  const timeoutMs = (args.bindTimeoutSeconds ?? 600) * 1000;
  const pods = handle.informerFactory?.informer<Pod>(PODS);
  const stateOf = (state: CycleState) => state.get(VolumeBinding) as StateData | undefined;
  const missing = () => errorStatus(VolumeBinding, `reading "${VolumeBinding}" from cycleState: not found`);

  /** waitForBindings polls checkBindings every second until all is bound, an error, or the timeout. */
  const waitForBindings = (pod: Pod, pv: PodVolumes): Promise<Status> => new Promise((resolve) => {
    const deadline = handle.clock.now() + timeoutMs;
    const tick = () => {
      const node = handle.snapshot().get(pod.spec.nodeName ?? '')?.node;
      const exists = pods ? pods.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`) !== undefined : true;
      const r = binder.checkBindings(pod, node, exists, pv);
      if (r === true) return resolve(SUCCESS);
      if (r !== false) return resolve(errorStatus(VolumeBinding, `binding volumes: ${r.error}`));
      if (handle.clock.now() >= deadline) return resolve(errorStatus(VolumeBinding, 'binding volumes: context deadline exceeded'));
      handle.clock.setTimer(POLL_MS, tick);
    };
    handle.clock.setTimer(POLL_MS, tick);
  });

  return {
    name: VolumeBinding,
    binder,
    preFilter(state: CycleState, pod: Pod): PreFilterResult {
      const has = podHasPVCs(pod, listers);
      if (has.error) return unresolvable(VolumeBinding, has.error);
      if (!has.hasPVC) {
        state.set(VolumeBinding, { allBound: true, podVolumesByNode: new Map() } satisfies StateData);
        return skip(VolumeBinding);
      }
      const claims = binder.getPodVolumeClaims(pod);
      if ('error' in claims) return errorStatus(VolumeBinding, claims.error);
      if (claims.unboundClaimsImmediate.length) return unresolvable(VolumeBinding, ERR_REASON_UNBOUND_IMMEDIATE);
      state.set(VolumeBinding, { allBound: false, podVolumesByNode: new Map(), podVolumeClaims: claims } satisfies StateData);
      return SUCCESS;
    },
    filter(state: CycleState, _pod: Pod, node: NodeInfo): Status {
      const s = stateOf(state);
      if (!s) return missing();
      if (!s.podVolumeClaims) return SUCCESS;
      const r = binder.findPodVolumes(s.podVolumeClaims, node.node);
      if ('error' in r) return errorStatus(VolumeBinding, r.error);
      if (r.reasons.length) return unresolvable(VolumeBinding, ...r.reasons);
      s.podVolumesByNode.set(node.name, r.podVolumes);
      return SUCCESS;
    },
    reserve(state: CycleState, pod: Pod, nodeName: string): Status {
      const s = stateOf(state);
      if (!s) return missing();
      const pv = s.podVolumesByNode.get(nodeName);
      s.allBound = pv ? binder.assumePodVolumes(pod, nodeName, pv) : true;
      return SUCCESS;
    },
    unreserve(state: CycleState, _pod: Pod, nodeName: string): void {
      const pv = stateOf(state)?.podVolumesByNode.get(nodeName);
      if (pv) binder.revertAssumedPodVolumes(pv);
    },
    async preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
      const s = stateOf(state);
      if (!s) return missing();
      if (s.allBound) return SUCCESS;
      const pv = s.podVolumesByNode.get(nodeName);
      if (!pv) return errorStatus(VolumeBinding, `no pod volumes found for node "${nodeName}"`);
      // bindAPIUpdate: the volumes' claimRefs first, then the claims to provision; what was not written is reverted.
      let written = 0;
      for (const b of pv.staticBindings) {
        const res = await handle.client.update(PERSISTENTVOLUMES, b.pv);
        if (isStatus(res)) {
          binder.revertAssumedPodVolumes({ staticBindings: pv.staticBindings.slice(written), dynamicProvisions: pv.dynamicProvisions });
          return errorStatus(VolumeBinding, `binding volumes: ${res.message ?? ''}`);
        }
        b.pv = res;
        written++;
      }
      for (let i = 0; i < pv.dynamicProvisions.length; i++) {
        const res = await handle.client.update(PERSISTENTVOLUMECLAIMS, pv.dynamicProvisions[i]);
        if (isStatus(res)) {
          binder.revertAssumedPodVolumes({ staticBindings: [], dynamicProvisions: pv.dynamicProvisions.slice(i) });
          return errorStatus(VolumeBinding, `binding volumes: ${res.message ?? ''}`);
        }
        pv.dynamicProvisions[i] = res;
      }
      return waitForBindings(pod, pv);
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [
        { event: { resource: 'StorageClass', actionType: ActionType.Add | ActionType.Update }, queueingHint: (_pod, oldSC, newSC) => storageClassChanged(oldSC as StorageClass | undefined, newSC as StorageClass) },
        { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update }, queueingHint: (pod, _old, claim) => claimOfPod(pod, claim as PersistentVolumeClaim) },
        { event: { resource: 'PersistentVolume', actionType: ActionType.Add | ActionType.Update } },
        { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint } },
      ];
    },
  };
}

/** claimOfPod: a claim the pod uses (by name or as its generic ephemeral volume) was added or changed. */
export function claimOfPod(pod: Pod, claim: PersistentVolumeClaim): QueueingHint {
  if (claim.metadata.namespace !== pod.metadata.namespace) return 'QueueSkip';
  return podVolumes(pod).some((v) => claimNameOf(pod, v)?.name === claim.metadata.name) ? 'Queue' : 'QueueSkip';
}

/** storageClassChanged: a new class, or a change to allowedTopologies. */
export function storageClassChanged(oldSC: StorageClass | undefined, newSC: StorageClass): QueueingHint {
  if (!oldSC) return 'Queue';
  const topo = (sc: StorageClass) => JSON.stringify((sc as { allowedTopologies?: unknown }).allowedTopologies ?? null);
  return topo(oldSC) === topo(newSC) ? 'QueueSkip' : 'Queue';
}
