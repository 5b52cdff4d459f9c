/**
 * pruning drops fields a structural schema does not specify, as
 * apiextensions-apiserver's pruning.Prune does, unless the schema says
 * `x-kubernetes-preserve-unknown-fields`. At the resource root (and in embedded
 * resources) apiVersion, kind and metadata are always kept.
 */
import type { JSONSchemaProps } from './types';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** prune removes unknown fields from x in place; isResourceRoot keeps type and object meta. */
export function prune(x: unknown, s: JSONSchemaProps | undefined, isResourceRoot: boolean): void {
  // Without a schema (below x-kubernetes-preserve-unknown-fields) everything is kept.
  if (!s || x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    const items = s.items;
    if (items && !Array.isArray(items)) for (const v of x) prune(v, items, false);
    return;
  }
  const obj = x as Record<string, unknown>;
  const keepMeta = isResourceRoot || s['x-kubernetes-embedded-resource'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
  for (const k of Object.keys(obj)) {
    // ObjectMeta is the server's, pruned by its own rules, never by the CRD's schema.
    if (keepMeta && k === 'metadata') continue;
    const prop = s.properties?.[k];
    if (prop) prune(obj[k], prop, prop['x-kubernetes-embedded-resource'] === true);
    else if (typeof s.additionalProperties === 'object') prune(obj[k], s.additionalProperties, false);
    else if (!preserve && !(keepMeta && META_FIELDS.has(k))) delete obj[k];
  }
}
