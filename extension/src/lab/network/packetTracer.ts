/**
 * PacketTracer is the controller behind packettraces: an API client watching
 * PacketTraces that, for each new spec (metadata.generation past
 * status.observedGeneration), resolves the destination — through the DNS
 * add-on's servers when the lab runs them, else by the Services' cluster IPs —
 * sends the connection's first packet through the packet engine from the
 * source, and writes what happened to the object's status.
 */
import { isStatus } from '../api/types';
import { timestamp } from '../api/meta';
import type { Clock } from '../clock';
import type { KubeClient } from '../client/kubeClient';
import { Informer } from '../client/informer';
import { SERVICES } from '../controllers/kubernetesService';
import type { DnsExchange } from './dns/podNetwork';
import { searchOrder } from './dns/stubResolver';
import type { ClusterNetwork } from './clusterNetwork';
import type { Hop } from './packet';
import type { Source } from './packetEngine';
import { PACKETTRACES, type PacketTrace, type PacketTraceStatus } from './packetTrace';
import type { Service } from './serviceInfo';

/** DnsExchanger sends one DNS query from an address to a server (the DNS add-on's datagram path). */
export type DnsExchanger = (from: string, server: string, port: number, query: { name: string; type: 'A' }) => Promise<DnsExchange>;

/** PacketTracerOptions say where cluster DNS is: its server address and domain; none, names resolve by Service lookup. */
export interface PacketTracerOptions {
  dns?: { server: string; exchange: DnsExchanger };
  clusterDomain?: string;
}

/** Resolution is how a name became an address. */
type Resolution = NonNullable<PacketTraceStatus['resolution']>;

export class PacketTracer {
  private readonly traces: Informer<PacketTrace>;
  private readonly services: Informer<Service>;
  private readonly queue: string[] = [];
  private running = false;
  private working = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, private readonly network: ClusterNetwork, private readonly options: PacketTracerOptions = {}) {
    this.traces = new Informer<PacketTrace>(client, PACKETTRACES, clock);
    this.services = new Informer<Service>(client, SERVICES, clock);
    const enqueue = (t: PacketTrace): void => {
      if ((t.status?.observedGeneration ?? 0) >= (t.metadata.generation ?? 1)) return;
      const name = t.metadata.name ?? '';
      if (!this.queue.includes(name)) this.queue.push(name);
      void this.drain();
    };
    this.traces.addEventHandler({ onAdd: enqueue, onUpdate: (_, t) => enqueue(t) });
  }

  async start(): Promise<void> {
    this.running = true;
    await Promise.all([this.traces.start(), this.services.start()]);
  }

  stop(): void {
    this.running = false;
    this.traces.stop();
    this.services.stop();
  }

  /** drain works through the queue one trace at a time. */
  private async drain(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.running && this.queue.length) {
        const name = this.queue.shift() as string;
        const t = this.traces.get(name);
        if (t) await this.sync(t);
      }
    } finally {
      this.working = false;
    }
  }

  private async sync(t: PacketTrace): Promise<void> {
    const status = await this.trace(t);
    const res = await this.client.updateStatus<PacketTrace>(PACKETTRACES, { ...t, status: { ...status, observedGeneration: t.metadata.generation ?? 1, completionTime: timestamp(this.clock.now()) } });
    // A conflict means a newer version is on its way through the informer, which queues it again.
    void isStatus(res);
  }

  /** trace runs one trace: the source, the resolution, the flow. */
  async trace(t: PacketTrace): Promise<PacketTraceStatus> {
    const { source, destination } = t.spec;
    const src = this.source(source);
    if ('error' in src) return { outcome: 'Failed', message: src.error };
    let ip = destination.ip;
    let resolution: Resolution | undefined;
    if (!ip) {
      const r = await this.resolve(destination.dnsName ?? '', src);
      if ('error' in r) return { outcome: 'Failed', message: r.error };
      resolution = r;
      ip = r.address;
    }
    const flow = this.network.engine.trace(src.source, ip, destination.port, (destination.protocol ?? 'TCP').toLowerCase());
    const hops: Hop[] = [];
    if (resolution) hops.push({ type: 'resolve', text: `${resolution.name} → ${resolution.address} (${resolution.via === 'dns' ? `A record from ${resolution.server ?? ''}` : 'Service cluster IP'})` });
    hops.push(...flow.hops);
    const modes = [...new Set(hops.map((h) => h.node).filter((n): n is string => !!n).map((n) => this.network.proxyMode(n)).filter((m): m is string => !!m))];
    return {
      outcome: flow.outcome,
      message: flow.outcome === 'Delivered' ? `${flow.endpoint ?? ''} in pod ${flow.pod ?? ''} on ${flow.node ?? ''} accepted the connection` : flow.message,
      ...(resolution ? { resolution } : {}),
      client: flow.client,
      destination: flow.destination,
      ...(flow.endpoint ? { endpoint: flow.endpoint } : {}),
      ...(flow.pod ? { pod: flow.pod } : {}),
      ...(flow.node ? { node: flow.node } : {}),
      ...(modes.length ? { proxyMode: modes.join(',') } : {}),
      hops,
    };
  }

  /** source reads the spec's source: a running pod's IP, a node, or outside through a node. */
  private source(s: PacketTrace['spec']['source']): { source: Source; ip: string; namespace?: string } | { error: string } {
    const model = this.network.model();
    if (s.pod) {
      const [namespace, name] = s.pod.split('/');
      const pod = this.network.pod(s.pod);
      if (!pod) return { error: `pods "${name}" not found in namespace "${namespace}"` };
      const ip = pod.status?.podIP;
      if (!ip) return { error: `pod ${s.pod} has no IP yet` };
      return { source: { kind: 'pod', ip }, ip, namespace };
    }
    const nodeName = s.node ?? s.external?.node ?? model.nodes[0]?.name ?? '';
    const node = model.nodes.find((n) => n.name === nodeName);
    if (!node) return { error: `nodes "${nodeName}" not found` };
    if (s.node) return { source: { kind: 'node', node: nodeName }, ip: node.internalIP };
    const ip = s.external?.ip ?? model.gateway;
    return { source: { kind: 'external', node: nodeName, ip }, ip };
  }

  /** resolve finds a name's address: by cluster DNS as the source's resolver would ask it, else from the Services. */
  private async resolve(name: string, src: { ip: string; namespace?: string }): Promise<Resolution | { error: string }> {
    const domain = this.options.clusterDomain ?? 'cluster.local';
    const search = src.namespace ? [`${src.namespace}.svc.${domain}`, `svc.${domain}`, domain] : [];
    const candidates = searchOrder(name, { search, ndots: src.namespace ? 5 : 1 });
    const dns = this.options.dns;
    if (dns) {
      const queries: string[] = [];
      for (const q of candidates) {
        queries.push(q);
        const got = await dns.exchange(src.ip, dns.server, 53, { name: q.toLowerCase(), type: 'A' });
        if (!('reply' in got)) return { error: `${dns.server}:53: ${'refused' in got ? 'connection refused' : 'no servers could be reached'}` };
        const a = got.reply.answers.find((r) => r.type === 'A');
        if (got.reply.rcode === 'NOERROR' && a && 'address' in a) return { name: q, address: a.address, via: 'dns', server: `${dns.server}:53`, queries };
      }
      return { error: `server can't find ${name}: NXDOMAIN` };
    }
    for (const q of candidates) {
      const m = new RegExp(`^([a-z0-9-]+)\\.([a-z0-9-]+)(\\.svc(\\.${domain.replace(/\./g, '\\.')})?)?\\.?$`).exec(q);
      if (!m) continue;
      const svc = this.services.get(`${m[2]}/${m[1]}`);
      const ip = svc?.spec?.clusterIP;
      if (ip && ip !== 'None') return { name: q, address: ip, via: 'service' };
    }
    return { error: `server can't find ${name}: NXDOMAIN` };
  }
}
