/**
 * nodeAffinity matches a pod's hard node constraints against a node, as
 * component-helpers' scheduling/corev1/nodeaffinity: spec.nodeSelector (labels
 * equal) and the required node affinity's terms (ORed; each term's label
 * expressions and field expressions ANDed). The scheduler's NodeAffinity
 * filter and the DaemonSet controller decide with the same rules.
 */
import type { Node, Pod } from './types';

/** NodeSelectorRequirement is one expression of a term: a node label (matchExpressions) or field (matchFields) against values. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** NodeSelectorTerm is one alternative of a NodeSelector. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** NodeSelector is a list of terms of which one must match. */
export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

/** Affinity is the part of pod.spec.affinity that concerns nodes. */
export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
  };
  [field: string]: unknown;
}

/** OBJECT_NAME_FIELD is the only node field a term may select on (metav1.ObjectNameField). */
export const OBJECT_NAME_FIELD = 'metadata.name';

/** podAffinity is the pod's spec.affinity, typed. */
export function podAffinity(pod: Pod): Affinity | undefined {
  return pod.spec.affinity as Affinity | undefined;
}

/** INTEGER is what Gt and Lt parse on both sides (strconv.ParseInt base 10). */
const INTEGER = /^[+-]?\d+$/;

/** labelRequirementValid is the part of NodeSelectorRequirementsAsSelector that can fail: the values an operator needs. */
function labelRequirementValid(r: NodeSelectorRequirement): boolean {
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return n > 0;
    case 'Exists':
    case 'DoesNotExist':
      return n === 0;
    case 'Gt':
    case 'Lt':
      return n === 1 && INTEGER.test((r.values as string[])[0]);
    default:
      return false;
  }
}

/** labelRequirementMatches is labels.Requirement.Matches for a node label expression. */
function labelRequirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !INTEGER.test(labels[r.key])) return false;
      const have = BigInt(labels[r.key]);
      const want = BigInt(values[0]);
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** fieldRequirementValid is nodeSelectorRequirementsAsFieldSelector's check: In or NotIn with exactly one value. */
function fieldRequirementValid(r: NodeSelectorRequirement): boolean {
  return (r.operator === 'In' || r.operator === 'NotIn') && r.values?.length === 1;
}

function fieldRequirementMatches(r: NodeSelectorRequirement, node: Node): boolean {
  const value = r.key === OBJECT_NAME_FIELD ? node.metadata.name ?? '' : '';
  const equal = value === (r.values as string[])[0];
  return r.operator === 'In' ? equal : !equal;
}

/**
 * nodeSelectorTermMatches reports whether one term matches node. A term with no
 * expressions matches nothing, and a term that does not parse is skipped (it
 * matches nothing), as upstream's lazy-error node selector.
 */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  if (!exprs.every(labelRequirementValid) || !fields.every(fieldRequirementValid)) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => labelRequirementMatches(r, labels)) && fields.every((r) => fieldRequirementMatches(r, node));
}

/** nodeSelectorMatches is NodeSelector.Match: some term matches node. */
export function nodeSelectorMatches(selector: NodeSelector, node: Node): boolean {
  return (selector.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
}

/**
 * requiredNodeAffinityMatches is GetRequiredNodeAffinity(pod).Match(node): the
 * node carries every label of spec.nodeSelector, and matches the required node
 * affinity when the pod has one.
 */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = podAffinity(pod)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? nodeSelectorMatches(required, node) : true;
}
