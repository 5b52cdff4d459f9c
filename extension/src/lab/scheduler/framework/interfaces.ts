/**
 * The scheduling framework's contracts, as pkg/scheduler/framework: each
 * extension point is its own small interface and a plugin implements only the
 * ones it needs. Expected outcomes are returned as a Status, never thrown.
 */
import type { Clock } from '../../clock';
import type { InformerFactory } from '../../client/informer';
import type { KubeClient } from '../../client/kubeClient';
import type { Pod } from '../../api/types';
import type { Random } from '../../random';
import type { NodeInfo } from '../nodeInfo';
import type { Snapshot } from './snapshot';

/**
 * Code is framework.Code. Pending (UnschedulableAndUnresolvable until an
 * external change, as DRA uses it), Wait (Permit holds the pod) and Skip (the
 * plugin has nothing to do for this pod) complete upstream's set.
 */
export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip' | 'Wait' | 'Pending';

/** Status is a plugin's verdict with upstream's reason strings. */
export interface Status {
  code: Code;
  reasons: string[];
  /** plugin names who failed the pod, for the decision table. */
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] });

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

/** skip tells the framework the plugin is irrelevant to this pod: its later points (Filter after PreFilter, Score after PreScore) do not run. */
export function skip(plugin?: string): Status {
  return { code: 'Skip', reasons: [], ...(plugin ? { plugin } : {}) };
}

/** errorStatus is an internal failure (a bug or an API error), as framework.AsStatus. */
export function errorStatus(plugin: string, message: string): Status {
  return { code: 'Error', reasons: [message], plugin };
}

/** isRejected is Status.IsRejected: the pod cannot go there (as opposed to an error). */
export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable' || s.code === 'Pending';
}

/** statusMessage is Status.Message(): the reasons joined by ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

/** CycleState carries data from PreFilter/PreScore to later points within one scheduling cycle. */
export type CycleState = Map<string, unknown>;

export interface Plugin {
  readonly name: string;
}

/** PreFilterResult is a PreFilter's Status, optionally narrowing the nodes worth filtering (framework.PreFilterResult.NodeNames). */
export type PreFilterResult = Status & { nodeNames?: ReadonlySet<string> };

/** PreFilterExtensions let preemption and nominated pods update a PreFilter's state when a pod is added to or removed from a node. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podToAdd: Pod, node: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: Pod, podToRemove: Pod, node: NodeInfo): Status;
}

export interface PreEnqueuePlugin extends Plugin {
  /** preEnqueue gates a pod before it enters activeQ (SchedulingGates); a failure keeps it among the unschedulable pods. */
  preEnqueue(pod: Pod): Status;
}

export interface QueueSortPlugin extends Plugin {
  /** less orders activeQ: true when a should be scheduled before b. */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status;
}

/** PostFilterResult is what a PostFilter (preemption) found: a nominated node and the victims it would evict. */
export interface PostFilterResult {
  /** status reasons become the FitError's PostFilter message (`preemption: 0/5 nodes are available: …`). */
  status: Status;
  nominatedNodeName?: string;
  victims?: { namespace: string; name: string }[];
}

export interface PostFilterPlugin extends Plugin {
  /** postFilter runs when no node fits; statuses holds each rejected node's Status. */
  postFilter(state: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>): PostFilterResult;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  /** score returns 0..MAX_NODE_SCORE for one node. */
  score(state: CycleState, pod: Pod, node: NodeInfo): number;
  /** normalizeScore rescales all nodes' scores into 0..MAX_NODE_SCORE when a plugin needs it. */
  normalizeScore?(state: CycleState, pod: Pod, scores: { node: string; score: number }[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  /** unreserve undoes reserve; it must be idempotent and cannot fail. */
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** permit allows (Success), rejects, or holds the pod (Wait) for at most timeoutMs. */
  permit(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Status | Promise<Status>;
}

export interface BindPlugin extends Plugin {
  /** bind binds the pod, or returns Skip to let the next bind plugin do it. */
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

/**
 * ActionType is framework.ActionType, a bit set: what happened to the object of
 * a cluster event. Update is every update bit.
 */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdateNodeAnnotation: 64,
  UpdatePodLabel: 128,
  UpdatePodScaleDown: 256,
  UpdatePodTolerations: 512,
  UpdatePodSchedulingGatesEliminated: 1024,
  UpdatePodGeneratedResourceClaim: 2048,
  Update: 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048,
  All: 1 | 2 | 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048,
} as const;

/** EventResource is the kind of object a cluster event is about; '*' matches every one. */
export type EventResource = 'Pod' | 'AssignedPod' | 'Node' | 'PersistentVolume' | 'PersistentVolumeClaim' | 'StorageClass' | 'CSINode' | 'CSIDriver' | 'CSIStorageCapacity' | '*';

/** ClusterEvent is framework.ClusterEvent: a resource and what happened to it. */
export interface ClusterEvent {
  resource: EventResource;
  actionType: number;
  /** label names the event in logs and decisions (NodeAdd, AssignedPodDelete, UnschedulableTimeout…). */
  label?: string;
}

/** QueueingHint answers whether an event may make a pod that this plugin rejected schedulable. */
export type QueueingHint = 'Queue' | 'QueueSkip';

export interface ClusterEventWithHint {
  event: ClusterEvent;
  /** queueingHint narrows the event to the pods it could help; without one, every matching event requeues. */
  queueingHint?: (pod: Pod, oldObj: unknown, newObj: unknown) => QueueingHint;
}

/** EnqueueExtensions is implemented by plugins that reject pods: which cluster events could make those pods schedulable. */
export interface EnqueueExtensions {
  eventsToRegister(): ClusterEventWithHint[];
}

/** QueuedPodInfo is a pod in the scheduling queue with its bookkeeping (framework.QueuedPodInfo). */
export interface QueuedPodInfo {
  pod: Pod;
  key: string;
  /** timestamp is when the pod was last added to the queue (PrioritySort's tie-break). */
  timestamp: number;
  /** attempts counts scheduling attempts; it sets the backoff. */
  attempts: number;
  initialAttemptTimestamp?: number;
  /** unschedulablePlugins rejected the pod at its last attempt; only events they registered move it back. */
  unschedulablePlugins: Set<string>;
  /** gatingPlugin is the PreEnqueue plugin holding the pod back, if any. */
  gatingPlugin?: string;
  /** seq orders pods added at the same instant, keeping the queue deterministic. */
  seq: number;
}

/** WaitingPod is a pod held at Permit; plugins allow or reject it by name (framework.WaitingPod). */
export interface WaitingPod {
  readonly pod: Pod;
  readonly pendingPlugins: readonly string[];
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

/**
 * Handle is what a plugin gets from the framework (framework.Handle): the
 * API client, time and chance, the cycle's snapshot, and the framework's own
 * runners for plugins (preemption runs the filters on hypothetical nodes).
 */
export interface Handle {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly profileName: string;
  /** informerFactory is the scheduler's shared informers (SharedInformerFactory); absent when the framework has no API behind it. */
  readonly informerFactory?: InformerFactory;
  /** snapshot is the cluster as of the current scheduling cycle. */
  snapshot(): Snapshot;
  runFilterPlugins(state: CycleState, pod: Pod, node: NodeInfo): Status;
  /** runFilterPluginsWithNominatedPods runs the filters as if the pods nominated to node with at least the pod's priority were there too. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, node: NodeInfo): Status;
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podToAdd: Pod, node: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podToRemove: Pod, node: NodeInfo): Status;
  /** nominatedPodsForNode are pods nominated to run on node (by preemption), not yet bound. */
  nominatedPodsForNode(node: string): Pod[];
  getWaitingPod(uid: string): WaitingPod | undefined;
}

/** PluginFactory builds a plugin from its args (the pluginConfig entry, defaulted) for one profile, as frameworkruntime.PluginFactory. */
export type PluginFactory = (args: unknown, handle: Handle) => Plugin | { error: string };

/** MAX_NODE_SCORE is framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;
