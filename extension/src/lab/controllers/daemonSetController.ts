/**
 * DaemonSetController runs one pod of each DaemonSet on every node it should
 * run on, as upstream's daemon_controller.go: it creates the missing pods pinned
 * to their node by a required node affinity (the default scheduler binds them),
 * deletes surplus, misplaced, failed (with back-off) and succeeded ones, rolls
 * a changed template out (RollingUpdate within maxUnavailable/maxSurge, or
 * OnDelete), keeps the template history as ControllerRevisions and reports
 * status. It reacts to DaemonSets, their pods and revisions, and to nodes.
 */
import type { Clock } from '../clock';
import { controllerOf, keyOf } from '../api/meta';
import { fromLabelSelector, matches } from '../api/labels';
import { podAffinity } from '../api/nodeAffinity';
import { isPodAvailable, isPodReady } from '../api/pods';
import type { ControllerRevision, DaemonSet, DaemonSetStatus, KubeObject, Node, Pod, Status } from '../api/types';
import { isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONTROLLER_REVISIONS, DAEMONSETS, NODES, PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { BackOff } from '../kubelet/backOff';
import { ControllerHistory } from './controllerHistory';
import { claimPods, recheckDeletionTimestamp } from './controllerRefManager';
import { Expectations, podFromTemplate } from './controllerUtils';
import { ORPHANS_BY_NAMESPACE_INDEX, addPodClaimIndexes, claimCandidates } from './podClaimIndexes';
import { DaemonPodViews, NodeMemo, addDaemonPodIndex, isTerminal } from './daemonPodViews';
import { daemonSetStatusCounts, shouldIgnoreNodeUpdate } from './daemonSetStatus';
import { DaemonSetHistory } from './daemonSetHistory';
import { type NodeToDaemonPods, rollingUpdatePlan } from './daemonSetUpdate';
import {
  DAEMONSET_UNIQUE_LABEL, allowsSurge, createPodTemplate, isPodUpdated, nodeShouldRunDaemonPod, podByCreationTimestampAndPhase,
  replaceDaemonSetPodNodeNameNodeAffinity, targetNodeName, templateGeneration,
} from './daemonSetUtil';

/** BURST_REPLICAS is BurstReplicas: at most this many creates, and deletes, per sync. */
const BURST_REPLICAS = 250;
/** STATUS_UPDATE_RETRIES is StatusUpdateRetries: one more try with a fresh read. */
const STATUS_UPDATE_RETRIES = 1;
/** Failed pods are replaced after 1 s, doubling to 15 min (the controller manager's failedPodsBackoff). */
const FAILED_PODS_BACKOFF_MS = 1000;
const FAILED_PODS_BACKOFF_MAX_MS = 15 * 60_000;
/** DAEMONSET_KIND is the owner kind put on the pods and revisions. */
const DAEMONSET_KIND = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

/** PodEvent is an event manage records about a daemon pod once it has decided on every node. */
type PodEvent = [type: 'Normal' | 'Warning', reason: string, message: string];

/** The DaemonSet events' reasons, as upstream's constants. */
export const SELECTING_ALL_REASON = 'SelectingAll';
export const FAILED_DAEMON_POD_REASON = 'FailedDaemonPod';
export const SUCCEEDED_DAEMON_POD_REASON = 'SucceededDaemonPod';

export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly history: DaemonSetHistory;
  private readonly failedPodsBackoff: BackOff;
  /** views are each DaemonSet's claimed pods by node, kept across syncs; the memos, each node's part of manage and of the status. */
  private readonly views: DaemonPodViews;
  private readonly manageMemo = new NodeMemo<{ create: boolean; remove: string[] }>();
  private readonly statusMemo = new NodeMemo<number>();
  /** lastByNode is the last nodesToDaemonPods answer and what it was worked out from; callers only read it. */
  private lastByNode?: { ds: DaemonSet; changes: number; includeDeletedTerminal: boolean; byNode: NodeToDaemonPods };

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.expectations = new Expectations(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'daemonset-controller' });
    this.failedPodsBackoff = new BackOff(clock, FAILED_PODS_BACKOFF_MS, FAILED_PODS_BACKOFF_MAX_MS);
    this.daemonSets = factory.informer<DaemonSet>(DAEMONSETS);
    this.pods = factory.informer<Pod>(PODS);
    this.nodes = factory.informer<Node>(NODES);
    this.revisions = factory.informer<ControllerRevision>(CONTROLLER_REVISIONS);
    this.history = new DaemonSetHistory(client, new ControllerHistory(client, this.revisions), this.revisions);
    addPodClaimIndexes(this.pods);
    addDaemonPodIndex(this.pods);
    this.views = new DaemonPodViews(this.pods);
    this.daemonSets.addEventHandler({
      onAdd: (ds) => this.queue.add(keyOf(ds)),
      onUpdate: (old, ds) => {
        // A DaemonSet deleted and made again under the same name starts with clean expectations.
        if (old.metadata.uid !== ds.metadata.uid) this.expectations.delete(keyOf(old));
        this.queue.add(keyOf(ds));
      },
      onDelete: (ds) => {
        this.expectations.delete(keyOf(ds));
        this.forget(ds.metadata.uid ?? '');
        this.queue.add(keyOf(ds));
      },
    });
    this.revisions.addEventHandler({
      onAdd: (r) => this.onRevisionChange(undefined, r),
      onUpdate: (old, r) => this.onRevisionChange(old, r),
      onDelete: (r) => this.enqueueOwner(r),
    });
    // Every pod change tells the views which node to read again (as it was and as it is), whatever the sync makes of it.
    this.pods.addEventHandler({
      onAdd: (pod) => (this.views.touch(pod), this.onPodAdd(pod)),
      onUpdate: (old, pod) => (this.views.touch(old), this.views.touch(pod), this.onPodUpdate(old, pod)),
      onDelete: (pod) => (this.views.touch(pod), this.onPodDelete(pod)),
    });
    this.nodes.addEventHandler({
      onAdd: (node) => { for (const ds of this.daemonSets.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.queue.add(keyOf(ds)); },
      onUpdate: (old, node) => this.onNodeUpdate(old, node),
      // Upstream leaves a gone node to the pod garbage collector; syncing here as well keeps status current at once.
      onDelete: (node) => {
        for (const ds of this.daemonSets.list()) {
          const s = nodeShouldRunDaemonPod(node, ds);
          if (s.shouldRun || s.shouldContinueRunning) this.queue.add(keyOf(ds));
        }
      },
    });
  }

  run(workers = 2): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** forget drops what was kept across syncs of a DaemonSet that is gone. */
  private forget(uid: string): void {
    this.views.forget(uid);
    this.manageMemo.forget(uid);
    this.statusMemo.forget(uid);
  }

  /** resolveControllerRef is the DaemonSet a controller reference names, when it is one with that uid. */
  private resolveControllerRef(obj: KubeObject): DaemonSet | undefined {
    const ref = controllerOf(obj);
    if (ref?.kind !== 'DaemonSet') return undefined;
    const ds = this.daemonSets.get(`${obj.metadata.namespace ?? ''}/${ref.name}`);
    return ds?.metadata.uid === ref.uid ? ds : undefined;
  }

  /** daemonSetsSelecting is GetPodDaemonSets/GetHistoryDaemonSets: the namespace's DaemonSets whose selector matches labels. */
  private daemonSetsSelecting(obj: KubeObject): DaemonSet[] {
    return this.daemonSets.list().filter((ds) => {
      if (ds.metadata.namespace !== obj.metadata.namespace) return false;
      const sel = fromLabelSelector(ds.spec.selector);
      return sel !== undefined && sel.length > 0 && matches(sel, obj.metadata.labels);
    });
  }

  private enqueueOwner(obj: KubeObject): DaemonSet | undefined {
    const ds = this.resolveControllerRef(obj);
    if (ds) this.queue.add(keyOf(ds));
    return ds;
  }

  private onRevisionChange(old: ControllerRevision | undefined, r: ControllerRevision): void {
    if (!old && r.metadata.deletionTimestamp) {
      this.enqueueOwner(r);
      return;
    }
    if (old && old.metadata.resourceVersion === r.metadata.resourceVersion) return;
    const refChanged = old !== undefined && JSON.stringify(controllerOf(old)) !== JSON.stringify(controllerOf(r));
    if (old && refChanged) this.enqueueOwner(old);
    if (controllerOf(r)) {
      // A new revision of ours needs nothing: we made it.
      if (old) this.enqueueOwner(r);
      return;
    }
    const labelsChanged = !old || JSON.stringify(old.metadata.labels) !== JSON.stringify(r.metadata.labels);
    if (labelsChanged || refChanged) for (const ds of this.daemonSetsSelecting(r)) this.queue.add(keyOf(ds));
  }

  private onPodAdd(pod: Pod): void {
    // A pod already being deleted when we first see it (a restart) is a deletion.
    if (pod.metadata.deletionTimestamp) return this.onPodDelete(pod);
    if (controllerOf(pod)) {
      const ds = this.resolveControllerRef(pod);
      if (!ds) return;
      this.expectations.creationObserved(keyOf(ds));
      this.queue.add(keyOf(ds));
      return;
    }
    for (const ds of this.daemonSetsSelecting(pod)) this.queue.add(keyOf(ds));
  }

  private onPodUpdate(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    // Expect a replacement as soon as the pod is marked for deletion, not once the kubelet is done with it.
    if (pod.metadata.deletionTimestamp) return this.onPodDelete(pod);
    const refChanged = JSON.stringify(controllerOf(old)) !== JSON.stringify(controllerOf(pod));
    if (refChanged && controllerOf(old)) this.enqueueOwner(old);
    if (controllerOf(pod)) {
      const ds = this.enqueueOwner(pod);
      const minReady = ds?.spec.minReadySeconds ?? 0;
      // The ready pod becomes available after minReadySeconds; look again then (a second later against skew).
      if (ds && minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(keyOf(ds), minReady * 1000 + 1000);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels);
    if (labelsChanged || refChanged) for (const ds of this.daemonSetsSelecting(pod)) this.queue.add(keyOf(ds));
  }

  private onPodDelete(pod: Pod): void {
    const ds = this.resolveControllerRef(pod);
    if (!ds) return;
    this.expectations.deletionObserved(keyOf(ds));
    this.queue.add(keyOf(ds));
  }

  /** onNodeUpdate is updateNode: DaemonSets for which the node's verdict changed are synced; a heartbeat alone changes nothing. */
  private onNodeUpdate(old: Node, node: Node): void {
    if (shouldIgnoreNodeUpdate(old, node)) return;
    for (const ds of this.daemonSets.list()) {
      const was = nodeShouldRunDaemonPod(old, ds);
      const now = nodeShouldRunDaemonPod(node, ds);
      if (was.shouldRun !== now.shouldRun || was.shouldContinueRunning !== now.shouldContinueRunning) this.queue.add(keyOf(ds));
    }
  }

  private async sync(key: string): Promise<void> {
    const failed = await this.syncDaemonSet(key);
    if (failed) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /** syncDaemonSet is syncDaemonSet; it answers whether the sync failed (and is to be retried). */
  private async syncDaemonSet(key: string): Promise<boolean> {
    this.failedPodsBackoff.gc();
    const ds = this.daemonSets.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return false;
    }
    const nodes = this.nodes.list();
    const sel = ds.spec.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      await this.recorder.event(ds, 'Warning', SELECTING_ALL_REASON, 'This daemon set is selecting all pods. A non-empty selector is required.');
      return false;
    }
    // Whether its pods or its revisions go first, a DaemonSet being deleted cannot be counted reliably.
    if (ds.metadata.deletionTimestamp) return false;
    const revisions = await this.history.constructHistory(ds, () => this.claimablePods(ds).filter((p) => controllerOf(p)?.uid === ds.metadata.uid));
    if (isStatus(revisions)) return true;
    const hash = revisions.cur.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] ?? '';
    if (!this.expectations.satisfied(key)) return (await this.updateStatus(ds, nodes, hash, false)) !== undefined;
    const failed = await this.updateDaemonSet(ds, nodes, hash, key, revisions.old);
    const statusFailed = (await this.updateStatus(ds, nodes, hash, true)) !== undefined;
    return failed || statusFailed;
  }

  /** updateDaemonSet is updateDaemonSet: manage, then roll when expectations allow, then prune history; true on failure. */
  private async updateDaemonSet(ds: DaemonSet, nodes: Node[], hash: string, key: string, old: ControllerRevision[]): Promise<boolean> {
    if (await this.manage(ds, nodes, hash)) return true;
    if (this.expectations.satisfied(key) && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const byNode = await this.nodesToDaemonPods(ds, false);
      if (isStatus(byNode)) return true;
      const plan = rollingUpdatePlan(ds, nodes, byNode, hash, this.clock.now());
      if (await this.syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash)) return true;
    }
    const all = await this.nodesToDaemonPods(ds, true);
    if (isStatus(all)) return true;
    // The pods are read only when there is history to prune, before cleanupHistory first awaits (all is the view, valid until the next read).
    return (await this.history.cleanupHistory(ds, old, () => [...all.values()].flat())) !== undefined;
  }

  /** manage is manage: per node, the pods to create and delete, plus unscheduled pods meant for nodes that are gone. */
  private async manage(ds: DaemonSet, nodes: Node[], hash: string): Promise<boolean> {
    const byNode = await this.nodesToDaemonPods(ds, false);
    if (isStatus(byNode)) return true;
    const create: string[] = [];
    const remove: string[] = [];
    const events: PodEvent[] = [];
    const memo = this.manageMemo.for(ds, hash);
    // Per node without an await; a node whose object and pods are as at the last sync needs what it needed then.
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name ?? '');
      const kept = memo?.get(node, pods);
      if (kept) {
        if (kept.create) create.push(node.metadata.name ?? '');
        for (const name of kept.remove) remove.push(name);
        continue;
      }
      const [c, r] = [create.length, remove.length];
      const pure = this.podsShouldBeOnNode(node, byNode, ds, hash, create, remove, events);
      memo?.set(node, pods, pure ? { create: create.length > c, remove: remove.slice(r) } : undefined);
    }
    // Read before the awaits below: byNode is the view, which the next read brings up to date.
    const existing = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const [name, pods] of byNode) {
      if (existing.has(name)) continue;
      for (const p of pods) if (!p.spec.nodeName && !p.metadata.deletionTimestamp) remove.push(p.metadata.name ?? '');
    }
    for (const [type, reason, message] of events) await this.recorder.event(ds, type, reason, message);
    return this.syncNodes(ds, remove, create, hash);
  }

  /**
   * podsShouldBeOnNode is podsShouldBeOnNode: it adds what one node needs to create and remove, and the events to record;
   * failed pods are deleted no faster than their back-off allows. It answers whether the answer depends on the node,
   * its pods and the spec alone (not on the time, a back-off or events), so the next sync may reuse it.
   */
  private podsShouldBeOnNode(
    node: Node, byNode: NodeToDaemonPods, ds: DaemonSet, hash: string,
    create: string[], remove: string[], events: PodEvent[],
  ): boolean {
    const nodeName = node.metadata.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(nodeName);
    if (shouldRun && !pods) {
      create.push(nodeName);
      return true;
    }
    if (!shouldContinueRunning) {
      for (const p of pods ?? []) if (!p.metadata.deletionTimestamp) remove.push(p.metadata.name ?? '');
      return true;
    }
    let pure = true;
    const running: Pod[] = [];
    for (const pod of pods ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      if (pod.status?.phase === 'Failed') {
        // The kubelet may keep rejecting the pod; do not fight it in a hot loop.
        const backoffKey = `${ds.metadata.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
        const now = this.clock.now();
        pure = false;
        if (this.failedPodsBackoff.isInBackOffSinceUpdate(backoffKey, now)) {
          this.queue.addAfter(keyOf(ds), this.failedPodsBackoff.get(backoffKey));
          continue;
        }
        this.failedPodsBackoff.next(backoffKey, now);
        events.push(['Warning', FAILED_DAEMON_POD_REASON, `Found failed daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${nodeName}, will try to kill it`]);
        remove.push(pod.metadata.name ?? '');
      } else if (pod.status?.phase === 'Succeeded') {
        pure = false;
        events.push(['Normal', SUCCEEDED_DAEMON_POD_REASON, `Found succeeded daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${nodeName}, will try to delete it`]);
        remove.push(pod.metadata.name ?? '');
      } else {
        running.push(pod);
      }
    }
    running.sort(podByCreationTimestampAndPhase);
    if (!allowsSurge(ds)) {
      // One pod per node: the oldest stays.
      for (const p of running.slice(1)) remove.push(p.metadata.name ?? '');
      return pure;
    }
    if (running.length <= 1) {
      if (running.length === 0 && shouldRun) create.push(nodeName);
      return pure;
    }
    // Surging: keep the oldest current pod, and the oldest outdated one only while it is ready and the current one not yet available.
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    const generation = templateGeneration(ds);
    for (const pod of running) {
      if (isPodUpdated(pod, hash, generation)) {
        if (!oldestNew) {
          oldestNew = pod;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = pod;
        continue;
      }
      remove.push(pod.metadata.name ?? '');
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, this.clock.now()))) {
      remove.push(oldestOld.metadata.name ?? '');
    }
    // A surge waits on availability, which the time alone changes.
    return false;
  }

  /**
   * syncNodes is syncNodes: it deletes pods and creates one pinned to each node,
   * creates in doubling batches (a failing batch stops the rest), at most
   * BURST_REPLICAS of each, with the expectations set first; true on failure.
   */
  private async syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeedingPods: string[], hash: string): Promise<boolean> {
    const key = keyOf(ds);
    const createDiff = Math.min(nodesNeedingPods.length, BURST_REPLICAS);
    const deleteDiff = Math.min(podsToDelete.length, BURST_REPLICAS);
    if (createDiff === 0 && deleteDiff === 0) return false;
    this.expectations.expect(key, createDiff, deleteDiff);
    const owner = { ...ds, ...DAEMONSET_KIND };
    const template = createPodTemplate(ds.spec.template, templateGeneration(ds), hash);
    let failed = false;
    for (let pos = 0, batch = Math.min(createDiff, 1); pos < createDiff; pos += batch, batch = Math.min(2 * batch, createDiff - pos)) {
      const results = await Promise.all(nodesNeedingPods.slice(pos, pos + batch).map((nodeName) => {
        const pod = podFromTemplate(template, owner);
        pod.spec.affinity = replaceDaemonSetPodNodeNameNodeAffinity(podAffinity(pod), nodeName);
        return this.client.create(PODS, pod);
      }));
      let batchFailed = false;
      for (const r of results) {
        if (!isStatus(r)) {
          await this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${r.metadata.name ?? ''}`);
          continue;
        }
        // Nothing more will be made in a namespace being torn down; that is no failure.
        if ((r.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) continue;
        this.expectations.creationObserved(key);
        batchFailed = true;
        await this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${r.message ?? ''}`);
      }
      if (batchFailed) {
        failed = true;
        // Pods never attempted will not be observed.
        for (let i = pos + batch; i < createDiff; i++) this.expectations.creationObserved(key);
        break;
      }
    }
    const deletes = await Promise.all(podsToDelete.slice(0, deleteDiff).map(async (name) => ({ name, r: await this.client.delete(PODS, ds.metadata.namespace ?? '', name) })));
    for (const { name, r } of deletes) {
      if (!isStatus(r) || r.status === 'Success') {
        await this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        continue;
      }
      this.expectations.deletionObserved(key);
      if (r.code === 404) continue;
      failed = true;
      await this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${r.message ?? ''}`);
    }
    return failed;
  }

  /** claimablePods are the namespace's pods the DaemonSet controls or could adopt. */
  private claimablePods(ds: DaemonSet): Pod[] {
    return claimCandidates(this.pods, ds.metadata.namespace ?? '', ds.metadata.uid ?? '');
  }

  /**
   * nodesToDaemonPods is getNodesToDaemonPods: the DaemonSet's pods by the node
   * they are on or meant for, after claiming them as ClaimPods does (matching
   * orphans adopted, non-matching pods released). Deleted terminal pods count
   * only when includeDeletedTerminal.
   */
  private async nodesToDaemonPods(ds: DaemonSet, includeDeletedTerminal: boolean): Promise<NodeToDaemonPods | Status> {
    // A sync asks this up to four times: while the DaemonSet and the pod cache are as they were, the answer is too.
    const last = this.lastByNode;
    if (last?.ds === ds && last.changes === this.pods.changes && last.includeDeletedTerminal === includeDeletedTerminal) return last.byNode;
    const changes = this.pods.changes;
    const selector = fromLabelSelector(ds.spec.selector) ?? [];
    // The view kept from the last claim serves while the claim would keep the same pods: no orphan it would adopt.
    const adoptable = this.pods.byIndex(ORPHANS_BY_NAMESPACE_INDEX, ds.metadata.namespace ?? '').some((p) => matches(selector, p.metadata.labels));
    const kept = adoptable ? undefined : this.views.current(ds, selector, includeDeletedTerminal);
    if (kept) {
      this.lastByNode = { ds, changes, includeDeletedTerminal, byNode: kept };
      return kept;
    }
    const claimed = await claimPods(this.client, ds, DAEMONSET_KIND, selector, this.claimablePods(ds), recheckDeletionTimestamp(this.client, DAEMONSETS, ds));
    if (isStatus(claimed)) return claimed;
    const byNode: NodeToDaemonPods = new Map();
    for (const pod of claimed) {
      if (!includeDeletedTerminal && isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      const onNode = byNode.get(node);
      if (onNode) onNode.push(pod);
      else byNode.set(node, [pod]);
    }
    // Kept only when the claim changed nothing: adoptions and releases come back as changes that the next claim sees.
    if (claimed.every((p) => controllerOf(p)?.uid === ds.metadata.uid) && this.pods.changes === changes) this.views.remember(ds, includeDeletedTerminal, byNode);
    else this.views.forget(ds.metadata.uid ?? '');
    this.lastByNode = { ds, changes, includeDeletedTerminal, byNode };
    return byNode;
  }

  /**
   * updateStatus is updateDaemonSetStatus and storeDaemonSetStatus: it writes the
   * counts when they changed (observedGeneration only after a full sync), retrying
   * once on a fresh read, and looks again after minReadySeconds while pods are ready
   * but not yet available. It answers the failure, if any.
   */
  private async updateStatus(ds: DaemonSet, nodes: Node[], hash: string, updateObservedGen: boolean): Promise<Status | undefined> {
    const byNode = await this.nodesToDaemonPods(ds, false);
    if (isStatus(byNode)) return byNode;
    const counts = daemonSetStatusCounts(ds, nodes, byNode, hash, this.clock.now(), this.statusMemo.for(ds, hash));
    const old = ds.status;
    const same = old !== undefined && (Object.keys(counts) as (keyof typeof counts)[]).every((k) => (old[k] ?? 0) === counts[k]);
    if (!same || (old?.observedGeneration ?? 0) < (ds.metadata.generation ?? 0)) {
      let target: DaemonSet = ds;
      for (let attempt = 0; ; attempt++) {
        const status: DaemonSetStatus = { ...target.status, ...counts, ...(updateObservedGen ? { observedGeneration: ds.metadata.generation } : {}) };
        const written = await this.client.updateStatus(DAEMONSETS, { ...target, status });
        if (!isStatus(written)) break;
        if (attempt >= STATUS_UPDATE_RETRIES) return written;
        const fresh = await this.client.get<DaemonSet>(DAEMONSETS, ds.metadata.namespace ?? '', ds.metadata.name ?? '');
        if (isStatus(fresh)) return fresh;
        target = fresh;
      }
    }
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) this.queue.addAfter(keyOf(ds), minReady * 1000);
    return undefined;
  }
}
