/**
 * celTypes declares a CRD schema's CEL types, as apiextensions-apiserver's
 * model.SchemaDeclType does: objects with properties become object types whose
 * fields are type-checked (`undefined field 'foo'`), maps and lists keep their
 * element types, integers are int and numbers double; int-or-string, nullable and
 * schemaless values are dyn. It also converts JSON values to those types.
 */
import type { Environment } from '../../cel/celJs';
import { toCel } from '../../cel/values';
import type { JSONSchemaProps } from './types';

/** SchemaTypes maps each schema node to its CEL type name within one environment. */
export type SchemaTypes = WeakMap<JSONSchemaProps, string>;

const ROOT_META: JSONSchemaProps = { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } };

/** rootWithMeta is the root schema as CEL sees it: apiVersion, kind and metadata (name, generateName) are always declared. */
export function rootWithMeta(s: JSONSchemaProps): JSONSchemaProps {
  return { ...s, type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: ROOT_META, ...(s.properties ?? {}) } };
}

function isDyn(s: JSONSchemaProps): boolean {
  return s['x-kubernetes-int-or-string'] === true || s.nullable === true || !s.type;
}

/** declareTypes registers the object types under s (named `Object`, `Object.spec` …) in env and records every node's type. */
export function declareTypes(env: Environment, s: JSONSchemaProps, name: string, types: SchemaTypes): string {
  let t: string;
  if (isDyn(s)) {
    t = 'dyn';
  } else if (s.type === 'integer') {
    t = 'int';
  } else if (s.type === 'number') {
    t = 'double';
  } else if (s.type === 'boolean') {
    t = 'bool';
  } else if (s.type === 'string') {
    t = 'string';
  } else if (s.type === 'array') {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    t = `list<${items ? declareTypes(env, items, `${name}.@idx`, types) : 'dyn'}>`;
  } else if (s.properties && Object.keys(s.properties).length > 0) {
    const fields: Record<string, string> = {};
    for (const [k, prop] of Object.entries(s.properties)) fields[k] = declareTypes(env, prop, `${name}.${k}`, types);
    env.registerType(name, { fields });
    t = name;
  } else if (typeof s.additionalProperties === 'object') {
    t = `map<string, ${declareTypes(env, s.additionalProperties, `${name}.@elem`, types)}>`;
  } else {
    t = 'map<string, dyn>';
  }
  types.set(s, t);
  return t;
}

/** toTyped converts a JSON value to the CEL value its schema declares. */
export function toTyped(v: unknown, s: JSONSchemaProps | undefined): unknown {
  if (!s || v === null || isDyn(s)) return toCel(v);
  if (s.type === 'integer') return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    return v.map((x) => toTyped(x, items));
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const prop = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (prop || !s.properties) out[k] = toTyped(x, prop);
    }
    return out;
  }
  return v;
}
