/**
 * schedulerProtocol types the Scheduler panel's messages both ways: the
 * scheduling queue, decisions with their filter and score tables, and the
 * configuration's profiles. protocol.ts re-exports it.
 */
import type { ClusterState, Delta, TravelFromPanel, TravelView } from './panelProtocol';
import type { EventView } from './podsProtocol';

/**
 * SchedulerQueueName is the queue a pending pod waits in, named as
 * kube-scheduler's scheduler_pending_pods{queue} counts them, plus `other` for
 * pods whose schedulerName no profile serves. The API does not show the
 * scheduler's queues: the host derives them from each pod's latest decision and
 * PodScheduled condition (schedulerQueue.ts says how, and where it guesses).
 */
export type SchedulerQueueName = 'active' | 'backoff' | 'unschedulable' | 'gated' | 'other';

/** QueuedPodView is one pending pod in the Scheduler panel's queue. */
export interface QueuedPodView {
  uid: string;
  namespace: string;
  name: string;
  queue: SchedulerQueueName;
  /** reason says why it waits there: the FitError, its gates, the scheduler's error, or that it has not been tried yet. */
  reason: string;
  priority: number;
  /** attempts counts the scheduling attempts the panel has seen for it. */
  attempts: number;
  /** since is when it entered that queue: its latest attempt, or its creation. */
  since: string;
  schedulerName: string;
  /** nominatedNode is status.nominatedNodeName: where preemption made room for it. */
  nominatedNode: string;
}

/** RecentBindingView is a recently scheduled pod, so the panel can show why it went where it did. */
export interface RecentBindingView {
  namespace: string;
  name: string;
  node: string;
  time: string;
  /** decision names the SchedulingDecision that chose the node. */
  decision: string;
}

/** SchedulerPluginName is a plugin as a table heads it: its name and the policy-era names it replaced. */
export interface SchedulerPluginName {
  name: string;
  legacy: string[];
}

/** FilterRowView is one node's row of the filter table. */
export interface FilterRowView {
  node: string;
  /** failedAt is the index of the filter plugin that rejected the node (those before it passed, those after did not run); -1 when it passed all. */
  failedAt: number;
  code: string;
  reasons: string[];
}

/** ScoreRowView is one feasible node's row of the score table: per score plugin, in the table's plugin order. */
export interface ScoreRowView {
  node: string;
  raw: number[];
  normalized: number[];
  weighted: number[];
  total: number;
}

/** DecisionView is one SchedulingDecision as the panel draws it. */
export interface DecisionView {
  name: string;
  attempt: number;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  time: string;
  profile: string;
  /** node is the chosen node, '' when none was. */
  node: string;
  /** message is the FitError or error, as the FailedScheduling event carries it. */
  message: string;
  nodes: { total: number; evaluated: number; feasible: number; startIndex: number };
  /** preFilter lists the PreFilter plugins that skipped, narrowed (nodeNames) or rejected. */
  preFilter: { plugin: string; code: string; reasons: string[]; nodeNames?: number }[];
  filterPlugins: SchedulerPluginName[];
  /** filterRows: the winner, then the other feasible nodes by total, then the rejected by name; capped for large clusters. */
  filterRows: FilterRowView[];
  /** absent is the nodes no filter looked at, because PreFilter rejected or narrowed them. */
  absent?: { count: number; code: string; reasons: string[] };
  scorePlugins: (SchedulerPluginName & { weight: number })[];
  /** scoreRows: highest total first; capped for large clusters. */
  scoreRows: ScoreRowView[];
  /** omitted counts the rows each table left out. */
  omitted: { filter: number; score: number };
  preemption?: { message: string; nominatedNode: string; victims: { namespace: string; name: string }[] };
}

/** AttemptView is one attempt in the selected pod's history. */
export interface AttemptView {
  decision: string;
  attempt: number;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  time: string;
  node: string;
  message: string;
}

/** SchedulerPodDetail is the selected pod: where it waits, why, and the decision shown, with its history of attempts. */
export interface SchedulerPodDetail {
  uid: string;
  namespace: string;
  name: string;
  /** node is spec.nodeName, '' while pending. */
  node: string;
  queue?: SchedulerQueueName;
  /** requests is what the scheduler counts: `cpu 8, memory 64Mi`. */
  requests: string;
  /** why answers "why is this pod pending?" (or where and why it was scheduled) in one sentence. */
  why: string;
  /** condition is the PodScheduled condition, when the pod has one. */
  condition?: { status: string; reason: string; message: string };
  decision?: DecisionView;
  /** attempts are the kept decisions about the pod, newest first. */
  attempts: AttemptView[];
}

/** ProfilePluginView is one plugin of a scheduler profile. */
export interface ProfilePluginView {
  name: string;
  legacy: string[];
  /** points are the extension points it runs at, in upstream's order; empty when disabled. */
  points: string[];
  /** weight is its score weight, when it scores. */
  weight?: number;
  enabled: boolean;
}

/** SchedulerProfileView is one profile of the configuration in force. */
export interface SchedulerProfileView {
  schedulerName: string;
  plugins: ProfilePluginView[];
}

/** SchedulerConfigView is the scheduler's configuration: kube-system/kube-scheduler-config, or the defaults. */
export interface SchedulerConfigView {
  source: 'configmap' | 'defaults';
  /** text is the ConfigMap's config.yaml, '' for the defaults. */
  text: string;
  /** profiles are the stored configuration's profiles, or when it is rejected the defaults' (what the panel can still edit). */
  profiles: SchedulerProfileView[];
  /** error is why kube-scheduler rejects the stored configuration (it keeps the one it had). */
  error?: string;
  /** warning is the scheduler's latest InvalidConfiguration event about the ConfigMap. */
  warning?: EventView;
}

/** The Scheduler panel's messages from the host. */
export type SchedulerToPanel =
  /** after every snapshot and whenever it changes: the revision shown, live or past (read-only). */
  | { type: 'travel'; travel: TravelView }
  /** after `ready`: the queue, the recent bindings and the configuration. */
  | { type: 'snapshot'; state: ClusterState; cluster: string; queue: QueuedPodView[]; recent: RecentBindingView[]; config: SchedulerConfigView }
  /** what changed in the queue (keyed by uid), and the recent bindings when they changed. */
  | { type: 'delta'; queue: Delta<QueuedPodView>; recent?: RecentBindingView[] }
  | { type: 'config'; config: SchedulerConfigView }
  | { type: 'state'; state: ClusterState; cluster: string }
  | { type: 'detail'; detail: SchedulerPodDetail | undefined }
  /** the outcome of an edit of the configuration: error when it was refused. */
  | { type: 'notice'; message: string; error: boolean };

/** The Scheduler panel's intents. */
export type SchedulerFromPanel =
  | { type: 'ready' }
  /** select a pod, and optionally one of its attempts (a decision's name); undefined clears. */
  | { type: 'select'; pod: { namespace: string; name: string } | undefined; decision?: string }
  | { type: 'setWeight'; profile: string; plugin: string; weight: number }
  | { type: 'setEnabled'; profile: string; plugin: string; enabled: boolean }
  /** resetConfig deletes the ConfigMap: the scheduler goes back to its defaults. */
  | { type: 'resetConfig' }
  /** editConfig opens the ConfigMap's live YAML in an editor. */
  | { type: 'editConfig' }
  | { type: 'startLab' }
  | TravelFromPanel;

/** SchedulerPanelState is what the Scheduler panel keeps across hiding and window reloads. */
export interface SchedulerPanelState {
  selected?: { namespace: string; name: string };
  decision?: string;
  profile?: string;
}
