/**
 * compare is TypedValue.Compare (typed/compare.go): which fields the right-hand
 * object added, modified or removed relative to the left. Leaves (scalars, atomic
 * lists and maps, and containers empty on both sides) are compared by value; a
 * container that appears or disappears is itself added or removed as well as its
 * contents. Absent (undefined) and null differ: a null list is not an absent one.
 */
import { FieldSet, PathCursor } from './fieldSet';
import { asList, asMap, listItemElement, pickKind, valuesEqual } from './helpers';
import { type Step, fieldStep, stepOf } from './pathElement';
import { type Atom, type ListType, childAtom } from './typeRef';

/** Comparison holds the three disjoint sets of changed fields. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** compare diffs lhs (before) with rhs (after); undefined stands for no object. */
export function compare(lhs: unknown, rhs: unknown, atom: Atom): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  if (lhs !== undefined || rhs !== undefined) walk(lhs, rhs, atom, new PathCursor([c.added, c.modified, c.removed]));
  return c;
}

/** excludeFields drops the ignored fields (and everything below them) from a comparison, as Comparison.ExcludeFields does. */
export function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored || ignored.isEmpty()) return c;
  return { added: c.added.recursiveDifference(ignored), modified: c.modified.recursiveDifference(ignored), removed: c.removed.recursiveDifference(ignored) };
}

const ADDED = 0;
const MODIFIED = 1;
const REMOVED = 2;

function leaf(lhs: unknown, rhs: unknown, at: PathCursor): void {
  if (lhs === undefined) at.mark(ADDED);
  else if (rhs === undefined) at.mark(REMOVED);
  else if (!valuesEqual(lhs, rhs)) at.mark(MODIFIED);
}

function walk(lhs: unknown, rhs: unknown, atom: Atom, at: PathCursor): void {
  let inLeaf = false;
  switch (pickKind(atom, lhs, rhs)) {
    case 'scalar':
      leaf(lhs, rhs, at);
      inLeaf = true;
      break;
    case 'list': {
      const list = atom.list;
      if (!list) break;
      const l = asList(lhs);
      const r = asList(rhs);
      if (list.atomic || (!l?.length && !r?.length)) {
        leaf(lhs, rhs, at);
        inLeaf = true;
      } else {
        visitListItems(l ?? [], r ?? [], list, at);
      }
      break;
    }
    case 'map': {
      const m = atom.map;
      if (!m) break;
      const l = asMap(lhs);
      const r = asMap(rhs);
      const lKeys = l ? Object.keys(l) : [];
      const rKeys = r ? Object.keys(r) : [];
      if (m.atomic || (lKeys.length === 0 && rKeys.length === 0)) {
        leaf(lhs, rhs, at);
        inLeaf = true;
        break;
      }
      for (const key of lKeys) {
        const rv = r && Object.hasOwn(r, key) ? r[key] : undefined;
        walk(l?.[key], rv, childAtom(m, key), at.child(fieldStep(key)));
      }
      for (const key of rKeys) {
        if (l && Object.hasOwn(l, key)) continue;
        walk(undefined, r?.[key], childAtom(m, key), at.child(fieldStep(key)));
      }
      break;
    }
    default:
      break;
  }
  if (!inLeaf) {
    if (lhs === undefined) at.mark(ADDED);
    else if (rhs === undefined) at.mark(REMOVED);
  }
}

interface Entry {
  step: Step;
  items: unknown[];
}

function index(items: unknown[], list: ListType, into: Map<string, Entry>, order: Entry[]): void {
  for (const item of items) {
    const pe = listItemElement(list, item);
    if (typeof pe === 'string') continue;
    const step = stepOf(pe);
    const entry = into.get(step.key);
    if (entry) entry.items.push(item);
    else {
      const fresh = { step, items: [item] };
      into.set(step.key, fresh);
      order.push(fresh);
    }
  }
}

function visitListItems(lhs: unknown[], rhs: unknown[], list: ListType, at: PathCursor): void {
  const lValues = new Map<string, Entry>();
  const rValues = new Map<string, Entry>();
  const order: Entry[] = [];
  index(lhs, list, lValues, order);
  const rOrder: Entry[] = [];
  index(rhs, list, rValues, rOrder);
  for (const e of rOrder) if (!lValues.has(e.step.key)) order.push(e);
  for (const { step } of order) {
    const l = lValues.get(step.key)?.items ?? [];
    const r = rValues.get(step.key)?.items ?? [];
    const item = at.child(step);
    if (l.length <= 1 && r.length <= 1) {
      walk(l[0], r[0], list.element, item);
    } else if (l.length >= 2 && r.length >= 2) {
      if (l.length !== r.length || l.some((v, i) => !valuesEqual(v, r[i]))) item.mark(MODIFIED);
    } else if (l.length >= 2) {
      if (r.length) walk(undefined, r[0], list.element, item);
      item.mark(REMOVED);
    } else {
      if (l.length) walk(l[0], undefined, list.element, item);
      item.mark(ADDED);
    }
  }
}
