/**
 * StatefulPodControl is upstream's stateful_pod_control.go: it creates a
 * StatefulSet's pods after their claims, keeps each pod's identity and storage
 * and its claims' owner references (the retention policy) in line, deletes pods,
 * and records an event for each of those, in upstream's words.
 */
import type { KubeObject, Pod, StatefulSet, Status } from '../api/types';
import {
  type PersistentVolumeClaim, claimName, claimsFor, getOrdinal, hasStaleOwnerRef, hasUnexpectedController, identityMatches, isClaimOwnerUpToDate,
  POD_KIND, retentionPolicy, storageMatches, updateClaimOwnerRefs, updateIdentity, updateStorage,
} from './statefulSetUtils';

/** StatefulPodObjects is StatefulPodControlObjectManager: writes through the API, reads from informers (fakes in tests). */
export interface StatefulPodObjects {
  createPod(pod: Pod): Promise<Status | undefined>;
  getPod(namespace: string, name: string): Pod | undefined;
  updatePod(pod: Pod): Promise<Status | undefined>;
  deletePod(pod: Pod): Promise<Status | undefined>;
  createClaim(claim: PersistentVolumeClaim): Promise<Status | undefined>;
  getClaim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  updateClaim(claim: PersistentVolumeClaim): Promise<Status | undefined>;
}

/** Recorder is the part of EventRecorder the controller uses. */
export interface Recorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/** UPDATE_ATTEMPTS is retry.DefaultBackoff's steps for RetryOnConflict. */
const UPDATE_ATTEMPTS = 4;

/** aggregate renders errors as utilerrors.NewAggregate does: one alone, several in brackets; none is no error. */
export function aggregate(errors: readonly string[]): string | undefined {
  if (errors.length === 0) return undefined;
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

const title = (verb: string): string => verb.charAt(0).toUpperCase() + verb.slice(1);

export class StatefulPodControl {
  constructor(private readonly objects: StatefulPodObjects, private readonly recorder: Recorder) {}

  /** createStatefulPod creates the pod's claims, then the pod, then sets the claims' owners; an existing pod is an error without an event. */
  async createStatefulPod(set: StatefulSet, pod: Pod): Promise<string | undefined> {
    const claimErr = await this.createPersistentVolumeClaims(set, pod);
    if (claimErr) {
      await this.recordPodEvent('create', set, pod, claimErr);
      return claimErr;
    }
    const res = await this.objects.createPod(pod);
    if (res?.reason === 'AlreadyExists') return res.message ?? 'AlreadyExists';
    const retentionErr = await this.updatePodClaimForRetentionPolicy(set, pod);
    if (retentionErr) {
      await this.recordPodEvent('update', set, pod, retentionErr);
      return retentionErr;
    }
    const err = res ? (res.message ?? res.reason ?? 'error') : undefined;
    await this.recordPodEvent('create', set, pod, err);
    return err;
  }

  /**
   * updateStatefulPod restores the pod's identity, storage and claim owners when
   * they have drifted, retrying on conflicts with the latest copy of the pod.
   */
  async updateStatefulPod(set: StatefulSet, original: Pod): Promise<string | undefined> {
    let pod = structuredClone(original);
    let attempted = false;
    let err: string | undefined;
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      let consistent = true;
      if (!identityMatches(set, pod)) {
        updateIdentity(set, pod);
        consistent = false;
      }
      if (!storageMatches(set, pod)) {
        updateStorage(set, pod);
        consistent = false;
        err = await this.createPersistentVolumeClaims(set, pod);
        if (err) {
          await this.recordPodEvent('update', set, pod, err);
          return err;
        }
      }
      if (!this.claimsMatchRetentionPolicy(set, pod)) {
        err = await this.updatePodClaimForRetentionPolicy(set, pod);
        if (err) {
          await this.recordPodEvent('update', set, pod, err);
          return err;
        }
        consistent = false;
      }
      if (consistent) return undefined;
      attempted = true;
      const res = await this.objects.updatePod(pod);
      err = res ? (res.message ?? 'error') : undefined;
      if (!res || res.code !== 409) break;
      const latest = this.objects.getPod(set.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (latest) pod = structuredClone(latest);
    }
    if (attempted) await this.recordPodEvent('update', set, pod, err);
    return err;
  }

  /** deleteStatefulPod deletes the pod and records it; it answers with the API's Status when the delete failed. */
  async deleteStatefulPod(set: StatefulSet, pod: Pod): Promise<Status | undefined> {
    const res = await this.objects.deletePod(pod);
    await this.recordPodEvent('delete', set, pod, res ? (res.message ?? 'error') : undefined);
    return res;
  }

  /** claimsMatchRetentionPolicy is false when an existing claim of the pod has the wrong owners for the policy. */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    const ordinal = getOrdinal(pod);
    for (const t of set.spec.volumeClaimTemplates ?? []) {
      const claim = this.objects.getClaim(set.metadata.namespace ?? '', claimName(set, t, ordinal));
      if (claim && !isClaimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  /** updatePodClaimForRetentionPolicy rewrites the owners of the pod's claims to match the policy; missing claims wait for the next sync. */
  async updatePodClaimForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<string | undefined> {
    const ordinal = getOrdinal(pod);
    for (const t of set.spec.volumeClaimTemplates ?? []) {
      const name = claimName(set, t, ordinal);
      const found = this.objects.getClaim(set.metadata.namespace ?? '', name);
      if (!found) continue;
      if (hasUnexpectedController(found, set, pod)) {
        await this.recorder.event(set, 'Warning', 'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
      }
      if (isClaimOwnerUpToDate(found, set, pod)) continue;
      const claim = structuredClone(found);
      updateClaimOwnerRefs(claim, set, pod);
      const res = await this.objects.updateClaim(claim);
      if (res) return `could not update claim ${name} for delete policy ownerRefs: ${res.message ?? ''}`;
    }
    return undefined;
  }

  /** podClaimIsStale is true when, under whenScaled Delete, a claim still belongs to an earlier pod of the same name. */
  podClaimIsStale(set: StatefulSet, pod: Pod): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of claimsFor(set, pod).values()) {
      const found = this.objects.getClaim(claim.metadata.namespace ?? '', claim.metadata.name ?? '');
      if (found && hasStaleOwnerRef(found, pod, POD_KIND)) return true;
    }
    return false;
  }

  /** createMissingPersistentVolumeClaims creates a pending pod's missing claims and sets their owners. */
  async createMissingPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<string | undefined> {
    const err = await this.createPersistentVolumeClaims(set, pod);
    if (err) return err;
    const retentionErr = await this.updatePodClaimForRetentionPolicy(set, pod);
    if (retentionErr) await this.recordPodEvent('update', set, pod, retentionErr);
    return retentionErr;
  }

  /** createPersistentVolumeClaims creates each claim the pod needs that does not exist; a claim being deleted is an error. */
  async createPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<string | undefined> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, pod).values()) {
      const name = claim.metadata.name ?? '';
      const found = this.objects.getClaim(claim.metadata.namespace ?? '', name);
      if (!found) {
        const res = await this.objects.createClaim(claim);
        const err = res ? (res.message ?? 'error') : undefined;
        if (err) errors.push(`failed to create PVC ${name}: ${err}`);
        if (!res || res.reason !== 'AlreadyExists') await this.recordClaimEvent('create', set, pod, claim, err);
      } else if (found.metadata.deletionTimestamp) {
        errors.push(`pvc ${name} is being deleted`);
      }
    }
    return aggregate(errors);
  }

  private async recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err: string | undefined): Promise<void> {
    const name = pod.metadata.name ?? '';
    const setName = set.metadata.name ?? '';
    if (!err) await this.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Pod ${name} in StatefulSet ${setName} successful`);
    else await this.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Pod ${name} in StatefulSet ${setName} failed error: ${err}`);
  }

  private async recordClaimEvent(verb: string, set: StatefulSet, pod: Pod, claim: PersistentVolumeClaim, err: string | undefined): Promise<void> {
    const c = claim.metadata.name ?? '';
    const name = pod.metadata.name ?? '';
    const setName = set.metadata.name ?? '';
    if (!err) await this.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Claim ${c} Pod ${name} in StatefulSet ${setName} success`);
    else await this.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Claim ${c} for Pod ${name} in StatefulSet ${setName} failed error: ${err}`);
  }
}
