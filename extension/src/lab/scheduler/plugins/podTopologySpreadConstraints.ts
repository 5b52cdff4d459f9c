/**
 * podTopologySpreadConstraints turns a pod's topology spread constraints (or
 * the profile's defaults) into what PodTopologySpread counts with, as
 * upstream's common.go: selectors parsed with matchLabelKeys merged, defaults
 * applied, the node inclusion policies, and the default selector built from
 * the Services and the controller that select the pod.
 */
import { requiredNodeAffinityMatches } from '../../api/nodeAffinity';
import { type Requirement, type Selector, fromLabelSelector } from '../../api/labels';
import { controllerOf } from '../../api/meta';
import { doNotScheduleTaint, findMatchingUntoleratedTaint } from '../../api/taints';
import type { LabelSelector, Node, Pod } from '../../api/types';
import { selectorMatches } from '../affinityTerms';
import type { NodeInfo } from '../nodeInfo';
import type { SharedListers } from '../sharedListers';
import type { PodCountView, PodCountViews } from './podCountViews';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** TopologySpreadConstraint is core/v1 TopologySpreadConstraint. */
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

/** SYSTEM_DEFAULT_CONSTRAINTS are systemDefaultConstraints: spread per node and per zone, softly. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

/** PodTopologySpreadArgs are the plugin's args: System defaulting (the default) or a List of default constraints. */
export interface PodTopologySpreadArgs {
  defaultingType?: 'System' | 'List';
  defaultConstraints?: TopologySpreadConstraint[];
}

/** SpreadConstraint is topologySpreadConstraint: a constraint with its selector parsed and its defaults applied. */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  /** selector undefined matches nothing (a constraint without labelSelector). */
  selector: Selector | undefined;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** Spreading is the plugin's configuration: its default constraints, whether they are the System ones, and the listers that build their selector. */
export interface Spreading {
  defaultConstraints: readonly TopologySpreadConstraint[];
  systemDefaulted: boolean;
  listers?: SharedListers;
}

/** spreadingOf reads the args: System defaulting takes the system defaults, List the args' own. */
export function spreadingOf(args: PodTopologySpreadArgs, listers?: SharedListers): Spreading {
  const system = (args.defaultingType ?? 'System') === 'System';
  return { defaultConstraints: system ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []), systemDefaulted: system, ...(listers ? { listers } : {}) };
}

/** filterTopologySpreadConstraints parses the constraints of one action, with matchLabelKeys' values from the pod merged into the selector. */
export function filterTopologySpreadConstraints(constraints: readonly TopologySpreadConstraint[], podLabels: Record<string, string> | undefined, action: TopologySpreadConstraint['whenUnsatisfiable']): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = fromLabelSelector(c.labelSelector);
    if (c.matchLabelKeys?.length) {
      const extra: Requirement[] = [];
      for (const key of c.matchLabelKeys) if (podLabels && Object.prototype.hasOwnProperty.call(podLabels, key)) extra.push({ key, operator: 'In', values: [podLabels[key]] });
      if (extra.length) selector = [...extra, ...(selector ?? [])];
    }
    out.push({
      maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor', nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return out;
}

const setSelector = (set: Record<string, string>): Requirement[] => Object.entries(set).map(([key, v]) => ({ key, operator: 'In', values: [v] }));

/**
 * defaultSelector is helper.DefaultSelector: the labels of the Services that
 * select the pod, plus its controller's selector (a ReplicationController's
 * label set, a ReplicaSet's or StatefulSet's requirements). Empty when nothing
 * selects the pod.
 */
export function defaultSelector(pod: Pod, listers: SharedListers | undefined): Selector {
  if (!listers) return [];
  const ns = pod.metadata.namespace ?? '';
  const labelSet: Record<string, string> = {};
  for (const svc of listers.services(ns)) {
    const sel = svc.spec?.selector;
    // A Service with no selector matches nothing, not everything.
    if (!sel) continue;
    if (Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v)) Object.assign(labelSet, sel);
  }
  let selector: Requirement[] = setSelector(labelSet);
  const owner = controllerOf(pod);
  if (!owner) return selector;
  if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
    const rc = listers.replicationController(ns, owner.name);
    if (rc) selector = setSelector({ ...labelSet, ...(rc.spec?.selector ?? {}) });
  } else if (owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const o = owner.kind === 'ReplicaSet' ? listers.replicaSet(ns, owner.name) : listers.statefulSet(ns, owner.name);
    const other = o && fromLabelSelector(o.spec.selector);
    if (other) selector = [...selector, ...other];
  }
  return selector;
}

/** buildDefaultConstraints applies the defaults of one action with the pod's default selector; none when nothing selects the pod. */
export function buildDefaultConstraints(pod: Pod, spreading: Spreading, action: TopologySpreadConstraint['whenUnsatisfiable']): SpreadConstraint[] {
  const constraints = filterTopologySpreadConstraints(spreading.defaultConstraints, pod.metadata.labels, action);
  if (constraints.length === 0) return [];
  const selector = defaultSelector(pod, spreading.listers);
  if (selector.length === 0) return [];
  return constraints.map((c) => ({ ...c, selector }));
}

export function podConstraints(pod: Pod): TopologySpreadConstraint[] {
  return (pod.spec.topologySpreadConstraints as TopologySpreadConstraint[] | undefined) ?? [];
}

/** getConstraints is the pod's hard (DoNotSchedule) constraints, or the default ones when it declares none. */
export function getConstraints(pod: Pod, spreading: Spreading, action: TopologySpreadConstraint['whenUnsatisfiable'] = 'DoNotSchedule'): SpreadConstraint[] {
  const own = podConstraints(pod);
  return own.length ? filterTopologySpreadConstraints(own, pod.metadata.labels, action) : buildDefaultConstraints(pod, spreading, action);
}

/** nodeLabelsMatchSpreadConstraints: the node carries every constraint's topology key. */
export function nodeLabelsMatchSpreadConstraints(labels: Record<string, string> | undefined, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels?.[c.topologyKey] === undefined) return false;
  return true;
}

/** matchNodeInclusionPolicies: with Honor, nodes the pod's node affinity excludes (or whose NoSchedule taints it does not tolerate) take no part in the spread. */
export function matchNodeInclusionPolicies(c: SpreadConstraint, pod: Pod, node: Node): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !requiredNodeAffinityMatches(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, doNotScheduleTaint)) return false;
  return true;
}

/** countPodsMatchSelector counts the pods of namespace among pods that the selector matches, terminating pods aside. */
export function countPodsMatchSelector(pods: Iterable<Pod>, selector: Selector | undefined, namespace: string): number {
  if (selector === undefined) return 0;
  let count = 0;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp || (p.metadata.namespace ?? '') !== namespace) continue;
    if (selectorMatches(selector, p.metadata.labels)) count++;
  }
  return count;
}

/** spreadView is the per-node count of pods of namespace matching a constraint's selector, kept across cycles. */
export function spreadView(views: PodCountViews, c: SpreadConstraint, namespace: string, allNodes: readonly NodeInfo[]): PodCountView {
  return views.view(`${namespace}\x00${JSON.stringify(c.selector ?? null)}`, (p) => !p.metadata.deletionTimestamp && (p.metadata.namespace ?? '') === namespace && selectorMatches(c.selector, p.metadata.labels), allNodes);
}
