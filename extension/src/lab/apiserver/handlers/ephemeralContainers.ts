/**
 * ephemeralContainers serves pods/<name>/ephemeralcontainers as upstream's
 * EphemeralContainersREST: GET returns the pod; PUT and PATCH may change only
 * spec.ephemeralContainers (podEphemeralContainersStrategy drops every other change)
 * and are validated by ValidatePodEphemeralContainersUpdate: existing ephemeral
 * containers stay as they are, names are unique across all containers, and
 * ports, probes, resources and lifecycle are not allowed.
 */
import { type KubeObject, type Pod, type Status, isStatus } from '../../api/types';
import { modelForKind } from '../../openapi/schema';
import type { HandlerContext } from '../apiServer';
import { badRequest, methodNotSupported } from '../errors';
import { applyPatch, checkName, patchTypeOf, validatePatchOptions } from '../patch/index';
import type { ResourceType } from '../resources';
import type { Strategy } from '../strategy';
import { validatePodEphemeralContainersUpdate } from '../validation/core';
import { isObject } from './common';
import { checkTypeMeta, decode } from './create';
import { fieldValidation } from './options';
import { handleGet } from './read';
import { updateParent } from './scale';
import { subresourcePatchTypes } from './subresourceBody';

const POD_MODEL = modelForKind('', 'v1', 'Pod');

/** handleEphemeralContainers answers GET, PUT and PATCH of pods/<name>/ephemeralcontainers. */
export async function handleEphemeralContainers(ctx: HandlerContext, body: unknown, contentType: string): Promise<KubeObject | Status> {
  switch (ctx.info.verb) {
    case 'get': return handleGet(ctx);
    case 'update': return putEphemeralContainers(ctx, body);
    case 'patch': return patchEphemeralContainers(ctx, body, contentType);
    default: return methodNotSupported({ group: '', resource: 'pods/ephemeralcontainers' }, ctx.info.verb);
  }
}

async function putEphemeralContainers(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const decoded = decode(ctx, body);
  if ('status' in decoded) return decoded.status;
  const pod = decoded.object;
  const typeError = checkTypeMeta(ctx, pod);
  if (typeError) return typeError;
  if (!isObject(pod.metadata)) pod.metadata = {};
  const named = checkName(pod, ctx.info.name, ctx.info.namespace);
  if (named) return named;
  return writeEphemeralContainers(ctx, () => pod);
}

async function patchEphemeralContainers(ctx: HandlerContext, body: unknown, contentType: string): Promise<KubeObject | Status> {
  const type = patchTypeOf(contentType);
  if (!type || type === 'apply') return subresourcePatchTypes();
  const badOptions = validatePatchOptions(type, { fieldManager: ctx.query.fieldManager, ...(ctx.query.force === undefined ? {} : { force: ctx.query.force === 'true' }) });
  if (badOptions) return badOptions;
  return writeEphemeralContainers(ctx, (current) => {
    const patched = applyPatch(type, current, body, POD_MODEL, fieldValidation(ctx.query));
    if ('status' in patched) return patched.status;
    const decoded = decode(ctx, patched.object);
    if ('status' in decoded) return decoded.status;
    return checkName(decoded.object, ctx.info.name, ctx.info.namespace) ?? decoded.object;
  });
}

/**
 * writeEphemeralContainers is dropNonEphemeralContainerUpdates plus the update: the
 * stored pod with the requested spec.ephemeralContainers (and resourceVersion, as a
 * precondition), updated under the ephemeral containers strategy.
 */
async function writeEphemeralContainers(ctx: HandlerContext, requested: (current: KubeObject) => KubeObject | Status): Promise<KubeObject | Status> {
  const sub = { ...ctx, type: ephemeralContainersType(ctx.type) };
  return updateParent(sub, (current) => {
    const wanted = requested(structuredClone(current));
    if (isStatus(wanted)) return wanted;
    const next = current as Pod;
    const ephemeral = (wanted as Pod).spec?.ephemeralContainers;
    if (ephemeral === undefined || ephemeral === null) delete next.spec.ephemeralContainers;
    else next.spec.ephemeralContainers = ephemeral;
    next.metadata.resourceVersion = wanted.metadata.resourceVersion;
    return next;
  });
}

const ephemeralTypes = new WeakMap<ResourceType, ResourceType>();

/** ephemeralContainersType is the pod type under EphemeralContainersStrategy: its update validation is ValidatePodEphemeralContainersUpdate. */
function ephemeralContainersType(pods: ResourceType): ResourceType {
  let t = ephemeralTypes.get(pods);
  if (!t) {
    const strategy: Strategy = { ...pods.strategy, validateUpdate: validatePodEphemeralContainersUpdate, warningsOnUpdate: undefined };
    t = { ...pods, strategy };
    ephemeralTypes.set(pods, t);
  }
  return t;
}
