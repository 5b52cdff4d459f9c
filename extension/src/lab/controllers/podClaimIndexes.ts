/**
 * podClaimIndexes are the pod informer indexes the owning controllers (ReplicaSet,
 * DaemonSet, StatefulSet, Job) claim pods through: pods by their controller's uid,
 * and the pods no controller owns by namespace. ClaimPods keeps, of all a
 * namespace's pods, only the owner's own and the orphans it may adopt; these
 * indexes hand a sync exactly those, so it costs the owner's pods, not the
 * namespace's (150,000 pods in one namespace made every sync a full scan).
 */
import { controllerOf } from '../api/meta';
import type { Pod } from '../api/types';
import type { Informer } from '../client/informer';

export const CONTROLLER_UID_INDEX = 'controllerUID';
export const ORPHANS_BY_NAMESPACE_INDEX = 'orphansByNamespace';

/** addPodClaimIndexes adds both indexes to a pod informer (another controller sharing the informer may have added them already: the same functions). */
export function addPodClaimIndexes(pods: Informer<Pod>): void {
  pods.addIndexer(CONTROLLER_UID_INDEX, (p) => {
    const c = controllerOf(p);
    return c ? [c.uid] : [];
  });
  pods.addIndexer(ORPHANS_BY_NAMESPACE_INDEX, (p) => (controllerOf(p) ? [] : [p.metadata.namespace ?? '']));
}

/** claimCandidates are the namespace's pods that owner uid controls, then the namespace's orphans: every pod ClaimPods could keep. */
export function claimCandidates(pods: Informer<Pod>, namespace: string, uid: string): Pod[] {
  const owned = pods.byIndex(CONTROLLER_UID_INDEX, uid).filter((p) => (p.metadata.namespace ?? '') === namespace);
  return [...owned, ...pods.byIndex(ORPHANS_BY_NAMESPACE_INDEX, namespace)];
}
