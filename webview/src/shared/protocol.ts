/**
 * protocol types every message between the extension host and the panels, both
 * ways (DESIGN.md: Panels). A panel posts `ready`; the host answers with a
 * snapshot, then deltas; the panel's user actions come back as intents. Only
 * types live here, so the host and the browser bundles share them for free.
 */

/** ClusterState is the active cluster's state, as the status bar shows it. */
export type ClusterState = 'stopped' | 'starting' | 'running' | 'stopping';

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

/** Delta carries what changed since the last message: objects replaced whole, and keys removed. */
export interface Delta<T> {
  upsert: T[];
  remove: string[];
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

/** TravelView is the revision a panel shows (time travel): null when live; error says why the revision cannot be shown. */
export interface TravelView {
  revision: number | null;
  error?: string;
}

/** TravelFromPanel is what a page's time-travel banner or slider asks: a revision, or live again. */
export type TravelFromPanel =
  | { type: 'travelTo'; revision: number }
  | { type: 'backToLive' };

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

/** FlowPatchOperation is one RFC 6902 operation a mutating admission plugin made. */
export interface FlowPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** FlowEvaluation is one CEL validation a ValidatingAdmissionPolicy ran, under one binding, and its result. */
export interface FlowEvaluation {
  policy: string;
  binding: string;
  expression: string;
  result: 'true' | 'false' | 'error';
  message: string;
  /** actions are the binding's validationActions (Deny, Warn, Audit). */
  actions: string[];
}

/** FlowPlugin is one admission plugin's verdict in a request's flow. */
export interface FlowPlugin {
  name: string;
  phase: 'mutating' | 'validating';
  verdict: 'admitted' | 'denied';
  durationMs: number;
  message: string;
  /** patch is what a mutating plugin changed; empty when it changed nothing. */
  patch: FlowPatchOperation[];
  evaluations: FlowEvaluation[];
}

/** FlowRule is the RBAC rule that allowed a request. */
export interface FlowRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** FlowStage is one stage of the API server's pipeline, as the request's trace recorded it. */
export interface FlowStage {
  name: string;
  result: 'ok' | 'rejected' | 'skipped';
  durationMs: number;
  detail: string;
  plugins: FlowPlugin[];
  rule?: FlowRule;
  /** key and watchers are the persist stage's: the store key written and how many watches were told. */
  key?: string;
  watchers?: number;
}

/** FlowRequest is one document's request and what the API server did with it. */
export interface FlowRequest {
  /** ref is kubectl's name of the object: `deployment.apps/web`. */
  ref: string;
  /** document is the 0-based document of the text the request came from, line its first line. */
  document: number;
  line: number;
  /** outcome is kubectl apply's word, or failed. */
  outcome: 'created' | 'configured' | 'unchanged' | 'failed';
  /** summary is kubectl's line: `deployment.apps/web created`, `Error from server (Forbidden): …`. */
  summary: string;
  verb: string;
  path: string;
  dryRun: boolean;
  user: string;
  groups: string[];
  code: number;
  reason: string;
  message: string;
  /** revision is the store revision the write made, when it made one. */
  revision?: number;
  durationMs: number;
  /** trace names the RequestTrace read; '' when the cluster keeps none (not a lab) or none was left. */
  trace: string;
  stages: FlowStage[];
  /** rejected names the stage, and the plugin if one, that turned the request down. */
  rejected?: { stage: string; plugin: string };
}

/** FlowStep is where in the chain a reaction happened, in the seeds' order. */
export type FlowStep = 'controller' | 'replicaset' | 'pods' | 'scheduler' | 'kubelet' | 'endpoints' | 'kube-proxy';

/** FlowReaction is one thing the cluster did because of the request, as it happened. */
export interface FlowReaction {
  /** seq orders reactions as the host saw them. */
  seq: number;
  /** at is the cluster's timestamp of the reaction (the event's, or the object's). */
  at: string;
  step: FlowStep;
  /** component is who reacted: deployment-controller, default-scheduler, kubelet (node-2)… */
  component: string;
  /** object is `Kind/name` of what the reaction is about. */
  object: string;
  reason: string;
  message: string;
  warning: boolean;
}

/** FlowView is one Send (or Dry-run) of the editor's text: each document's request. */
export interface FlowView {
  id: number;
  dryRun: boolean;
  cluster: string;
  requests: FlowRequest[];
  /** error is why nothing was sent (the text does not parse), if so. */
  error?: string;
}

/** The Request flow panel's messages from the host. */
export type FlowToPanel =
  /** After `ready`: the cluster, the JSON schema the editor validates against, and the last flow with its reactions. */
  | { type: 'snapshot'; state: ClusterState; cluster: string; schema: unknown; flow?: FlowView; reactions: FlowReaction[] }
  | { type: 'state'; state: ClusterState; cluster: string }
  /** A Send or Dry-run is under way. */
  | { type: 'sending'; dryRun: boolean }
  /** The requests of a Send are answered: a new flow, whose reactions follow. */
  | { type: 'flow'; flow: FlowView }
  /** More reactions of flow id, as they happen. */
  | { type: 'reactions'; flow: number; reactions: FlowReaction[] };

/** The Request flow panel's intents. */
export type FlowFromPanel =
  | { type: 'ready' }
  /** Send the editor's manifests (one request per document), or dry-run them. */
  | { type: 'send'; text: string; dryRun: boolean }
  | { type: 'startLab' };

/** FlowPanelState is what the Request flow panel keeps across hiding and window reloads: the editor's text. */
export interface FlowPanelState {
  text: string;
}

/** StoreStatsView is the Store panel's header: the lab store's revisions, size against quota and watchers. */
export interface StoreStatsView {
  /** backend is the lab's store: embedded, durable (kubelab.persistence) or etcd. */
  backend: string;
  revision: number;
  compactRevision: number;
  keys: number;
  watchers: number;
  /** dbSize, dbSizeInUse and quotaBytes are the backend's bytes, 0 when the store cannot say. */
  dbSize: number;
  dbSizeInUse: number;
  quotaBytes: number;
  alarms: string[];
}

/** StoreNodeView is one row of the keyspace tree: a folder (a resource, a namespace) or a key. */
export interface StoreNodeView {
  /** path is the folder's prefix (ending in `/`) or the key: the row's identity. */
  path: string;
  leaf: boolean;
  count: number;
  bytes: number;
  modRevision: number;
  /** createRevision and version are a key's (0 for a folder). */
  createRevision: number;
  version: number;
}

/** RatePoint is the store's write rate (revisions a second of lab time) over the interval ending at t (lab ms). */
export interface RatePoint {
  t: number;
  rate: number;
}

/** StoreValueView is one stored value as the panel shows it. */
export interface StoreValueView {
  /** format: yaml (the API server's JSON, shown as YAML), encrypted (at rest: shown, never decrypted), text (anything else), deleted (a tombstone). */
  format: 'yaml' | 'encrypted' | 'text' | 'deleted';
  /** text is the YAML, the text, or for an encrypted value a hex dump of its first bytes. */
  text: string;
  /** encryption names the provider and key of an encrypted value (`aescbc`, key `key1`). */
  encryption?: { provider: string; key: string };
  bytes: number;
}

/** StoreRevisionView is one change of the selected key. */
export interface StoreRevisionView {
  revision: number;
  type: 'put' | 'delete';
  createRevision: number;
  version: number;
  value: StoreValueView;
}

/** StoreKeyHistoryView is the selected key's history: complete after revision `from` (the first entry may be the value in effect there). */
export interface StoreKeyHistoryView {
  key: string;
  from: number;
  revisions: StoreRevisionView[];
  /** note says what the store cannot tell (the etcd backend's history of a deleted key). */
  note?: string;
}

/** DiffLine is one line of a line diff: kept, removed (from the older) or added (in the newer). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** The Store panel's messages from the host. */
export type StoreToPanel =
  /** the lab's store is open: figures, the rate chart so far, and the tree's root level (at: null when live). */
  | { type: 'snapshot'; cluster: string; stats: StoreStatsView; rate: RatePoint[]; at: number | null }
  /** the active cluster is not the running lab: state, and whether it is the lab at all. */
  | { type: 'state'; state: ClusterState; cluster: string; isLab: boolean }
  /** new figures and the rate points since the last message. */
  | { type: 'stats'; stats: StoreStatsView; rate: RatePoint[] }
  /** one level of the tree under prefix, as of `at` (null: live); reset replaces the level, otherwise a delta. */
  | { type: 'children'; prefix: string; at: number | null; reset: boolean; nodes: Delta<StoreNodeView>; omitted: number }
  /** the selected key's history, undefined when none is selected. */
  | { type: 'history'; history: StoreKeyHistoryView | undefined }
  /** a diff the panel asked for, between two revisions of key. */
  | { type: 'diff'; key: string; from: number; to: number; lines: DiffLine[] }
  /** the outcome of a panel action (compact, defrag, time travel): error when it failed. */
  | { type: 'notice'; message: string; error: boolean }
  /** the revision every panel shows (shared time travel): the banner's; the tree's own `at` says what was read. */
  | { type: 'travel'; travel: TravelView };

/** The Store panel's intents. */
export type StoreFromPanel =
  /** the page is loaded, with what it kept (expanded folders, selected key, revision, diff). */
  | { type: 'ready'; view: StorePanelState }
  | { type: 'expand'; prefix: string }
  | { type: 'collapse'; prefix: string }
  | { type: 'select'; key: string | undefined }
  | { type: 'diff'; key: string; from: number; to: number }
  /** travel shows the store as of revision (null: live again). */
  | { type: 'travel'; revision: number | null }
  | { type: 'compact' }
  | { type: 'defrag' }
  | { type: 'saveSnapshot' }
  | { type: 'restoreSnapshot' }
  | { type: 'startLab' };

/** StorePanelState is what the Store panel keeps across hiding and window reloads. */
export interface StorePanelState {
  expanded: string[];
  selected?: string;
  /** at is the revision shown (time travel), absent when live. */
  at?: number;
  diff?: { from: number; to: number };
}

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

/** NetworkPodView is one pod on its node's bridge: its eth0 address and the host end of its veth pair. */
export interface NetworkPodView {
  uid: string;
  namespace: string;
  name: string;
  ip: string;
  /** veth is the host end of the pod's veth pair, enslaved to the bridge. */
  veth: string;
  /** ports are the pod's declared container ports (TCP), the trace tool's default destinations. */
  ports: number[];
}

/** NetworkRouteView is one line of a node's routing table, as `ip route` prints it. */
export interface NetworkRouteView {
  destination: string;
  via?: string;
  dev: string;
  kind: 'default' | 'connected' | 'podCIDR';
  /** node is the node whose podCIDR a podCIDR route leads to. */
  node?: string;
  text: string;
}

/** NetworkNodeView is one node of the drawing: its address, podCIDR, bridge, pods and routes. */
export interface NetworkNodeView {
  name: string;
  internalIP: string;
  podCIDR: string;
  bridge: { name: string; address: string; cidr: string };
  pods: NetworkPodView[];
  routes: NetworkRouteView[];
  /** proxyMode is the mode of the node's published kube-proxy rule set, '' when it has none. */
  proxyMode: string;
}

/** NetworkServicePortView is one port of a Service; hostPort is where a node port listens on the user's machine (127.0.0.1:<port>). */
export interface NetworkServicePortView {
  name: string;
  port: number;
  protocol: string;
  targetPort: string;
  nodePort?: number;
  hostPort?: string;
}

/** NetworkEndpointView is one address of a Service's EndpointSlices, with the pod behind it when there is one. */
export interface NetworkEndpointView {
  ip: string;
  ready: boolean;
  /** pod is "namespace/name" of the endpoint's targetRef, '' for an address that is not a pod's (the API server's). */
  pod: string;
  node: string;
}

/** NetworkServiceView is one Service: its virtual IP and ports, and the endpoints behind it. */
export interface NetworkServiceView {
  /** key is "namespace/name". */
  key: string;
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  ports: NetworkServicePortView[];
  endpoints: NetworkEndpointView[];
}

/** NetworkHopView is one hop of a packet trace, as the lab's tracer recorded it (status.hops). */
export interface NetworkHopView {
  type: 'resolve' | 'veth' | 'bridge' | 'rule' | 'ipvs' | 'nat' | 'route' | 'deliver' | 'reject' | 'drop' | 'response';
  node?: string;
  text: string;
  table?: string;
  chain?: string;
  rule?: string;
  probability?: number;
  taken?: boolean;
  device?: string;
  from?: string;
  to?: string;
  pod?: string;
}

/** NetworkTraceView is one PacketTrace: what was asked and, once the tracer answered, each hop. */
export interface NetworkTraceView {
  name: string;
  created: string;
  /** purpose says who asked: the panel's trace tool, its DNS box, or '' (someone else, kubectl). */
  purpose: 'trace' | 'lookup' | '';
  /** source and destination are the spec as `kubectl get packettraces` prints them: `pod/default/web-1`, `web:80`. */
  source: string;
  destination: string;
  done: boolean;
  outcome: string;
  message: string;
  resolution?: { name: string; address: string; via: string; server?: string; queries?: string[] };
  client: string;
  endpoint: string;
  pod: string;
  node: string;
  proxyMode: string;
  hops: NetworkHopView[];
}

/** NetworkRulesSection is one part of a node's rule set, in monospace as the node's tools print it. */
export interface NetworkRulesSection {
  title: string;
  /** table is the netfilter table an iptables section belongs to (a hop's table), when it is one. */
  table?: string;
  text: string;
}

/** NetworkRulesView is one node's published kube-proxy rules (its ProxyRuleSet). */
export interface NetworkRulesView {
  node: string;
  mode: string;
  sections: NetworkRulesSection[];
  truncated: boolean;
  syncs: number;
  lastSyncTime: string;
  services: number;
  endpoints: number;
}

/** NetworkTraceSource is where a trace starts, as PacketTrace's spec.source. */
export type NetworkTraceSource = { pod: string } | { node: string } | { external: { node?: string } };

/** NetworkTraceDestination is an address or DNS name and a port, as PacketTrace's spec.destination. */
export type NetworkTraceDestination = { ip: string; port: number } | { dnsName: string; port: number };

/** The Network panel's messages from the host. */
export type NetworkToPanel =
  /** after every snapshot and whenever it changes: the revision shown, live or past (read-only). */
  | { type: 'travel'; travel: TravelView }
  /** After `ready`: the whole network; isLab says whether rule sets and traces exist (the lab's own resources). */
  | {
    type: 'snapshot'; state: ClusterState; cluster: string; isLab: boolean; gateway: string; nodeNetwork: string;
    nodes: NetworkNodeView[]; services: NetworkServiceView[]; traces: NetworkTraceView[];
    /** omittedNodes is how many nodes the drawing leaves out (past its limit). */
    omittedNodes: number;
  }
  | { type: 'state'; state: ClusterState; cluster: string }
  /** What changed since the last message, throttled. */
  | { type: 'delta'; nodes: Delta<NetworkNodeView>; services: Delta<NetworkServiceView>; traces: Delta<NetworkTraceView>; omittedNodes: number }
  /** The rule set of the node the page asked for (undefined: it has none yet), again whenever it changes. */
  | { type: 'rules'; node: string; rules: NetworkRulesView | undefined }
  /** A trace or lookup the page asked for was created under name: select it when it arrives. */
  | { type: 'created'; name: string; purpose: 'trace' | 'lookup' }
  /** A request the page made failed: the API server's message. */
  | { type: 'notice'; message: string; error: boolean };

/** The Network panel's intents. */
export type NetworkFromPanel =
  | { type: 'ready' }
  | { type: 'startLab' }
  /** Show this node's kube-proxy rules. */
  | { type: 'rules'; node: string }
  /** Create a PacketTrace from source to destination. */
  | { type: 'trace'; source: NetworkTraceSource; destination: NetworkTraceDestination }
  /** Resolve a DNS name as the source would (a PacketTrace whose destination is the name). */
  | { type: 'lookup'; source: NetworkTraceSource; name: string }
  /** Open a Service's node port in the browser, at the host address the lab listens on for it. */
  | { type: 'openHostPort'; service: string; nodePort: number }
  | TravelFromPanel;

/** NetworkPanelState is what the Network panel keeps across hiding and window reloads. */
export interface NetworkPanelState {
  namespace: string;
  rulesNode?: string;
  selectedTrace?: string;
  source?: string;
  destination?: string;
  custom?: string;
  dnsName?: string;
}
