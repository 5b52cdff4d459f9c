/**
 * PVCProtectionController is upstream's pvc-protection-controller
 * (pkg/controller/volume/pvcprotection): a claim being deleted keeps its
 * kubernetes.io/pvc-protection finalizer while a scheduled pod uses it, and
 * loses it once none does; a claim made before the admission plugin was on gets
 * the finalizer. A pod found in the informer keeps the claim; only a live list
 * may let it go, since the informer may not have seen a new pod yet.
 */
import type { Clock } from '../clock';
import type { KubeObject, Pod } from '../api/types';
import { isStatus } from '../api/types';
import { PVC_PROTECTION_FINALIZER } from '../apiserver/admission/storageObjectInUseProtection';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { PERSISTENTVOLUMECLAIMS, PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { POD_PVC_INDEX } from './persistentVolumeController';
import { type PersistentVolumeClaim, claimKey, isPodTerminated, podClaimKeys, podClaimNames } from './persistentVolumeUtil';

/** isDeletionCandidate is protectionutil.IsDeletionCandidate: being deleted and still holding the finalizer. */
export function isDeletionCandidate(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.deletionTimestamp !== undefined && (obj.metadata.finalizers ?? []).includes(finalizer);
}

/** needToAddFinalizer is protectionutil.NeedToAddFinalizer: not being deleted and without the finalizer. */
export function needToAddFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.deletionTimestamp === undefined && !(obj.metadata.finalizers ?? []).includes(finalizer);
}

/** podIsShutDown: the kubelet is done with the pod (deleted with a zero grace period), or it was force-deleted. */
function podIsShutDown(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionGracePeriodSeconds === 0;
}

/**
 * podUsesPVC is the controller's podUsesPVC: a scheduled pod naming the claim
 * uses it (whatever its phase), and a generic ephemeral volume's claim counts
 * while the pod is not shut down and the claim is the pod's own.
 */
export function podUsesPVC(pod: Pod, claim: PersistentVolumeClaim): boolean {
  if (!pod.spec.nodeName) return false;
  const volumes = (pod.spec.volumes as { name: string; persistentVolumeClaim?: { claimName: string }; ephemeral?: unknown }[] | undefined) ?? [];
  for (const v of volumes) {
    if (v.persistentVolumeClaim?.claimName === claim.metadata.name) return true;
    if (v.ephemeral && !podIsShutDown(pod) && `${pod.metadata.name ?? ''}-${v.name}` === claim.metadata.name
      && (claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata.uid)) return true;
  }
  return false;
}

export class PVCProtectionController {
  private readonly queue: WorkQueue;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly pods: Informer<Pod>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.claims = factory.informer<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
    this.pods = factory.informer<Pod>(PODS);
    this.pods.addIndexer(POD_PVC_INDEX, podClaimKeys);
    const claimChanged = (c: PersistentVolumeClaim): void => {
      if (needToAddFinalizer(c, PVC_PROTECTION_FINALIZER) || isDeletionCandidate(c, PVC_PROTECTION_FINALIZER)) this.queue.add(claimKey(c));
    };
    this.claims.addEventHandler({ onAdd: claimChanged, onUpdate: (_, c) => claimChanged(c) });
    this.pods.addEventHandler({
      onAdd: (pod) => this.enqueueClaims(pod, false),
      onUpdate: (old, pod) => {
        this.enqueueClaims(pod, false);
        // An update may hide a delete and a create under one name: the old pod's claims may be free now.
        if (old.metadata.uid !== pod.metadata.uid) this.enqueueClaims(old, true);
      },
      onDelete: (pod) => this.enqueueClaims(pod, true),
    });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.process(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** enqueueClaims queues the claims of a pod that may have stopped holding them: deleted, finished, or never scheduled. */
  private enqueueClaims(pod: Pod, deleted: boolean): void {
    if (!deleted && !isPodTerminated(pod) && pod.spec.nodeName) return;
    for (const name of podClaimNames(pod)) this.queue.add(`${pod.metadata.namespace ?? ''}/${name}`);
  }

  private async process(key: string): Promise<void> {
    const error = await this.processPVC(key);
    if (error) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  private async processPVC(key: string): Promise<string | undefined> {
    const claim = this.claims.get(key);
    if (!claim) return undefined;
    if (isDeletionCandidate(claim, PVC_PROTECTION_FINALIZER)) {
      const used = await this.isBeingUsed(claim);
      if (typeof used === 'string') return used;
      if (!used) return this.writeFinalizers(claim, (claim.metadata.finalizers ?? []).filter((f) => f !== PVC_PROTECTION_FINALIZER));
    }
    if (needToAddFinalizer(claim, PVC_PROTECTION_FINALIZER)) return this.writeFinalizers(claim, [...(claim.metadata.finalizers ?? []), PVC_PROTECTION_FINALIZER]);
    return undefined;
  }

  /** isBeingUsed asks the informer first and, when it knows no user, a live list of the namespace's pods. */
  private async isBeingUsed(claim: PersistentVolumeClaim): Promise<boolean | string> {
    if (this.pods.byIndex(POD_PVC_INDEX, claimKey(claim)).some((p) => podUsesPVC(p, claim))) return true;
    const live = await this.client.list<Pod>(PODS, claim.metadata.namespace ?? '');
    if (isStatus(live)) return `live list of pods failed: ${live.message ?? ''}`;
    return live.items.some((p) => podUsesPVC(p, claim));
  }

  private async writeFinalizers(claim: PersistentVolumeClaim, finalizers: string[]): Promise<string | undefined> {
    const res = await this.client.update(PERSISTENTVOLUMECLAIMS, { ...claim, metadata: { ...claim.metadata, finalizers } });
    return isStatus(res) && res.status === 'Failure' && res.code !== 404 ? (res.message ?? 'error') : undefined;
  }
}
