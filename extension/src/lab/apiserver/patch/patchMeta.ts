/**
 * patchMeta answers strategic merge patch's questions about a field, as
 * strategicpatch's PatchMetaFromStruct answers them from Go struct tags: the field's
 * type, its patch strategies (`merge`, `retainKeys`, `replace`) and patch merge key.
 * Here the tags come from the OpenAPI models, which carry the same
 * x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key.
 */
import { modelSchema, type ModelSchema, type PropertySchema } from '../../openapi/schema';
import { goQuote } from './goFormat';
import { SmpError } from './smpErrors';

/** PatchMeta is a field's patch strategies and merge key. */
export interface PatchMeta {
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

/** PatchSchema is the Go type strategic merge patch is walking. */
export interface PatchSchema {
  /** lookupStruct is the type and patch metadata of field key of this struct (or of a map's values). */
  lookupStruct(key: string): [PatchSchema, PatchMeta];
  /** lookupSlice is lookupStruct for a list field, returning its element type. */
  lookupSlice(key: string): [PatchSchema, PatchMeta];
  /** kind is the Go reflect.Kind name: struct, map, slice, string … */
  readonly kind: string;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

abstract class Base implements PatchSchema {
  abstract readonly kind: string;
  abstract lookupStruct(key: string): [PatchSchema, PatchMeta];

  lookupSlice(key: string): [PatchSchema, PatchMeta] {
    const [sub, meta] = this.lookupStruct(key);
    if (sub instanceof SliceSchema) {
      if (sub.element instanceof SliceSchema) throw new SmpError('server', 'unexpected slice of slice');
      return [sub.element, meta];
    }
    return [sub, meta];
  }
}

/** ModelLookup finds a model by name; tests pass their own. */
export type ModelLookup = (name: string) => ModelSchema | undefined;

class StructSchema extends Base {
  readonly kind = 'struct';
  constructor(private readonly model: ModelSchema | undefined, private readonly goName: string, private readonly lookup: ModelLookup) {
    super();
  }

  lookupStruct(key: string): [PatchSchema, PatchMeta] {
    const p = this.model && Object.hasOwn(this.model.properties, key) ? this.model.properties[key] : undefined;
    if (!p) throw new SmpError('server', `unable to find api field in struct ${this.goName} for the json field ${goQuote(key)}`);
    return [schemaOf(p, this.lookup), metaOf(p)];
  }
}

class MapSchema extends Base {
  readonly kind = 'map';
  constructor(private readonly values: PropertySchema | undefined, private readonly lookup: ModelLookup) {
    super();
  }

  lookupStruct(): [PatchSchema, PatchMeta] {
    return [this.values ? schemaOf(this.values, this.lookup) : new OtherSchema('interface'), NO_META];
  }
}

class SliceSchema extends Base {
  readonly kind = 'slice';
  constructor(private readonly items: PropertySchema | undefined, private readonly lookup: ModelLookup) {
    super();
  }

  get element(): PatchSchema {
    return this.items ? schemaOf(this.items, this.lookup) : new OtherSchema('interface');
  }

  lookupStruct(): [PatchSchema, PatchMeta] {
    throw new SmpError('server', `merging an object in json but data type is not map or struct, instead is: ${this.kind}`);
  }
}

class OtherSchema extends Base {
  constructor(readonly kind: string) {
    super();
  }

  lookupStruct(): [PatchSchema, PatchMeta] {
    throw new SmpError('server', `merging an object in json but data type is not map or struct, instead is: ${this.kind}`);
  }
}

function metaOf(p: PropertySchema): PatchMeta {
  if (!p.patchStrategy && !p.patchMergeKey) return NO_META;
  return { strategies: p.patchStrategy ? p.patchStrategy.split(',') : [], mergeKey: p.patchMergeKey ?? '' };
}

function schemaOf(p: PropertySchema, lookup: ModelLookup): PatchSchema {
  switch (p.type) {
    case 'object': return p.ref ? modelPatchSchema(p.ref, lookup) : new OtherSchema('interface');
    case 'map': return new MapSchema(p.additionalProperties, lookup);
    case 'array': return new SliceSchema(p.items, lookup);
    case 'string': return new OtherSchema('string');
    case 'integer': return new OtherSchema(p.format === 'int64' ? 'int64' : 'int32');
    case 'number': return new OtherSchema('float64');
    case 'boolean': return new OtherSchema('bool');
    case 'int-or-string': return new StructSchema(undefined, 'IntOrString', lookup);
    case 'quantity': return new StructSchema(undefined, 'Quantity', lookup);
    case 'any': return new StructSchema(undefined, 'RawExtension', lookup);
  }
}

const byModel = new Map<string, PatchSchema>();

/** modelPatchSchema is the patch schema of a named model, from the built-in definitions unless lookup says otherwise. */
export function modelPatchSchema(name: string, lookup: ModelLookup = modelSchema): PatchSchema {
  const model = lookup(name);
  if (lookup !== modelSchema) return new StructSchema(model, model?.goName ?? name, lookup);
  let s = byModel.get(name);
  if (!s) {
    s = new StructSchema(model, model?.goName ?? name, lookup);
    byModel.set(name, s);
  }
  return s;
}
