/**
 * scale serves the `scale` subresource (autoscaling/v1 Scale) of every type that
 * describes one — deployments, replicasets, statefulsets, replicationcontrollers and
 * custom resources with a scale subresource — as upstream's ScaleREST does: a Scale
 * is a view of the parent's replica counts and selector, and writing one updates the
 * parent's spec replicas through the parent's own update path. Writes are tracked
 * in managedFields by the Scale's own field manager, on the parent's owners of the
 * replicas field translated into the Scale's terms and back (scaleHandler), so
 * server-side apply works here too.
 */
import { type KubeObject, type LabelSelector, type Status, isStatus } from '../../api/types';
import { modelForKind } from '../../openapi/schema';
import type { HandlerContext } from '../apiServer';
import { conflict, invalid, methodNotSupported, notFound } from '../errors';
import { type FieldError, invalidValue } from '../fieldErrors';
import { FieldManager, managerOrUserAgent } from '../fieldmanager/fieldManager';
import { ManagedFieldsError } from '../fieldmanager/managedFields';
import { type ReplicasPaths, SCALE_GROUP_VERSION, replicasPaths, toParent, toSubresource } from '../fieldmanager/scaleHandler';
import { applyPatch, checkName, decodeApplyConfiguration, patchTypeOf, unsupportedPatchMediaType, validatePatchOptions } from '../patch/index';
import { type ResourceType, groupVersion } from '../resources';
import { secondTimestamp } from '../trace';
import { subdomainName, validateObjectMeta } from '../validation/objectMeta';
import { attributes, mutate } from './common';
import { fieldValidation } from './options';
import { handleGet } from './read';
import { decodeSubresourceBody } from './subresourceBody';
import { handleUpdate } from './update';

const SCALE_API_VERSION = SCALE_GROUP_VERSION;
/** The group/versions whose Scale the decoder knows (and converts), though the endpoint takes only autoscaling/v1. */
const SCALE_VERSIONS = [SCALE_API_VERSION, 'apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1'];
/** The scheme upstream's decoder registers built-in kinds in, as its errors name it. */
/** The OpenAPI model a Scale patch merges by. */
const SCALE_MODEL = modelForKind('autoscaling', 'v1', 'Scale');
/** Concurrent writers make an update without a client precondition retry, as GuaranteedUpdate does. */
const MAX_ATTEMPTS = 5;
/** SCALE_FIELD_MANAGER tracks writes to every type's Scale: they are all autoscaling/v1 Scales on a `scale` endpoint. */
const SCALE_FIELD_MANAGER = new FieldManager({ apiVersion: SCALE_API_VERSION, kind: 'Scale', model: SCALE_MODEL, subresource: 'scale' });
/** The replicas path mappings by scale description, read once per type. */
const mappingsByScale = new WeakMap<ScaleDescription, ReplicasPaths>();

type ScaleDescription = NonNullable<ResourceType['scale']>;

/** handleScale answers GET, PUT and PATCH of `<resource>/<name>/scale`. */
export async function handleScale(ctx: HandlerContext, body: unknown, contentType: string): Promise<KubeObject | Status> {
  const scale = ctx.type.scale;
  if (!scale) return methodNotSupported({ group: ctx.type.group, resource: `${ctx.type.resource}/scale` }, ctx.info.verb);
  switch (ctx.info.verb) {
    case 'get': {
      const parent = await handleGet(ctx);
      return isStatus(parent) ? parent : scaleOf(ctx.type, scale, parent);
    }
    case 'update': return putScale(ctx, scale, body);
    case 'patch': return patchScale(ctx, scale, body, contentType);
    default: return methodNotSupported({ group: ctx.type.group, resource: `${ctx.type.resource}/scale` }, ctx.info.verb);
  }
}

/**
 * scaleOf is scaleFromDeployment (and its siblings, and the custom resource
 * registry's scaleFromCustomResource): the parent's identity, spec and status
 * replicas, and its selector in the query-parameter syntax. A custom resource
 * without its spec replicas field has no scale (a 500, as upstream).
 */
export function scaleOf(type: ResourceType, scale: ScaleDescription, parent: KubeObject): KubeObject | Status {
  const m = parent.metadata;
  const specReplicas = valueAt(parent, scale.specReplicasPath);
  const builtin = modelForKind(type.group, type.version, type.kind) !== undefined;
  if (!builtin && typeof specReplicas !== 'number') {
    return internalError(`the spec replicas field "${scale.specReplicasPath}" does not exist`);
  }
  const replicas = typeof specReplicas === 'number' ? specReplicas : 0;
  const statusReplicas = valueAt(parent, scale.statusReplicasPath);
  const selector = scale.labelSelectorPath ? selectorString(valueAt(parent, scale.labelSelectorPath)) : '';
  return {
    kind: 'Scale',
    apiVersion: SCALE_API_VERSION,
    metadata: {
      name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}), uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp,
    },
    // ScaleSpec.replicas is omitempty; ScaleStatus.replicas is not, and selector is.
    spec: replicas ? { replicas } : {},
    status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, ...(selector ? { selector } : {}) },
  };
}

/** putScale replaces the Scale: its spec replicas (and resourceVersion, as a precondition) go to the parent. */
async function putScale(ctx: HandlerContext, scale: ScaleDescription, body: unknown): Promise<KubeObject | Status> {
  const decoded = decodeScale(ctx, body);
  if (isStatus(decoded)) return decoded;
  const named = checkName(decoded, ctx.info.name, ctx.type.namespaced ? ctx.info.namespace : '');
  if (named) return named;
  return writeScale(ctx, scale, () => structuredClone(decoded));
}

/**
 * patchScale applies a JSON, merge or strategic merge patch to the current Scale,
 * then writes it as putScale does; a server-side apply merges the applied Scale
 * with the Scale's field manager (conflicts are 409s unless force).
 */
async function patchScale(ctx: HandlerContext, scale: ScaleDescription, body: unknown, contentType: string): Promise<KubeObject | Status> {
  const type = patchTypeOf(contentType);
  // A custom resource's endpoints, its scale among them, take no strategic merge patch.
  const builtin = modelForKind(ctx.type.group, ctx.type.version, ctx.type.kind) !== undefined;
  if (!type || (type === 'strategic' && !builtin)) return unsupportedPatchMediaType(builtin);
  const badOptions = validatePatchOptions(type, { fieldManager: ctx.query.fieldManager, ...(ctx.query.force === undefined ? {} : { force: ctx.query.force === 'true' }) });
  if (badOptions) return badOptions;
  if (type === 'apply') {
    const decodedConfig = decodeApplyConfiguration(body);
    if ('status' in decodedConfig) return decodedConfig.status;
    const manager = ctx.query.fieldManager ?? '';
    const force = ctx.query.force === 'true';
    return writeScale(ctx, scale, (old) => {
      const applied = SCALE_FIELD_MANAGER.apply(old, decodedConfig.config, manager, force, secondTimestamp(ctx.clock.now()));
      if ('status' in applied) return applied.status;
      const decoded = decodeScale(ctx, applied.object);
      if (isStatus(decoded)) return decoded;
      return checkName(decoded, ctx.info.name, ctx.type.namespaced ? ctx.info.namespace : '') ?? decoded;
    }, false);
  }
  return writeScale(ctx, scale, (old) => {
    const patched = applyPatch(type, old, body, SCALE_MODEL, fieldValidation(ctx.query));
    if ('status' in patched) return patched.status;
    const decoded = decodeScale(ctx, patched.object);
    if (isStatus(decoded)) return decoded;
    return checkName(decoded, ctx.info.name, ctx.type.namespaced ? ctx.info.namespace : '') ?? decoded;
  });
}

/**
 * writeScale is scaleUpdatedObjectInfo.UpdatedObject followed by the parent's
 * update: old Scale from the parent (with the parent's managed fields translated),
 * new Scale from the request, tracked by the Scale's field manager unless an apply
 * has done so, ValidateScale, the UID precondition, then spec replicas,
 * resourceVersion and managed fields onto the parent.
 */
async function writeScale(ctx: HandlerContext, scale: ScaleDescription, next: (old: KubeObject) => KubeObject | Status, track = true): Promise<KubeObject | Status> {
  const mappings = replicasMappings(ctx.type, scale);
  const view = (parent: KubeObject): KubeObject => {
    const s = scaleOf(ctx.type, scale, parent);
    return isStatus(s) ? parent : s;
  };
  const updated = await updateParent({ ...ctx, admissionView: view }, async (parent) => {
    const old = scaleOf(ctx.type, scale, parent);
    if (isStatus(old)) return old;
    const parentEntries = parent.metadata.managedFields;
    const translated = translateManagedFields(() => toSubresource(parentEntries, mappings));
    if (isStatus(translated)) return translated;
    if (translated) old.metadata.managedFields = translated;
    let requested = next(structuredClone(old));
    if (isStatus(requested)) return requested;
    if (track) requested = SCALE_FIELD_MANAGER.update(old, requested, managerOrUserAgent(ctx.query.fieldManager, ctx.userAgent), secondTimestamp(ctx.clock.now()));
    const name = parent.metadata.name ?? '';
    if (ctx.type.namespaced) requested.metadata.namespace ||= parent.metadata.namespace;
    // Mutating admission sees the Scales, new and old, as the handler's admission transformer of the updated object info.
    const denied = await mutate(ctx, attributes(ctx, 'UPDATE', requested, structuredClone(old)));
    if (denied) return denied;
    const errs = validateScale(requested, ctx.type.namespaced);
    if (errs.length) return invalid('Scale', 'autoscaling', name, errs);
    const uid = requested.metadata.uid;
    if (uid && uid !== parent.metadata.uid) {
      return conflict({ group: ctx.type.group, resource: `${ctx.type.resource}/scale` }, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${parent.metadata.uid ?? ''}`);
    }
    setValueAt(parent, scale.specReplicasPath, replicasOf(requested));
    parent.metadata.resourceVersion = requested.metadata.resourceVersion;
    const entries = translateManagedFields(() => toParent(parentEntries, requested.metadata.managedFields, groupVersion(ctx.type), mappings));
    if (isStatus(entries)) return entries;
    if (entries) parent.metadata.managedFields = entries;
    else delete parent.metadata.managedFields;
    return parent;
  }, false);
  return isStatus(updated) ? updated : scaleOf(ctx.type, scale, updated);
}

/**
 * updateParent builds the parent's next state from its current one and sends it
 * through the update handler. A resourceVersion the client sent (one differing from
 * the one read) is a precondition; otherwise a write that raced another is built
 * again from the fresh object, as GuaranteedUpdate retries.
 */
export async function updateParent(ctx: HandlerContext, build: (current: KubeObject) => KubeObject | Status | Promise<KubeObject | Status>, track = true): Promise<KubeObject | Status> {
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.storage.get(namespace, ctx.info.name);
    if (!current) return notFound({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name);
    const candidate = await build(structuredClone(current));
    if (isStatus(candidate)) return candidate;
    const requested = candidate.metadata.resourceVersion;
    const pinned = !!requested && requested !== current.metadata.resourceVersion;
    if (!pinned) candidate.metadata.resourceVersion = current.metadata.resourceVersion;
    const result = await handleUpdate(ctx, candidate, track);
    const raced = isStatus(result) && result.reason === 'Conflict';
    if (!raced || pinned || attempt >= MAX_ATTEMPTS) return result;
  }
}

/** replicasMappings is the type's replicas path by group/version: its scale description's, else the served version's alone. */
function replicasMappings(type: ResourceType, scale: ScaleDescription): ReplicasPaths {
  let m = mappingsByScale.get(scale);
  if (!m) mappingsByScale.set(scale, (m = replicasPaths(scale.replicasPaths ?? { [groupVersion(type)]: scale.specReplicasPath })));
  return m;
}

/** translated_ runs a managed fields translation; entries that do not decode fail the write, as the handler's error does. */
function translateManagedFields<T>(translate: () => T): T | Status {
  try {
    return translate();
  } catch (err) {
    if (err instanceof ManagedFieldsError) return internalError(err.message);
    throw err;
  }
}

/** validateScale is autoscaling's ValidateScale: valid object metadata and non-negative spec replicas. */
export function validateScale(scale: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(scale.metadata, namespaced, subdomainName);
  const replicas = replicasOf(scale);
  if (replicas < 0) errs.push(invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0'));
  return errs;
}

/** decodeScale reads a request body as an autoscaling/v1 Scale, as the handler's decoder does. */
function decodeScale(ctx: HandlerContext, body: unknown): KubeObject | Status {
  const scale = decodeSubresourceBody(ctx, body, { group: 'autoscaling', version: 'v1', kind: 'Scale', internal: 'autoscaling.Scale', accepted: [SCALE_API_VERSION], known: SCALE_VERSIONS });
  return isStatus(scale) ? scale : { ...scale, apiVersion: SCALE_API_VERSION, kind: 'Scale' };
}

function replicasOf(scale: KubeObject): number {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : 0;
}

/**
 * selectorString prints a selector as labels.Selector's String does: requirements
 * sorted by key, `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, joined by commas. A
 * replication controller's selector is a plain label map (SelectorFromSet); a custom
 * resource's labelSelectorPath points at a string that is already serialized.
 */
export function selectorString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return '';
  const ls = value as LabelSelector;
  const structured = isRecord(ls.matchLabels) || Array.isArray(ls.matchExpressions);
  const requirements: [string, string][] = [];
  const labels = structured ? (ls.matchLabels ?? {}) : (value as Record<string, string>);
  for (const [k, v] of Object.entries(labels)) requirements.push([k, `${k}=${v}`]);
  for (const e of structured ? (ls.matchExpressions ?? []) : []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${values})`;
    requirements.push([e.key, text]);
  }
  return requirements.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, text]) => text).join(',');
}

/** pathOf splits a scale JSON path (`.spec.replicas`) into its fields. */
function pathOf(jsonPath: string): string[] {
  return jsonPath.split('.').filter((p) => p !== '');
}

function valueAt(obj: KubeObject, jsonPath: string): unknown {
  let v: unknown = obj;
  for (const f of pathOf(jsonPath)) v = isRecord(v) ? v[f] : undefined;
  return v;
}

/** setValueAt is unstructured.SetNestedField: missing maps on the way are created. */
function setValueAt(obj: KubeObject, jsonPath: string, value: unknown): void {
  const fields = pathOf(jsonPath);
  let v: Record<string, unknown> = obj;
  for (const f of fields.slice(0, -1)) {
    if (!isRecord(v[f])) v[f] = {};
    v = v[f] as Record<string, unknown>;
  }
  v[fields[fields.length - 1]] = value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** internalError is errors.NewInternalError of a plain error. */
function internalError(message: string): Status {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError',
    details: { causes: [{ message }] }, code: 500,
  };
}
