/**
 * helpers are the pieces structured-merge-diff's typed walkers share (typed/helpers.go):
 * naming a list item by its key fields or value, and value equality.
 */
import { goQuote } from '../patch/goFormat';
import { type PathElement, keyElement } from './pathElement';
import { type Atom, type ListType, type ValueKind, handlerKind, isMap, keyDefault } from './typeRef';

/** listItemElement names an associative list's item, or returns upstream's error text when it cannot. */
export function listItemElement(list: ListType, child: unknown): PathElement | string {
  if (list.keys.length > 0) {
    if (child === null) return 'associative list with keys may not have a null element';
    if (!isMap(child)) return 'associative list with keys may not have non-map elements';
    const fields: [string, unknown][] = [];
    for (const k of list.keys) {
      if (Object.hasOwn(child, k)) fields.push([k, child[k]]);
      else {
        const d = keyDefault(list, k);
        if (d !== undefined) fields.push([k, d]);
      }
    }
    if (fields.length === 0) {
      return `associative list with keys has an element that omits all key fields [${list.keys.map(goQuote).join(' ')}] (and doesn't have default values for any key fields)`;
    }
    return keyElement(fields);
  }
  if (isMap(child)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(child)) return 'not supported: associative list with lists as elements';
  if (child === null) return "associative list without keys has an element that's an explicit null";
  return { kind: 'v', value: child };
}

/** valuesEqual is value.Equals over decoded JSON. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const k of keys) if (!Object.hasOwn(b, k) || !valuesEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** pickKind chooses how a walker treats a pair of values, as the walkers' deduceAtom/handleAtom dance does: by the right-hand value when there is one. */
export function pickKind(atom: Atom, lhs: unknown, rhs: unknown): ValueKind | undefined {
  return handlerKind(atom, rhs === undefined ? lhs : rhs);
}

/** asList is a value as a list, or undefined for null and non-lists (which the walkers ignore). */
export function asList(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** asMap is a value as a map, or undefined for null and non-maps. */
export function asMap(v: unknown): Record<string, unknown> | undefined {
  return isMap(v) ? v : undefined;
}
