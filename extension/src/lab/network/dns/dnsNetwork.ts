/**
 * DnsNetwork carries DNS datagrams between the lab's pods: it knows which
 * pod IPs have a DNS server bound to a port, starts the CoreDNS processes
 * that coredns containers run, and delivers each query — to a pod IP
 * directly, or to a Service's ClusterIP through one of its ready endpoints,
 * as the sending node's kube-proxy has them (routeDatagram; the modelled
 * proxy rules will choose the backend there once traffic goes through them).
 */
import type { Clock } from '../../clock';
import type { KubeClient } from '../../client/kubeClient';
import { repository, tagOf } from '../../kubelet/images';
import type { ProxyState } from '../serviceInfo';
import { CoreDns } from './coreDns';
import type { DnsHandler, DnsQuery } from './dnsMessage';
import type { ContainerNetwork, DnsExchange, PodNetwork, RunningServer, ServerStart } from './podNetwork';

/** COREDNS_REPOSITORY is the CoreDNS image's repository, as kubeadm pulls it. */
export const COREDNS_REPOSITORY = 'registry.k8s.io/coredns/coredns';
/** DNS_PORT is where DNS servers listen. */
export const DNS_PORT = 53;

/** NetworkHosts is what the network asks of the lab: where pod IPs live, the sending node's proxy state, API clients for pods. */
export interface NetworkHosts {
  /** isPodIP tells whether a sandbox on some node has the IP. */
  isPodIP(ip: string): boolean;
  /** reachable tells whether datagrams pass between two pod IPs (false across a cut-off node's edge); everywhere when absent. */
  reachable?(from: string, to: string): boolean;
  /** proxyStateFor is the kube-proxy view of the node a pod IP lives on. */
  proxyStateFor(podIP: string): ProxyState | undefined;
  /** inClusterClient is an API client authenticated as a pod's service account, as its projected token would, reaching the server from the pod at podIP. */
  inClusterClient(namespace: string, serviceAccount: string, podIP: string): KubeClient;
}

/** Route is where a datagram goes: a pod IP and port, a refusal, or nowhere. */
export type Route = { ip: string; port: number } | 'refused' | 'unreachable';

export class DnsNetwork implements PodNetwork {
  /** servers are the DNS handlers bound at "ip:port". */
  private readonly servers = new Map<string, DnsHandler>();
  /** running are the CoreDNS processes, by where they are bound. */
  private readonly running = new Map<string, CoreDns>();
  /** next rotates each service port's backends. */
  private readonly next = new Map<string, number>();

  constructor(private readonly clock: Clock, private readonly hosts: NetworkHosts) {}

  attach(podIP: string): ContainerNetwork {
    return { exchangeDns: (server, port, query) => this.exchange(podIP, server, port, query) };
  }

  /** serve starts CoreDNS for a coredns container and binds its DNS handler at the pod's port 53. */
  serve(start: ServerStart): RunningServer | undefined {
    const program = start.argv[0]?.slice(start.argv[0].lastIndexOf('/') + 1);
    if (repository(start.ref) !== COREDNS_REPOSITORY || program !== 'coredns') return undefined;
    const client = this.hosts.inClusterClient(start.serviceAccount.namespace, start.serviceAccount.name, start.podIP);
    const server = new CoreDns(client, this.clock, start.ctx, tagOf(start.ref).replace(/^v/, ''));
    const at = `${start.podIP}:${DNS_PORT}`;
    this.running.get(at)?.stop();
    this.servers.set(at, (q) => server.handle(q));
    this.running.set(at, server);
    server.start();
    return {
      listeners: server.listeners(),
      stop: () => {
        if (this.running.get(at) !== server) return;
        this.servers.delete(at);
        this.running.delete(at);
        server.stop();
      },
    };
  }

  /** reset stops every server, as when the lab's nodes go away with everything running on them. */
  reset(): void {
    for (const server of this.running.values()) server.stop();
    this.running.clear();
    this.servers.clear();
  }

  /** exchange sends a query from a pod to server:port and returns what came back. */
  async exchange(from: string, server: string, port: number, query: DnsQuery): Promise<DnsExchange> {
    const route = this.routeDatagram(from, server, port, 'udp');
    if (route === 'refused') return { refused: true };
    if (route === 'unreachable') return { timeout: true };
    // A node cut off the network drops the datagram at its edge: nothing comes back.
    if (this.hosts.reachable && !this.hosts.reachable(from, route.ip)) return { timeout: true };
    const handler = this.servers.get(`${route.ip}:${route.port}`);
    if (!handler) return this.hosts.isPodIP(route.ip) ? { refused: true } : { timeout: true };
    return { reply: await handler(query, from) };
  }

  /**
   * routeDatagram decides where a datagram from a pod to ip:port goes: a
   * Service's ClusterIP and port lead to one of its ready endpoints in turn
   * (none: kube-proxy rejects it), a pod IP to itself, anything else nowhere.
   */
  routeDatagram(from: string, ip: string, port: number, protocol: string): Route {
    const state = this.hosts.proxyStateFor(from);
    for (const ports of state?.services.values() ?? []) {
      const p = ports.find((sp) => sp.clusterIP === ip && sp.portNumber === port && sp.protocol === protocol);
      if (!p || !state) continue;
      const ready = state.endpoints(p).filter((e) => e.ready);
      if (!ready.length) return 'refused';
      const i = this.next.get(p.nameString) ?? 0;
      this.next.set(p.nameString, i + 1);
      const e = ready[i % ready.length];
      return { ip: e.ip, port: e.port };
    }
    if (this.hosts.isPodIP(ip)) return { ip, port };
    return 'unreachable';
  }
}
