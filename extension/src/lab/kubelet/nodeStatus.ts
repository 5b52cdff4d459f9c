/**
 * NodeStatusReporter is the kubelet's side of its Node object: it registers the
 * Node (registerWithAPIServer), posts its status every nodeStatusUpdateFrequency
 * (heartbeat times, pressure conditions, images) and records the node events that
 * go with it (Starting, NodeReady, the pressure transitions).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Clock, Timer } from '../clock';
import { timestamp } from '../api/meta';
import type { Condition, Node, Taint } from '../api/types';
import { isStatus } from '../api/types';
import type { EventRecorder } from '../client/eventRecorder';
import type { KubeClient } from '../client/kubeClient';
import { NODES } from '../client/resources';
import { pressureCondition, pressureEvents } from './eviction/pressureConditions';
import { nodeStatusImages } from './nodeStatusImages';
import type { PulledImage } from './runtime';

/** nodeStatusUpdateFrequency: how often the kubelet works out its node's status (and posts it when it changed). */
export const NODE_STATUS_UPDATE_MS = 10_000;
/** nodeStatusReportFrequency: how often the kubelet posts an unchanged status (its Lease is the heartbeat meanwhile). */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;
/** REGISTER_FIRST_RETRY_MS and REGISTER_MAX_RETRY_MS bound the waits between registration attempts (registerWithAPIServer's step). */
const REGISTER_FIRST_RETRY_MS = 100;
const REGISTER_MAX_RETRY_MS = 7_000;
/** The simulated nodes' kernel, as nodeInfo reports it and containers see it. */
export const KERNEL_VERSION = '6.1.0-kubelab';

/** NodeStatusHost is what the reporter needs of its kubelet. */
export interface NodeStatusHost {
  client: KubeClient;
  clock: Clock;
  recorder: EventRecorder;
  config: {
    nodeName: string;
    internalIP: string;
    podCIDR?: string;
    capacity: Record<string, string>;
    registerWithTaints?: Taint[];
  };
  /** images are the images on the node (the runtime's). */
  images(): readonly PulledImage[];
  /** memoryPressure tells whether the eviction manager sees the node under memory pressure. */
  memoryPressure(): boolean;
  /** epoch is the kubelet's start count: a registration or heartbeat of an older start stops. */
  epoch(): number;
}

export class NodeStatusReporter {
  private heartbeat?: Timer;
  /** lastReport is when the status was last posted (lastStatusReportTime). */
  private lastReport = -Infinity;

  constructor(private readonly host: NodeStatusHost) {}

  private get nodeName(): string {
    return this.host.config.nodeName;
  }

  /** register creates the Node object, or takes over an existing one, as registerWithAPIServer. */
  async register(epoch: number): Promise<void> {
    const { client, clock } = this.host;
    const node = this.nodeObject();
    await this.host.recorder.event(this.nodeRef(node), 'Normal', 'Starting', 'Starting kubelet.');
    // registerWithAPIServer tries until the API server takes the Node, waiting 100 ms more each time, doubling up to 7 s.
    for (let delay = REGISTER_FIRST_RETRY_MS; epoch === this.host.epoch(); delay = Math.min(delay * 2, REGISTER_MAX_RETRY_MS)) {
      const created = await client.create(NODES, node);
      if (!isStatus(created)) {
        this.lastReport = clock.now();
        return;
      }
      if (created.code === 409) {
        const existing = await client.get<Node>(NODES, '', this.nodeName);
        if (isStatus(existing)) return;
        const updated = await client.updateStatus(NODES, { ...existing, status: node.status });
        if (!isStatus(updated)) {
          this.lastReport = clock.now();
          await this.recordReadyTransition(existing);
        }
        return;
      }
      if (created.code !== undefined && created.code < 500) return;
      await new Promise<void>((resolve) => clock.setTimer(delay, resolve));
    }
  }

  /** scheduleHeartbeat posts the node status every NODE_STATUS_UPDATE_MS while the kubelet's start is epoch. */
  scheduleHeartbeat(epoch: number): void {
    this.heartbeat = this.host.clock.setTimer(NODE_STATUS_UPDATE_MS, () => {
      void this.updateNodeStatus().finally(() => {
        if (epoch === this.host.epoch()) this.scheduleHeartbeat(epoch);
      });
    });
  }

  /** stopHeartbeat cancels the next status post. */
  stopHeartbeat(): void {
    this.heartbeat?.cancel();
  }

  /** nodeRef is the object node events are about: the kubelet names its node by name for the UID, as upstream's nodeRef. */
  private nodeRef(node: Node): Node {
    return { ...node, metadata: { ...node.metadata, uid: this.nodeName } };
  }

  /** recordReadyTransition records NodeReady when the kubelet brings back a node its old status called not ready (setNodeReadyCondition). */
  private async recordReadyTransition(old: Node): Promise<void> {
    const was = old.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    if (was === undefined || was === 'True') return;
    await this.host.recorder.event(this.nodeRef(old), 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
  }

  private nodeObject(): Node {
    const now = timestamp(this.host.clock.now());
    const { capacity, nodeName, internalIP, podCIDR, registerWithTaints } = this.host.config;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: nodeName,
        labels: {
          'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64',
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { ...(podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {}), ...(registerWithTaints?.length ? { taints: structuredClone(registerWithTaints) } : {}) },
      status: {
        capacity: { ...capacity },
        allocatable: { ...capacity },
        conditions: this.conditions(now),
        addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'Hostname', address: nodeName }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: '', systemUUID: '', bootID: '', kernelVersion: KERNEL_VERSION, osImage: 'KubeLab simulated node',
          containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0',
          operatingSystem: 'linux', architecture: 'amd64',
        },
        images: nodeStatusImages(this.host.images()),
      },
    };
  }

  private conditions(now: string): Condition[] {
    const c = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
    return [
      pressureCondition('MemoryPressure', this.host.memoryPressure(), now),
      c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ];
  }

  /**
   * updateNodeStatus is tryUpdateNodeStatus: it works out the status (heartbeat
   * times, conditions keeping their transition times, the image list) and posts
   * it when it changed (nodeStatusHasChanged: heartbeat times aside) or when the
   * last post is nodeStatusReportFrequency old; the node Lease says the kubelet
   * is alive meanwhile, so `kubectl describe node` shows heartbeats up to 5 minutes old.
   */
  private async updateNodeStatus(): Promise<void> {
    const { client, clock, recorder } = this.host;
    const node = await client.get<Node>(NODES, '', this.nodeName);
    if (isStatus(node)) return;
    const at = clock.now();
    const now = timestamp(at);
    const conditions = this.conditions(now).map((c) => {
      const old = node.status?.conditions?.find((o) => o.type === c.type);
      return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
    });
    const images = nodeStatusImages(this.host.images());
    if (!statusChanged(node, conditions, images) && at - this.lastReport < NODE_STATUS_REPORT_MS) return;
    const updated = await client.updateStatus(NODES, { ...node, status: { ...node.status, conditions, images } });
    if (isStatus(updated)) return;
    this.lastReport = at;
    await this.recordReadyTransition(node);
    for (const event of pressureEvents(node.status?.conditions, conditions)) await recorder.event(this.nodeRef(node), 'Normal', event, `Node ${this.nodeName} status is now: ${event}`);
  }
}

/** statusChanged is nodeStatusHasChanged for what the kubelet sets: the conditions (heartbeat times aside) and the images. */
function statusChanged(node: Node, conditions: Condition[], images: unknown): boolean {
  const bare = (cs: readonly Condition[] | undefined) => (cs ?? []).map(({ lastHeartbeatTime: _h, ...c }) => c);
  return !isDeepStrictEqual(bare(node.status?.conditions), bare(conditions)) || !isDeepStrictEqual(node.status?.images ?? [], images);
}
