/**
 * schemaAt answers "what is this field?" for a document's field path: the built-in
 * types from the lab's OpenAPI models (lab/openapi/schema.ts) with upstream's
 * descriptions, enum values and the defaults the lab applies, and custom
 * resources from the openAPIV3Schema of the CRDs installed in the lab. Both are
 * seen through one SchemaNode shape, so completion and hover need not care which.
 */
import type { JSONSchemaProps } from '../lab/apiserver/apiextensions/types';
import { type PropertySchema, goName, modelForKind, modelSchema } from '../lab/openapi/schema';
import type { CrdSchemas } from './crdSchemas';
import { describeModel, describeProperty, publishedEnum } from './descriptions';
import { FIELD_ENUMS, defaultText } from './fieldFacts';

/** SchemaNode is one field's schema. */
export interface SchemaNode {
  /** type is how `kubectl explain` names it: string, integer, boolean, Object, DeploymentSpec, []Container, map[string]string. */
  readonly type: string;
  /** shape says how the field is written in YAML. */
  readonly shape: 'object' | 'array' | 'map' | 'scalar';
  /** scalar is the JSON type of a scalar (string, integer, number, boolean), or 'int-or-string', 'quantity', 'any'. */
  readonly scalar?: string;
  readonly description?: string;
  /** enum lists the accepted values of a scalar (for a list, of its items). */
  readonly enum?: readonly string[];
  /** defaultText is the default the API server applies, in Markdown. */
  readonly defaultText?: string;
  /** origin names the built-in model and property the node is, for the facts tables. */
  readonly origin?: { model: string; property: string };
  /** fields are an object's properties, in the schema's order. */
  fields(): ReadonlyMap<string, SchemaNode>;
  /** required lists an object's required properties. */
  readonly required: readonly string[];
  /** element is a list's items or a map's values. */
  element(): SchemaNode | undefined;
}

/** splitApiVersion turns `apps/v1` into ['apps', 'v1'] and `v1` into ['', 'v1']. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** schemaFor is the schema of a kind: built-in first, then an installed CRD's. */
export function schemaFor(apiVersion: string, kind: string, crds?: CrdSchemas): SchemaNode | undefined {
  const [group, version] = splitApiVersion(apiVersion);
  const model = modelForKind(group, version, kind);
  if (model) return builtinNode({ type: 'object', ref: model });
  const schema = crds?.lookup(group, version, kind);
  return schema ? crdRoot(schema) : undefined;
}

/** nodeAt walks a field path (properties and map keys; list items add no element) from a node. */
export function nodeAt(root: SchemaNode, path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const name of path) {
    node = itemOf(node);
    if (!node) return undefined;
    if (node.shape === 'object') node = node.fields().get(name);
    else if (node.shape === 'map') node = node.element();
    else return undefined;
  }
  return node;
}

/** itemOf steps through lists (of lists) to the item schema; other nodes are their own. */
export function itemOf(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  while (n?.shape === 'array') n = n.element();
  return n;
}

const SCALAR_TYPES: Partial<Record<PropertySchema['type'], string>> = { 'int-or-string': 'IntOrString', quantity: 'Quantity', any: 'Object' };

/** builtinNode wraps a built-in property schema; origin is the property it is, for descriptions and facts. */
function builtinNode(schema: PropertySchema, origin?: { model: string; property: string }, item = false): SchemaNode {
  const description = item ? undefined : origin ? describeProperty(origin.model, origin.property) ?? (schema.ref && describeModel(schema.ref)) : schema.ref && describeModel(schema.ref);
  const common = {
    ...(description ? { description } : {}),
    ...(origin && !item ? { origin } : {}),
    ...(origin && !item && defaultText(origin.model, origin.property) ? { defaultText: defaultText(origin.model, origin.property) } : {}),
  };
  switch (schema.type) {
    case 'object': {
      const model = schema.ref ? modelSchema(schema.ref) : undefined;
      let fields: Map<string, SchemaNode> | undefined;
      return {
        ...common,
        type: schema.ref ? goName(schema.ref) : 'Object',
        shape: 'object',
        required: model?.required ?? [],
        fields: () => (fields ??= new Map(Object.entries(model?.properties ?? {}).map(([name, p]) => [name, builtinNode(p, { model: model!.name, property: name })]))),
        element: () => undefined,
      };
    }
    case 'array':
    case 'map': {
      const element = builtinNode(schema.type === 'array' ? schema.items! : schema.additionalProperties!, origin, true);
      const enumValues = origin && schema.type === 'array' ? enumOf(origin) : undefined;
      return {
        ...common,
        ...(enumValues ? { enum: enumValues } : {}),
        type: `${schema.type === 'array' ? '[]' : 'map[string]'}${element.type}`,
        shape: schema.type,
        required: [],
        fields: () => new Map(),
        element: () => (enumValues ? { ...element, enum: enumValues } : element),
      };
    }
    default: {
      const enumValues = origin && !item ? enumOf(origin) : undefined;
      return {
        ...common,
        ...(enumValues ? { enum: enumValues } : {}),
        type: SCALAR_TYPES[schema.type] ?? schema.type,
        shape: 'scalar',
        scalar: schema.type,
        required: [],
        fields: () => new Map(),
        element: () => undefined,
      };
    }
  }
}

/** enumOf is a field's accepted values: KubeLab's where upstream publishes none or more than the lab accepts, else upstream's. */
export function enumOf(origin: { model: string; property: string }): readonly string[] | undefined {
  return FIELD_ENUMS[`${origin.model}.${origin.property}`] ?? publishedEnum(origin.model, origin.property);
}

/** The properties every object has, described as the built-in types describe them. */
const STANDARD_FIELDS = ['apiVersion', 'kind', 'metadata'];

/** crdRoot is a custom resource's schema, with apiVersion, kind and metadata typed as for built-in objects. */
function crdRoot(schema: JSONSchemaProps): SchemaNode {
  const node = crdNode(schema);
  const standard = builtinNode({ type: 'object', ref: 'V1CustomResourceDefinition' });
  let fields: Map<string, SchemaNode> | undefined;
  return {
    ...node,
    fields: () => {
      if (fields) return fields;
      fields = new Map(STANDARD_FIELDS.map((name) => [name, standard.fields().get(name)!]));
      for (const [name, field] of node.fields()) if (!STANDARD_FIELDS.includes(name)) fields.set(name, field);
      return fields;
    },
  };
}

function crdNode(schema: JSONSchemaProps): SchemaNode {
  const common = {
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.enum ? { enum: schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) } : {}),
    ...(schema.default !== undefined ? { defaultText: `\`${JSON.stringify(schema.default)}\`` } : {}),
    required: schema.required ?? [],
  };
  const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
  if (schema.type === 'array' && items) {
    const element = crdNode(items);
    return { ...common, type: `[]${element.type}`, shape: 'array', fields: () => new Map(), element: () => element };
  }
  if (schema.properties || (schema.type === 'object' && !isSchema(schema.additionalProperties))) {
    let fields: Map<string, SchemaNode> | undefined;
    return {
      ...common,
      type: 'Object',
      shape: 'object',
      fields: () => (fields ??= new Map(Object.entries(schema.properties ?? {}).map(([name, p]) => [name, crdNode(p)]))),
      element: () => undefined,
    };
  }
  if (isSchema(schema.additionalProperties)) {
    const element = crdNode(schema.additionalProperties);
    return { ...common, type: `map[string]${element.type}`, shape: 'map', fields: () => new Map(), element: () => element };
  }
  const scalar = schema['x-kubernetes-int-or-string'] ? 'int-or-string' : schema.type ?? 'any';
  return { ...common, type: SCALAR_TYPES[scalar as PropertySchema['type']] ?? scalar, shape: 'scalar', scalar, fields: () => new Map(), element: () => undefined };
}

function isSchema(x: JSONSchemaProps | boolean | undefined): x is JSONSchemaProps {
  return typeof x === 'object' && x !== null;
}
