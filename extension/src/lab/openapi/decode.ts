/**
 * decode reads a request body into a built-in kind as the API server's JSON decoding does
 * (k8s.io/apimachinery's json serializer over sigs.k8s.io/json): a value of the wrong type
 * is a 400 with encoding/json's words; unknown fields are a strict decoding error, a warning
 * or nothing, as fieldValidation asks, and are dropped either way; values are normalised as
 * the round trip through Go types normalises them (timestamps to UTC, null fields gone).
 */
import type { Status } from '../api/types';
import { badRequest } from '../apiserver/errors';
import { type DuplicateKey, type DuplicateKeys, findDuplicateKeys } from './duplicateKeys';
import { parseTime } from './goTime';
import { quantityError } from './quantity';
import { type PropertySchema, goPackage, modelForKind, modelSchema } from './schema';

/** FieldValidation is the `fieldValidation` query parameter's value. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Decoded is the object as the server holds it after decoding, and the warnings to return. */
export type Decoded = { object: Record<string, unknown>; warnings: string[] } | { status: Status };

/** MAX_DEPTH is encoding/json's maxNestingDepth: deeper JSON is a syntax error. */
export const MAX_DEPTH = 10000;
/** sigs.k8s.io/json keeps at most this many strict errors. */
const MAX_STRICT_ERRORS = 100;

/**
 * decodeObject checks body against the kind's schema as upstream's JSON decoding does: a
 * value of the wrong type is a 400; unknown fields are an error (Strict), a warning (Warn)
 * or ignored, and are dropped from the object. The object returned is new, except that
 * values of `any` properties (RawExtension, JSON) are shared with body.
 */
export function decodeObject(group: string, version: string, kind: string, body: Record<string, unknown>, fieldValidation: FieldValidation): Decoded {
  return decode(group, version, kind, body, fieldValidation, undefined, () => summarize(body));
}

/**
 * decodeJson is decodeObject for a JSON request body's text, which also lets it report the
 * keys the text repeats (`duplicate field "spec.paused"`), as strictly as unknown ones.
 */
export function decodeJson(group: string, version: string, kind: string, text: string, fieldValidation: FieldValidation): Decoded {
  const unrecognized = (err: string): Decoded => ({
    status: badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${err} (${summarizeText(text)})`),
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return unrecognized(err instanceof Error ? err.message : String(err));
  }
  if (!isPlainObject(body)) return unrecognized(`json: cannot unmarshal ${jsonKind(body)} into Go value of type ${TYPE_META_STRUCT}`);
  const duplicates = fieldValidation === 'Ignore' ? undefined : findDuplicateKeys(text);
  return decode(group, version, kind, body, fieldValidation, duplicates, () => summarizeText(text));
}

/** The anonymous struct SimpleMetaFactory.Interpret reads apiVersion and kind into, as reflect prints it. */
const TYPE_META_STRUCT = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

function decode(group: string, version: string, kind: string, body: Record<string, unknown>, fieldValidation: FieldValidation,
  duplicates: DuplicateKeys | undefined, summary: () => string): Decoded {
  const model = modelForKind(group, version, kind);
  if (!model) throw new Error(`openapi: no model for ${group}/${version}, Kind=${kind}`);
  const interpreted = interpret(body);
  if (interpreted.error) return { status: badRequest(`the object provided is unrecognized (must be of type ${kind}): ${interpreted.error} (${summary()})`) };

  const d = new Decoder(fieldValidation !== 'Ignore', duplicates);
  const object: Record<string, unknown> = {};
  const fatal = d.run(body, { type: 'object', ref: model }, object);
  if (fatal !== undefined) return cannotHandle(interpreted, version, kind, fatal);
  if (d.saved !== undefined) return cannotHandle(interpreted, version, kind, d.saved);
  if (d.strict.length === 0) return { object, warnings: [] };
  if (fieldValidation === 'Strict') return cannotHandle(interpreted, version, kind, `strict decoding error: ${d.strict.join(', ')}`);
  return { object, warnings: d.strict };
}

/** cannotHandle is the 400 of a body that does not decode into kind, naming the kind and version the body claimed. */
function cannotHandle(interpreted: { kind?: string; version?: string }, version: string, kind: string, err: string): Decoded {
  return { status: badRequest(`${interpreted.kind || kind} in version "${interpreted.version || version}" cannot be handled as a ${kind}: ${err}`) };
}

/**
 * interpret is the serializer's first look at the body (SimpleMetaFactory.Interpret):
 * apiVersion and kind must be strings, the group/version must parse, and the JSON must not
 * nest deeper than encoding/json allows.
 */
function interpret(body: Record<string, unknown>): { error?: string; kind?: string; version?: string } {
  const prefix = 'couldn\'t get version/kind; json parse error: ';
  if (deeperThan(body, MAX_DEPTH)) return { error: `${prefix}exceeded max depth` };
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return { error: `${prefix}json: cannot unmarshal ${jsonKind(v)} into Go struct field .${field} of type string` };
    }
  }
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const slashes = apiVersion.split('/').length - 1;
  if (slashes > 1) return { error: `unexpected GroupVersion string: ${apiVersion}` };
  const kind = typeof body.kind === 'string' ? body.kind : '';
  const version = apiVersion === '/' ? '' : apiVersion.slice(apiVersion.indexOf('/') + 1);
  return { kind, version };
}

/** A value still to decode, and where its result goes. */
interface Frame {
  value: unknown;
  schema: PropertySchema;
  /** out is the object or array (indexed by key) the decoded value goes into. */
  out: Record<string, unknown>;
  key: string | number;
  /** parent is the frame of the object or array holding this value; paths are built from the chain only when an error needs one. */
  parent: Frame | undefined;
  /** struct is the Go name of the innermost struct, for encoding/json's error context. */
  struct: string;
  /** goType is the Go type where the model names one the schema cannot tell (v1.Protocol). */
  goType: string | undefined;
  /** element is true for array items and map values, where null becomes the zero value. */
  element: boolean;
  /** strict, when set, makes this frame a strict decoding error to report in its turn. */
  strict?: string;
}

class Decoder {
  /** saved is the first type error; decoding goes on after it, as encoding/json's does. */
  saved: string | undefined;
  strict: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly checkStrict: boolean, private readonly duplicates: DuplicateKeys | undefined) {}

  /** run decodes value into out.root, returning the error of a custom unmarshaler, which stops decoding at once. */
  run(value: Record<string, unknown>, schema: PropertySchema, root: Record<string, unknown>): string | undefined {
    const stack: Frame[] = [];
    this.expandObject(value, schema.ref ?? '', root, undefined, stack);
    for (let f = stack.pop(); f; f = stack.pop()) {
      const fatal = this.step(f, stack);
      if (fatal !== undefined) return fatal;
    }
    return undefined;
  }

  private step(f: Frame, stack: Frame[]): string | undefined {
    if (f.strict !== undefined) {
      this.strictError(f.strict);
      return undefined;
    }
    const { value, schema } = f;
    if (value === undefined) {
      // In-process bodies may carry undefined, which JSON cannot: a field is absent, a list item null.
      if (f.element && Array.isArray(f.out)) f.out[f.key] = zeroValue(schema);
      return undefined;
    }
    if (value === null) {
      if (f.element) f.out[f.key] = zeroValue(schema);
      return undefined;
    }
    switch (schema.type) {
      case 'object': {
        if (!isPlainObject(value)) return this.typeError(f, value);
        const obj: Record<string, unknown> = {};
        f.out[f.key] = obj;
        this.expandObject(value, schema.ref ?? '', obj, f, stack);
        return undefined;
      }
      case 'array': {
        if (!Array.isArray(value)) return this.typeError(f, value);
        const arr: unknown[] = new Array<unknown>(value.length);
        f.out[f.key] = arr;
        const out = arr as unknown as Record<string, unknown>;
        const items = schema.items ?? ANY;
        const goType = f.goType?.startsWith('[]') ? f.goType.slice(2).replace(/^\*/, '') : undefined;
        for (let i = value.length - 1; i >= 0; i--) {
          stack.push({ value: value[i], schema: items, out, key: i, parent: f, struct: f.struct, goType, element: true });
        }
        return undefined;
      }
      case 'map': {
        if (!isPlainObject(value)) return this.typeError(f, value);
        const obj: Record<string, unknown> = {};
        f.out[f.key] = obj;
        const values = schema.additionalProperties ?? ANY;
        const goType = f.goType?.startsWith('map[') ? f.goType.slice(f.goType.indexOf(']') + 1).replace(/^\*/, '') : undefined;
        const keys = Object.keys(value);
        const dups = this.duplicates && this.duplicates.get(path(f));
        const start = stack.length;
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          stack.push({ value: value[k], schema: values, out: obj, key: k, parent: f, struct: f.struct, goType, element: true });
          if (dups) pushDuplicates(stack, dups, i + 1, f, () => true);
        }
        reverseFrom(stack, start);
        return undefined;
      }
      case 'string':
        return this.string(f, value);
      case 'integer': {
        if (typeof value !== 'number') return this.typeError(f, value);
        const limit = schema.format === 'int32' ? 2 ** 31 : 2 ** 63;
        if (!Number.isInteger(value) || value >= limit || value < -limit) return this.typeError(f, value, `number ${String(value)}`);
        f.out[f.key] = value;
        return undefined;
      }
      case 'number':
        if (typeof value !== 'number') return this.typeError(f, value);
        f.out[f.key] = value;
        return undefined;
      case 'boolean':
        if (typeof value !== 'boolean') return this.typeError(f, value);
        f.out[f.key] = value;
        return undefined;
      case 'int-or-string': {
        // IntOrString.UnmarshalJSON reads a non-string as int32, and its error stops decoding.
        if (typeof value === 'string') {
          f.out[f.key] = value;
          return undefined;
        }
        if (typeof value === 'number' && Number.isInteger(value) && value < 2 ** 31 && value >= -(2 ** 31)) {
          f.out[f.key] = value;
          return undefined;
        }
        return this.unmarshalTypeError(f, typeof value === 'number' ? `number ${String(value)}` : jsonKind(value), 'int32');
      }
      case 'quantity': {
        // Quantity.UnmarshalJSON parses any JSON value's text; a string loses its quotes.
        const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : jsonKind(value);
        const err = quantityError(text);
        if (err !== undefined) return err;
        f.out[f.key] = value;
        return undefined;
      }
      case 'any':
        f.out[f.key] = value;
        return undefined;
    }
  }

  private string(f: Frame, value: unknown): string | undefined {
    const format = f.schema.format;
    if (format === 'date-time' || format === 'date-time-micro') {
      // metav1.Time's UnmarshalJSON reads a JSON string, then parses it; both errors stop decoding.
      if (typeof value !== 'string') return this.unmarshalTypeError(f, jsonKind(value), 'string');
      const parsed = parseTime(value, format === 'date-time-micro');
      if (!parsed.ok) return parsed.error;
      f.out[f.key] = parsed.text;
      return undefined;
    }
    if (typeof value !== 'string') return this.typeError(f, value);
    if (format === 'byte') {
      const bad = base64Error(value);
      if (bad !== undefined) {
        this.saved ??= bad;
        return undefined;
      }
    }
    f.out[f.key] = value;
    return undefined;
  }

  /**
   * expandObject queues a struct's fields in document order, each known one with its value
   * and each unknown one as its strict error, so errors come out in the order the document
   * has them; duplicates follow the key they repeat.
   */
  private expandObject(value: Record<string, unknown>, ref: string, out: Record<string, unknown>, parent: Frame | undefined, stack: Frame[]): void {
    const model = modelSchema(ref);
    if (!model) throw new Error(`openapi: unknown model ${ref}`);
    const keys = Object.keys(value);
    const dups = this.duplicates && this.duplicates.get(path(parent));
    const start = stack.length;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const prop = model.properties[k];
      if (prop) {
        stack.push({ value: value[k], schema: prop, out, key: k, parent, struct: model.goName, goType: model.goTypes[k], element: false });
      } else if (this.checkStrict) {
        stack.push(strictFrame(`unknown field ${JSON.stringify(join(path(parent), k))}`));
      }
      if (dups) pushDuplicates(stack, dups, i + 1, parent, (key) => key in model.properties);
    }
    reverseFrom(stack, start);
  }

  private strictError(text: string): void {
    if (this.strict.length >= MAX_STRICT_ERRORS || this.seen.has(text)) return;
    this.seen.add(text);
    this.strict.push(text);
  }

  /** typeError saves encoding/json's UnmarshalTypeError for a value of the wrong JSON type. */
  private typeError(f: Frame, value: unknown, valueText = jsonKind(value)): undefined {
    this.saved ??= `json: cannot unmarshal ${valueText} into Go struct field ${f.struct}.${fieldStack(f)} of type ${f.goType ?? goType(f.schema)}`;
    return undefined;
  }

  /** unmarshalTypeError is a custom unmarshaler's type error: it gets the field's context and stops decoding. */
  private unmarshalTypeError(f: Frame, valueText: string, type: string): string {
    return `json: cannot unmarshal ${valueText} into Go struct field ${f.struct}.${fieldStack(f)} of type ${type}`;
  }
}

const ANY: PropertySchema = { type: 'any' };
const NO_SCHEMA: Omit<Frame, 'strict'> = { value: undefined, schema: ANY, out: {}, key: '', parent: undefined, struct: '', goType: undefined, element: false };

/** path is sigs.k8s.io/json's strict field path of the value a frame decodes: `spec.containers[0].name`, '' for the root. */
function path(f: Frame | undefined): string {
  let out = '';
  for (let at = f; at; at = at.parent) {
    out = typeof at.key === 'number' ? `[${at.key}]${out}` : at.parent ? `.${at.key}${out}` : `${at.key}${out}`;
  }
  return out;
}

/** fieldStack is encoding/json's error context: the struct fields from the root, without list indexes or map keys. */
function fieldStack(f: Frame): string {
  const names: string[] = [];
  for (let at: Frame | undefined = f; at; at = at.parent) {
    if (!at.element) names.push(String(at.key));
  }
  return names.reverse().join('.');
}

function join(parentPath: string, key: string): string {
  return parentPath ? `${parentPath}.${key}` : key;
}

function strictFrame(text: string): Frame {
  return { ...NO_SCHEMA, strict: text };
}

/** pushDuplicates queues the duplicate-field errors of the keys repeated after the first `seen` distinct keys. */
function pushDuplicates(stack: Frame[], dups: readonly DuplicateKey[], seen: number, parent: Frame | undefined, reported: (key: string) => boolean): void {
  for (const d of dups) {
    if (d.after === seen && reported(d.key)) stack.push(strictFrame(`duplicate field ${JSON.stringify(join(path(parent), d.key))}`));
  }
}

function reverseFrom(stack: Frame[], start: number): void {
  for (let i = start, j = stack.length - 1; i < j; i++, j--) {
    const t = stack[i];
    stack[i] = stack[j];
    stack[j] = t;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** jsonKind is how encoding/json names a JSON value in type errors. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : 'object';
}

/** goType is the Go type a property's schema implies, as reflect prints it. */
export function goType(schema: PropertySchema): string {
  switch (schema.type) {
    case 'string':
      if (schema.format === 'byte') return '[]uint8';
      if (schema.format === 'date-time') return 'v1.Time';
      if (schema.format === 'date-time-micro') return 'v1.MicroTime';
      return 'string';
    case 'integer': return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'quantity': return 'resource.Quantity';
    case 'int-or-string': return 'intstr.IntOrString';
    case 'any': return 'runtime.RawExtension';
    case 'object': return `${goPackage(schema.ref ?? '')}.${modelSchema(schema.ref ?? '')?.goName ?? schema.ref}`;
    case 'array': return `[]${goType(schema.items ?? ANY)}`;
    case 'map': return `map[string]${goType(schema.additionalProperties ?? ANY)}`;
  }
}

/** zeroValue is what a null array item or map value decodes to: its Go type's zero value, as JSON. */
function zeroValue(schema: PropertySchema): unknown {
  switch (schema.type) {
    case 'string': return schema.format === 'date-time' || schema.format === 'date-time-micro' || schema.format === 'byte' ? null : '';
    case 'integer': case 'number': case 'int-or-string': return 0;
    case 'boolean': return false;
    case 'quantity': return '0';
    case 'object': return {};
    default: return null;
  }
}

/** base64Error is encoding/base64's CorruptInputError text for s under StdEncoding, which skips newlines. */
function base64Error(s: string): string | undefined {
  let n = 0;
  let padded = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\r' || c === '\n') continue;
    if (c === '=') {
      if (n % 4 < 2) return `illegal base64 data at input byte ${i}`;
      padded = true;
    } else if (padded || !BASE64.test(c)) {
      return `illegal base64 data at input byte ${i}`;
    }
    n++;
  }
  // A quantum cut short is reported at its first byte.
  if (n % 4 !== 0) return `illegal base64 data at input byte ${s.length - (n % 4)}`;
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]$/;

/** deeperThan tells whether value nests arrays and objects more than limit levels, without recursion. */
export function deeperThan(value: unknown, limit: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() ?? 0;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    if (Array.isArray(v)) {
      for (const child of v) {
        values.push(child);
        depths.push(depth + 1);
      }
    } else {
      for (const k in v) {
        values.push((v as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** summarizeText is the handler's summarizeData(body, 30): a JSON object's first bytes, anything else in hex. */
function summarizeText(text: string): string {
  const max = 30;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length === 0) return '<empty>';
  const head = bytes.subarray(0, max);
  const shown = text.startsWith('{') ? new TextDecoder().decode(head) : Array.from(head, (b) => b.toString(16).padStart(2, '0')).join('');
  return bytes.length > max ? `${shown} ...` : shown;
}

/** summarize is summarizeData(body, 30) of a body given as an object, printed as compact JSON without recursion. */
function summarize(body: unknown): string {
  const max = 30;
  let out = '';
  const stack: unknown[] = [body];
  while (stack.length > 0 && out.length <= max) {
    const v = stack.pop();
    if (v instanceof Closer) { out += v.text; continue; }
    if (typeof v === 'object' && v !== null) {
      const entries = Array.isArray(v) ? v.map((x): [string | undefined, unknown] => [undefined, x]) : Object.entries(v);
      out += Array.isArray(v) ? '[' : '{';
      stack.push(new Closer(Array.isArray(v) ? ']' : '}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        stack.push(x);
        const lead = (i > 0 ? ',' : '') + (k === undefined ? '' : `${JSON.stringify(k)}:`);
        if (lead) stack.push(new Closer(lead));
      }
      continue;
    }
    out += JSON.stringify(v) ?? 'null';
  }
  return out.length > max ? `${out.slice(0, max)} ...` : out;
}

/** Closer is literal text queued between a container's values while summarizing. */
class Closer {
  constructor(readonly text: string) {}
}
