/** discovery validates EndpointSlices with the messages of pkg/apis/discovery/validation/validation.go. */
import type { KubeObject } from '../../api/types';
import { type FieldError, duplicate, invalidValue, notSupported, required } from '../fieldErrors';
import { str } from './fields';
import { isSet, list, record, tooMany, validateImmutableField } from './generic';
import { isIPv6String, parsesAsIP, validateNonSpecialIP } from './ip';
import { isQualifiedName, validateLabels } from './labels';
import { isDNS1123Label, isDNS1123Subdomain } from './names';

/** EndpointSlice is a discovery.k8s.io/v1 EndpointSlice: only the fields validation reads. */
export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: {
    addresses?: string[];
    hostname?: string | null;
    nodeName?: string | null;
    deprecatedTopology?: Record<string, string>;
  }[];
  ports?: { name?: string | null; protocol?: string | null; port?: number | null; appProtocol?: string | null }[];
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
/** The deprecated "IP" address type stays valid on update for slices stored before it was retired. */
const UPDATE_ADDRESS_TYPES = ['FQDN', 'IP', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;
const MAX_TOPOLOGY_LABELS = 16;

/** isFullyQualifiedDomainName is util/validation's IsFullyQualifiedDomainName. */
function isFullyQualifiedDomainName(path: string, value: string): FieldError[] {
  if (value.length === 0) return [required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const errs = isDNS1123Subdomain(name);
  if (errs.length) return [invalidValue(path, name, errs.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalidValue(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const labelErrs = isDNS1123Label(label);
    if (labelErrs.length) return [invalidValue(path, label, labelErrs.join(','))];
  }
  return [];
}

function validateAddress(address: string, addressType: string, path: string): FieldError[] {
  switch (addressType) {
    case 'IP':
      return parsesAsIP(address) ? [] : [invalidValue(path, address, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
    case 'IPv4': {
      const errs = parsesAsIP(address) && !isIPv6String(address) ? [] : [invalidValue(path, address, 'must be a valid IPv4 address')];
      return [...errs, ...validateNonSpecialIP(path, address)];
    }
    case 'IPv6': {
      const errs = isIPv6String(address) ? [] : [invalidValue(path, address, 'must be a valid IPv6 address')];
      return [...errs, ...validateNonSpecialIP(path, address)];
    }
    case 'FQDN':
      return isFullyQualifiedDomainName(path, address);
    default:
      return [];
  }
}

function validateEndpointSlice(slice: EndpointSlice, addressTypes: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = str(slice.addressType);
  if (addressType === '') errs.push(required('addressType'));
  else if (!addressTypes.includes(addressType)) errs.push(notSupported('addressType', addressType, [...addressTypes]));
  const endpoints = list(slice.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  else endpoints.forEach((e, i) => {
    const endpoint = record<NonNullable<EndpointSlice['endpoints']>[number]>(e) ?? {};
    const p = `endpoints[${i}]`;
    const addresses = list(endpoint.addresses);
    if (addresses.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(`${p}.addresses`, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => errs.push(...validateAddress(String(a), addressType, `${p}.addresses[${j}]`)));
    // v1's deprecatedTopology is the internal Topology, whose path upstream reports.
    const topology = Object.keys(record(endpoint.deprecatedTopology) ?? {}).length;
    if (topology > MAX_TOPOLOGY_LABELS) errs.push(tooMany(`${p}.topology`, topology, MAX_TOPOLOGY_LABELS));
    errs.push(...validateLabels(endpoint.deprecatedTopology, `${p}.topology`));
    if (isSet(endpoint.hostname)) errs.push(...isDNS1123Label(String(endpoint.hostname)).map((m) => invalidValue(`${p}.hostname`, endpoint.hostname, m)));
    if (isSet(endpoint.nodeName)) errs.push(...isDNS1123Subdomain(String(endpoint.nodeName)).map((m) => invalidValue(`${p}.nodeName`, endpoint.nodeName, m)));
  });
  const ports = list(slice.ports);
  if (ports.length > MAX_PORTS) return [...errs, tooMany('ports', ports.length, MAX_PORTS)];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = str(port?.name);
    if (name !== '') errs.push(...isDNS1123Label(name).map((m) => invalidValue(`${p}.name`, name, m)));
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    const protocol = port?.protocol;
    if (!isSet(protocol)) errs.push(required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${p}.protocol`, protocol, PROTOCOLS));
    const appProtocol = port?.appProtocol;
    if (isSet(appProtocol)) errs.push(...isQualifiedName(String(appProtocol)).map((m) => invalidValue(`${p}.appProtocol`, appProtocol, m)));
  });
  return errs;
}

/** validateEndpointSliceCreate is ValidateEndpointSliceCreate (object meta aside). */
export const validateEndpointSliceCreate = (slice: EndpointSlice): FieldError[] => validateEndpointSlice(slice, ADDRESS_TYPES);

/** validateEndpointSliceUpdate is ValidateEndpointSliceUpdate: addressType may not change. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  return [...validateEndpointSlice(slice, UPDATE_ADDRESS_TYPES), ...validateImmutableField(slice.addressType, old.addressType, 'addressType')];
}
