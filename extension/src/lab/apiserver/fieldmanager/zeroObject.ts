/**
 * zeroObject is the JSON of a kind's Go zero value, which upstream compares a new
 * object against on create (and before a first apply). It matters for managedFields'
 * `".": {}` markers: a struct already present in the zero value (a non-pointer field
 * such as spec.template) is not "added" as a whole, so it gets none. OpenAPI does not
 * say which fields are pointers: a required field (no omitempty) is present, and of
 * the optional ones the non-pointer structs are listed here.
 */
import { modelSchema, type PropertySchema } from '../../openapi/schema';

/** Optional struct fields that are Go values, not pointers, by `GoType.field`; metadata, spec and status are values everywhere. */
const VALUE_STRUCTS = new Set([
  'Container.resources', 'EphemeralContainer.resources', 'DeploymentSpec.strategy', 'StatefulSetSpec.updateStrategy',
  'DaemonSetSpec.updateStrategy', 'ReplicaSetSpec.template', 'ServiceStatus.loadBalancer', 'IngressStatus.loadBalancer',
  'NodeStatus.daemonEndpoints', 'NodeStatus.nodeInfo', 'NodeDaemonEndpoints.kubeletEndpoint', 'PersistentVolumeClaimSpec.resources',
]);
const ALWAYS_VALUES = new Set(['metadata', 'spec', 'status']);
/** Optional non-pointer metav1.Time fields, which encode as null when zero. */
const NULL_TIMES = new Set(['ObjectMeta.creationTimestamp']);

const cache = new Map<string, Record<string, unknown>>();

/** zeroObject is the zero value of the named model; callers must not mutate it. */
export function zeroObject(model: string | undefined): Record<string, unknown> {
  if (!model) return {};
  let zero = cache.get(model);
  if (!zero) {
    zero = zeroStruct(model, 0);
    cache.set(model, zero);
  }
  return zero;
}

function zeroStruct(name: string, depth: number): Record<string, unknown> {
  const model = modelSchema(name);
  if (!model || depth > 8) return {};
  const out: Record<string, unknown> = {};
  for (const [field, p] of Object.entries(model.properties)) {
    if (p.type === 'object' && p.ref && (ALWAYS_VALUES.has(field) || VALUE_STRUCTS.has(`${model.goName}.${field}`) || model.required.includes(field))) {
      out[field] = zeroStruct(p.ref, depth + 1);
    } else if (model.required.includes(field) || NULL_TIMES.has(`${model.goName}.${field}`)) {
      out[field] = zeroScalar(p);
    }
  }
  return out;
}

function zeroScalar(p: PropertySchema): unknown {
  switch (p.type) {
    case 'string': return p.format === 'date-time' ? null : '';
    case 'integer':
    case 'number': return 0;
    case 'boolean': return false;
    default: return null;
  }
}
