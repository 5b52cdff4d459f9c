/**
 * configMap validates ConfigMaps and Secrets as core/validation's
 * ValidateConfigMap, ValidateConfigMapUpdate, ValidateSecret and
 * ValidateSecretUpdate do (metadata aside): keys, the 1 MiB size limit, each
 * secret type's required keys, and immutability.
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, forbidden, invalidValue, required } from '../../fieldErrors';
import { byteLength, obj, str, tooLong } from '../fields';
import { semanticEqual } from '../generic';
import { isConfigMapKey } from '../names';

/** MAX_SECRET_SIZE is core.MaxSecretSize, the limit on a config map's or secret's data. */
export const MAX_SECRET_SIZE = 1024 * 1024;


/**
 * base64Error is what Go's base64 decoding says of a bad []byte field
 * (`illegal base64 data at input byte 4`), or undefined when value decodes.
 */
export function base64Error(value: string): string | undefined {
  const firstPad = value.indexOf('=');
  const body = firstPad < 0 ? value : value.slice(0, firstPad);
  for (let i = 0; i < body.length; i++) if (!BASE64_CHAR.test(body[i])) return `illegal base64 data at input byte ${i}`;
  if (firstPad < 0) return body.length % 4 === 0 ? undefined : `illegal base64 data at input byte ${body.length - (body.length % 4)}`;
  // Padding may only fill the last quantum, after two or three characters of it.
  const padding = value.slice(firstPad);
  const fill = body.length % 4;
  if (fill < 2 || padding !== '='.repeat(4 - fill)) return `illegal base64 data at input byte ${firstPad}`;
  return undefined;
}

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/** decodedLength is the byte length of a base64 value. */
function decodedLength(value: string): number {
  return Buffer.from(value, 'base64').length;
}

/** validateConfigMap is ValidateConfigMap: valid keys, none in both bags, at most 1 MiB in all. */
export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(cm.data);
  const binary = obj(cm.binaryData);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(`data[${k}]`, k, m));
    if (k in binary) errs.push(invalidValue(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += byteLength(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(`binaryData[${k}]`, k, m));
    const bad = base64Error(str(v));
    if (bad) errs.push(invalidValue(`binaryData[${k}]`, str(v), bad));
    else size += decodedLength(str(v));
  }
  // Upstream names the whole object, field.NewPath(""), which prints as `[]`.
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('[]', MAX_SECRET_SIZE));
  return errs;
}

const IMMUTABLE = 'field is immutable when `immutable` is set';

/** validateConfigMapUpdate is ValidateConfigMapUpdate: an immutable config map keeps its data. */
export function validateConfigMapUpdate(cm: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE));
    if (!semanticEqual(cm.data, old.data)) errs.push(forbidden('data', IMMUTABLE));
    if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(forbidden('binaryData', IMMUTABLE));
  }
  return [...errs, ...validateConfigMap(cm)];
}

/** goJSONError approximates encoding/json's message for a document that is not a JSON object. */
function goJSONError(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0];
    if (first === undefined) return 'unexpected end of JSON input';
    return /[-0-9"{[tfn]/.test(first) ? 'unexpected end of JSON input' : `invalid character '${first}' looking for beginning of value`;
  }
  if (parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed))) return undefined;
  const kind = Array.isArray(parsed) ? 'array' : typeof parsed === 'string' ? 'string' : typeof parsed === 'number' ? 'number' : 'bool';
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

function decode(value: unknown): string {
  return Buffer.from(str(value), 'base64').toString('utf8');
}

/** validateSecret is ValidateSecret: valid keys, at most 1 MiB, and each type's required keys. */
export function validateSecret(secret: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(secret.data);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalidValue(`data[${k}]`, k, m));
    const bad = base64Error(str(v));
    if (bad) errs.push(invalidValue(`data[${k}]`, '<secret contents redacted>', bad));
    else size += decodedLength(str(v));
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const has = (k: string) => k in data;
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!str(obj(obj(secret.metadata).annotations)['kubernetes.io/service-account.name'])) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(required(`data[${key}]`));
        break;
      }
      const bad = goJSONError(decode(data[key]));
      if (bad) errs.push(invalidValue(`data[${key}]`, '<secret contents redacted>', bad));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLength(str(data['ssh-privatekey'])) === 0) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
  }
  return errs;
}

/** validateSecretUpdate is ValidateSecretUpdate: the type never changes; an immutable secret keeps its data. */
export function validateSecretUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(secret.type) !== str(old.type)) errs.push(invalidValue('type', str(secret.type), 'field is immutable'));
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE));
    if (!semanticEqual(secret.data, old.data)) errs.push(forbidden('data', IMMUTABLE));
  }
  return [...errs, ...validateSecret(secret)];
}
