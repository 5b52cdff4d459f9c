/**
 * managedFields converts between metadata.managedFields entries and the field
 * manager's working form (managedfields/internal/managedfields.go): each entry is
 * keyed by a manager identifier, the JSON of its manager, operation, API version
 * (updates only) and subresource, so an applier keeps one entry across versions
 * while an updater has one per version.
 */
import { type FieldError, invalidValue } from '../fieldErrors';
import { goValueJson, utf8Length } from '../patch/goFormat';
import { FieldSet } from './fieldSet';
import type { Managers } from './updater';

/** ManagedFieldsEntry is metav1.ManagedFieldsEntry as JSON. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** Managed is the managers' fields and the time each last changed something. */
export interface Managed {
  fields: Managers;
  times: Map<string, string | undefined>;
}

/** emptyManaged is the state of an object nobody manages yet. */
export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

/** ManagedFieldsError carries upstream's text for managedFields that do not decode. */
export class ManagedFieldsError extends Error {}

/** buildManagerIdentifier is BuildManagerIdentifier: the entry without fields and time, and without the version for appliers. */
export function buildManagerIdentifier(e: ManagedFieldsEntry): string {
  const parts: string[] = [];
  if (e.manager) parts.push(`"manager":${goValueJson(e.manager)}`);
  if (e.operation) parts.push(`"operation":${goValueJson(e.operation)}`);
  if (e.apiVersion && e.operation !== 'Apply') parts.push(`"apiVersion":${goValueJson(e.apiVersion)}`);
  if (e.subresource) parts.push(`"subresource":${goValueJson(e.subresource)}`);
  return `{${parts.join(',')}}`;
}

/** decodeManagedFields is DecodeManagedFields; it throws ManagedFieldsError with upstream's words. */
export function decodeManagedFields(entries: unknown): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((raw, i) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
    if (!e.fieldsType) throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = buildManagerIdentifier(e);
    let set: FieldSet;
    try {
      set = e.fieldsV1 === undefined || e.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set from ${JSON.stringify(e)}: error decoding set: ${err instanceof Error ? err.message : String(err)}`);
    }
    managed.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    managed.times.set(id, e.time);
  });
  return managed;
}

/** encodeManagedFields is encodeManagedFields: entries sorted as upstream sorts them, or undefined when nobody manages anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const who = parseIdentifier(id);
    const time = managed.times.get(id);
    const entry: ManagedFieldsEntry = {};
    if (who.manager) entry.manager = who.manager;
    entry.operation = vs.applied ? 'Apply' : (who.operation ?? 'Update');
    entry.apiVersion = vs.apiVersion;
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = vs.set.toFieldsV1();
    if (who.subresource) entry.subresource = who.subresource;
    out.push(entry);
  }
  return out.sort(compareEntries);
}

/** Parsed manager identifiers, kept up to a bound: the same few managers write every object. */
const identifiers = new Map<string, ManagedFieldsEntry>();

function parseIdentifier(id: string): ManagedFieldsEntry {
  let who = identifiers.get(id);
  if (!who) {
    who = JSON.parse(id) as ManagedFieldsEntry;
    if (identifiers.size < 10000) identifiers.set(id, who);
  }
  return who;
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) : 0;
}

function compareStrings(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return compareStrings(p.operation, q.operation)
    || seconds(p.time) - seconds(q.time)
    || compareStrings(p.manager, q.manager)
    || compareStrings(p.apiVersion, q.apiVersion)
    || compareStrings(p.subresource, q.subresource);
}

/** isResetManagedFields tells a request that clears managedFields: an empty list, or one empty entry. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  const only: unknown = entries[0];
  return entries.length === 1 && typeof only === 'object' && only !== null && Object.values(only).every((v) => v === '' || v === null);
}

/**
 * validateManagedFields is ValidateManagedFields (apimachinery/pkg/apis/meta/v1/validation),
 * which object metadata validation runs on metadata.managedFields: each entry's
 * operation and fieldsType, its manager's length and printable characters, and its
 * subresource's length.
 */
export function validateManagedFields(entries: readonly ManagedFieldsEntry[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  entries.forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') errs.push(invalidValue(`${at}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(invalidValue(`${at}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(e.manager ?? '', `${at}.manager`));
    if (utf8Length(e.subresource ?? '') > 256) errs.push({ type: 'FieldValueTooLong', field: `${at}.subresource`, value: e.subresource, detail: 'may not be more than 256 bytes' });
  });
  return errs;
}

/** validateFieldManager is ValidateFieldManager: at most 128 bytes, all printable. */
export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (utf8Length(manager) > 128) errs.push({ type: 'FieldValueTooLong', field: path, value: manager, detail: 'may not be more than 128 bytes' });
  if (PRINTABLE_ASCII.test(manager)) return errs;
  let position = 0;
  for (const ch of manager) {
    if (NOT_PRINTABLE.test(ch)) {
      const cp = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      errs.push(invalidValue(path, manager, `invalid character U+${cp} (at position ${position})`));
    }
    position += utf8Length(ch);
  }
  return errs;
}

/** PRINTABLE_ASCII matches the names most managers have, which need no rune-by-rune check. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Runes unicode.IsPrint rejects; the ASCII space is printable, other spaces are not. */
export const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]|(?! )\p{Zs}/u;
