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
  const gr = { group: '', resource: 'pods/binding' };
  if (name !== ctx.info.name) return badRequest(`the name of the object (${name}) does not match the name on the URL (${ctx.info.name})`);
  if (!binding.target?.name) return invalid('Binding', '', name, [required('target.name')]);
  const pod = (await ctx.storage.get(ctx.info.namespace, ctx.info.name)) as Pod | undefined;
  if (!pod) return notFound({ group: '', resource: 'pods' }, ctx.info.name);
  if (pod.metadata.deletionTimestamp) return conflict(gr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec.nodeName) return conflict(gr, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) {
    return conflict(gr, name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  }
  pod.spec.nodeName = binding.target.name;
  pod.status = { ...pod.status, conditions: setCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.clock.now()) }) };
  const written = await ctx.storage.update(pod, Number(pod.metadata.resourceVersion), ctx.dryRun);
  if (!written.ok) return conflict(gr, name, OPTIMISTIC_LOCK_MESSAGE);
  return { ...success(), code: 201 };
}
