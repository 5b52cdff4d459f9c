/**
 * fields reads stored objects as the printers need them. Objects arrive as JSON
 * whose fields are mostly optional; a missing or mistyped field reads as Go's
 * zero value, which is what the printer would see after decoding.
 */

/** Obj is a decoded JSON object. */
export type Obj = Record<string, unknown>;

/** isObj reports whether v is a JSON object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** get walks a path of keys; undefined once a step is missing or not an object. */
export function get(v: unknown, ...path: string[]): unknown {
  return walk(v, path);
}

/** walk is get over a path already in an array: the accessors below pass theirs on without spreading it again. */
function walk(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (let i = 0; i < path.length; i++) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[path[i]];
  }
  return cur;
}

/** str is a string field, or '' (Go's zero string). */
export function str(v: unknown, ...path: string[]): string {
  const x = walk(v, path);
  return typeof x === 'string' ? x : '';
}

/** optStr is a *string field: undefined when unset. */
export function optStr(v: unknown, ...path: string[]): string | undefined {
  const x = walk(v, path);
  return typeof x === 'string' ? x : undefined;
}

/** num is a number field, or 0. */
export function num(v: unknown, ...path: string[]): number {
  const x = walk(v, path);
  return typeof x === 'number' ? x : 0;
}

/** optNum is a *int32 field: undefined when unset. */
export function optNum(v: unknown, ...path: string[]): number | undefined {
  const x = walk(v, path);
  return typeof x === 'number' ? x : undefined;
}

/** bool is a bool field, or false. */
export function bool(v: unknown, ...path: string[]): boolean {
  return walk(v, path) === true;
}

/** optBool is a *bool field: undefined when unset. */
export function optBool(v: unknown, ...path: string[]): boolean | undefined {
  const x = walk(v, path);
  return typeof x === 'boolean' ? x : undefined;
}

/** arr is a list field, or []. */
export function arr(v: unknown, ...path: string[]): unknown[] {
  const x = walk(v, path);
  return Array.isArray(x) ? x : [];
}

/** rec is a map field, or {}. */
export function rec(v: unknown, ...path: string[]): Obj {
  const x = walk(v, path);
  return isObj(x) ? x : {};
}

/** strMap is a map[string]string field, or {}. */
export function strMap(v: unknown, ...path: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v, ...path))) if (typeof x === 'string') out[k] = x;
  return out;
}

/** has reports whether a field is set (not missing, not null), as a Go pointer being non-nil. */
export function has(v: unknown, ...path: string[]): boolean {
  const x = walk(v, path);
  return x !== undefined && x !== null;
}

/** conditionStatus is the status of the first condition of the given type, or undefined. */
export function conditionStatus(conditions: readonly unknown[], type: string): string | undefined {
  const c = conditions.find((x) => str(x, 'type') === type);
  return c === undefined ? undefined : str(c, 'status');
}
