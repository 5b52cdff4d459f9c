/**
 * kubernetesZone answers for the cluster domain as CoreDNS's kubernetes plugin
 * does (plugin/kubernetes: parse.go, kubernetes.go, reverse.go and the record
 * builders of plugin/backend_lookup.go), from the Services, EndpointSlices and
 * Namespaces it is told about:
 * - `<svc>.<ns>.svc.<zone>`: the ClusterIP, or a headless Service's ready
 *   endpoint addresses, or an ExternalName as a CNAME;
 * - `<endpoint>.<svc>.<ns>.svc.<zone>`: one endpoint, by its hostname or its
 *   dashed IP;
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>` SRV for named ports;
 * - `<a-b-c-d>.<ns>.pod.<zone>` (`pods insecure`: the address is taken as written);
 * - PTR for ClusterIPs and endpoint addresses.
 * A name it cannot answer is NXDOMAIN, a name with nothing of the type asked
 * is NODATA, and before its first sync everything is SERVFAIL.
 */
import type { KubeObject } from '../../api/types';
import { type DnsQuery, type DnsRecord, type DnsReply, addressOfReverse, canonicalName, isIPv4 } from './dnsMessage';

/** CLUSTER_DOMAIN is kubeadm's default cluster domain (--cluster-domain, the Corefile's kubernetes zone). */
export const CLUSTER_DOMAIN = 'cluster.local';
/** RECORD_TTL is the Corefile's `ttl 30`. */
export const RECORD_TTL = 30;
/** SERVICE_NAME_LABEL ties an EndpointSlice to its Service. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** DnsService is a v1 Service: the fields DNS reads. */
export interface DnsService extends KubeObject {
  spec?: { type?: string; clusterIP?: string; clusterIPs?: string[]; externalName?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

/** DnsEndpointSlice is a discovery.k8s.io/v1 EndpointSlice: the fields DNS reads. */
export interface DnsEndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; hostname?: string; conditions?: { ready?: boolean | null } }[];
  ports?: { name?: string | null; port?: number | null; protocol?: string | null }[] | null;
}

/** RecordRequest is a parsed name (recordRequest upstream). */
interface RecordRequest {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  podOrSvc: string;
}

/** Found is a record the backend found (msg.Service): an address or a name, a port, and its own domain name. */
interface Found {
  host: string;
  port: number;
  /** domain is where the record lives: the Service's name, or an endpoint's. */
  domain: string;
}

/** NoItems is the kubernetes plugin's name errors (errNoItems, errNsNotExposed, errInvalidRequest): NXDOMAIN. */
const NO_ITEMS = 'NXDOMAIN' as const;

const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/**
 * ClusterRecords is the plugin's view of the cluster (its informers' caches)
 * and the answers it gives from it; a CoreDNS process keeps one up to date
 * from its watches, and tests fill one directly.
 */
export class ClusterRecords {
  private readonly namespaces = new Set<string>();
  private readonly services = new Map<string, DnsService>();
  /** slices maps a slice's key to the slice; byService maps "ns/svc" to its slices' keys. */
  private readonly slices = new Map<string, DnsEndpointSlice>();
  private readonly byService = new Map<string, Set<string>>();
  /** synced is set once every watch has listed (HasSynced); until then name errors are SERVFAIL. */
  synced = false;

  constructor(readonly zone = CLUSTER_DOMAIN) {}

  setNamespace(name: string, exists: boolean): void {
    if (exists) this.namespaces.add(name);
    else this.namespaces.delete(name);
  }

  setService(svc: DnsService, exists = true): void {
    if (exists) this.services.set(key(svc), svc);
    else this.services.delete(key(svc));
  }

  setSlice(slice: DnsEndpointSlice, exists = true): void {
    const k = key(slice);
    const old = this.slices.get(k);
    if (old) this.byService.get(sliceService(old))?.delete(k);
    if (!exists) {
      this.slices.delete(k);
      return;
    }
    this.slices.set(k, slice);
    const svc = sliceService(slice);
    let set = this.byService.get(svc);
    if (!set) this.byService.set(svc, (set = new Set()));
    set.add(k);
  }

  /** inZone tells whether a name is the plugin's to answer: the cluster domain or a reverse zone. */
  inZone(name: string): boolean {
    const n = canonicalName(name);
    return n === this.zone || n.endsWith(`.${this.zone}`) || n.endsWith('.in-addr.arpa') || n.endsWith('.ip6.arpa');
  }

  /**
   * answer is the plugin's reply to a query in its zones; undefined for a
   * reverse name it has no record of, which the Corefile's `fallthrough
   * in-addr.arpa ip6.arpa` hands to the next plugin.
   */
  answer(q: DnsQuery): DnsReply | undefined {
    const name = canonicalName(q.name);
    if (name !== this.zone && !name.endsWith(`.${this.zone}`)) return this.reverse(name, q);
    const found = this.records(name);
    if (found === NO_ITEMS) return { rcode: this.synced ? 'NXDOMAIN' : 'SERVFAIL', authoritative: true, answers: [] };
    return { rcode: 'NOERROR', authoritative: true, answers: this.build(name, q.type, found, 0) };
  }

  /** reverse answers a PTR query for a ClusterIP or an endpoint address (serviceRecordForIP). */
  private reverse(name: string, q: DnsQuery): DnsReply | undefined {
    const ip = addressOfReverse(name);
    if (!ip || q.type !== 'PTR') return undefined;
    for (const svc of this.services.values()) {
      const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
      if (ips.includes(ip)) return ptr(name, `${svc.metadata.name ?? ''}.${svc.metadata.namespace ?? ''}.svc.${this.zone}`);
    }
    for (const slice of this.slices.values()) {
      for (const e of slice.endpoints ?? []) {
        if (!(e.addresses ?? []).includes(ip)) continue;
        return ptr(name, `${endpointHostname(e, ip)}.${slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}.${slice.metadata.namespace ?? ''}.svc.${this.zone}`);
      }
    }
    return undefined;
  }

  /** records is what the backend holds for a name (Records upstream): the found records, or a name error. */
  private records(name: string): Found[] | typeof NO_ITEMS {
    const r = parseRequest(name, this.zone);
    if (r === NO_ITEMS) return NO_ITEMS;
    if (r.podOrSvc === '') return [];
    if (!validLabel(r.namespace)) return NO_ITEMS;
    return r.podOrSvc === 'pod' ? this.findPods(r) : this.findServices(r);
  }

  /** findPods answers `pods insecure`: any well-formed dashed address in an existing namespace. */
  private findPods(r: RecordRequest): Found[] | typeof NO_ITEMS {
    if (r.service === '') return this.namespaces.has(r.namespace) ? [] : NO_ITEMS;
    if (!this.namespaces.has(r.namespace)) return NO_ITEMS;
    const ip = r.service.replaceAll('-', '.');
    if (!isIPv4(ip)) return NO_ITEMS;
    return [{ host: ip, port: 0, domain: `${r.service}.${r.namespace}.pod.${this.zone}` }];
  }

  /** findServices finds a Service's records: its ClusterIP per port, its endpoints (headless or an endpoint's name), or its external name. */
  private findServices(r: RecordRequest): Found[] | typeof NO_ITEMS {
    if (!this.namespaces.has(r.namespace)) return NO_ITEMS;
    // The namespace itself exists but holds no records (NODATA).
    if (r.service === '') return [];
    const svc = this.services.get(`${r.namespace}/${r.service}`);
    if (!svc) return NO_ITEMS;
    const spec = svc.spec ?? {};
    const domain = `${r.service}.${r.namespace}.svc.${this.zone}`;
    const out: Found[] = [];
    if (spec.type === 'ExternalName') {
      if (r.endpoint !== '' || !spec.externalName) return NO_ITEMS;
      for (const p of spec.ports?.length ? spec.ports : [{ port: 0, name: '', protocol: '' }]) {
        if (!matchPort(r, p.name ?? '', p.protocol ?? 'TCP') && spec.ports?.length) continue;
        out.push({ host: canonicalName(spec.externalName), port: p.port, domain });
      }
      return out.length ? out : NO_ITEMS;
    }
    if (spec.clusterIP === 'None' || r.endpoint !== '') {
      for (const k of this.byService.get(`${r.namespace}/${r.service}`) ?? []) {
        const slice = this.slices.get(k);
        if (!slice || (slice.addressType && slice.addressType !== 'IPv4')) continue;
        // Headless Services without ports still get address records (a sentinel port upstream).
        const ports = slice.ports?.length ? slice.ports : [{ name: '', port: -1, protocol: 'TCP' }];
        for (const e of slice.endpoints ?? []) {
          if (e.conditions?.ready === false) continue;
          for (const ip of e.addresses ?? []) {
            const host = endpointHostname(e, ip);
            if (r.endpoint !== '' && r.endpoint !== host) continue;
            for (const p of ports) {
              if (!matchPort(r, p.name ?? '', p.protocol ?? 'TCP')) continue;
              out.push({ host: ip, port: p.port ?? -1, domain: `${host}.${domain}` });
            }
          }
        }
      }
      return out.length ? out : NO_ITEMS;
    }
    for (const p of spec.ports ?? []) {
      if (!matchPort(r, p.name ?? '', p.protocol ?? 'TCP')) continue;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) out.push({ host: ip, port: p.port, domain });
    }
    return out.length ? out : NO_ITEMS;
  }

  /** build turns found records into the answer for a query type, as plugin.A, plugin.AAAA, plugin.SRV and plugin.CNAME do. */
  private build(name: string, type: DnsQuery['type'], found: Found[], depth: number): DnsRecord[] {
    const answers: DnsRecord[] = [];
    const seen = new Set<string>();
    const once = (id: string): boolean => !seen.has(id) && Boolean(seen.add(id));
    switch (type) {
      case 'A':
      case 'AAAA':
        for (const f of found) {
          if (isIPv4(f.host)) {
            if (type === 'A' && once(f.host)) answers.push({ name, ttl: RECORD_TTL, type: 'A', address: f.host });
            continue;
          }
          if (f.host.includes(':') || !once(f.host)) continue;
          answers.push({ name, ttl: RECORD_TTL, type: 'CNAME', target: f.host });
          // A target inside the zone is looked up again (the upstream lookup through the server itself); one outside goes unanswered without a reachable upstream.
          if (depth < 8 && f.host.endsWith(`.${this.zone}`)) {
            const next = this.records(f.host);
            if (next !== NO_ITEMS) answers.push(...this.build(f.host, type, next, depth + 1));
          }
        }
        return answers;
      case 'CNAME':
        for (const f of found) if (!isIPv4(f.host) && once(f.host)) answers.push({ name, ttl: RECORD_TTL, type: 'CNAME', target: f.host });
        return answers;
      case 'SRV': {
        const srv = found.filter((f) => f.port > 0);
        // Every record has priority 0 and weight 100 before scaling: weights share 100 between them.
        const weight = Math.max(1, Math.floor(100 / Math.max(1, srv.length)));
        for (const f of srv) {
          const target = isIPv4(f.host) ? f.domain : f.host;
          if (!once(`${target}:${f.port}`)) continue;
          answers.push({ name, ttl: RECORD_TTL, type: 'SRV', priority: 0, weight, port: f.port, target });
        }
        return answers;
      }
      default:
        return answers;
    }
  }
}

/**
 * parseRequest splits a name in the zone into its parts (parse.go): from the
 * right, pod|svc, namespace, service, then an endpoint or a port and
 * protocol; anything longer, or not under svc or pod, is a name error.
 */
function parseRequest(name: string, zone: string): RecordRequest | typeof NO_ITEMS {
  const r: RecordRequest = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' };
  const base = name === zone ? '' : name.slice(0, -(zone.length + 1));
  if (base === '' || base === 'svc' || base === 'pod') return r;
  const segs = base.split('.');
  let last = segs.length - 1;
  r.podOrSvc = segs[last];
  if (r.podOrSvc !== 'pod' && r.podOrSvc !== 'svc') return NO_ITEMS;
  if (--last < 0) return r;
  r.namespace = segs[last];
  if (--last < 0) return r;
  r.service = segs[last];
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0];
  else if (last === 1) {
    r.protocol = segs[1].replace(/^_/, '');
    r.port = segs[0].replace(/^_/, '');
  } else return NO_ITEMS;
  return r;
}

/** validLabel is validNamespace upstream: a DNS-1123 label. */
function validLabel(s: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) && s.length <= 63;
}

/** matchPort matches a requested port name and protocol (empty matches anything), case-insensitively. */
function matchPort(r: RecordRequest, name: string, protocol: string): boolean {
  const eq = (want: string, have: string): boolean => want === '' || want === '*' || want === 'any' || want.toLowerCase() === have.toLowerCase();
  return eq(r.port, name) && eq(r.protocol, protocol);
}

/** endpointHostname is an endpoint's name in DNS: its hostname, else its address with dashes. */
export function endpointHostname(e: { hostname?: string }, ip: string): string {
  return e.hostname || ip.replaceAll('.', '-').replaceAll(':', '-');
}

function sliceService(slice: DnsEndpointSlice): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
}

function ptr(name: string, target: string): DnsReply {
  return { rcode: 'NOERROR', authoritative: true, answers: [{ name, ttl: RECORD_TTL, type: 'PTR', target }] };
}
