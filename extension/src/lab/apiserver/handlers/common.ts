/** common holds the pipeline steps shared by the write handlers: validation and admission. */
import type { KubeObject, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import type { Attributes, Operation } from '../admission/admission';
import { reinvocationContext } from '../admission/webhook/reinvocation';
import { invalid } from '../errors';
import type { FieldError } from '../fieldErrors';
import type { PluginVerdict } from '../trace';
import { validateObjectMeta } from '../validation/objectMeta';

/** attributes builds admission attributes for the request in ctx. */
export function attributes(ctx: HandlerContext, operation: Operation, object?: KubeObject, oldObject?: KubeObject, options?: Record<string, unknown>): Attributes {
  return {
    operation,
    type: ctx.type,
    subresource: ctx.info.subresource,
    namespace: ctx.type.namespaced ? ctx.info.namespace : '',
    name: object?.metadata.name ?? ctx.info.name,
    object,
    oldObject,
    ...(options ? { options } : {}),
    dryRun: ctx.dryRun,
    userInfo: ctx.user,
    warnings: ctx.warnings,
    auditAnnotations: ctx.auditAnnotations,
  };
}

/**
 * mutate runs every plugin's admit in chain order, recording each verdict and
 * patch in the trace; when a webhook asked to be reinvoked (reinvocationPolicy
 * IfNeeded) and a later plugin changed the object, the chain runs once more, as
 * upstream's reinvoker does.
 */
export async function mutate(ctx: HandlerContext, a: Attributes): Promise<Status | undefined> {
  const verdicts: PluginVerdict[] = [];
  const reinvocation = reinvocationContext(a);
  for (let round = 0; round < 2; round++) {
    for (const plugin of ctx.admission.plugins) {
      if (!plugin.admit) continue;
      const denied = await ctx.tracer.plugin(verdicts, plugin.name, 'mutating', a.object, () => plugin.admit?.(a, ctx.admissionContext), (s) => s.message ?? '');
      if (denied) {
        ctx.tracer.stage('mutating admission', 'rejected', plugin.name).plugins = verdicts;
        return denied;
      }
    }
    if (round > 0 || !reinvocation.shouldReinvoke) break;
    reinvocation.isReinvoke = true;
  }
  ctx.tracer.stage('mutating admission').plugins = verdicts;
  return undefined;
}

/** admitValidate runs every plugin's validate in chain order. */
export async function admitValidate(ctx: HandlerContext, a: Attributes): Promise<Status | undefined> {
  const verdicts: PluginVerdict[] = [];
  for (const plugin of ctx.admission.plugins) {
    if (!plugin.validate) continue;
    const denied = await ctx.tracer.plugin(verdicts, plugin.name, 'validating', a.object, () => plugin.validate?.(a, ctx.admissionContext), (s) => s.message ?? '');
    if (denied) {
      ctx.tracer.stage('validating admission', 'rejected', plugin.name).plugins = verdicts;
      return denied;
    }
  }
  ctx.tracer.stage('validating admission').plugins = verdicts;
  return undefined;
}

/** validateObject runs metadata and strategy validation; it returns the 422 Status if anything fails. */
export function validateObject(ctx: HandlerContext, obj: KubeObject, old?: KubeObject): Status | undefined {
  const s = ctx.type.strategy;
  const errs: FieldError[] = [...validateObjectMeta(obj.metadata, ctx.type.namespaced, s.nameValidator)];
  if (old && ctx.info.subresource === 'status' && s.validateStatusUpdate) errs.push(...s.validateStatusUpdate(obj, old));
  else if (old && s.validateUpdate) errs.push(...s.validateUpdate(obj, old));
  else if (!old && s.validate) errs.push(...s.validate(obj));
  if (errs.length) {
    ctx.tracer.stage('validation', 'rejected', `${errs.length} field error${errs.length > 1 ? 's' : ''}`);
    return invalid(ctx.type.kind, ctx.type.group, obj.metadata.name ?? '', errs);
  }
  const warnings = old ? s.warningsOnUpdate?.(obj, old) : s.warningsOnCreate?.(obj);
  if (warnings) ctx.warnings.push(...warnings);
  ctx.tracer.stage('validation');
  return undefined;
}

/** persisted records the persist stage and the revision the write made (or that it was a dry run). */
export function persisted(ctx: HandlerContext, obj: KubeObject): void {
  if (ctx.dryRun) {
    ctx.tracer.stage('persist', 'skipped', 'dryRun=All');
    return;
  }
  const revision = Number(obj.metadata.resourceVersion);
  ctx.tracer.trace.status.revision = revision;
  ctx.tracer.stage('persist', 'ok', `revision ${revision}`);
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
