/**
 * pruning drops fields a structural schema does not specify, as
 * apiextensions-apiserver's pruning.PruneWithOptions does, unless the schema says
 * `x-kubernetes-preserve-unknown-fields`, and returns the paths it dropped
 * (`spec.bogus`, `spec.items[0].bogus`) for fieldValidation to report. At the
 * resource root (and in embedded resources) apiVersion, kind and metadata are
 * left alone: ObjectMeta is pruned by its own rules (objectMeta.ts).
 */
import type { JSONSchemaProps } from './types';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** prune removes unknown fields from x in place and returns their paths, sorted as upstream sorts them; isResourceRoot keeps type and object meta. */
export function prune(x: unknown, s: JSONSchemaProps | undefined, isResourceRoot: boolean): string[] {
  const pruned: string[] = [];
  walk(x, s, isResourceRoot, '', pruned);
  return pruned.sort();
}

/** walk is upstream's prune and skipPrune; root marks the resource root, whose type and object meta are kept as an embedded resource's are. */
function walk(x: unknown, s: JSONSchemaProps | undefined, root: boolean, path: string, pruned: string[]): void {
  // Without a schema (below x-kubernetes-preserve-unknown-fields) everything is kept.
  if (!s || x === null || typeof x !== 'object') return;
  // skipPrune: a preserving schema keeps unknown fields here and in its items, yet prunes inside the fields it specifies.
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
  if (Array.isArray(x)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    const itemSchema = preserve && items ? { ...items, 'x-kubernetes-preserve-unknown-fields': true } : items;
    x.forEach((v, i) => walk(v, itemSchema, false, `${path}[${i}]`, pruned));
    return;
  }
  const obj = x as Record<string, unknown>;
  const keepMeta = root || s['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(obj)) {
    if (keepMeta && META_FIELDS.has(k)) continue;
    const at = path ? `${path}.${k}` : k;
    const prop = s.properties?.[k];
    if (prop) walk(obj[k], prop, false, at, pruned);
    else if (typeof s.additionalProperties === 'object') walk(obj[k], s.additionalProperties, false, at, pruned);
    else if (!preserve) {
      pruned.push(at);
      delete obj[k];
    }
  }
}
