/**
 * schemaValidation validates a custom resource against its version's OpenAPI v3
 * schema as kube-openapi's validate.SchemaValidator does, and turns the results
 * into field errors as apiextensions-apiserver's kubeOpenAPIResultToFieldErrors
 * does (`spec.replicas: Invalid value: "string": spec.replicas in body must be of
 * type integer: "string"`, `spec.name: Required value`, enum → Unsupported value).
 */
import { type FieldError, invalidValue, notSupported, required } from '../fieldErrors';
import { tooLong, tooMany, typeInvalid } from './fieldErrorKinds';
import { validFormat } from './formats';
import type { JSONSchemaProps } from './types';

const IN = 'body';

/** jsonType names a JSON value's type as kube-openapi's schemaInfoForType does. */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'boolean' : 'string';
}

/** errPath is the field path upstream derives from a validation error's name. */
const errPath = (name: string) => (name.startsWith('.') ? name.slice(1) : name);

function schemaTypes(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

const patterns = new Map<string, RegExp>();

/** pattern compiles a schema pattern once per server. */
function pattern(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) patterns.set(p, (re = new RegExp(p, 'u')));
  return re;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** validateValue validates data at path (`spec.replicas`, `""` for the root) against s, appending to errs. */
export function validateValue(s: JSONSchemaProps, data: unknown, path: string, errs: FieldError[]): void {
  const types = schemaTypes(s);
  const kind = jsonType(data);
  if (data === null || data === undefined) {
    if (types.length > 0 && !s.nullable) errs.push(typeInvalid(errPath(path), 'null', `${path} in ${IN} must be of type ${types.join(',')}: "null"`));
    if (s.enum?.length && !s.enum.some((e) => e === null)) errs.push(notSupported(errPath(path), null, enumValues(s.enum)));
    return;
  }
  if (types.length > 0 && !types.includes(kind) && !(kind === 'integer' && types.includes('number'))) {
    errs.push(typeInvalid(errPath(path), kind, `${path} in ${IN} must be of type ${types.join(',')}: ${JSON.stringify(kind)}`));
  }
  for (const sub of s.allOf ?? []) validateValue(sub, data, path, errs);
  if (s.anyOf?.length && !s.anyOf.some((sub) => valid(sub, data, path))) {
    errs.push(invalidValue('<nil>', '', `${JSON.stringify(path)} must validate at least one schema (anyOf)`));
    validateValue(s.anyOf[0], data, path, errs);
  }
  if (s.oneOf?.length) {
    const matched = s.oneOf.filter((sub) => valid(sub, data, path)).length;
    if (matched !== 1) errs.push(invalidValue('<nil>', '', `${JSON.stringify(path)} must validate one and only one schema (oneOf). ${matched === 0 ? 'Found none valid' : `Found ${matched} valid alternatives`}`));
  }
  if (s.not && valid(s.not, data, path)) errs.push(invalidValue('<nil>', '', `${JSON.stringify(path)} must not validate the schema (not)`));
  if (typeof data === 'string') validateString(s, data, path, errs);
  if (typeof data === 'number') validateNumber(s, data, path, errs);
  if (Array.isArray(data)) validateArray(s, data, path, errs);
  if (s.enum?.length && !s.enum.some((e) => deepEqual(e, data))) errs.push(notSupported(errPath(path), data, enumValues(s.enum)));
  if (kind === 'object') validateObject(s, data as Record<string, unknown>, path, errs);
}

function valid(s: JSONSchemaProps, data: unknown, path: string): boolean {
  const errs: FieldError[] = [];
  validateValue(s, data, path, errs);
  return errs.length === 0;
}

function enumValues(values: readonly unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function validateString(s: JSONSchemaProps, data: string, path: string, errs: FieldError[]): void {
  const length = [...data].length;
  if (s.maxLength !== undefined && length > s.maxLength) errs.push(tooLong(errPath(path), s.maxLength));
  else if (s.minLength !== undefined && length < s.minLength) errs.push(invalidValue(errPath(path), data, `${path} in ${IN} should be at least ${s.minLength} chars long`));
  else if (s.pattern && !pattern(s.pattern).test(data)) errs.push(invalidValue(errPath(path), data, `${path} in ${IN} should match '${s.pattern}'`));
  if (s.format && (!s.type || s.type === 'string') && !validFormat(s.format, data)) {
    errs.push(typeInvalid(errPath(path), data, `${path} in ${IN} must be of type ${s.format}: ${JSON.stringify(data)}`));
  }
}

function validateNumber(s: JSONSchemaProps, data: number, path: string, errs: FieldError[]): void {
  if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(data / s.multipleOf)) {
    errs.push(invalidValue(errPath(path), data, `${path} in ${IN} should be a multiple of ${s.multipleOf}`));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? data <= s.minimum : data < s.minimum)) {
    errs.push(invalidValue(errPath(path), data, `${path} in ${IN} should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
  }
  if (s.maximum !== undefined && (s.exclusiveMaximum ? data >= s.maximum : data > s.maximum)) {
    errs.push(invalidValue(errPath(path), data, `${path} in ${IN} should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
  }
}

function validateArray(s: JSONSchemaProps, data: readonly unknown[], path: string, errs: FieldError[]): void {
  if (s.items && !Array.isArray(s.items)) {
    const items = s.items;
    data.forEach((v, i) => validateValue(items, v, `${path}[${i}]`, errs));
  }
  if (s.minItems !== undefined && data.length < s.minItems) errs.push(invalidValue(errPath(path), data.length, `${path} in ${IN} should have at least ${s.minItems} items`));
  if (s.maxItems !== undefined && data.length > s.maxItems) errs.push(tooMany(errPath(path), data.length, s.maxItems));
}

function validateObject(s: JSONSchemaProps, data: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const size = Object.keys(data).length;
  if (s.minProperties !== undefined && size < s.minProperties) errs.push(invalidValue(errPath(path), size, `${path} in ${IN} should have at least ${s.minProperties} properties`));
  if (s.maxProperties !== undefined && size > s.maxProperties) errs.push(tooMany(errPath(path), size, s.maxProperties));
  const props = s.properties ?? {};
  if (s.additionalProperties === false) {
    for (const k of Object.keys(data)) if (!(k in props)) errs.push(invalidValue(errPath(path), k, `${path}.${k} in ${IN} is a forbidden property`));
  } else if (typeof s.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(data)) if (!(k in props)) validateValue(s.additionalProperties, v, `${path}.${k}`, errs);
  }
  for (const [k, sub] of Object.entries(props)) {
    if (k in data) validateValue(sub, data[k], path ? `${path}.${k}` : k, errs);
  }
  for (const k of s.required ?? []) if (!(k in data)) errs.push(required(errPath(`${path}.${k}`)));
}

/** validateCustomResource validates a whole object against its version's schema. */
export function validateCustomResource(schema: JSONSchemaProps, obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  validateValue(schema, obj, '', errs);
  return errs;
}
