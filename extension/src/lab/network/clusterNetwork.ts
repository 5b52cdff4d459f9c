/**
 * ClusterNetwork is the lab's pod network at work: a kindnet-like agent (an
 * API client watching Nodes and Pods) keeps the NetworkModel, each node's
 * kernel runs the rules its kube-proxy wrote (read where kube-proxy wrote
 * them, as the kernel holds them), and the PacketEngine carries connections
 * through both. Containers dial through it (attach), the packet tracer and
 * the host-port forwarder use it, and panels read model().
 */
import type { Node, Pod } from '../api/types';
import type { Clock } from '../clock';
import type { KubeClient } from '../client/kubeClient';
import { Informer } from '../client/informer';
import { NODES, PODS } from '../client/resources';
import type { Listener } from '../kubelet/listeners';
import type { Random } from '../random';
import { IptablesEvaluator, type IptablesRuleSet } from './iptablesEval';
import { IptablesProxier } from './iptablesProxier';
import { IpvsEvaluator } from './ipvsEval';
import { IpvsProxier, type IpvsRuleSet } from './ipvsProxier';
import type { KubeProxy } from './kubeProxy';
import { type NetworkModel, networkModel } from './networkModel';
import { NftablesEvaluator } from './nftablesEval';
import type { NftTable } from './nftablesProxier';
import type { ModeEvaluator } from './packet';
import { type ClientSocket, type DataplaneHosts, type Flow, type NodeDataplane, PacketEngine, type Source } from './packetEngine';

/** NodeRuntime is what the network reaches of a node's container runtime: its pods' sockets. */
export interface NodeRuntime {
  listenerAt(ip: string, port: number): Listener | undefined;
  hasPodIP(ip: string): boolean;
}

/** ClusterNetworkHosts is what the lab gives the network: time and chance, and each node's runtime and kube-proxy. */
export interface ClusterNetworkHosts {
  clock: Clock;
  random: Random;
  runtimeOf(node: string): NodeRuntime | undefined;
  proxyOf(node: string): KubeProxy | undefined;
  /** isCutOff tells whether a node is cut off the network (fault injection): packets across its edge are dropped. */
  isCutOff?(node: string): boolean;
  clusterCIDR?: string;
}

/** TcpNetwork is a container's way to open connections from its pod's IP. */
export interface TcpNetwork {
  connect(ip: string, port: number): { flow: Flow; socket?: ClientSocket };
}

/** modeOf names a kube-proxy's mode from its proxier. */
export function modeOf(proxy: KubeProxy): 'iptables' | 'ipvs' | 'nftables' {
  return proxy.proxier instanceof IptablesProxier ? 'iptables' : proxy.proxier instanceof IpvsProxier ? 'ipvs' : 'nftables';
}

export class ClusterNetwork implements DataplaneHosts {
  readonly engine: PacketEngine;
  private nodes?: Informer<Node>;
  private pods?: Informer<Pod>;
  private cached?: NetworkModel;
  private readonly evaluators = new Map<string, { proxy: KubeProxy; syncs: number; ev: ModeEvaluator }>();

  constructor(private readonly hosts: ClusterNetworkHosts) {
    this.engine = new PacketEngine(this, hosts.random, hosts.clock);
  }

  /** start runs the agent's informers as client (kindnet's service account); the engine's kernel state outlives a restart. */
  async start(client: KubeClient): Promise<void> {
    this.stop();
    this.nodes = new Informer<Node>(client, NODES, this.hosts.clock);
    this.pods = new Informer<Pod>(client, PODS, this.hosts.clock);
    const dirty = { onAdd: () => this.invalidate(), onUpdate: () => this.invalidate(), onDelete: () => this.invalidate() };
    this.nodes.addEventHandler(dirty);
    this.pods.addEventHandler(dirty);
    await Promise.all([this.nodes.start(), this.pods.start()]);
  }

  stop(): void {
    this.nodes?.stop();
    this.pods?.stop();
    this.nodes = this.pods = undefined;
    this.invalidate();
  }

  private invalidate(): void {
    this.cached = undefined;
  }

  /** model is the pod network as the Nodes and Pods now describe it. */
  model(): NetworkModel {
    return (this.cached ??= networkModel(this.nodes?.list() ?? [], this.pods?.list() ?? []));
  }

  /** pod finds a Pod by namespace/name in the agent's cache. */
  pod(key: string): Pod | undefined {
    return this.pods?.get(key);
  }

  node(name: string): NodeDataplane | undefined {
    const runtime = this.hosts.runtimeOf(name);
    if (!runtime) return undefined;
    return {
      evaluator: () => this.evaluator(name),
      listenerAt: (ip, port) => runtime.listenerAt(ip, port),
      hasPodIP: (ip) => runtime.hasPodIP(ip),
    };
  }

  /** isCutOff tells whether a node is cut off the network (the engine drops what crosses its edge). */
  isCutOff(node: string): boolean {
    return this.hosts.isCutOff?.(node) ?? false;
  }

  /** proxyMode is the mode of a node's kube-proxy. */
  proxyMode(node: string): string | undefined {
    const p = this.hosts.proxyOf(node);
    return p ? modeOf(p) : undefined;
  }

  /** evaluator is the node's rules as its kube-proxy last synced them, rebuilt only after a sync. */
  private evaluator(name: string): ModeEvaluator | undefined {
    const proxy = this.hosts.proxyOf(name);
    if (!proxy || proxy.syncCount === 0) return undefined;
    const have = this.evaluators.get(name);
    if (have && have.proxy === proxy && have.syncs === proxy.syncCount) return have.ev;
    const rules = proxy.proxier.rules();
    const mode = modeOf(proxy);
    const ev = mode === 'iptables' ? new IptablesEvaluator(rules as IptablesRuleSet)
      : mode === 'ipvs' ? new IpvsEvaluator(rules as IpvsRuleSet, this.hosts.clusterCIDR)
        : new NftablesEvaluator(rules as NftTable);
    this.evaluators.set(name, { proxy, syncs: proxy.syncCount, ev });
    return ev;
  }

  /** attach is a container's network for TCP: connections start at its pod's IP. */
  attach(podIP: string): TcpNetwork {
    return { connect: (ip, port) => this.engine.connect({ kind: 'pod', ip: podIP }, ip, port) };
  }

  /** connect opens a connection from any source. */
  connect(source: Source, ip: string, port: number): { flow: Flow; socket?: ClientSocket } {
    return this.engine.connect(source, ip, port);
  }
}
