/**
 * binding is POST pods/<name>/binding: how the scheduler (or a person doing manual
 * scheduling) assigns a pod to a node. It sets spec.nodeName and the PodScheduled
 * condition in one write, as upstream's BindingREST does.
 */
import { setCondition, timestamp } from '../../api/meta';
import type { Binding, Pod, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, invalid, notFound, success } from '../errors';
import { required } from '../fieldErrors';
import { isObject } from './common';

export async function handleBinding(ctx: HandlerContext, body: unknown): Promise<Status> {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json');
  const binding = body as Binding;
  const name = binding.metadata?.name ?? ctx.info.name;
  if (name !== ctx.info.name) return badRequest(`the name of the object (${name}) does not match the name on the URL (${ctx.info.name})`);
  if (!binding.target?.name) return invalid('Binding', '', name, [required('target.name')]);
  // As GuaranteedUpdate with a cached existing object: the watch cache's copy first, then the store's when the cache's is refused or stale.
  const cached = ctx.storage.cached(ctx.info.namespace, ctx.info.name) as Pod | undefined;
  if (cached) {
    const answer = await bind(ctx, binding, cached);
    if (answer) return answer;
  }
  return (await bind(ctx, binding, (await ctx.storage.get(ctx.info.namespace, ctx.info.name)) as Pod | undefined, true)) as Status;
}

const BINDING = { group: '', resource: 'pods/binding' };

/**
 * bind sets the pod's node and PodScheduled and writes it at the pod's
 * resourceVersion. Undefined, for a pod from the cache, where the store may
 * answer otherwise: a refusal, or a write that found a newer pod.
 */
async function bind(ctx: HandlerContext, binding: Binding, pod: Pod | undefined, fromStore = false): Promise<Status | undefined> {
  const refused = assignable(ctx, binding, pod);
  if (refused || !pod) return fromStore ? refused : undefined;
  pod.spec.nodeName = binding.target.name;
  pod.status = { ...pod.status, conditions: setCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.clock.now()) }) };
  const written = await ctx.storage.update(pod, Number(pod.metadata.resourceVersion), ctx.dryRun);
  if (written.ok) return { ...success(), code: 201 };
  return fromStore ? conflict(BINDING, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE) : undefined;
}

/** assignable is why pod cannot take the binding (gone, being deleted, already on a node, another uid), if it cannot. */
function assignable(ctx: HandlerContext, binding: Binding, pod: Pod | undefined): Status | undefined {
  const name = ctx.info.name;
  if (!pod) return notFound({ group: '', resource: 'pods' }, name);
  if (pod.metadata.deletionTimestamp) return conflict(BINDING, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec.nodeName) return conflict(BINDING, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) {
    return conflict(BINDING, name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  }
  return undefined;
}
