/**
 * pathElement mirrors structured-merge-diff's fieldpath.PathElement: one step into
 * an object (a field name), an associative list (the item's key fields), a set (the
 * item's value) or an atomic list (an index). Its serialized form is the key
 * managedFields' fieldsV1 uses (`f:spec`, `k:{"name":"web"}`, `v:"x"`, `i:0`), which
 * is also what sets index their members by, so equal elements share one string.
 */
import { goQuote, goValueJson } from '../patch/goFormat';

export type PathElement =
  | { readonly kind: 'f'; readonly name: string }
  | { readonly kind: 'k'; readonly fields: readonly (readonly [string, unknown])[] }
  | { readonly kind: 'v'; readonly value: unknown }
  | { readonly kind: 'i'; readonly index: number };

/** fieldElement is the step into a map or struct field. */
export const fieldElement = (name: string): PathElement => fieldStep(name).pe;

/** Step is a path element with its serialized key, which sets index members by. */
export interface Step {
  readonly key: string;
  readonly pe: PathElement;
}

/** Field names repeat across objects; their steps are kept, up to a bound, so walks do not rebuild them. */
const fieldSteps = new Map<string, Step>();
const STEP_CACHE_LIMIT = 20000;

/** fieldStep is the (shared) step into field name. */
export function fieldStep(name: string): Step {
  let step = fieldSteps.get(name);
  if (!step) {
    step = { key: `f:${name}`, pe: { kind: 'f', name } };
    if (fieldSteps.size < STEP_CACHE_LIMIT) fieldSteps.set(name, step);
  }
  return step;
}

/** stepOf pairs a path element with its key. */
export function stepOf(pe: PathElement): Step {
  return pe.kind === 'f' ? fieldStep(pe.name) : { key: serializePathElement(pe), pe };
}

/** keyElement is an associative list item's step; fields are sorted by name as upstream keeps them. */
export function keyElement(fields: readonly (readonly [string, unknown])[]): PathElement {
  return { kind: 'k', fields: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/** KEY holds, on a non-field element, its key, which costs a JSON encoding to build: a hidden property, so the element still compares and copies as before. */
const KEY = Symbol('serialized path element');

/** serializePathElement is fieldpath.SerializePathElement: the fieldsV1 key of a step. */
export function serializePathElement(pe: PathElement): string {
  if (pe.kind === 'f') return `f:${pe.name}`;
  const holder = pe as PathElement & { [KEY]?: string };
  let key = holder[KEY];
  if (key === undefined) {
    key = serialize(pe);
    if (Object.isExtensible(pe)) Object.defineProperty(pe, KEY, { value: key });
  }
  return key;
}

function serialize(pe: PathElement): string {
  switch (pe.kind) {
    case 'f': return `f:${pe.name}`;
    case 'k': return `k:{${pe.fields.map(([n, v]) => `${goValueJson(n)}:${goValueJson(v)}`).join(',')}}`;
    case 'v': return `v:${goValueJson(pe.value)}`;
    case 'i': return `i:${pe.index}`;
  }
}

/** PathElementError is a fieldsV1 key that does not parse; the text is upstream's. */
export class PathElementError extends Error {}

/** Parsed fieldsV1 keys, kept up to a bound: managedFields are decoded on every write and repeat the same keys. */
const parsed = new Map<string, PathElement | undefined>();

/** deserializePathElement parses a fieldsV1 key; it returns undefined for an unknown type letter, which upstream skips. */
export function deserializePathElement(s: string): PathElement | undefined {
  if (parsed.has(s)) return parsed.get(s);
  const pe = parsePathElement(s);
  if (parsed.size < STEP_CACHE_LIMIT) parsed.set(s, pe);
  return pe;
}

function parsePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new PathElementError('key must be 2 characters long:');
  if (s[1] !== ':') throw new PathElementError(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f': return fieldStep(body).pe;
    case 'v': return { kind: 'v', value: parseJson(body) };
    case 'k': {
      const obj = parseJson(body);
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new PathElementError(`ReadObjectCB: expect { or n, but found ${body[0] ?? ''}`);
      return keyElement(Object.entries(obj));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw new PathElementError(`strconv.Atoi: parsing ${goQuote(body)}: invalid syntax`);
      return { kind: 'i', index: Number(body) };
    }
    default: return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PathElementError(`managedFields parsing: invalid JSON ${text}`);
  }
}

const KIND_ORDER = { f: 0, k: 1, v: 2, i: 3 } as const;

/** comparePathElements is PathElement.Compare: fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case 'f': return compareStrings(a.name, (b as typeof a).name);
    case 'k': return compareFieldLists(a.fields, (b as typeof a).fields);
    case 'v': return compareValues(a.value, (b as typeof a).value);
    case 'i': return Math.sign(a.index - (b as typeof a).index);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFieldLists(a: readonly (readonly [string, unknown])[], b: readonly (readonly [string, unknown])[]): number {
  for (let i = 0; ; i++) {
    if (i >= a.length || i >= b.length) return Math.sign(a.length - b.length);
    const c = compareStrings(a[i][0], b[i][0]) || compareValues(a[i][1], b[i][1]);
    if (c !== 0) return c;
  }
}

/** rank orders JSON kinds as value.Compare does: numbers, strings, booleans, lists, maps, null. */
function rank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

/** compareValues is value.Compare over decoded JSON. */
function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return Math.sign((a as number) - (b as number));
    case 1: return compareStrings(a as string, b as string);
    case 2: return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; ; i++) {
        if (i >= la.length || i >= lb.length) return Math.sign(la.length - lb.length);
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
    }
    case 4: {
      const ma = a as Record<string, unknown>;
      const mb = b as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort(compareStrings);
      for (const k of keys) {
        if (!(k in ma)) return 1;
        if (!(k in mb)) return -1;
        const c = compareValues(ma[k], mb[k]);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: return 0;
  }
}

/** pathElementString is PathElement.String(), as conflict messages print paths. */
export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'f': return `.${pe.name}`;
    case 'k': return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    case 'v': return `[=${valueString(pe.value)}]`;
    case 'i': return `[${pe.index}]`;
  }
}

/** pathString is Path.String(): `.spec.containers[name="web"].image`. */
export function pathString(path: readonly PathElement[]): string {
  return path.map(pathElementString).join('');
}

/** valueString is value.ToString. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${valueString(x)}`).join('');
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '{{undefined}}';
}
