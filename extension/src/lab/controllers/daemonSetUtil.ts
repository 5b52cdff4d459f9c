/**
 * daemonSetUtil holds the DaemonSet controller's pure rules, as upstream's
 * pkg/controller/daemon/util and NodeShouldRunDaemonPod: which nodes a daemon
 * pod belongs on, the tolerations every daemon pod gets, the node affinity that
 * pins a pod to its node, and how a pod is told current from outdated.
 */
import { type Affinity, OBJECT_NAME_FIELD, type NodeSelectorTerm, podAffinity, requiredNodeAffinityMatches } from '../api/nodeAffinity';
import {
  TAINT_NODE_DISK_PRESSURE, TAINT_NODE_MEMORY_PRESSURE, TAINT_NODE_NETWORK_UNAVAILABLE, TAINT_NODE_NOT_READY, TAINT_NODE_PID_PRESSURE,
  TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE, doNotScheduleTaint, findMatchingUntoleratedTaint,
} from '../api/taints';
import type { DaemonSet, Node, Pod, PodSpec, PodTemplateSpec, Toleration } from '../api/types';
import { resolveIntOrPercent } from './deploymentController';

/** DAEMONSET_UNIQUE_LABEL is DefaultDaemonSetUniqueLabelKey: the pod's and revision's template hash. */
export const DAEMONSET_UNIQUE_LABEL = 'controller-revision-hash';
/** TEMPLATE_GENERATION_LABEL is DaemonSetTemplateGenerationKey, still put on pods for old clients. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** TEMPLATE_GENERATION_ANNOTATION is DeprecatedTemplateGeneration, which the API server keeps on every DaemonSet. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** templateGeneration is GetTemplateGeneration: the annotation's number, undefined when missing or not a number. */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const a = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return a !== undefined && /^[+-]?\d+$/.test(a) ? Number(a) : undefined;
}

/** DAEMON_POD_TOLERATIONS are the tolerations AddOrUpdateDaemonPodTolerations gives every daemon pod, without tolerationSeconds so they last. */
const DAEMON_POD_TOLERATIONS: readonly Toleration[] = [
  { key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_NODE_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * addOrUpdateToleration is AddOrUpdateTolerationInPodSpec: a toleration with the
 * same key, operator, value and effect is replaced, otherwise t is appended.
 */
function addOrUpdateToleration(spec: PodSpec, t: Toleration): void {
  const list = spec.tolerations ?? [];
  const i = list.findIndex((o) => (o.key ?? '') === (t.key ?? '') && (o.operator ?? '') === (t.operator ?? '') && (o.value ?? '') === (t.value ?? '') && (o.effect ?? '') === (t.effect ?? ''));
  if (i >= 0) list[i] = { ...t };
  else list.push({ ...t });
  spec.tolerations = list;
}

/**
 * addOrUpdateDaemonPodTolerations is AddOrUpdateDaemonPodTolerations: daemon pods
 * survive the node controller's not-ready and unreachable evictions and the
 * taints that come from node conditions, plus network-unavailable with hostNetwork.
 */
export function addOrUpdateDaemonPodTolerations(spec: PodSpec): void {
  for (const t of DAEMON_POD_TOLERATIONS) addOrUpdateToleration(spec, t);
  if (spec.hostNetwork === true) addOrUpdateToleration(spec, { key: TAINT_NODE_NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' });
}

/** createPodTemplate is CreatePodTemplate: the template with the daemon tolerations and the generation and hash labels. */
export function createPodTemplate(template: PodTemplateSpec, generation: number | undefined, hash: string): PodTemplateSpec {
  const t: PodTemplateSpec = structuredClone(template);
  addOrUpdateDaemonPodTolerations(t.spec);
  const labels = { ...t.metadata?.labels };
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[DAEMONSET_UNIQUE_LABEL] = hash;
  t.metadata = { ...t.metadata, labels };
  return t;
}

/** isPodUpdated is IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  return (hash !== '' && labels[DAEMONSET_UNIQUE_LABEL] === hash) || templateMatches;
}

/** rollingUpdateOf is the RollingUpdate parameters, undefined for OnDelete. */
function rollingUpdateOf(ds: DaemonSet): { maxUnavailable?: number | string; maxSurge?: number | string } | undefined {
  return (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' ? ds.spec.updateStrategy?.rollingUpdate : undefined;
}

/** surgeCount is SurgeCount: maxSurge of numberToSchedule (percentages round up), 0 unless RollingUpdate asks for surge. */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  return resolveIntOrPercent(rollingUpdateOf(ds)?.maxSurge, numberToSchedule, true);
}

/** unavailableCount is UnavailableCount: maxUnavailable of numberToSchedule (percentages round up), 0 unless RollingUpdate. */
export function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  return resolveIntOrPercent(rollingUpdateOf(ds)?.maxUnavailable, numberToSchedule, true);
}

/** allowsSurge is AllowsSurge: the DaemonSet may run two pods on a node while it rolls. */
export function allowsSurge(ds: DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}

/**
 * replaceDaemonSetPodNodeNameNodeAffinity is ReplaceDaemonSetPodNodeNameNodeAffinity:
 * the affinity with its required node terms replaced by one that selects the
 * node by name (`metadata.name In [node]`), so the default scheduler binds it there.
 */
export function replaceDaemonSetPodNodeNameNodeAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const terms: NodeSelectorTerm[] = [{ matchFields: [{ key: OBJECT_NAME_FIELD, operator: 'In', values: [nodeName] }] }];
  const a: Affinity = { ...affinity };
  const required = a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  a.nodeAffinity = { ...a.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { ...required, nodeSelectorTerms: terms } };
  return a;
}

/**
 * targetNodeName is GetTargetNodeName: the node a daemon pod runs on or is meant
 * for (spec.nodeName, else its `metadata.name In [node]` term); undefined when
 * it names none, or more than one.
 */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const term of podAffinity(pod)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === OBJECT_NAME_FIELD && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

/** newPod is NewPod: the daemon pod ds would run on node, with the daemon tolerations, for the predicates. */
export function newPod(ds: DaemonSet, nodeName: string): Pod {
  // As upstream's NewPod, a shallow copy of the template (the controller asks this of every node on every sync): it shares
  // all but the tolerations with the DaemonSet, so it is for reading. The tolerations are a new list the daemon ones go into.
  const template = ds.spec.template;
  const spec: PodSpec = { ...template.spec, nodeName, tolerations: [...(template.spec.tolerations ?? [])] };
  addOrUpdateDaemonPodTolerations(spec);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, namespace: ds.metadata.namespace }, spec };
}

/** ShouldRun is NodeShouldRunDaemonPod's answer for one node. */
export interface ShouldRun {
  /** shouldRun: a daemon pod should be started on the node if it has none. */
  shouldRun: boolean;
  /** shouldContinueRunning: a daemon pod already on the node may stay. */
  shouldContinueRunning: boolean;
}

/**
 * nodeShouldRunDaemonPod is NodeShouldRunDaemonPod: the node must match the
 * template's nodeName, nodeSelector and required node affinity; a NoSchedule or
 * NoExecute taint the pod (with the daemon tolerations) does not tolerate keeps a
 * new pod off, and only an untolerated NoExecute taint also evicts a running one.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): ShouldRun {
  // The answer depends on the node and the template alone, and a sync asks it of every node three times (manage, the
  // rolling update, the status): it is kept per node object (informers replace a node that changes) and per template,
  // known by its DaemonSet's uid and generation (every status write brings a new DaemonSet object with an equal template).
  const known = knownTemplate(ds);
  let verdict = known.byNode.get(node);
  if (!verdict) known.byNode.set(node, (verdict = shouldRunOn(node, known.pod)));
  return verdict;
}

/** KnownTemplate is a template's daemon pod, and the verdicts on the nodes asked about so far. */
interface KnownTemplate {
  pod: Pod;
  byNode: WeakMap<Node, ShouldRun>;
}

/** specKey names a DaemonSet's spec as of its generation, or nothing for one the server has not stored. */
export function specKey(ds: DaemonSet): string | undefined {
  const { uid, generation } = ds.metadata;
  return uid && generation !== undefined ? `${uid}/${generation}/${templateGeneration(ds) ?? ''}` : undefined;
}

function knownTemplate(ds: DaemonSet): KnownTemplate {
  const template = ds.spec.template;
  const key = specKey(ds);
  const uid = ds.metadata.uid ?? '';
  const bySpec = key === undefined ? undefined : BY_SPEC.get(uid);
  if (bySpec && bySpec.key === key) return bySpec.known;
  let known = BY_TEMPLATE.get(template);
  if (!known) BY_TEMPLATE.set(template, (known = { pod: newPod(ds, template.spec.nodeName ?? ''), byNode: new WeakMap() }));
  // One generation kept per DaemonSet: a spec change makes the next one.
  if (key !== undefined) BY_SPEC.set(uid, { key, known });
  return known;
}

const BY_TEMPLATE = new WeakMap<PodTemplateSpec, KnownTemplate>();
const BY_SPEC = new Map<string, { key: string; known: KnownTemplate }>();
const RUN: ShouldRun = Object.freeze({ shouldRun: true, shouldContinueRunning: true });
const STAY: ShouldRun = Object.freeze({ shouldRun: false, shouldContinueRunning: true });
const NEITHER: ShouldRun = Object.freeze({ shouldRun: false, shouldContinueRunning: false });

/** shouldRunOn is NodeShouldRunDaemonPod's predicates for the daemon pod (NewPod's: the template with the daemon tolerations) on node. */
function shouldRunOn(node: Node, pod: Pod): ShouldRun {
  if (pod.spec.nodeName && pod.spec.nodeName !== (node.metadata.name ?? '')) return NEITHER;
  if (!requiredNodeAffinityMatches(pod, node)) return NEITHER;
  const taints = node.spec?.taints;
  if (findMatchingUntoleratedTaint(taints, pod.spec.tolerations, doNotScheduleTaint)) {
    return findMatchingUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === 'NoExecute') ? NEITHER : STAY;
  }
  return RUN;
}

/** podByCreationTimestampAndPhase orders daemon pods as upstream's sort: scheduled first, then oldest, then by name. */
export function podByCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const sa = a.spec.nodeName ? 0 : 1;
  const sb = b.spec.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}
