/**
 * downwardAPI validates downward API references (env valueFrom and volume files)
 * as core/validation's validateObjectFieldSelector and
 * validateContainerResourceFieldSelector do, over the field labels
 * ConvertDownwardAPIFieldLabel accepts for v1.
 */
import { type FieldError, invalidValue, notSupported, required } from '../../fieldErrors';
import { obj, str } from '../fields';
import { isQualifiedName } from '../labels';
import { asQuantity, formatQuantity } from '../quantities';

/** ENV_FIELD_PATHS are the downward API fields an environment variable may read. */
export const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
/** VOLUME_FIELD_PATHS are the downward API fields a volume file may show. */
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const CONVERTIBLE_FIELD_PATHS = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy',
  'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

/** splitSubscript is fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']` → path and key. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return [s.slice(0, i), s.slice(i + 2)];
}

/** validateObjectFieldSelector is validateObjectFieldSelector: a downward API fieldRef. */
export function validateObjectFieldSelector(ref: unknown, allowed: readonly string[], path: string): FieldError[] {
  const r = obj(ref);
  const apiVersion = str(r.apiVersion);
  if (!apiVersion) return [required(`${path}.apiVersion`)];
  const fieldPath = str(r.fieldPath);
  if (!fieldPath) return [required(`${path}.fieldPath`)];
  if (apiVersion !== 'v1') return [invalidValue(`${path}.fieldPath`, fieldPath, `error converting fieldPath: unsupported pod version: ${apiVersion}`)];
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const [base, key] = sub;
    if (base === 'metadata.annotations') return isQualifiedName(key.toLowerCase()).map((m) => invalidValue(path, key.toLowerCase(), m));
    if (base === 'metadata.labels') return isQualifiedName(key).map((m) => invalidValue(path, key, m));
    return [invalidValue(`${path}.fieldPath`, fieldPath, `error converting fieldPath: field label does not support subscript: ${fieldPath}`)];
  }
  const internal = fieldPath === 'spec.host' ? 'spec.nodeName' : fieldPath;
  if (!CONVERTIBLE_FIELD_PATHS.has(internal)) return [invalidValue(`${path}.fieldPath`, fieldPath, `error converting fieldPath: field label not supported: ${fieldPath}`)];
  return allowed.includes(internal) ? [] : [notSupported(`${path}.fieldPath`, internal, [...allowed])];
}

const CPU_DIVISORS = new Set(['1m', '1']);
const BYTE_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);

/** validateContainerResourceFieldSelector is validateContainerResourceFieldSelector: a downward API resourceFieldRef. */
export function validateResourceFieldSelector(ref: unknown, path: string, volume: boolean): FieldError[] {
  const r = obj(ref);
  const resource = str(r.resource);
  const errs: FieldError[] = [];
  if (volume && !str(r.containerName)) errs.push(required(`${path}.containerName`));
  else if (!resource) errs.push(required(`${path}.resource`));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
    errs.push(notSupported(`${path}.resource`, resource, RESOURCE_FIELD_PATHS));
  }
  const divisor = asQuantity(r.divisor);
  if (divisor && divisor.value !== 0n) {
    const d = formatQuantity(divisor);
    if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !CPU_DIVISORS.has(d)) {
      errs.push(invalidValue(`${path}.divisor`, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
    } else if ((resource === 'limits.memory' || resource === 'requests.memory') && !BYTE_DIVISORS.has(d)) {
      errs.push(invalidValue(`${path}.divisor`, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"));
    } else if ((resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') && !BYTE_DIVISORS.has(d)) {
      errs.push(invalidValue(`${path}.divisor`, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"));
    }
    if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !BYTE_DIVISORS.has(d)) {
      errs.push(invalidValue(`${path}.divisor`, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"));
    }
  }
  return errs;
}

