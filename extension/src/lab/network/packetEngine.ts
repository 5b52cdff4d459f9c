/**
 * PacketEngine carries a connection's first packet through the modelled
 * network hop by hop and, when it arrives, connects it to the server
 * listening in the target pod. From a pod: its eth0, the host's veth, the
 * node's bridge; on each node the kube-proxy rules at the netfilter hooks in
 * the node's mode (PREROUTING or OUTPUT, the routing decision, INPUT or
 * FORWARD, POSTROUTING); the node's routes — the bridge for its own pods,
 * another node's InternalIP for that node's podCIDR; at the last node the
 * bridge, the pod's veth and the socket. The reply's way back undoes the
 * NAT conntrack recorded. Outcomes are the kernel's: a socket, a reset or
 * ICMP error (connection refused), no neighbour (no route to host), or
 * silence (the connection times out).
 */
import type { Clock } from '../clock';
import type { Connection, Listener } from '../kubelet/listeners';
import { Pipe } from '../kubelet/pipe';
import type { Random } from '../random';
import { BRIDGE, type NetworkModel, type NodeNetwork, type PodInterface, inCidr, routeFor } from './networkModel';
import { type Hook, type HookContext, type Hop, type ModeEvaluator, NodeKernel, type Packet, type Verdict } from './packet';

/** NodeDataplane is what the engine reads of a node's kernel: its kube-proxy rules and its pods' sockets. */
export interface NodeDataplane {
  /** evaluator runs the rules kube-proxy last wrote; none before its first sync. */
  evaluator(): ModeEvaluator | undefined;
  listenerAt(ip: string, port: number): Listener | undefined;
  hasPodIP(ip: string): boolean;
}

/** DataplaneHosts is the engine's view of the cluster: the network model and each node's data plane. */
export interface DataplaneHosts {
  model(): NetworkModel;
  node(name: string): NodeDataplane | undefined;
  /** isCutOff tells whether a node is cut off the network: nothing crosses its edge. */
  isCutOff?(name: string): boolean;
}

/** Source is where a connection starts: a pod (by IP), a node's host network, or outside the cluster through a node. */
export type Source = { kind: 'pod'; ip: string } | { kind: 'node'; node: string } | { kind: 'external'; node: string; ip?: string };

/** Outcome is how a connection attempt ends. */
export type Outcome = 'Delivered' | 'Refused' | 'HostUnreachable' | 'TimedOut';

/** Flow is one connection attempt's way and end. */
export interface Flow {
  hops: Hop[];
  outcome: Outcome;
  /** message is the errno text a client prints: Connection refused, No route to host, Connection timed out. */
  message: string;
  /** client and destination are the addresses the client used. */
  client: string;
  destination: string;
  /** endpoint is where the packet arrived (after DNAT), pod and node whose it is. */
  endpoint?: string;
  pod?: string;
  node?: string;
  /** seenFrom is the source address the server sees (after any masquerade). */
  seenFrom?: string;
}

/** ClientSocket is the client's end of a connected flow. */
export interface ClientSocket {
  /** send carries the client's bytes to the server; end() it when done writing. */
  send: Pipe;
  /** receive carries the server's bytes back; it ends when the server closes. */
  receive: Pipe;
}

/** EPHEMERAL_PORTS is Linux's ip_local_port_range. */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;
/** MAX_NODES bounds how many nodes a packet may cross (a routing loop ends as a timeout). */
const MAX_NODES = 8;

const ERRNO: Record<Exclude<Outcome, 'Delivered'>, string> = { Refused: 'Connection refused', HostUnreachable: 'No route to host', TimedOut: 'Connection timed out' };

/** Arrival is how a packet came to a node. */
type Ingress = 'local' | 'pod' | 'peer' | 'external';

export class PacketEngine {
  private readonly kernels = new Map<string, NodeKernel>();
  private nextPort = EPHEMERAL_FIRST;

  constructor(private readonly hosts: DataplaneHosts, private readonly random: Random, private readonly clock: Clock) {}

  /** kernel is a node's rule state, kept across connections and rule syncs. */
  private kernel(node: string): NodeKernel {
    let k = this.kernels.get(node);
    if (!k) this.kernels.set(node, (k = new NodeKernel()));
    return k;
  }

  private ephemeralPort(): number {
    const p = this.nextPort;
    this.nextPort = p >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
    return p;
  }

  /** connect opens a TCP connection: the flow, and the client's socket when it was delivered to a listening server. */
  connect(source: Source, ip: string, port: number): { flow: Flow; socket?: ClientSocket } {
    const { flow, listener } = this.send(source, ip, port, 'tcp');
    if (!listener || flow.outcome !== 'Delivered') return { flow };
    const send = new Pipe();
    const receive = new Pipe();
    const conn: Connection = { input: send, output: receive, close: () => receive.end(), remote: flow.seenFrom ?? flow.client };
    listener.accept(conn);
    return { flow, socket: { send, receive } };
  }

  /** trace sends a connection's first packet and reports its way, without opening a connection to the server. */
  trace(source: Source, ip: string, port: number, protocol = 'tcp'): Flow {
    return this.send(source, ip, port, protocol).flow;
  }

  private send(source: Source, ip: string, port: number, protocol: string): { flow: Flow; listener?: Listener } {
    const model = this.hosts.model();
    const hops: Hop[] = [];
    const sport = this.ephemeralPort();
    const destination = `${ip}:${port}`;
    const fail = (outcome: Exclude<Outcome, 'Delivered'>, client: string): { flow: Flow } => ({ flow: { hops, outcome, message: ERRNO[outcome], client, destination } });
    let node: NodeNetwork | undefined;
    let ingress: Ingress;
    let src: string;
    if (source.kind === 'pod') {
      const at = findPod(model, source.ip);
      if (!at) return fail('HostUnreachable', `${source.ip}:${sport}`);
      node = at.node;
      src = source.ip;
      if (ip === src || inCidr(ip, '127.0.0.0/8')) return this.deliver(at.node, at.pod, { protocol, src, sport, dst: src, dport: port, mark: 0, dnat: false }, hops, `${src}:${sport}`, destination);
      hops.push({ type: 'veth', node: node.name, pod: podKey(at.pod), device: at.pod.hostVeth, text: `pod ${podKey(at.pod)} eth0 (${src}) → ${at.pod.hostVeth} on ${node.name}: default via ${at.pod.gateway}` });
      hops.push({ type: 'bridge', node: node.name, device: BRIDGE, text: `${BRIDGE} (${node.bridge.cidr}) on ${node.name}` });
      ingress = 'pod';
    } else {
      node = model.nodes.find((n) => n.name === source.node);
      if (!node) return fail('HostUnreachable', `${source.kind === 'external' ? source.ip ?? model.gateway : ''}:${sport}`);
      if (source.kind === 'node') {
        const r = routeFor(node, ip);
        src = r.dev === BRIDGE ? node.bridge.address : node.internalIP;
        ingress = 'local';
      } else {
        src = source.ip ?? model.gateway;
        if (this.hosts.isCutOff?.(node.name)) {
          hops.push({ type: 'drop', node: node.name, device: 'eth0', text: `${node.name} is cut off the network: the packet from ${src} to its eth0 (${node.internalIP}) is dropped` });
          return fail('TimedOut', `${src}:${sport}`);
        }
        hops.push({ type: 'route', node: node.name, device: 'eth0', from: src, to: node.internalIP, text: `from outside the cluster (${src}) to ${node.name} eth0 (${node.internalIP})` });
        ingress = 'external';
      }
    }
    const client = `${src}:${sport}`;
    const pkt: Packet = { protocol, src, sport, dst: ip, dport: port, mark: 0, dnat: false };
    for (let visited = 0; visited < MAX_NODES; visited++) {
      const step = this.visit(model, node, pkt, ingress, hops);
      if (step.kind === 'verdict') return fail(step.verdict === 'reject' ? 'Refused' : 'TimedOut', client);
      if (step.kind === 'host') {
        hops.push({ type: 'reject', node: node.name, text: `nothing listens on ${node.name} at ${pkt.dst}:${pkt.dport}: TCP RST` });
        return fail('Refused', client);
      }
      if (step.kind === 'away') {
        hops.push({ type: 'drop', node: node.name, text: `${pkt.dst} is outside the cluster: the packet leaves through ${model.gateway} and nothing answers` });
        return fail('TimedOut', client);
      }
      if (step.kind === 'pod') {
        if (!step.pod) {
          hops.push({ type: 'drop', node: node.name, device: BRIDGE, text: `no pod has ${pkt.dst} on ${node.name}: ARP for it on ${BRIDGE} goes unanswered` });
          return fail('HostUnreachable', client);
        }
        return this.deliver(node, step.pod, pkt, hops, client, destination);
      }
      const next = model.nodes.find((n) => n.name === step.node);
      if (!next) return fail('TimedOut', client);
      const cut = [node.name, next.name].find((n) => this.hosts.isCutOff?.(n));
      if (cut) {
        hops.push({ type: 'drop', node: node.name, device: 'eth0', text: `${cut} is cut off the network: the packet from ${node.name} to ${next.name} (${next.internalIP}) is dropped` });
        return fail('TimedOut', client);
      }
      node = next;
      ingress = 'peer';
    }
    return fail('TimedOut', client);
  }

  /** visit runs one node's hooks and routing for the packet: where it goes next, or the verdict that ended it. */
  private visit(model: NetworkModel, node: NodeNetwork, pkt: Packet, ingress: Ingress, hops: Hop[]):
    { kind: 'verdict'; verdict: Verdict } | { kind: 'host' } | { kind: 'away' } | { kind: 'pod'; pod?: PodInterface } | { kind: 'node'; node: string } {
    const ev = this.hosts.node(node.name)?.evaluator();
    const local = new Set([node.internalIP, node.bridge.address, ...(ev?.localAddresses() ?? [])]);
    const ctx: HookContext = {
      node: node.name, isLocal: (ip) => local.has(ip) || inCidr(ip, '127.0.0.0/8'), random: this.random, now: this.clock.now(), kernel: this.kernel(node.name), hops,
    };
    const run = (hook: Hook): Verdict => (ev ? ev.hook(hook, pkt, ctx) : 'accept');
    let v = run(ingress === 'local' ? 'output' : 'prerouting');
    if (v !== 'accept') return { kind: 'verdict', verdict: v };
    let forwarded = ingress !== 'local';
    if (ctx.isLocal(pkt.dst)) {
      v = run('input');
      if (v !== 'accept') return { kind: 'verdict', verdict: v };
      if (ctx.isLocal(pkt.dst)) return { kind: 'host' };
      // IPVS rewrote the destination at LOCAL_IN: the packet goes out again.
      forwarded = false;
    }
    if (forwarded) {
      v = run('forward');
      if (v !== 'accept') return { kind: 'verdict', verdict: v };
    }
    const route = routeFor(node, pkt.dst);
    ctx.masqueradeAddress = route.dev === BRIDGE ? node.bridge.address : node.internalIP;
    v = run('postrouting');
    if (v !== 'accept') return { kind: 'verdict', verdict: v };
    if (route.dev === BRIDGE) {
      hops.push({ type: 'route', node: node.name, device: BRIDGE, text: `${node.name}: ${pkt.dst} → ${route.text}` });
      const pod = node.pods.find((p) => p.podIP === pkt.dst);
      return { kind: 'pod', ...(pod && this.hosts.node(node.name)?.hasPodIP(pkt.dst) ? { pod } : {}) };
    }
    if (route.kind === 'podCIDR' && route.node) {
      const peer = model.nodes.find((n) => n.name === route.node);
      hops.push({ type: 'route', node: node.name, device: 'eth0', from: node.internalIP, to: route.via, text: `${node.name}: ${pkt.dst} → ${route.text} (${route.node}'s podCIDR) → ${route.node} eth0 (${peer?.internalIP ?? route.via})` });
      return { kind: 'node', node: route.node };
    }
    hops.push({ type: 'route', node: node.name, device: 'eth0', text: `${node.name}: ${pkt.dst} → ${route.text}` });
    return { kind: 'away' };
  }

  /** deliver hands the packet to the pod's socket (or its reset) and records the reply's way back. */
  private deliver(node: NodeNetwork, pod: PodInterface, pkt: Packet, hops: Hop[], client: string, destination: string): { flow: Flow; listener?: Listener } {
    const key = podKey(pod);
    const endpoint = `${pkt.dst}:${pkt.dport}`;
    if (pkt.src !== pod.podIP) {
      hops.push({ type: 'bridge', node: node.name, device: BRIDGE, text: `${BRIDGE} on ${node.name} → ${pod.hostVeth}` });
      hops.push({ type: 'veth', node: node.name, device: pod.hostVeth, pod: key, text: `${pod.hostVeth} → pod ${key} eth0 (${pod.podIP})` });
    }
    const listener = this.hosts.node(node.name)?.listenerAt(pkt.dst, pkt.dport);
    const base = { hops, client, destination, endpoint, pod: key, node: node.name, seenFrom: `${pkt.src}:${pkt.sport}` };
    if (!listener) {
      hops.push({ type: 'reject', node: node.name, pod: key, text: `nothing listens on ${endpoint} in pod ${key}: TCP RST` });
      return { flow: { ...base, outcome: 'Refused', message: ERRNO.Refused } };
    }
    hops.push({ type: 'deliver', node: node.name, pod: key, text: `delivered to ${endpoint} in pod ${key} on ${node.name}, from ${pkt.src}:${pkt.sport}` });
    this.response(hops, endpoint, `${pkt.src}:${pkt.sport}`, client, destination);
    return { flow: { ...base, outcome: 'Delivered', message: '' }, listener };
  }

  /** response records the reply: from the server to the address it saw, conntrack undoing each NAT on the way back, in reverse. */
  private response(hops: Hop[], server: string, seen: string, client: string, destination: string): void {
    hops.push({ type: 'response', text: `reply ${server} → ${seen}`, from: server, to: seen });
    const nats = hops.filter((h) => h.type === 'nat').reverse();
    let from = server;
    let to = seen;
    for (const n of nats) {
      if (n.text.startsWith('DNAT')) {
        from = n.from ?? from;
        hops.push({ type: 'response', node: n.node, text: `conntrack on ${n.node ?? ''} reverses DNAT: source ${n.to ?? ''} → ${from}`, from: n.to, to: from });
      } else {
        const port = to.split(':')[1];
        to = `${n.from ?? ''}:${port}`;
        hops.push({ type: 'response', node: n.node, text: `conntrack on ${n.node ?? ''} reverses MASQUERADE: destination ${n.to ?? ''} → ${n.from ?? ''}`, from: n.to, to: n.from });
      }
    }
    hops.push({ type: 'response', text: `${client} receives the reply from ${destination}`, from: destination, to: client });
  }
}

function podKey(p: PodInterface): string {
  return `${p.namespace}/${p.name}`;
}

/** findPod finds a pod's interface and node by its IP. */
export function findPod(model: NetworkModel, ip: string): { node: NodeNetwork; pod: PodInterface } | undefined {
  for (const node of model.nodes) {
    const pod = node.pods.find((p) => p.podIP === ip);
    if (pod) return { node, pod };
  }
  return undefined;
}
