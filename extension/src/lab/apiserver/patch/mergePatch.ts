/**
 * mergePatch applies JSON merge patches (RFC 7386, `application/merge-patch+json`)
 * as upstream's library does (evanphx/json-patch MergePatch): objects merge, a null
 * deletes, anything else replaces, and nulls inside the values a patch brings in are
 * pruned, including inside arrays, except where an object is replaced by a
 * non-object.
 */

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** mergePatch returns target with patch merged in; it does not modify its arguments. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneArray(patch);
  if (!isObject(patch)) return patch;
  return mergeDocs(isObject(target) ? { ...target } : {}, patch);
}

/** applyMergePatch is the library's MergePatch: a null or scalar patch is upstream's "Invalid JSON Patch" (400). */
export function applyMergePatch(doc: JsonObject, patch: unknown): { value: unknown } | { error: string } {
  if (patch === null || (!isObject(patch) && !Array.isArray(patch))) return { error: 'Invalid JSON Patch' };
  return { value: mergePatch(doc, patch) };
}

function mergeDocs(doc: JsonObject, patch: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null || !isObject(cur)) doc[k] = pruneNulls(v);
    else doc[k] = isObject(v) ? mergeDocs({ ...cur }, v) : v;
  }
  return doc;
}

function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return pruneArray(v);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
  return out;
}

function pruneArray(a: readonly unknown[]): unknown[] {
  return a.filter((x) => x !== null).map(pruneNulls);
}
