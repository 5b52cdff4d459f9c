/**
 * jsonpath evaluates a parsed template over decoded JSON as
 * k8s.io/client-go/util/jsonpath's jsonpath.go does with AllowMissingKeys(true),
 * the way a CRD's printer columns run it: a missing key yields nothing, an index
 * out of range or a comparison of mismatched types is an error. Filters compare
 * with text/template's rules: an integer never equals a float or a string.
 * `range`/`end` blocks are not supported and evaluate to an error.
 */
import { goSprint, goValueJson } from '../patch/goFormat';
import type { JsonPathNode, ListNode } from './jsonpathParser';

/** GoFloat is a float literal of the template (`1.5`, `2.0`), kept apart from JSON integers as Go's types keep it. */
class GoFloat {
  constructor(readonly value: number) {}
}

interface Walked {
  values: unknown[];
  error?: string;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat);

function utf8Bytes(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

/** children are the values evalWildcard and evalRecursive descend into: map values, list items, a string's bytes. */
function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return utf8Bytes(v);
  if (isMap(v)) return Object.values(v);
  return [];
}

type Kind = 'bool' | 'int' | 'float' | 'string';

function basicKind(v: unknown): Kind | undefined {
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  return undefined;
}

const plain = (v: unknown): unknown => (v instanceof GoFloat ? v.value : v);

/** compare is text/template's eq/ne/lt/le/gt/ge over basic kinds. */
function compare(op: string, left: unknown, right: unknown): boolean | string {
  const k1 = basicKind(left);
  const k2 = basicKind(right);
  if (k1 === undefined || k2 === undefined) return 'invalid type for comparison';
  if (k1 !== k2) return 'incompatible types for comparison';
  const a = plain(left) as string | number | boolean;
  const b = plain(right) as string | number | boolean;
  const ordered = k1 !== 'bool';
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return ordered ? a < b : 'invalid type for comparison';
    case '<=': return ordered ? a <= b : 'invalid type for comparison';
    case '>': return ordered ? a > b : 'invalid type for comparison';
    case '>=': return ordered ? a >= b : 'invalid type for comparison';
    default: return `unrecognized filter operator ${op}`;
  }
}

function evalList(input: unknown[], list: ListNode): Walked {
  let cur = input;
  for (const node of list.nodes) {
    const w = walk(cur, node);
    if (w.error !== undefined) return w;
    cur = w.values;
  }
  return { values: cur };
}

function evalArray(input: unknown[], node: Extract<JsonPathNode, { type: 'array' }>): Walked {
  const result: unknown[] = [];
  for (const value of input) {
    if (value === null) continue;
    if (!Array.isArray(value)) return { values: input, error: `${typeof value} is not array or slice` };
    const len = value.length;
    const [p0, p1, p2] = node.params.map((p) => ({ ...p }));
    if (!p0.known) p0.value = 0;
    if (p0.value < 0) p0.value += len;
    if (!p1.known) p1.value = len;
    if (p1.value < 0 || (p1.value === 0 && p1.derived)) p1.value += len;
    // Asking for zero elements ends the evaluation with what was found so far.
    if (p1.value === p0.value) return { values: result };
    if (p0.value >= len || p0.value < 0) return { values: input, error: `array index out of bounds: index ${p0.value}, length ${len}` };
    if (p1.value > len || p1.value < 0) return { values: input, error: `array index out of bounds: index ${p1.value - 1}, length ${len}` };
    if (p0.value > p1.value) return { values: input, error: `starting index ${p0.value} is greater than ending index ${p1.value}` };
    const slice = value.slice(p0.value, p1.value);
    let step = 1;
    if (p2.known) {
      if (p2.value <= 0) return { values: input, error: 'step must be > 0' };
      step = p2.value;
    }
    for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
  }
  return { values: result };
}

function evalRecursive(input: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of input) {
    if (value === null) continue;
    const kids = children(value);
    if (kids.length !== 0) result.push(value, ...evalRecursive(kids));
  }
  return result;
}

function evalFilter(input: unknown[], node: Extract<JsonPathNode, { type: 'filter' }>): Walked {
  const results: unknown[] = [];
  for (const value of input) {
    if (!Array.isArray(value)) return { values: input, error: 'not array or slice and cannot be filtered' };
    for (const item of value) {
      const lefts = evalList([item], node.left);
      if (node.operator === 'exists') {
        if (lefts.values.length > 0) results.push(item);
        continue;
      }
      if (lefts.error !== undefined) return { values: input, error: lefts.error };
      if (lefts.values.length === 0) continue;
      if (lefts.values.length > 1) return { values: input, error: 'can only compare one element at a time' };
      const rights = evalList([item], node.right);
      if (rights.error !== undefined) return { values: input, error: rights.error };
      if (rights.values.length === 0) continue;
      if (rights.values.length > 1) return { values: input, error: 'can only compare one element at a time' };
      const pass = compare(node.operator, lefts.values[0], rights.values[0]);
      if (typeof pass === 'string') return { values: results, error: pass };
      if (pass) results.push(item);
    }
  }
  return { values: results };
}

function walk(input: unknown[], node: JsonPathNode): Walked {
  switch (node.type) {
    case 'list': return evalList(input, node);
    case 'text': return { values: [node.text] };
    case 'field': {
      // A missing key yields nothing rather than an error: AllowMissingKeys(true).
      const values = input.filter(isMap).filter((m) => Object.prototype.hasOwnProperty.call(m, node.value)).map((m) => m[node.value]);
      return { values };
    }
    case 'array': return evalArray(input, node);
    case 'filter': return evalFilter(input, node);
    case 'int':
    case 'bool': return { values: input.map(() => node.value) };
    case 'float': return { values: input.map(() => new GoFloat(node.value)) };
    case 'wildcard': return { values: input.flatMap((v) => (v === null ? [] : children(v))) };
    case 'recursive': return { values: evalRecursive(input) };
    case 'union': {
      const values: unknown[] = [];
      for (const list of node.nodes) {
        const w = evalList(input, list);
        if (w.error !== undefined) return { values: input, error: w.error };
        values.push(...w.values);
      }
      return { values };
    }
    case 'identifier': return { values: input, error: node.name === 'range' || node.name === 'end' ? `${node.name} is not supported here` : `unrecognized identifier ${node.name}` };
  }
}

/** findResults is JSONPath.FindResults: one list of values per top-level node of the template, or the first error. */
export function findResults(root: ListNode, data: unknown): { results: unknown[][] } | { error: string } {
  const results: unknown[][] = [];
  for (const node of root.nodes) {
    const w = walk([data], node);
    if (w.error !== undefined) return { error: w.error };
    results.push(w.values);
  }
  return { results };
}

/** resultValue is a found value as Go's interface{} holds it: a float literal becomes a plain number. */
export function resultValue(v: unknown): unknown {
  return plain(v);
}

/** printResult is JSONPath.PrintResults of one value: maps and lists as JSON, null as `<no value>`, the rest as fmt.Sprint. */
export function printResult(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (v instanceof GoFloat) return goSprint(v.value);
  if (typeof v === 'object') return goValueJson(v);
  return goSprint(v);
}
