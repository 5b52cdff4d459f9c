/**
 * update is the PUT pipeline, and PATCH, which applies the patch to the current
 * object and continues as an update, as handlers/update.go, handlers/patch.go and
 * the generic store's Update run them: the manager's fields are recorded, mutating
 * admission runs, the resourceVersion is checked, rest.BeforeUpdate keeps what the
 * endpoint may not change and validates, validating admission runs, and the write
 * is retried from the fresh object when it races another writer.
 */
import { type KubeObject, type Status, isStatus } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, invalid, notFound } from '../errors';
import { invalidValue, uint64Value } from '../fieldErrors';
import {
  admitValidate, attributes, checkPreconditions, dedupOwnerReferences, ensureNamespace, omitEmptyMetadata, fieldManagerFor, isObject, isStatusWrite, mutate, persisted,
  sameObject, specChanged, subresourceStrategy, trackUpdate, validateObject,
} from './common';
import { checkEscalation } from '../auth/escalation';
import { modelForKind } from '../../openapi/schema';
import { applyPatch, checkName, decodeApplyConfiguration, patchTypeOf, unsupportedPatchMediaType, validatePatchOptions } from '../patch/index';
import { secondTimestamp } from '../trace';
import { copyStored } from '../jsonCopy';
import { checkTypeMeta, decode, handleApplyCreate, handleCreateOnUpdate } from './create';
import { fieldValidation } from './options';

/** Unconditional writes retry a few times when they race another writer, as GuaranteedUpdate does. */
const MAX_ATTEMPTS = 5;

/**
 * handlePut answers PUT of an object or its status; the body's uid, when it has
 * one, is a precondition. A PUT to a name that does not exist creates the object
 * where the strategy allows it (AllowCreateOnUpdate: events, leases, RBAC…); the
 * answer then says created.
 */
export async function handlePut(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status | { created: KubeObject }> {
  const obj = decodePut(ctx, body);
  if (isStatus(obj)) return obj;
  if (!ctx.info.subresource && ctx.type.strategy.allowCreateOnUpdate && !(await ctx.storage.get(requestNamespace(ctx), ctx.info.name))) {
    // The body's uid is checked against the object that is not there, as the storage's preconditions are.
    const uid = obj.metadata.uid;
    const failed = uid ? checkPreconditions(ctx, { uid }, { metadata: { name: ctx.info.name, ...(ctx.type.namespaced ? { namespace: ctx.info.namespace } : {}) } }) : undefined;
    if (failed) return failed;
    const created = await handleCreateOnUpdate(ctx, obj);
    return isStatus(created) ? created : { created };
  }
  return guaranteedUpdate(ctx, { uid: obj.metadata.uid || undefined, track: true }, () => copyStored(obj));
}

/**
 * handleUpdate is a PUT that only updates: a subresource's write to its parent
 * (scale). track false leaves managedFields as body has them (the scale handler
 * has translated them already).
 */
export async function handleUpdate(ctx: HandlerContext, body: unknown, track = true): Promise<KubeObject | Status> {
  const obj = decodePut(ctx, body);
  if (isStatus(obj)) return obj;
  return guaranteedUpdate(ctx, { uid: obj.metadata.uid || undefined, track }, () => copyStored(obj));
}

/** decodePut decodes a PUT's body and checks it names the object on the URL. */
function decodePut(ctx: HandlerContext, body: unknown): KubeObject | Status {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const decoded = decode(ctx, body);
  if ('status' in decoded) return decoded.status;
  const obj = decoded.object;
  const refused = checkTypeMeta(ctx, obj) ?? ensureNamespace(ctx, obj.metadata) ?? checkName(obj, ctx.info.name, requestNamespace(ctx));
  if (refused) return refused;
  dedupOwnerReferences(ctx, obj, false);
  return obj;
}

/**
 * handlePatch applies a JSON, merge or strategic merge patch to the current
 * object and continues as an update; a server-side apply merges the applied
 * configuration with the field manager, creating the object when it does not
 * exist (the answer then says created).
 */
export async function handlePatch(ctx: HandlerContext, body: unknown, contentType: string): Promise<KubeObject | Status | { created: KubeObject }> {
  const model = modelForKind(ctx.type.group, ctx.type.version, ctx.type.kind);
  const type = patchTypeOf(contentType);
  if (!type || (type === 'strategic' && !model)) return unsupportedPatchMediaType(model !== undefined);
  const badOptions = validatePatchOptions(type, { fieldManager: ctx.query.fieldManager, ...(ctx.query.force === undefined ? {} : { force: ctx.query.force === 'true' }) });
  if (badOptions) return badOptions;
  if (type === 'apply') return apply(ctx, body);
  return guaranteedUpdate(ctx, { track: true }, (current) => {
    const patched = applyPatch(type, current, body, model, fieldValidation(ctx.query));
    return 'status' in patched ? patched.status : patchedObject(ctx, patched.object);
  });
}

/** patchedObject decodes a patch's result and checks it still names the object on the URL, as the patcher's applyPatch does. */
function patchedObject(ctx: HandlerContext, obj: KubeObject): KubeObject | Status {
  const decoded = decode(ctx, obj);
  if ('status' in decoded) return decoded.status;
  return ensureNamespace(ctx, decoded.object.metadata) ?? checkName(decoded.object, ctx.info.name, requestNamespace(ctx)) ?? decoded.object;
}

/** apply is server-side apply: the applied configuration merged by the field manager, with conflicts as 409s unless force. */
async function apply(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status | { created: KubeObject }> {
  const decodedConfig = decodeApplyConfiguration(body);
  if ('status' in decodedConfig) return decodedConfig.status;
  const manager = ctx.query.fieldManager ?? '';
  const force = ctx.query.force === 'true';
  const fm = fieldManagerFor(ctx);
  const now = secondTimestamp(ctx.clock.now());
  const current = await ctx.storage.get(requestNamespace(ctx), ctx.info.name);
  if (!current) {
    // Only the main resource creates on apply (a subresource's store passes forceAllowCreate=false).
    if (ctx.info.subresource) return notFound({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name);
    const applied = fm.apply(undefined, decodedConfig.config, manager, force, now);
    if ('status' in applied) return applied.status;
    const uid = applied.object.metadata.uid;
    if (uid) return conflict({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
    const named = ensureNamespace(ctx, applied.object.metadata) ?? checkName(applied.object, ctx.info.name, requestNamespace(ctx));
    if (named) return named;
    const created = await handleApplyCreate(ctx, applied.object);
    return isStatus(created) ? created : { created };
  }
  return guaranteedUpdate(ctx, { track: false }, (live) => {
    const applied = fm.apply(live, decodedConfig.config, manager, force, now);
    return 'status' in applied ? applied.status : patchedObject(ctx, applied.object);
  });
}

function requestNamespace(ctx: HandlerContext): string {
  return ctx.type.namespaced ? ctx.info.namespace : '';
}

/** UpdateOptions say how guaranteedUpdate treats the object next() builds. */
interface UpdateOptions {
  /** uid is the UID precondition a PUT body carries. */
  uid?: string;
  /** track records the request's manager in managedFields (apply has done its own). */
  track: boolean;
}

/**
 * guaranteedUpdate is the store's Update inside GuaranteedUpdate: it reads the
 * current object, builds the new one with next(), and writes it if nothing changed
 * in between; a write that raced another is built again from the fresh object.
 * As through upstream's cacher, the first attempt starts from the watch cache's
 * copy: when that attempt fails, or its object turns out older than the store's,
 * the store is read and, if the object was stale, the update is tried again on it.
 */
async function guaranteedUpdate(ctx: HandlerContext, opts: UpdateOptions, next: (current: KubeObject) => KubeObject | Status): Promise<KubeObject | Status> {
  const gr = { group: ctx.type.group, resource: ctx.type.resource };
  const namespace = requestNamespace(ctx);
  let cached = ctx.storage.cached(namespace, ctx.info.name);
  for (let attempt = 1; ; attempt++) {
    const current = cached ?? (await ctx.storage.get(namespace, ctx.info.name));
    if (!current) return notFound(gr, ctx.info.name);
    const result = await tryUpdate(ctx, opts, next, current);
    if (cached) {
      // Worked out from the cache's copy: what was written stands; a Status, or an update that changed nothing (current
      // comes back unwritten), stands only if that copy was the store's current object.
      cached = undefined;
      const written = result !== undefined && result !== current && !isStatus(result);
      if (written || (result !== undefined && (await currentRevision(ctx, namespace)) === current.metadata.resourceVersion)) return result;
      continue;
    }
    if (result) return result;
    if (attempt >= MAX_ATTEMPTS) return conflict(gr, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
  }
}

/** currentRevision is the resourceVersion of the object in the store now, undefined when it is gone. */
async function currentRevision(ctx: HandlerContext, namespace: string): Promise<string | undefined> {
  return (await ctx.storage.get(namespace, ctx.info.name))?.metadata.resourceVersion;
}

/** tryUpdate is one attempt of guaranteedUpdate on current: the object written, a Status, or undefined when another write raced it. */
async function tryUpdate(ctx: HandlerContext, opts: UpdateOptions, next: (current: KubeObject) => KubeObject | Status, current: KubeObject): Promise<KubeObject | Status | undefined> {
  const failed = checkPreconditions(ctx, { uid: opts.uid }, current);
  if (failed) return failed;
  const built = next(copyStored(current));
  if (isStatus(built)) return built;
  const updated = opts.track ? trackUpdate(ctx, current, built) : built;
  const denied = ctx.admissionView ? undefined : await mutate(ctx, attributes(ctx, 'UPDATE', updated, current));
  if (denied) return denied;
  // The RBAC storages wrap the updated object's info: their escalation check sees it after the handler's admission transformer.
  const escalated = await checkEscalation(ctx, updated, current);
  if (escalated) return escalated;
  dedupOwnerReferences(ctx, updated, true);
  omitEmptyMetadata(updated);
  const invalidObject = checkResourceVersion(ctx, updated, current) ?? beforeUpdate(ctx, updated, current);
  if (invalidObject) return invalidObject;
  // Only the main resource allocates: /status and other subresources cannot change what is allocated.
  const s = ctx.type.strategy;
  const allocated = isStatusWrite(ctx) || subresourceStrategy(ctx) ? undefined : await s.allocate?.(updated, current, { storage: ctx.storage, random: ctx.random, dryRun: ctx.dryRun });
  if (Array.isArray(allocated)) return invalid(ctx.type.kind, ctx.type.group, ctx.info.name, allocated);
  try {
    return await admitAndWrite(ctx, updated, current);
  } finally {
    allocated?.();
  }
}

/** admitAndWrite runs validating admission and writes the valid update: the object written (or removed), a Status, or undefined when another write raced it. */
async function admitAndWrite(ctx: HandlerContext, updated: KubeObject, current: KubeObject): Promise<KubeObject | Status | undefined> {
  const gr = { group: ctx.type.group, resource: ctx.type.resource };
  const view = ctx.admissionView;
  const rejected = await admitValidate(ctx, view ? attributes(ctx, 'UPDATE', view(updated), view(current)) : attributes(ctx, 'UPDATE', updated, current));
  if (rejected) return rejected;
  const revision = Number(current.metadata.resourceVersion);
  if (shouldDeleteDuringUpdate(ctx, updated, current)) {
    const removed = await ctx.storage.remove(current, revision, ctx.dryRun);
    if (removed.ok) {
      persisted(ctx, removed.object);
      // The client expects the object it updated back, not the deletion's Status (deleteWithoutFinalizers).
      return updated;
    }
    if (removed.reason === 'missing') return updated;
  } else {
    // Stale data (stored by an older key or provider) is rewritten even unchanged, as GuaranteedUpdate does, so a replace re-encrypts it.
    if (sameObject(updated, current) && !ctx.storage.isStale(current)) {
      ctx.tracer.stage('persist', 'skipped', 'no change');
      return current;
    }
    const written = await ctx.storage.update(updated, revision, ctx.dryRun);
    if (written.ok) {
      persisted(ctx, written.object);
      return written.object;
    }
    if (written.reason === 'missing') return notFound(gr, ctx.info.name);
  }
  return undefined;
}

/**
 * checkResourceVersion is the store's optimistic concurrency: an object without a
 * resourceVersion is written over the current one when the strategy allows
 * unconditional updates (else a 422), and one that names another version is a 409.
 */
function checkResourceVersion(ctx: HandlerContext, obj: KubeObject, current: KubeObject): Status | undefined {
  const rv = obj.metadata.resourceVersion ?? '';
  if (rv !== '' && rv !== '0' && !/^[0-9]+$/.test(rv)) {
    // APIObjectVersioner.ParseResourceVersion's storage.InvalidError reaches the client as a bare 500.
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `metadata.resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`, code: 500 };
  }
  if (rv === '' || rv === '0') {
    if (ctx.type.strategy.allowUnconditionalUpdate === false) {
      // The store names the resource where an Invalid error names a kind.
      return invalid(ctx.type.resource, ctx.type.group, ctx.info.name, [invalidValue('metadata.resourceVersion', uint64Value(0), 'must be specified for an update')]);
    }
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    return undefined;
  }
  if (rv !== current.metadata.resourceVersion) return conflict({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
  return undefined;
}

/**
 * beforeUpdate is rest.BeforeUpdate: the namespace must match, generation is the
 * stored one unless the strategy counts a change, the strategy (or, on /status,
 * the status strategy) puts back what the endpoint may not change, and uid,
 * creation and deletion timestamps keep their stored values; then validation.
 */
function beforeUpdate(ctx: HandlerContext, obj: KubeObject, old: KubeObject): Status | undefined {
  const wrongNamespace = ensureNamespace(ctx, obj.metadata);
  if (wrongNamespace) return wrongNamespace;
  const s = ctx.type.strategy;
  const oldMeta = old.metadata;
  if (oldMeta.generation === undefined) delete obj.metadata.generation;
  else obj.metadata.generation = oldMeta.generation;
  const sub = subresourceStrategy(ctx);
  if (isStatusWrite(ctx)) {
    if (s.prepareForStatusUpdate) s.prepareForStatusUpdate(obj, old);
    else keepAllButStatus(obj, old);
  } else if (sub) {
    sub.prepareForUpdate(obj, old);
  } else {
    s.prepareForUpdate?.(obj, old);
    // Spec changes count a generation, as each such strategy's PrepareForUpdate does (unless it already counted one).
    if (s.generation && obj.metadata.generation === oldMeta.generation && specChanged(obj, old)) obj.metadata.generation = (oldMeta.generation ?? 0) + 1;
  }
  const meta = obj.metadata;
  if (!meta.uid) meta.uid = oldMeta.uid;
  if (oldMeta.creationTimestamp) meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds != null && meta.deletionGracePeriodSeconds == null) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  return validateObject(ctx, obj, old);
}

/**
 * keepAllButStatus is the status strategy of a type without its own: the stored
 * object with the new status and managedFields, as the custom resource status
 * strategy's PrepareForUpdate.
 */
function keepAllButStatus(obj: KubeObject, old: KubeObject): void {
  const { status } = obj;
  const { managedFields } = obj.metadata;
  for (const key of Object.keys(obj)) delete obj[key];
  Object.assign(obj, copyStored(old));
  if (status === undefined) delete obj.status;
  else obj.status = status;
  if (managedFields === undefined) delete obj.metadata.managedFields;
  else obj.metadata.managedFields = managedFields;
}

/**
 * shouldDeleteDuringUpdate is the store's ShouldDeleteDuringUpdate: the last finalizer
 * left an object whose deletion has no grace period left, and the strategy's own
 * condition holds (ShouldDeleteNamespaceDuringUpdate).
 */
function shouldDeleteDuringUpdate(ctx: HandlerContext, obj: KubeObject, old: KubeObject): boolean {
  if (obj.metadata.finalizers?.length) return false;
  if (!old.metadata.deletionTimestamp) return false;
  return !old.metadata.deletionGracePeriodSeconds && (ctx.type.strategy.shouldDeleteDuringUpdate?.(obj) ?? true);
}
