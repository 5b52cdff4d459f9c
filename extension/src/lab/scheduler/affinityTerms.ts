/**
 * affinityTerms parses a pod's inter-pod affinity as framework.PodInfo does:
 * each PodAffinityTerm becomes an AffinityTerm (namespaces, label selector,
 * namespace selector, topology key), split into required and preferred
 * affinity and anti-affinity. Parsing happens once per pod object: the cache
 * holds immutable pods, replaced on every update.
 */
import { type Selector, fromLabelSelector, matches } from '../api/labels';
import { type PodAffinityTerm, type WeightedPodAffinityTerm, interPodAffinityOf } from '../api/podAffinity';
import type { Pod } from '../api/types';
import type { SharedListers } from './sharedListers';

/**
 * AffinityTerm is framework.AffinityTerm. A selector of undefined is
 * labels.Nothing() (a missing selector matches no pod or namespace); an empty
 * one matches everything.
 */
export interface AffinityTerm {
  namespaces: Set<string>;
  selector: Selector | undefined;
  namespaceSelector: Selector | undefined;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** PodAffinityInfo is the parsed terms of one pod (PodInfo's four term lists). */
export interface PodAffinityInfo {
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

const EMPTY: PodAffinityInfo = Object.freeze({ requiredAffinityTerms: [], requiredAntiAffinityTerms: [], preferredAffinityTerms: [], preferredAntiAffinityTerms: [] });
const parsed = new WeakMap<Pod, PodAffinityInfo>();

/** namespacesOf is getNamespacesFromPodAffinityTerm: the term's namespaces, or the pod's own when neither namespaces nor a namespace selector is given. */
function namespacesOf(pod: Pod, term: PodAffinityTerm): Set<string> {
  if (!term.namespaces?.length && term.namespaceSelector === undefined) return new Set([pod.metadata.namespace ?? '']);
  return new Set(term.namespaces ?? []);
}

/** newAffinityTerm parses one term of pod. */
export function newAffinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  return { namespaces: namespacesOf(pod, term), selector: fromLabelSelector(term.labelSelector), namespaceSelector: fromLabelSelector(term.namespaceSelector), topologyKey: term.topologyKey };
}

function weighted(pod: Pod, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...newAffinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
}

/** affinityInfo is the pod's parsed terms, memoized per pod object. */
export function affinityInfo(pod: Pod): PodAffinityInfo {
  let info = parsed.get(pod);
  if (info) return info;
  const a = interPodAffinityOf(pod);
  if (!a?.podAffinity && !a?.podAntiAffinity) info = EMPTY;
  else {
    info = {
      requiredAffinityTerms: (a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)),
      requiredAntiAffinityTerms: (a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)),
      preferredAffinityTerms: weighted(pod, a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
      preferredAntiAffinityTerms: weighted(pod, a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    };
  }
  parsed.set(pod, info);
  return info;
}

/** selectorMatches is labels.Selector.Matches where undefined is Nothing(). */
export function selectorMatches(s: Selector | undefined, labels: Record<string, string> | undefined): boolean {
  return s !== undefined && matches(s, labels);
}

/**
 * termMatches is AffinityTerm.Matches: pod is in one of the term's namespaces
 * (or its namespace's labels match the namespace selector) and its labels
 * match the selector.
 */
export function termMatches(term: AffinityTerm, pod: Pod, nsLabels: Record<string, string> | undefined): boolean {
  if (term.namespaces.has(pod.metadata.namespace ?? '') || selectorMatches(term.namespaceSelector, nsLabels)) {
    return selectorMatches(term.selector, pod.metadata.labels);
  }
  return false;
}

/**
 * withNamespaceSelectorMerged is mergeAffinityTermNamespacesIfNotEmpty for an
 * incoming pod's term: a non-empty namespace selector is unrolled into the
 * namespaces it selects now and becomes Nothing(), so matching existing pods
 * needs no namespace lookup. An empty selector (all namespaces) stays.
 */
export function withNamespaceSelectorMerged<T extends AffinityTerm>(term: T, namespaces: () => readonly { metadata: { name?: string; labels?: Record<string, string> } }[]): T {
  if (term.namespaceSelector?.length === 0) return term;
  const merged = new Set(term.namespaces);
  if (term.namespaceSelector !== undefined) for (const ns of namespaces()) if (matches(term.namespaceSelector, ns.metadata.labels)) merged.add(ns.metadata.name ?? '');
  return { ...term, namespaces: merged, namespaceSelector: undefined };
}

/** namespaceLabelsOf is GetNamespaceLabelsSnapshot: the labels of the pod's namespace, none when it is not known. */
export function namespaceLabelsOf(listers: SharedListers | undefined, namespace: string): Record<string, string> | undefined {
  const ns = listers?.namespace(namespace);
  return ns ? { ...(ns.metadata.labels ?? {}) } : undefined;
}

/** mergedInfo is the incoming pod's terms with each namespace selector unrolled into the namespaces it selects now. */
export function mergedInfo(pod: Pod, listers: SharedListers | undefined): PodAffinityInfo {
  const info = affinityInfo(pod);
  const all = () => listers?.namespaces() ?? [];
  return {
    requiredAffinityTerms: info.requiredAffinityTerms.map((t) => withNamespaceSelectorMerged(t, all)),
    requiredAntiAffinityTerms: info.requiredAntiAffinityTerms.map((t) => withNamespaceSelectorMerged(t, all)),
    preferredAffinityTerms: info.preferredAffinityTerms.map((t) => withNamespaceSelectorMerged(t, all)),
    preferredAntiAffinityTerms: info.preferredAntiAffinityTerms.map((t) => withNamespaceSelectorMerged(t, all)),
  };
}

/** podMatchesAllAffinityTerms is true when pod matches every term (and there is at least one); the incoming pod's selectors are merged already, so no namespace labels are needed. */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, undefined)) return false;
  return true;
}
