/**
 * ReplicaSetController keeps each ReplicaSet's number of pods at spec.replicas:
 * it creates pods from the template, deletes surplus pods (least useful first),
 * and reports how many are ready and available, as upstream's replica_set.go.
 * Upstream runs the same controller over ReplicationControllers through an
 * adapter (pkg/controller/replication); here the kind it manages is a parameter.
 */
import type { Clock } from '../clock';
import { controllerOf, getCondition, keyOf, setCondition, timestamp } from '../api/meta';
import { isPodActive, isPodReady } from '../api/pods';
import type { Condition, KubeObject, Pod, PodTemplateSpec } from '../api/types';
import { isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { PODS, REPLICASETS, type ResourceRef } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { Expectations, isControlledBy, podFromTemplate } from './controllerUtils';
import { addPodClaimIndexes, CONTROLLER_UID_INDEX } from './podClaimIndexes';

/** Pods are created in doubling batches (slowStartBatch), at most this many per sync (burstReplicas). */
const BURST_REPLICAS = 500;
/** REPLICA_FAILURE is the condition set while creating or deleting pods fails (ReplicaSetReplicaFailure, ReplicationControllerReplicaFailure). */
export const REPLICA_FAILURE = 'ReplicaFailure';

/** ReplicaOwner is what the controller reads of a ReplicaSet or a ReplicationController. */
export interface ReplicaOwner extends KubeObject {
  spec: { replicas?: number; template?: PodTemplateSpec; minReadySeconds?: number };
  status?: ReplicaOwnerStatus;
}

/** ReplicaOwnerStatus is the status both kinds share. */
export interface ReplicaOwnerStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** ReplicaKind names the kind a controller manages: its resource, its kind in owner references, and the component its events come from. */
export interface ReplicaKind {
  resource: ResourceRef;
  kind: string;
  component: string;
}

/** REPLICA_SET_KIND is apps/v1 ReplicaSets, managed as replicaset-controller. */
export const REPLICA_SET_KIND: ReplicaKind = { resource: REPLICASETS, kind: 'ReplicaSet', component: 'replicaset-controller' };

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly replicaSets: Informer<ReplicaOwner>;
  private readonly pods: Informer<Pod>;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory, private readonly managed: ReplicaKind = REPLICA_SET_KIND) {
    this.queue = new WorkQueue(clock);
    this.expectations = new Expectations(clock);
    this.recorder = new EventRecorder(client, clock, { component: managed.component });
    this.replicaSets = factory.informer<ReplicaOwner>(managed.resource);
    this.pods = factory.informer<Pod>(PODS);
    addPodClaimIndexes(this.pods);
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.queue.add(keyOf(rs)),
      onUpdate: (_, rs) => this.queue.add(keyOf(rs)),
      onDelete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => {
        const rsKey = this.ownerKey(pod);
        if (!rsKey) return;
        this.expectations.creationObserved(rsKey);
        this.queue.add(rsKey);
      },
      onUpdate: (old, pod) => {
        const rsKey = this.ownerKey(pod);
        if (rsKey) this.queue.add(rsKey);
        const oldKey = this.ownerKey(old);
        if (oldKey && oldKey !== rsKey) this.queue.add(oldKey);
        // The ready pod becomes available after minReadySeconds; look again then.
        const rs = rsKey ? this.replicaSets.get(rsKey) : undefined;
        if (rs?.spec.minReadySeconds && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(rsKey as string, rs.spec.minReadySeconds * 1000 + 1000);
      },
      onDelete: (pod) => {
        const rsKey = this.ownerKey(pod);
        if (!rsKey) return;
        this.expectations.deletionObserved(rsKey);
        this.queue.add(rsKey);
      },
    });
  }

  run(workers = 2): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private ownerKey(pod: Pod): string | undefined {
    const ref = controllerOf(pod);
    if (ref?.kind !== this.managed.kind) return undefined;
    return `${pod.metadata.namespace ?? ''}/${ref.name}`;
  }

  private async sync(key: string): Promise<void> {
    const rs = this.replicaSets.get(key);
    if (!rs) return;
    const pods = this.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '').filter((p) => isPodActive(p) && isControlledBy(p, rs));
    let failure: string | undefined;
    if (this.expectations.satisfied(key) && !rs.metadata.deletionTimestamp) failure = await this.manageReplicas(key, rs, pods);
    await this.updateStatus(rs, pods, failure);
    if (failure !== undefined) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /** manageReplicas creates or deletes pods to reach spec.replicas; it answers the first failed call's message, if one failed. */
  private async manageReplicas(key: string, rs: ReplicaOwner, pods: Pod[]): Promise<string | undefined> {
    const diff = pods.length - (rs.spec.replicas ?? 1);
    const template = rs.spec.template;
    if (diff < 0 && template) {
      const want = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expect(key, want, 0);
      let failure: string | undefined;
      let created = 0;
      // slowStartBatch: 1, 2, 4, … so a broken template fails fast instead of N times.
      for (let batch = 1; created < want && failure === undefined; batch *= 2) {
        const size = Math.min(batch, want - created);
        const results = await Promise.all(Array.from({ length: size }, () => this.client.create(PODS, podFromTemplate(template, rs))));
        for (const r of results) {
          if (isStatus(r)) {
            failure ??= r.message ?? '';
            this.expectations.creationObserved(key);
            await this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${r.message ?? ''}`);
          } else {
            await this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.metadata.name ?? ''}`);
          }
        }
        created += size;
      }
      // Pods never attempted will not be observed.
      for (let i = created; i < want; i++) this.expectations.creationObserved(key);
      return failure;
    }
    if (diff > 0) {
      const victims = [...pods].sort(deletionRank).slice(0, Math.min(diff, BURST_REPLICAS));
      this.expectations.expect(key, 0, victims.length);
      let failure: string | undefined;
      for (const pod of victims) {
        const r = await this.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
        if (isStatus(r)) {
          this.expectations.deletionObserved(key);
          if (r.code !== 404) failure ??= r.message ?? '';
        } else {
          await this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`);
        }
      }
      return failure;
    }
    return undefined;
  }

  /**
   * updateStatus is calculateStatus and updateReplicaSetStatus: the counts, and
   * the ReplicaFailure condition set when this sync's creates or deletes failed
   * (FailedCreate or FailedDelete, with the API's message) and cleared when it
   * did not.
   */
  private async updateStatus(rs: ReplicaOwner, pods: Pod[], failure: string | undefined): Promise<void> {
    const minReady = (rs.spec.minReadySeconds ?? 0) * 1000;
    const now = this.clock.now();
    const templateLabels = rs.spec.template?.metadata?.labels ?? {};
    const ready = pods.filter(isPodReady);
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: ready.length,
      availableReplicas: ready.filter((p) => {
        const t = getCondition(p.status?.conditions, 'Ready')?.lastTransitionTime;
        return minReady === 0 || (t !== undefined && Date.parse(t) + minReady <= now);
      }).length,
      observedGeneration: rs.metadata.generation,
    };
    const old: ReplicaOwnerStatus = rs.status ?? { replicas: 0 };
    let conditions = old.conditions;
    const failureCond = getCondition(conditions, REPLICA_FAILURE);
    if (failure !== undefined && !failureCond) {
      const diff = pods.length - (rs.spec.replicas ?? 1);
      const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
      conditions = setCondition(conditions, { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: timestamp(now), reason, message: failure });
    } else if (failure === undefined && failureCond) {
      conditions = conditions?.filter((c) => c.type !== REPLICA_FAILURE);
    }
    const next: ReplicaOwnerStatus = { ...old, ...status };
    if (conditions?.length) next.conditions = conditions;
    else delete next.conditions;
    if (JSON.stringify(old) === JSON.stringify(next)) return;
    await this.client.updateStatus(this.managed.resource, { ...rs, status: next });
  }
}

/** deletionRank orders pods most-deletable first: unscheduled, pending, not ready, then newest. */
function deletionRank(a: Pod, b: Pod): number {
  const score = (p: Pod): number[] => [
    p.spec.nodeName ? 1 : 0,
    p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : 2,
    isPodReady(p) ? 1 : 0,
  ];
  const sa = score(a);
  const sb = score(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i] - sb[i];
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}
