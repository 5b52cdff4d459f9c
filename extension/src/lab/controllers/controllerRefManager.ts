/**
 * controllerRefManager claims a controller's pods as upstream's
 * controller_ref_manager.go: pods it controls that still match its selector
 * are kept, those that no longer match are released, and matching orphans are
 * adopted — never while the controller or the pod is being deleted, and only
 * after a fresh read confirms the controller is still there.
 */
import { controllerOf } from '../api/meta';
import { type Selector, matches } from '../api/labels';
import type { KubeObject, Pod, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { PODS, type ResourceRef } from '../client/resources';

/**
 * recheckDeletionTimestamp is RecheckDeletionTimestamp: a check, made at most
 * once, that a quorum read of owner finds the same object not being deleted.
 */
export function recheckDeletionTimestamp(client: KubeClient, ref: ResourceRef, owner: KubeObject): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () => (answer ??= (async () => {
    const fresh = await client.get(ref, owner.metadata.namespace ?? '', owner.metadata.name ?? '');
    return !isStatus(fresh) && fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
  })());
}

/**
 * claimPods is PodControllerRefManager.ClaimPods over pods (the owner's and
 * orphans): the pods owner controls after adopting and releasing, or the first
 * failure. A pod gone meanwhile is skipped.
 */
export async function claimPods(
  client: KubeClient, owner: KubeObject, ownerKind: { apiVersion: string; kind: string }, selector: Selector, pods: readonly Pod[], canAdopt: () => Promise<boolean>,
): Promise<Pod[] | Status> {
  const out: Pod[] = [];
  const uid = owner.metadata.uid ?? '';
  for (const pod of pods) {
    const ref = controllerOf(pod);
    const selected = matches(selector, pod.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (selected) {
        out.push(pod);
        continue;
      }
      if (owner.metadata.deletionTimestamp || pod.metadata.deletionTimestamp) continue;
      const released = await client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '',
        { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: pod.metadata.uid } }, 'application/strategic-merge-patch+json');
      if (isStatus(released) && released.code !== 404 && released.code !== 422) return released;
      continue;
    }
    if (!selected || pod.metadata.deletionTimestamp || owner.metadata.deletionTimestamp || !(await canAdopt())) continue;
    const controllerRef = { ...ownerKind, name: owner.metadata.name ?? '', uid, controller: true, blockOwnerDeletion: true };
    const adopted = await client.patch<Pod>(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '',
      { metadata: { ownerReferences: [controllerRef], uid: pod.metadata.uid } }, 'application/strategic-merge-patch+json');
    if (isStatus(adopted)) {
      if (adopted.code === 404) continue;
      return adopted;
    }
    out.push(adopted);
  }
  return out;
}
