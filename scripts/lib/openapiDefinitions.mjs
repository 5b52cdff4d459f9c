// openapiDefinitions builds the OpenAPI v3 definitions kube-apiserver publishes for the
// built-in types (components.schemas of /openapi/v3/<group-version>), from the lab's
// compact model data (openapi.mjs) and the facts extractOpenApiFacts.mjs read from
// upstream's Go sources: definition names, descriptions, defaults, enums and the refs to
// apimachinery's own types the models inline. The shape is openapi-gen's, with
// builder3's WrapRefs applied (a $ref with siblings sits in an allOf); the server adds
// each definition's x-kubernetes-group-version-kind and derives the Swagger 2.0 form.

/** PATCH_EXTENSIONS maps the compact patch metadata to the x-kubernetes-* extension names. */
const PATCH_EXTENSIONS = {
  patchMergeKey: 'x-kubernetes-patch-merge-key',
  patchStrategy: 'x-kubernetes-patch-strategy',
  listType: 'x-kubernetes-list-type',
  listMapKeys: 'x-kubernetes-list-map-keys',
  mapType: 'x-kubernetes-map-type',
};

const REF_PREFIX = '#/components/schemas/';

/**
 * buildDefinitions returns `{ models, definitions, options, swaggerDocs }`: each model's
 * definition name, every definition's schema, the options structs whose fields are query
 * parameters, and the field docs of the metav1 types custom resources' schemas borrow. Models without facts (none, when the facts are current) are named as the
 * client generator named them.
 */
export function buildDefinitions(models, facts, kinds) {
  const names = {};
  for (const model of Object.keys(models)) names[model] = facts.models[model]?.name ?? model;
  const definitions = {};
  for (const [name, def] of Object.entries(facts.special)) definitions[name] = sortKeys(specialSchema(def));
  for (const [model, raw] of Object.entries(models)) {
    const modelFacts = facts.models[model] ?? { description: '', properties: {} };
    const properties = {};
    for (const [prop, encoded] of Object.entries(raw.p)) {
      properties[prop] = propertySchema(encoded, raw.x?.[prop], modelFacts.properties[prop] ?? {}, names);
    }
    const schema = { type: 'object' };
    if (modelFacts.description) schema.description = modelFacts.description;
    if (Object.keys(properties).length) schema.properties = sortKeys(properties);
    if (raw.r?.length) schema.required = raw.r;
    if (raw.m === 'atomic') schema['x-kubernetes-map-type'] = 'atomic';
    definitions[names[model]] = sortKeys(schema);
  }
  for (const [name, gvks] of Object.entries(groupVersionKinds(kinds, names))) {
    if (definitions[name]) definitions[name] = sortKeys({ ...definitions[name], 'x-kubernetes-group-version-kind': gvks });
  }
  return { models: names, definitions: sortKeys(definitions), options: facts.options, swaggerDocs: facts.swaggerDocs };
}

/** Kinds metav1.AddToGroupVersion registers in every group version; and those it registers once, unversioned, in the core group. */
const OPTIONS_KINDS = ['CreateOptions', 'DeleteOptions', 'GetOptions', 'ListOptions', 'PatchOptions', 'UpdateOptions', 'WatchEvent'];
const UNVERSIONED_KINDS = ['APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions', 'Status'];

/**
 * groupVersionKinds is each definition's x-kubernetes-group-version-kind, as
 * kube-apiserver's DefinitionNamer finds them in its scheme: every kind (and its
 * list) of every group version the models know, metav1's options and WatchEvent in
 * each of those group versions, and the unversioned discovery kinds and Status.
 */
function groupVersionKinds(kinds, names) {
  const out = {};
  const add = (model, group, version, kind) => {
    const name = names[model];
    if (!name) return;
    const list = (out[name] ??= []);
    if (!list.some((g) => g.group === group && g.version === version && g.kind === kind)) list.push({ group, kind, version });
  };
  const groupVersions = new Set(['/v1']);
  for (const [gvk, model] of Object.entries(kinds)) {
    const [group, version, kind] = gvk.split('/');
    groupVersions.add(`${group}/${version}`);
    add(model, group, version, kind);
    add(`${model}List`, group, version, `${kind}List`);
  }
  for (const gv of groupVersions) {
    const [group, version] = gv.split('/');
    for (const kind of OPTIONS_KINDS) add(`V1${kind}`, group, version, kind);
  }
  for (const kind of UNVERSIONED_KINDS) add(`V1${kind}`, '', 'v1', kind);
  for (const list of Object.values(out)) list.sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind));
  return out;
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** specialSchema is the v3 schema of a type with its own JSON form: oneOf its types where it has several, else its type and format. */
function specialSchema(def) {
  const schema = { description: def.description };
  if (def.oneOf) schema.oneOf = def.oneOf.map((type) => ({ type }));
  else if (def.type) schema.type = def.type;
  if (def.format) schema.format = def.format;
  return schema;
}

/** propertySchema renders one property: its type, then its description, default, enum and patch extensions, refs wrapped as builder3 wraps them. */
function propertySchema(encoded, patch, f, names) {
  const schema = typeSchema(encoded, f.ref, names);
  if (f.description) schema.description = f.description;
  if ('default' in f) schema.default = f.default;
  if (f.enum) schema.enum = f.enum;
  for (const [key, ext] of Object.entries(PATCH_EXTENSIONS)) if (patch?.[key] !== undefined) schema[ext] = patch[key];
  if (schema.items) schema.items = wrapRef(decorate(schema.items, f.itemsDefault, f.itemsEnum, 'itemsDefault' in f));
  if (schema.additionalProperties) schema.additionalProperties = wrapRef(decorate(schema.additionalProperties, f.valuesDefault, f.valuesEnum, 'valuesDefault' in f));
  return sortKeys(wrapRef(schema));
}

function decorate(schema, def, values, hasDefault) {
  const out = { ...schema };
  if (hasDefault) out.default = def;
  if (values) out.enum = values;
  return sortKeys(out);
}

/** typeSchema decodes the compact type (see encodeType in openapi.mjs); ref names the apimachinery type an inlined leaf really is. */
function typeSchema(encoded, ref, names) {
  switch (encoded[0]) {
    case '[': return { type: 'array', items: typeSchema(encoded.slice(1), ref, names) };
    case '{': return { type: 'object', additionalProperties: typeSchema(encoded.slice(1), ref, names) };
    case '@': return { $ref: REF_PREFIX + names[encoded.slice(1)] };
    default: break;
  }
  if (ref) return { $ref: REF_PREFIX + ref };
  const [code, format] = encoded.split(':');
  switch (code) {
    case 's': return format ? { type: 'string', format } : { type: 'string' };
    case 'i': return { type: 'integer', format };
    case 'n': return { type: 'number', format };
    case 'b': return { type: 'boolean' };
    default: throw new Error(`openapiDefinitions: ${encoded} needs a ref from openApiFacts.json`);
  }
}

/** wrapRef is builder3's WrapRefs for one node: a $ref with siblings moves into allOf. */
function wrapRef(schema) {
  if (!schema.$ref || Object.keys(schema).length === 1) return schema;
  const { $ref, ...rest } = schema;
  return { allOf: [{ $ref }], ...rest };
}

function sortKeys(o) {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
