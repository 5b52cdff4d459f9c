/**
 * NodeRestriction confines each kubelet to its own node
 * (plugin/pkg/admission/noderestriction): a `system:node:<name>` user in the
 * `system:nodes` group may only touch its own Node (and not its taints, nor
 * labels outside the kubelet's set), create and delete mirror pods bound to
 * itself, update status of and evict pods bound to itself, update claim status,
 * request tokens for its own pods, and manage its own Lease, CSINode and
 * ResourceSlices. Everyone else passes untouched.
 */
import type { KubeObject, Node, Pod, Status } from '../../api/types';
import { notFound } from '../errors';
import type { UserInfo } from '../auth/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { admissionForbidden } from './errors';
import { NODE_RESTRICTION } from './names';
import { MIRROR_POD_ANNOTATION, referencesSecret } from './serviceAccount';

const NODE_USER_PREFIX = 'system:node:';
const NODES_GROUP = 'system:nodes';
/** The namespace node heartbeats live in (NamespaceNodeLease). */
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Labels a kubelet may set on its own Node (kubelet/pkg/apis IsKubeletLabel). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
/** Labels under this namespace steer workloads to nodes, so no kubelet may set them (LabelNamespaceNodeRestriction). */
const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

/** nodeIdentity is NodeIdentity: the node name of a node user, '' if it has the prefix but no name, undefined for anyone else. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.username.startsWith(NODE_USER_PREFIX) || !user.groups.includes(NODES_GROUP)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}

function labelNamespace(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function inNamespace(ns: string, parent: string): boolean {
  return ns === parent || ns.endsWith(`.${parent}`);
}

/** isKubeletLabel reports whether a kubelet may set the label on its own Node. */
export function isKubeletLabel(key: string): boolean {
  return KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some((ns) => inNamespace(labelNamespace(key), ns));
}

/** forbiddenLabels is getForbiddenLabels over the labels that differ: node-restriction labels and unknown kubernetes.io / k8s.io labels, sorted. */
export function forbiddenLabels(labels: Record<string, string> = {}, old: Record<string, string> = {}): string[] {
  const modified = new Set<string>();
  for (const [k, v] of Object.entries(labels)) if (old[k] !== v) modified.add(k);
  for (const [k, v] of Object.entries(old)) if (labels[k] !== v) modified.add(k);
  const out: string[] = [];
  for (const key of modified) {
    const ns = labelNamespace(key);
    const kubernetes = inNamespace(ns, 'kubernetes.io') || inNamespace(ns, 'k8s.io');
    if (inNamespace(ns, NODE_RESTRICTION_LABEL_NAMESPACE) || (kubernetes && !isKubeletLabel(key))) out.push(key);
  }
  return out.sort();
}

/** sameJSON is apiequality.Semantic.DeepEqual for plain JSON, where a missing list equals an empty one. */
function sameJSON(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (Array.isArray(v) && v.length === 0 ? undefined : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

interface PodSpecView {
  nodeName?: string;
  serviceAccountName?: string;
  volumes?: { configMap?: unknown; persistentVolumeClaim?: unknown; projected?: { sources?: Record<string, unknown>[] } }[];
  containers?: ContainerView[];
  initContainers?: ContainerView[];
  ephemeralContainers?: ContainerView[];
}
interface ContainerView { env?: { valueFrom?: { configMapKeyRef?: unknown } }[]; envFrom?: { configMapRef?: unknown }[] }

/** referencesConfigMap is VisitPodConfigmapNames finding anything. */
function referencesConfigMap(spec: PodSpecView): boolean {
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    if (c.envFrom?.some((e) => e.configMapRef) || c.env?.some((e) => e.valueFrom?.configMapKeyRef)) return true;
  }
  return (spec.volumes ?? []).some((v) => v.configMap || v.projected?.sources?.some((s) => s.configMap !== undefined));
}

/** mirrorPodCreateViolation is admitPodCreate's checks, short of the node uid lookup. */
function mirrorPodCreateViolation(nodeName: string, pod: Pod): string | undefined {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) return `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${nodeName}" can only create mirror pods`;
  const spec = pod.spec as PodSpecView;
  if (spec.nodeName !== nodeName) return `node "${nodeName}" can only create pods with spec.nodeName set to itself`;
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length > 1) return `node "${nodeName}" can only create pods with a single owner reference set to itself`;
  if (owners.length === 0) return `node "${nodeName}" can only create pods with an owner reference set to itself`;
  const owner = owners[0];
  if (owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== nodeName) return `node "${nodeName}" can only create pods with an owner reference set to itself`;
  if (!owner.controller) return `node "${nodeName}" can only create pods with a controller owner reference set to itself`;
  if (owner.blockOwnerDeletion) return `node "${nodeName}" must not set blockOwnerDeletion on an owner reference`;
  return undefined;
}

/** mirrorPodReferenceViolation forbids a mirror pod from naming any other API object. */
function mirrorPodReferenceViolation(nodeName: string, pod: Pod): string | undefined {
  const spec = pod.spec as PodSpecView;
  if (spec.serviceAccountName) return `node "${nodeName}" can not create pods that reference a service account`;
  if (referencesSecret(pod.spec)) return `node "${nodeName}" can not create pods that reference secrets`;
  if (referencesConfigMap(spec)) return `node "${nodeName}" can not create pods that reference configmaps`;
  if (spec.volumes?.some((v) => v.projected?.sources?.some((s) => s.clusterTrustBundle !== undefined))) return `node "${nodeName}" can not create pods that reference clustertrustbundles`;
  if (spec.volumes?.some((v) => v.persistentVolumeClaim)) return `node "${nodeName}" can not create pods that reference persistentvolumeclaims`;
  return undefined;
}

async function admitPod(nodeName: string, a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
  if (a.operation === 'CREATE') {
    const pod = a.object as Pod;
    const why = mirrorPodCreateViolation(nodeName, pod);
    if (why !== undefined) return admissionForbidden(a, why);
    const node = ctx.cache.get('', 'nodes', '', nodeName);
    if (!node) return notFound({ group: '', resource: 'nodes' }, nodeName);
    const uid = pod.metadata.ownerReferences![0].uid;
    if (uid !== node.metadata.uid) return admissionForbidden(a, `node ${nodeName} UID mismatch: expected ${uid} got ${node.metadata.uid ?? ''}`);
    const refs = mirrorPodReferenceViolation(nodeName, pod);
    return refs === undefined ? undefined : admissionForbidden(a, refs);
  }
  if (a.operation === 'DELETE') {
    const existing = await ctx.get<Pod>('', 'pods', a.namespace, a.name);
    if (!existing) return notFound({ group: '', resource: 'pods' }, a.name);
    if (existing.spec.nodeName !== nodeName) return admissionForbidden(a, `node "${nodeName}" can only delete pods with spec.nodeName set to itself`);
    return undefined;
  }
  return admissionForbidden(a, `unexpected operation "${a.operation}", node "${nodeName}" can only create and delete mirror pods`);
}

function admitPodStatus(nodeName: string, a: Attributes): Status | undefined {
  if (a.operation !== 'UPDATE') return admissionForbidden(a, `unexpected operation "${a.operation}"`);
  const old = a.oldObject as Pod;
  const pod = a.object as Pod;
  if (old.spec.nodeName !== nodeName) return admissionForbidden(a, `node "${nodeName}" can only update pod status for pods with spec.nodeName set to itself`);
  if (!sameJSON(old.metadata.labels ?? {}, pod.metadata.labels ?? {})) return admissionForbidden(a, `node "${nodeName}" cannot update labels through pod status`);
  const claims = (p: Pod) => ((p.status as { resourceClaimStatuses?: { name: string; resourceClaimName?: string }[] } | undefined)?.resourceClaimStatuses ?? []).map((c) => [c.name, c.resourceClaimName ?? null]);
  if (!sameJSON(claims(old), claims(pod))) return admissionForbidden(a, `node "${nodeName}" cannot update resource claim statues`);
  return undefined;
}

async function admitPodEviction(nodeName: string, a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
  if (a.operation !== 'CREATE') return admissionForbidden(a, `unexpected operation ${a.operation}`);
  const podName = a.name || a.object?.metadata.name || '';
  if (!podName) return admissionForbidden(a, 'could not determine pod from request data');
  const existing = await ctx.get<Pod>('', 'pods', a.namespace, podName);
  if (!existing) return notFound({ group: '', resource: 'pods' }, podName);
  if (existing.spec.nodeName !== nodeName) return admissionForbidden(a, `node ${nodeName} can only evict pods with spec.nodeName set to itself`);
  return undefined;
}

/** Claim status fields a kubelet may change; everything else must stay as it was. */
function claimWithoutKubeletFields(pvc: KubeObject): unknown {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = pvc.metadata;
  const { capacity: _c, conditions: _cond, allocatedResourceStatuses: _ars, allocatedResources: _ar, ...status } = (pvc.status ?? {}) as Record<string, unknown>;
  return { ...pvc, metadata, status };
}

function admitPVCStatus(nodeName: string, a: Attributes): Status | undefined {
  if (a.operation !== 'UPDATE') return admissionForbidden(a, `unexpected operation "${a.operation}"`);
  const before = claimWithoutKubeletFields(a.oldObject!);
  const after = claimWithoutKubeletFields(a.object!);
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  return admissionForbidden(a, `node "${nodeName}" is not allowed to update fields other than status.quantity and status.conditions: ${JSON.stringify(before)} != ${JSON.stringify(after)}`);
}

function admitNode(nodeName: string, a: Attributes): Status | undefined {
  const requested = a.name || a.object?.metadata.name || '';
  if (requested !== nodeName) return admissionForbidden(a, `node "${nodeName}" is not allowed to modify node "${requested}"`);
  if (a.operation === 'CREATE') {
    const node = a.object as Node;
    if ((node.spec as { configSource?: unknown } | undefined)?.configSource) return admissionForbidden(a, `node "${nodeName}" is not allowed to create pods with a non-nil configSource`);
    const labels = forbiddenLabels(node.metadata.labels);
    if (labels.length) return admissionForbidden(a, `node "${nodeName}" is not allowed to set the following labels: ${labels.join(', ')}`);
  }
  if (a.operation === 'UPDATE') {
    const node = a.object as Node;
    const old = a.oldObject as Node;
    const source = (node.spec as { configSource?: unknown } | undefined)?.configSource;
    if (source && !sameJSON(source, (old.spec as { configSource?: unknown } | undefined)?.configSource)) {
      return admissionForbidden(a, `node "${nodeName}" is not allowed to update configSource to a new non-nil configSource`);
    }
    if (!sameJSON(node.spec?.taints, old.spec?.taints)) return admissionForbidden(a, `node "${nodeName}" is not allowed to modify taints`);
    const labels = forbiddenLabels(node.metadata.labels, old.metadata.labels);
    if (labels.length) return admissionForbidden(a, `is not allowed to modify labels: ${labels.join(', ')}`);
  }
  return undefined;
}

async function admitServiceAccount(nodeName: string, a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
  if (a.operation !== 'CREATE' || a.subresource !== 'token') return undefined;
  const ref = (a.object?.spec as { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } } | undefined)?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) return admissionForbidden(a, 'node requested token not bound to a pod');
  if (!ref.uid) return admissionForbidden(a, 'node requested token with a pod binding without a uid');
  const pod = await ctx.get<Pod>('', 'pods', a.namespace, ref.name);
  if (!pod) return notFound({ group: '', resource: 'pods' }, ref.name);
  if (ref.uid !== pod.metadata.uid) return admissionForbidden(a, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  if (pod.spec.nodeName !== nodeName) return admissionForbidden(a, 'node requested token bound to a pod scheduled on a different node');
  return undefined;
}

function admitLease(nodeName: string, a: Attributes): Status | undefined {
  if (a.namespace !== NODE_LEASE_NAMESPACE) return admissionForbidden(a, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  const name = a.operation === 'CREATE' ? a.object?.metadata.name : a.name;
  if (name !== nodeName) return admissionForbidden(a, 'can only access node lease with the same name as the requesting node');
  return undefined;
}

function admitCSINode(nodeName: string, a: Attributes): Status | undefined {
  const name = a.operation === 'CREATE' ? a.object?.metadata.name : a.name;
  if (name !== nodeName) return admissionForbidden(a, 'can only access CSINode with the same name as the requesting node');
  return undefined;
}

function admitResourceSlice(nodeName: string, a: Attributes): Status | undefined {
  const sliceNode = (o: KubeObject | undefined) => (o?.spec as { nodeName?: string } | undefined)?.nodeName;
  if (a.operation === 'CREATE' && sliceNode(a.object) !== nodeName) return admissionForbidden(a, 'can only create ResourceSlice with the same NodeName as the requesting node');
  if (a.operation === 'DELETE' && sliceNode(a.oldObject) !== nodeName) return admissionForbidden(a, 'can only delete ResourceSlice with the same NodeName as the requesting node');
  return undefined;
}

/** nodeRestriction is the NodeRestriction plugin. */
export const nodeRestriction = {
  name: NODE_RESTRICTION,
  // NodeRestriction admits or forbids; it never changes the object.
  mutates: () => false,
  async admit(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
    if (a.operation === 'CONNECT') return undefined;
    const nodeName = nodeIdentity(a.userInfo);
    if (nodeName === undefined) return undefined;
    if (nodeName === '') return admissionForbidden(a, `could not determine node from user "${a.userInfo.username}"`);
    switch (`${a.type.group}/${a.type.resource}`) {
      case '/pods':
        if (a.subresource === '') return admitPod(nodeName, a, ctx);
        if (a.subresource === 'status') return admitPodStatus(nodeName, a);
        if (a.subresource === 'eviction') return admitPodEviction(nodeName, a, ctx);
        return admissionForbidden(a, `unexpected pod subresource "${a.subresource}", only 'status' and 'eviction' are allowed`);
      case '/nodes':
        return admitNode(nodeName, a);
      case '/persistentvolumeclaims':
        return a.subresource === 'status' ? admitPVCStatus(nodeName, a) : admissionForbidden(a, 'may only update PVC status');
      case '/serviceaccounts':
        return admitServiceAccount(nodeName, a, ctx);
      case 'coordination.k8s.io/leases':
        return admitLease(nodeName, a);
      case 'storage.k8s.io/csinodes':
        return admitCSINode(nodeName, a);
      case 'resource.k8s.io/resourceslices':
        return admitResourceSlice(nodeName, a);
      default:
        return undefined;
    }
  },
} satisfies AdmissionPlugin;
