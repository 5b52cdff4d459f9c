/**
 * service validates Services as core/validation's ValidateService,
 * ValidateServiceUpdate and ValidateServiceStatusUpdate do, with the cluster-IP
 * family rules of the service allocator for the lab's single-stack IPv4 cluster.
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, duplicate, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str, strings } from '../fields';
import { isValidPortNum } from '../generic';
import { isIPv6String, isValidCIDR, isValidIP, parsesAsIP, validateNonSpecialIP } from '../ip';
import { isQualifiedName, validateLabels } from '../labels';
import { isDNS1123Label, isDNS1123Subdomain } from '../names';
import { validatePortNumOrName, validateProtocol } from '../ports';

/** CLUSTER_IP_FAMILIES are the families the lab's service CIDRs serve: one IPv4 range. */
export const CLUSTER_IP_FAMILIES = ['IPv4'];

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];
const MAX_CLIENT_IP_TIMEOUT = 86400;

type Spec = Record<string, unknown>;

/** isHeadless is isHeadlessService: clusterIPs is exactly ["None"]. */
export function isHeadless(spec: Spec): boolean {
  const ips = strings(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

/** externallyAccessible is apiservice.ExternallyAccessible: load balancers, node ports, or cluster IPs with external IPs. */
export function externallyAccessible(spec: Spec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

/** needsHealthCheck is apiservice.NeedsHealthCheck: a load balancer keeping traffic local. */
export function needsHealthCheck(spec: Spec): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function validateServicePort(port: unknown, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const p = obj(port);
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && !name) errs.push(required(`${path}.name`));
  else if (name) {
    errs.push(...isDNS1123Label(name).map((m) => invalidValue(`${path}.name`, name, m)));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
    else names.add(name);
  }
  errs.push(...isValidPortNum(num(p.port)).map((m) => invalidValue(`${path}.port`, num(p.port), m)));
  errs.push(...validateProtocol(p.protocol, `${path}.protocol`));
  errs.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (has(p.appProtocol)) errs.push(...isQualifiedName(str(p.appProtocol)).map((m) => invalidValue(`${path}.appProtocol`, str(p.appProtocol), m)));
  return errs;
}

/** validateClusterIPsRelatedFields is ValidateServiceClusterIPsRelatedFields. */
export function validateClusterIPsRelatedFields(spec: Spec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIP = str(spec.clusterIP);
  const clusterIPs = strings(spec.clusterIPs);
  if (clusterIP) {
    if (clusterIPs.length === 0) errs.push(required('spec.clusterIPs'));
    else if (clusterIPs[0] !== clusterIP) errs.push(invalidValue('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length) {
    errs.push(invalidValue('spec.clusterIPs', clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  strings(spec.ipFamilies).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (has(spec.ipFamilyPolicy) && !IP_FAMILY_POLICIES.includes(str(spec.ipFamilyPolicy))) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let invalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        invalidIPs = true;
        errs.push(invalidValue('spec.clusterIPs', clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = isValidIP(`spec.clusterIPs[${i}]`, ip);
    if (ipErrs.length) invalidIPs = true;
    errs.push(...ipErrs);
  });
  if (clusterIPs.length > 2) errs.push(invalidValue('spec.clusterIPs', clusterIPs, 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (clusterIPs.length > 1 && clusterIPs.filter(isIPv6String).length !== 1) {
    errs.push(invalidValue('spec.clusterIPs', clusterIPs, 'may specify no more than one IP for each IP family'));
  }
  const families = strings(spec.ipFamilies);
  if (!isHeadless(spec)) {
    clusterIPs.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isIPv6String(ip)) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** validateSessionAffinity checks the affinity and its ClientIP config. */
function validateSessionAffinity(spec: Spec): FieldError[] {
  const affinity = str(spec.sessionAffinity);
  if (!affinity) return [required('spec.sessionAffinity')];
  if (!SESSION_AFFINITIES.includes(affinity)) return [notSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES)];
  const p = 'spec.sessionAffinityConfig';
  if (affinity === 'None') return has(spec.sessionAffinityConfig) ? [forbidden(p, 'must not be set when session affinity is None')] : [];
  if (!has(spec.sessionAffinityConfig)) return [required(p, 'when session affinity type is ClientIP')];
  const clientIP = obj(spec.sessionAffinityConfig).clientIP;
  if (!has(clientIP)) return [required(`${p}.clientIP`, 'when session affinity type is ClientIP')];
  const timeout = obj(clientIP).timeoutSeconds;
  if (!has(timeout)) return [required(`${p}.clientIP.timeoutSeconds`, 'when session affinity type is ClientIP')];
  const t = num(timeout);
  return t <= 0 || t > MAX_CLIENT_IP_TIMEOUT ? [invalidValue(`${p}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`)] : [];
}

function validateTrafficPolicies(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(invalidValue('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(etp)) {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, TRAFFIC_POLICIES));
  }
  const hc = num(spec.healthCheckNodePort);
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(invalidValue('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc === 0) {
    errs.push(required('spec.healthCheckNodePort'));
  } else {
    errs.push(...isValidPortNum(hc).map((m) => invalidValue('spec.healthCheckNodePort', hc, m)));
  }
  if (!has(spec.internalTrafficPolicy)) {
    // Not required of ExternalName services, for historical reasons.
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(str(spec.internalTrafficPolicy))) {
    errs.push(notSupported('spec.internalTrafficPolicy', str(spec.internalTrafficPolicy), TRAFFIC_POLICIES));
  }
  if (has(spec.trafficDistribution) && !TRAFFIC_DISTRIBUTIONS.includes(str(spec.trafficDistribution))) {
    errs.push(notSupported('spec.trafficDistribution', str(spec.trafficDistribution), TRAFFIC_DISTRIBUTIONS));
  }
  return errs;
}

/** validateLoadBalancerClass is validateLoadBalancerClassField. */
function validateLoadBalancerClass(spec: Spec, old?: Spec): FieldError[] {
  const errs: FieldError[] = [];
  if (old && old.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (has(old.loadBalancerClass) !== has(spec.loadBalancerClass) || str(old.loadBalancerClass) !== str(spec.loadBalancerClass))) {
    errs.push(invalidValue('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (spec.type === 'LoadBalancer') {
    if (has(spec.loadBalancerClass)) errs.push(...isQualifiedName(str(spec.loadBalancerClass)).map((m) => invalidValue('spec.loadBalancerClass', str(spec.loadBalancerClass), m)));
  } else if (has(spec.loadBalancerClass)) {
    errs.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

const TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** validateService is ValidateService (metadata aside). */
export function validateService(service: KubeObject): FieldError[] {
  const spec = obj(service.spec);
  const annotations = obj(obj(service.metadata).annotations);
  const errs: FieldError[] = [];
  if (TOPOLOGY_MODE in annotations && TOPOLOGY_HINTS in annotations && annotations[TOPOLOGY_MODE] !== annotations[TOPOLOGY_HINTS]) {
    errs.push(invalidValue(`metadata.annotations[${TOPOLOGY_MODE}]`, str(annotations[TOPOLOGY_MODE]), `must match annotations[${TOPOLOGY_HINTS}] when both are specified`));
  }
  const ports = arr(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless) errs.push(invalidValue('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${String(spec.type)} services`));
      break;
    case 'ExternalName': {
      if (arr(spec.clusterIPs).length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (has(spec.ipFamilyPolicy)) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const raw = str(spec.externalName);
      const cname = raw.endsWith('.') ? raw.slice(0, -1) : raw;
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalidValue('spec.externalName', cname, m)));
      else errs.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (has(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPsRelatedFields(spec));
  strings(spec.externalIPs).forEach((ip, i) => {
    const ipErrs = isValidIP(`spec.externalIPs[${i}]`, ip);
    errs.push(...(ipErrs.length ? ipErrs : validateNonSpecialIP(`spec.externalIPs[${i}]`, ip)));
  });
  const type = str(spec.type);
  if (!type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(obj(p).nodePort) !== 0) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((raw, i) => {
    const p = obj(raw);
    const nodePort = num(p.nodePort);
    if (nodePort === 0) return;
    const key = `${str(p.protocol)}/${nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, nodePort));
    nodePorts.add(key);
  });
  const servicePorts = new Set<string>();
  ports.forEach((raw, i) => {
    const p = obj(raw);
    const key = `${str(p.protocol)}/${num(p.port)}`;
    // The duplicate is reported as the internal ServicePort holding only protocol and port.
    if (servicePorts.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { Name: '', Protocol: str(p.protocol), AppProtocol: null, Port: num(p.port), TargetPort: 0, NodePort: 0 }));
    servicePorts.add(key);
  });
  const ranges = strings(spec.loadBalancerSourceRanges);
  if (ranges.length) {
    // Upstream's path keeps the Go field name here.
    const p = 'spec.LoadBalancerSourceRanges';
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(`${p}[${i}]`, r.trim())));
  } else if (SOURCE_RANGES_ANNOTATION in annotations) {
    const p = `metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`;
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const value = str(annotations[SOURCE_RANGES_ANNOTATION]).trim();
    if (value) for (const r of value.split(',')) errs.push(...isValidCIDR(p, r.trim()));
  }
  if (has(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !has(spec.allocateLoadBalancerNodePorts)) errs.push(required('allocateLoadBalancerNodePorts'));
  errs.push(...validateLoadBalancerClass(spec));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

/**
 * validateServiceIPFamilies is the part of the allocator's initIPFamilyFields that
 * depends on the cluster: dual-stack cannot be required of a single-stack cluster,
 * and only served families may be asked for.
 */
export function validateServiceIPFamilies(service: KubeObject, clusterFamilies: readonly string[] = CLUSTER_IP_FAMILIES): FieldError[] {
  const spec = obj(service.spec);
  if (spec.type === 'ExternalName' || (str(spec.clusterIP) === 'None' && Object.keys(obj(spec.selector)).length === 0)) return [];
  const errs: FieldError[] = [];
  strings(spec.clusterIPs).forEach((ip, i) => {
    if (ip === 'None' || i < arr(spec.ipFamilies).length) return;
    const family = isIPv6String(ip) ? 'IPv6' : 'IPv4';
    if (!clusterFamilies.includes(family)) errs.push(invalidValue(`spec.clusterIPs[${i}]`, strings(spec.clusterIPs), `${family} is not configured on this cluster`));
  });
  if (errs.length) return errs;
  if (spec.ipFamilyPolicy === 'RequireDualStack' && clusterFamilies.length < 2) {
    errs.push(invalidValue('spec.ipFamilyPolicy', 'RequireDualStack', 'this cluster is not configured for dual-stack services'));
  }
  strings(spec.ipFamilies).forEach((f, i) => {
    if (!clusterFamilies.includes(f)) errs.push(invalidValue(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  return errs;
}

function validateUpgradeDowngradeClusterIPs(spec: Spec, old: Spec): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(old)) return [];
  const ips = strings(spec.clusterIPs);
  const oldIPs = strings(old.clusterIPs);
  const errs: FieldError[] = [];
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalidValue('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    if (oldIPs.length && ips.length && ips[0] !== oldIPs[0]) errs.push(invalidValue('spec.clusterIPs[0]', ips, 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalidValue('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length && ips[0] !== oldIPs[0]) {
    errs.push(invalidValue('spec.clusterIPs[0]', ips, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(spec: Spec, old: Spec): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  if (isHeadless(spec) !== isHeadless(old) || isHeadless(spec)) return [];
  const families = strings(spec.ipFamilies);
  const oldFamilies = strings(old.ipFamilies);
  const errs: FieldError[] = [];
  if (oldFamilies.length === families.length) {
    oldFamilies.forEach((f, i) => {
      if (f !== families[i]) errs.push(invalidValue('spec.ipFamilies[0]', families, 'may not change once set'));
    });
  } else if (oldFamilies.length > families.length) {
    if (arr(spec.clusterIPs).length === 0) errs.push(invalidValue('spec.ipFamilies[0]', families, 'primary ipFamily can not be unset'));
    if (families.length && families[0] !== oldFamilies[0]) errs.push(invalidValue('spec.ipFamilies[0]', strings(spec.clusterIPs), 'may not change once set'));
    if (families.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalidValue('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFamilies.length && families.length && families[0] !== oldFamilies[0]) {
    errs.push(invalidValue('spec.ipFamilies[0]', strings(spec.clusterIPs), 'may not change once set'));
  }
  return errs;
}

/** validateServiceUpdate is ValidateServiceUpdate (metadata aside): cluster IPs and families are fixed once set. */
export function validateServiceUpdate(service: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(service.spec);
  const prev = obj(old.spec);
  const errs = [...validateUpgradeDowngradeClusterIPs(spec, prev), ...validateUpgradeDowngradeIPFamilies(spec, prev)];
  errs.push(...validateLoadBalancerClass(spec, prev).filter((e) => e.detail === 'may not change once set'));
  if (needsHealthCheck(prev) && needsHealthCheck(spec) && num(spec.healthCheckNodePort) !== num(prev.healthCheckNodePort)) {
    errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return [...errs, ...validateService(service)];
}

const IP_MODES = ['Proxy', 'VIP'];

/** validateServiceStatusUpdate is ValidateServiceStatusUpdate (metadata aside): the load balancer's ingress points. */
export function validateServiceStatusUpdate(service: KubeObject): FieldError[] {
  const spec = obj(service.spec);
  const ingress = arr(obj(obj(service.status).loadBalancer).ingress);
  const path = 'status.loadBalancer.ingress';
  if (spec.type !== 'LoadBalancer' && ingress.length) return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  const errs: FieldError[] = [];
  ingress.forEach((raw, i) => {
    const ing = obj(raw);
    const p = `${path}[${i}]`;
    const ip = str(ing.ip);
    if (ip) errs.push(...isValidIP(`${p}.ip`, ip));
    if (!has(ing.ipMode)) {
      if (ip) errs.push(required(`${p}.ipMode`, 'must be specified when `ip` is set'));
    } else if (!ip) {
      errs.push(forbidden(`${p}.ipMode`, 'may not be specified when `ip` is not set'));
    } else if (!IP_MODES.includes(str(ing.ipMode))) {
      errs.push(notSupported(`${p}.ipMode`, ing.ipMode, IP_MODES));
    }
    const hostname = str(ing.hostname);
    if (hostname) {
      errs.push(...isDNS1123Subdomain(hostname).map((m) => invalidValue(`${p}.hostname`, hostname, m)));
      if (parsesAsIP(hostname)) errs.push(invalidValue(`${p}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
