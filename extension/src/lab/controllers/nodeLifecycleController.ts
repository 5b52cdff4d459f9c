/**
 * NodeLifecycleController watches that kubelets keep their nodes alive, as
 * upstream's pkg/controller/nodelifecycle: every nodeMonitorPeriod it checks each
 * node's status heartbeat and Lease; a node silent for nodeMonitorGracePeriod has
 * its conditions set to Unknown, its pods marked not ready, and — at the zone's
 * eviction rate — the unreachable (or not-ready) NoExecute taint that lets the
 * taint eviction controller move its pods. Node changes keep the NoSchedule
 * taints in step with the conditions and spec.unschedulable (TaintNodesByCondition).
 */
import type { Clock, Timer } from '../clock';
import { timestamp } from '../api/meta';
import * as taints from '../api/taints';
import type { Condition, Node, NodeStatus, Pod, Taint } from '../api/types';
import { isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { LEASES, NODES, PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { NODE_LEASE_NAMESPACE, type NodeLeaseObject } from '../kubelet/nodeLease';
import { markPodsNotReady, recordNodeEvent, recordNodeStatusChange } from './nodeLifecycleEvents';
import { removeTaintOffNode, swapNodeControllerTaint } from './nodeTaints';
import { RateLimitedTimedQueue } from './rateLimitedTimedQueue';
import { POD_NODE_NAME_INDEX } from './taintEvictionController';
import { type ZoneState, computeZoneState, zoneKey } from './zones';
import { plainClone } from '../client/plainClone';

/** The controller's settings, kube-controller-manager's defaults (1.32). */
export const NODE_MONITOR_PERIOD_MS = 5_000;
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
export const NODE_EVICTION_RATE = 0.1;
export const SECONDARY_NODE_EVICTION_RATE = 0.01;
export const LARGE_CLUSTER_SIZE_THRESHOLD = 50;
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;
/** NODE_EVICTION_PERIOD_MS is how often the NoExecute tainting pass runs while nodes wait for it (scheduler.NodeEvictionPeriod). */
export const NODE_EVICTION_PERIOD_MS = 100;
/** Updating one node's health is tried this many times (NodeHealthUpdateRetry). */
const NODE_HEALTH_UPDATE_RETRY = 5;
/** exclude-disruption keeps a node out of its zone's disruption count. */
const LABEL_NODE_DISRUPTION_EXCLUSION = 'node.kubernetes.io/exclude-disruption';

export const UNREACHABLE_TAINT: Taint = { key: taints.TAINT_NODE_UNREACHABLE, effect: 'NoExecute' };
export const NOT_READY_TAINT: Taint = { key: taints.TAINT_NODE_NOT_READY, effect: 'NoExecute' };

/** CONDITION_TAINTS maps a node condition and status to the NoSchedule taint it calls for (nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Partial<Record<Condition['status'], string>>> = {
  Ready: { False: taints.TAINT_NODE_NOT_READY, Unknown: taints.TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: taints.TAINT_NODE_MEMORY_PRESSURE },
  DiskPressure: { True: taints.TAINT_NODE_DISK_PRESSURE },
  NetworkUnavailable: { True: taints.TAINT_NODE_NETWORK_UNAVAILABLE },
  PIDPressure: { True: taints.TAINT_NODE_PID_PRESSURE },
};
/** CONDITION_TAINT_KEYS are the taints the NoSchedule pass owns (taintKeyToNodeConditionMap plus unschedulable). */
const CONDITION_TAINT_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), taints.TAINT_NODE_UNSCHEDULABLE]);
/** The conditions a silent node's are set to Unknown (NetworkUnavailable is the control plane's). */
const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** noScheduleTaintsFor is the NoSchedule taints node's conditions and spec call for (doNoScheduleTaintingPass). */
export function noScheduleTaintsFor(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: taints.TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/** NodeHealth is what the controller last observed of a node, timed by its own clock (nodeHealthData). */
interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  status: NodeStatus | undefined;
  lease?: NodeLeaseObject;
}

/** microTime orders MicroTime strings (to the millisecond, which is all the lab's clock has). */
function microTime(s: string | undefined): number {
  return s ? Date.parse(s.replace(/(\.\d{3})\d*/, '$1')) : -Infinity;
}

function readyCondition(status: NodeStatus | undefined): Condition | undefined {
  return status?.conditions?.find((c) => c.type === 'Ready');
}

export class NodeLifecycleController {
  private readonly recorder: EventRecorder;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly leases: Informer<NodeLeaseObject>;
  private readonly nodeUpdateQueue: WorkQueue;
  private readonly podUpdateQueue: WorkQueue;
  private readonly knownNodes = new Map<string, Node>();
  private readonly health = new Map<string, NodeHealth>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly zoneTainters = new Map<string, RateLimitedTimedQueue>();
  private readonly nodesToRetry = new Set<string>();
  private monitorTimer?: Timer;
  private taintTimer?: Timer;
  private running = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.recorder = new EventRecorder(client, clock, { component: 'node-controller' });
    this.nodeUpdateQueue = new WorkQueue(clock);
    this.podUpdateQueue = new WorkQueue(clock);
    this.nodes = factory.informer<Node>(NODES);
    this.pods = factory.informer<Pod>(PODS);
    this.pods.addIndexer(POD_NODE_NAME_INDEX, (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    this.leases = factory.informer<NodeLeaseObject>(LEASES, { namespace: NODE_LEASE_NAMESPACE });
    this.nodes.addEventHandler({
      onAdd: (node) => this.nodeUpdateQueue.add(node.metadata.name ?? ''),
      onUpdate: (_, node) => this.nodeUpdateQueue.add(node.metadata.name ?? ''),
      onDelete: (node) => this.nodesToRetry.delete(node.metadata.name ?? ''),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podUpdated(undefined, pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
    });
  }

  run(): void {
    this.running = true;
    this.nodeUpdateQueue.run((name) => this.doNoScheduleTaintingPass(name), 2);
    this.podUpdateQueue.run((key) => this.processPod(key), 2);
    void this.monitorLoop();
  }

  stop(): void {
    this.running = false;
    this.monitorTimer?.cancel();
    this.taintTimer?.cancel();
    this.nodeUpdateQueue.shutDown();
    this.podUpdateQueue.shutDown();
  }

  /** monitorLoop runs monitorNodeHealth now and then nodeMonitorPeriod after each pass ends (wait.Until). */
  private async monitorLoop(): Promise<void> {
    if (!this.running) return;
    await this.monitorNodeHealth();
    if (this.running) this.monitorTimer = this.clock.setTimer(NODE_MONITOR_PERIOD_MS, () => void this.monitorLoop());
  }

  /** doNoScheduleTaintingPass makes a node's NoSchedule condition taints match its conditions and spec.unschedulable. */
  private async doNoScheduleTaintingPass(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const want = noScheduleTaintsFor(node);
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && CONDITION_TAINT_KEYS.has(t.key));
    const add = want.filter((t) => !taints.taintExists(have, t));
    const remove = have.filter((t) => !taints.taintExists(want, t));
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeControllerTaint(this.client, this.clock.now(), node, add, remove);
  }

  /** podUpdated queues a pod newly bound to a node, to be marked not ready if the node is. */
  private podUpdated(old: Pod | undefined, pod: Pod): void {
    if (pod.spec.nodeName && (!old || old.spec.nodeName !== pod.spec.nodeName)) this.podUpdateQueue.add(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`);
  }

  /** processPod marks a pod not ready when the node it was bound to is not ready. */
  private async processPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod?.spec.nodeName) return;
    const health = this.health.get(pod.spec.nodeName);
    if (!health || !this.nodes.get(pod.spec.nodeName)) return;
    const ready = readyCondition(health.status);
    if (!ready || ready.status === 'True') return;
    if (!(await markPodsNotReady(this.client, this.recorder, this.clock.now(), [pod], pod.spec.nodeName))) this.podUpdateQueue.addRateLimited(key);
  }

  /** monitorNodeHealth is one pass over every node's health signal, then the zones' disruption states. */
  private async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      if (this.knownNodes.has(name)) {
        this.addTainterForNewZone(node);
        continue;
      }
      await recordNodeEvent(this.recorder, node, 'RegisteredNode', `Registered Node ${name} in Controller`);
      this.knownNodes.set(name, node);
      this.addTainterForNewZone(node);
      await this.markNodeAsReachable(node);
    }
    const present = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const [name, node] of [...this.knownNodes]) {
      if (present.has(name)) continue;
      await recordNodeEvent(this.recorder, node, 'RemovingNode', `Removing Node ${name} from Controller`);
      this.knownNodes.delete(name);
    }

    const zoneConditions = new Map<string, (Condition | undefined)[]>();
    await Promise.all(nodes.map(async (cached) => {
      let node = plainClone(cached);
      let result: { observed: Condition; current: Condition | undefined } | undefined;
      for (let attempt = 0; attempt < NODE_HEALTH_UPDATE_RETRY; attempt++) {
        result = await this.tryUpdateNodeHealth(node);
        if (result) break;
        const fresh = await this.client.get<Node>(NODES, '', node.metadata.name ?? '');
        if (isStatus(fresh)) return;
        node = fresh;
      }
      if (!result) return;
      const { observed, current } = result;
      if (!(LABEL_NODE_DISRUPTION_EXCLUSION in (node.metadata.labels ?? {}))) {
        const zone = zoneKey(node);
        zoneConditions.set(zone, [...(zoneConditions.get(zone) ?? []), current]);
      }
      const name = node.metadata.name ?? '';
      if (current) {
        const pods = this.pods.byIndex(POD_NODE_NAME_INDEX, name);
        await this.processTaintBaseEviction(node, observed);
        const becameNotReady = current.status !== 'True' && observed.status === 'True';
        if (becameNotReady) await recordNodeStatusChange(this.recorder, node, 'NodeNotReady');
        if (becameNotReady || (this.nodesToRetry.has(name) && observed.status !== 'True')) {
          if (!(await markPodsNotReady(this.client, this.recorder, this.clock.now(), pods, name))) {
            this.nodesToRetry.add(name);
            return;
          }
        }
      }
      this.nodesToRetry.delete(name);
    }));
    await this.handleDisruption(zoneConditions, nodes);
  }

  /**
   * tryUpdateNodeHealth is upstream's: it times the node's last status heartbeat
   * or lease renewal by this controller's clock, and once that is older than the
   * grace period sets the monitored conditions Unknown. It returns the Ready
   * condition as observed and as it now is, or undefined when the write failed.
   */
  private async tryUpdateNodeHealth(node: Node): Promise<{ observed: Condition; current: Condition | undefined } | undefined> {
    const name = node.metadata.name ?? '';
    const now = this.clock.now();
    let health = this.health.get(name);
    const created = node.metadata.creationTimestamp ? Date.parse(node.metadata.creationTimestamp) : now;
    let current = readyCondition(node.status);
    let observed: Condition;
    let gracePeriod: number;
    if (!current) {
      // Never posted: a stand-in condition dated from the node's creation, with the startup grace period.
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp };
      gracePeriod = NODE_STARTUP_GRACE_PERIOD_MS;
      health = health ? { ...health, status: node.status } : { status: node.status, probeTimestamp: created, readyTransitionTimestamp: created };
    } else {
      observed = { ...current };
      gracePeriod = NODE_MONITOR_GRACE_PERIOD_MS;
    }
    const saved = readyCondition(health?.status);
    const savedLease = health?.lease;
    if (!health || (!saved && current) || (saved && !current)) {
      health = { status: node.status, probeTimestamp: now, readyTransitionTimestamp: now };
    } else if (saved && current && saved.lastHeartbeatTime !== current.lastHeartbeatTime) {
      const transition = saved.lastTransitionTime !== current.lastTransitionTime ? now : health.readyTransitionTimestamp;
      health = { status: node.status, probeTimestamp: now, readyTransitionTimestamp: transition };
    }
    // A renewed lease is a heartbeat too.
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    if (lease && (!savedLease || microTime(savedLease.spec?.renewTime) < microTime(lease.spec?.renewTime))) {
      health = { ...health, lease, probeTimestamp: now };
    }
    this.health.set(name, health);

    if (now > health.probeTimestamp + gracePeriod) {
      const status: NodeStatus = { ...node.status, conditions: [...(node.status?.conditions ?? [])] };
      const conditions = status.conditions as Condition[];
      const stamp = timestamp(now);
      for (const type of MONITORED_CONDITIONS) {
        const i = conditions.findIndex((c) => c.type === type);
        if (i < 0) {
          conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: stamp });
        } else if (conditions[i].status !== 'Unknown') {
          conditions[i] = { ...conditions[i], status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp };
        }
      }
      current = readyCondition(status);
      if (JSON.stringify(current) !== JSON.stringify(observed)) {
        const updated = await this.client.updateStatus(NODES, { ...node, status });
        if (isStatus(updated)) return undefined;
        node.status = status;
        node.metadata = updated.metadata;
        this.health.set(name, { status, probeTimestamp: health.probeTimestamp, readyTransitionTimestamp: now, ...(lease ? { lease } : {}) });
      }
    }
    return { observed, current };
  }

  /** processTaintBaseEviction queues a not-ready or unreachable node for its NoExecute taint, or clears a ready one's. */
  private async processTaintBaseEviction(node: Node, observed: Condition): Promise<void> {
    const has = (t: Taint) => taints.taintExists(node.spec?.taints, t);
    if (observed.status === 'False') {
      // A node already tainted unreachable gets the other taint straight away.
      if (has(UNREACHABLE_TAINT)) await swapNodeControllerTaint(this.client, this.clock.now(), node, [NOT_READY_TAINT], [UNREACHABLE_TAINT]);
      else this.markNodeForTainting(node, 'False');
    } else if (observed.status === 'Unknown') {
      if (has(NOT_READY_TAINT)) await swapNodeControllerTaint(this.client, this.clock.now(), node, [UNREACHABLE_TAINT], [NOT_READY_TAINT]);
      else this.markNodeForTainting(node, 'Unknown');
    } else {
      await this.markNodeAsReachable(node);
    }
  }

  private markNodeForTainting(node: Node, status: 'False' | 'Unknown'): void {
    const tainter = this.zoneTainters.get(zoneKey(node));
    if (!tainter) return;
    const name = node.metadata.name ?? '';
    if (!taints.taintExists(node.spec?.taints, status === 'False' ? NOT_READY_TAINT : UNREACHABLE_TAINT)) tainter.remove(name);
    if (tainter.add(name, node.metadata.uid ?? '')) this.scheduleTaintingPass();
  }

  /** markNodeAsReachable takes both NoExecute taints off node and out of its zone's queue. */
  private async markNodeAsReachable(node: Node): Promise<void> {
    if (!(await removeTaintOffNode(this.client, node, [UNREACHABLE_TAINT, NOT_READY_TAINT]))) return;
    this.zoneTainters.get(zoneKey(node))?.remove(node.metadata.name ?? '');
  }

  private addTainterForNewZone(node: Node): void {
    const zone = zoneKey(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, 'Initial');
    this.zoneTainters.set(zone, new RateLimitedTimedQueue(this.clock, NODE_EVICTION_RATE));
  }

  /** scheduleTaintingPass runs doNoExecuteTaintingPass every eviction period while any node waits for its taint. */
  private scheduleTaintingPass(): void {
    if (this.taintTimer || !this.running) return;
    this.taintTimer = this.clock.setTimer(NODE_EVICTION_PERIOD_MS, () => {
      void this.doNoExecuteTaintingPass().finally(() => {
        this.taintTimer = undefined;
        if ([...this.zoneTainters.values()].some((q) => q.pending)) this.scheduleTaintingPass();
      });
    });
  }

  /** doNoExecuteTaintingPass taints the queued nodes, as fast as each zone's limiter allows. */
  private async doNoExecuteTaintingPass(): Promise<void> {
    for (const tainter of this.zoneTainters.values()) {
      await tainter.try(async (v) => {
        const node = this.nodes.get(v.value);
        if (!node) return [true, 0];
        const ready = readyCondition(node.status);
        if (!ready) return [false, 50];
        // The two NoExecute taints are exclusive, as the Ready condition's values are.
        if (ready.status === 'False') return [await swapNodeControllerTaint(this.client, this.clock.now(), node, [NOT_READY_TAINT], [UNREACHABLE_TAINT]), 0];
        if (ready.status === 'Unknown') return [await swapNodeControllerTaint(this.client, this.clock.now(), node, [UNREACHABLE_TAINT], [NOT_READY_TAINT]), 0];
        return [true, 0];
      });
    }
  }

  /**
   * handleDisruption sets each zone's tainting rate from its state: the normal
   * rate, a reduced one (or none) when most of a zone is down, and none at all —
   * with every NoExecute taint lifted — when every zone is fully down, since then
   * the fault is more likely the control plane's than the nodes'.
   */
  private async handleDisruption(zoneConditions: Map<string, (Condition | undefined)[]>, nodes: Node[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conditions] of zoneConditions) {
      const state = computeZoneState(conditions, UNHEALTHY_ZONE_THRESHOLD);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      for (const node of nodes) await this.markNodeAsReachable(node);
      for (const zone of this.zoneStates.keys()) {
        this.zoneTainters.get(zone)?.swapLimiter(0);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      // Back from a full disruption: every node gets a fresh grace period.
      const now = this.clock.now();
      for (const node of nodes) {
        const h = this.health.get(node.metadata.name ?? '');
        if (h) this.health.set(node.metadata.name ?? '', { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of this.zoneStates.keys()) {
        const state = newStates.get(zone) as ZoneState;
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone) as ZoneState;
      if (state === next) continue;
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
  }

  private setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const tainter = this.zoneTainters.get(zone);
    if (!tainter) return;
    if (state === 'Normal' || state === 'FullDisruption') tainter.swapLimiter(NODE_EVICTION_RATE);
    else if (state === 'PartialDisruption') tainter.swapLimiter(size > LARGE_CLUSTER_SIZE_THRESHOLD ? SECONDARY_NODE_EVICTION_RATE : 0);
  }
}
