/**
 * partition cuts a node off the network, as pulling its cable does, where
 * stopNode stops its kubelet: the kubelet, kube-proxy and containers keep
 * running, but every request the node's components make to the API server
 * times out, the watches they hold end and cannot be opened again, and
 * packets between its pods and the rest of the cluster are dropped. Nobody is
 * told: the node lifecycle controller sees the heartbeats stop and does what
 * it does upstream (Ready=Unknown, the unreachable taint, evictions), while
 * the kubelet, not hearing of it, runs its pods on. Reconnected, the node's
 * informers relist at their next retry and the kubelet catches up.
 */
import type { ApiRequest, ApiResponse } from './apiserver/apiServer';
import type { Node, Status, WatchEvent } from './api/types';
import { isStatus } from './api/types';
import { NODES } from './client/resources';
import type { Transport, WatchHandle } from './client/transport';
import { API_SERVER_ADDRESS, API_SERVER_PORT } from './controllers/kubernetesService';
import type { Lab } from './lab';

/** WATCH_LOST is client-go's StreamWatcher's error when the connection under a watch goes (an internal error, as NewInternalError words it). */
export const WATCH_LOST = 'unable to decode an event from the watch stream: http2: client connection lost';

/** dialTimeout is what a request from a cut-off node gets: no answer, so the dial times out, in Go's url.Error wording. */
export function dialTimeout(req: ApiRequest): Status {
  const server = `${API_SERVER_ADDRESS}:${API_SERVER_PORT}`;
  const query = new URLSearchParams(Object.entries(req.query ?? {}).sort(([a], [b]) => a.localeCompare(b))).toString();
  const op = req.method.charAt(0) + req.method.slice(1).toLowerCase();
  const message = `${op} "https://${server}${req.path}${query ? `?${query}` : ''}": dial tcp ${server}: i/o timeout`;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'ServiceUnavailable', code: 503 };
}

/** watchLost is the error that ends a watch or stream whose node was cut off under it. */
function watchLost(): Status {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError',
    message: `Internal error occurred: ${WATCH_LOST}`, details: { causes: [{ message: WATCH_LOST }] },
  };
}

/** NodePartition is which nodes are cut off the network, and the open streams of their components, which a cut ends. */
export class NodePartition {
  private readonly cutOff = new Set<string>();
  /** open are the drops of each node's open watches and streams. */
  private readonly open = new Map<string, Set<() => void>>();
  /** failed counts, per node, the requests its components made while cut off (their retry pacing shows in it). */
  private readonly failed = new Map<string, number>();

  /** isCutOff tells whether node is cut off. */
  isCutOff(node: string): boolean {
    return this.cutOff.has(node);
  }

  /** nodes are the nodes cut off now. */
  nodes(): string[] {
    return [...this.cutOff].sort();
  }

  /** cut cuts node off, ending its components' open watches and streams; false when it already was. */
  cut(node: string): boolean {
    if (this.cutOff.has(node)) return false;
    this.cutOff.add(node);
    const drops = [...(this.open.get(node) ?? [])];
    this.open.delete(node);
    for (const drop of drops) drop();
    return true;
  }

  /** reconnect puts node back on the network; false when it was not cut off. */
  reconnect(node: string): boolean {
    return this.cutOff.delete(node);
  }

  /** reachable tells whether packets pass between two nodes: always within one node, else only when neither is cut off. An unknown end is not this partition's to stop. */
  reachable(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined || a === b) return true;
    return !this.cutOff.has(a) && !this.cutOff.has(b);
  }

  /** failedRequests is how many requests node's components made while it was cut off. */
  failedRequests(node: string): number {
    return this.failed.get(node) ?? 0;
  }

  /** transport is inner as node's components reach the API server through the node's network; inner itself for a client on no node (the admin, the control plane). */
  transport(node: string | undefined, inner: Transport): Transport {
    return node === undefined ? inner : new PartitionedTransport(this, node, inner);
  }

  /** refuse counts a request node made while cut off, and answers it. */
  refuse(node: string, req: ApiRequest): Status {
    this.failed.set(node, this.failedRequests(node) + 1);
    return dialTimeout(req);
  }

  /** hold keeps drop to run when node is cut off; the returned function lets go of it. */
  hold(node: string, drop: () => void): () => void {
    let set = this.open.get(node);
    if (!set) this.open.set(node, (set = new Set()));
    set.add(drop);
    return () => void this.open.get(node)?.delete(drop);
  }
}

/** PartitionedTransport is a node's components' way to the API server: refused while the node is cut off, its streams ended by the cut. */
class PartitionedTransport implements Transport {
  constructor(private readonly partition: NodePartition, private readonly node: string, private readonly inner: Transport) {}

  request(req: ApiRequest): Promise<ApiResponse> {
    if (!this.partition.isCutOff(this.node)) return this.inner.request(req);
    const status = this.partition.refuse(this.node, req);
    return Promise.resolve({ status: status.code, body: status });
  }

  watch(req: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    // A watch's end is an ERROR event, then the close, as a stream watcher sends them.
    return this.follow(req, onEnd, (end) => this.inner.watch(req, onEvent, end), (lost) => onEvent({ type: 'ERROR', object: lost }));
  }

  stream(req: ApiRequest, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    return this.follow(req, onEnd, (end) => this.inner.stream(req, onChunk, end));
  }

  /** follow opens a stream unless the node is cut off, and ends it with the lost connection's error when the node is cut off under it. */
  private async follow(req: ApiRequest, onEnd: (error?: Status) => void, open: (end: (error?: Status) => void) => Promise<WatchHandle>, lost?: (error: Status) => void): Promise<WatchHandle> {
    if (this.partition.isCutOff(this.node)) {
      onEnd(this.partition.refuse(this.node, req));
      return { cancel: () => undefined };
    }
    let ended = false;
    // The server's end, once open: a cut while it opens ends it as soon as it is.
    const server: { end?: WatchHandle } = {};
    const drop = (): void => {
      if (ended) return;
      ended = true;
      const error = watchLost();
      lost?.(error);
      server.end?.cancel();
      onEnd(error);
    };
    const release = this.partition.hold(this.node, drop);
    const handle = await open((error) => {
      if (ended) return;
      ended = true;
      release();
      onEnd(error);
    });
    server.end = handle;
    if (ended) {
      release();
      handle.cancel();
    }
    return {
      cancel: () => {
        release();
        handle.cancel();
      },
    };
  }
}

/** labNode is the name of a node of the running lab with a kubelet, or why there is none. */
async function labNode(lab: Lab, name: string): Promise<{ node: string } | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  if (lab.kubelets.some((k) => k.nodeName === name)) return { node: name };
  const node = await lab.client().get<Node>(NODES, '', name);
  return { error: isStatus(node) ? node.message ?? `nodes "${name}" not found` : `node "${name}" has no kubelet in the lab` };
}

/**
 * cutNodeOff cuts node name off the network: its kubelet's and kube-proxy's
 * requests time out and their watches end, its pods' traffic to and from
 * other nodes is dropped. The control plane finds out only from the silence.
 */
export async function cutNodeOff(lab: Lab, name: string): Promise<{ node: string; network: 'cut off' } | { error: string }> {
  const found = await labNode(lab, name);
  if ('error' in found) return found;
  if (!lab.partition.cut(name)) return { error: `node "${name}" is already cut off` };
  return { node: name, network: 'cut off' };
}

/** reconnectNode puts a cut-off node back on the network: its components' next retries reach the API server. */
export async function reconnectNode(lab: Lab, name: string): Promise<{ node: string; network: 'connected' } | { error: string }> {
  const found = await labNode(lab, name);
  if ('error' in found) return found;
  if (!lab.partition.reconnect(name)) return { error: `node "${name}" is not cut off` };
  return { node: name, network: 'connected' };
}
