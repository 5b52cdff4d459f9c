/**
 * delete is the DELETE pipeline: preconditions, graceful deletion (a pod on a
 * node gets a deletionTimestamp and its kubelet finishes the delete), finalizers,
 * then removal from the store.
 */
import { timestamp } from '../../api/meta';
import type { KubeObject, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, notFound } from '../errors';
import { admitValidate, attributes, isObject, mutate, persisted } from './common';

interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
}

export async function handleDelete(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> {
  const gr = { group: ctx.type.group, resource: ctx.type.resource };
  const options: DeleteOptions = isObject(body) ? (body as DeleteOptions) : {};
  if (ctx.query.gracePeriodSeconds !== undefined) options.gracePeriodSeconds = Number(ctx.query.gracePeriodSeconds);
  if (options.gracePeriodSeconds !== undefined && (!Number.isInteger(options.gracePeriodSeconds))) return badRequest(`invalid gracePeriodSeconds: ${String(options.gracePeriodSeconds)}`);
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  const current = await ctx.storage.get(namespace, ctx.info.name);
  if (!current) return notFound(gr, ctx.info.name);
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    return conflict(gr, ctx.info.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    return conflict(gr, ctx.info.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
  }
  const a = attributes(ctx, 'DELETE', undefined, current, { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...options });
  const denied = (await mutate(ctx, a)) ?? (await admitValidate(ctx, a));
  if (denied) return denied;

  const revision = Number(current.metadata.resourceVersion);
  const requested = options.gracePeriodSeconds;
  const grace = requested === 0 ? 0 : (ctx.type.strategy.gracePeriod?.(current, requested) ?? 0);
  const pendingGrace = current.metadata.deletionGracePeriodSeconds;
  const finalizers = current.metadata.finalizers ?? [];

  if (grace > 0 || finalizers.length > 0) {
    // Mark for deletion; the kubelet (grace) or the finalizers' owners finish it. A
    // second delete may only shorten the grace period.
    const marked = current.metadata.deletionTimestamp !== undefined;
    if (marked && (pendingGrace === undefined || grace >= pendingGrace)) return current;
    const next = structuredClone(current);
    next.metadata.deletionTimestamp = timestamp(ctx.clock.now() + grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    const written = await ctx.storage.update(next, revision, ctx.dryRun);
    if (written.ok) {
      persisted(ctx, written.object);
      return written.object;
    }
    return written.reason === 'missing' ? notFound(gr, ctx.info.name) : conflict(gr, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
  }
  const removed = await ctx.storage.remove(current, revision, ctx.dryRun);
  if (removed.ok) {
    persisted(ctx, removed.object);
    return removed.object;
  }
  return removed.reason === 'missing' ? notFound(gr, ctx.info.name) : conflict(gr, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
}
