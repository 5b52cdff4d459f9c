/**
 * resourceTypes turns an Established CRD into the resource types the server
 * serves, one per served version, with a strategy as apiextensions-apiserver's
 * customResourceStrategy: unknown fields are pruned (and reported as
 * fieldValidation asks, by decode) and schema defaults applied (the decoder's job
 * upstream), then the object is validated against the
 * version's schema and, when that found no blocking error, its
 * x-kubernetes-validations rules (transition rules see oldSelf on update).
 */
import type { KubeObject } from '../../api/types';
import type { Decoded, FieldValidation } from '../../openapi/decode';
import { type FieldError, invalidValue } from '../fieldErrors';
import { ALL_VERBS, type ResourceType } from '../resources';
import type { Strategy } from '../strategy';
import { subdomainName } from '../validation/objectMeta';
import { CelSchema } from './celValidation';
import { applyDefaults } from './defaulting';
import { coerceCustomResource, decodeCustomResource } from './schemaCoercingDecoder';
import { validateCustomResource } from './schemaValidation';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps } from './types';

/** Error types that stop CEL rules from running (customresource strategy's hasBlockingErr). */
const BLOCKING = new Set<string>(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

/** BLOCKED_MESSAGE is the error added when rules were skipped because the object failed its schema. */
export const BLOCKED_MESSAGE = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** validateAgainstSchema is the custom resource strategy's Validate/ValidateUpdate for one version's schema. */
export function validateAgainstSchema(schema: JSONSchemaProps, cel: () => CelSchema, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs = validateCustomResource(schema, obj);
  if (errs.some((e) => BLOCKING.has(e.type))) return [...errs, invalidValue('<nil>', null, BLOCKED_MESSAGE)];
  return [...errs, ...cel().validate(obj, old)];
}

/**
 * CustomResourceStrategy is a served version's strategy, with the decoder that
 * stands in for the OpenAPI decoding built-in kinds get: the handlers call decode
 * with the request's fieldValidation before defaults.
 */
export interface CustomResourceStrategy extends Strategy {
  decode(body: KubeObject, fieldValidation: FieldValidation): Decoded;
}

function versionStrategy(v: CustomResourceDefinitionVersion, kind: string): CustomResourceStrategy {
  const schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const statusEnabled = v.subresources?.status !== undefined;
  let celSchema: CelSchema | undefined;
  const cel = () => (celSchema ??= new CelSchema(schema));
  return {
    nameValidator: subdomainName,
    generation: true,
    // customResourceStrategy.AllowUnconditionalUpdate: a PUT must carry the resourceVersion it read.
    allowUnconditionalUpdate: false,
    statusSubresource: statusEnabled,
    decode: (body, fieldValidation) => decodeCustomResource(body, schema, kind, v.name, fieldValidation),
    defaults(obj) {
      // Pruning again is harmless after decode, and keeps a body that skipped decode as upstream would store it.
      coerceCustomResource(obj, schema);
      applyDefaults(obj, schema);
    },
    prepareForCreate(obj) {
      if (statusEnabled) delete obj.status;
    },
    prepareForUpdate(obj, old) {
      if (!statusEnabled) return;
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    },
    validate: (obj) => validateAgainstSchema(schema, cel, obj, undefined),
    validateUpdate: (obj, old) => validateAgainstSchema(schema, cel, obj, old),
  };
}

/** crdResourceTypes returns the resource types a CRD serves, one per served version. */
export function crdResourceTypes(crd: CustomResourceDefinition): ResourceType[] {
  const { group, names, scope } = crd.spec;
  // Every version, served or not, maps its replicas path (none without a scale subresource), as the CRD handler's mappings do.
  const replicasPaths = Object.fromEntries(crd.spec.versions.map((v) => [`${group}/${v.name}`, v.subresources?.scale?.specReplicasPath ?? null]));
  return crd.spec.versions.filter((v) => v.served).map((v) => {
    const scale = v.subresources?.scale;
    const subresources = [...(v.subresources?.status ? ['status'] : []), ...(scale ? ['scale'] : [])];
    return {
      group,
      version: v.name,
      resource: names.plural ?? '',
      kind: names.kind ?? '',
      singularName: names.singular ?? names.kind?.toLowerCase() ?? '',
      namespaced: scope === 'Namespaced',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: ALL_VERBS,
      subresources,
      strategy: versionStrategy(v, names.kind ?? ''),
      ...(scale?.specReplicasPath && scale.statusReplicasPath
        ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}), replicasPaths } }
        : {}),
    };
  });
}
