/**
 * DisruptionController keeps each PodDisruptionBudget's status, as upstream's
 * pkg/controller/disruption/disruption.go: the pods its selector picks, how
 * many of them are healthy, how many must be (a percentage counted against the
 * scale of the pods' controllers), and so how many disruptions the eviction
 * subresource may allow. Evictions it has not yet seen carried out stay in
 * disruptedPods for up to two minutes; a pod left with a DisruptionTarget
 * condition but never deleted has the condition turned False after two minutes.
 */
import type { Clock } from '../clock';
import { controllerOf, keyOf, setCondition, timestamp } from '../api/meta';
import { fromLabelSelector, matches, selectorMatches } from '../api/labels';
import type { Deployment, KubeObject, OwnerReference, Pod, ReplicaSet } from '../api/types';
import { isStatus } from '../api/types';
import type { PodDisruptionBudget } from '../apiserver/validation/types/scheduling';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { DEPLOYMENTS, PODDISRUPTIONBUDGETS, PODS, REPLICASETS, REPLICATIONCONTROLLERS, STATEFULSETS, resourcePath } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import {
  STALE_POD_DISRUPTION_TIMEOUT_MS, buildDisruptedPodMap, countHealthyPods, failSafeStatus, labelSelectorString, nextStatus, scaledValue,
} from './disruptionStatus';

/** NAMESPACE_INDEX indexes objects by namespace, as the listers' namespace views. */
const NAMESPACE_INDEX = 'metadata.namespace';
/** The component upstream's recorder names as the events' source. */
const EVENT_SOURCE = 'controllermanager';

/** Scalable is the part of a workload the controller reads: its desired replicas. */
interface Scalable extends KubeObject {
  spec?: { replicas?: number };
}

/** ControllerScale is controllerAndScale: a pod's controller and its desired replicas. */
interface ControllerScale {
  uid: string;
  scale: number;
}

/** APIResourceList is the part of a discovery document the scale lookup reads. */
interface APIResourceList {
  resources?: { name: string; kind: string; group?: string; version?: string }[];
}

/** parseGroupVersion is schema.ParseGroupVersion. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } | { error: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return { error: `unexpected GroupVersion string: ${apiVersion}` };
}

/** verifyGroupKind: ref is of kind in one of groups (an unparsable apiVersion is an error). */
function verifyGroupKind(ref: OwnerReference, kind: string, groups: readonly string[]): boolean | { error: string } {
  const gv = parseGroupVersion(ref.apiVersion);
  if ('error' in gv) return gv;
  return ref.kind === kind && groups.includes(gv.group);
}

export class DisruptionController {
  private readonly queue: WorkQueue;
  private readonly stalePodQueue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly rcs: Informer<Scalable>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly deployments: Informer<Deployment>;
  private readonly statefulSets: Informer<Scalable>;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.stalePodQueue = new WorkQueue(clock);
    this.recorder = new EventRecorder(client, clock, { component: EVENT_SOURCE });
    this.pdbs = factory.informer<PodDisruptionBudget>(PODDISRUPTIONBUDGETS);
    this.pods = factory.informer<Pod>(PODS);
    this.rcs = factory.informer<Scalable>(REPLICATIONCONTROLLERS);
    this.replicaSets = factory.informer<ReplicaSet>(REPLICASETS);
    this.deployments = factory.informer<Deployment>(DEPLOYMENTS);
    this.statefulSets = factory.informer<Scalable>(STATEFULSETS);
    const byNamespace = (o: KubeObject) => [o.metadata.namespace ?? ''];
    this.pdbs.addIndexer(NAMESPACE_INDEX, byNamespace);
    this.pods.addIndexer(NAMESPACE_INDEX, byNamespace);
    const enqueue = (pdb: PodDisruptionBudget) => this.queue.add(keyOf(pdb));
    this.pdbs.addEventHandler({ onAdd: enqueue, onUpdate: (_, pdb) => enqueue(pdb), onDelete: enqueue });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(pod, true),
      onUpdate: (_, pod) => this.podChanged(pod, true),
      onDelete: (pod) => this.podChanged(pod, false),
    });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.sync(key), workers);
    this.stalePodQueue.run((key) => this.syncStalePodDisruption(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
    this.stalePodQueue.shutDown();
  }

  /** podChanged queues the pod's budget and, for a live pod, the clean-up of a stale DisruptionTarget condition. */
  private podChanged(pod: Pod, live: boolean): void {
    const pdb = this.pdbForPod(pod);
    if (pdb) this.queue.add(keyOf(pdb));
    if (!live) return;
    const wait = this.staleDisruptionWait(pod);
    if (wait !== undefined) this.stalePodQueue.addAfter(keyOf(pod), wait);
  }

  /**
   * pdbForPod is getPdbForPod: the first budget selecting pod. A pod under more
   * than one is reported, since the eviction subresource refuses such pods. A
   * budget with no or an empty selector selects no pod here, as the lister's
   * GetPodPodDisruptionBudgets has it.
   */
  private pdbForPod(pod: Pod): PodDisruptionBudget | undefined {
    const pdbs = this.pdbs.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '').filter((pdb) => {
      const s = fromLabelSelector(pdb.spec?.selector ?? undefined);
      return s !== undefined && s.length > 0 && matches(s, pod.metadata.labels);
    });
    if (pdbs.length === 0) return undefined;
    if (pdbs.length > 1) {
      const msg = `Pod "${pod.metadata.namespace ?? ''}"/"${pod.metadata.name ?? ''}" matches multiple PodDisruptionBudgets.  Chose "${pdbs[0].metadata.name ?? ''}" arbitrarily.`;
      void this.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    return pdbs[0];
  }

  /** podsForPdb lists the pods of the budget's namespace its selector picks (nil: none, empty: all). */
  private podsForPdb(pdb: PodDisruptionBudget): Pod[] {
    return this.pods.byIndex(NAMESPACE_INDEX, pdb.metadata.namespace ?? '').filter((p) => selectorMatches(pdb.spec?.selector ?? undefined, p.metadata.labels));
  }

  private async sync(key: string): Promise<void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return this.queue.forget(key);
    const failure = await this.trySync(pdb);
    if (!failure) return this.queue.forget(key);
    // A conflict is only a stale copy: try again without giving up the budget.
    if (failure.conflict) return this.queue.addRateLimited(key);
    const written = await this.client.updateStatus(PODDISRUPTIONBUDGETS, { ...pdb, status: failSafeStatus(pdb, failure.message, this.clock.now()) });
    if (isStatus(written)) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /** trySync computes and writes the budget's status; it returns why it could not. */
  private async trySync(pdb: PodDisruptionBudget): Promise<{ message: string; conflict?: boolean } | undefined> {
    const ref = { ...pdb, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };
    const pods = this.podsForPdb(pdb);
    if (pods.length === 0) await this.recorder.event(ref, 'Normal', 'NoPods', 'No matching pods found');
    const expected = await this.expectedPodCount(pdb, pods);
    if ('error' in expected) {
      await this.recorder.event(ref, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${expected.error}`);
      return { message: expected.error };
    }
    if (expected.unmanaged.length > 0) {
      await this.recorder.event(ref, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorString(pdb.spec?.selector)}) were found `
        + 'to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
        + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
    }
    const now = this.clock.now();
    const { disrupted, notDeleted, recheckAt } = buildDisruptedPodMap(pods, pdb, now);
    for (const pod of notDeleted) {
      // Upstream's message names the budget's namespace twice; kept as it reads.
      const ns = pdb.metadata.namespace ?? '';
      await this.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'NotDeleted', `Pod was expected by PDB ${ns}/${ns} to be deleted but it wasn't`);
    }
    const counts = { currentHealthy: countHealthyPods(pods, disrupted, now), desiredHealthy: expected.desiredHealthy, expectedPods: expected.expectedCount };
    const status = nextStatus(pdb, counts, disrupted, now);
    if (status) {
      const written = await this.client.updateStatus(PODDISRUPTIONBUDGETS, { ...pdb, status });
      if (isStatus(written)) return { message: written.message ?? '', conflict: written.code === 409 };
    }
    // At least a millisecond on: a recheck due this instant would find the same map on a clock that has not moved.
    if (recheckAt !== undefined) this.queue.addAfter(keyOf(pdb), Math.max(1, recheckAt - now));
    return undefined;
  }

  /**
   * expectedPodCount is getExpectedPodCount: with maxUnavailable, or a
   * percentage minAvailable, the pods expected are the summed scale of their
   * controllers; with an integer minAvailable they are the pods there are.
   */
  private async expectedPodCount(pdb: PodDisruptionBudget, pods: Pod[]): Promise<{ expectedCount: number; desiredHealthy: number; unmanaged: string[] } | { error: string }> {
    const { maxUnavailable, minAvailable } = pdb.spec ?? {};
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      const scale = await this.expectedScale(pods);
      if ('error' in scale) return scale;
      const max = scaledValue(maxUnavailable, scale.expectedCount);
      if (typeof max !== 'number') return max;
      return { expectedCount: scale.expectedCount, desiredHealthy: Math.max(0, scale.expectedCount - max), unmanaged: scale.unmanaged };
    }
    if (minAvailable !== undefined && minAvailable !== null) {
      if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanaged: [] };
      const scale = await this.expectedScale(pods);
      if ('error' in scale) return scale;
      const min = scaledValue(minAvailable, scale.expectedCount);
      if (typeof min !== 'number') return min;
      return { expectedCount: scale.expectedCount, desiredHealthy: min, unmanaged: scale.unmanaged };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
  }

  /** expectedScale sums the scale of the pods' controllers, each counted once; pods without a controller are listed. */
  private async expectedScale(pods: Pod[]): Promise<{ expectedCount: number; unmanaged: string[] } | { error: string }> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata.name ?? '');
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = await this.findController(ref, pod.metadata.namespace ?? '');
      if (found && 'error' in found) return found;
      if (!found) return { error: `found no controllers for pod "${pod.metadata.name ?? ''}"` };
      scales.set(found.uid, found.scale);
    }
    let expectedCount = 0;
    for (const n of scales.values()) expectedCount += n;
    return { expectedCount, unmanaged };
  }

  /** findController tries upstream's finders in order: ReplicationController, Deployment, ReplicaSet, StatefulSet, then any scale subresource. */
  private async findController(ref: OwnerReference, namespace: string): Promise<ControllerScale | { error: string } | undefined> {
    const finders = [
      () => this.rcFinder(ref, namespace), () => this.deploymentFinder(ref, namespace), () => this.replicaSetFinder(ref, namespace),
      () => this.statefulSetFinder(ref, namespace),
    ];
    for (const find of finders) {
      const found = find();
      if (found) return found;
    }
    return this.scaleFinder(ref, namespace);
  }

  /** cached returns the informer's object of ref's name when it is the very object ref points at (same uid). */
  private cached<T extends KubeObject>(informer: Informer<T>, ref: OwnerReference, namespace: string): T | undefined {
    const obj = informer.get(`${namespace}/${ref.name}`);
    return obj && obj.metadata.uid === ref.uid ? obj : undefined;
  }

  private rcFinder(ref: OwnerReference, namespace: string): ControllerScale | { error: string } | undefined {
    const ok = verifyGroupKind(ref, 'ReplicationController', ['']);
    if (ok !== true) return ok === false ? undefined : ok;
    const rc = this.cached(this.rcs, ref, namespace);
    return rc ? { uid: ref.uid, scale: rc.spec?.replicas ?? 1 } : undefined;
  }

  /** deploymentFinder finds the Deployment behind a pod's ReplicaSet. */
  private deploymentFinder(ref: OwnerReference, namespace: string): ControllerScale | { error: string } | undefined {
    const ok = verifyGroupKind(ref, 'ReplicaSet', ['apps', 'extensions']);
    if (ok !== true) return ok === false ? undefined : ok;
    const rs = this.cached(this.replicaSets, ref, namespace);
    const owner = rs && controllerOf(rs);
    if (!owner) return undefined;
    const isDeployment = verifyGroupKind(owner, 'Deployment', ['apps', 'extensions']);
    if (isDeployment !== true) return isDeployment === false ? undefined : isDeployment;
    const d = this.cached(this.deployments, owner, namespace);
    return d ? { uid: owner.uid, scale: d.spec.replicas ?? 1 } : undefined;
  }

  /** replicaSetFinder finds a pod's ReplicaSet when no Deployment controls it. */
  private replicaSetFinder(ref: OwnerReference, namespace: string): ControllerScale | { error: string } | undefined {
    const ok = verifyGroupKind(ref, 'ReplicaSet', ['apps', 'extensions']);
    if (ok !== true) return ok === false ? undefined : ok;
    const rs = this.cached(this.replicaSets, ref, namespace);
    if (!rs || controllerOf(rs)?.kind === 'Deployment') return undefined;
    return { uid: ref.uid, scale: rs.spec.replicas ?? 1 };
  }

  private statefulSetFinder(ref: OwnerReference, namespace: string): ControllerScale | { error: string } | undefined {
    const ok = verifyGroupKind(ref, 'StatefulSet', ['apps']);
    if (ok !== true) return ok === false ? undefined : ok;
    const ss = this.cached(this.statefulSets, ref, namespace);
    return ss ? { uid: ref.uid, scale: ss.spec?.replicas ?? 1 } : undefined;
  }

  /** scaleFinder is getScaleController: any other controller, through discovery and its scale subresource. */
  private async scaleFinder(ref: OwnerReference, namespace: string): Promise<ControllerScale | { error: string } | undefined> {
    const gv = parseGroupVersion(ref.apiVersion);
    if ('error' in gv) return gv;
    const gvText = gv.group ? `${gv.group}/${gv.version}` : gv.version;
    const discovery = await this.client.raw({ method: 'GET', path: gv.group ? `/apis/${gvText}` : `/api/${gvText}` });
    const resources = isStatus(discovery) ? [] : ((discovery as APIResourceList).resources ?? []);
    const mapping = resources.find((r) => r.kind === ref.kind && !r.name.includes('/'));
    if (!mapping) return { error: `no matches for kind "${ref.kind}" in version "${gvText}"` };
    const scale = await this.client.raw({ method: 'GET', path: resourcePath({ group: gv.group, version: gv.version, resource: mapping.name, namespaced: true }, namespace, ref.name, 'scale') });
    if (isStatus(scale)) {
      if (scale.code !== 404) return { error: scale.message ?? '' };
      const implementsScale = resources.some((r) => r.name === `${mapping.name}/scale` && r.kind === 'Scale' && (r.group ?? '') === 'autoscaling' && (r.version ?? '') === 'v1');
      if (!implementsScale) return { error: `${gv.group ? `${mapping.name}.${gv.group}` : mapping.name} does not implement the scale subresource` };
      return undefined;
    }
    const s = scale as Scalable;
    return s.metadata.uid === ref.uid ? { uid: ref.uid, scale: s.spec?.replicas ?? 0 } : undefined;
  }

  /**
   * staleDisruptionWait is nonTerminatingPodHasStaleDisruptionCondition: for a
   * live pod whose DisruptionTarget condition (set by anyone but the kubelet)
   * is True, how long until the condition counts as stale.
   */
  private staleDisruptionWait(pod: Pod): number | undefined {
    if (pod.metadata.deletionTimestamp) return undefined;
    const cond = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    const phase = pod.status?.phase;
    if (!cond || cond.status !== 'True' || cond.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') return undefined;
    const since = this.clock.now() - (Date.parse(cond.lastTransitionTime ?? '') || 0);
    return Math.max(0, STALE_POD_DISRUPTION_TIMEOUT_MS - since);
  }

  /** syncStalePodDisruption turns a stale DisruptionTarget condition False, as the pod was never deleted. */
  private async syncStalePodDisruption(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const wait = pod && this.staleDisruptionWait(pod);
    if (!pod || wait === undefined) return this.stalePodQueue.forget(key);
    if (wait > 0) return this.stalePodQueue.addAfter(key, wait);
    const conditions = setCondition(pod.status?.conditions, { type: 'DisruptionTarget', status: 'False', lastProbeTime: null, lastTransitionTime: timestamp(this.clock.now()) });
    const written = await this.client.updateStatus(PODS, { ...pod, status: { ...pod.status, conditions } });
    if (isStatus(written)) this.stalePodQueue.addRateLimited(key);
    else this.stalePodQueue.forget(key);
  }
}
