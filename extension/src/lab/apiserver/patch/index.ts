/**
 * patch is the PATCH verb's body handling, as upstream's patch handler
 * (apiserver/pkg/endpoints/handlers/patch.go) does it: which Content-Types are patch
 * types, decoding each kind of body with upstream's error words, and applying JSON,
 * merge and strategic merge patches to the current object. Server-side apply bodies
 * are decoded here and merged by the field manager.
 */
import { parseAllDocuments } from 'yaml';
import type { KubeObject, Status } from '../../api/types';
import { badRequest, invalid } from '../errors';
import { invalidValue, required, type FieldError } from '../fieldErrors';
import { validateFieldManager } from '../fieldmanager/managedFields';
import { goJsonKind } from './goFormat';
import { parseGoJson } from './goJson';
import { applyJsonPatch, decodeJsonPatch } from './jsonPatch';
import { applyMergePatch } from './mergePatch';
import { modelPatchSchema } from './patchMeta';
import { SmpError } from './smpErrors';
import { genericInvalid, requestEntityTooLarge, serverError } from './statusErrors';
import { strategicMergeMapPatch } from './strategicMergePatch';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** FieldValidation is the request's fieldValidation; upstream treats an empty one as Warn. */
export type { FieldValidation } from '../../openapi/decode';
import type { FieldValidation } from '../../openapi/decode';

/** PATCH_MEDIA_TYPES are the Content-Types of the patch types. */
export const PATCH_MEDIA_TYPES: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Upstream's cap on the operations of one JSON patch (maxJSONPatchOperations). */
const MAX_JSON_PATCH_OPERATIONS = 10000;

/** patchTypeOf maps a Content-Type to a patch type, dropping parameters after `;` as upstream does, or undefined for anything else. */
export function patchTypeOf(contentType: string): PatchType | undefined {
  const semi = contentType.indexOf(';');
  const type = semi > 0 ? contentType.slice(0, semi) : contentType;
  return (Object.keys(PATCH_MEDIA_TYPES) as PatchType[]).find((t) => PATCH_MEDIA_TYPES[t] === type);
}

/** unsupportedPatchMediaType is the 415 for a Content-Type that is no accepted patch type; custom resources do not accept strategic merge patch. */
export function unsupportedPatchMediaType(strategicAllowed: boolean): Status {
  const accepted = (['json', 'merge', 'strategic', 'apply'] as const).filter((t) => strategicAllowed || t !== 'strategic').map((t) => PATCH_MEDIA_TYPES[t]);
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 415, reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  };
}

/**
 * validatePatchOptions is ValidatePatchOptions: `force` only with apply, and apply
 * needs a fieldManager; a field manager is printable and at most 128 bytes.
 */
export function validatePatchOptions(type: PatchType, options: { fieldManager?: string; force?: boolean }): Status | undefined {
  const errs: FieldError[] = [];
  const manager = options.fieldManager ?? '';
  if (type !== 'apply' && options.force !== undefined) errs.push({ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
  if (type === 'apply' && manager === '') errs.push(required('fieldManager', 'is required for apply patch'));
  errs.push(...validateFieldManager(manager, 'fieldManager'));
  return errs.length ? invalid('PatchOptions', 'meta.k8s.io', '', errs) : undefined;
}

/**
 * applyPatch applies a JSON, merge or strategic merge patch to current and returns
 * the patched object (sharing nothing with current) or upstream's Status. body is the
 * raw body (a string) or the JSON already decoded; model is the kind's OpenAPI model,
 * undefined for custom resources, which take no strategic merge patch (415).
 */
export function applyPatch(type: Exclude<PatchType, 'apply'>, current: KubeObject, body: unknown, model: string | undefined, fieldValidation: FieldValidation = 'Warn'): { object: KubeObject } | { status: Status } {
  const strict = fieldValidation !== 'Ignore';
  if (type === 'strategic' && !model) return { status: unsupportedPatchMediaType(false) };
  let patch = body;
  if (typeof body === 'string') {
    const parsed = parseGoJson(body);
    if ('error' in parsed) {
      if (type === 'merge' && !strict) return { status: badRequest('Invalid JSON Patch') };
      return { status: badRequest(type !== 'strategic' && strict ? `error decoding patch: ${parsed.error}` : parsed.error) };
    }
    patch = parsed.value;
  }
  switch (type) {
    case 'json': {
      const decoded = decodeJsonPatch(patch, strict);
      if ('error' in decoded) return { status: badRequest(decoded.error) };
      if (decoded.ops.length > MAX_JSON_PATCH_OPERATIONS) {
        return { status: requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${decoded.ops.length}`) };
      }
      const result = applyJsonPatch(structuredClone(current), decoded.ops);
      return 'error' in result ? { status: genericInvalid() } : asObject(result.doc);
    }
    case 'merge': {
      if (strict && patch !== null && (typeof patch !== 'object' || Array.isArray(patch))) {
        return { status: badRequest(`error decoding patch: json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`) };
      }
      const result = applyMergePatch(structuredClone(current), patch);
      return 'error' in result ? { status: badRequest(result.error) } : asObject(result.value);
    }
    case 'strategic': {
      if (patch !== null && (typeof patch !== 'object' || Array.isArray(patch))) {
        return { status: badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`) };
      }
      try {
        const merged = strategicMergeMapPatch(structuredClone(current), structuredClone((patch ?? {}) as Record<string, unknown>), modelPatchSchema(model ?? ''));
        return asObject(merged);
      } catch (err) {
        if (!(err instanceof SmpError)) throw err;
        if (err.kind === 'badRequest') return { status: badRequest(err.message) };
        return { status: err.kind === 'invalid' ? genericInvalid() : serverError(err.message) };
      }
    }
  }
}

/**
 * checkName is the handler's checkName (handlers/rest.go), run on a patched or applied
 * object: it must keep the URL's name (an apply that creates must give one) and, when it
 * names a namespace, the request's.
 */
export function checkName(obj: KubeObject, name: string, namespace: string): Status | undefined {
  const objName = obj.metadata.name ?? '';
  if (!objName) return badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
  if (objName !== name) return badRequest(`the name of the object (${objName}) does not match the name on the URL (${name})`);
  const objNamespace = obj.metadata.namespace ?? '';
  if (namespace && objNamespace && objNamespace !== namespace) {
    return badRequest(`the namespace of the object (${objNamespace}) does not match the namespace on the request (${namespace})`);
  }
  return undefined;
}

/** asObject is the decode of the patched document into the kind's type, which only an object survives. */
function asObject(doc: unknown): { object: KubeObject } | { status: Status } {
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    const obj = doc as KubeObject;
    return { object: typeof obj.metadata === 'object' && obj.metadata !== null ? obj : { ...obj, metadata: {} } };
  }
  const json = JSON.stringify(doc);
  const why = `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonKind(doc)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  return { status: invalid('', '', '', [invalidValue('patch', json, why)]) };
}

/**
 * decodeApplyConfiguration decodes a server-side apply body (YAML, of which JSON is a
 * part) into the object it configures, or the 400 upstream gives a body that is not
 * a YAML map. An empty body configures nothing, which the field manager then refuses.
 */
export function decodeApplyConfiguration(body: unknown): { config: Record<string, unknown> } | { status: Status } {
  let value = body;
  if (typeof body === 'string') {
    const docs = parseAllDocuments(body, { version: '1.1', uniqueKeys: false, customTags: withoutTimestampsAndBinary });
    const doc = Array.isArray(docs) ? docs[0] : docs;
    const err = doc?.errors[0];
    if (err) {
      const line = err.linePos?.[0].line ?? 1;
      const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { status: badRequest(`error decoding YAML: error converting YAML to JSON: yaml: line ${line}: ${what}`) };
    }
    value = doc ? (doc.toJS() as unknown) : null;
  }
  if (value === null || value === undefined) return { config: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { status: badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`) };
  }
  return { config: value as Record<string, unknown> };
}

/** sigs.k8s.io/yaml turns timestamps and binary into the strings they were written as, not dates and bytes. */
function withoutTimestampsAndBinary<T>(tags: T[]): T[] {
  return tags.filter((t) => typeof t !== 'object' || t === null || !['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary'].includes((t as { tag?: string }).tag ?? ''));
}
