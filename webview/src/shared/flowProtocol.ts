/**
 * flowProtocol types the Request flow panel's messages both ways: each
 * request's trip through the API server's pipeline, and what the cluster did
 * because of it. protocol.ts re-exports it.
 */
import type { ClusterState } from './panelProtocol';

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
