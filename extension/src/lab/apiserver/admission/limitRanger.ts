/**
 * LimitRanger applies a namespace's LimitRanges (plugin/pkg/admission/limitranger):
 * on admit it fills container requests and limits from each Container item's
 * defaults and records what it set in the `kubernetes.io/limit-ranger`
 * annotation; on validate it enforces min, max and maxLimitRequestRatio per
 * Container, per Pod and per PersistentVolumeClaim.
 */
import type { Container, KubeObject, Pod, ResourceList, Status } from '../../api/types';
import { type Quantity, formatQuantity, quantityMilliValue, quantityValue, toQuantity } from '../../api/quantity';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { admissionForbidden, aggregate } from './errors';
import { LIMIT_RANGER } from './names';
import { type Quantities, podLimits, podRequests, quantities } from './podResources';

/** LimitRangeItem is one entry of a LimitRange's spec.limits. */
export interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

/** LimitRange is the core/v1 object as the plugin reads it. */
export interface LimitRange extends KubeObject {
  spec?: { limits?: LimitRangeItem[] };
}

/** LIMIT_RANGER_ANNOTATION records which requests and limits the plugin set. */
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

/**
 * defaultedItem is SetDefaults_LimitRangeItem, applied on read so a LimitRange
 * stored without its defaults still behaves as upstream's: a Container item's
 * default limit falls back to max, its default request to the default limit, then to min.
 */
export function defaultedItem(item: LimitRangeItem): LimitRangeItem {
  if (item.type !== 'Container') return item;
  const dflt: ResourceList = { ...item.default };
  for (const [k, v] of Object.entries(item.max ?? {})) dflt[k] ??= v;
  const request: ResourceList = { ...item.defaultRequest };
  for (const [k, v] of Object.entries(dflt)) request[k] ??= v;
  for (const [k, v] of Object.entries(item.min ?? {})) request[k] ??= v;
  return { ...item, default: dflt, defaultRequest: request };
}

/** canonical prints a quantity the way the API serialises it (`0.5` is stored as `500m`). */
function canonical(raw: string): string {
  const q = toQuantity(raw);
  return q ? formatQuantity(q) : raw;
}

function mergeContainer(c: Container, requests: ResourceList, limits: ResourceList, kind: string, notes: string[]): void {
  c.resources ??= {};
  const have = c.resources;
  have.limits ??= {};
  have.requests ??= {};
  const setLimits = Object.keys(limits).filter((k) => !(k in have.limits!));
  const setRequests = Object.keys(requests).filter((k) => !(k in have.requests!));
  for (const k of setLimits) have.limits[k] = canonical(limits[k]);
  for (const k of setRequests) have.requests[k] = canonical(requests[k]);
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${kind} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${kind} ${c.name}`);
}

/** defaultPodResources is PodMutateLimitFunc: fills containers' missing requests and limits from the range's Container defaults. */
export function defaultPodResources(range: LimitRange, pod: Pod): void {
  const requests: ResourceList = {};
  const limits: ResourceList = {};
  for (const item of (range.spec?.limits ?? []).map(defaultedItem)) {
    if (item.type !== 'Container') continue;
    Object.assign(requests, item.defaultRequest);
    Object.assign(limits, item.default);
  }
  const notes: string[] = [];
  for (const c of pod.spec?.containers ?? []) mergeContainer(c, requests, limits, 'container', notes);
  for (const c of pod.spec?.initContainers ?? []) mergeContainer(c, requests, limits, 'init container', notes);
  if (!notes.length) return;
  pod.metadata.annotations = { ...pod.metadata.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

const ZERO: Quantity = { nanos: 0n, format: 'DecimalSI' };
/** resource.MaxMilliValue: beyond it MilliValue would overflow, so upstream compares whole units. */
const MAX_MILLI_VALUE = (2n ** 63n - 1n) / 1000n;

/** comparable is requestLimitEnforcedValues: milli-units when all three fit, else whole units. */
function comparable(...qs: Quantity[]): bigint[] {
  const whole = qs.map(quantityValue);
  return whole.every((v) => v <= MAX_MILLI_VALUE) ? qs.map(quantityMilliValue) : whole;
}

function minConstraint(type: string, name: string, enforced: Quantity, request: Quantities, limit: Quantities): string | undefined {
  const req = request[name];
  const lim = limit[name];
  const [r, l, e] = comparable(req ?? ZERO, lim ?? ZERO, enforced);
  if (!req) return `minimum ${name} usage per ${type} is ${formatQuantity(enforced)}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${type} is ${formatQuantity(enforced)}, but request is ${formatQuantity(req)}`;
  if (lim && l < e) return `minimum ${name} usage per ${type} is ${formatQuantity(enforced)}, but limit is ${formatQuantity(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, request: Quantities, limit: Quantities): string | undefined {
  const req = request[name];
  const lim = limit[name];
  const [r, l, e] = comparable(req ?? ZERO, lim ?? ZERO, enforced);
  if (!lim) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}, but limit is ${formatQuantity(lim)}`;
  if (req && r > e) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}, but request is ${formatQuantity(req)}`;
  return undefined;
}

/** maxRequestConstraint checks a max against requests only, for claims whose limits are not user input. */
function maxRequestConstraint(type: string, name: string, enforced: Quantity, request: Quantities): string | undefined {
  const req = request[name];
  const [r, , e] = comparable(req ?? ZERO, ZERO, enforced);
  if (!req) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}.  No request is specified`;
  if (r > e) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}, but request is ${formatQuantity(req)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, request: Quantities, limit: Quantities): string | undefined {
  const req = request[name];
  const lim = limit[name];
  const [r, l] = comparable(req ?? ZERO, lim ?? ZERO, enforced);
  if (!req || r === 0n) return `${name} max limit to request ratio per ${type} is ${formatQuantity(enforced)}, but no request is specified or request is 0`;
  if (!lim || l === 0n) return `${name} max limit to request ratio per ${type} is ${formatQuantity(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  const wholeEnforced = quantityValue(enforced);
  const [scaled, max] = wholeEnforced <= MAX_MILLI_VALUE ? [observed * 1000, Number(quantityMilliValue(enforced))] : [observed, Number(wholeEnforced)];
  if (scaled > max) return `${name} max limit to request ratio per ${type} is ${formatQuantity(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

function enforce(item: LimitRangeItem, type: string, request: Quantities, limit: Quantities, errs: string[]): void {
  const push = (e: string | undefined) => e !== undefined && errs.push(e);
  for (const [k, v] of Object.entries(quantities(item.min))) push(minConstraint(type, k, v, request, limit));
  for (const [k, v] of Object.entries(quantities(item.max))) push(maxConstraint(type, k, v, request, limit));
  for (const [k, v] of Object.entries(quantities(item.maxLimitRequestRatio))) push(ratioConstraint(type, k, v, request, limit));
}

/** podLimitErrors is PodValidateLimitFunc: every violation of the range by the pod's containers and by the pod as a whole. */
export function podLimitErrors(range: LimitRange, pod: Pod): string[] {
  const errs: string[] = [];
  for (const item of (range.spec?.limits ?? []).map(defaultedItem)) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        enforce(item, 'Container', quantities(c.resources?.requests), quantities(c.resources?.limits), errs);
      }
    }
    if (item.type === 'Pod') enforce(item, 'Pod', podRequests(pod, { overhead: false }), podLimits(pod, { overhead: false }), errs);
  }
  return errs;
}

/** PersistentVolumeClaim is the core/v1 object as the plugin reads it. */
interface PersistentVolumeClaim extends KubeObject {
  spec?: { resources?: { requests?: ResourceList } };
}

/** claimLimitErrors is PersistentVolumeClaimValidateLimitFunc: a claim's storage request against min and max. */
export function claimLimitErrors(range: LimitRange, claim: PersistentVolumeClaim): string[] {
  const errs: string[] = [];
  const request = quantities(claim.spec?.resources?.requests);
  for (const item of range.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of Object.entries(quantities(item.min))) {
      const e = minConstraint('PersistentVolumeClaim', k, v, request, {});
      if (e !== undefined) errs.push(e);
    }
    for (const [k, v] of Object.entries(quantities(item.max))) {
      const e = maxRequestConstraint('PersistentVolumeClaim', k, v, request);
      if (e !== undefined) errs.push(e);
    }
  }
  return errs;
}

/** supports is SupportsAttributes plus the skip of objects being deleted. */
function supports(a: Attributes): boolean {
  if (a.type.group !== '' || !a.object) return false;
  const isPod = a.type.kind === 'Pod';
  if (a.oldObject?.metadata.deletionTimestamp) return false;
  if (a.subresource === 'resize') return isPod && a.operation === 'UPDATE';
  if (a.subresource !== '') return false;
  // Containers cannot change on a pod update, so there is nothing to default or check.
  if (isPod) return a.operation === 'CREATE';
  return a.type.kind === 'PersistentVolumeClaim' && (a.operation === 'CREATE' || a.operation === 'UPDATE');
}

function ranges(a: Attributes, ctx: AdmissionContext): readonly LimitRange[] {
  return ctx.cache.list('', 'limitranges', a.namespace);
}

/** limitRanger is the LimitRanger plugin. */
export const limitRanger = {
  name: LIMIT_RANGER,
  admit(a: Attributes, ctx: AdmissionContext): Status | undefined {
    if (!supports(a) || a.type.kind !== 'Pod') return undefined;
    for (const range of ranges(a, ctx)) defaultPodResources(range, a.object as Pod);
    return undefined;
  },
  // Only a pod's LimitRanges default anything.
  mutates: (a: Attributes, ctx: AdmissionContext) => supports(a) && a.type.kind === 'Pod' && ranges(a, ctx).length > 0,
  validate(a: Attributes, ctx: AdmissionContext): Status | undefined {
    if (!supports(a)) return undefined;
    for (const range of ranges(a, ctx)) {
      const errs = a.type.kind === 'Pod' ? podLimitErrors(range, a.object as Pod) : claimLimitErrors(range, a.object as PersistentVolumeClaim);
      if (errs.length) return admissionForbidden(a, aggregate(errs));
    }
    return undefined;
  },
} satisfies AdmissionPlugin;
