/**
 * DeploymentController rolls a Deployment's pod template out through
 * ReplicaSets, as upstream's deployment controller: one ReplicaSet per template
 * (named by the pod-template-hash), scaled up and the old ones down within
 * maxSurge/maxUnavailable (RollingUpdate) or all at once (Recreate), with the
 * revision annotation, status counts and the Available/Progressing conditions.
 */
import type { Clock } from '../clock';
import { controllerOf, keyOf, setCondition, timestamp } from '../api/meta';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from '../api/types';
import { isStatus } from '../api/types';
import { safeEncodeString } from '../random';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { DEPLOYMENTS, REPLICASETS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { fnv32a, isControlledBy, ownerRef } from './controllerUtils';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const DESIRED_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
const MAX_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/**
 * computeHash is the pod-template-hash of a template (FNV-1a, safe-encoded as upstream).
 * Upstream hashes the Go struct, whose field order is fixed; the template's keys are
 * sorted here for the same reason, so a template that comes back with its keys in
 * another order (a rollback's JSON patch) finds its old ReplicaSet again.
 */
export function computeHash(template: unknown, collisionCount = 0): string {
  return safeEncodeString(String(fnv32a(JSON.stringify(template, sortedKeys) + (collisionCount ? String(collisionCount) : ''))));
}

/** sortedKeys is a JSON.stringify replacer that writes every object's keys in order. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** maxRevision is the highest revision among ReplicaSets, 0 for none. */
function maxRevision(replicaSets: ReplicaSet[]): number {
  return Math.max(0, ...replicaSets.map((rs) => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0)));
}

/** resolveIntOrPercent is intstr.GetScaledValueFromIntOrPercent. */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  const exact = (pct * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurgeAndUnavailable resolves the rolling parameters; both zero would stall, so unavailable becomes 1. */
export function maxSurgeAndUnavailable(d: Deployment): { surge: number; unavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = resolveIntOrPercent(ru?.maxSurge, replicas, true);
  let unavailable = resolveIntOrPercent(ru?.maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'deployment-controller' });
    this.deployments = factory.informer<Deployment>(DEPLOYMENTS);
    this.replicaSets = factory.informer<ReplicaSet>(REPLICASETS);
    this.replicaSets.addIndexer('controllerUID', (rs) => { const c = controllerOf(rs); return c ? [c.uid] : []; });
    this.deployments.addEventHandler({
      onAdd: (d) => this.queue.add(keyOf(d)),
      onUpdate: (_, d) => this.queue.add(keyOf(d)),
      onDelete: (d) => this.queue.add(keyOf(d)),
    });
    const enqueueOwner = (rs: ReplicaSet) => {
      const ref = controllerOf(rs);
      if (ref?.kind === 'Deployment') this.queue.add(`${rs.metadata.namespace ?? ''}/${ref.name}`);
    };
    this.replicaSets.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_, rs) => enqueueOwner(rs), onDelete: enqueueOwner });
  }

  run(workers = 2): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private async sync(key: string): Promise<void> {
    const d = this.deployments.get(key);
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = this.replicaSets.byIndex('controllerUID', d.metadata.uid ?? '').filter((rs) => isControlledBy(rs, d));
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    let newRS = owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash);
    const oldRSs = owned.filter((rs) => rs !== newRS);
    if (d.spec.paused) return this.writeStatus(d, newRS, oldRSs);
    if (!newRS) {
      const created = await this.createNewReplicaSet(d, hash, oldRSs);
      if (!created) return this.queue.addRateLimited(key);
      newRS = created;
    } else {
      const revised = await this.reviseReplicaSet(newRS, oldRSs);
      if (!revised) return this.queue.addRateLimited(key);
      newRS = revised;
    }
    const ok = d.spec.strategy?.type === 'Recreate' ? await this.recreate(d, newRS, oldRSs) : await this.rollingUpdate(d, newRS, oldRSs);
    await this.writeStatus(d, newRS, oldRSs);
    if (!ok) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /**
   * reviseReplicaSet is SetNewReplicaSetAnnotations for a template that comes back
   * (a rollback): its old ReplicaSet becomes the newest revision, so `rollout
   * history` lists it last. It returns the ReplicaSet as written, undefined on failure.
   */
  private async reviseReplicaSet(rs: ReplicaSet, oldRSs: ReplicaSet[]): Promise<ReplicaSet | undefined> {
    const next = maxRevision(oldRSs) + 1;
    if (Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) >= next) return rs;
    const res = await this.client.update(REPLICASETS, { ...rs, metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, [REVISION_ANNOTATION]: String(next) } } });
    return isStatus(res) ? undefined : res;
  }

  private async createNewReplicaSet(d: Deployment, hash: string, oldRSs: ReplicaSet[]): Promise<ReplicaSet | undefined> {
    const replicas = d.spec.replicas ?? 1;
    const { surge } = maxSurgeAndUnavailable(d);
    const total = oldRSs.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    const initial = d.spec.strategy?.type === 'Recreate' ? 0 : Math.max(0, Math.min(replicas, replicas + surge - total));
    const templateLabels = { ...d.spec.template.metadata?.labels, [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name ?? ''}-${hash}`,
        namespace: d.metadata.namespace,
        labels: templateLabels,
        annotations: { [DESIRED_ANNOTATION]: String(replicas), [MAX_ANNOTATION]: String(replicas + surge), [REVISION_ANNOTATION]: String(maxRevision(oldRSs) + 1) },
        ownerReferences: [ownerRef(d)],
      },
      spec: {
        replicas: initial,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
        template: { metadata: { ...d.spec.template.metadata, labels: templateLabels }, spec: structuredClone(d.spec.template.spec) },
      },
    };
    const res = await this.client.create(REPLICASETS, rs);
    if (isStatus(res)) {
      if (res.code === 409) return this.replicaSets.get(`${rs.metadata.namespace ?? ''}/${rs.metadata.name ?? ''}`);
      await this.recorder.event(d, 'Warning', 'FailedCreate', `Failed to create new replica set "${rs.metadata.name ?? ''}": ${res.message ?? ''}`);
      return undefined;
    }
    if (initial > 0) await this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${res.metadata.name ?? ''} from 0 to ${initial}`);
    return res;
  }

  /** rollingUpdate scales the new ReplicaSet up within maxSurge and old ones down within maxUnavailable. */
  private async rollingUpdate(d: Deployment, newRS: ReplicaSet, oldRSs: ReplicaSet[]): Promise<boolean> {
    const replicas = d.spec.replicas ?? 1;
    const { surge, unavailable } = maxSurgeAndUnavailable(d);
    const all = [newRS, ...oldRSs];
    const current = all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    const newReplicas = newRS.spec.replicas ?? 0;
    let target = newReplicas;
    if (newReplicas > replicas) target = replicas;
    else if (newReplicas < replicas) target = Math.min(replicas, newReplicas + Math.max(0, replicas + surge - current));
    let ok = true;
    if (target !== newReplicas) ok = await this.scale(d, newRS, target);

    // Old pods may go only as far as availability allows.
    const available = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    let budget = Math.max(0, available - (replicas - unavailable));
    for (const rs of [...oldRSs].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))) {
      const have = rs.spec.replicas ?? 0;
      if (have === 0) continue;
      // Unavailable old pods cost nothing to remove.
      const unhealthy = have - (rs.status?.availableReplicas ?? 0);
      const down = Math.min(have, Math.max(0, unhealthy) + budget);
      if (down <= 0) continue;
      budget -= Math.max(0, down - Math.max(0, unhealthy));
      ok = (await this.scale(d, rs, have - down)) && ok;
    }
    return ok;
  }

  /** recreate scales every old ReplicaSet to zero and the new one up once the old pods are gone. */
  private async recreate(d: Deployment, newRS: ReplicaSet, oldRSs: ReplicaSet[]): Promise<boolean> {
    let ok = true;
    for (const rs of oldRSs) if ((rs.spec.replicas ?? 0) > 0) ok = (await this.scale(d, rs, 0)) && ok;
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return ok;
    if ((newRS.spec.replicas ?? 0) !== (d.spec.replicas ?? 1)) ok = (await this.scale(d, newRS, d.spec.replicas ?? 1)) && ok;
    return ok;
  }

  private async scale(d: Deployment, rs: ReplicaSet, replicas: number): Promise<boolean> {
    const from = rs.spec.replicas ?? 0;
    const { surge } = maxSurgeAndUnavailable(d);
    const res = await this.client.update(REPLICASETS, {
      ...rs,
      metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, [DESIRED_ANNOTATION]: String(d.spec.replicas ?? 1), [MAX_ANNOTATION]: String((d.spec.replicas ?? 1) + surge) } },
      spec: { ...rs.spec, replicas },
    });
    if (isStatus(res)) return false;
    const direction = replicas > from ? 'up' : 'down';
    await this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata.name ?? ''} from ${from} to ${replicas}`);
    return true;
  }

  private async writeStatus(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const all = newRS ? [newRS, ...oldRSs] : oldRSs;
    const sum = (f: (rs: ReplicaSet) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const replicas = d.spec.replicas ?? 1;
    const available = sum((rs) => rs.status?.availableReplicas);
    const total = sum((rs) => rs.status?.replicas);
    const { unavailable: maxUnavailable } = maxSurgeAndUnavailable(d);
    const now = timestamp(this.clock.now());
    const isAvailable = available >= replicas - (d.spec.strategy?.type === 'Recreate' ? 0 : maxUnavailable);
    let conditions: Condition[] = setCondition(d.status?.conditions, isAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: now, lastTransitionTime: now }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: now, lastTransitionTime: now });
    if (newRS) {
      const complete = (newRS.status?.availableReplicas ?? 0) >= replicas && total === replicas && sum((rs) => rs.spec.replicas) === replicas;
      const progressing: Condition = complete
        ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newRS.metadata.name ?? ''}" has successfully progressed.`, lastUpdateTime: now, lastTransitionTime: now }
        : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRS.metadata.name ?? ''}" is progressing.`, lastUpdateTime: now, lastTransitionTime: now };
      const prev = d.status?.conditions?.find((c) => c.type === 'Progressing');
      conditions = setCondition(conditions, prev && prev.reason === progressing.reason ? { ...prev } : progressing);
    }
    const prevAvail = d.status?.conditions?.find((c) => c.type === 'Available');
    const nextAvail = conditions.find((c) => c.type === 'Available');
    if (prevAvail && nextAvail && prevAvail.status === nextAvail.status) conditions = setCondition(conditions, { ...prevAvail });
    const status: DeploymentStatus = {
      observedGeneration: d.metadata.generation,
      replicas: total,
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, replicas - available),
      conditions,
      ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
    };
    if (JSON.stringify(status) === JSON.stringify(d.status)) return;
    await this.client.updateStatus(DEPLOYMENTS, { ...d, status });
  }
}
