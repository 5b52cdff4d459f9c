/**
 * elementOrder is how strategic merge patch orders a merged list
 * (strategicpatch/patch.go: normalizeElementOrder and its helpers): the items the
 * patch names keep the patch's (or $setElementOrder's) order, the server-only items
 * keep the live order, and the two are interleaved by live position, with a patch
 * item the live list lacks coming before the server-only items still to place.
 */
import { goSprint, goTypeName } from './goFormat';
import { SmpError, badArgType, noListOfLists, noMergeKey } from './smpErrors';

type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** sliceElementType is the one Go element type of the given lists ('map' for objects); lists of lists and mixed types are errors. */
export function sliceElementType(...lists: readonly unknown[][]): string {
  let prev: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      if (v === null) throw new SmpError('server', 'runtime error: invalid memory address or nil pointer dereference');
      const t = goTypeName(v);
      if (prev === undefined) {
        prev = t;
        if (Array.isArray(v)) throw noListOfLists();
      } else if (prev !== t) {
        throw new SmpError('server', `list element types are not identical: ${goSprint(lists)}`);
      }
    }
  }
  if (prev === undefined) throw new SmpError('server', 'no elements in any of the given slices');
  return prev === 'map[string]interface {}' ? 'map' : prev;
}

/** findMapInList finds the item whose mergeKey equals value. */
export function findMapInList(list: readonly unknown[], mergeKey: string, value: unknown): { item: JsonMap; index: number } | undefined {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isMap(v)) throw new SmpError('server', `value for key ${i} is not a map.`);
    if (Object.hasOwn(v, mergeKey) && v[mergeKey] === value) return { item: v, index: i };
  }
  return undefined;
}

/** partition splits merged into the items present in by and the rest. */
export function partition(merged: readonly unknown[], by: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  if (!mergeKey) {
    const present = new Set(by);
    for (const v of merged) (present.has(v) ? inPatch : serverOnly).push(v);
    return [inPatch, serverOnly];
  }
  for (const v of merged) {
    if (!isMap(v)) throw badArgType('map', v);
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    (findMapInList(by, mergeKey, v[mergeKey]) ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** indexIn is the position of v in list, by merge key for maps. */
function indexIn(list: readonly unknown[], v: unknown, mergeKey: string, kind: string): number {
  const key = (x: unknown): unknown => (kind === 'map' ? (isMap(x) ? x[mergeKey] : undefined) : x);
  const want = key(v);
  return list.findIndex((x) => key(x) === want);
}

/** deleteDirectives moves `$patch: delete` items to the end, as extractToDeleteItems does. */
function splitDeletes(list: readonly unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const deletes: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw badArgType('map', v);
    (v.$patch === 'delete' ? deletes : keep).push(v);
  }
  return [keep, deletes];
}

function normalizeSliceOrder(toSort: readonly unknown[], order: readonly unknown[], mergeKey: string, kind: string): unknown[] {
  let items = [...toSort];
  let deletes: unknown[] = [];
  if (kind === 'map') {
    for (const list of [toSort, order]) {
      for (const v of list) {
        if (!isMap(v)) throw badArgType('map', v);
        if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
      }
    }
    [items, deletes] = splitDeletes(items);
  }
  const positions = new Map(items.map((v) => [v, indexIn(order, v, mergeKey, kind)]));
  items.sort((a, b) => {
    const ia = positions.get(a) ?? -1;
    const ib = positions.get(b) ?? -1;
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...items, ...deletes];
}

/** normalizeElementOrder sorts patch items by patchOrder and server-only items by serverOrder, then interleaves them. */
export function normalizeElementOrder(patch: readonly unknown[], serverOnly: readonly unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: string): unknown[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
