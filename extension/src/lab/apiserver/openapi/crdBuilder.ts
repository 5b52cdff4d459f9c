/**
 * crdBuilder is apiextensions-apiserver's OpenAPI builder
 * (pkg/controller/openapi/builder/builder.go) for one served version of a
 * CustomResourceDefinition: the kind's definition from the version's schema with
 * apiVersion, kind and metadata added (and to every embedded resource), its list
 * definition, and the routes the custom resource handler serves — list (also
 * across namespaces), create, deletecollection, get, replace, delete, patch, and
 * the status and scale subresources when the version has them. Custom resources
 * take JSON and YAML only, and no strategic merge patch.
 */
import type { CustomResourceDefinition, JSONSchemaProps } from '../apiextensions/types';
import { type Schema, swaggerDoc } from './definitions';
import { META, NAMESPACE_PARAM, PRETTY, optionParams, syntheticDefinitionName } from './installer';
import { type OpenApiVersion, type Param, type Route, refTo as ref } from './routes';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
const JSON_YAML = ['application/json', 'application/yaml'];
const CR_PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/** CrdVersion is the built OpenAPI of one served version of a CRD. */
export interface CrdVersion {
  routes: Route[];
  /** definitions are the kind's and its list's, keyed by definition name. */
  definitions: Record<string, Schema>;
}

/** refProperty is spec.RefSchema(...).WithDescription(...), wrapped in allOf for v3 as WrapRefs does. */
function refProperty(name: string, description: string, version: OpenApiVersion): Schema {
  return version === 'v3' ? { allOf: [{ $ref: ref(name, version) }], description } : { $ref: ref(name, version), description };
}

function typeMetaProperty(field: 'apiVersion' | 'kind', description = swaggerDoc('TypeMeta', field)): Schema {
  return { description, type: 'string' };
}

/** unfold is Structural.Unfold: an int-or-string without its own alternatives gets anyOf integer or string. */
function unfold(s: JSONSchemaProps): JSONSchemaProps {
  const out: JSONSchemaProps = { ...s };
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, unfold(v)]));
  if (s.items && !Array.isArray(s.items)) out.items = unfold(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = unfold(s.additionalProperties);
  if (s['x-kubernetes-int-or-string'] && !s.anyOf && !s.allOf?.some((a) => a.anyOf)) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  return out;
}

/** addEmbeddedProperties gives every x-kubernetes-embedded-resource node apiVersion, kind and metadata, as builder.go does. */
function addEmbeddedProperties(s: Schema, version: OpenApiVersion): Schema {
  const out: Schema = { ...s };
  const props = s.properties as Record<string, Schema> | undefined;
  if (props) out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, addEmbeddedProperties(v, version)]));
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) out.items = addEmbeddedProperties(s.items as Schema, version);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = addEmbeddedProperties(s.additionalProperties as Schema, version);
  if (s['x-kubernetes-embedded-resource'] === true && !(version === 'v2' && s['x-kubernetes-preserve-unknown-fields'] === true)) {
    out.properties = {
      ...(out.properties as Record<string, Schema> | undefined),
      apiVersion: typeMetaProperty('apiVersion', 'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'),
      kind: typeMetaProperty('kind', 'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
      metadata: refProperty(OBJECT_META, swaggerDoc('PartialObjectMetadata', 'metadata'), version),
    };
    const required = [...((s.required as string[] | undefined) ?? [])];
    for (const r of ['kind', 'apiVersion']) if (!required.includes(r)) required.push(r);
    out.required = required;
  }
  return out;
}

/** VALUE_VALIDATIONS are what StripValueValidations removes, with the junctors Swagger 2.0 cannot say. */
const VALUE_VALIDATIONS = new Set(['format', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems',
  'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'allOf', 'oneOf', 'anyOf', 'not', 'x-kubernetes-validations']);

/**
 * toOpenApiV2 is ToStructuralOpenAPIV2 with value validations stripped, as the v2
 * controller publishes custom resources: a nullable or unknown-preserving node
 * loses what kubectl cannot cope with (its type, items and properties), as does
 * an array left without items.
 */
function toOpenApiV2(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (VALUE_VALIDATIONS.has(k) || k === 'nullable') continue;
    if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, ps]) => [p, toOpenApiV2(ps)]));
    else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object' && !Array.isArray(v)) out[k] = toOpenApiV2(v as Schema);
    else out[k] = v;
  }
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.nullable === true || preserve) {
    delete out.items;
    delete out.properties;
  }
  if (s.nullable === true || (out.type === 'array' && !out.items) || (preserve && out.type === 'object')) delete out.type;
  const props = (s.properties ?? {}) as Record<string, Schema>;
  if (Array.isArray(out.required)) out.required = (out.required as string[]).filter((f) => props[f]?.nullable !== true);
  if ((s.additionalProperties as Schema | undefined)?.nullable === true) delete out.required;
  return out;
}

/** kindSchema is buildKubeNative: the version's schema with TypeMeta and ObjectMeta, or a bare object when it has none. */
function kindSchema(crd: CustomResourceDefinition, schema: JSONSchemaProps | undefined, gvk: Schema, version: OpenApiVersion): Schema {
  const preserve = schema?.['x-kubernetes-preserve-unknown-fields'] === true || crd.spec.preserveUnknownFields === true;
  if (!schema || (version === 'v2' && preserve)) return { type: 'object', 'x-kubernetes-group-version-kind': [gvk] };
  let s: Schema = unfold(schema);
  if (version === 'v2') s = toOpenApiV2(s);
  s = addEmbeddedProperties({
    ...s,
    properties: {
      ...(s.properties as Record<string, Schema> | undefined),
      metadata: refProperty(OBJECT_META, swaggerDoc('PartialObjectMetadata', 'metadata'), version),
      apiVersion: typeMetaProperty('apiVersion'),
      kind: typeMetaProperty('kind'),
    },
  }, version);
  return { ...s, 'x-kubernetes-group-version-kind': [gvk] };
}

/** buildCrdVersion builds one served version's definitions and routes. */
export function buildCrdVersion(crd: CustomResourceDefinition, versionName: string, version: OpenApiVersion): CrdVersion | undefined {
  const v = crd.spec.versions.find((x) => x.name === versionName && x.served);
  const { group, names } = crd.spec;
  const kind = names.kind ?? '';
  const listKind = names.listKind ?? `${kind}List`;
  const plural = names.plural ?? '';
  if (!v || !kind || !plural) return undefined;
  const namespaced = crd.spec.scope === 'Namespaced';
  const kindName = syntheticDefinitionName(group, versionName, kind);
  const listName = syntheticDefinitionName(group, versionName, listKind);
  const gvk = { group, kind, version: versionName };
  const definitions: Record<string, Schema> = {
    [kindName]: kindSchema(crd, v.schema?.openAPIV3Schema, gvk, version),
    [listName]: {
      description: `${listKind} is a list of ${kind}`,
      properties: {
        apiVersion: typeMetaProperty('apiVersion'),
        items: { description: `List of ${plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, items: { $ref: ref(kindName, version) }, type: 'array' },
        kind: typeMetaProperty('kind'),
        metadata: refProperty(LIST_META, swaggerDoc('PartialObjectMetadataList', 'metadata'), version),
      },
      required: ['items'],
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group, kind: listKind, version: versionName }],
    },
  };

  const ns = namespaced ? 'Namespaced' : '';
  const collection = namespaced ? `/apis/${group}/${versionName}/namespaces/{namespace}/${plural}` : `/apis/${group}/${versionName}/${plural}`;
  const nameParam: Param = { name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${kind}` };
  const routes: Route[] = [];
  const build = (path: string, method: Route['method'], action: string, verb: string, sample: string, sub = '', overrides: Partial<Route> = {}): void => {
    const params: Param[] = [PRETTY, ...(path.includes('{namespace}') ? [NAMESPACE_PARAM] : []), ...(path.includes('{name}') ? [nameParam] : [])];
    const options = { get: 'GetOptions', list: 'ListOptions', deletecollection: 'ListOptions', put: 'UpdateOptions', patch: 'PatchOptions', post: 'CreateOptions', delete: 'DeleteOptions' }[action] ?? '';
    params.push(...optionParams(options));
    const responses = [{ code: 200, message: 'OK', model: sample }];
    if (action === 'post') responses.push({ code: 202, message: 'Accepted', model: sample }, { code: 201, message: 'Created', model: sample });
    if (action === 'delete') responses.push({ code: 202, message: 'Accepted', model: sample });
    if (action === 'put') responses.push({ code: 201, message: 'Created', model: sample });
    const subText = sub ? ` ${sub} of` : '';
    const description = {
      list: `list${subText} objects of kind ${kind}`, read: `read${subText} the specified ${kind}`, replace: `replace${subText} the specified ${kind}`,
      patch: `partially update${subText} the specified ${kind}`, create: `create${subText}${/^[aeiou]/i.test(kind) ? ' an ' : ' a '}${kind}`,
      delete: `delete${subText}${/^[aeiou]/i.test(kind) ? ' an ' : ' a '}${kind}`, deletecollection: `delete collection of${sub ? ` ${sub} of a` : ''} ${kind}`,
    }[verb] ?? '';
    const body = action === 'post' || action === 'put' ? { model: sample, required: true } : action === 'patch' ? { model: META.patch, required: true } : action === 'delete' ? { model: META.deleteOptions, required: false } : undefined;
    routes.push({
      path, method, description, operation: `${verb}${ns}${kind}${sub ? sub[0].toUpperCase() + sub.slice(1) : ''}`, params,
      ...(body ? { body } : {}), consumes: method === 'patch' ? CR_PATCH_TYPES : JSON_YAML, produces: JSON_YAML, responses,
      extensions: { 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk }, ...overrides,
    });
  };
  if (namespaced) build(`/apis/${group}/${versionName}/${plural}`, 'get', 'list', 'list', listName, '', { operation: `list${kind}ForAllNamespaces` });
  build(collection, 'get', 'list', 'list', listName);
  build(collection, 'post', 'post', 'create', kindName);
  build(collection, 'delete', 'deletecollection', 'deletecollection', META.status);
  const item = `${collection}/{name}`;
  build(item, 'get', 'get', 'read', kindName);
  build(item, 'put', 'put', 'replace', kindName);
  build(item, 'delete', 'delete', 'delete', META.status);
  build(item, 'patch', 'patch', 'patch', kindName);
  if (v.subresources?.status) {
    build(`${item}/status`, 'get', 'get', 'read', kindName, 'status');
    build(`${item}/status`, 'put', 'put', 'replace', kindName, 'status');
    build(`${item}/status`, 'patch', 'patch', 'patch', kindName, 'status');
  }
  if (v.subresources?.scale) {
    build(`${item}/scale`, 'get', 'get', 'read', SCALE, 'scale');
    build(`${item}/scale`, 'put', 'put', 'replace', SCALE, 'scale');
    build(`${item}/scale`, 'patch', 'patch', 'patch', SCALE, 'scale');
  }
  return { routes, definitions };
}
