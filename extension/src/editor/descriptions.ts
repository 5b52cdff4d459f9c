/**
 * descriptions is what upstream's OpenAPI definitions say about each built-in
 * type and field — the documentation (with the "Possible enum values" list an
 * enum type adds) and the enum values — read from the definitions the lab's API
 * server publishes (lab/apiserver/openapi/definitions.ts), so hovers say what
 * `kubectl explain` says.
 */
import { type Schema, definition, definitionName } from '../lab/apiserver/openapi/definitions';

function definitionOf(model: string): Schema | undefined {
  const name = definitionName(model);
  return name ? definition(name) : undefined;
}

function propertyOf(model: string, property: string): Schema | undefined {
  const properties = definitionOf(model)?.properties as Record<string, Schema> | undefined;
  return properties?.[property];
}

function text(x: unknown): string | undefined {
  return typeof x === 'string' && x ? x : undefined;
}

/** describeModel is a model's own description (`DeploymentSpec is the specification …`). */
export function describeModel(model: string): string | undefined {
  return text(definitionOf(model)?.description);
}

/** describeProperty is the description of one property of a model. */
export function describeProperty(model: string, property: string): string | undefined {
  return text(propertyOf(model, property)?.description);
}

/** publishedEnum is the values upstream publishes for an enum property (for a list, of its items). */
export function publishedEnum(model: string, property: string): string[] | undefined {
  const p = propertyOf(model, property);
  const values = p?.enum ?? (p?.items as Schema | undefined)?.enum;
  return Array.isArray(values) ? values.map(String) : undefined;
}
