/**
 * objectMeta prunes a custom resource's ObjectMeta as apiextensions-apiserver's
 * schema/objectmeta does: metadata is decoded into metav1.ObjectMeta
 * (GetObjectMetaWithOptions, strictly when fieldValidation asks for unknown
 * fields) and written back (SetObjectMeta), so fields ObjectMeta lacks are
 * dropped, at the root and in x-kubernetes-embedded-resource objects
 * (CoerceWithOptions). Paths are `metadata.bogus`, `spec.template.metadata.bogus`.
 */
import { type PropertySchema, modelSchema } from '../../openapi/schema';
import type { JSONSchemaProps } from './types';

const OBJECT_META: PropertySchema = { type: 'object', ref: 'V1ObjectMeta' };

/**
 * pruneObjectMeta drops the unknown fields of obj.metadata and returns their paths
 * under parentPath ('' for the root). Metadata is re-marshalled from a Go map before
 * the strict decode, so fields come out in sorted key order at each level.
 */
export function pruneObjectMeta(obj: Record<string, unknown>, parentPath: string): string[] {
  const found: string[] = [];
  dropUnknown(obj.metadata, OBJECT_META, parentPath ? `${parentPath}.metadata` : 'metadata', found);
  return found;
}

/**
 * pruneEmbeddedObjectMeta is CoerceWithOptions below the root: the ObjectMeta of every
 * embedded resource the schema reaches, with field.Path's paths (`spec.templates[a]`
 * for a map value), sorted.
 */
export function pruneEmbeddedObjectMeta(x: unknown, s: JSONSchemaProps): string[] {
  const found: string[] = [];
  coerce(x, s, '', found);
  return found.sort();
}

function coerce(x: unknown, s: JSONSchemaProps | undefined, path: string, found: string[]): void {
  if (!s || x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    x.forEach((v, i) => coerce(v, items, `${path}[${i}]`, found));
    return;
  }
  const obj = x as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (k === 'metadata' && s['x-kubernetes-embedded-resource'] === true) found.push(...pruneObjectMeta(obj, path));
    const prop = s.properties?.[k];
    if (prop) coerce(obj[k], prop, path ? `${path}.${k}` : k, found);
    else if (typeof s.additionalProperties === 'object') coerce(obj[k], s.additionalProperties, `${path}[${k}]`, found);
  }
}

/** dropUnknown is sigs.k8s.io/json's strict decode into the model: unknown fields are recorded by their path and removed; wrongly typed values are left alone. */
function dropUnknown(x: unknown, schema: PropertySchema, path: string, found: string[]): void {
  if (x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    const items = schema.items;
    if (schema.type === 'array' && items) x.forEach((v, i) => dropUnknown(v, items, `${path}[${i}]`, found));
    return;
  }
  const obj = x as Record<string, unknown>;
  const model = schema.type === 'object' && schema.ref ? modelSchema(schema.ref) : undefined;
  const values = schema.type === 'map' ? schema.additionalProperties : undefined;
  for (const k of Object.keys(obj).sort()) {
    const prop = model ? model.properties[k] : values;
    if (prop) dropUnknown(obj[k], prop, `${path}.${k}`, found);
    else if (model) {
      found.push(`${path}.${k}`);
      delete obj[k];
    }
  }
}
