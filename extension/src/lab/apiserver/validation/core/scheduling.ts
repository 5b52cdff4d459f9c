/**
 * scheduling validates what steers a pod to a node, as core/validation does:
 * node and pod affinity (ValidateNodeSelector and the affinity terms),
 * tolerations, node taints, topology spread constraints and scheduling gates.
 */
import { type FieldError, duplicate, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str } from '../fields';
import { isQualifiedName, isValidLabelValue, validateLabelName, validateLabelSelector } from '../labels';
import { isDNS1123Label } from '../names';
import { subdomainName } from '../objectMeta';

/** validateNodeSelectorRequirement is ValidateNodeSelectorRequirement (a node label expression). */
function validateNodeSelectorRequirement(requirement: unknown, allowInvalidValues: boolean, path: string): FieldError[] {
  const r = obj(requirement);
  const values = arr(r.values).map(str);
  const errs: FieldError[] = [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalidValue(`${path}.operator`, str(r.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(r.key), `${path}.key`));
  if (!allowInvalidValues) values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => invalidValue(`${path}.values[${i}]`, v, m))));
  return errs;
}

/** validateNodeFieldSelectorRequirement is ValidateNodeFieldSelectorRequirement: only metadata.name, with one value. */
function validateNodeFieldSelectorRequirement(requirement: unknown, path: string): FieldError[] {
  const r = obj(requirement);
  const values = arr(r.values).map(str);
  const errs: FieldError[] = [];
  if (r.operator === 'In' || r.operator === 'NotIn') {
    if (values.length !== 1) errs.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalidValue(`${path}.operator`, str(r.operator), 'not a valid selector operator'));
  }
  if (r.key !== 'metadata.name') errs.push(invalidValue(`${path}.key`, str(r.key), 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...subdomainName(v, false).map((m) => invalidValue(`${path}.values[${i}]`, v, m))));
  return errs;
}

function validateNodeSelectorTerm(term: unknown, allowInvalidValues: boolean, path: string): FieldError[] {
  const t = obj(term);
  return [
    ...arr(t.matchExpressions).flatMap((r, i) => validateNodeSelectorRequirement(r, allowInvalidValues, `${path}.matchExpressions[${i}]`)),
    ...arr(t.matchFields).flatMap((r, i) => validateNodeFieldSelectorRequirement(r, `${path}.matchFields[${i}]`)),
  ];
}

/** validateNodeSelector is ValidateNodeSelector: at least one term (pods' required node affinity, volumes' node affinity). */
export function validateNodeSelector(selector: unknown, path: string): FieldError[] {
  const terms = arr(obj(selector).nodeSelectorTerms);
  if (terms.length === 0) return [required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, false, `${path}.nodeSelectorTerms[${i}]`));
}

function validateWeight(weight: unknown, path: string): FieldError[] {
  const w = num(weight);
  return w <= 0 || w > 100 ? [invalidValue(path, w, 'must be in the range 1-100')] : [];
}

function validateLabelKeys(keys: unknown, selector: unknown, path: string): FieldError[] {
  const list = arr(keys).map(str);
  if (list.length === 0) return [];
  if (!has(selector)) return [forbidden(path, 'must not be specified when labelSelector is not set')];
  return list.flatMap((k, i) => validateLabelName(k, `${path}[${i}]`));
}

/** validatePodAffinityTerm is validatePodAffinityTerm. */
function validatePodAffinityTerm(term: unknown, path: string): FieldError[] {
  const t = obj(term);
  const errs = [...validateLabelSelector(t.labelSelector, `${path}.labelSelector`), ...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`)];
  // Upstream names a bad namespace by `namespace`, not `namespaces`.
  for (const ns of arr(t.namespaces).map(str)) errs.push(...isDNS1123Label(ns).map((m) => invalidValue(`${path}.namespace`, ns, m)));
  errs.push(...validateLabelKeys(t.matchLabelKeys, t.labelSelector, `${path}.matchLabelKeys`));
  errs.push(...validateLabelKeys(t.mismatchLabelKeys, t.labelSelector, `${path}.mismatchLabelKeys`));
  const selector = obj(t.labelSelector);
  if (has(t.labelSelector)) {
    const matchKeys = arr(t.matchLabelKeys).map(str);
    const selectorKeys = new Set(Object.keys(obj(selector.matchLabels)));
    for (const e of arr(selector.matchExpressions)) {
      const key = str(obj(e).key);
      const i = matchKeys.lastIndexOf(key);
      if (i >= 0 && selectorKeys.has(key)) errs.push(invalidValue(`${path}[${i}]`, key, 'exists in both matchLabelKeys and labelSelector'));
      selectorKeys.add(key);
    }
  }
  const mismatch = new Set(arr(t.mismatchLabelKeys).map(str));
  arr(t.matchLabelKeys).map(str).forEach((k, i) => {
    if (mismatch.has(k)) errs.push(invalidValue(`${path}.matchLabelKeys[${i}]`, k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  const topologyKey = str(t.topologyKey);
  if (!topologyKey) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  return [...errs, ...validateLabelName(topologyKey, `${path}.topologyKey`)];
}

function validatePodAffinity(affinity: unknown, path: string): FieldError[] {
  const a = obj(affinity);
  return [
    ...arr(a.requiredDuringSchedulingIgnoredDuringExecution).flatMap((t, i) => validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    ...arr(a.preferredDuringSchedulingIgnoredDuringExecution).flatMap((raw, i) => {
      const w = obj(raw);
      const p = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      return [...validateWeight(w.weight, `${p}.weight`), ...validatePodAffinityTerm(w.podAffinityTerm, `${p}.podAffinityTerm`)];
    }),
  ];
}

/** validateAffinity is validateAffinity: node affinity, pod affinity and pod anti-affinity. */
export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  if (!has(affinity)) return [];
  const a = obj(affinity);
  const errs: FieldError[] = [];
  if (has(a.nodeAffinity)) {
    const na = obj(a.nodeAffinity);
    const p = `${path}.nodeAffinity`;
    if (has(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, `${p}.requiredDuringSchedulingIgnoredDuringExecution`));
    }
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
      const term = obj(raw);
      const tp = `${p}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(term.weight, `${tp}.weight`));
      // Preferred terms may name label values that are not valid: they can still match.
      errs.push(...validateNodeSelectorTerm(term.preference, true, `${tp}.preference`));
    });
  }
  if (has(a.podAffinity)) errs.push(...validatePodAffinity(a.podAffinity, `${path}.podAffinity`));
  if (has(a.podAntiAffinity)) errs.push(...validatePodAffinity(a.podAntiAffinity, `${path}.podAntiAffinity`));
  return errs;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateTaintEffect is validateTaintEffect. */
function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): FieldError[] {
  if (!allowEmpty && effect === '') return [required(path)];
  return TAINT_EFFECTS.includes(effect) ? [] : [notSupported(path, effect, TAINT_EFFECTS)];
}

/** validateTolerations is ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(tolerations).forEach((raw, i) => {
    const t = obj(raw);
    const p = `${path}[${i}]`;
    const key = str(t.key);
    const operator = str(t.operator);
    const value = str(t.value);
    const effect = str(t.effect);
    if (key) errs.push(...validateLabelName(key, `${p}.key`));
    if (!key && operator !== 'Exists') {
      errs.push(invalidValue(`${p}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (has(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(invalidValue(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(value);
        if (msgs.length) errs.push(invalidValue(`${p}.operator`, value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value) errs.push(invalidValue(`${p}.operator`, value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${p}.operator`, operator, ['Equal', 'Exists']));
    }
    if (effect) errs.push(...validateTaintEffect(effect, true, `${p}.effect`));
  });
  return errs;
}

/** validateNodeTaints is validateNodeTaints: label keys and values, a real effect, unique key/effect pairs. */
export function validateNodeTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(taints).forEach((raw, i) => {
    const t = obj(raw);
    const p = `${path}[${i}]`;
    const key = str(t.key);
    const value = str(t.value);
    const effect = str(t.effect);
    errs.push(...validateLabelName(key, `${p}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(invalidValue(`${p}.value`, value, msgs.join(';')));
    errs.push(...validateTaintEffect(effect, false, `${p}.effect`));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) errs.push({ type: 'FieldValueDuplicate', field: p, value: raw, detail: 'taints must be unique by key and effect pair' });
    else seen.add(id);
  });
  return errs;
}

const SCHEDULE_ACTIONS = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'];

/** validateTopologySpreadConstraints is validateTopologySpreadConstraints. */
export function validateTopologySpreadConstraints(constraints: unknown, path: string): FieldError[] {
  const list = arr(constraints).map(obj);
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const maxSkew = num(c.maxSkew);
    if (maxSkew <= 0) errs.push(invalidValue(`${p}.maxSkew`, maxSkew, 'must be greater than zero'));
    const key = str(c.topologyKey);
    if (!key) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    const action = str(c.whenUnsatisfiable);
    if (!SCHEDULE_ACTIONS.includes(action)) errs.push(notSupported(`${p}.whenUnsatisfiable`, action, SCHEDULE_ACTIONS));
    if (list.slice(i + 1).some((o) => str(o.topologyKey) === key && str(o.whenUnsatisfiable) === action)) {
      errs.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${action}}`));
    }
    if (has(c.minDomains)) {
      const min = num(c.minDomains);
      if (min <= 0) errs.push(invalidValue(`${p}.minDomains`, min, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') errs.push(invalidValue(`${p}.minDomains`, min, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (has(c[f]) && !NODE_INCLUSION_POLICIES.includes(str(c[f]))) errs.push(notSupported(`${p}.${f}`, c[f], NODE_INCLUSION_POLICIES));
    }
    const matchKeys = arr(c.matchLabelKeys).map(str);
    if (matchKeys.length) {
      if (!has(c.labelSelector)) errs.push(forbidden(`${p}.matchLabelKeys`, 'must not be specified when labelSelector is not set'));
      const selector = obj(c.labelSelector);
      const selectorKeys = new Set([...Object.keys(obj(selector.matchLabels)), ...arr(selector.matchExpressions).map((e) => str(obj(e).key))]);
      matchKeys.forEach((k, j) => {
        errs.push(...validateLabelName(k, `${p}.matchLabelKeys[${j}]`));
        if (selectorKeys.has(k)) errs.push(invalidValue(`${p}.matchLabelKeys[${j}]`, k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}

/** validateSchedulingGates is validateSchedulingGates: qualified, unique names. */
export function validateSchedulingGates(gates: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(gates).forEach((raw, i) => {
    const name = str(obj(raw).name);
    errs.push(...isQualifiedName(name).map((m) => invalidValue(`${path}[${i}]`, name, m)));
    if (seen.has(name)) errs.push(duplicate(`${path}[${i}]`, name));
    seen.add(name);
  });
  return errs;
}
