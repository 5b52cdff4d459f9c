/**
 * channel is the one typed protocol between the extension host and the lab's
 * worker thread: Kubernetes API requests and watch streams one way, answers,
 * events and the lab's state the other. Both sides switch on `type` exhaustively.
 */
import type { ApiRequest, ApiResponse } from './apiserver/apiServer';
import type { Status, WatchEvent } from './api/types';
import type { LabState } from './lab';

/** LabOptions are what the host chooses when it starts the lab. */
export interface LabOptions {
  nodes: number;
  seed: number;
  /** speed runs lab time this many times faster than the wall clock (1 = real time). */
  speed: number;
  /** serve opens the HTTPS front door on 127.0.0.1 (port 0: a free one), its PKI and kubeconfig kept in dir. */
  serve?: { port: number; dir: string; kubeconfigPath?: string };
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
  | { type: 'unwatch'; id: number };

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
  | { type: 'watchEnd'; id: number; error?: Status };
