/**
 * fieldErrors mirrors apimachinery's validation/field package: typed errors on a
 * field path whose text is exactly upstream's (`spec.replicas: Invalid value: -1:
 * must be greater than or equal to 0`).
 */

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'FieldValueInternal';

/** OMIT_VALUE as an error's value prints no value, as field.OmitValueType (`spec: Invalid value: <detail>`). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
  /** supported lists the accepted values of a NotSupported error. */
  supported?: string[];
}

export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const invalidValue = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value });
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({ type: 'FieldValueNotSupported', field, value, supported });

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueInternal: 'Internal error',
};

/** GoText is a bad value whose Go %#v form JSON cannot carry, printed as given. */
export class GoText {
  constructor(readonly text: string) {}
}

/** uint64Value is a Go uint64 bad value: ErrorBody has no simple printer for it, so %#v prints hex (`0x0`). */
export function uint64Value(n: number): GoText {
  return new GoText(`0x${n.toString(16)}`);
}

/** goValue prints a value as Go's %#v-ish formatting in field errors does. */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // ErrorBody prints a nil value as the string "null", quoted.
  if (v === null || v === undefined) return '"null"';
  if (v instanceof GoText) return v.text;
  if (Array.isArray(v)) return `[]interface {}{${v.map(goValue).join(', ')}}`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.every(([, x]) => typeof x === 'string')) {
      return `map[string]string{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`).join(', ')}}`;
    }
    return JSON.stringify(v);
  }
  return typeof v === 'bigint' ? v.toString() : typeof v;
}

/** errorBody is field.Error.ErrorBody(): the message without the field path. */
export function errorBody(e: FieldError): string {
  const text = TYPE_TEXT[e.type];
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'FieldValueInternal':
      return e.detail ? `${text}: ${e.detail}` : text;
    case 'FieldValueNotSupported': {
      const list = (e.supported ?? []).map((s) => JSON.stringify(s)).join(', ');
      return `${text}: ${goValue(e.value)}${list ? `: supported values: ${list}` : ''}`;
    }
    default:
      if (e.value === OMIT_VALUE) return e.detail ? `${text}: ${e.detail}` : text;
      return `${text}: ${goValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** fieldErrorText is field.Error.Error(): `path: body`. */
export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** formatFieldErrors is ErrorList.ToAggregate().Error(): one error bare, several in brackets. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const texts = [...new Set(errors.map(fieldErrorText))];
  return texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
}
