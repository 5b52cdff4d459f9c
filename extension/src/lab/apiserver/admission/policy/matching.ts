/**
 * matching decides whether a request falls under a policy's matchConstraints or
 * a binding's matchResources, as the generic policy matcher
 * (k8s.io/apiserver/pkg/admission/plugin/policy/matching) does: resource rules
 * and exclusions by group, version, resource/subresource, operation, scope and
 * name, then the namespace and object label selectors.
 */
import type { KubeObject } from '../../../api/types';
import { selectorMatches } from '../../../api/labels';
import type { Attributes } from '../admission';
import type { MatchResources, NamedRuleWithOperations } from './types';

const has = (list: readonly string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(patterns: readonly string[] | undefined, resource: string, subresource: string): boolean {
  const full = subresource ? `${resource}/${subresource}` : resource;
  return (patterns ?? []).some((p) => {
    if (p === '*/*' || p === full) return true;
    if (p === '*') return !subresource;
    const [r, s] = p.split('/');
    return s !== undefined && ((r === '*' && s === subresource) || (r === resource && s === '*' && !!subresource));
  });
}

/** ruleMatches is one NamedRuleWithOperations against the request. */
export function ruleMatches(rule: NamedRuleWithOperations, a: Attributes): boolean {
  if (!has(rule.operations, a.operation)) return false;
  if (!has(rule.apiGroups, a.type.group) || !has(rule.apiVersions, a.type.version)) return false;
  if (!resourceMatches(rule.resources, a.type.resource, a.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && a.type.namespaced) return false;
  if (scope === 'Namespaced' && !a.type.namespaced) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
}

function labelsOf(o: KubeObject | undefined): Record<string, string> | undefined {
  return o?.metadata?.labels;
}

/** matchesResources applies a MatchResources; namespace is the request namespace's object, when there is one. */
export function matchesResources(m: MatchResources | undefined, a: Attributes, namespace: KubeObject | undefined): boolean {
  if (!m) return true;
  // No resourceRules does not narrow the match: a binding without them covers all its policy matches.
  if (m.resourceRules?.length && !m.resourceRules.some((r) => ruleMatches(r, a))) return false;
  if ((m.excludeResourceRules ?? []).some((r) => ruleMatches(r, a))) return false;
  if (m.namespaceSelector && (m.namespaceSelector.matchLabels || m.namespaceSelector.matchExpressions?.length)) {
    // A Namespace is matched by its own labels; cluster-scoped objects always match (upstream's namespace matcher).
    const isNamespace = a.type.group === '' && a.type.resource === 'namespaces';
    const labels = isNamespace ? labelsOf(a.object ?? a.oldObject) : labelsOf(namespace);
    if ((isNamespace || a.namespace) && !selectorMatches(m.namespaceSelector, labels)) return false;
  }
  if (m.objectSelector && (m.objectSelector.matchLabels || m.objectSelector.matchExpressions?.length)) {
    const sel = m.objectSelector;
    if (!selectorMatches(sel, labelsOf(a.object)) && !selectorMatches(sel, labelsOf(a.oldObject))) return false;
  }
  return true;
}
