/** common holds the pipeline steps shared by the write handlers: validation and admission. */
import type { KubeObject, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import type { Attributes, Operation } from '../admission/admission';
import { invalid } from '../errors';
import type { FieldError } from '../fieldErrors';
import { validateObjectMeta } from '../validation/objectMeta';

/** attributes builds admission attributes for the request in ctx. */
export function attributes(ctx: HandlerContext, operation: Operation, object?: KubeObject, oldObject?: KubeObject): Attributes {
  return {
    operation,
    type: ctx.type,
    subresource: ctx.info.subresource,
    namespace: ctx.type.namespaced ? ctx.info.namespace : '',
    name: object?.metadata.name ?? ctx.info.name,
    object,
    oldObject,
    dryRun: ctx.dryRun,
  };
}

/** mutate runs the mutating admission plugins in order. */
export async function mutate(ctx: HandlerContext, a: Attributes): Promise<Status | undefined> {
  for (const plugin of ctx.admission.mutating) {
    const denied = await plugin.admit(a, ctx.admissionContext);
    if (denied) return denied;
  }
  return undefined;
}

/** admitValidate runs the validating admission plugins in order. */
export async function admitValidate(ctx: HandlerContext, a: Attributes): Promise<Status | undefined> {
  for (const plugin of ctx.admission.validating) {
    const denied = await plugin.validate(a, ctx.admissionContext);
    if (denied) return denied;
  }
  return undefined;
}

/** validateObject runs metadata and strategy validation; it returns the 422 Status if anything fails. */
export function validateObject(ctx: HandlerContext, obj: KubeObject, old?: KubeObject): Status | undefined {
  const s = ctx.type.strategy;
  const errs: FieldError[] = [...validateObjectMeta(obj.metadata, ctx.type.namespaced, s.nameValidator)];
  if (old && s.validateUpdate) errs.push(...s.validateUpdate(obj, old));
  else if (!old && s.validate) errs.push(...s.validate(obj));
  return errs.length ? invalid(ctx.type.kind, ctx.type.group, obj.metadata.name ?? '', errs) : undefined;
}

/** isObject tells a decoded JSON object from anything else a client may send. */
export function isObject(body: unknown): body is KubeObject {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** specOf is everything but metadata and status: what generation counts changes of. */
export function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, resourceVersion: _r, ...rest } = obj;
  return JSON.stringify(rest);
}
