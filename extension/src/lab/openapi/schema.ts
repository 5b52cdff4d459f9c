/**
 * schema answers questions about the built-in types' OpenAPI definitions: which model a
 * kind is, each property's type and format, which properties are required, and the patch
 * metadata (`x-kubernetes-patch-strategy`, `x-kubernetes-list-type` …) that strategic merge
 * patch and server-side apply follow. The data is generated (scripts/lib/openapi.mjs) from
 * @kubernetes/client-node's models of upstream's release-1.36 definitions; a model's schema
 * is built from it the first time it is asked for and then kept.
 */
import { openApiData } from './generated/openApiData';

/** PropertySchema is one property's type, as the decoder and the patchers need it. */
export interface PropertySchema {
  /** 'object' with ref = a model; 'map' = JSON object with values `additionalProperties`; 'int-or-string'; 'quantity'; 'any' (RawExtension / JSON). */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'map' | 'int-or-string' | 'quantity' | 'any';
  /** format is upstream's: int32, int64, double, date-time, date-time-micro, byte. */
  format?: string;
  /** ref is the model name when type is 'object'. */
  ref?: string;
  /** items is the element schema when type is 'array'. */
  items?: PropertySchema;
  /** additionalProperties is the value schema when type is 'map'. */
  additionalProperties?: PropertySchema;
  /** patchStrategy is `x-kubernetes-patch-strategy`: merge, retainKeys or "merge,retainKeys". */
  patchStrategy?: string;
  /** patchMergeKey is `x-kubernetes-patch-merge-key`. */
  patchMergeKey?: string;
  /** listType is `x-kubernetes-list-type`. */
  listType?: 'atomic' | 'set' | 'map';
  /** listMapKeys is `x-kubernetes-list-map-keys`. */
  listMapKeys?: string[];
  /** mapType is `x-kubernetes-map-type`. */
  mapType?: 'atomic' | 'granular';
}

/** ModelSchema is one definition: a Go struct's JSON properties. */
export interface ModelSchema {
  /** name is the model's name in @kubernetes/client-node (V1PodSpec, CoreV1Event). */
  name: string;
  /** goName is the Go type name as upstream's errors print it, e.g. DeploymentSpec. */
  goName: string;
  properties: Record<string, PropertySchema>;
  required: string[];
  /** mapType is 'atomic' for structs marked `+structType=atomic` (apply replaces them whole). */
  mapType?: 'atomic';
  /** goTypes are the properties' Go types where the JSON type does not tell them (`v1.Protocol`). */
  goTypes: Record<string, string>;
}

/** The generated JSON's shape: see encodeType in scripts/lib/openapi.mjs. */
interface RawModel {
  p: Record<string, string>;
  r?: string[];
  x?: Record<string, PatchMeta>;
  t?: Record<string, string>;
  m?: 'atomic';
}
type PatchMeta = Pick<PropertySchema, 'patchStrategy' | 'patchMergeKey' | 'listType' | 'listMapKeys' | 'mapType'>;
interface RawData {
  kinds: Record<string, string>;
  models: Record<string, RawModel>;
}

const data = JSON.parse(openApiData) as RawData;
const built = new Map<string, ModelSchema>();
/** Properties without patch metadata share one schema per encoded type. */
const plain = new Map<string, PropertySchema>();

/** modelSchema is the named model's schema, or undefined for an unknown name. */
export function modelSchema(name: string): ModelSchema | undefined {
  let model = built.get(name);
  if (model) return model;
  const raw = data.models[name];
  if (!raw) return undefined;
  const properties: Record<string, PropertySchema> = {};
  for (const [prop, encoded] of Object.entries(raw.p)) {
    const meta = raw.x?.[prop];
    properties[prop] = meta ? Object.freeze({ ...decodeType(encoded), ...meta }) : sharedType(encoded);
  }
  // Schemas are shared by every request: frozen, so no caller can change another's.
  model = Object.freeze({
    name,
    goName: goName(name),
    properties,
    required: raw.r ?? [],
    ...(raw.m ? { mapType: raw.m } : {}),
    goTypes: raw.t ?? {},
  });
  built.set(name, model);
  return model;
}

/** modelForKind is the model of a served kind (`apps`, `v1`, `Deployment` → V1Deployment); '' is the core group. */
export function modelForKind(group: string, version: string, kind: string): string | undefined {
  return data.kinds[`${group}/${version}/${kind}`];
}

/** propertyAt walks a field path of property names from a model; array items and map values are stepped through without a path element. */
export function propertyAt(model: string, path: readonly string[]): PropertySchema | undefined {
  let current: PropertySchema | undefined = { type: 'object', ref: model };
  for (const name of path) {
    while (current.type === 'array' || current.type === 'map') {
      const next: PropertySchema | undefined = current.type === 'array' ? current.items : current.additionalProperties;
      if (!next) return undefined;
      current = next;
    }
    if (current.type !== 'object' || !current.ref) return undefined;
    current = modelSchema(current.ref)?.properties[name];
    if (!current) return undefined;
  }
  return current;
}

/** goName strips the generator's version (and, on name collisions, group) prefix: CoreV1Event → Event. */
export function goName(model: string): string {
  return model.replace(/^(?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '');
}

/** goPackage is the Go package name upstream's errors qualify a model's type with: V1beta1Lease → v1beta1. */
export function goPackage(model: string): string {
  return /V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/.exec(model)?.[0].toLowerCase() ?? '';
}

function sharedType(encoded: string): PropertySchema {
  let schema = plain.get(encoded);
  if (!schema) {
    schema = Object.freeze(decodeType(encoded));
    plain.set(encoded, schema);
  }
  return schema;
}

function decodeType(encoded: string): PropertySchema {
  switch (encoded[0]) {
    case '[': return { type: 'array', items: sharedType(encoded.slice(1)) };
    case '{': return { type: 'map', additionalProperties: sharedType(encoded.slice(1)) };
    case '@': return { type: 'object', ref: encoded.slice(1) };
    default: break;
  }
  const [code, format] = encoded.split(':');
  const withFormat = <T extends PropertySchema>(s: T): T => (format ? { ...s, format } : s);
  switch (code) {
    case 's': return withFormat({ type: 'string' });
    case 'i': return withFormat({ type: 'integer' });
    case 'n': return withFormat({ type: 'number' });
    case 'b': return { type: 'boolean' };
    case 'q': return { type: 'quantity' };
    case 'ios': return { type: 'int-or-string' };
    case '*': return { type: 'any' };
    default: throw new Error(`openapi: unknown encoded type ${encoded}`);
  }
}
