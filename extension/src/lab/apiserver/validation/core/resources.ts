/**
 * resources validates resource names and quantities as core/validation does:
 * container requests and limits (requests ≤ limits, hugepages, extended
 * resources), quota and limit-range resource names, and the core/helper
 * predicates they rest on.
 */
import { type FieldError, forbidden, invalidValue, required } from '../../fieldErrors';
import { obj } from '../fields';
import { isQualifiedName } from '../labels';
import { type Quantity, asQuantity, cmpQuantity, formatQuantity, isIntegral, parseQuantity } from '../quantities';

const HUGEPAGES_PREFIX = 'hugepages-';
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps',
  'services.nodeports', 'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

/** isHugePageResourceName: `hugepages-2Mi`. */
export const isHugePageResourceName = (name: string) => name.startsWith(HUGEPAGES_PREFIX);
const isQuotaHugePageResourceName = (name: string) => name.startsWith(HUGEPAGES_PREFIX) || name.startsWith(`requests.${HUGEPAGES_PREFIX}`);

/** isNativeResource: unprefixed or in a kubernetes.io/ namespace. */
export const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');

/** isOvercommitAllowed: native and not hugepages, so requests may be below limits. */
export const isOvercommitAllowed = (name: string) => isNativeResource(name) && !isHugePageResourceName(name);

/** isExtendedResourceName: a domain-prefixed name (`example.com/gpu`) that stays qualified as `requests.<name>`. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** isIntegerResourceName: object counts and extended resources, which take whole numbers only. */
export const isIntegerResourceName = (name: string) => INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);

/** isStandardQuotaResourceName is the quota system's list (plus hugepages). */
export const isStandardQuotaResourceName = (name: string) => STANDARD_QUOTA_RESOURCES.has(name) || isQuotaHugePageResourceName(name);

/** validateResourceName is validateResourceName: a qualified name, and a standard one when unprefixed. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalidValue(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isQuotaHugePageResourceName(name)) {
    return [invalidValue(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

/** validateContainerResourceName is validateContainerResourceName: cpu, memory, ephemeral-storage, hugepages or an extended resource. */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) return [...errs, invalidValue(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, invalidValue(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** validateResourceQuantityValue is ValidateResourceQuantityValue: not negative, and whole for integer resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.value < 0n) errs.push(invalidValue(path, formatQuantity(q), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && !isIntegral(q)) errs.push(invalidValue(path, formatQuantity(q), 'must be an integer'));
  return errs;
}

/**
 * quantityOf reads a ResourceList value. A value that is not a quantity never
 * reaches validation upstream (decoding rejects it); here it is reported with the
 * decoder's words so a bad value cannot pass.
 */
export function quantityOf(value: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const q = asQuantity(value);
  if (q) return q;
  const parsed = typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : undefined;
  errs.push(invalidValue(path, value, parsed && 'error' in parsed ? parsed.error : 'must be a quantity'));
  return undefined;
}

/** hugePageSize parses the page size of a hugepages resource name (`hugepages-2Mi` → 2Mi). */
function hugePageSize(name: string): Quantity | undefined {
  return asQuantity(name.slice(HUGEPAGES_PREFIX.length));
}

/**
 * validateResourceRequirements is validateResourceRequirements for a container (or
 * pod overhead): names, values, requests ≤ limits, equal for non-overcommittable
 * resources, and hugepages only beside cpu or memory.
 */
export function validateResourceRequirements(requirements: unknown, path: string, nameCheck = validateContainerResourceName): FieldError[] {
  const r = obj(requirements);
  const errs: FieldError[] = [];
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map<string, Quantity>();
  let limCPUOrMemory = false;
  let reqCPUOrMemory = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(obj(r.limits))) {
    const p = `${limPath}[${name}]`;
    errs.push(...nameCheck(name, p));
    const q = quantityOf(value, p, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) {
      hugePages = true;
      errs.push(...validateHugePageValue(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') limCPUOrMemory = true;
  }
  for (const [name, value] of Object.entries(obj(r.requests))) {
    const p = `${reqPath}[${name}]`;
    errs.push(...nameCheck(name, p));
    const q = quantityOf(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      const c = cmpQuantity(q, limit);
      if (c !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalidValue(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (c > 0) {
        errs.push(invalidValue(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      hugePages = true;
      errs.push(...validateHugePageValue(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') reqCPUOrMemory = true;
  }
  if (!limCPUOrMemory && !reqCPUOrMemory && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

/** validateHugePageValue requires a whole number of pages (AllowIndivisibleHugePagesValues off). */
function validateHugePageValue(name: string, q: Quantity, path: string): FieldError[] {
  const size = hugePageSize(name);
  if (!size || size.value <= 0n) return [];
  // q / size must be a whole number: compare at a common scale.
  const scale = Math.min(q.scale, size.scale);
  const a = q.value * 10n ** BigInt(q.scale - scale);
  const b = size.value * 10n ** BigInt(size.scale - scale);
  return a % b === 0n ? [] : [invalidValue(path, formatQuantity(q), `${formatQuantity(q)} is not positive integer multiple of ${name}`)];
}
