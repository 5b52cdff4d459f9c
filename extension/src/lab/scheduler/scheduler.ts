/**
 * Scheduler is kube-scheduler: an API client that watches pods and nodes, takes
 * pending pods off its queue one at a time, decides a node (schedulePod), assumes
 * the pod there so the next cycle sees it, and binds it through the API in an
 * asynchronous binding cycle.
 */
import type { Clock, Timer } from '../clock';
import { keyOf, setCondition, timestamp } from '../api/meta';
import type { Binding, Node, Pod } from '../api/types';
import type { Random } from '../random';
import { EventRecorder } from '../client/eventRecorder';
import { type Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PODS } from '../client/resources';
import { type Profile, defaultProfile } from './framework/registry';
import { NodeInfo } from './nodeInfo';
import { schedulePod } from './schedulePod';
import { SchedulingQueue } from './schedulingQueue';

/** How often leftover unschedulable pods are checked (flushUnschedulablePodsLeftover). */
const FLUSH_INTERVAL_MS = 30_000;

export interface SchedulerOptions {
  client: KubeClient;
  clock: Clock;
  random: Random;
  profile?: Profile;
}

export class Scheduler {
  readonly queue: SchedulingQueue;
  private readonly factory: InformerFactory;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly recorder: EventRecorder;
  private readonly nodeInfos = new Map<string, NodeInfo>();
  /** assumed pods are bound in the cache but not yet confirmed by the API. */
  private readonly assumed = new Map<string, string>();
  private readonly profile: Profile;
  private flushTimer?: Timer;
  private running = false;

  constructor(private readonly options: SchedulerOptions) {
    this.profile = options.profile ?? defaultProfile;
    this.queue = new SchedulingQueue(options.clock);
    this.factory = new InformerFactory(options.client, options.clock);
    this.pods = this.factory.informer<Pod>(PODS);
    this.pods.addIndexer('nodeName', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    this.nodes = this.factory.informer<Node>(NODES);
    this.recorder = new EventRecorder(options.client, options.clock, { component: this.profile.schedulerName });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(undefined, pod),
      onUpdate: (old, pod) => this.podChanged(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    this.nodes.addEventHandler({
      onAdd: (node) => this.nodeChanged(node),
      onUpdate: (_, node) => this.nodeChanged(node),
      onDelete: (node) => {
        this.nodeInfos.delete(node.metadata.name ?? '');
      },
    });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.factory.start();
    this.scheduleFlush();
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.flushTimer?.cancel();
    this.queue.close();
    this.factory.stop();
  }

  private scheduleFlush(): void {
    this.flushTimer = this.options.clock.setTimer(FLUSH_INTERVAL_MS, () => {
      this.queue.flushLeftover();
      if (this.running) this.scheduleFlush();
    });
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec.schedulerName ?? 'default-scheduler') === this.profile.schedulerName;
  }

  private podChanged(old: Pod | undefined, pod: Pod): void {
    if (pod.spec.nodeName) {
      this.queue.delete(pod);
      const assumedNode = this.assumed.get(keyOf(pod));
      this.assumed.delete(keyOf(pod));
      if (assumedNode && assumedNode !== pod.spec.nodeName) this.nodeInfos.get(assumedNode)?.removePod(pod);
      if (old?.spec.nodeName && old.spec.nodeName !== pod.spec.nodeName) this.nodeInfos.get(old.spec.nodeName)?.removePod(old);
      if (isTerminal(pod)) {
        this.nodeInfos.get(pod.spec.nodeName)?.removePod(pod);
        this.queue.moveAllToActiveOrBackoff();
      } else {
        this.nodeInfos.get(pod.spec.nodeName)?.addPod(pod);
      }
      return;
    }
    if (this.responsibleFor(pod) && !pod.metadata.deletionTimestamp && !this.assumed.has(keyOf(pod))) this.queue.add(pod);
  }

  private podDeleted(pod: Pod): void {
    this.queue.delete(pod);
    const node = pod.spec.nodeName ?? this.assumed.get(keyOf(pod));
    this.assumed.delete(keyOf(pod));
    if (node) {
      this.nodeInfos.get(node)?.removePod(pod);
      // Room was freed: pods waiting for it may fit now.
      this.queue.moveAllToActiveOrBackoff();
    }
  }

  private nodeChanged(node: Node): void {
    const name = node.metadata.name ?? '';
    const info = this.nodeInfos.get(name);
    if (info) {
      // A heartbeat changes nothing a pending pod could care about; only retry pods
      // when what the filters read changed (as upstream's node update events do).
      const relevant = JSON.stringify([info.node.spec, info.node.metadata.labels, info.node.status?.allocatable]) !== JSON.stringify([node.spec, node.metadata.labels, node.status?.allocatable]);
      info.node = node;
      if (!relevant) return;
    } else {
      const fresh = new NodeInfo(node);
      for (const pod of this.pods.byIndex('nodeName', name)) if (!isTerminal(pod)) fresh.addPod(pod);
      this.nodeInfos.set(name, fresh);
    }
    this.queue.moveAllToActiveOrBackoff();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const pod = await this.queue.pop();
      if (!pod || !this.running) return;
      const current = this.pods.get(keyOf(pod));
      if (!current || current.spec.nodeName || current.metadata.deletionTimestamp) continue;
      await this.scheduleOne(current);
    }
  }

  /** scheduleOne runs one scheduling cycle and starts the binding cycle. */
  private async scheduleOne(pod: Pod): Promise<void> {
    const decision = schedulePod(pod, [...this.nodeInfos.values()], this.profile, this.options.random);
    if (!decision.node) {
      this.queue.requeueUnschedulable(pod);
      await this.recordFailure(pod, decision.message ?? '');
      return;
    }
    const node = decision.node;
    this.assumed.set(keyOf(pod), node);
    this.nodeInfos.get(node)?.addPod(pod);
    void this.bind(pod, node);
  }

  private async bind(pod: Pod, node: string): Promise<void> {
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    const res = await this.options.client.subresourceCreate(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'binding', binding);
    if (res.status === 'Failure') {
      // Forget the assumption and try again later, as the binding cycle's failure handler does.
      this.assumed.delete(keyOf(pod));
      this.nodeInfos.get(node)?.removePod(pod);
      if (res.code !== 404) this.queue.requeueBackoff(pod);
      return;
    }
    await this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} to ${node}`);
  }

  /** recordFailure writes the PodScheduled=False condition and a FailedScheduling event. */
  private async recordFailure(pod: Pod, message: string): Promise<void> {
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (!(existing?.status === 'False' && existing.message === message)) {
      const updated: Pod = {
        ...pod,
        status: {
          ...pod.status,
          conditions: setCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: timestamp(this.options.clock.now()) }),
        },
      };
      // A conflict means the pod changed meanwhile; the next attempt will write the condition again.
      await this.options.client.updateStatus(PODS, updated);
    }
    await this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
  }
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
