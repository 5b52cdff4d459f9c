/**
 * StatefulSetController is upstream's stateful_set.go: it watches StatefulSets,
 * their pods, claims and ControllerRevisions, adopts orphaned pods and revisions
 * that match, releases pods that no longer do, and runs StatefulSetControl over
 * each set that changed.
 */
import type { Clock } from '../clock';
import { selectorMatches } from '../api/labels';
import { controllerOf, keyOf } from '../api/meta';
import { isPodReady } from '../api/pods';
import type { ControllerRevision, KubeObject, Pod, StatefulSet, StatefulSetStatus, Status } from '../api/types';
import { isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONTROLLER_REVISIONS, PERSISTENTVOLUMECLAIMS, PODS, STATEFULSETS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { ControllerHistory } from './controllerHistory';
import { StatefulPodControl, type StatefulPodObjects } from './statefulPodControl';
import { StatefulSetControl } from './statefulSetControl';
import { type PersistentVolumeClaim, controllerRefTo, isMemberOf, STATEFULSET_KIND } from './statefulSetUtils';
import { addPodClaimIndexes, claimCandidates } from './podClaimIndexes';

/** STATUS_ATTEMPTS is retry.DefaultRetry's steps for the status write. */
const STATUS_ATTEMPTS = 5;

/** failure is the Status of a failed call, undefined for a success (a delete may answer with a Success Status). */
function failure(res: unknown): Status | undefined {
  return isStatus(res) && res.status === 'Failure' ? res : undefined;
}

/** statusBody is the status as apps/v1 writes it: omitempty counters left out at zero, availableReplicas and collisionCount always. */
export function statusBody(s: StatefulSetStatus): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: s.replicas };
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  out.availableReplicas = s.availableReplicas ?? 0;
  return out;
}

export class StatefulSetController {
  private readonly queue: WorkQueue;
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly control: StatefulSetControl;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    const recorder = new EventRecorder(client, clock, { component: 'statefulset-controller' });
    this.sets = factory.informer<StatefulSet>(STATEFULSETS);
    this.pods = factory.informer<Pod>(PODS);
    this.claims = factory.informer<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
    const revisions = factory.informer<ControllerRevision>(CONTROLLER_REVISIONS);
    addPodClaimIndexes(this.pods);
    const objects: StatefulPodObjects = {
      createPod: async (pod) => failure(await client.create(PODS, pod)),
      getPod: (ns, name) => this.pods.get(`${ns}/${name}`),
      updatePod: async (pod) => failure(await client.update(PODS, pod)),
      deletePod: async (pod) => failure(await client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '')),
      createClaim: async (claim) => failure(await client.create(PERSISTENTVOLUMECLAIMS, claim)),
      getClaim: (ns, name) => this.claims.get(`${ns}/${name}`),
      updateClaim: async (claim) => failure(await client.update(PERSISTENTVOLUMECLAIMS, claim)),
    };
    this.control = new StatefulSetControl(new StatefulPodControl(objects, recorder), new ControllerHistory(client, revisions), (set, status) => this.writeStatus(set, status), recorder, () => clock.now());

    this.sets.addEventHandler({
      onAdd: (set) => this.queue.add(keyOf(set)),
      onUpdate: (_, set) => this.queue.add(keyOf(set)),
      onDelete: (set) => this.queue.add(keyOf(set)),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => (pod.metadata.deletionTimestamp ? this.podDeleted(pod) : this.podChanged(undefined, pod)),
      onUpdate: (old, pod) => this.podChanged(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** resolve is resolveControllerRef: the set a controller reference names, if it is a StatefulSet with that uid. */
  private resolve(namespace: string, ref: { kind: string; name: string; uid: string } | undefined): StatefulSet | undefined {
    if (ref?.kind !== 'StatefulSet') return undefined;
    const set = this.sets.get(`${namespace}/${ref.name}`);
    return set?.metadata.uid === ref.uid ? set : undefined;
  }

  /** setsForPod is GetPodStatefulSets: the namespace's sets whose selector matches the pod. */
  private setsForPod(pod: Pod): StatefulSet[] {
    return this.sets.list().filter((s) => s.metadata.namespace === pod.metadata.namespace && selectorMatches(s.spec.selector, pod.metadata.labels));
  }

  private podChanged(old: Pod | undefined, pod: Pod): void {
    if (old && old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const ns = pod.metadata.namespace ?? '';
    const ref = controllerOf(pod);
    const oldRef = old ? controllerOf(old) : undefined;
    const refChanged = JSON.stringify(ref) !== JSON.stringify(oldRef);
    if (old && refChanged && oldRef) {
      const previous = this.resolve(ns, oldRef);
      if (previous) this.queue.add(keyOf(previous));
    }
    if (ref) {
      const set = this.resolve(ns, ref);
      if (!set) return;
      this.queue.add(keyOf(set));
      // The pod becomes available minReadySeconds after it is ready: look again then (and a second more for skew).
      const minReady = set.spec.minReadySeconds ?? 0;
      if (old && !isPodReady(old) && isPodReady(pod) && minReady > 0) this.queue.addAfter(keyOf(set), minReady * 1000 + 1000);
      return;
    }
    // An orphan: the sets that select it may want to adopt it.
    const labelsChanged = JSON.stringify(old?.metadata.labels) !== JSON.stringify(pod.metadata.labels);
    if (!old || labelsChanged || refChanged) for (const set of this.setsForPod(pod)) this.queue.add(keyOf(set));
  }

  private podDeleted(pod: Pod): void {
    const set = this.resolve(pod.metadata.namespace ?? '', controllerOf(pod));
    if (set) this.queue.add(keyOf(set));
  }

  private async sync(key: string): Promise<void> {
    const set = this.sets.get(key);
    if (!set) return;
    let error = await this.adoptOrphanRevisions(set);
    if (!error) {
      const claimed = await this.podsForStatefulSet(set);
      if ('error' in claimed) error = claimed.error;
      else {
        const result = await this.control.updateStatefulSet(set, claimed.pods);
        error = result.error;
        const minReady = set.spec.minReadySeconds ?? 0;
        if (!error && minReady > 0 && result.status && result.status.availableReplicas !== (set.spec.replicas ?? 1)) this.queue.addAfter(key, minReady * 1000);
      }
    }
    if (error) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /** canAdopt is RecheckDeletionTimestamp: a fresh read, so a set being deleted adopts nothing. */
  private async canAdopt(set: StatefulSet): Promise<string | undefined> {
    const fresh = await this.client.get<StatefulSet>(STATEFULSETS, set.metadata.namespace ?? '', set.metadata.name ?? '');
    if (isStatus(fresh)) return fresh.message;
    if (fresh.metadata.uid !== set.metadata.uid) return `original StatefulSet ${set.metadata.namespace ?? ''}/${set.metadata.name ?? ''} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${set.metadata.uid ?? ''}`;
    if (fresh.metadata.deletionTimestamp) return `${set.metadata.namespace ?? ''}/${set.metadata.name ?? ''} has just been deleted at ${fresh.metadata.deletionTimestamp}`;
    return undefined;
  }

  private async adoptOrphanRevisions(set: StatefulSet): Promise<string | undefined> {
    const orphans = this.control.listRevisions(set).filter((r) => !controllerOf(r));
    if (orphans.length === 0) return undefined;
    const cannot = await this.canAdopt(set);
    if (cannot) return `can't adopt ControllerRevisions: ${cannot}`;
    return this.control.adoptOrphanRevisions(set, orphans);
  }

  /**
   * podsForStatefulSet is ClaimPods: the pods the set controls and still selects
   * (and that are named as its members), plus matching orphans it adopts; pods it
   * controls but no longer selects are released.
   */
  private async podsForStatefulSet(set: StatefulSet): Promise<{ pods: Pod[] } | { error: string }> {
    const ns = set.metadata.namespace ?? '';
    const uid = set.metadata.uid ?? '';
    const candidates = claimCandidates(this.pods, ns, uid);
    const claimed: Pod[] = [];
    const errors: string[] = [];
    let adoptable: string | undefined | null = null;
    for (const pod of candidates) {
      const matches = selectorMatches(set.spec.selector, pod.metadata.labels) && isMemberOf(set, pod);
      const ref = controllerOf(pod);
      if (ref) {
        if (matches) claimed.push(pod);
        else if (!pod.metadata.deletionTimestamp) {
          const res = failure(await this.patchOwner(pod, { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: pod.metadata.uid } }));
          if (res && res.code !== 404 && res.code !== 422) errors.push(res.message ?? 'error');
        }
        continue;
      }
      if (!matches || set.metadata.deletionTimestamp || pod.metadata.deletionTimestamp) continue;
      if (adoptable === null) adoptable = await this.canAdopt(set);
      if (adoptable) {
        errors.push(`can't adopt Pod ${ns}/${pod.metadata.name ?? ''} (${pod.metadata.uid ?? ''}): ${adoptable}`);
        continue;
      }
      const adopted = await this.patchOwner(pod, { metadata: { ownerReferences: [controllerRefTo(set, STATEFULSET_KIND)], uid: pod.metadata.uid } });
      const res = failure(adopted);
      if (!res) claimed.push(adopted as Pod);
      else if (res.code !== 404) errors.push(res.message ?? 'error');
    }
    return errors.length ? { error: errors.join('; ') } : { pods: claimed };
  }

  private patchOwner(pod: Pod, patch: unknown): Promise<KubeObject | Status> {
    return this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, 'application/strategic-merge-patch+json');
  }

  /** writeStatus is UpdateStatefulSetStatus: it writes status, retrying a conflict on the latest copy. */
  private async writeStatus(original: StatefulSet, status: StatefulSetStatus): Promise<string | undefined> {
    let set = original;
    let last: string | undefined;
    for (let attempt = 0; attempt < STATUS_ATTEMPTS; attempt++) {
      const res = failure(await this.client.updateStatus(STATEFULSETS, { ...set, status: statusBody(status) }));
      if (!res) return undefined;
      last = res.message;
      if (res.code !== 409) return last;
      // Upstream re-reads its lister; the lab reads the API, since its informer may not have the newer copy yet and nothing here waits.
      const fresh = await this.client.get<StatefulSet>(STATEFULSETS, set.metadata.namespace ?? '', set.metadata.name ?? '');
      if (isStatus(fresh)) return fresh.message;
      set = fresh;
    }
    return last;
  }
}
