/**
 * strategicMergePatch applies `application/strategic-merge-patch+json` as
 * StrategicMergeMapPatch does (apimachinery/pkg/util/strategicpatch/patch.go): a
 * merge patch whose lists with patchStrategy merge are merged item by item on their
 * patch merge key (primitive lists as sets), with the directives `$patch:
 * replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
 * `$setElementOrder/<field>`. Nulls delete. It mutates its arguments, as upstream's does.
 */
import { goSprint, goTypeName } from './goFormat';
import { findMapInList, isMap, normalizeElementOrder, partition, sliceElementType } from './elementOrder';
import type { PatchSchema } from './patchMeta';
import { SmpError, badArgType, badPatchFormatForPrimitiveList, badPatchFormatForRetainKeys, badPatchFormatForSetElementOrderList, badPatchType, noMergeKey } from './smpErrors';

type JsonMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** strategicMergeMapPatch merges patch into original following schema's patch metadata; it throws SmpError. */
export function strategicMergeMapPatch(original: JsonMap, patch: JsonMap, schema: PatchSchema): JsonMap {
  return mergeMap(original, patch, schema);
}

function mergeMap(original: JsonMap | undefined, patch: JsonMap, schema: PatchSchema): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) return handleDirective(patch[DIRECTIVE], patch);
  const target = original ?? {};
  applyRetainKeys(target, patch);
  mergePatchIntoOriginal(target, patch, schema);
  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete target[k];
      continue;
    }
    if (!Object.hasOwn(target, k)) {
      if (!isDeleteList) target[k] = patchV;
      continue;
    }
    const cur = target[k];
    if (goTypeName(cur) !== goTypeName(patchV)) {
      if (!isDeleteList) target[k] = patchV;
    } else if (isMap(cur) && isMap(patchV)) {
      const [sub, meta] = schema.lookupStruct(k);
      target[k] = retainKeysStrategy(meta.strategies) === 'replace' ? patchV : mergeMap(cur, patchV, sub);
    } else if (Array.isArray(cur) && Array.isArray(patchV)) {
      const [sub, meta] = schema.lookupSlice(k);
      target[k] = retainKeysStrategy(meta.strategies) === 'merge' ? mergeSlice(cur, patchV, sub, meta.mergeKey, isDeleteList) : patchV;
    } else {
      target[k] = patchV;
    }
  }
  return target;
}

function handleDirective(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw badPatchType(directive, patch);
}

/** retainKeysStrategy is extractRetainKeysPatchStrategy: the strategy other than retainKeys. */
function retainKeysStrategy(strategies: readonly string[]): string {
  switch (strategies.length) {
    case 0: return '';
    case 1: return strategies[0] === 'retainKeys' ? '' : strategies[0];
    case 2:
      if (strategies[0] === 'retainKeys') return strategies[1];
      if (strategies[1] === 'retainKeys') return strategies[0];
      break;
    default: break;
  }
  throw new SmpError('server', `unexpected patch strategy: ${goSprint(strategies)}`);
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? badPatchFormatForPrimitiveList() : badPatchFormatForSetElementOrderList();
  }
  return s.slice(slash + 1);
}

/** applyRetainKeys clears the original's fields the $retainKeys list does not name, after checking the patch sets only those. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badPatchFormatForRetainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** mergePatchIntoOriginal merges each list that has a $setElementOrder and orders it by that list. */
function mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Object.hasOwn(patch, key)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('list', order);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const originalList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(originalList)) throw badArgType('list', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw badArgType('list', patchList);
    const originalValue = (originalList ?? []) as unknown[];
    const patchValue = (patchList ?? []) as unknown[];
    const [sub, meta] = schema.lookupSlice(field);
    const strategy = retainKeysStrategy(meta.strategies);
    validatePatchWithSetOrderList(patchValue, order, meta.mergeKey);
    let merged: unknown[];
    if (foundOriginal && foundPatch) merged = strategy === 'merge' ? mergeSlice(originalValue, patchValue, sub, meta.mergeKey, false) : patchValue;
    else if (foundOriginal) merged = originalValue;
    else if (foundPatch) merged = patchValue;
    else continue;
    const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey);
    const kind = sliceElementType(originalValue, patchValue);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, originalValue, meta.mergeKey, kind);
    delete patch[field];
  }
}

/** validatePatchWithSetOrderList checks that the patch's items (deletions aside) appear in $setElementOrder, in its order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete')) : patchList;
  if (mergeKey) for (const v of patchList) if (!isMap(v)) throw badArgType('map', v);
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isMap(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw new SmpError('server', `The order in patch list:\n${goSprint(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goSprint(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw badArgType('map', left);
  if (!isMap(right)) throw badArgType('map', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** mergeSlice merges a list with patch strategy merge: primitives as a set, maps by merge key. */
function mergeSlice(original: unknown[], patch: unknown[], schema: PatchSchema, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  let merged: unknown[];
  let orig = original;
  let items = patch;
  if (kind !== 'map') {
    if (isDeleteList) {
      const drop = new Set(patch);
      return original.filter((v) => !drop.has(v));
    }
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw new SmpError('server', `cannot merge lists without merge key for ${schema.kind}`);
    [orig, items] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(orig, items, mergeKey, schema);
  }
  const [patchItems, serverOnly] = partition(merged, items, kind === 'map' ? mergeKey : '');
  return normalizeElementOrder(patchItems, serverOnly, items, orig, kind === 'map' ? mergeKey : '', kind);
}

/** mergeSliceWithSpecialElements applies the `$patch` items: delete drops matching items, replace makes the patch the list. */
function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let result = original;
  for (const v of patch) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const value = item[mergeKey];
      result = result.filter((x, i) => {
        if (!isMap(x)) throw new SmpError('server', `value for key ${i} is not a map.`);
        return !(Object.hasOwn(x, mergeKey) && x[mergeKey] === value);
      });
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new SmpError('server', 'merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [result, plain];
}

/** mergeSliceWithoutSpecialElements merges each patch item into the original item with the same merge key, or appends it. */
function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, schema: PatchSchema): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const found = findMapInList(out, mergeKey, item[mergeKey]);
    if (found) out[found.index] = mergeMap(found.item, item, schema);
    else out.push(v);
  }
  return out;
}
