/**
 * packet holds what the packet engine and its per-mode rule evaluators share:
 * the packet as netfilter sees it (addresses, ports, mark, whether conntrack
 * has DNATed it), the hops a trace records, and the kernel state the rules
 * keep between connections on one node (xt_recent lists, nftables dynamic
 * sets, IPVS schedulers and persistence templates).
 */
import type { Random } from '../random';

/** Packet is the first packet of a connection (the SYN), rewritten as it goes. */
export interface Packet {
  /** protocol is lowercase: tcp, udp, sctp. */
  protocol: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** mark is the skb mark (KUBE-MARK-MASQ sets 0x4000). */
  mark: number;
  /** dnat is conntrack's DNAT status: some rule rewrote the destination. */
  dnat: boolean;
}

/** HopType names what happened at a hop. */
export type HopType = 'resolve' | 'veth' | 'bridge' | 'rule' | 'ipvs' | 'nat' | 'route' | 'deliver' | 'reject' | 'drop' | 'response';

/** Hop is one step of a packet's way, as the node's tools would show it. */
export interface Hop {
  type: HopType;
  node?: string;
  /** text is the step in a line. */
  text: string;
  /** table, chain and rule are the netfilter rule (iptables-save or nft syntax) for a rule hop. */
  table?: string;
  chain?: string;
  rule?: string;
  /** probability is a statistic rule's; taken says whether the draw chose it. */
  probability?: number;
  taken?: boolean;
  /** device is the interface (veth, bridge, eth0) for veth, bridge and route hops. */
  device?: string;
  /** from and to are the addresses a NAT or a route changes between. */
  from?: string;
  to?: string;
  /** pod is "namespace/name" for veth and delivery hops. */
  pod?: string;
}

/** Verdict is how a hook let the packet go: on, or dropped (silently) or rejected (an ICMP error or a TCP reset). */
export type Verdict = 'accept' | 'drop' | 'reject';

/** NodeKernel is the rule state one node's kernel keeps between connections. */
export class NodeKernel {
  /** recent are xt_recent's lists: name → source address → last seen (ms). */
  readonly recent = new Map<string, Map<string, number>>();
  /** sets are nftables dynamic sets: name → element → expiry (ms). */
  readonly sets = new Map<string, Map<string, number>>();
  /** rr is each IPVS virtual service's round-robin position. */
  readonly rr = new Map<string, number>();
  /** persistence are IPVS persistence templates: "vs|client" → real server and expiry. */
  readonly persistence = new Map<string, { server: string; expires: number }>();
}

/** HookContext is what a hook's rules see besides the packet. */
export interface HookContext {
  node: string;
  /** isLocal is addrtype LOCAL / fib type local: an address of this node. */
  isLocal(ip: string): boolean;
  /** masqueradeAddress is the outgoing interface's address, for MASQUERADE at postrouting. */
  masqueradeAddress?: string;
  random: Random;
  now: number;
  kernel: NodeKernel;
  hops: Hop[];
}

/** Hook is a netfilter hook a packet passes. */
export type Hook = 'prerouting' | 'output' | 'input' | 'forward' | 'postrouting';

/** ModeEvaluator runs a node's kube-proxy rules (in its mode) at a hook. */
export interface ModeEvaluator {
  hook(hook: Hook, pkt: Packet, ctx: HookContext): Verdict;
  /** localAddresses are addresses the mode binds on the node (IPVS's kube-ipvs0). */
  localAddresses(): readonly string[];
}
