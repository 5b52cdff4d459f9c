/**
 * labelSelector prints a metav1.LabelSelector as the printers do: through
 * metav1.LabelSelectorAsSelector and labels.Selector.String()
 * (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go, pkg/labels/selector.go):
 * requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`.
 */
import { isQualifiedName, isValidLabelValue } from '../validation/labels';
import { arr, isObj, str, strMap } from './fields';
import { goStringLess } from './format';

interface Requirement {
  key: string;
  operator: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** newRequirement is labels.NewRequirement's validation; undefined when the requirement is invalid. */
function newRequirement(key: string, operator: Requirement['operator'], values: string[]): Requirement | undefined {
  if (isQualifiedName(key).length > 0) return undefined;
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) return undefined;
  if (operator === 'Equals' && values.length !== 1) return undefined;
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length !== 0) return undefined;
  if (values.some((v) => isValidLabelValue(v).length > 0)) return undefined;
  return { key, operator, values };
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'Exists': return r.key;
    case 'DoesNotExist': return `!${r.key}`;
    case 'Equals': return `${r.key}=${r.values[0]}`;
    case 'In':
    case 'NotIn': {
      const values = r.values.length === 1 ? r.values[0] : [...r.values].sort(goStringLess).join(',');
      return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${values})`;
    }
  }
}

const OPERATORS: Record<string, Requirement['operator']> = { In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist' };

/**
 * labelSelectorString is LabelSelectorAsSelector(sel).String(): '' for a nil or
 * empty selector, undefined when the selector does not convert.
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isObj(selector)) return '';
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(strMap(selector, 'matchLabels'))) {
    const r = newRequirement(key, 'Equals', [value]);
    if (!r) return undefined;
    reqs.push(r);
  }
  for (const expr of arr(selector, 'matchExpressions')) {
    const op = OPERATORS[str(expr, 'operator')];
    if (!op) return undefined;
    const r = newRequirement(str(expr, 'key'), op, arr(expr, 'values').filter((v): v is string => typeof v === 'string'));
    if (!r) return undefined;
    reqs.push(r);
  }
  return reqs.sort((a, b) => goStringLess(a.key, b.key)).map(requirementString).join(',');
}

/** formatLabelSelector is metav1.FormatLabelSelector: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}
