/**
 * structs lets defaulting walk untrusted JSON the way Go's defaulters walk
 * structs: a nested struct that is absent (or null) is there, empty, so its
 * defaults apply; a value of the wrong type is left alone for validation to reject.
 */

/** struct returns parent[key] as an object, creating it when absent; undefined when it holds a non-object. */
export function struct<T extends object>(parent: object | undefined, key: string): T | undefined {
  if (!isStruct(parent)) return undefined;
  const p = parent as Record<string, unknown>;
  if (p[key] === undefined || p[key] === null) p[key] = {};
  return isStruct(p[key]) ? (p[key] as T) : undefined;
}

/** isStruct tells a JSON object from a primitive, an array or null. */
export function isStruct(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
