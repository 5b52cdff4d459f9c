/**
 * update is the PUT pipeline (and PATCH, which applies the patch to the current
 * object and continues as an update): optimistic concurrency on resourceVersion,
 * the status subresource split, generation counting, admission, validation.
 */
import { type KubeObject, type Status, isStatus } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, notFound, unsupportedMediaType } from '../errors';
import { mergePatch } from '../patch';
import { admitValidate, attributes, isObject, mutate, persisted, specOf, validateObject } from './common';
import { checkTypeMeta, decode } from './create';

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

export async function handlePatch(ctx: HandlerContext, body: unknown, contentType: string): Promise<KubeObject | Status> {
  const type = contentType.split(';')[0].trim();
  if (type !== 'application/merge-patch+json') return unsupportedMediaType(type || 'none');
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/merge-patch+json');
  const rv = isObject(body.metadata) && typeof body.metadata.resourceVersion === 'string' ? body.metadata.resourceVersion : undefined;
  return guaranteedUpdate(ctx, rv, (current) => {
    const patched = mergePatch(current, body);
    if (!isObject(patched)) return badRequest('the patch produced no object');
    const decoded = decode(ctx, patched);
    return 'status' in decoded ? decoded.status : decoded.object;
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
