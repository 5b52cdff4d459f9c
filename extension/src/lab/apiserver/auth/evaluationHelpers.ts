/**
 * evaluationHelpers decide whether one PolicyRule covers a request, as
 * pkg/apis/rbac/v1/evaluation_helpers.go and rbac.go's RuleAllows do, and
 * print a rule as that file's CompactString does.
 */
import { goQuote } from '../patch/goFormat';
import type { PolicyRule } from './rbacTypes';
import type { AuthorizationAttributes } from './types';

/** verbMatches: the rule names the verb, or `*`. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

/** apiGroupMatches: the rule names the group (`""` is core), or `*`. */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

/**
 * resourceMatches compares `resource[/subresource]`: `*` matches anything, an
 * exact name matches, and `*\/sub` matches that subresource of any resource.
 * `pods` alone never grants `pods/log`.
 */
export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combinedResource) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/**
 * resourceNameMatches: a rule without resourceNames covers every name. With
 * names it covers only requests that carry one of them, so never a create or
 * an unfiltered list, whose requests carry no name.
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** nonResourceURLMatches: `*`, the exact path, or a prefix ending in `*` (`/apis/*`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** ruleAllows is RuleAllows: the rule covers the request's verb and its resource or path. */
export function ruleAllows(a: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.isResourceRequest) return nonResourceURLMatches(rule, a.path);
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
}

/** rulesAllow is RulesAllow: some rule covers the request. */
export function rulesAllow(a: AuthorizationAttributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleAllows(a, r));
}

/**
 * compactString is CompactString, the form escalation errors print a rule in:
 * `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`, each list as Go's %q
 * prints a []string and only the lists that are set.
 */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  const field = (name: string, xs: readonly string[] | undefined): void => {
    if (xs?.length) parts.push(`${name}:[${xs.map(goQuote).join(' ')}]`);
  };
  field('APIGroups', r.apiGroups);
  field('Resources', r.resources);
  field('NonResourceURLs', r.nonResourceURLs);
  field('ResourceNames', r.resourceNames);
  field('Verbs', r.verbs);
  return `{${parts.join(', ')}}`;
}
