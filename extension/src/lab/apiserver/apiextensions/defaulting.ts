/**
 * defaulting applies a structural schema's `default`s to a custom resource, as
 * apiextensions-apiserver's structuraldefaulting.Default does: a missing field
 * (or a null one that is not nullable) takes a deep copy of its default, then
 * defaulting descends into properties, additionalProperties and items.
 */
import type { JSONSchemaProps } from './types';

/** applyDefaults fills defaults into x in place. */
export function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s || x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    const items = s.items;
    if (items && !Array.isArray(items)) x.forEach((v, i) => {
      if (v === null && items.default !== undefined && !items.nullable) x[i] = structuredClone(items.default);
      applyDefaults(x[i], items);
    });
    return;
  }
  const obj = x as Record<string, unknown>;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default !== undefined && (!(k in obj) || (obj[k] === null && !prop.nullable))) obj[k] = structuredClone(prop.default);
    applyDefaults(obj[k], prop);
  }
  if (typeof s.additionalProperties === 'object') {
    const ap = s.additionalProperties;
    for (const k of Object.keys(obj)) if (!(k in (s.properties ?? {}))) applyDefaults(obj[k], ap);
  }
}
