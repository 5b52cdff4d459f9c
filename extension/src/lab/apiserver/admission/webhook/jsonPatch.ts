/**
 * jsonPatch applies a webhook's RFC 6902 patch with fast-json-patch and words
 * its failures as the patch library upstream uses (evanphx/json-patch v4) does,
 * since those words reach the user inside the API server's answer.
 */
import { applyPatch, JsonPatchError, type Operation } from 'fast-json-patch';

/** decodePatch is jsonpatch.DecodePatch: the text must be a JSON array of operations. */
export function decodePatch(text: string): Operation[] | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (!Array.isArray(value)) return { error: `json: cannot unmarshal ${value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value} into Go value of type jsonpatch.Patch` };
  return value as Operation[];
}

/** applyJsonPatch returns a patched copy of doc, leaving doc untouched, or the error text of the first operation that fails. */
export function applyJsonPatch<T>(doc: T, ops: readonly Operation[]): { doc: T } | { error: string } {
  try {
    return { doc: applyPatch(doc, ops, true, false).newDocument };
  } catch (err) {
    if (err instanceof JsonPatchError) return { error: describe(err, doc) };
    throw err;
  }
}

const MISSING = 'missing value';

function describe(err: JsonPatchError, doc: unknown): string {
  const op = (err.operation ?? {}) as { op?: string; path?: string; from?: string };
  const path = op.path ?? '';
  switch (err.name) {
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op.op ?? 'unknown'}`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `add operation does not apply: doc is missing path: "${path}": ${MISSING}`;
    case 'OPERATION_PATH_UNRESOLVABLE': {
      const parentExists = resolves(doc, parentOf(path));
      if (op.op === 'remove') return parentExists ? `error in remove for path: '${path}': Unable to remove nonexistent key: ${lastKey(path)}: ${MISSING}` : `remove operation does not apply: doc is missing path: "${path}": ${MISSING}`;
      if (op.op === 'replace') return `replace operation does not apply: doc is missing ${parentExists ? 'key' : 'path'}: ${path}: ${MISSING}`;
      if (op.op === 'test') return `test operation does not apply: is missing path: ${path}: ${MISSING}`;
      return `${op.op ?? ''} operation does not apply: doc is missing destination path: ${path}: ${MISSING}`;
    }
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op.op ?? ''} operation does not apply: doc is missing from path: ${op.from ?? ''}: ${MISSING}`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `error in ${op.op ?? ''} for path: '${path}': Unable to access invalid index: ${lastKey(path)}: invalid index referenced`;
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    default:
      return err.message.split('\n')[0];
  }
}

function parentOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

function lastKey(path: string): string {
  return unescape(path.slice(path.lastIndexOf('/') + 1));
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** resolves reports whether a JSON pointer names a container in doc. */
function resolves(doc: unknown, pointer: string): boolean {
  let cur = doc;
  for (const token of pointer === '' ? [] : pointer.slice(1).split('/').map(unescape)) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, token)) return false;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur !== null && typeof cur === 'object';
}
