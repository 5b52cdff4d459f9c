/**
 * podNetwork is how a node's sandboxes meet the cluster network, as the
 * kubelet's runtime sees it: a container sends DNS queries from its pod's IP,
 * and an image whose server the lab provides outside the kubelet (CoreDNS,
 * which is an API client of its own) starts it in the pod's network
 * namespace. The lab wires one PodNetwork into every kubelet.
 */
import type { ServerContext, Listener } from '../../kubelet/listeners';
import type { DnsQuery, DnsReply } from './dnsMessage';

/**
 * DnsExchange is what one query sent over UDP came back with: a reply, a
 * refusal (an ICMP port unreachable: nothing bound there, or a Service
 * without endpoints that kube-proxy rejects), or nothing at all.
 */
export type DnsExchange = { reply: DnsReply } | { refused: true } | { timeout: true };

/** ContainerNetwork is a container's way onto the pod network. */
export interface ContainerNetwork {
  /** exchangeDns sends one DNS query to server:port and waits for what comes back. */
  exchangeDns(server: string, port: number, query: DnsQuery): Promise<DnsExchange>;
}

/** ServerStart is a container's main process that is an image's server: what it runs and where. */
export interface ServerStart {
  ref: string;
  argv: string[];
  podIP: string;
  /** serviceAccount is the pod's, whose token the process authenticates to the API server with. */
  serviceAccount: { namespace: string; name: string };
  ctx: ServerContext;
}

/** RunningServer is a started server: its TCP listeners to bind in the sandbox, and how to stop it. */
export interface RunningServer {
  listeners: Listener[];
  stop(): void;
}

/** PodNetwork is the cluster network a node's runtime is plugged into. */
export interface PodNetwork {
  /** attach gives a container of the sandbox at podIP its network. */
  attach(podIP: string): ContainerNetwork;
  /** serve starts the server an image runs when the lab provides it; undefined when it does not. */
  serve(start: ServerStart): RunningServer | undefined;
}
