/**
 * validation checks CustomResourceDefinitions as apiextensions-apiserver's
 * pkg/apis/apiextensions/validation does: names, group, scope, versions (exactly
 * one storage version), schemas (required, structural, list/map extensions,
 * x-kubernetes-validations with their compile errors) and subresources.
 * Paths follow the internal type upstream validates: when every version carries
 * the same schema (or subresources) it is reported under spec.validation (or
 * spec.subresources), as the v1 → internal conversion hoists it there.
 */
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../fieldErrors';
import { isDNS1123Subdomain } from '../validation/names';
import { isDNS1035Label } from '../../cel/library/format';
import { CelSchema } from './celValidation';
import type { CustomResourceDefinition, CustomResourceDefinitionNames, CustomResourceSubresources, JSONSchemaProps } from './types';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const RULE_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

type Level = 'root' | 'item' | 'field';

/** validateNames is ValidateCustomResourceDefinitionNames. */
function validateNames(n: CustomResourceDefinitionNames, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const dns = (v: string | undefined, f: string, prefix = '') => {
    if (!v) return;
    const e = isDNS1035Label(prefix ? v.toLowerCase() : v);
    if (e.length) errs.push(invalidValue(`${path}.${f}`, v, prefix + e.join(',')));
  };
  dns(n.plural, 'plural');
  dns(n.singular, 'singular');
  dns(n.kind, 'kind', 'may have mixed case, but should otherwise match: ');
  dns(n.listKind, 'listKind', 'may have mixed case, but should otherwise match: ');
  (n.shortNames ?? []).forEach((s, i) => {
    const e = isDNS1035Label(s);
    if (e.length) errs.push(invalidValue(`${path}.shortNames[${i}]`, s, e.join(',')));
  });
  if (n.kind && n.kind === n.listKind) errs.push(invalidValue(`${path}.listKind`, n.listKind, 'kind and listKind may not be the same'));
  (n.categories ?? []).forEach((c, i) => {
    const e = isDNS1035Label(c);
    if (e.length) errs.push(invalidValue(`${path}.categories[${i}]`, c, e.join(',')));
  });
  return errs;
}

/** validateStructural is schema.ValidateStructural's invariants (sorted as upstream sorts them). */
function validateStructural(s: JSONSchemaProps, level: Level, path: string, errs: FieldError[]): void {
  if (s.type === 'array' && !s.items) errs.push(required(`${path}.items`, 'must be specified'));
  if (s.items && !Array.isArray(s.items)) validateStructural(s.items, 'item', `${path}.items`, errs);
  for (const [k, p] of Object.entries(s.properties ?? {})) validateStructural(p, 'field', `${path}.properties[${k}]`, errs);
  if (s.additionalProperties !== undefined && s.additionalProperties !== false && level === 'root') errs.push(forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
  if (typeof s.additionalProperties === 'object') validateStructural(s.additionalProperties, 'field', `${path}.additionalProperties`, errs);
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (intOrString && preserve) errs.push(invalidValue(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (s['x-kubernetes-embedded-resource'] && s.type !== 'object') {
    errs.push(s.type ? invalidValue(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true') : required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !intOrString && !preserve) {
    errs.push(required(`${path}.type`, level === 'root' ? 'must not be empty at the root' : level === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields'));
  }
  if (level === 'root' && s.type && s.type !== 'object') errs.push(invalidValue(`${path}.type`, s.type, 'must be object at the root'));
  if (s.pattern) {
    try {
      new RegExp(s.pattern, 'u');
    } catch (err) {
      errs.push(invalidValue(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
}

/** validateSchema is ValidateCustomResourceDefinitionOpenAPISchema's checks of one node and its children. */
function validateSchema(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (s.type && !OPENAPI_TYPES.includes(s.type)) errs.push(notSupported(`${path}.type`, s.type, OPENAPI_TYPES));
  if (s.uniqueItems === true) errs.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties !== undefined && Object.keys(s.properties ?? {}).length > 0 && s.additionalProperties !== true) {
    errs.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (Array.isArray(s.items)) errs.push(forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  for (const f of ['patternProperties', 'definitions', 'dependencies', '$ref', 'additionalItems', 'id'] as const) {
    if (s[f] !== undefined) errs.push(forbidden(`${path}.${f}`, `${f} is not supported`));
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(invalidValue(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined && s.type !== 'array') {
    errs.push(s.type ? invalidValue(`${path}.type`, s.type, 'must be array if x-kubernetes-list-type is specified') : required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) errs.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  if (listType === 'map' && !s['x-kubernetes-list-map-keys']?.length) errs.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!r.rule?.trim()) errs.push(required(`${at}.rule`, 'rule is not specified'));
    else if (r.message !== undefined && r.message.length > 0 && !r.message.trim()) errs.push(invalidValue(`${at}.message`, r.message, 'must be non-empty if specified'));
    else if (r.message?.includes('\n')) errs.push(invalidValue(`${at}.message`, r.message, 'must not contain line breaks'));
    else if (r.rule.trim().includes('\n') && !r.message?.trim()) errs.push(required(`${at}.message`, 'message must be specified if rule contains line breaks'));
    if (r.messageExpression !== undefined && r.messageExpression.length > 0 && !r.messageExpression.trim()) errs.push(required(`${at}.messageExpression`, 'messageExpression must be non-empty if specified'));
    if (r.reason !== undefined && !RULE_REASONS.includes(r.reason)) errs.push(notSupported(`${at}.reason`, r.reason, RULE_REASONS));
  });
  for (const [k, p] of Object.entries(s.properties ?? {})) validateSchema(p, `${path}.properties[${k}]`, errs);
  if (typeof s.additionalProperties === 'object') validateSchema(s.additionalProperties, `${path}.additionalProperties`, errs);
  if (s.items && !Array.isArray(s.items)) validateSchema(s.items, `${path}.items`, errs);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) (s[key] ?? []).forEach((sub, i) => validateSchema(sub, `${path}.${key}[${i}]`, errs));
}

/** validateRules compiles every x-kubernetes-validations rule against the schema's CEL types. */
function validateRules(root: JSONSchemaProps, path: string): FieldError[] {
  const cel = new CelSchema(root);
  const errs: FieldError[] = [];
  const visit = (s: JSONSchemaProps, at: string) => {
    cel.rulesOf(s).forEach((c, i) => {
      if (c.error !== undefined) errs.push(invalidValue(`${at}.x-kubernetes-validations[${i}].rule`, c.rule, c.error));
      if (c.messageError !== undefined) errs.push(invalidValue(`${at}.x-kubernetes-validations[${i}].messageExpression`, c.rule, c.messageError));
      if (c.program && !c.usesOldSelf && c.rule.optionalOldSelf !== undefined) {
        errs.push(invalidValue(`${at}.x-kubernetes-validations[${i}].optionalOldSelf`, c.rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
      }
    });
    for (const [k, p] of Object.entries(s.properties ?? {})) visit(p, `${at}.properties[${k}]`);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${at}.additionalProperties`);
    if (s.items && !Array.isArray(s.items)) visit(s.items, `${at}.items`);
  };
  visit(root, path);
  return errs;
}

/** validateValidation is validateCustomResourceDefinitionValidation for one schema. */
function validateValidation(schema: JSONSchemaProps, statusEnabled: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const at = `${path}.openAPIV3Schema`;
  if (statusEnabled && schema.type !== undefined && schema.type !== 'object') {
    errs.push(invalidValue(`${at}.type`, schema.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
  }
  if (schema.nullable) errs.push(forbidden(`${at}.nullable`, 'nullable cannot be true at the root'));
  const structural: FieldError[] = [];
  validateStructural(schema, 'root', at, structural);
  structural.sort((a, b) => (`${a.field}` < `${b.field}` ? -1 : 1));
  errs.push(...structural);
  const schemaErrs: FieldError[] = [];
  validateSchema(schema, at, schemaErrs);
  errs.push(...schemaErrs);
  // Rules are compiled only against a valid structural schema, as upstream does.
  if (errs.length === 0) errs.push(...validateRules(schema, at));
  return errs;
}

function validateSubresources(sub: CustomResourceSubresources | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const scale = sub?.scale;
  if (!scale) return errs;
  const jsonPath = (v: string | undefined, f: string, prefixes: string[], why: string) => {
    if (!v) {
      if (f !== 'labelSelectorPath') errs.push(required(`${path}.scale.${f}`));
    } else if (!v.startsWith('.')) errs.push(invalidValue(`${path}.scale.${f}`, v, 'must be a simple json path starting with .'));
    else if (!prefixes.some((p) => v.startsWith(p))) errs.push(invalidValue(`${path}.scale.${f}`, v, why));
  };
  jsonPath(scale.specReplicasPath, 'specReplicasPath', ['.spec.'], 'should be a json path under .spec');
  jsonPath(scale.statusReplicasPath, 'statusReplicasPath', ['.status.'], 'should be a json path under .status');
  jsonPath(scale.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'should be a json path under either .spec or .status');
  return errs;
}

const same = (values: unknown[]) => values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));

/** validateCustomResourceDefinition is ValidateCustomResourceDefinition (metadata.name's DNS check is the generic registry's). */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CustomResourceDefinition['spec']);
  const names = spec.names ?? {};
  const versions = spec.versions ?? [];
  if (crd.metadata.name !== `${names.plural ?? ''}.${spec.group ?? ''}`) errs.push(invalidValue('metadata.name', crd.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  if (!spec.group) errs.push(required('spec.group'));
  else if (isDNS1123Subdomain(spec.group).length) errs.push(invalidValue('spec.group', spec.group, isDNS1123Subdomain(spec.group).join(',')));
  else if (spec.group.split('.').length < 2) errs.push(invalidValue('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (!spec.scope) errs.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const hoistSchema = versions.length > 0 && same(versions.map((v) => v.schema));
  const hoistSubresources = versions.length > 0 && same(versions.map((v) => v.subresources));
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`));
    const nameErrs = isDNS1035Label(v.name ?? '');
    if (nameErrs.length) errs.push(invalidValue(`spec.versions[${i}].name`, v.name, nameErrs.join(',')));
    if (!hoistSchema && v.schema?.openAPIV3Schema) errs.push(...validateValidation(v.schema.openAPIV3Schema, v.subresources?.status !== undefined, `spec.versions[${i}].schema`));
    if (!hoistSubresources) errs.push(...validateSubresources(v.subresources, `spec.versions[${i}].subresources`));
  });
  const storage = versions.filter((v) => v.storage).length;
  if (new Set(versions.map((v) => v.name)).size !== versions.length) errs.push(invalidValue('spec.versions', versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(invalidValue('spec.versions', versions, 'must have exactly one version marked as storage version'));
  for (const f of ['plural', 'singular', 'kind', 'listKind'] as const) if (!names[f]) errs.push(required(`spec.names.${f}`));
  errs.push(...validateNames(names, 'spec.names'));
  const shared = versions[0]?.schema?.openAPIV3Schema;
  if (hoistSchema && shared) errs.push(...validateValidation(shared, versions.some((v) => v.subresources?.status !== undefined), 'spec.validation'));
  if (hoistSubresources) errs.push(...validateSubresources(versions[0]?.subresources, 'spec.subresources'));
  return errs;
}

/** validateCustomResourceDefinitionUpdate adds the immutable fields: group and plural always, scope and kind once Established. */
export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const errs = validateCustomResourceDefinition(crd);
  const immutable = (a: unknown, b: unknown, field: string) => {
    if (a !== b) errs.push(invalidValue(field, a, 'field is immutable'));
  };
  if (old.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
    immutable(crd.spec.scope, old.spec.scope, 'spec.scope');
    immutable(crd.spec.names?.kind, old.spec.names?.kind, 'spec.names.kind');
  }
  immutable(crd.spec.group, old.spec.group, 'spec.group');
  immutable(crd.spec.names?.plural, old.spec.names?.plural, 'spec.names.plural');
  return errs;
}
