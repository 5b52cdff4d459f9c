/**
 * toFieldSet is TypedValue.ToFieldSet (typed/tofieldset.go): the fields an object
 * sets. Scalars, atomic lists and maps, list items, empty or null maps and map
 * entries that are not declared struct fields are members; a struct is owned
 * through its fields only. A list item that appears twice is owned as a whole and
 * not descended into.
 */
import { FieldSet, PathCursor } from './fieldSet';
import { asList, asMap, listItemElement, pickKind } from './helpers';
import { type Step, fieldStep, stepOf } from './pathElement';
import { type Atom, type ListType, childAtom, isMap } from './typeRef';

/** toFieldSet lists the fields value sets. */
export function toFieldSet(value: unknown, atom: Atom): FieldSet {
  const set = new FieldSet();
  walk(value, atom, new PathCursor([set]));
  return set;
}

function walk(value: unknown, atom: Atom, at: PathCursor): void {
  switch (pickKind(atom, value, undefined)) {
    case 'scalar':
      at.mark(0);
      return;
    case 'list': {
      const list = atom.list;
      if (!list) return;
      if (list.atomic) {
        at.mark(0);
        return;
      }
      const items = asList(value);
      if (items) visitListItems(items, list, at);
      return;
    }
    case 'map': {
      const m = atom.map;
      if (!m) return;
      if (m.atomic) {
        at.mark(0);
        return;
      }
      const obj = asMap(value);
      if (!obj) return;
      for (const key of Object.keys(obj)) {
        const child = obj[key];
        const below = at.child(fieldStep(key));
        walk(child, childAtom(m, key), below);
        if (child === null || (isMap(child) && Object.keys(child).length === 0) || !m.field(key)) below.mark(0);
      }
      return;
    }
    default:
      return;
  }
}

function visitListItems(items: unknown[], list: ListType, at: PathCursor): void {
  const steps = items.map((item): Step | undefined => {
    const pe = listItemElement(list, item);
    return typeof pe === 'string' ? undefined : stepOf(pe);
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const step of steps) {
    if (!step) continue;
    if (!seen.has(step.key)) seen.add(step.key);
    else if (!duplicates.has(step.key)) {
      at.child(step).mark(0);
      duplicates.add(step.key);
    }
  }
  items.forEach((item, i) => {
    const step = steps[i];
    if (!step || duplicates.has(step.key)) return;
    const below = at.child(step);
    walk(item, list.element, below);
    below.mark(0);
  });
}
