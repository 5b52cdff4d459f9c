/**
 * create is the POST pipeline, as handlers/create.go and the generic store's Create
 * run it: decode (with defaults), wipe the system metadata a client may not set,
 * record the manager's fields, mutating admission; then fill uid and creation time,
 * generate the name, BeforeCreate (PrepareForCreate, validation), validating
 * admission and the write, again with a fresh name while generated names collide.
 */
import { copyStored } from '../jsonCopy';
import { type KubeObject, type ObjectMeta, type Status, isStatus } from '../../api/types';
import { randomString, uuid } from '../../random';
import type { HandlerContext } from '../apiServer';
import { alreadyExists, badRequest, forbidden, invalid } from '../errors';
import { decodeObject } from '../../openapi/decode';
import { modelForKind } from '../../openapi/schema';
import { groupVersion } from '../resources';
import { fieldValidation } from './options';
import { admitValidate, attributes, dedupOwnerReferences, ensureNamespace, omitEmptyMetadata, isObject, mutate, persisted, trackUpdate, validateObject } from './common';
import { checkEscalation } from '../auth/escalation';
import { secondTimestamp } from '../trace';

/** Upstream's names.SimpleNameGenerator: the base is cut to leave room for 5 random characters. */
const MAX_GENERATED_BASE = 63 - 5;
/** maxNameGenerationCreateAttempts: a generated name that collides is drawn again, up to 8 tries in all (store.go). */
const MAX_NAME_GENERATION_CREATE_ATTEMPTS = 8;
/** storage.ErrResourceVersionSetOnCreate, which reaches the client as a bare 500. */
const RESOURCE_VERSION_SET_ON_CREATE = 'resourceVersion should not be set on objects to be created';

/** handleCreate answers POST to a collection. */
export async function handleCreate(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> {
  const obj = decodeForCreate(ctx, body);
  if (isStatus(obj)) return obj;
  dedupOwnerReferences(ctx, obj, false);
  return createObject(ctx, trackUpdate(ctx, undefined, obj), true);
}

/**
 * handleApplyCreate is server-side apply's create path (the store's create-on-update):
 * the applied object already carries its managedFields, has its name from the URL,
 * and any resourceVersion in it is dropped rather than refused.
 */
export async function handleApplyCreate(ctx: HandlerContext, applied: KubeObject): Promise<KubeObject | Status> {
  const obj = decodeForCreate(ctx, applied);
  if (isStatus(obj)) return obj;
  return createObject(ctx, obj, false, true);
}

/**
 * handleCreateOnUpdate is the store's create inside Update, for a PUT to a name that
 * does not exist where the strategy allows it: the body becomes a new object, its
 * manager's fields recorded as an Update, and besides validating admission the user
 * must be allowed to create it (the handler's withAuthorization).
 */
export async function handleCreateOnUpdate(ctx: HandlerContext, body: KubeObject): Promise<KubeObject | Status> {
  const obj = decodeForCreate(ctx, body);
  if (isStatus(obj)) return obj;
  return createObject(ctx, trackUpdate(ctx, undefined, obj), false, true);
}

/** decodeForCreate decodes and defaults the body, clears the system metadata (WipeObjectMetaSystemFields) and settles the namespace. */
function decodeForCreate(ctx: HandlerContext, body: unknown): KubeObject | Status {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const decoded = decode(ctx, body);
  if ('status' in decoded) return decoded.status;
  const obj = decoded.object;
  const typeError = checkTypeMeta(ctx, obj);
  if (typeError) return typeError;
  const meta = obj.metadata;
  delete meta.creationTimestamp;
  delete meta.uid;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  return ensureNamespace(ctx, meta) ?? obj;
}

/** createObject runs mutating admission once, then the store's create, drawing a new name while a generated one collides. */
async function createObject(ctx: HandlerContext, obj: KubeObject, refuseResourceVersion: boolean, authorizeCreate = false): Promise<KubeObject | Status> {
  const a = attributes(ctx, 'CREATE', obj);
  const mutated = await mutate(ctx, a);
  if (mutated) return mutated;
  // The RBAC storages' escalation check wraps the store's Create, which the handler calls after mutating admission.
  const escalated = await checkEscalation(ctx, obj);
  if (escalated) return escalated;
  dedupOwnerReferences(ctx, obj, true);
  omitEmptyMetadata(obj);
  const attempts = !obj.metadata.name && obj.metadata.generateName ? MAX_NAME_GENERATION_CREATE_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    // Each try starts from the object as admitted, without the previous try's name.
    const result = await storeCreate(ctx, attempt < attempts ? copyStored(obj) : obj, refuseResourceVersion, authorizeCreate);
    if (attempt >= attempts || !isStatus(result) || result.reason !== 'AlreadyExists') return result;
  }
}

/** storeCreate is the generic store's create: system fields, name generation, rest.BeforeCreate, validating admission, the write. */
async function storeCreate(ctx: HandlerContext, obj: KubeObject, refuseResourceVersion: boolean, authorizeCreate: boolean): Promise<KubeObject | Status> {
  const meta = obj.metadata;
  meta.uid = uuid(ctx.random);
  meta.creationTimestamp = secondTimestamp(ctx.clock.now());
  if (!meta.name && meta.generateName) meta.name = meta.generateName.slice(0, MAX_GENERATED_BASE) + randomString(ctx.random, 5);
  ctx.tracer.trace.spec.name = meta.name;
  const wrongNamespace = ensureNamespace(ctx, meta);
  if (wrongNamespace) return wrongNamespace;
  const s = ctx.type.strategy;
  if (s.generation) meta.generation = 1;
  s.prepareForCreate?.(obj);
  const invalidObject = validateObject(ctx, obj);
  if (invalidObject) return invalidObject;
  const allocated = await s.allocate?.(obj, undefined, { storage: ctx.storage, random: ctx.random, dryRun: ctx.dryRun });
  if (Array.isArray(allocated)) return invalid(ctx.type.kind, ctx.type.group, meta.name ?? '', allocated);
  try {
    return await admitAndWrite(ctx, obj, refuseResourceVersion, authorizeCreate);
  } finally {
    allocated?.();
  }
}

/** admitAndWrite is the rest of the store's create once the object is valid: the create authorization of an upsert, validating admission, the write. */
async function admitAndWrite(ctx: HandlerContext, obj: KubeObject, refuseResourceVersion: boolean, authorizeCreate: boolean): Promise<KubeObject | Status> {
  const meta = obj.metadata;
  const rejected = (authorizeCreate ? await authorizedToCreate(ctx) : undefined) ?? (await admitValidate(ctx, attributes(ctx, 'CREATE', obj)));
  if (rejected) return rejected;
  if (refuseResourceVersion && !ctx.dryRun && resourceVersionSet(meta)) {
    ctx.tracer.stage('persist', 'rejected', RESOURCE_VERSION_SET_ON_CREATE);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: RESOURCE_VERSION_SET_ON_CREATE, code: 500 };
  }
  const written = await ctx.storage.create(obj, ctx.dryRun);
  if (!written.ok) {
    ctx.tracer.stage('persist', 'rejected', 'already exists');
    return alreadyExistsError(ctx, meta);
  }
  persisted(ctx, written.object);
  return written.object;
}

/**
 * authorizedToCreate is withAuthorization around a create on update or apply: the
 * user who may update must also be allowed to create, else a Forbidden naming the
 * object with the authorizer's reason.
 */
async function authorizedToCreate(ctx: HandlerContext): Promise<Status | undefined> {
  const decision = await ctx.authorizeVerb('create');
  if (decision.decision === 'allow') return undefined;
  ctx.tracer.stage('authorization', 'rejected', `create: ${decision.reason}`);
  return forbidden({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name, decision.reason);
}

/** resourceVersionSet is the versioner's check: a resourceVersion that parses as a non-zero number. */
function resourceVersionSet(meta: ObjectMeta): boolean {
  const rv = meta.resourceVersion;
  return typeof rv === 'string' && /^[0-9]+$/.test(rv) && Number(rv) !== 0;
}

/**
 * alreadyExistsError is the 409 of a create whose key is taken: CheckGeneratedNameError
 * words it as a generated name the server could not make unique (retry after 1s),
 * and the store says when the object in the way is being deleted.
 */
async function alreadyExistsError(ctx: HandlerContext, meta: ObjectMeta): Promise<Status> {
  const name = meta.name ?? '';
  const status = alreadyExists({ group: ctx.type.group, resource: ctx.type.resource }, name);
  if (meta.generateName) {
    status.message = `${status.message ?? ''}, the server was not able to generate a unique name for the object`;
    status.details = { ...status.details, retryAfterSeconds: 1 };
  }
  const existing = await ctx.storage.get(meta.namespace ?? '', name);
  if (existing?.metadata.deletionTimestamp) status.message = `object is being deleted: ${status.message ?? ''}`;
  return status;
}

/**
 * decode checks a body against its kind's OpenAPI schema as upstream's decoder
 * does (wrong types are a 400; unknown fields per fieldValidation) and returns a
 * copy the handler may change, with the kind's defaults applied as the decoder
 * applies them. Kinds without a built-in schema (custom resources) are copied as
 * they are; their schema is their strategy's business.
 */
export function decode(ctx: HandlerContext, body: KubeObject): { object: KubeObject } | { status: Status } {
  const t = ctx.type;
  const fv = fieldValidation(ctx.query);
  // Kinds without a built-in model (custom resources) decode by their strategy: the CRD's schema.
  const decoded = modelForKind(t.group, t.version, t.kind) ? decodeObject(t.group, t.version, t.kind, body, fv) : t.strategy.decode?.(body, fv);
  if (!decoded) return { object: defaulted(ctx, copyStored(body)) };
  if ('status' in decoded) {
    ctx.tracer.stage('decode', 'rejected', decoded.status.message);
    return decoded;
  }
  ctx.warnings.push(...decoded.warnings);
  ctx.tracer.stage('decode', 'ok', decoded.warnings.length ? `${decoded.warnings.length} warning${decoded.warnings.length > 1 ? 's' : ''}` : undefined);
  return { object: defaulted(ctx, decoded.object as KubeObject) };
}

/** defaulted fills in what decoding into the Go type would: an empty ObjectMeta, then the kind's defaults. */
function defaulted(ctx: HandlerContext, obj: KubeObject): KubeObject {
  if (!isObject(obj.metadata)) obj.metadata = {};
  ctx.type.strategy.defaults?.(obj);
  return obj;
}

/** checkTypeMeta rejects a body whose apiVersion or kind is not the endpoint's. */
export function checkTypeMeta(ctx: HandlerContext, obj: KubeObject): Status | undefined {
  const gv = groupVersion(ctx.type);
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
    return badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (obj.kind !== undefined && obj.kind !== ctx.type.kind) {
    return badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${ctx.type.kind})`);
  }
  obj.apiVersion = gv;
  obj.kind = ctx.type.kind;
  return undefined;
}
