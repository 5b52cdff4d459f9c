/**
 * update is the PUT pipeline (and PATCH, which applies the patch to the current
 * object and continues as an update): optimistic concurrency on resourceVersion,
 * the status subresource split, generation counting, admission, validation.
 */
import { type KubeObject, type Status, isStatus } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, notFound } from '../errors';
import { admitValidate, attributes, isObject, mutate, persisted, specOf, validateObject } from './common';
import { timestamp } from '../../api/meta';
import { modelForKind } from '../../openapi/schema';
import { FieldManager } from '../fieldmanager/fieldManager';
import { applyPatch, checkName, decodeApplyConfiguration, patchTypeOf, unsupportedPatchMediaType, validatePatchOptions } from '../patch/index';
import { groupVersion } from '../resources';
import { checkTypeMeta, decode, handleCreate } from './create';
import { fieldValidation } from './options';

/** Unconditional writes retry a few times when they race another writer, as GuaranteedUpdate does. */
const MAX_ATTEMPTS = 5;

export async function handleUpdate(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const decoded = decode(ctx, body);
  if ('status' in decoded) return decoded.status;
  const obj = decoded.object;
  if (!isObject(obj.metadata)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const typeError = checkTypeMeta(ctx, obj);
  if (typeError) return typeError;
  if (typeof obj.metadata.name === 'string' && obj.metadata.name !== ctx.info.name) {
    return badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.info.name})`);
  }
  if (ctx.type.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ctx.info.namespace) {
    return badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return guaranteedUpdate(ctx, typeof obj.metadata.resourceVersion === 'string' ? obj.metadata.resourceVersion : undefined, () => structuredClone(obj));
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
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  if (type === 'apply') return apply(ctx, body, model, namespace);
  const precondition = isObject(body) && isObject(body.metadata) && typeof body.metadata.resourceVersion === 'string' ? body.metadata.resourceVersion : undefined;
  return guaranteedUpdate(ctx, precondition, (current) => {
    const patched = applyPatch(type, current, body, model, fieldValidation(ctx.query));
    if ('status' in patched) return patched.status;
    const decoded = decode(ctx, patched.object);
    if ('status' in decoded) return decoded.status;
    return checkName(decoded.object, ctx.info.name, namespace) ?? decoded.object;
  });
}

/** fieldManagers keeps one FieldManager per resource type and subresource, as upstream builds them once per handler. */
const fieldManagers = new WeakMap<object, Map<string, FieldManager>>();

function fieldManagerFor(ctx: HandlerContext, model: string | undefined): FieldManager {
  let bySub = fieldManagers.get(ctx.type);
  if (!bySub) fieldManagers.set(ctx.type, (bySub = new Map<string, FieldManager>()));
  const sub = ctx.info.subresource;
  let fm = bySub.get(sub);
  if (!fm) {
    const resetFields = sub === 'status' ? [['spec'], ['metadata', 'labels']] : ctx.type.strategy.statusSubresource ? [['status']] : [];
    fm = new FieldManager({ apiVersion: groupVersion(ctx.type), kind: ctx.type.kind, model, ...(sub ? { subresource: sub } : {}), resetFields });
    bySub.set(sub, fm);
  }
  return fm;
}

/** apply is server-side apply: the applied configuration merged by the field manager, with conflicts as 409s unless force. */
async function apply(ctx: HandlerContext, body: unknown, model: string | undefined, namespace: string): Promise<KubeObject | Status | { created: KubeObject }> {
  const decodedConfig = decodeApplyConfiguration(body);
  if ('status' in decodedConfig) return decodedConfig.status;
  const manager = ctx.query.fieldManager ?? '';
  const force = ctx.query.force === 'true';
  const fm = fieldManagerFor(ctx, model);
  const now = timestamp(ctx.clock.now());
  const current = await ctx.storage.get(namespace, ctx.info.name);
  if (!current) {
    const applied = fm.apply(undefined, decodedConfig.config, manager, force, now);
    if ('status' in applied) return applied.status;
    const named = checkName(applied.object, ctx.info.name, namespace);
    if (named) return named;
    const created = await handleCreate(ctx, applied.object);
    return isStatus(created) ? created : { created };
  }
  return guaranteedUpdate(ctx, undefined, (live) => {
    const applied = fm.apply(live, decodedConfig.config, manager, force, now);
    if ('status' in applied) return applied.status;
    const decoded = decode(ctx, applied.object);
    if ('status' in decoded) return decoded.status;
    return checkName(decoded.object, ctx.info.name, namespace) ?? decoded.object;
  });
}

/**
 * guaranteedUpdate reads the current object, builds the new one with next(), and
 * writes it if nothing changed in between. A precondition resourceVersion that
 * no longer matches is a Conflict; without one, a race is retried.
 */
async function guaranteedUpdate(ctx: HandlerContext, precondition: string | undefined, next: (current: KubeObject) => KubeObject | Status): Promise<KubeObject | Status> {
  const gr = { group: ctx.type.group, resource: ctx.type.resource };
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.storage.get(namespace, ctx.info.name);
    if (!current) return notFound(gr, ctx.info.name);
    if (precondition && precondition !== current.metadata.resourceVersion) return conflict(gr, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
    const candidate = next(structuredClone(current));
    if (isStatus(candidate)) return candidate;
    const updated = prepareUpdate(ctx, candidate, current);
    const a = attributes(ctx, 'UPDATE', updated, current);
    const denied = (await mutate(ctx, a)) ?? validateObject(ctx, updated, current) ?? (await admitValidate(ctx, a));
    if (denied) return denied;
    if (JSON.stringify(updated) === JSON.stringify(current)) return current;
    const revision = Number(current.metadata.resourceVersion);
    const finished = updated.metadata.deletionTimestamp && !updated.metadata.finalizers?.length && !updated.metadata.deletionGracePeriodSeconds;
    const written = finished ? await ctx.storage.remove(updated, revision, ctx.dryRun) : await ctx.storage.update(updated, revision, ctx.dryRun);
    if (written.ok) {
      persisted(ctx, written.object);
      return written.object;
    }
    if (written.reason === 'missing') return notFound(gr, ctx.info.name);
    if (precondition || attempt >= MAX_ATTEMPTS) return conflict(gr, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
  }
}

/** prepareUpdate keeps what a client may not change and splits spec from status. */
function prepareUpdate(ctx: HandlerContext, obj: KubeObject, current: KubeObject): KubeObject {
  const s = ctx.type.strategy;
  let updated: KubeObject;
  if (ctx.info.subresource === 'status') {
    // The status endpoint takes only status; spec and metadata stay as stored.
    updated = { ...structuredClone(current), status: obj.status };
  } else {
    updated = { ...obj, metadata: { ...obj.metadata } };
    if (s.statusSubresource) updated.status = structuredClone(current.status);
    s.defaults?.(updated);
  }
  const meta = updated.metadata;
  const old = current.metadata;
  meta.name = old.name;
  meta.namespace = old.namespace;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  meta.resourceVersion = old.resourceVersion;
  if (old.deletionTimestamp) {
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  if (s.generation) meta.generation = (old.generation ?? 1) + (specOf(updated) !== specOf(current) ? 1 : 0);
  else if (old.generation === undefined) delete meta.generation;
  else meta.generation = old.generation;
  if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
  if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
  return updated;
}
