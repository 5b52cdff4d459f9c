/**
 * serviceInfo turns Services and EndpointSlices into what every proxier works
 * from, as upstream's pkg/proxy ServicePort, Endpoint and CategorizeEndpoints:
 * one ServicePort per Service port with its traffic policies, the endpoints
 * of each port sorted as the endpoint-slice cache returns them, and which of
 * them a node may use.
 */
import type { KubeObject } from '../api/types';
import { portProtoHash, servicePortEndpointChainName } from './chainNames';

/** Service is a v1 Service: only the fields kube-proxy reads. */
export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: number | string }[];
    externalIPs?: string[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    loadBalancerSourceRanges?: string[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] } };
}

/** EndpointSlice is a discovery.k8s.io/v1 EndpointSlice: only the fields kube-proxy reads. */
export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; nodeName?: string | null; conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null } }[];
  ports?: { name?: string | null; protocol?: string | null; port?: number | null }[];
}

/** SERVICE_NAME_LABEL ties an EndpointSlice to its Service (discovery.LabelServiceName). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** DEFAULT_AFFINITY_SECONDS is v1.DefaultClientIPServiceAffinitySeconds. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** ServicePort is one port of a Service as a proxier sees it. */
export interface ServicePort {
  namespace: string;
  name: string;
  port: string;
  /** nameString is ServicePortName.String(): "ns/svc:port", or "ns/svc" for an unnamed port. */
  nameString: string;
  /** protocol is lowercase: tcp, udp or sctp. */
  protocol: string;
  /** hash is portProtoHash(nameString, protocol), computed once as upstream's newServiceInfo does. */
  hash: string;
  /** key is its servicePortKey, computed once: every sync looks its endpoints up by it. */
  key: string;
  clusterIP: string;
  portNumber: number;
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  healthCheckNodePort: number;
  sessionAffinityClientIP: boolean;
  stickyMaxAgeSeconds: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
}

/** Endpoint is one backend of a service port. */
export interface Endpoint {
  ip: string;
  port: number;
  /** endpoint is "ip:port", what chain names and DNAT use. */
  endpoint: string;
  /** chain is its KUBE-SEP chain, computed once as upstream's newEndpointInfo does. */
  chain: string;
  nodeName: string;
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** servicePortKey keys a service port across Services and EndpointSlices: "ns/svc:port/protocol". */
export function servicePortKey(namespace: string, name: string, port: string, protocol: string): string {
  // Joined, not concatenated: a flat string, which map lookups hash and compare without walking a rope.
  return [namespace, '/', name, ':', port, '/', protocol.toLowerCase()].join('');
}

/** externallyAccessible is ServicePort.ExternallyAccessible: a node port, a load balancer VIP or an external IP. */
export function externallyAccessible(p: ServicePort): boolean {
  return p.nodePort !== 0 || p.loadBalancerVIPs.length > 0 || p.externalIPs.length > 0;
}

/** usesClusterEndpoints is ServicePort.UsesClusterEndpoints. */
export function usesClusterEndpoints(p: ServicePort): boolean {
  return !p.internalPolicyLocal || (externallyAccessible(p) && !p.externalPolicyLocal);
}

/** usesLocalEndpoints is ServicePort.UsesLocalEndpoints. */
export function usesLocalEndpoints(p: ServicePort): boolean {
  return p.internalPolicyLocal || (externallyAccessible(p) && p.externalPolicyLocal);
}

const isIPv4 = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

/**
 * servicePorts is the ServicePorts of a Service, or none for what kube-proxy
 * skips (ShouldSkipService: headless, no cluster IP, ExternalName). The lab is
 * single-stack IPv4, so addresses of the other family are dropped as the IPv4
 * proxier drops them.
 */
export function servicePorts(svc: Service): ServicePort[] {
  const spec = svc.spec ?? {};
  const clusterIP = spec.clusterIP ?? '';
  if (clusterIP === '' || clusterIP === 'None' || spec.type === 'ExternalName' || !isIPv4(clusterIP)) return [];
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const type = spec.type ?? 'ClusterIP';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  const lb = type === 'LoadBalancer';
  const externalPolicyLocal = external && spec.externalTrafficPolicy === 'Local';
  const vips = lb ? (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && isIPv4(i.ip) && (i.ipMode === undefined || i.ipMode === 'VIP')).map((i) => i.ip as string) : [];
  const ranges = lb ? (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(r)) : [];
  const affinity = spec.sessionAffinity === 'ClientIP';
  return (spec.ports ?? []).map((p) => {
    const port = p.name ?? '';
    const nameString = `${namespace}/${name}${port ? `:${port}` : ''}`;
    const protocol = (p.protocol ?? 'TCP').toLowerCase();
    return {
      namespace, name, port, nameString, protocol,
      hash: portProtoHash(nameString, protocol),
      key: servicePortKey(namespace, name, port, protocol),
      clusterIP,
      portNumber: p.port,
      nodePort: p.nodePort ?? 0,
      externalIPs: (spec.externalIPs ?? []).filter(isIPv4),
      loadBalancerVIPs: vips,
      loadBalancerSourceRanges: ranges,
      healthCheckNodePort: lb && externalPolicyLocal ? spec.healthCheckNodePort ?? 0 : 0,
      sessionAffinityClientIP: affinity,
      stickyMaxAgeSeconds: affinity ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS : 0,
      externalPolicyLocal,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    };
  });
}

/**
 * sliceEndpoints is an IPv4 EndpointSlice's endpoints by service port key, as
 * the endpoint-slice cache reads them: the first address of each endpoint,
 * ready when the condition is unset, serving as ready when unset.
 */
export function sliceEndpoints(slice: EndpointSlice, nodeName: string): Map<string, Endpoint[]> {
  const out = new Map<string, Endpoint[]>();
  const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  if (!service || slice.addressType !== 'IPv4') return out;
  const namespace = slice.metadata.namespace ?? '';
  for (const port of slice.ports ?? []) {
    if (!port.port) continue;
    const list: Endpoint[] = [];
    const protocol = (port.protocol ?? 'TCP').toLowerCase();
    const portName = `${namespace}/${service}${port.name ? `:${port.name}` : ''}`;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip) continue;
      const ready = ep.conditions?.ready ?? true;
      const node = ep.nodeName ?? '';
      list.push({
        ip, port: port.port, endpoint: `${ip}:${port.port}`, chain: servicePortEndpointChainName(portName, protocol, `${ip}:${port.port}`), nodeName: node, isLocal: node !== '' && node === nodeName,
        ready, serving: ep.conditions?.serving ?? ready, terminating: ep.conditions?.terminating ?? false,
      });
    }
    out.set(servicePortKey(namespace, service, port.name ?? '', port.protocol ?? 'TCP'), list);
  }
  return out;
}

/** Categorized is CategorizeEndpoints' answer. */
export interface Categorized {
  clusterEndpoints: Endpoint[];
  localEndpoints: Endpoint[];
  allReachableEndpoints: Endpoint[];
  hasAnyEndpoints: boolean;
}

/**
 * categorizeEndpoints is CategorizeEndpoints without topology hints (the lab's
 * slices carry none): ready endpoints for Cluster policy, falling back to
 * serving-terminating ones; this node's for Local policy; the union of both.
 */
export function categorizeEndpoints(endpoints: readonly Endpoint[], p: ServicePort): Categorized {
  let clusterEndpoints: Endpoint[] = [];
  let localEndpoints: Endpoint[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(p)) {
    clusterEndpoints = endpoints.filter((e) => e.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(p)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.isLocal) localReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready);
  else if (localServingTerminating) localEndpoints = endpoints.filter((e) => e.isLocal && e.serving && e.terminating);
  if (!usesClusterEndpoints(p)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  const all = new Map<string, Endpoint>();
  for (const e of clusterEndpoints) all.set(e.endpoint, e);
  for (const e of localEndpoints) all.set(e.endpoint, e);
  return { clusterEndpoints, localEndpoints, allReachableEndpoints: [...all.values()].sort(byEndpoint), hasAnyEndpoints };
}

/** byEndpoint orders endpoints by their "ip:port" string, as the endpoint-slice cache sorts them. */
export function byEndpoint(a: Endpoint, b: Endpoint): number {
  return a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0;
}

/**
 * ProxyState is a proxier's view of the cluster (svcPortMap and endpointsMap)
 * with the change trackers' bookkeeping: which Services changed since the last
 * sync, so a partial sync rewrites only their chains.
 */
export class ProxyState {
  /** services maps "ns/name" to its ports. */
  readonly services = new Map<string, ServicePort[]>();
  /** slices maps a slice's "ns/name" to its service ("ns/name") and endpoints by service port key. */
  private readonly slices = new Map<string, { service: string; byPort: Map<string, Endpoint[]> }>();
  /** portSlices maps a service port key to the slices that have endpoints for it. */
  private readonly portSlices = new Map<string, Set<string>>();
  /** endpoints maps a service port key to its endpoints, merged across slices and sorted. */
  private readonly endpointsByPort = new Map<string, Endpoint[]>();
  /** changed are the Services ("ns/name") whose ports or endpoints changed since takeChanges. */
  private changed = new Set<string>();

  constructor(readonly nodeName: string) {}

  /** setService records a Service's ports (none for a deleted or skipped one); true when they changed. */
  setService(key: string, svc: Service | undefined): boolean {
    const ports = svc ? servicePorts(svc) : [];
    const old = this.services.get(key);
    if (ports.length === 0 && !old) return false;
    if (old && JSON.stringify(old) === JSON.stringify(ports)) return false;
    if (ports.length) this.services.set(key, ports);
    else this.services.delete(key);
    this.changed.add(key);
    return true;
  }

  /** setSlice records an EndpointSlice (undefined when deleted); true when its service's endpoints changed. */
  setSlice(key: string, slice: EndpointSlice | undefined): boolean {
    const old = this.slices.get(key);
    const service = slice ? `${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}` : old?.service;
    const byPort = slice ? sliceEndpoints(slice, this.nodeName) : new Map<string, Endpoint[]>();
    if (!old && byPort.size === 0) return false;
    if (old && old.service === service && JSON.stringify([...old.byPort]) === JSON.stringify([...byPort])) return false;
    const touched = new Set<string>([...(old?.byPort.keys() ?? []), ...byPort.keys()]);
    for (const port of old?.byPort.keys() ?? []) this.portSlices.get(port)?.delete(key);
    if (slice && byPort.size > 0) {
      this.slices.set(key, { service: service as string, byPort });
      for (const port of byPort.keys()) {
        let set = this.portSlices.get(port);
        if (!set) this.portSlices.set(port, (set = new Set()));
        set.add(key);
      }
    } else {
      this.slices.delete(key);
    }
    for (const port of touched) this.rebuildPort(port);
    if (old && old.service !== service) this.changed.add(old.service);
    if (service) this.changed.add(service);
    return true;
  }

  /** rebuildPort merges a service port's endpoints across its slices: one per IP, sorted. */
  private rebuildPort(port: string): void {
    const merged = new Map<string, Endpoint>();
    for (const key of this.portSlices.get(port) ?? []) for (const e of this.slices.get(key)?.byPort.get(port) ?? []) if (!merged.has(e.endpoint)) merged.set(e.endpoint, e);
    if (merged.size) {
      this.endpointsByPort.set(port, [...merged.values()].sort(byEndpoint));
    } else {
      this.endpointsByPort.delete(port);
      this.portSlices.delete(port);
    }
  }

  /** endpoints are a service port's endpoints. */
  endpoints(p: ServicePort): readonly Endpoint[] {
    return this.endpointsByPort.get(p.key) ?? [];
  }

  /** takeChanges hands over the Services changed since the last call. */
  takeChanges(): Set<string> {
    const c = this.changed;
    this.changed = new Set();
    return c;
  }
}
