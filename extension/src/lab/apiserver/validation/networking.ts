/**
 * networking validates NetworkPolicies, Ingresses and IngressClasses with the
 * messages of pkg/apis/networking/validation/validation.go.
 */
import { BlockList, isIPv4 } from 'node:net';
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../fieldErrors';
import { str, tooLong } from './fields';
import { isDNS1035Label, isDomainPrefixedPath, isSet, isValidPortName, isValidPortNum, list, record, validateImmutableField } from './generic';
import { isValidCIDR, parsesAsIP } from './ip';
import { validateLabelSelector } from './labels';
import { isDNS1123Label, isDNS1123Subdomain, isPathSegmentName, regexError, DNS1123_SUBDOMAIN_FMT } from './names';
import type { Ingress, IngressBackend, IngressClass, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, TypedLocalObjectReference } from './types/networking';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

function validateNetworkPolicyPort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(port.protocol) && !PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  const endPort = port.endPort;
  if (isSet(port.port)) {
    if (typeof port.port === 'number') {
      errs.push(...isValidPortNum(port.port).map((m) => invalidValue(`${path}.port`, port.port, m)));
      if (isSet(endPort)) {
        if (endPort < port.port) errs.push(invalidValue(`${path}.endPort`, endPort, 'must be greater than or equal to `port`'));
        errs.push(...isValidPortNum(endPort).map((m) => invalidValue(`${path}.endPort`, endPort, m)));
      }
    } else {
      if (isSet(endPort)) errs.push(invalidValue(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
      errs.push(...isValidPortName(String(port.port)).map((m) => invalidValue(`${path}.port`, port.port, m)));
    }
  } else if (isSet(endPort)) {
    errs.push(invalidValue(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

/** legacyCIDRErrors is IsValidCIDRForLegacyField without StrictIPCIDRValidation: only an unparseable CIDR is refused, and old values stay. */
function legacyCIDRErrors(path: string, value: string, oldCIDRs: ReadonlySet<string>): FieldError[] {
  if (oldCIDRs.has(value)) return [];
  return isValidCIDR(path, value).filter((e) => e.detail?.startsWith('must be a valid CIDR value'));
}

/** subnetOf reads a CIDR for containment checks, or undefined when it does not parse. */
function subnetOf(cidr: string): { ip: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [ip, prefixText] = cidr.split('/');
  if (prefixText === undefined || !/^[0-9]+$/.test(prefixText) || !parsesAsIP(ip)) return undefined;
  const family = isIPv4(ip) ? 'ipv4' : 'ipv6';
  const prefix = Number(prefixText);
  return prefix <= (family === 'ipv4' ? 32 : 128) ? { ip, prefix, family } : undefined;
}

/** strictSubset tells whether except lies inside cidr with a longer prefix, as ValidateIPBlock requires. */
function strictSubset(cidr: string, except: string): boolean {
  const outer = subnetOf(cidr);
  const inner = subnetOf(except);
  if (!outer || !inner || outer.family !== inner.family) return false;
  const block = new BlockList();
  try {
    block.addSubnet(outer.ip, outer.prefix, outer.family);
    return block.check(inner.ip, inner.family) && outer.prefix < inner.prefix;
  } catch {
    return false;
  }
}

function validateIPBlock(ipBlock: NonNullable<NetworkPolicyPeer['ipBlock']>, path: string, oldCIDRs: ReadonlySet<string>): FieldError[] {
  const cidr = str(ipBlock.cidr);
  if (cidr === '') return [required(`${path}.cidr`)];
  const errs = legacyCIDRErrors(`${path}.cidr`, cidr, oldCIDRs);
  if (!subnetOf(cidr)) return errs;
  list(ipBlock.except).forEach((except, i) => {
    const p = `${path}.except[${i}]`;
    const exceptErrs = legacyCIDRErrors(p, String(except), oldCIDRs);
    errs.push(...exceptErrs);
    if (subnetOf(String(except)) && !strictSubset(cidr, String(except))) errs.push(invalidValue(p, except, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validateNetworkPolicyPeer(peer: NetworkPolicyPeer, path: string, oldCIDRs: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (isSet(peer.podSelector)) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (isSet(peer.namespaceSelector)) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (isSet(peer.ipBlock)) {
    peers++;
    errs.push(...validateIPBlock(record(peer.ipBlock) ?? {}, `${path}.ipBlock`, oldCIDRs));
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1 && isSet(peer.ipBlock)) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateNetworkPolicySpec(np: NetworkPolicy, oldCIDRs: ReadonlySet<string>): FieldError[] {
  const spec = record<NonNullable<NetworkPolicy['spec']>>(np.spec) ?? {};
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const [key, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    list(spec[key]).forEach((rule, i) => {
      const r = record<Record<string, unknown>>(rule) ?? {};
      const p = `spec.${key}[${i}]`;
      list(r.ports as NetworkPolicyPort[] | undefined).forEach((port, j) => errs.push(...validateNetworkPolicyPort(record(port) ?? {}, `${p}.ports[${j}]`)));
      list(r[peersKey] as NetworkPolicyPeer[] | undefined).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(record(peer) ?? {}, `${p}.${peersKey}[${j}]`, oldCIDRs)));
    });
  }
  const types = list(spec.policyTypes);
  if (types.length > POLICY_TYPES.length) {
    errs.push(invalidValue('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  return errs;
}

/** validateNetworkPolicy is ValidateNetworkPolicySpec (object meta aside). */
export const validateNetworkPolicy = (np: NetworkPolicy): FieldError[] => validateNetworkPolicySpec(np, new Set());

/** validateNetworkPolicyUpdate is ValidateNetworkPolicyUpdate: CIDRs already stored stay acceptable even if now invalid. */
export function validateNetworkPolicyUpdate(np: NetworkPolicy, old: NetworkPolicy): FieldError[] {
  const oldCIDRs = new Set<string>();
  const spec = record<NonNullable<NetworkPolicy['spec']>>(old.spec) ?? {};
  for (const rule of [...list(spec.ingress).map((r) => r?.from), ...list(spec.egress).map((r) => r?.to)]) {
    for (const peer of list(rule)) {
      if (!isSet(peer?.ipBlock)) continue;
      oldCIDRs.add(str(peer.ipBlock.cidr));
      for (const e of list(peer.ipBlock.except)) oldCIDRs.add(String(e));
    }
  }
  return validateNetworkPolicySpec(np, oldCIDRs);
}

const WILDCARD_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const wildcardRe = new RegExp(`^${WILDCARD_FMT}$`);

/** isWildcardDNS1123Subdomain is util/validation's IsWildcardDNS1123Subdomain (`*.example.com`). */
function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!wildcardRe.test(value)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD_FMT, '*.example.com'));
  }
  return errs;
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateTypedLocalObjectReference(ref: TypedLocalObjectReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(ref.apiGroup)) errs.push(...isDNS1123Subdomain(String(ref.apiGroup)).map((m) => invalidValue(`${path}.apiGroup`, ref.apiGroup, m)));
  for (const key of ['kind', 'name'] as const) {
    const v = str(ref[key]);
    if (v === '') errs.push(required(`${path}.${key}`));
    else errs.push(...isPathSegmentName(v).map((m) => invalidValue(`${path}.${key}`, v, m)));
  }
  return errs;
}

function validateIngressBackend(backend: IngressBackend, path: string): FieldError[] {
  const hasResource = isSet(backend.resource);
  const service = backend.service;
  if (hasResource && isSet(service)) return [invalidValue(path, '', 'cannot set both resource and service backends')];
  if (hasResource) return validateTypedLocalObjectReference(record(backend.resource) ?? {}, `${path}.resource`);
  if (!isSet(service)) return [invalidValue(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name);
  // Service names are DNS-1035 labels (ValidateServiceName); RelaxedServiceNameValidation is off.
  if (name === '') errs.push(required(`${path}.service.name`));
  else errs.push(...isDNS1035Label(name).map((m) => invalidValue(`${path}.service.name`, name, m)));
  const port = record<NonNullable<NonNullable<IngressBackend['service']>['port']>>(service.port) ?? {};
  const portName = str(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber) errs.push(invalidValue(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...isValidPortName(portName).map((m) => invalidValue(`${path}.service.port.name`, portName, m)));
  else if (portNumber) errs.push(...isValidPortNum(portNumber).map((m) => invalidValue(`${path}.service.port.number`, portNumber, m)));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validateHTTPIngressPath(p: { path?: string; pathType?: string | null; backend?: IngressBackend }, path: string): FieldError[] {
  if (!isSet(p.pathType)) return [required(`${path}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = str(p.path);
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(invalidValue(`${path}.path`, value, 'must be an absolute path'));
      if (value.length > 0) {
        for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalidValue(`${path}.path`, value, `must not contain '${seq}'`));
        for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(invalidValue(`${path}.path`, value, `cannot end with '${suffix}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value.length > 0 && !value.startsWith('/')) errs.push(invalidValue(`${path}.path`, value, 'must be an absolute path'));
      break;
    default:
      errs.push(notSupported(`${path}.pathType`, p.pathType, PATH_TYPES));
  }
  errs.push(...validateIngressBackend(record(p.backend) ?? {}, `${path}.backend`));
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  if (host.includes('*')) return isWildcardDNS1123Subdomain(host).map((m) => invalidValue(path, host, m));
  return isDNS1123Subdomain(host).map((m) => invalidValue(path, host, m));
}

/** validateIngressSpec is ValidateIngressSpec with the options of a create (no leniency for stored invalid data). */
function validateIngressSpec(ingress: Ingress): FieldError[] {
  const spec = record<NonNullable<Ingress['spec']>>(ingress.spec) ?? {};
  const errs: FieldError[] = [];
  const rules = list(spec.rules);
  if (rules.length === 0 && !isSet(spec.defaultBackend)) errs.push(invalidValue('spec', spec.rules, 'either `defaultBackend` or `rules` must be specified'));
  if (isSet(spec.defaultBackend)) errs.push(...validateIngressBackend(record(spec.defaultBackend) ?? {}, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const p = `spec.rules[${i}]`;
    const host = str(rule?.host);
    if (host) {
      if (parsesAsIP(host)) errs.push(invalidValue(`${p}.host`, host, 'must be a DNS name, not an IP address'));
      errs.push(...validateHost(host, `${p}.host`));
    }
    const http = record<NonNullable<NonNullable<Ingress['spec']>['rules']>[number]['http'] & object>(rule?.http);
    if (http) {
      const paths = list(http.paths);
      if (paths.length === 0) errs.push(required(`${p}.http.paths`));
      paths.forEach((hp, j) => errs.push(...validateHTTPIngressPath(record(hp) ?? {}, `${p}.http.paths[${j}]`)));
    }
  });
  list(spec.tls).forEach((tls, i) => {
    list(tls?.hosts).forEach((host, j) => errs.push(...validateHost(String(host), `spec.tls[${i}].hosts[${j}]`)));
    const secretName = str(tls?.secretName);
    if (secretName) errs.push(...isDNS1123Subdomain(secretName).map((m) => invalidValue(`spec.tls[${i}].secretName`, secretName, m)));
  });
  if (isSet(spec.ingressClassName)) {
    const name = String(spec.ingressClassName);
    errs.push(...isDNS1123Subdomain(name).map((m) => invalidValue('spec.ingressClassName', name, m)));
  }
  return errs;
}

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** validateIngressCreate is ValidateIngressCreate (object meta aside): the spec, and the legacy class annotation agreeing with ingressClassName. */
export function validateIngressCreate(ingress: Ingress): FieldError[] {
  const errs = validateIngressSpec(ingress);
  const annotation = ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  const className = ingress.spec?.ingressClassName;
  if (annotation !== undefined && isSet(className) && annotation !== className) {
    errs.push(invalidValue(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** validateIngressUpdate is ValidateIngressUpdate (object meta aside). */
export const validateIngressUpdate = (ingress: Ingress): FieldError[] => validateIngressSpec(ingress);

/** validateIngressStatusUpdate is ValidateIngressLoadBalancerStatus: IPs that parse (or were there before) and DNS hostnames. */
export function validateIngressStatusUpdate(ingress: Ingress, old: Ingress): FieldError[] {
  const oldIPs = new Set(list(old.status?.loadBalancer?.ingress).map((i) => str(i?.ip)).filter(Boolean));
  const errs: FieldError[] = [];
  list(ingress.status?.loadBalancer?.ingress).forEach((lb, i) => {
    const p = `status.loadBalancer.ingress[${i}]`;
    const ip = str(lb?.ip);
    if (ip && !oldIPs.has(ip) && !parsesAsIP(ip)) errs.push(invalidValue(`${p}.ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    const hostname = str(lb?.hostname);
    if (hostname) {
      errs.push(...isDNS1123Subdomain(hostname).map((m) => invalidValue(`${p}.hostname`, hostname, m)));
      if (parsesAsIP(hostname)) errs.push(invalidValue(`${p}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

const MAX_CONTROLLER_LENGTH = 250;
const PARAMETER_SCOPES = ['Cluster', 'Namespace'];

/** validateIngressClass is validateIngressClassSpec (object meta aside). */
export function validateIngressClass(ic: IngressClass): FieldError[] {
  const spec = record<NonNullable<IngressClass['spec']>>(ic.spec) ?? {};
  const errs: FieldError[] = [];
  const controller = str(spec.controller);
  if (controller === '') errs.push(required('spec.controller'));
  else {
    if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(tooLong('spec.controller', MAX_CONTROLLER_LENGTH));
    errs.push(...isDomainPrefixedPath('spec.controller', controller));
  }
  const params = spec.parameters;
  if (!isSet(params)) return errs;
  const p = 'spec.parameters';
  errs.push(...validateTypedLocalObjectReference(params, p));
  if (!isSet(params.scope)) {
    errs.push(required(`${p}.scope`));
    return errs;
  }
  const scope = String(params.scope);
  if (!PARAMETER_SCOPES.includes(scope)) errs.push(notSupported(`${p}.scope`, scope, PARAMETER_SCOPES));
  else if (scope === 'Namespace') {
    if (!isSet(params.namespace)) errs.push(required(`${p}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else errs.push(...isDNS1123Label(String(params.namespace)).map((m) => invalidValue(`${p}.namespace`, params.namespace, m)));
  } else if (isSet(params.namespace)) errs.push(forbidden(`${p}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

/** validateIngressClassUpdate is ValidateIngressClassUpdate: the controller is fixed. */
export function validateIngressClassUpdate(ic: IngressClass, old: IngressClass): FieldError[] {
  return [...validateImmutableField(ic.spec?.controller, old.spec?.controller, 'spec.controller'), ...validateIngressClass(ic)];
}
