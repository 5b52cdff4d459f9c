/**
 * jsonPatch applies an RFC 6902 JSON patch with the semantics of the library
 * upstream's API server uses (gopkg.in/evanphx/json-patch.v4), quirks included:
 * `replace` of a missing object key adds it, `copy` from a missing object key
 * copies null, a `test` of a missing key against null passes, negative array
 * indexes count from the end, and a null on the way to a path is a missing path.
 * fast-json-patch follows the RFC strictly instead, so it would accept and reject
 * different patches than a real cluster does.
 */
import { goJsonKind, goQuote } from './goFormat';

/** JsonPatchOperation is one decoded operation: op, path, from, value. */
export interface JsonPatchOperation {
  [field: string]: unknown;
}

/** decodeJsonPatch checks the body's shape as upstream decodes it; strict is fieldValidation Warn or Strict, which decode into []handlers.jsonPatchOp first. */
export function decodeJsonPatch(body: unknown, strict: boolean): { ops: JsonPatchOperation[] } | { error: string } {
  if (body === null) return { ops: [] };
  if (!Array.isArray(body)) {
    return { error: strict ? `error decoding patch: json: cannot unmarshal ${goJsonKind(body)} into Go value of type []handlers.jsonPatchOp` : `json: cannot unmarshal ${goJsonKind(body)} into Go value of type jsonpatch.Patch` };
  }
  for (const op of body) {
    if (op === null) continue;
    if (typeof op !== 'object' || Array.isArray(op)) {
      return { error: strict ? `error decoding patch: json: cannot unmarshal ${goJsonKind(op)} into Go value of type handlers.jsonPatchOp` : `json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation` };
    }
    if (strict) {
      for (const field of ['op', 'path', 'from']) {
        const v = (op as JsonPatchOperation)[field];
        if (v !== undefined && v !== null && typeof v !== 'string') return { error: `error decoding patch: json: cannot unmarshal ${goJsonKind(v)} into Go struct field jsonPatchOp.${field} of type string` };
      }
    }
  }
  return { ops: body.map((op) => (op ?? {}) as JsonPatchOperation) };
}

type Container = Record<string, unknown> | unknown[];

class PatchError extends Error {}

/** applyJsonPatch applies ops to doc (which it mutates) and returns the result, or the library's error text. */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOperation[]): { doc: unknown } | { error: string } {
  const root = { doc };
  try {
    for (const op of ops) apply(root, op);
    return { doc: root.doc };
  } catch (err) {
    if (err instanceof PatchError) return { error: err.message };
    throw err;
  }
}

function stringField(op: JsonPatchOperation, field: 'path' | 'from', verb: string): string {
  const v = op[field];
  if (typeof v !== 'string') throw new PatchError(`${verb} operation failed to decode ${field}: operation missing ${field} field: missing value`);
  return v;
}

/** value is the operation's value; an absent value is a null node, as the library's nil node is. */
function value(op: JsonPatchOperation): unknown {
  return op.value === undefined ? null : structuredClone(op.value);
}

function apply(root: { doc: unknown }, op: JsonPatchOperation): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path', 'add');
      const [con, key] = findObject(root.doc, path, 'add');
      add(con, key, value(op), path);
      return;
    }
    case 'remove': {
      const path = stringField(op, 'path', 'remove');
      const [con, key] = findObject(root.doc, path, 'remove');
      remove(con, key, path);
      return;
    }
    case 'replace': {
      const path = stringField(op, 'path', 'replace');
      if (path === '') {
        const v = value(op);
        if (typeof v !== 'object' || v === null) throw new PatchError('replace operation value must be object or array');
        root.doc = v;
        return;
      }
      const [con, key] = findObject(root.doc, path, 'replace');
      if (Array.isArray(con)) arrayIndex(con, key, false);
      set(con, key, value(op));
      return;
    }
    case 'move': {
      const from = stringField(op, 'from', 'move');
      const [src, srcKey] = findObject(root.doc, from, 'move', 'from ');
      const v = get(src, srcKey);
      remove(src, srcKey, srcKey);
      const path = stringField(op, 'path', 'move');
      const [dst, dstKey] = findObject(root.doc, path, 'move', 'destination ');
      add(dst, dstKey, v, path);
      return;
    }
    case 'copy': {
      const from = stringField(op, 'from', 'copy');
      const [src, srcKey] = findObject(root.doc, from, 'copy', 'from ');
      const v = get(src, srcKey);
      const path = stringField(op, 'path', 'copy');
      const [dst, dstKey] = findObject(root.doc, path, 'copy', 'destination ');
      add(dst, dstKey, structuredClone(v ?? null), path);
      return;
    }
    case 'test': {
      const path = stringField(op, 'path', 'test');
      const expected = op.value;
      if (path === '') {
        if (!jsonEqual(root.doc, expected)) throw new PatchError(`testing value ${path} failed: test failed`);
        return;
      }
      const [con, key] = findObject(root.doc, path, 'test');
      const actual = get(con, key);
      const passes = actual === undefined || actual === null ? expected === undefined || expected === null : expected !== undefined && jsonEqual(actual, expected);
      if (!passes) throw new PatchError(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      throw new PatchError(`Unexpected kind: ${kind}`);
  }
}

function decodeKey(k: string): string {
  return k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** findObject walks to the container of path's last step; a missing, null or scalar step is a missing path. */
function findObject(doc: unknown, path: string, verb: string, which = ''): [Container, string] {
  const parts = path.split('/');
  const missing = (): PatchError => new PatchError(`${verb} operation does not apply: doc is missing ${which}path: ${verb === 'add' || verb === 'remove' ? goQuote(path) : path}: missing value`);
  if (parts.length < 2 || typeof doc !== 'object' || doc === null) throw missing();
  let con = doc as Container;
  for (const part of parts.slice(1, -1)) {
    let next: unknown;
    try {
      next = get(con, decodeKey(part));
    } catch {
      throw missing();
    }
    if (typeof next !== 'object' || next === null) throw missing();
    con = next as Container;
  }
  return [con, decodeKey(parts[parts.length - 1])];
}

/** arrayIndex is strconv.Atoi plus the library's bounds and negative-index rules; forInsert allows one past the end. */
function arrayIndex(arr: unknown[], key: string, forInsert: boolean): number {
  if (!/^[+-]?\d+$/.test(key)) throw new PatchError(`strconv.Atoi: parsing ${goQuote(key)}: invalid syntax`);
  let idx = Number(key);
  const size = forInsert ? arr.length + 1 : arr.length;
  if (idx >= size || idx < -size) throw new PatchError(`Unable to access invalid index: ${idx}: invalid index referenced`);
  if (idx < 0) idx += size;
  return idx;
}

function get(con: Container, key: string): unknown {
  if (Array.isArray(con)) return con[arrayIndex(con, key, false)];
  return Object.hasOwn(con, key) ? con[key] : undefined;
}

function set(con: Container, key: string, v: unknown): void {
  if (Array.isArray(con)) con[arrayIndex(con, key, false)] = v;
  else con[key] = v;
}

function add(con: Container, key: string, v: unknown, path: string): void {
  if (!Array.isArray(con)) {
    con[key] = v;
    return;
  }
  if (key === '-') {
    con.push(v);
    return;
  }
  try {
    con.splice(arrayIndex(con, key, true), 0, v);
  } catch (err) {
    throw new PatchError(`error in add for path: '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
}

function remove(con: Container, key: string, path: string): void {
  if (Array.isArray(con)) {
    con.splice(arrayIndex(con, key, false), 1);
    return;
  }
  if (!Object.hasOwn(con, key)) throw new PatchError(`error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`);
  delete con[key];
}

/** jsonEqual is the library's structural equality of JSON documents. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (typeof a === 'object' && a !== null) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const bo = b as Record<string, unknown>;
    return ka.length === Object.keys(bo).length && ka.every((k) => Object.hasOwn(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]));
  }
  return false;
}
