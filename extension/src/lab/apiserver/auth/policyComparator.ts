/**
 * policyComparator decides whether one set of rules holds every permission of
 * another, as staging/src/k8s.io/component-helpers/auth/rbac/validation/
 * policy_comparator.go's Covers does, and folds the uncovered remainder back
 * together for the error message as pkg/registry/rbac/validation/
 * policy_compact.go's CompactRules does.
 *
 * Coverage is judged on atoms: each servant rule is broken into one rule per
 * (group, resource, verb, name) or (URL, verb), and an atom is covered when a
 * single owner rule covers it. Owner wildcards are `*` verbs, `*` groups, `*`
 * resources, `*\/sub` for a subresource of any resource, and URLs ending in `*`
 * as prefixes. A `pods/*` owner covers only a `pods/*` atom: Covers compares
 * resource strings and knows no other wildcard.
 */
import type { PolicyRule } from './rbacTypes';

/** breakdownRule is BreakdownRule: rules of one group, resource, verb and at most one name; or one URL and verb. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const subrules: PolicyRule[] = [];
  // The rules checked are not validated yet: any list may be missing.
  const verbs = rule.verbs ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of verbs) {
        if (rule.resourceNames?.length) {
          for (const name of rule.resourceNames) subrules.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          subrules.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  // Non-resource URLs combine only with verbs.
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of verbs) subrules.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return subrules;
}

/** covers is Covers: whether ownerRules hold every permission of servantRules, and the atoms they do not. */
export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing = servantRules.flatMap(breakdownRule).filter((sub) => !ownerRules.some((owner) => ruleCovers(owner, sub)));
  return { covered: missing.length === 0, missing };
}

const hasAll = (set: readonly string[], contains: readonly string[]): boolean => contains.every((x) => set.includes(x));

function resourceCoversAll(setResources: readonly string[], coversResources: readonly string[]): boolean {
  if (setResources.includes('*') || hasAll(setResources, coversResources)) return true;
  for (const path of coversResources) {
    if (setResources.includes(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!setResources.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(ownerPath: string, subPath: string): boolean {
  return ownerPath === subPath || (ownerPath.endsWith('*') && subPath.startsWith(ownerPath.replace(/\*+$/, '')));
}

const nonResourceURLsCoverAll = (set: readonly string[], paths: readonly string[]): boolean => paths.every((p) => set.some((owner) => nonResourceURLCovers(owner, p)));

/** ruleCovers is ruleCovers: whether one owner rule covers one atom from breakdownRule. */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const namesMatch = subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  const verbs = owner.verbs ?? [];
  return (verbs.includes('*') || hasAll(verbs, sub.verbs))
    && ((owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups ?? [], sub.apiGroups ?? []))
    && resourceCoversAll(owner.resources ?? [], sub.resources ?? [])
    && nonResourceURLsCoverAll(owner.nonResourceURLs ?? [], sub.nonResourceURLs ?? [])
    && namesMatch;
}

/**
 * simpleResourceKey is isSimpleResourceRule: a rule of one group, one
 * resource and at most one name, with nothing else set, keyed by those.
 */
function simpleResourceKey(rule: PolicyRule): string | undefined {
  if ((rule.resourceNames?.length ?? 0) > 1 || rule.nonResourceURLs !== undefined) return undefined;
  if (rule.apiGroups?.length !== 1 || rule.resources?.length !== 1) return undefined;
  return JSON.stringify([rule.apiGroups[0], rule.resources[0], rule.resourceNames?.length ? [rule.resourceNames[0]] : []]);
}

/**
 * compactRules is CompactRules: simple resource rules that differ only by verb
 * become one rule with their verbs in order, after the rules it leaves alone.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleResourceKey(rule);
    if (key === undefined) {
      compacted.push(rule);
      continue;
    }
    const existing = simple.get(key);
    // A rule decoded without verbs has none to add to.
    if (existing) existing.verbs = [...(existing.verbs ?? []), ...(rule.verbs ?? [])];
    else simple.set(key, structuredClone(rule));
  }
  return [...compacted, ...simple.values()];
}
