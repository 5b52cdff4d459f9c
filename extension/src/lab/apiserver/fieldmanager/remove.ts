/**
 * remove is TypedValue.RemoveItems (typed/remove.go): the object without the
 * fields of a set. A member is dropped whole; a node with members below it is
 * descended into. A map or list left empty becomes null, as upstream's walker
 * leaves it; the apply result is cleaned of nulls afterwards.
 */
import type { FieldSet } from './fieldSet';
import { asList, asMap, listItemElement } from './helpers';
import { type PathElement, serializePathElement } from './pathElement';
import { type Atom, childAtom, handlerKind } from './typeRef';

/** removeItems returns value without the fields in toRemove. */
export function removeItems(value: unknown, toRemove: FieldSet, atom: Atom): unknown {
  switch (handlerKind(atom, value)) {
    case 'list': {
      const list = atom.list;
      const items = asList(value);
      if (!list || !items || items.length === 0 || list.atomic) return null;
      const out: unknown[] = [];
      for (const item of items) {
        const pe = listItemElement(list, item);
        if (typeof pe === 'string') continue;
        const key = serializePathElement(pe);
        if (toRemove.members.has(key)) continue;
        const below = toRemove.children.get(key);
        out.push(below && !below.set.isEmpty() ? removeItems(item, below.set, list.element) : item);
      }
      return out.length > 0 ? out : null;
    }
    case 'map': {
      const m = atom.map;
      const obj = asMap(value);
      if (!m || !obj || Object.keys(obj).length === 0 || m.atomic) return null;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        const key = serializePathElement(fieldStep(k));
        if (toRemove.members.has(key)) continue;
        const below = toRemove.children.get(key);
        out[k] = below && !below.set.isEmpty() ? removeItems(v, below.set, childAtom(m, k)) : v;
      }
      return Object.keys(out).length > 0 ? out : null;
    }
    default:
      return value;
  }
}

function fieldStep(name: string): PathElement {
  return { kind: 'f', name };
}

/** dropNulls removes null map entries all the way down, as decoding the result into its Go type does for optional fields. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  const obj = asMap(value);
  if (!obj) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = dropNulls(v);
  return out;
}
