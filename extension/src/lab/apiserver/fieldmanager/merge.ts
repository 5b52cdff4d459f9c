/**
 * merge is TypedValue.Merge (typed/merge.go) with the keep-the-right-side rule
 * server-side apply uses: leaves take the applied value, granular maps merge key by
 * key, map-lists and sets merge item by item. Items keep the live order, with the
 * applied items placed in the applied order among them (the walk below is
 * upstream's, shared-item bookkeeping included).
 */
import { asList, asMap, listItemElement, pickKind } from './helpers';
import { serializePathElement } from './pathElement';
import { type Atom, type ListType, childAtom } from './typeRef';

/** merge returns rhs merged over lhs, or undefined when neither side leaves anything. */
export function merge(lhs: unknown, rhs: unknown, atom: Atom): unknown {
  switch (pickKind(atom, lhs, rhs)) {
    case 'list': {
      const list = atom.list;
      const l = asList(lhs);
      const r = asList(rhs);
      if (!list || list.atomic || (!l?.length && !r?.length)) return keepRight(lhs, rhs);
      return mergeListItems(l ?? [], r ?? [], list);
    }
    case 'map': {
      const m = atom.map;
      const l = asMap(lhs);
      const r = asMap(rhs);
      const lEmpty = !l || Object.keys(l).length === 0;
      const rEmpty = !r || Object.keys(r).length === 0;
      if (!m || m.atomic || (lEmpty && rEmpty)) return keepRight(lhs, rhs);
      const out: Record<string, unknown> = {};
      for (const key of new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})])) {
        const lv = l && Object.hasOwn(l, key) ? l[key] : undefined;
        const rv = r && Object.hasOwn(r, key) ? r[key] : undefined;
        const v = merge(lv, rv, childAtom(m, key));
        if (v !== undefined) out[key] = v;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    default:
      return keepRight(lhs, rhs);
  }
}

function keepRight(lhs: unknown, rhs: unknown): unknown {
  return rhs !== undefined ? rhs : lhs;
}

interface Indexed {
  keys: string[];
  items: unknown[];
  observed: Map<string, unknown>;
}

/** index names a list's items; a repeated live item is merged as null, as upstream's observed map records it. */
function index(items: unknown[], list: ListType): Indexed {
  const out: Indexed = { keys: [], items: [], observed: new Map() };
  for (const item of items) {
    const pe = listItemElement(list, item);
    if (typeof pe === 'string') continue;
    const key = serializePathElement(pe);
    out.observed.set(key, out.observed.has(key) ? null : item);
    out.keys.push(key);
    out.items.push(item);
  }
  return out;
}

function mergeListItems(lhs: unknown[], rhs: unknown[], list: ListType): unknown {
  const out: unknown[] = [];
  const push = (v: unknown): void => {
    if (v !== undefined) out.push(v);
  };
  const r = index(rhs, list);
  const l = index(lhs, list);
  const shared = r.keys.filter((k) => l.observed.has(k));
  let nextShared = shared.shift();
  const mergedRHS = new Set<string>();
  let lI = 0;
  let rI = 0;
  while (lI < l.keys.length || rI < r.keys.length) {
    if (lI < l.keys.length && rI < r.keys.length) {
      const key = l.keys[lI];
      if (key === r.keys[rI]) {
        mergedRHS.add(key);
        push(merge(l.observed.get(key), r.observed.get(key), list.element));
        lI++;
        rI++;
        nextShared = shared.shift();
        continue;
      }
      if (r.observed.has(key) && nextShared !== undefined && nextShared !== key) {
        lI++;
        continue;
      }
    }
    if (lI < l.keys.length) {
      const key = l.keys[lI];
      if (!r.observed.has(key)) {
        push(merge(l.items[lI], undefined, list.element));
        lI++;
        continue;
      } else if (mergedRHS.has(key)) {
        lI++;
      }
    }
    if (rI < r.keys.length) {
      const key = r.keys[rI];
      mergedRHS.add(key);
      push(merge(l.observed.get(key), r.observed.get(key), list.element));
      rI++;
      if (nextShared === key) nextShared = shared.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}
