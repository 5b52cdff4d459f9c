/**
 * TaintEvictionController is the NoExecute taint manager
 * (pkg/controller/tainteviction): it watches nodes' NoExecute taints and the pods
 * bound to them, and deletes a pod that does not tolerate a taint at once, or one
 * that tolerates it for tolerationSeconds once that time is up — marking it with
 * the DisruptionTarget condition first, and saying so in a TaintManagerEviction event.
 */
import type { Clock } from '../clock';
import { keyOf, setCondition, timestamp } from '../api/meta';
import { getMatchingTolerations } from '../api/taints';
import type { Node, Pod, Taint, Toleration } from '../api/types';
import { isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { TimedWorkerQueue } from './timedWorkerQueue';

/** TAINT_EVICTION_CONTROLLER names the controller and its events' source. */
export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';
/** POD_NODE_NAME_INDEX indexes pods by spec.nodeName. */
export const POD_NODE_NAME_INDEX = 'spec.nodeName';
/** Deleting a pod is tried this many times (retries). */
const RETRIES = 5;

/** noExecuteTaints are the taints that evict running pods. */
export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/** minTolerationMs is getMinTolerationTime: the shortest tolerationSeconds among used, 0 for none used, -1 when they tolerate forever. */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export class TaintEvictionController {
  private readonly recorder: EventRecorder;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly nodeQueue: WorkQueue;
  private readonly podQueue: WorkQueue;
  private readonly evictions: TimedWorkerQueue;
  /** taintedNodes maps a node to its NoExecute taints, as last seen. */
  private readonly taintedNodes = new Map<string, Taint[]>();

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.recorder = new EventRecorder(client, clock, { component: TAINT_EVICTION_CONTROLLER });
    this.nodeQueue = new WorkQueue(clock);
    this.podQueue = new WorkQueue(clock);
    this.evictions = new TimedWorkerQueue(clock, (key) => this.deletePod(key));
    this.pods = factory.informer<Pod>(PODS);
    this.pods.addIndexer(POD_NODE_NAME_INDEX, (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    this.nodes = factory.informer<Node>(NODES);
    this.pods.addEventHandler({
      onAdd: (pod) => this.podUpdated(undefined, pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podUpdated(pod, undefined),
    });
    this.nodes.addEventHandler({
      onAdd: (node) => this.nodeUpdated(undefined, node),
      onUpdate: (old, node) => this.nodeUpdated(old, node),
      onDelete: (node) => this.nodeUpdated(node, undefined),
    });
  }

  run(): void {
    this.nodeQueue.run((name) => this.handleNodeUpdate(name), 2);
    this.podQueue.run((key) => this.handlePodUpdate(key), 2);
  }

  stop(): void {
    this.nodeQueue.shutDown();
    this.podQueue.shutDown();
    this.evictions.stop();
  }

  /** podUpdated queues a pod whose node or tolerations changed (PodUpdated); the key carries the node it was on. */
  private podUpdated(old: Pod | undefined, pod: Pod | undefined): void {
    const seen = (pod ?? old) as Pod;
    if (old && pod && old.spec.nodeName === pod.spec.nodeName && JSON.stringify(old.spec.tolerations ?? []) === JSON.stringify(pod.spec.tolerations ?? [])) return;
    this.podQueue.add(`${seen.spec.nodeName ?? ''}|${keyOf(seen)}`);
  }

  /** nodeUpdated queues a node whose NoExecute taints changed (NodeUpdated). */
  private nodeUpdated(old: Node | undefined, node: Node | undefined): void {
    const name = (node ?? old)?.metadata.name ?? '';
    if (old && node && JSON.stringify(noExecuteTaints(old.spec?.taints)) === JSON.stringify(noExecuteTaints(node.spec?.taints))) return;
    this.nodeQueue.add(name);
  }

  private async handlePodUpdate(item: string): Promise<void> {
    const bar = item.indexOf('|');
    const nodeName = item.slice(0, bar);
    const key = item.slice(bar + 1);
    const pod = this.pods.get(key);
    if (!pod) {
      await this.cancelWithEvent(key);
      return;
    }
    // The item names the node it was queued for; a pod since moved is someone else's to handle.
    if ((pod.spec.nodeName ?? '') !== nodeName || !nodeName) return;
    const taints = this.taintedNodes.get(nodeName);
    if (!taints) return;
    await this.processPodOnNode(key, pod.spec.tolerations, taints, this.clock.now());
  }

  private async handleNodeUpdate(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) {
      this.taintedNodes.delete(name);
      return;
    }
    const taints = noExecuteTaints(node.spec?.taints);
    if (taints.length === 0) this.taintedNodes.delete(name);
    else this.taintedNodes.set(name, taints);
    const pods = this.pods.byIndex(POD_NODE_NAME_INDEX, name);
    if (taints.length === 0) {
      for (const pod of pods) await this.cancelWithEvent(keyOf(pod));
      return;
    }
    const now = this.clock.now();
    for (const pod of pods) await this.processPodOnNode(keyOf(pod), pod.spec.tolerations, taints, now);
  }

  /** processPodOnNode schedules, keeps or cancels a pod's eviction for the taints of its node. */
  private async processPodOnNode(key: string, tolerations: Toleration[] | undefined, taints: Taint[], now: number): Promise<void> {
    if (taints.length === 0) await this.cancelWithEvent(key);
    const { allTolerated, used } = getMatchingTolerations(taints, tolerations);
    if (!allTolerated) {
      // Not tolerated: delete at once, replacing any later eviction.
      await this.cancelWithEvent(key);
      this.evictions.addWork(key, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) {
      await this.cancelWithEvent(key);
      return;
    }
    let start = now;
    const scheduled = this.evictions.getWorker(key);
    if (scheduled) {
      start = scheduled.createdAt;
      // An eviction already due no later stays as it is.
      if (start + min < now + min) return;
      await this.cancelWithEvent(key);
    }
    this.evictions.addWork(key, start, start + min);
  }

  private async cancelWithEvent(key: string): Promise<void> {
    if (this.evictions.cancelWork(key)) await this.recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** deletePod is deletePodHandler: the event, then the DisruptionTarget condition and the delete, retried a few times. */
  private async deletePod(key: string): Promise<boolean> {
    await this.recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    const [namespace, name] = key.split('/');
    for (let i = 0; i < RETRIES; i++) {
      if (await this.addConditionAndDeletePod(namespace, name) !== 'retry') return true;
    }
    return false;
  }

  private async addConditionAndDeletePod(namespace: string, name: string): Promise<'done' | 'gone' | 'retry'> {
    const pod = await this.client.get<Pod>(PODS, namespace, name);
    if (isStatus(pod)) return pod.code === 404 ? 'gone' : 'retry';
    const old = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    const reason = 'DeletionByTaintManager';
    const message = 'Taint manager: deleting due to NoExecute taint';
    if (!(old?.status === 'True' && old.reason === reason && old.message === message)) {
      const conditions = setCondition(pod.status?.conditions, { type: 'DisruptionTarget', status: 'True', reason, message, lastProbeTime: null, lastTransitionTime: timestamp(this.clock.now()) });
      const updated = await this.client.updateStatus(PODS, { ...pod, status: { ...pod.status, conditions } });
      if (isStatus(updated)) return updated.code === 404 ? 'gone' : 'retry';
    }
    const deleted = await this.client.delete(PODS, namespace, name);
    if (!isStatus(deleted)) return 'done';
    return deleted.code === 404 ? 'gone' : 'retry';
  }
}

/** podRef is the object the taint manager's events are about: a pod by namespace and name, without a UID. */
function podRef(key: string): Pod {
  const [namespace, name] = key.split('/');
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name }, spec: { containers: [] } };
}
