/**
 * labels implements label selectors: the structured LabelSelector of objects and
 * the string form of `?labelSelector=` (`app=web,tier in (a,b),!canary`).
 */
import type { LabelSelector, LabelSelectorRequirement } from './types';

/** Requirement is one clause of a parsed selector. */
export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals';
  values: string[];
}

/** Selector matches label sets; the empty selector matches everything. */
export type Selector = readonly Requirement[];

/** matches reports whether labels satisfy every requirement of selector. */
export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      case 'In':
      case 'Equals': return has && r.values.includes(l[r.key]);
      case 'NotIn':
      case 'NotEquals': return !has || !r.values.includes(l[r.key]);
    }
  });
}

/**
 * fromLabelSelector converts a LabelSelector; as metav1.LabelSelectorAsSelector, a
 * missing selector matches nothing (undefined) while an empty one matches everything.
 */
export function fromLabelSelector(ls: LabelSelector | undefined): Selector | undefined {
  if (!ls) return undefined;
  const out: Requirement[] = Object.entries(ls.matchLabels ?? {}).map(([key, v]) => ({ key, operator: 'In', values: [v] }));
  for (const e of ls.matchExpressions ?? ([] as LabelSelectorRequirement[])) {
    out.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  }
  return out;
}

/** selectorMatches is fromLabelSelector + matches; a nil selector matches nothing. */
export function selectorMatches(ls: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const s = fromLabelSelector(ls);
  return s !== undefined && matches(s, labels);
}

/** parseSelector parses the string form; it returns an error message for bad input. */
export function parseSelector(text: string | undefined): Selector | { error: string } {
  const s = (text ?? '').trim();
  if (!s) return [];
  const out: Requirement[] = [];
  for (const part of splitTopLevel(s)) {
    const p = part.trim();
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([\w./-]+)$/.exec(p))) out.push({ key: m[1], operator: 'DoesNotExist', values: [] });
    else if ((m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = m[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
      out.push({ key: m[1], operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p))) {
      out.push({ key: m[1], operator: m[2] === '!=' ? 'NotEquals' : 'Equals', values: [m[3]] });
    } else if ((m = /^([\w./-]+)$/.exec(p))) out.push({ key: m[1], operator: 'Exists', values: [] });
    else return { error: `unable to parse requirement: found '${p}', expected: identifier` };
  }
  return out;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
