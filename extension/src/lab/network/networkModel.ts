/**
 * networkModel is the lab's pod network as data, derived from the cluster's
 * objects the way a flat CNI (kind's kindnetd, or the bridge plugin with the
 * route controller) programs it: on each node a Linux bridge cni0 holding the
 * first address of the node's spec.podCIDR, a veth pair per pod (the pod's
 * eth0, the host's veth<hash> enslaved to cni0), and a route to every other
 * node's podCIDR via that node's InternalIP. The Network panel draws it and the
 * packet engine routes by it.
 */
import { createHash } from 'node:crypto';
import type { Node, Pod } from '../api/types';

/** BRIDGE is the bridge plugin's default bridge name. */
export const BRIDGE = 'cni0';
/** NODE_INTERFACE is the node's interface on the node network. */
export const NODE_INTERFACE = 'eth0';

/** PodInterface is one pod's veth pair. */
export interface PodInterface {
  namespace: string;
  name: string;
  uid: string;
  podIP: string;
  /** hostVeth is the host end, enslaved to the bridge; the container end is eth0. */
  hostVeth: string;
  containerInterface: 'eth0';
  /** gateway is the pod's default route: the bridge's address. */
  gateway: string;
}

/** Route is one line of the node's main routing table, as `ip route` prints it. */
export interface Route {
  /** destination is a CIDR or `default`. */
  destination: string;
  via?: string;
  dev: string;
  /** kind says what wrote it: the kernel for a connected network, the CNI/route controller for another node's pods, DHCP/the runtime for the default. */
  kind: 'default' | 'connected' | 'podCIDR';
  /** node is the node whose pods a podCIDR route leads to. */
  node?: string;
  text: string;
}

/** NodeNetwork is one node's interfaces and routes. */
export interface NodeNetwork {
  name: string;
  internalIP: string;
  /** podCIDR is spec.podCIDR; empty until the node IPAM controller or the kubelet set it. */
  podCIDR: string;
  bridge: { name: string; address: string; cidr: string };
  pods: PodInterface[];
  routes: Route[];
}

/** NetworkModel is the whole pod network. */
export interface NetworkModel {
  /** gateway is the node network's gateway: the user's machine as the nodes see it. */
  gateway: string;
  nodeNetwork: string;
  nodes: NodeNetwork[];
}

/** ipNumber reads a dotted quad as an unsigned 32-bit number. */
export function ipNumber(ip: string): number {
  let n = 0;
  for (const part of ip.split('.')) n = n * 256 + Number(part);
  return n;
}

/** ipString prints a 32-bit number as a dotted quad. */
export function ipString(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** inCidr tells whether an IPv4 address is in a CIDR (a bare address is a /32). */
export function inCidr(ip: string, cidr: string): boolean {
  const slash = cidr.indexOf('/');
  const bits = slash < 0 ? 32 : Number(cidr.slice(slash + 1));
  const size = 2 ** (32 - bits);
  return Math.floor(ipNumber(ip) / size) === Math.floor(ipNumber(slash < 0 ? cidr : cidr.slice(0, slash)) / size);
}

/** firstAddress is a CIDR's first host address, the bridge's (10.244.1.0/24 → 10.244.1.1). */
export function firstAddress(cidr: string): string {
  return ipString(ipNumber(cidr.split('/')[0]) + 1);
}

/**
 * vethName is the host end's name. The bridge plugin draws four random bytes
 * (ip.RandomVethName: "veth%x"); the lab hashes the pod's UID instead, so the
 * name is the same each time the model is derived.
 */
export function vethName(podUID: string): string {
  return `veth${createHash('sha256').update(podUID).digest('hex').slice(0, 8)}`;
}

/** internalIP is a Node's InternalIP address. */
export function internalIP(node: Node): string {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
}

/** NODE_NETWORK is the nodes' network (kind's docker network); its first address is the gateway. */
export const NODE_NETWORK = '172.18.0.0/16';

/**
 * networkModel derives the pod network from Nodes and Pods: nodes sorted by
 * name, each with its bridge, the veths of its running pods (those with a pod
 * IP, not on the host network) and its routes — the default via the gateway,
 * the connected node network, its own podCIDR on the bridge, and each other
 * node's podCIDR via that node's InternalIP.
 */
export function networkModel(nodes: readonly Node[], pods: readonly Pod[], nodeNetwork = NODE_NETWORK): NetworkModel {
  const gateway = firstAddress(nodeNetwork);
  const sorted = [...nodes].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const podsByNode = new Map<string, PodInterface[]>();
  for (const p of pods) {
    const node = p.spec.nodeName;
    const ip = p.status?.podIP;
    if (!node || !ip || (p.spec as { hostNetwork?: boolean }).hostNetwork) continue;
    let list = podsByNode.get(node);
    if (!list) podsByNode.set(node, (list = []));
    list.push({ namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', uid: p.metadata.uid ?? '', podIP: ip, hostVeth: vethName(p.metadata.uid ?? `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`), containerInterface: 'eth0', gateway: '' });
  }
  const out: NodeNetwork[] = sorted.map((n) => {
    const name = n.metadata.name ?? '';
    const ip = internalIP(n);
    const podCIDR = n.spec.podCIDR ?? '';
    const bridgeIP = podCIDR ? firstAddress(podCIDR) : '';
    const bits = podCIDR.split('/')[1] ?? '24';
    const routes: Route[] = [{ destination: 'default', via: gateway, dev: NODE_INTERFACE, kind: 'default', text: `default via ${gateway} dev ${NODE_INTERFACE}` }];
    routes.push({ destination: nodeNetwork, dev: NODE_INTERFACE, kind: 'connected', text: `${nodeNetwork} dev ${NODE_INTERFACE} proto kernel scope link src ${ip}` });
    if (podCIDR) routes.push({ destination: podCIDR, dev: BRIDGE, kind: 'connected', text: `${podCIDR} dev ${BRIDGE} proto kernel scope link src ${bridgeIP}` });
    for (const other of sorted) {
      const cidr = other.spec.podCIDR;
      const via = internalIP(other);
      if (other === n || !cidr || !via) continue;
      routes.push({ destination: cidr, via, dev: NODE_INTERFACE, kind: 'podCIDR', node: other.metadata.name ?? '', text: `${cidr} via ${via} dev ${NODE_INTERFACE}` });
    }
    // ip route lists the default first, then by destination address.
    routes.sort((a, b) => (a.kind === 'default' ? -1 : b.kind === 'default' ? 1 : ipNumber(a.destination.split('/')[0]) - ipNumber(b.destination.split('/')[0])));
    const podList = (podsByNode.get(name) ?? []).map((p) => ({ ...p, gateway: bridgeIP })).sort((a, b) => ipNumber(a.podIP) - ipNumber(b.podIP));
    return { name, internalIP: ip, podCIDR, bridge: { name: BRIDGE, address: bridgeIP, cidr: podCIDR ? `${bridgeIP}/${bits}` : '' }, pods: podList, routes };
  });
  return { gateway, nodeNetwork, nodes: out };
}

/** routeFor is the route a node takes to an address: the longest prefix that holds it. */
export function routeFor(node: NodeNetwork, ip: string): Route {
  let best: Route | undefined;
  let bestBits = -1;
  for (const r of node.routes) {
    if (r.destination === 'default') continue;
    const bits = Number(r.destination.split('/')[1] ?? 32);
    if (bits > bestBits && inCidr(ip, r.destination)) [best, bestBits] = [r, bits];
  }
  return best ?? (node.routes.find((r) => r.kind === 'default') as Route);
}
