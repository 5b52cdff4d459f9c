/**
 * CoreDns is the coredns container's process, running the Corefile kubeadm
 * writes: the kubernetes plugin (an API client as the pod's service account,
 * watching Services, EndpointSlices and Namespaces) answers for cluster.local
 * and the reverse zones, and everything else goes to `forward .
 * /etc/resolv.conf` — the node's resolver, which in the lab has no network
 * beyond the cluster, so those queries fail with SERVFAIL. It serves
 * /health on 8080, /ready on 8181 (200 once the kubernetes plugin has
 * synced) and Prometheus metrics on 9153.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../api/types';
import type { Clock } from '../../clock';
import { Informer } from '../../client/informer';
import type { KubeClient } from '../../client/kubeClient';
import { NAMESPACES } from '../../client/resources';
import { ENDPOINTSLICES, SERVICES } from '../../controllers/kubernetesService';
import { httpDate, httpListener, type HttpResponse, type Listener, type ServerContext } from '../../kubelet/listeners';
import type { DnsQuery, DnsReply } from './dnsMessage';
import { ClusterRecords, type DnsEndpointSlice, type DnsService } from './kubernetesZone';

/** COREFILE is the Corefile kubeadm puts in the coredns ConfigMap (cmd/kubeadm/app/phases/addons/dns). */
export const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

/** The ports of the Corefile's health, ready and prometheus plugins. */
export const HEALTH_PORT = 8080;
export const READY_PORT = 8181;
export const METRICS_PORT = 9153;

export class CoreDns {
  readonly records = new ClusterRecords();
  private readonly services: Informer<DnsService>;
  private readonly slices: Informer<DnsEndpointSlice>;
  private readonly namespaces: Informer<KubeObject>;
  /** requests and responses count queries by type and replies by rcode, for /metrics. */
  private readonly requests = new Map<string, number>();
  private readonly responses = new Map<string, number>();

  constructor(client: KubeClient, clock: Clock, private readonly ctx: ServerContext, private readonly version: string) {
    this.services = new Informer<DnsService>(client, SERVICES, clock);
    this.slices = new Informer<DnsEndpointSlice>(client, ENDPOINTSLICES, clock);
    this.namespaces = new Informer<KubeObject>(client, NAMESPACES, clock);
    this.services.addEventHandler({ onAdd: (s) => this.records.setService(s), onUpdate: (_, s) => this.records.setService(s), onDelete: (s) => this.records.setService(s, false) });
    this.slices.addEventHandler({ onAdd: (s) => this.records.setSlice(s), onUpdate: (_, s) => this.records.setSlice(s), onDelete: (s) => this.records.setSlice(s, false) });
    const ns = (n: KubeObject, exists: boolean): void => this.records.setNamespace(n.metadata.name ?? '', exists);
    this.namespaces.addEventHandler({ onAdd: (n) => ns(n, true), onUpdate: (_, n) => ns(n, true), onDelete: (n) => ns(n, false) });
  }

  /** start prints what CoreDNS prints as it comes up and starts the plugin's watches; it is ready once they have listed. */
  start(): void {
    this.ctx.log('stdout', '.:53');
    this.ctx.log('stdout', `[INFO] plugin/reload: Running configuration SHA512 = ${createHash('sha512').update(COREFILE).digest('hex')}`);
    this.ctx.log('stdout', `CoreDNS-${this.version}`);
    void Promise.all([this.services.start(), this.slices.start(), this.namespaces.start()]).then(() => {
      this.records.synced = true;
    });
  }

  stop(): void {
    this.services.stop();
    this.slices.stop();
    this.namespaces.stop();
  }

  /** ready is the ready plugin's verdict: the kubernetes plugin has synced with the API. */
  get ready(): boolean {
    return this.records.synced;
  }

  /** handle answers one query, through the Corefile's plugin chain. */
  handle(query: DnsQuery): Promise<DnsReply> {
    this.count(this.requests, `type="${query.type}"`);
    let reply = this.records.inZone(query.name) ? this.records.answer(query) : undefined;
    // forward . /etc/resolv.conf: the node's resolver reaches nothing outside the lab.
    reply ??= { rcode: 'SERVFAIL', authoritative: false, answers: [] };
    this.count(this.responses, `rcode="${reply.rcode}"`);
    return Promise.resolve(reply);
  }

  /** listeners are the HTTP servers of the health, ready and prometheus plugins. */
  listeners(): Listener[] {
    return [
      httpListener(HEALTH_PORT, (req) => this.text(req.target === '/health' ? 200 : 404, req.target === '/health' ? 'OK' : '404 page not found\n')),
      httpListener(READY_PORT, (req) => (req.target !== '/ready' ? this.text(404, '404 page not found\n') : this.ready ? this.text(200, 'OK') : this.text(503, 'kubernetes'))),
      httpListener(METRICS_PORT, (req) => (req.target === '/metrics' ? this.text(200, this.metrics(), 'text/plain; version=0.0.4; charset=utf-8') : this.text(404, '404 page not found\n'))),
    ];
  }

  private count(map: Map<string, number>, label: string): void {
    map.set(label, (map.get(label) ?? 0) + 1);
  }

  /** metrics is the Prometheus text of the request and response counters. */
  private metrics(): string {
    const lines = [
      '# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.',
      '# TYPE coredns_dns_requests_total counter',
      ...[...this.requests].sort().map(([label, n]) => `coredns_dns_requests_total{family="1",proto="udp",server="dns://:53",${label},view="",zone="."} ${n}`),
      '# HELP coredns_dns_responses_total Counter of response status codes.',
      '# TYPE coredns_dns_responses_total counter',
      ...[...this.responses].sort().map(([label, n]) => `coredns_dns_responses_total{plugin="",${label},server="dns://:53",view="",zone="."} ${n}`),
    ];
    return `${lines.join('\n')}\n`;
  }

  private text(status: number, body: string, type = 'text/plain; charset=utf-8'): HttpResponse {
    const reasons: Record<number, string> = { 200: 'OK', 404: 'Not Found', 503: 'Service Unavailable' };
    return { status, reason: reasons[status] ?? '', headers: [['Content-Length', String(Buffer.byteLength(body))], ['Content-Type', type], ['Date', httpDate(this.ctx.clock.now())]], body };
  }
}
