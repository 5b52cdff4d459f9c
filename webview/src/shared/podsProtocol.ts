/**
 * podsProtocol types the Pods panel's messages both ways, and the views of
 * pods, nodes and the selected pod they carry. protocol.ts re-exports it.
 */
import type { ClusterState, Delta, TravelFromPanel, TravelView } from './panelProtocol';

/** PodPhase is a pod's status.phase. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** PodView is what the Pods panel draws of one pod: small, since 150,000 of them travel. */
export interface PodView {
  uid: string;
  namespace: string;
  name: string;
  /** node is spec.nodeName, '' while the pod is not scheduled. */
  node: string;
  phase: PodPhase;
  /** status is kubectl's STATUS column: Running, ContainerCreating, CrashLoopBackOff, Terminating… */
  status: string;
  ready: number;
  containers: number;
  restarts: number;
  /** owner groups the pod: `Deployment/web`, `StatefulSet/db`, `Job/x`, or '' for a bare pod. */
  owner: string;
  labels: Record<string, string>;
  /** requests are the pod's CPU (milli) and memory (bytes) requests, what the scheduler counts. */
  cpu: number;
  memory: number;
}

/** NodeView is one node card: its allocatable resources and state. */
export interface NodeView {
  name: string;
  /** status is kubectl's node STATUS: Ready, NotReady, Ready,SchedulingDisabled… */
  status: string;
  ready: boolean;
  unschedulable: boolean;
  zone: string;
  /** allocatable CPU (milli), memory (bytes) and pod count. */
  cpu: number;
  memory: number;
  pods: number;
}

/** PodCondition is one row of the selected pod's conditions timeline. */
export interface PodConditionView {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** EventView is one event about the selected pod, newest last. */
export interface EventView {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp: string;
  source: string;
}

export interface ContainerView {
  name: string;
  image: string;
  state: string;
  ready: boolean;
  restarts: number;
}

/** PodDetail is the selected pod: conditions, containers, events and the tail of its log. */
export interface PodDetail {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  podIP: string;
  qosClass: string;
  conditions: PodConditionView[];
  containers: ContainerView[];
  events: EventView[];
  /** logTail is the last lines of the first container's log, or why there is none. */
  logTail: string;
}

/** The Pods panel's messages from the host. */
export type PodsToPanel =
  /** after every snapshot and whenever it changes: the revision shown, live or past (read-only). */
  | { type: 'travel'; travel: TravelView }
  | { type: 'snapshot'; state: ClusterState; cluster: string; nodes: NodeView[]; pods: PodView[] }
  | { type: 'delta'; nodes: Delta<NodeView>; pods: Delta<PodView> }
  | { type: 'state'; state: ClusterState; cluster: string }
  | { type: 'detail'; detail: PodDetail | undefined };

/** The Pods panel's intents. */
export type PodsFromPanel =
  | { type: 'ready' }
  | { type: 'select'; pod: { namespace: string; name: string } | undefined }
  | { type: 'startLab' }
  | { type: 'describe'; pod: { namespace: string; name: string } }
  | { type: 'logs'; pod: { namespace: string; name: string } }
  | TravelFromPanel;

/** PodsPanelState is what the Pods panel keeps across hiding and window reloads (webview state, serializer). */
export interface PodsPanelState {
  namespace: string;
  labelFilter: string;
  selected?: { namespace: string; name: string };
  /** dense forces the heat-map (true), the cards (false), or leaves it to the cluster's size (undefined). */
  dense?: boolean;
}
