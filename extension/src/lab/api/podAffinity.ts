/**
 * podAffinity is a pod's inter-pod affinity (spec.affinity.podAffinity and
 * podAntiAffinity), typed, and the API server's merge of matchLabelKeys and
 * mismatchLabelKeys into the terms' label selectors on create.
 */
import type { LabelSelector, Pod } from './types';

/** PodAffinityTerm is core/v1 PodAffinityTerm. */
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

interface PodAffinityRules {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

/** InterPodAffinitySpec is the pod affinity part of pod.spec.affinity. */
export interface InterPodAffinitySpec {
  podAffinity?: PodAffinityRules;
  podAntiAffinity?: PodAffinityRules;
}

/** interPodAffinityOf is the pod's spec.affinity, typed for its pod affinity parts. */
export function interPodAffinityOf(pod: Pod): InterPodAffinitySpec | undefined {
  return pod.spec.affinity as InterPodAffinitySpec | undefined;
}

/**
 * applyMatchLabelKeys is the API server's mutatePodAffinity on create
 * (MatchLabelKeysInPodAffinity, on by default in 1.32): each term's
 * matchLabelKeys and mismatchLabelKeys become `key In (value)` and
 * `key NotIn (value)` requirements of its label selector, taking the values
 * from the pod's labels. A term without a label selector matches nothing and
 * is left alone.
 */
export function applyMatchLabelKeys(pod: Pod): void {
  const labels = pod.metadata.labels ?? {};
  const a = interPodAffinityOf(pod);
  const terms = [
    ...(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm),
    ...(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm),
  ];
  for (const term of terms) {
    if (!term || (!term.matchLabelKeys?.length && !term.mismatchLabelKeys?.length) || !term.labelSelector) continue;
    const exprs = [...(term.labelSelector.matchExpressions ?? [])];
    for (const key of term.matchLabelKeys ?? []) if (Object.prototype.hasOwnProperty.call(labels, key)) exprs.push({ key, operator: 'In', values: [labels[key]] });
    for (const key of term.mismatchLabelKeys ?? []) if (Object.prototype.hasOwnProperty.call(labels, key)) exprs.push({ key, operator: 'NotIn', values: [labels[key]] });
    term.labelSelector = { ...term.labelSelector, matchExpressions: exprs };
  }
}
