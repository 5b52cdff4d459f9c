/**
 * service holds what upstream does to a Service before validating it:
 * SetDefaults_Service (pkg/apis/core/v1), and from pkg/registry/core/service
 * the cluster-IP normalization, the patching of allocated values an update left
 * out, and the IP family defaults of the allocator.
 */
import type { KubeObject } from '../../api/types';
import { struct, isStruct } from './structs';

type Rec = Record<string, unknown>;

const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const strs = (x: unknown): string[] => arr(x).filter((s): s is string => typeof s === 'string');

/** externallyAccessible is apiservice.ExternallyAccessible. */
function externallyAccessible(spec: Rec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

/** defaultService is SetDefaults_Service. */
export function defaultService(service: KubeObject): void {
  const spec = struct<Rec>(service, 'spec');
  if (!spec) return;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = isStruct(spec.sessionAffinityConfig) ? (spec.sessionAffinityConfig as Rec) : undefined;
    const clientIP = isStruct(config?.clientIP) ? (config?.clientIP as Rec) : undefined;
    if (clientIP?.timeoutSeconds === undefined || clientIP.timeoutSeconds === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of arr(spec.ports)) {
    if (!isStruct(p)) continue;
    const port = p as Rec;
    if (!port.protocol) port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(String(spec.type))) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    const ingress = isStruct(service.status) && isStruct((service.status as Rec).loadBalancer) ? arr(((service.status as Rec).loadBalancer as Rec).ingress) : [];
    for (const ing of ingress) if (isStruct(ing) && (ing as Rec).ip && !(ing as Rec).ipMode) (ing as Rec).ipMode = 'VIP';
  }
}

/**
 * normalizeClusterIPs is NormalizeClusterIPs: an old client sets only clusterIP,
 * so clusterIPs follows it on create, and on update when clusterIPs was left as it was.
 */
export function normalizeClusterIPs(spec: Rec, old?: Rec): void {
  const ip = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  const ips = strs(spec.clusterIPs);
  if (!old) {
    if (ip && ips.length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = typeof old.clusterIP === 'string' ? old.clusterIP : '';
  const sameIPs = JSON.stringify(ips) === JSON.stringify(strs(old.clusterIPs));
  if (sameIPs && ip === oldIP) return;
  if (oldIP && !ip) {
    if (sameIPs) delete spec.clusterIPs;
    return;
  }
  if (ip && ip !== oldIP && sameIPs) spec.clusterIPs = [ip];
}

/**
 * patchAllocatedValues is the service registry's patchAllocatedValues: an update
 * that leaves out the cluster IPs, node ports or health-check port keeps the
 * allocated ones, so `kubectl apply` of the original manifest works.
 */
export function patchAllocatedValues(spec: Rec, old: Rec): void {
  if (spec.type !== 'ExternalName' && old.type !== 'ExternalName') {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (strs(spec.clusterIPs).length === 0 && strs(old.clusterIPs).length > 0) spec.clusterIPs = old.clusterIPs;
  }
  const needsNodePort = (s: Rec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  if (needsNodePort(spec) && needsNodePort(old)) {
    const used = (s: Rec) => new Set(arr(s.ports).map((p) => (isStruct(p) ? (p as Rec).nodePort : undefined)).filter((n) => typeof n === 'number' && n !== 0));
    const oldUsed = used(old);
    const newUsed = used(spec);
    const byName = new Map(arr(old.ports).filter(isStruct).map((p) => [(p as Rec).name ?? '', (p as Rec).nodePort]));
    for (const p of arr(spec.ports)) {
      if (!isStruct(p) || (p as Rec).nodePort) continue;
      const previous = byName.get((p as Rec).name ?? '');
      if (typeof previous === 'number' && previous !== 0 && !(oldUsed.has(previous) && newUsed.has(previous))) (p as Rec).nodePort = previous;
    }
  }
  const needsHealthCheck = (s: Rec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (needsHealthCheck(spec) && needsHealthCheck(old) && !spec.healthCheckNodePort) spec.healthCheckNodePort = old.healthCheckNodePort;
}

/**
 * initIPFamilies is the defaulting half of the allocator's initIPFamilyFields for
 * a cluster serving families: a policy (SingleStack, or RequireDualStack for a
 * headless service without selector), and families inferred from cluster IPs or
 * the cluster's default. The cluster-dependent errors are validateServiceIPFamilies'.
 */
export function initIPFamilies(spec: Rec, old: Rec | undefined, families: readonly string[]): void {
  if (spec.type === 'ExternalName') return;
  const selectorless = !isStruct(spec.selector) || Object.keys(spec.selector).length === 0;
  const headlessSelectorless = spec.clusterIP === 'None' && selectorless;
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    if (old && typeof old.ipFamilyPolicy === 'string') spec.ipFamilyPolicy = old.ipFamilyPolicy;
    else spec.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  }
  const current = strs(spec.ipFamilies);
  strs(spec.clusterIPs).forEach((ip, i) => {
    if (ip === 'None' || i < current.length) return;
    const family = ip.includes(':') ? 'IPv6' : 'IPv4';
    if (families.includes(family)) current.push(family);
  });
  if (current.length === 0) current.push(families[0]);
  const dual = spec.ipFamilyPolicy !== 'SingleStack';
  if (dual && current.length === 1 && (headlessSelectorless || families.length === 2)) current.push(current[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  spec.ipFamilies = current;
}
