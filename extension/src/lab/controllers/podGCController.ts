/**
 * PodGCController is kube-controller-manager's pod garbage collector, as
 * upstream's pkg/controller/podgc/gc_controller.go: every gcCheckPeriod it
 * deletes the oldest finished pods beyond the terminated-pod threshold, the
 * terminating pods of not-ready nodes tainted out-of-service, the pods bound
 * to nodes that are gone (after a quarantine, in case the node informer is
 * behind) and the terminating pods never scheduled. Each pod still running is
 * first marked Failed, so nothing shows it running where no kubelet will ever
 * say otherwise; orphans also get the DisruptionTarget condition.
 */
import type { Clock, Timer } from '../clock';
import { setCondition, timestamp } from '../api/meta';
import type { Condition, Node, Pod } from '../api/types';
import { isStatus } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PODS } from '../client/resources';

/** GC_CHECK_PERIOD_MS is gcCheckPeriod: the pause between two passes. */
export const GC_CHECK_PERIOD_MS = 20_000;
/** QUARANTINE_TIME_MS is quarantineTime: how long a missing node may take to show up in the informer before the API is asked. */
export const QUARANTINE_TIME_MS = 40_000;
/** TERMINATED_POD_GC_THRESHOLD is --terminated-pod-gc-threshold's default; 0 or less turns that sweep off. */
export const TERMINATED_POD_GC_THRESHOLD = 12_500;
/** TAINT_NODE_OUT_OF_SERVICE is v1.TaintNodeOutOfService: an admin's word that a node is down for good. */
export const TAINT_NODE_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';
/** ORPHAN_CONDITION is the DisruptionTarget condition an orphaned pod gets before it is deleted. */
export const ORPHAN_CONDITION = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' } as const;

/** isPodTerminated is upstream's: a phase other than Pending, Running and Unknown. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

/** podIsEvicted is eviction.PodIsEvicted: Failed with reason Evicted (the kubelet's own eviction). */
function podIsEvicted(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
}

/** byEvictionAndCreationTimestamp orders pods for deletion: evicted first, then oldest, then by name. */
export function byEvictionAndCreationTimestamp(a: Pod, b: Pod): number {
  const ae = podIsEvicted(a);
  const be = podIsEvicted(b);
  if (ae !== be) return ae ? -1 : 1;
  const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  const an = a.metadata.name ?? '';
  const bn = b.metadata.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** isNodeReady is nodeutil.IsNodeReady: the Ready condition is True. */
function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export class PodGCController {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  /** quarantine holds each missing node's name with the time it may be looked up (the nodeQueue's AddAfter). */
  private readonly quarantine = new Map<string, number>();
  private timer?: Timer;
  private running = false;

  constructor(
    private readonly client: KubeClient,
    private readonly clock: Clock,
    factory: InformerFactory,
    private readonly terminatedPodThreshold = TERMINATED_POD_GC_THRESHOLD,
  ) {
    this.pods = factory.informer<Pod>(PODS);
    this.nodes = factory.informer<Node>(NODES);
  }

  run(): void {
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
  }

  /** loop runs a pass now and the next gcCheckPeriod after it ends (wait.Until). */
  private async loop(): Promise<void> {
    if (!this.running) return;
    await this.gc();
    if (this.running) this.timer = this.clock.setTimer(GC_CHECK_PERIOD_MS, () => void this.loop());
  }

  /** gc is one pass of every sweep, over one listing of the caches. */
  async gc(): Promise<void> {
    const pods = this.pods.list();
    const nodes = this.nodes.list();
    if (this.terminatedPodThreshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods, nodes);
    await this.gcUnscheduledTerminating(pods);
  }

  /** gcTerminated deletes the finished pods beyond the threshold, evicted and oldest first. */
  private async gcTerminated(pods: Pod[]): Promise<void> {
    const terminated = pods.filter(isPodTerminated);
    const deleteCount = terminated.length - this.terminatedPodThreshold;
    if (deleteCount <= 0) return;
    terminated.sort(byEvictionAndCreationTimestamp);
    await Promise.all(terminated.slice(0, deleteCount).map((p) => this.markFailedAndDeletePod(p)));
  }

  /** gcTerminating force-deletes terminating pods on nodes that are not ready and tainted out-of-service. */
  private async gcTerminating(pods: Pod[]): Promise<void> {
    const terminating = pods.filter((pod) => {
      if (!pod.metadata.deletionTimestamp) return false;
      const node = this.nodes.get(pod.spec.nodeName ?? '');
      return node !== undefined && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === TAINT_NODE_OUT_OF_SERVICE);
    });
    if (terminating.length === 0) return;
    terminating.sort(byEvictionAndCreationTimestamp);
    await Promise.all(terminating.map((p) => this.markFailedAndDeletePod(p)));
  }

  /** gcOrphaned force-deletes pods bound to nodes the API no longer has, once the quarantine has run out. */
  private async gcOrphaned(pods: Pod[], nodes: Node[]): Promise<void> {
    const existing = new Set(nodes.map((n) => n.metadata.name ?? ''));
    const now = this.clock.now();
    for (const pod of pods) {
      const name = pod.spec.nodeName;
      if (name && !existing.has(name) && !this.quarantine.has(name)) this.quarantine.set(name, now + QUARANTINE_TIME_MS);
    }
    const deleted = await this.discoverDeletedNodes(existing, now);
    for (const pod of pods) {
      if (!deleted.has(pod.spec.nodeName ?? '')) continue;
      await this.markFailedAndDeletePod(pod, ORPHAN_CONDITION);
    }
  }

  /** discoverDeletedNodes asks the API about each node whose quarantine is over; those it does not know are gone. */
  private async discoverDeletedNodes(existing: Set<string>, now: number): Promise<Set<string>> {
    const deleted = new Set<string>();
    for (const [name, readyAt] of [...this.quarantine]) {
      if (readyAt > now) continue;
      this.quarantine.delete(name);
      if (existing.has(name)) continue;
      // Any other failure leaves the node for a later pass, which quarantines it again if pods still name it.
      const got = await this.client.get<Node>(NODES, '', name);
      if (isStatus(got) && got.code === 404) deleted.add(name);
    }
    return deleted;
  }

  /** gcUnscheduledTerminating force-deletes terminating pods that were never bound to a node. */
  private async gcUnscheduledTerminating(pods: Pod[]): Promise<void> {
    for (const pod of pods) {
      if (!pod.metadata.deletionTimestamp || pod.spec.nodeName) continue;
      await this.markFailedAndDeletePod(pod);
    }
  }

  /**
   * markFailedAndDeletePod moves a pod that has not finished to Failed (with
   * condition, if any) by a strategic merge patch of its status pinned to its
   * uid, as utilpod.PatchPodStatus does, then deletes it with no grace period.
   */
  private async markFailedAndDeletePod(pod: Pod, condition?: Omit<Condition, 'lastTransitionTime'>): Promise<void> {
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const status: Record<string, unknown> = { phase: 'Failed' };
      if (condition) {
        const conditions = setCondition(pod.status?.conditions, { ...condition, lastProbeTime: null, lastTransitionTime: timestamp(this.clock.now()) });
        status.conditions = conditions.filter((c) => c.type === condition.type);
      }
      const patched = await this.client.patch<Pod>(PODS, namespace, name, { metadata: { uid: pod.metadata.uid }, status }, 'application/strategic-merge-patch+json', { subresource: 'status' });
      if (isStatus(patched)) return;
    }
    await this.client.delete(PODS, namespace, name, { gracePeriodSeconds: 0 });
  }
}
