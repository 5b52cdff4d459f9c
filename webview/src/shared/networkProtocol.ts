/**
 * networkProtocol types the Network panel's messages both ways: nodes, bridges,
 * routes, Services and endpoints, packet traces and kube-proxy rule sets.
 * protocol.ts re-exports it.
 */
import type { ClusterState, Delta, TravelFromPanel, TravelView } from './panelProtocol';

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
