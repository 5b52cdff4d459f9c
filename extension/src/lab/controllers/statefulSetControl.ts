/**
 * StatefulSetControl is upstream's stateful_set_control.go (as of 1.32, with
 * StatefulSetAutoDeletePVC on and MaxUnavailableStatefulSet off): one pass over
 * a StatefulSet and its pods. It settles the current and update revisions, makes
 * missing pods (in order, each waiting for its predecessors to be Running and
 * Ready, unless the policy is Parallel), scales down from the highest ordinal,
 * rolls pods at or above the partition to the update revision one at a time,
 * writes status and trims the revision history.
 */
import type { ControllerRevision, Pod, StatefulSet, StatefulSetStatus, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { ControllerHistory } from './controllerHistory';
import { equalRevision, findEqualRevisions, nextRevision, sortControllerRevisions } from './controllerHistory';
import { type Recorder, type StatefulPodControl, aggregate } from './statefulPodControl';
import {
  allowsBurst, applyRevision, completeRollingUpdate, endOrdinal, getOrdinal, identityMatches, inconsistentStatus, isCreated, isFailed, isHealthy,
  isPending, isRunningAndAvailable, isRunningAndReady, isSucceeded, isTerminating, newRevision, newVersionedStatefulSetPod, podInOrdinalRange,
  podRevision, STATEFULSET_KIND, startOrdinal, storageMatches,
} from './statefulSetUtils';

/** MAX_BATCH_SIZE is MaxBatchSize: the most pods a Parallel set touches at once. */
const MAX_BATCH_SIZE = 500;

/** StatefulSetHistory is the part of ControllerHistory the control uses. */
export type StatefulSetHistory = Pick<ControllerHistory, 'list' | 'create' | 'update' | 'delete' | 'adopt'>;

/** SyncResult is what one pass produced: the status it computed (if it got that far) and an error to retry on. */
export interface SyncResult {
  status?: StatefulSetStatus;
  error?: string;
}

/** A step answers whether the pass must stop here, and why it failed if it did. */
type Step = (i: number) => Promise<[boolean, string | undefined]>;

const message = (s: Status | undefined): string | undefined => (s ? (s.message ?? s.reason ?? 'error') : undefined);

/**
 * runForAll runs fn over n items: in order, stopping at the first that asks to
 * (monotonic), or in doubling parallel batches up to MAX_BATCH_SIZE (slowStartBatch).
 */
async function runForAll(n: number, fn: Step, monotonic: boolean): Promise<[boolean, string | undefined]> {
  if (monotonic) {
    for (let i = 0; i < n; i++) {
      const [exit, err] = await fn(i);
      if (exit || err) return [true, err];
    }
    return [false, undefined];
  }
  let next = 0;
  for (let batch = Math.min(1, n); batch > 0; batch = Math.min(2 * batch, n - next, MAX_BATCH_SIZE)) {
    const results = await Promise.all(Array.from({ length: batch }, (_, k) => fn(next + k)));
    next += batch;
    const errors = results.map(([, e]) => e).filter((e): e is string => !!e);
    if (errors.length) return [true, aggregate(errors)];
  }
  return [false, undefined];
}

export class StatefulSetControl {
  constructor(
    private readonly podControl: StatefulPodControl,
    private readonly history: StatefulSetHistory,
    private readonly writeStatus: (set: StatefulSet, status: StatefulSetStatus) => Promise<string | undefined>,
    private readonly recorder: Recorder,
    private readonly now: () => number,
  ) {}

  /** listRevisions is the set's revisions: those matching its selector that it controls or that are orphans. */
  listRevisions(set: StatefulSet): ControllerRevision[] {
    return this.history.list(set.metadata.namespace ?? '', set.spec.selector, set);
  }

  /** adoptOrphanRevisions makes set the controller of each revision given. */
  async adoptOrphanRevisions(set: StatefulSet, revisions: ControllerRevision[]): Promise<string | undefined> {
    for (const r of revisions) {
      const res = await this.history.adopt(set, STATEFULSET_KIND, r);
      if (isStatus(res)) return res.message;
    }
    return undefined;
  }

  /** updateStatefulSet is one pass of the control loop over set and the pods it owns. */
  async updateStatefulSet(original: StatefulSet, pods: Pod[]): Promise<SyncResult> {
    const set = structuredClone(original);
    const revisions = sortControllerRevisions(this.listRevisions(set));
    const pass = await this.performUpdate(set, pods, revisions);
    const truncateErr = await this.truncateHistory(set, pods, revisions, pass.current, pass.update);
    if (pass.error) return { error: aggregate([pass.error, ...(truncateErr ? [truncateErr] : [])]) };
    return { status: pass.status, error: truncateErr };
  }

  private async performUpdate(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[]): Promise<SyncResult & { current?: ControllerRevision; update?: ControllerRevision }> {
    const revs = await this.statefulSetRevisions(set, revisions);
    if ('error' in revs) return { error: revs.error };
    const { current, update, collisionCount } = revs;
    const result = await this.updateReplicas(set, current, update, collisionCount, pods);
    if (!result.status) return { current, update, error: result.error };
    const statusErr = await this.updateStatefulSetStatus(set, result.status);
    return { current, update, status: result.status, error: result.error ?? statusErr };
  }

  /** truncateHistory deletes the oldest revisions no pod, nor the status, uses, down to revisionHistoryLimit. */
  private async truncateHistory(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], current?: ControllerRevision, update?: ControllerRevision): Promise<string | undefined> {
    const live = new Set<string>(pods.map(podRevision));
    if (current) live.add(current.metadata.name ?? '');
    if (update) live.add(update.metadata.name ?? '');
    const old = revisions.filter((r) => !live.has(r.metadata.name ?? ''));
    const limit = set.spec.revisionHistoryLimit ?? 10;
    for (const r of old.slice(0, Math.max(0, old.length - limit))) {
      const err = await this.history.delete(r);
      if (err) return err.message;
    }
    return undefined;
  }

  /**
   * statefulSetRevisions is getStatefulSetRevisions: the update revision is the
   * current template's (the newest revision if equal, an older equal one
   * renumbered as newest on a rollback, else a new one); the current revision is
   * status.currentRevision's, or the update revision for a new set.
   */
  private async statefulSetRevisions(set: StatefulSet, revisions: ControllerRevision[]): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number } | { error: string }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    let update = newRevision(set, nextRevision(revisions), collisionCount);
    const equal = findEqualRevisions(revisions, update);
    if (equal.length > 0 && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
      update = revisions[revisions.length - 1];
    } else if (equal.length > 0) {
      const res = await this.history.update(equal[equal.length - 1], update.revision);
      if (isStatus(res)) return { error: res.message ?? 'error' };
      update = res;
    } else {
      const res = await this.history.create(set, update, collisionCount);
      if (isStatus(res)) return { error: res.message ?? 'error' };
      update = res.revision;
      collisionCount = res.collisionCount;
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** countReplicas is updateStatus: the status counters over the pods given. */
  private countReplicas(status: StatefulSetStatus, minReadySeconds: number, current: ControllerRevision, update: ControllerRevision, pods: Pod[]): void {
    const now = this.now();
    status.replicas = 0;
    status.readyReplicas = 0;
    status.availableReplicas = 0;
    status.currentReplicas = 0;
    status.updatedReplicas = 0;
    for (const pod of pods) {
      if (isCreated(pod)) status.replicas++;
      if (isRunningAndReady(pod)) {
        status.readyReplicas++;
        if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas++;
      }
      if (isCreated(pod) && !isTerminating(pod)) {
        if (podRevision(pod) === current.metadata.name) status.currentReplicas++;
        if (podRevision(pod) === update.metadata.name) status.updatedReplicas++;
      }
    }
  }

  /** updateReplicas is updateStatefulSet: it creates, fixes and deletes pods toward the set's spec and returns the status seen. */
  private async updateReplicas(set: StatefulSet, current: ControllerRevision, update: ControllerRevision, collisionCount: number, pods: Pod[]): Promise<SyncResult> {
    const currentSet = applyRevision(set, current);
    const updateSet = applyRevision(set, update);
    const minReady = set.spec.minReadySeconds ?? 0;
    const status: StatefulSetStatus = {
      replicas: 0, observedGeneration: set.metadata.generation, currentRevision: current.metadata.name, updateRevision: update.metadata.name, collisionCount,
    };
    this.countReplicas(status, minReady, current, update, pods);

    const start = startOrdinal(set);
    const replicas: Pod[] = new Array<Pod>(set.spec.replicas ?? 1);
    let condemned: Pod[] = [];
    for (const pod of pods) {
      if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = pod;
      else if (getOrdinal(pod) >= 0) condemned.push(pod);
    }
    const fresh = (ord: number): Pod => newVersionedStatefulSetPod(currentSet, updateSet, current.metadata.name ?? '', update.metadata.name ?? '', ord);
    for (let ord = start; ord <= endOrdinal(set); ord++) replicas[ord - start] ??= fresh(ord);
    condemned = condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
    const firstUnhealthy = replicas.find((p) => !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));

    if (set.metadata.deletionTimestamp) return { status };
    const monotonic = !allowsBurst(set);
    const recount = (): void => this.countReplicas(status, minReady, current, update, [...replicas, ...condemned]);

    const processReplica: Step = async (i) => {
      if (isFailed(replicas[i]) || isSucceeded(replicas[i])) {
        const failed = isFailed(replicas[i]);
        const what = failed ? 'failed' : 'terminated';
        await this.recorder.event(set, failed ? 'Warning' : 'Normal', failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
          `StatefulSet ${set.metadata.namespace ?? ''}/${set.metadata.name ?? ''} is recreating ${what} Pod ${replicas[i].metadata.name ?? ''}`);
        const err = message(await this.podControl.deleteStatefulPod(set, replicas[i]));
        if (err) return [true, err];
        replicas[i] = fresh(i + start);
      }
      if (!isCreated(replicas[i])) {
        // A claim still owned by an earlier pod of this name waits for the garbage collector.
        if (this.podControl.podClaimIsStale(set, replicas[i])) return [true, undefined];
        const err = await this.podControl.createStatefulPod(set, replicas[i]);
        if (err) return [true, err];
        if (monotonic) return [true, undefined];
      }
      if (isPending(replicas[i])) {
        const err = await this.podControl.createMissingPersistentVolumeClaims(set, replicas[i]);
        if (err) return [true, err];
      }
      if (monotonic && (isTerminating(replicas[i]) || !isRunningAndReady(replicas[i]) || !isRunningAndAvailable(replicas[i], minReady, this.now()))) return [true, undefined];
      const retentionMatch = this.podControl.claimsMatchRetentionPolicy(updateSet, replicas[i]);
      if (identityMatches(set, replicas[i]) && storageMatches(set, replicas[i]) && retentionMatch) return [false, undefined];
      const err = await this.podControl.updateStatefulPod(updateSet, replicas[i]);
      return [!!err, err];
    };
    let [exit, err] = await runForAll(replicas.length, processReplica, monotonic);
    if (exit || err) {
      recount();
      return { status, error: err };
    }

    // Condemned pods' claims get the owners whenScaled asks for before the pods go.
    const fixPodClaim: Step = async (i) => {
      if (this.podControl.claimsMatchRetentionPolicy(updateSet, condemned[i])) return [false, undefined];
      const e = await this.podControl.updatePodClaimForRetentionPolicy(updateSet, condemned[i]);
      return [!!e, e];
    };
    [exit, err] = await runForAll(condemned.length, fixPodClaim, monotonic);
    if (exit || err) {
      recount();
      return { status, error: err };
    }

    // Scale down from the highest ordinal; in order, only once every remaining replica is healthy.
    const processCondemned: Step = async (i) => {
      const pod = condemned[i];
      if (isTerminating(pod)) return [monotonic, undefined];
      if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, this.now()))) return [true, undefined];
      return [true, message(await this.podControl.deleteStatefulPod(set, pod))];
    };
    [exit, err] = await runForAll(condemned.length, processCondemned, monotonic);
    recount();
    if (exit || err) return { status, error: err };

    if (set.spec.updateStrategy?.type === 'OnDelete') return { status };
    // RollingUpdate: replace the highest pod not at the update revision, one at a time, down to the partition.
    const updateMin = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      if (podRevision(replicas[target]) !== update.metadata.name && !isTerminating(replicas[target])) {
        const res = await this.podControl.deleteStatefulPod(set, replicas[target]);
        status.currentReplicas = (status.currentReplicas ?? 0) - 1;
        return { status, error: res && res.code !== 404 ? message(res) : undefined };
      }
      if (!isHealthy(replicas[target])) return { status };
    }
    return { status };
  }

  /** updateStatefulSetStatus completes a finished rolling update and writes the status if it changed. */
  private async updateStatefulSetStatus(set: StatefulSet, status: StatefulSetStatus): Promise<string | undefined> {
    completeRollingUpdate(set, status);
    if (!inconsistentStatus(set, status)) return undefined;
    return this.writeStatus(set, status);
  }
}
