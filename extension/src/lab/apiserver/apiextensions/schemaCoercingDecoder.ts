/**
 * schemaCoercingDecoder decodes a custom resource as apiextensions-apiserver's
 * decoder of the same name, with the handlers' fieldValidation switch around it
 * (handlers/create.go, update.go): unknown fields are dropped in every mode, and
 * are a 400 (Strict), one warning each (Warn, the default) or nothing (Ignore).
 */
import type { KubeObject } from '../../api/types';
import type { Decoded, FieldValidation } from '../../openapi/decode';
import { badRequest } from '../errors';
import { pruneEmbeddedObjectMeta, pruneObjectMeta } from './objectMeta';
import { prune } from './pruning';
import type { JSONSchemaProps } from './types';

/**
 * coerceCustomResource is unstructuredSchemaCoercer.apply: obj's ObjectMeta, the
 * fields its schema does not specify and the ObjectMeta of its embedded resources
 * are pruned in place; the paths dropped come back in upstream's order (metadata,
 * then the pruned fields sorted, then embedded metadata sorted).
 */
export function coerceCustomResource(obj: KubeObject, schema: JSONSchemaProps): string[] {
  return [...pruneObjectMeta(obj, ''), ...prune(obj, schema, true), ...pruneEmbeddedObjectMeta(obj, schema)];
}

/**
 * decodeCustomResource returns a pruned copy of body and the warnings for its unknown
 * fields, or the 400 a Strict request gets: `CronTab in version "v1" cannot be handled
 * as a CronTab: strict decoding error: unknown field "spec.bogus"` (transformDecodeError
 * names the body's kind and version, defaulted from the endpoint's).
 */
export function decodeCustomResource(body: KubeObject, schema: JSONSchemaProps, kind: string, version: string, fieldValidation: FieldValidation): Decoded {
  const object = structuredClone(body);
  const unknown = coerceCustomResource(object, schema);
  // Ignore decodes with the non-strict serializer, which does not collect the paths at all.
  if (fieldValidation === 'Ignore' || unknown.length === 0) return { object, warnings: [] };
  // fmt.Errorf(`unknown field "%s"`): the path is not escaped.
  const errors = unknown.map((path) => `unknown field "${path}"`);
  if (fieldValidation === 'Warn') return { object, warnings: errors };
  const bodyKind = typeof body.kind === 'string' && body.kind ? body.kind : kind;
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const bodyVersion = apiVersion ? apiVersion.slice(apiVersion.indexOf('/') + 1) : version;
  return { status: badRequest(`${bodyKind} in version ${JSON.stringify(bodyVersion)} cannot be handled as a ${kind}: strict decoding error: ${errors.join(', ')}`) };
}
