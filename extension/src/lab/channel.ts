/**
 * channel is the one typed protocol between the extension host and the lab's
 * worker thread: Kubernetes API requests and watch streams one way, answers,
 * events and the lab's state the other. Both sides switch on `type` exhaustively.
 */
import type { ApiRequest, ApiResponse } from './apiserver/apiServer';
import type { Status, WatchEvent } from './api/types';
import type { KubeProxyMode, LabState, StoreConfig } from './lab';
import type { ControlResult, LabControl } from './labControl';

/** LabOptions are what the host chooses when it starts the lab. */
export interface LabOptions {
  nodes: number;
  seed: number;
  /** speed runs lab time this many times faster than the wall clock (1 = real time). */
  speed: number;
  /** serve opens the HTTPS front door on 127.0.0.1 (port 0: a free one), its PKI and kubeconfig kept in dir. */
  serve?: { port: number; dir: string; kubeconfigPath?: string };
  /** nodeSize is each node's capacity (cpu and memory as quantities, pods a count); 4 CPUs, 8Gi and 110 pods when omitted. */
  nodeSize?: { cpu: string; memory: string; pods: string };
  /** kubeProxyMode is the nodes' kube-proxy --proxy-mode. */
  kubeProxyMode?: KubeProxyMode;
  /** admissionPlugins are --enable-admission-plugins and --disable-admission-plugins. */
  admissionPlugins?: { enable?: string[]; disable?: string[] };
  /** persistence keeps the store durable in the folder path between sessions (a write-ahead log and a checkpoint): every acknowledged write survives a crash; stop folds the log into the checkpoint. */
  persistence?: { path: string };
  /** storeQuotaBytes is the store's backend quota (etcd's --quota-backend-bytes). */
  storeQuotaBytes?: number;
  /** store chooses the backend: embedded (the default) or a real etcd cluster at its endpoints. */
  store?: StoreConfig;
  /** controlPlaneNode adds kubeadm's control-plane node, with the control plane's static pods, beside the workers. */
  controlPlaneNode?: boolean;
  /** hostPorts listens on 127.0.0.1 for the Services' node ports (lab/network/hostPorts.ts). */
  hostPorts?: boolean;
  /** controlPlaneReplicas runs this many kube-scheduler and kube-controller-manager replicas, one leading each Lease (1 when omitted). */
  controlPlaneReplicas?: number;
}

export type HostMessage =
  /** host → lab, once after the worker starts: build the cluster and start it. */
  | { type: 'start'; options: LabOptions }
  /** host → lab: stop every component; the host terminates the worker after `state: stopped`. */
  | { type: 'stop' }
  /** host → lab: one API request; answered by `response` with the same id. */
  | { type: 'request'; id: number; request: ApiRequest }
  /** host → lab: open a watch; events come as `watchEvents`, the end as `watchEnd`, with the same id. */
  | { type: 'watch'; id: number; request: ApiRequest }
  /** host → lab: close the watch with this id. */
  | { type: 'unwatch'; id: number }
  /** host → lab: act on the lab itself (nodes, snapshots); answered by `controlResult` with the same id. */
  | { type: 'control'; id: number; op: LabControl }
  /** host → lab: open a streamed response (a followed pods/log); its text comes as `streamData`, the end as `streamEnd`, with the same id. */
  | { type: 'stream'; id: number; request: ApiRequest }
  /** host → lab: stop the stream with this id. */
  | { type: 'unstream'; id: number };

export type LabMessage =
  /** lab → host: the lab's state changed (error set when starting failed). */
  | { type: 'state'; state: LabState; error?: string }
  /** lab → host: the front door is listening (after `state: running`, when the start options asked to serve); error when it could not. */
  | { type: 'served'; url?: string; kubeconfigPath?: string; error?: string }
  /** lab → host: the answer to `request` id. */
  | { type: 'response'; id: number; response: ApiResponse }
  /** lab → host: events of watch id, batched per turn of the worker's event loop. */
  | { type: 'watchEvents'; id: number; events: WatchEvent[] }
  /** lab → host: watch id ended; error is the Status that ended it, if any. */
  | { type: 'watchEnd'; id: number; error?: Status }
  /** lab → host: the answer to `control` id: its result, or why it changed nothing. */
  | { type: 'controlResult'; id: number; error?: string; result?: ControlResult }
  /** lab → host, on stop before `state: stopped` when persistence is on: the store in folder path was closed, its log folded into its checkpoint (error when it could not be). */
  | { type: 'persisted'; path: string; error?: string }
  /** lab → host: text of stream id, what it wrote in one turn of the worker's event loop joined. */
  | { type: 'streamData'; id: number; chunk: string }
  /** lab → host: stream id ended; error is the Status that refused or ended it, if any. */
  | { type: 'streamEnd'; id: number; error?: Status };
