/**
 * fieldSet mirrors structured-merge-diff's fieldpath.Set: a tree of path elements
 * whose members are the fields a manager owns. A node can be a member (the field
 * itself is owned) and have children (fields below it are owned) at once, which
 * fieldsV1 writes as `".": {}`. Operations return new sets, as upstream's do.
 */
import { type PathElement, PathElementError, type Step, comparePathElements, deserializePathElement, serializePathElement } from './pathElement';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/** Path is a sequence of steps from the object's root. */
export type Path = readonly PathElement[];

export class FieldSet {
  /** members are the fields directly owned at this level, by serialized path element. */
  readonly members = new Map<string, PathElement>();
  /** children are the subtrees that hold members further down. */
  readonly children = new Map<string, Child>();
  /** decodedFrom is the fieldsV1 JSON the set was read from, when writing the set would give that same JSON, so unchanged entries are not written again. */
  #decodedFrom?: Record<string, unknown>;

  /** of builds a set from paths. */
  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** insert adds p (not its parents); the empty path, the whole object, is never owned. */
  insert(p: Path): void {
    if (p.length === 0) return;
    const last = p[p.length - 1];
    p.slice(0, -1).reduce<FieldSet>((s, pe) => s.descend(pe), this).members.set(serializePathElement(last), last);
  }

  /** descend returns the child set at pe, creating it. */
  descend(pe: PathElement, key = serializePathElement(pe)): FieldSet {
    let child = this.children.get(key);
    if (!child) {
      child = { pe, set: new FieldSet() };
      this.children.set(key, child);
    }
    return child.set;
  }

  /** has tells whether p is a member. */
  has(p: Path): boolean {
    if (p.length === 0) return false;
    const parent = p.slice(0, -1).reduce<FieldSet | undefined>((s, pe) => s?.children.get(serializePathElement(pe))?.set, this);
    return parent !== undefined && parent.members.has(serializePathElement(p[p.length - 1]));
  }

  /** withPrefix is the subset below pe, without pe. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePathElement(pe))?.set ?? EMPTY;
  }

  /** isEmpty tells whether no member is left anywhere in the tree. */
  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const other = o.children.get(k);
      out.children.set(k, other ? { pe: c.pe, set: c.set.union(other.set) } : c);
    }
    for (const [k, c] of o.children) if (!this.children.has(k)) out.children.set(k, c);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const other = o.children.get(k);
      if (!other) continue;
      const inter = c.set.intersection(other.set);
      if (!inter.isEmpty()) out.children.set(k, { pe: c.pe, set: inter });
    }
    return out;
  }

  /** difference removes o's members; a child of this set is kept even where o owns its parent, as upstream's Difference does. */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const other = o.children.get(k);
      if (!other) {
        out.children.set(k, c);
        continue;
      }
      const diff = c.set.difference(other.set);
      if (!diff.isEmpty()) out.children.set(k, { pe: c.pe, set: diff });
    }
    return out;
  }

  /** recursiveDifference also drops whole subtrees whose root o owns. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const other = o.children.get(k);
      if (!other) {
        out.children.set(k, c);
        continue;
      }
      const diff = c.set.recursiveDifference(other.set);
      if (!diff.isEmpty()) out.children.set(k, { pe: c.pe, set: diff });
    }
    return out;
  }

  /** iterate visits each member path in upstream's order: this level's members, then each child's subtree. */
  iterate(fn: (p: Path) => void, prefix: PathElement[] = []): void {
    for (const pe of sortedElements([...this.members.values()])) fn([...prefix, pe]);
    for (const c of sortedChildren([...this.children.values()])) c.set.iterate(fn, [...prefix, c.pe]);
  }

  /** paths lists the members in iteration order. */
  paths(): Path[] {
    const out: Path[] = [];
    this.iterate((p) => out.push(p));
    return out;
  }

  /** toFieldsV1 is the set as managedFields' fieldsV1 JSON, keys in upstream's order; a set decoded from canonical JSON gives that JSON back. */
  toFieldsV1(): Record<string, unknown> {
    return this.#decodedFrom ?? this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (includeSelf && (this.members.size > 0 || this.children.size > 0)) out['.'] = {};
    const keys = [...this.members.keys()];
    let fieldsOnly = true;
    for (const k of keys) if (!k.startsWith('f:')) fieldsOnly = false;
    for (const k of this.children.keys()) {
      if (this.members.has(k)) continue;
      keys.push(k);
      if (!k.startsWith('f:')) fieldsOnly = false;
    }
    if (keys.length > 1) {
      if (fieldsOnly) sortStrings(keys);
      else keys.sort((a, b) => comparePathElements(this.element(a), this.element(b)));
    }
    for (const k of keys) {
      const child = this.children.get(k);
      out[k] = child ? child.set.emit(this.members.has(k)) : {};
    }
    return out;
  }

  private element(key: string): PathElement {
    return (this.members.get(key) ?? this.children.get(key)?.pe) as PathElement;
  }

  /** fromFieldsV1 parses fieldsV1 JSON; keys of an unknown type are dropped, as upstream drops them. */
  static fromFieldsV1(json: unknown): FieldSet {
    const read = readV1(json);
    const set = read.children ?? new FieldSet();
    if (read.canonical) set.#decodedFrom = json as Record<string, unknown>;
    return set;
  }
}

const EMPTY = new FieldSet();


/**
 * PathCursor is a walker's position, which can put its path into one of several
 * sets: the sets' nodes along the path are made only when something is put below
 * them, so a walk does not rebuild the path for every field it records.
 */
export class PathCursor {
  private n0: FieldSet | undefined;
  private n1: FieldSet | undefined;
  private n2: FieldSet | undefined;

  constructor(roots: readonly FieldSet[], private readonly parent?: PathCursor, private readonly step?: Step) {
    [this.n0, this.n1, this.n2] = roots;
  }

  /** child is the cursor one step further. */
  child(step: Step): PathCursor {
    return new PathCursor(NO_ROOTS, this, step);
  }

  /** mark puts this path into set i (0, 1 or 2); the root, the whole object, is never put. */
  mark(i: number): void {
    if (this.parent && this.step) this.parent.node(i).members.set(this.step.key, this.step.pe);
  }

  private node(i: number): FieldSet {
    let n = i === 0 ? this.n0 : i === 1 ? this.n1 : this.n2;
    if (!n) {
      n = this.parent && this.step ? this.parent.node(i).descend(this.step.pe, this.step.key) : new FieldSet();
      if (i === 0) this.n0 = n;
      else if (i === 1) this.n1 = n;
      else this.n2 = n;
    }
    return n;
  }
}

const NO_ROOTS: readonly FieldSet[] = [];

/** readV1 is readIterV1; canonical says the JSON is exactly what emit would write for the result. */
function readV1(json: unknown): { children: FieldSet | undefined; isMember: boolean; canonical: boolean } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PathElementError('ReadMapCB: expect { or n, but found something else');
  let children: FieldSet | undefined;
  let isMember = false;
  let canonical = true;
  let previous: PathElement | undefined;
  let index = 0;
  const obj = json as Record<string, unknown>;
  for (const key in obj) {
    const value = obj[key];
    index++;
    if (key === '.') {
      isMember = true;
      canonical &&= index === 1 && isEmptyObject(value);
      continue;
    }
    const pe = deserializePathElement(key);
    if (!pe) {
      canonical = false;
      continue;
    }
    const sub = readV1(value);
    const k = serializePathElement(pe);
    canonical &&= sub.canonical && k === key && (previous === undefined || comparePathElements(previous, pe) < 0);
    previous = pe;
    children ??= new FieldSet();
    if (sub.isMember) children.members.set(k, pe);
    if (sub.children) children.children.set(k, { pe, set: sub.children });
  }
  if (!children) isMember = true;
  return { children, isMember, canonical: canonical && !(isMember && children === undefined && index > 0) };
}

/** sortStrings sorts as Array.prototype.sort does by default, by UTF-16 code units, in place; the few keys most levels have take an insertion sort, which allocates nothing. */
function sortStrings(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
    keys[j + 1] = k;
  }
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function sortedElements(pes: PathElement[]): PathElement[] {
  return pes.length > 1 ? pes.sort(comparePathElements) : pes;
}

function sortedChildren(cs: Child[]): Child[] {
  return cs.length > 1 ? cs.sort((a, b) => comparePathElements(a.pe, b.pe)) : cs;
}
