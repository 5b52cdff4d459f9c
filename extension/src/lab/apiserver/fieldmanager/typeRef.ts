/**
 * typeRef turns the OpenAPI models into structured-merge-diff's schema atoms, as
 * kube-openapi's schemaconv does for the API server: a list is a map-list keyed by
 * `x-kubernetes-list-map-keys`, a set, or atomic; without a list type, a
 * `patchStrategy: merge` list is a map-list keyed by its patch merge key (or a set),
 * as upstream falls back for built-ins; structs and maps are granular unless
 * `x-kubernetes-map-type: atomic`. Values of unknown type (RawExtension, free-form
 * JSON, fields no model declares) get the "deduced" atom: any scalar, atomic lists,
 * granular maps.
 */
import { modelSchema, type ModelSchema, type PropertySchema } from '../../openapi/schema';

export type ScalarType = 'string' | 'numeric' | 'boolean' | 'untyped';

/** ListType is an atomic list, or an associative one (a set when keys is empty). */
export interface ListType {
  readonly atomic: boolean;
  readonly keys: readonly string[];
  readonly element: Atom;
}

/** MapType is a struct (declared fields) or a map (one element type), atomic or granular. */
export interface MapType {
  readonly atomic: boolean;
  /** goName is the struct's Go type name (PodSpec), for messages. */
  readonly goName?: string;
  /** field is a declared struct field's type. */
  field(name: string): Atom | undefined;
  /** element is the type of a map's values, or of a struct's undeclared fields (none: they are errors). */
  readonly element: Atom | undefined;
}

/** Atom is what a value at some path may be; the deduced atom allows all three kinds. */
export interface Atom {
  readonly scalar?: ScalarType;
  readonly list?: ListType;
  readonly map?: MapType;
}

const deducedList: { atomic: boolean; keys: string[]; element: Atom } = { atomic: true, keys: [], element: {} };
const deducedMap: MapType = { atomic: false, field: () => undefined, get element() { return DEDUCED; } };
/** DEDUCED is the atom of values without a schema. */
export const DEDUCED: Atom = { scalar: 'untyped', list: deducedList, map: deducedMap };
deducedList.element = DEDUCED;

/** Key fields whose OpenAPI default stands in when an item omits them (upstream reads `default`, which the models here do not carry). */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

/** keyDefault is the value a map-list item's missing key field is taken to have. */
export function keyDefault(list: ListType, field: string): unknown {
  return list.element.map?.field(field) ? KEY_DEFAULTS[field] : undefined;
}

const byProperty = new WeakMap<PropertySchema, Atom>();
const byModel = new Map<string, Atom>();

/** modelAtom is the atom of a named model (V1Deployment), deduced when the name is unknown. */
export function modelAtom(name: string): Atom {
  let atom = byModel.get(name);
  if (!atom) {
    const model = modelSchema(name);
    atom = model ? { map: structType(model, model.mapType === 'atomic') } : DEDUCED;
    byModel.set(name, atom);
  }
  return atom;
}

/** propertyAtom is the atom of one property. */
function propertyAtom(p: PropertySchema): Atom {
  let atom = byProperty.get(p);
  if (!atom) {
    atom = convert(p);
    byProperty.set(p, atom);
  }
  return atom;
}

function convert(p: PropertySchema): Atom {
  switch (p.type) {
    case 'string': return { scalar: 'string' };
    case 'integer':
    case 'number': return { scalar: 'numeric' };
    case 'boolean': return { scalar: 'boolean' };
    case 'int-or-string':
    case 'quantity': return { scalar: 'untyped' };
    case 'any': return DEDUCED;
    case 'object': {
      if (!p.ref) return DEDUCED;
      const model = modelSchema(p.ref);
      if (!model) return DEDUCED;
      const atomic = (p.mapType ?? model.mapType) === 'atomic';
      return atomic === (model.mapType === 'atomic') ? modelAtom(p.ref) : { map: structType(model, atomic) };
    }
    case 'map': {
      const values = p.additionalProperties;
      return { map: { atomic: p.mapType === 'atomic', field: () => undefined, get element() { return values ? propertyAtom(values) : DEDUCED; } } };
    }
    case 'array': {
      const items = p.items;
      const merge = p.patchStrategy === 'merge' || p.patchStrategy === 'merge,retainKeys';
      const listType = p.listType ?? (merge ? (p.patchMergeKey ? 'map' : 'set') : 'atomic');
      const keys = listType === 'map' ? (p.listMapKeys ?? (p.patchMergeKey ? [p.patchMergeKey] : [])) : [];
      return { list: { atomic: listType === 'atomic', keys, get element() { return items ? propertyAtom(items) : DEDUCED; } } };
    }
  }
}

function structType(model: ModelSchema, atomic: boolean): MapType {
  return {
    atomic,
    goName: model.goName,
    field: (name) => {
      const p = Object.hasOwn(model.properties, name) ? model.properties[name] : undefined;
      return p ? propertyAtom(p) : undefined;
    },
    element: undefined,
  };
}

/** childAtom is the type of a map's key: the declared field, the map's element, or deduced for an undeclared field. */
export function childAtom(m: MapType, key: string): Atom {
  return m.field(key) ?? m.element ?? DEDUCED;
}

export type ValueKind = 'scalar' | 'list' | 'map';

/** handlerKind is deduceAtom then handleAtom: the atom's kind that matches the value, else its first of map, scalar, list. */
export function handlerKind(atom: Atom, v: unknown): ValueKind | undefined {
  if (Array.isArray(v)) {
    if (atom.list) return 'list';
  } else if (v !== null && typeof v === 'object') {
    if (atom.map) return 'map';
  } else if (v !== null && v !== undefined && atom.scalar) {
    return 'scalar';
  }
  return atom.map ? 'map' : atom.scalar ? 'scalar' : atom.list ? 'list' : undefined;
}

/** isMap tells a JSON object from other values. */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
