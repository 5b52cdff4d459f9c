/**
 * limitRange validates LimitRanges and ResourceQuotas as core/validation's
 * ValidateLimitRange, ValidateResourceQuota, ValidateResourceQuotaUpdate and
 * ValidateResourceQuotaStatusUpdate do (metadata aside).
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, duplicate, forbidden, invalidValue, required } from '../../fieldErrors';
import { arr, has, obj, str, strings } from '../fields';
import { isQualifiedName } from '../labels';
import { type Quantity, cmpQuantity, formatQuantity, roundUp } from '../quantities';
import { isOvercommitAllowed, isStandardQuotaResourceName, quantityOf, validateContainerResourceName, validateResourceName, validateResourceQuantityValue } from './resources';

const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

function validateLimitType(type: string, path: string): FieldError[] {
  const errs = isQualifiedName(type).map((m) => invalidValue(path, type, m));
  if (errs.length) return errs;
  return !type.includes('/') && !LIMIT_TYPES.has(type) ? [invalidValue(path, type, 'must be a standard limit type or fully qualified')] : [];
}

/** Go's %f: six decimals. */
const goFloat = (x: number) => x.toFixed(6);

/** milli is Quantity.MilliValue() as a number (ratios are compared in floating point upstream too). */
function milli(q: Quantity): number {
  const r = roundUp(q, -3);
  return Number(r.value * 10n ** BigInt(r.scale + 3));
}

/** validateLimitRange is ValidateLimitRange: known types and resources, and min ≤ defaultRequest ≤ default ≤ max. */
export function validateLimitRange(lr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  arr(obj(lr.spec).limits).forEach((raw, i) => {
    const limit = obj(raw);
    const p = `spec.limits[${i}]`;
    const type = str(limit.type);
    errs.push(...validateLimitType(type, `${p}.type`));
    if (types.has(type)) errs.push(duplicate(`${p}.type`, type));
    types.add(type);
    const nameCheck = type === 'Pod' || type === 'Container' ? validateContainerResourceName : validateResourceName;
    const lists: Record<string, Map<string, Quantity>> = {};
    const keys = new Set<string>();
    const read = (field: string) => {
      const m = new Map<string, Quantity>();
      for (const [name, value] of Object.entries(obj(limit[field]))) {
        const fp = `${p}.${field}[${name}]`;
        errs.push(...nameCheck(name, fp));
        keys.add(name);
        const q = quantityOf(value, fp, errs);
        if (q) m.set(name, q);
      }
      lists[field] = m;
    };
    read('max');
    read('min');
    if (type === 'Pod') {
      if (Object.keys(obj(limit.default)).length) errs.push(forbidden(`${p}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(obj(limit.defaultRequest)).length) errs.push(forbidden(`${p}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
      lists.default = new Map();
      lists.defaultRequest = new Map();
    } else {
      read('default');
      read('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !('storage' in obj(limit.min)) && !('storage' in obj(limit.max))) {
      errs.push(required(`${p}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    read('maxLimitRequestRatio');
    for (const k of keys) {
      const min = lists.min.get(k);
      const max = lists.max.get(k);
      const def = lists.default.get(k);
      const defReq = lists.defaultRequest.get(k);
      const ratio = lists.maxLimitRequestRatio.get(k);
      const s = (q: Quantity) => formatQuantity(q);
      if (min && max && cmpQuantity(min, max) > 0) errs.push(invalidValue(`${p}.min[${k}]`, s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
      if (defReq && min && cmpQuantity(min, defReq) > 0) errs.push(invalidValue(`${p}.defaultRequest[${k}]`, s(defReq), `min value ${s(min)} is greater than default request value ${s(defReq)}`));
      if (defReq && max && cmpQuantity(defReq, max) > 0) errs.push(invalidValue(`${p}.defaultRequest[${k}]`, s(defReq), `default request value ${s(defReq)} is greater than max value ${s(max)}`));
      if (defReq && def && cmpQuantity(defReq, def) > 0) errs.push(invalidValue(`${p}.defaultRequest[${k}]`, s(defReq), `default request value ${s(defReq)} is greater than default limit value ${s(def)}`));
      if (def && min && cmpQuantity(min, def) > 0) errs.push(invalidValue(`${p}.default[${k}]`, s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
      if (def && max && cmpQuantity(def, max) > 0) errs.push(invalidValue(`${p}.default[${k}]`, s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
      if (ratio && cmpQuantity(ratio, { value: 1n, scale: 0, format: 'DecimalSI' }) < 0) errs.push(invalidValue(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is less than 1`));
      if (ratio && min && max) {
        const limit = milli(max) / milli(min);
        if (milli(ratio) / 1000 > limit) errs.push(invalidValue(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is greater than max/min = ${goFloat(limit)}`));
      }
      if (!isOvercommitAllowed(k) && def && defReq && cmpQuantity(def, defReq) !== 0) {
        errs.push(invalidValue(`${p}.defaultRequest[${k}]`, s(defReq), `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${k}`));
      }
    }
  });
  return errs;
}

const QUOTA_SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass']);
const POD_COMPUTE_RESOURCES = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

/** scopeAppliesTo is IsResourceQuotaScopeValidForResource. */
function scopeAppliesTo(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
      return resource === 'pods' || POD_COMPUTE_RESOURCES.has(resource);
    case 'BestEffort':
      return resource === 'pods';
    default:
      return true;
  }
}

/** validateQuotaResourceName is ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) return [...errs, invalidValue(path, name, 'must be a standard resource for quota')];
  return errs;
}

function validateQuotaList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(obj(list))) {
    const p = `${path}[${name}]`;
    errs.push(...validateQuotaResourceName(name, p));
    const q = quantityOf(value, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}

const CONFLICTING_SCOPES = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']];

/** validateResourceQuotaSpec is ValidateResourceQuotaSpec: hard limits, scopes and the scope selector. */
export function validateResourceQuotaSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs = validateQuotaList(spec.hard, 'spec.hard');
  const hard = Object.keys(obj(spec.hard)).sort();
  const scopes = strings(spec.scopes);
  for (const scope of scopes) {
    if (!QUOTA_SCOPES.has(scope)) errs.push(invalidValue('spec.scopes', scopes, 'unsupported scope'));
    for (const k of hard) if (isStandardQuotaResourceName(k) && !scopeAppliesTo(scope, k)) errs.push(invalidValue('spec.scopes', scopes, 'unsupported scope applied to resource'));
  }
  for (const pair of CONFLICTING_SCOPES) if (pair.every((s) => scopes.includes(s))) errs.push(invalidValue('spec.scopes', scopes, 'conflicting scopes'));
  if (has(spec.scopeSelector)) {
    const p = 'spec.scopeSelector.matchExpressions';
    const seen = new Set<string>();
    for (const raw of arr(obj(spec.scopeSelector).matchExpressions)) {
      const req = obj(raw);
      const scope = str(req.scopeName);
      const operator = str(req.operator);
      const values = arr(req.values);
      if (!QUOTA_SCOPES.has(scope)) errs.push(invalidValue(`${p}.scopeName`, scope, 'unsupported scope'));
      for (const k of hard) if (isStandardQuotaResourceName(k) && !scopeAppliesTo(scope, k)) errs.push(invalidValue(p, spec.scopeSelector, 'unsupported scope applied to resource'));
      if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(scope) && operator !== 'Exists') {
        errs.push(invalidValue(`${p}.operator`, operator, 'must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity'));
      }
      switch (operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(required(`${p}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length) errs.push(invalidValue(`${p}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
          break;
        default:
          errs.push(invalidValue(`${p}.operator`, operator, 'not a valid selector operator'));
      }
      seen.add(scope);
    }
    for (const pair of CONFLICTING_SCOPES) if (pair.every((s) => seen.has(s))) errs.push(invalidValue(p, scopes, 'conflicting scopes'));
  }
  return errs;
}

/** validateResourceQuotaStatus is ValidateResourceQuotaStatus: hard and used are quota resources. */
export function validateResourceQuotaStatus(statusValue: unknown): FieldError[] {
  const status = obj(statusValue);
  return [...validateQuotaList(status.hard, 'status.hard'), ...validateQuotaList(status.used, 'status.used')];
}

/** validateResourceQuotaUpdate is ValidateResourceQuotaUpdate: the spec, and scopes that never change. */
export function validateResourceQuotaUpdate(quota: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateResourceQuotaSpec(quota.spec);
  const scopes = new Set(strings(obj(quota.spec).scopes));
  const oldScopes = new Set(strings(obj(old.spec).scopes));
  if (scopes.size !== oldScopes.size || [...scopes].some((s) => !oldScopes.has(s))) {
    errs.push(invalidValue('spec.scopes', strings(obj(quota.spec).scopes), 'field is immutable'));
  }
  return errs;
}
