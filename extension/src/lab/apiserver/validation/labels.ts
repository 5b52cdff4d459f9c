/**
 * labels mirrors metav1 validation (ValidateLabels, ValidateLabelName,
 * ValidateLabelSelector) over api/validate/content's IsLabelKey and IsLabelValue,
 * whose 1.36 messages count bytes, for every group whose objects carry labels or
 * selectors.
 */
import { type FieldError, forbidden, invalidValue, required } from '../fieldErrors';
import { arr, byteLength, obj, str, stringMap } from './fields';
import { DNS1123_SUBDOMAIN_FMT, regexError } from './names';

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyRe = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** content's MaxLenError counts bytes, unlike util/validation's for names. */
const maxBytes = (n: number) => `must be no more than ${n} bytes`;

/** isQualifiedName is IsQualifiedName (content.IsLabelKey): `[prefix/]name` for label and annotation keys, finalizers, resource names. */
export function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') errs.push('prefix part must be non-empty');
    else {
      if (byteLength(prefix) > 253) errs.push(`prefix part ${maxBytes(253)}`);
      if (!subdomainRe.test(prefix)) {
        errs.push(`prefix part ${regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com')}`);
      }
    }
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxBytes(63)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** isValidLabelValue is IsValidLabelValue (content.IsLabelValue). */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxBytes(63));
  if (!labelValueRe.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** validateLabelName is ValidateLabelName: a key that must be a qualified name. */
export function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((m) => invalidValue(path, key, m));
}

/** validateLabels is ValidateLabels; errors name the map's path, not the key, as upstream's do. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringMap(labels)) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(v)) errs.push(invalidValue(path, v, m));
  }
  return errs;
}

/** validateLabelSelectorRequirement is ValidateLabelSelectorRequirement. */
export function validateLabelSelectorRequirement(requirement: unknown, path: string, allowInvalidValues = false): FieldError[] {
  const r = obj(requirement);
  const values = arr(r.values).map(str);
  const errs: FieldError[] = [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalidValue(`${path}.operator`, str(r.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(r.key), `${path}.key`));
  if (!allowInvalidValues) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalidValue(`${path}.values[${i}]`, v, m));
    });
  }
  return errs;
}

/** validateLabelSelector is ValidateLabelSelector; a missing selector is valid. */
export function validateLabelSelector(selector: unknown, path: string, allowInvalidValues = false): FieldError[] {
  if (selector === undefined || selector === null) return [];
  const s = obj(selector);
  const errs = validateLabels(s.matchLabels, `${path}.matchLabels`);
  arr(s.matchExpressions).forEach((e, i) => errs.push(...validateLabelSelectorRequirement(e, `${path}.matchExpressions[${i}]`, allowInvalidValues)));
  return errs;
}
