/**
 * fields reads untrusted JSON the way Go's decoder leaves a typed struct: an
 * absent or wrongly typed scalar is its zero value ("" or 0), so validators can be
 * written as upstream's are and never throw on whatever a client sends. It also
 * holds the two field.Error constructors fieldErrors.ts lacks (NotFound, TooLong).
 */
import type { FieldError } from '../fieldErrors';

/** Obj is a decoded JSON object. */
export type Obj = Record<string, unknown>;

/** obj returns x when it is a JSON object, else an empty one (a nil struct pointer reads as zero values). */
export function obj(x: unknown): Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {};
}

/** isObj tells a present JSON object (a non-nil struct pointer) from anything else. */
export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** arr returns x when it is an array, else none. */
export function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/** str returns x when it is a string, else "" (Go's zero string). */
export function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** num returns x when it is a number, else 0 (Go's zero int). */
export function num(x: unknown): number {
  return typeof x === 'number' ? x : 0;
}

/** has tells a set pointer field (present and not JSON null) from a nil one. */
export function has(x: unknown): boolean {
  return x !== undefined && x !== null;
}

/** strings lists a []string field's string elements. */
export function strings(x: unknown): string[] {
  return arr(x).map(str);
}

/** stringMap lists a map[string]string field's entries. */
export function stringMap(x: unknown): [string, string][] {
  return Object.entries(obj(x)).map(([k, v]) => [k, str(v)]);
}

/** notFound is field.NotFound: `path: Not found: "value"`. */
export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, value };
}

/** tooLong is field.TooLong: `path: Too long: may not be more than N bytes`. */
export function tooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, detail: `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` };
}

/** byteLength is Go's len() of a string: its UTF-8 length. */
export function byteLength(s: string): number {
  // Most names are ASCII; only count bytes when a code unit says otherwise.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}
