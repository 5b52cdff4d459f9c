/**
 * generic holds the small validators every API group's validation.go calls from
 * apimachinery and core/validation (ValidateNonnegativeField,
 * ValidateImmutableField, IsValidPercent, IsDNS1035Label …), with upstream's words,
 * and the guards that let validation walk untrusted JSON without throwing.
 */
import type { LabelSelector } from '../../api/types';
import { selectorMatches } from '../../api/labels';
import { type FieldError, invalidValue, required } from '../fieldErrors';
import { isDNS1123Subdomain } from './names';

/** The detail of ValidateImmutableField (apimachinery's FieldImmutableErrorMsg). */
const FIELD_IMMUTABLE = 'field is immutable';

/** list returns x when it is an array, else []: validation must survive any JSON a client sends. */
export function list<T>(x: readonly T[] | undefined | null): readonly T[] {
  return Array.isArray(x) ? (x as readonly T[]) : [];
}

/** record returns x as T when it is a JSON object, else undefined (T names the shape validation expects to read). */
export function record<T extends object = Record<string, unknown>>(x: unknown): T | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as T) : undefined;
}

/** entries lists a map field's entries, or none when the field is not an object. */
export function entries<V>(x: Record<string, V> | undefined | null): [string, V][] {
  return record(x) ? Object.entries(x as Record<string, V>) : [];
}

/** isSet tells a field that is present from one that is absent (undefined or JSON null, as a nil pointer). */
export function isSet<T>(x: T | undefined | null): x is T {
  return x !== undefined && x !== null;
}

/**
 * labelSelectorMatches is LabelSelectorAsSelector(selector).Matches(labels) for a
 * selector that validated: a nil selector matches nothing, an empty one everything.
 * Parts of the wrong JSON type are read as absent, so it never throws.
 */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: unknown): boolean {
  if (!isSet(selector) || !record(selector)) return false;
  const clean: LabelSelector = {
    matchLabels: Object.fromEntries(entries(selector.matchLabels).filter(([, v]) => typeof v === 'string')),
    matchExpressions: list(selector.matchExpressions).filter((e) => record(e) && typeof e.key === 'string').map((e) => ({ ...e, values: list(e.values) as string[] })),
  };
  return selectorMatches(clean, Object.fromEntries(entries(record<Record<string, string>>(labels))));
}

/** tooMany is field.TooMany: `path: Too many: 25: must have at most 20 items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} items` };
}

/** validateNonnegativeField is core/validation's ValidateNonnegativeField. */
export function validateNonnegativeField(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalidValue(path, value, 'must be greater than or equal to 0')] : [];
}

/** validateImmutableField reports `field is immutable` when value differs semantically from old. */
export function validateImmutableField(value: unknown, old: unknown, path: string): FieldError[] {
  return semanticEqual(value, old) ? [] : [invalidValue(path, value, FIELD_IMMUTABLE)];
}

/**
 * semanticEqual is apimachinery's equality.Semantic.DeepEqual over JSON: an absent
 * field equals null, and an empty list or map equals an absent one, as Go's nil
 * and empty slices and maps compare equal there. Key order does not matter.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  const ra = record(a);
  const rb = record(b);
  if (!ra || !rb) return false;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!semanticEqual(ra[k], rb[k])) return false;
  return true;
}

function isEmpty(x: unknown): boolean {
  if (x === undefined || x === null) return true;
  if (Array.isArray(x)) return x.length === 0;
  return false;
}

const PERCENT = /^[0-9]+%$/;

/** isValidPercent is util/validation's IsValidPercent. */
export function isValidPercent(value: string): string[] {
  return PERCENT.test(value) ? [] : ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"];
}

const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035Re = new RegExp(`^${DNS1035_LABEL}$`);

/** isDNS1035Label is util/validation's IsDNS1035Label (service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!dns1035Re.test(value)) {
    errs.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`);
  }
  return errs;
}

/** isValidPortNum is util/validation's IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

const portNameCharset = /^[-a-z0-9]+$/;
const hasLetter = /[a-z]/;

/** isValidPortName is util/validation's IsValidPortName (IANA service names). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!portNameCharset.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!hasLetter.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${HTTP_PATH_FMT}$`);

/** isDomainPrefixedPath is util/validation's IsDomainPrefixedPath (`acme.io/foo`). */
export function isDomainPrefixedPath(path: string, value: string): FieldError[] {
  if (value.length === 0) return [required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host === '' || rest === '') return [invalidValue(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalidValue(path, host, m));
  if (!httpPathRe.test(rest)) errs.push(invalidValue(path, rest, `Invalid path (regex used for validation is '${HTTP_PATH_FMT}')`));
  return errs;
}
