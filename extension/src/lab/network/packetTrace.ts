/**
 * packetTrace is the `packettraces.lab.kubelab.dev/v1alpha1` resource: a
 * user asks for the way of a connection — from a pod, a node or outside the
 * cluster, to an IP and port or to a DNS name — and the lab's packet tracer
 * fills status with each hop: the name's resolution, every kube-proxy rule
 * matched (table, chain, rule as the node's tools print it, probability), the
 * NAT, the bridge, veth and route hops, the delivery and the reply's way back.
 *
 * A cluster-scoped stored object, as proxyrulesets are: created by the user,
 * its status written by a controller through the API, so kubectl, watches and
 * panels see it like anything else.
 */
import type { KubeObject } from '../api/types';
import type { ResourceRef } from '../client/resources';
import { type FieldError, invalidValue, notSupported, required, forbidden } from '../apiserver/fieldErrors';
import { type ResourceType, def } from '../apiserver/resources';
import type { Strategy } from '../apiserver/strategy';
import { subdomainName } from '../apiserver/validation/objectMeta';
import type { PolicyRule, Role, Binding } from '../apiserver/auth/rbacTypes';
import { since } from '../apiserver/printers/format';
import { type TablePrinter, col } from '../apiserver/printers/table';
import type { Hop } from './packet';
import type { Outcome } from './packetEngine';
import { LAB_GROUP, LAB_VERSION } from './proxyRuleSet';

/** PACKETTRACES is the resource's endpoint for clients. */
export const PACKETTRACES: ResourceRef = { group: LAB_GROUP, version: LAB_VERSION, resource: 'packettraces', namespaced: false };

/** TRACE_PROTOCOLS are the protocols a trace follows: the lab's servers speak TCP. */
export const TRACE_PROTOCOLS = ['TCP'];

/** PacketTraceSource is where the connection starts: exactly one of pod ("namespace/name"), node, or external (entering at a node, node-1 by default). */
export interface PacketTraceSource {
  pod?: string;
  node?: string;
  external?: { node?: string; ip?: string };
}

/** PacketTraceDestination is an address and port, or a DNS name and port. */
export interface PacketTraceDestination {
  ip?: string;
  dnsName?: string;
  port: number;
  protocol?: string;
}

/** PacketTraceStatus is what the tracer found. */
export interface PacketTraceStatus {
  observedGeneration?: number;
  /** outcome is Delivered, Refused, HostUnreachable or TimedOut; Failed when the trace could not start (an unknown pod, a name that does not resolve). */
  outcome?: Outcome | 'Failed';
  message?: string;
  resolution?: { name: string; address: string; via: 'dns' | 'service'; server?: string; queries?: string[] };
  client?: string;
  destination?: string;
  endpoint?: string;
  pod?: string;
  node?: string;
  /** proxyMode is the mode of the kube-proxies whose rules the packet met. */
  proxyMode?: string;
  hops?: Hop[];
  completionTime?: string;
}

/** PacketTrace is one trace request and its answer. */
export interface PacketTrace extends KubeObject {
  spec: { source: PacketTraceSource; destination: PacketTraceDestination };
  status?: PacketTraceStatus;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/;

/** validate checks a trace's spec; messages follow apimachinery's field errors. */
export function validatePacketTrace(obj: PacketTrace): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec as Partial<PacketTrace['spec']> | undefined;
  const src = spec?.source;
  if (!src || typeof src !== 'object') {
    errs.push(required('spec.source'));
  } else {
    const set = (['pod', 'node', 'external'] as const).filter((k) => src[k] !== undefined);
    if (set.length === 0) errs.push(required('spec.source', 'one of pod, node or external'));
    if (set.length > 1) errs.push(forbidden(`spec.source.${set[1]}`, `may not be specified when \`${set[0]}\` is specified`));
    if (src.pod !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(String(src.pod))) errs.push(invalidValue('spec.source.pod', src.pod, 'must be namespace/name'));
    if (src.node !== undefined && (typeof src.node !== 'string' || src.node === '')) errs.push(invalidValue('spec.source.node', src.node, 'must be a node name'));
    if (src.external !== undefined) {
      if (typeof src.external !== 'object' || src.external === null) errs.push(invalidValue('spec.source.external', src.external, 'must be an object'));
      else if (src.external.ip !== undefined && !IPV4.test(String(src.external.ip))) errs.push(invalidValue('spec.source.external.ip', src.external.ip, 'must be a valid IPv4 address'));
    }
  }
  const dst = spec?.destination;
  if (!dst || typeof dst !== 'object') {
    errs.push(required('spec.destination'));
    return errs;
  }
  if (dst.ip === undefined && dst.dnsName === undefined) errs.push(required('spec.destination', 'one of ip or dnsName'));
  if (dst.ip !== undefined && dst.dnsName !== undefined) errs.push(forbidden('spec.destination.dnsName', 'may not be specified when `ip` is specified'));
  if (dst.ip !== undefined && !IPV4.test(String(dst.ip))) errs.push(invalidValue('spec.destination.ip', dst.ip, 'must be a valid IPv4 address'));
  if (dst.dnsName !== undefined && (typeof dst.dnsName !== 'string' || dst.dnsName.length > 253 || !DNS_NAME.test(dst.dnsName))) {
    errs.push(invalidValue('spec.destination.dnsName', dst.dnsName, 'must be a DNS name (lower case alphanumeric characters, \'-\' or \'.\')'));
  }
  if (dst.port === undefined) errs.push(required('spec.destination.port'));
  else if (!Number.isInteger(dst.port) || dst.port < 1 || dst.port > 65535) errs.push(invalidValue('spec.destination.port', dst.port, 'must be between 1 and 65535, inclusive'));
  if (dst.protocol !== undefined && !TRACE_PROTOCOLS.includes(dst.protocol)) errs.push(notSupported('spec.destination.protocol', dst.protocol, TRACE_PROTOCOLS));
  return errs;
}

const strategy: Strategy<PacketTrace> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: (obj) => {
    const dst = obj.spec?.destination as PacketTraceDestination | undefined;
    if (dst && typeof dst === 'object' && dst.protocol === undefined) dst.protocol = 'TCP';
  },
  prepareForCreate: (obj) => {
    delete obj.status;
  },
  validate: validatePacketTrace,
  validateUpdate: (obj) => validatePacketTrace(obj),
};

/** packetTraceResource is the resource's registration beside proxyrulesets. */
export const packetTraceResource: ResourceType = def({
  group: LAB_GROUP, version: LAB_VERSION, resource: 'packettraces', kind: 'PacketTrace', singularName: 'packettrace', namespaced: false,
  subresources: ['status'], strategy, categories: ['kubelab'], shortNames: ['ptrace'],
});

/** NETWORK_ROLE names the ClusterRole of the lab's network components: the pod network agent (as kindnet's), the packet tracer and the host-port forwarder. */
export const NETWORK_ROLE = 'kubelab:network';
/** NETWORK_USER is the identity they run as, kindnet's service account. */
export const NETWORK_USER = 'system:serviceaccount:kube-system:kindnet';

/** networkPolicy is that ClusterRole (kindnet's reads, the tracer's writes) and its binding. */
export function networkPolicy(): { role: Role; binding: Binding } {
  const rules: PolicyRule[] = [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['nodes', 'pods', 'services', 'namespaces'] },
    // The host-port forwarder records where each node port listens on the user's machine.
    { verbs: ['patch'], apiGroups: [''], resources: ['services'] },
    { verbs: ['get', 'list', 'watch'], apiGroups: [LAB_GROUP], resources: ['packettraces'] },
    { verbs: ['patch', 'update'], apiGroups: [LAB_GROUP], resources: ['packettraces/status'] },
  ];
  return {
    role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: NETWORK_ROLE }, rules },
    binding: {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: NETWORK_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NETWORK_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: 'kindnet', namespace: 'kube-system' }],
    },
  };
}

/** sourceText prints a trace's source as its spec names it. */
function sourceText(s: PacketTraceSource | undefined): string {
  if (!s) return '';
  if (s.pod) return `pod/${s.pod}`;
  if (s.node) return `node/${s.node}`;
  return `external${s.external?.node ? `/${s.external.node}` : ''}`;
}

/** packetTracePrinter is `kubectl get packettraces`: where from, where to, how it ended, who answered; wide adds the node and the hop count. */
export const packetTracePrinter: TablePrinter = {
  columns: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Source', 'string', 'Where the connection starts: a pod, a node, or outside the cluster.'),
    col('Destination', 'string', 'The address or DNS name and port the connection is made to.'),
    col('Outcome', 'string', 'Delivered, Refused, HostUnreachable, TimedOut, or Failed.'),
    col('Endpoint', 'string', 'The pod and address that accepted the connection.'),
    col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    col('Node', 'string', 'The node of the pod that accepted the connection.', 1),
    col('Hops', 'integer', 'How many hops the trace recorded.', 1),
  ],
  print: (obj, now) => {
    const t = obj as PacketTrace;
    const d = t.spec?.destination;
    const st = t.status;
    const endpoint = st?.pod ? `${st.pod} (${st.endpoint ?? ''})` : '<none>';
    return { cells: [t.metadata.name ?? '', sourceText(t.spec?.source), `${d?.dnsName ?? d?.ip ?? ''}:${d?.port ?? ''}`, st?.outcome ?? '<pending>', endpoint, since(t.metadata.creationTimestamp, now), st?.node ?? '<none>', st?.hops?.length ?? 0] };
  },
};
