/**
 * common holds the pipeline steps the write handlers share: admission, validation,
 * the namespace check, the field manager, and telling a real change from a no-op.
 */
import type { KubeObject, ObjectMeta, Status } from '../../api/types';
import { modelForKind } from '../../openapi/schema';
import type { HandlerContext } from '../apiServer';
import type { Attributes, Operation } from '../admission/admission';
import { reinvocationContext } from '../admission/webhook/reinvocation';
import { badRequest, conflict, invalid } from '../errors';
import type { FieldError } from '../fieldErrors';
import { FieldManager, managerOrUserAgent } from '../fieldmanager/fieldManager';
import { ManagedFieldsError, decodeManagedFields } from '../fieldmanager/managedFields';
import { valuesEqual } from '../fieldmanager/helpers';
import { groupVersion } from '../resources';
import type { SubresourceStrategy } from '../strategy';
import { type PluginVerdict, secondTimestamp } from '../trace';
import { validateCommonFieldsUpdate, validateObjectMeta } from '../validation/objectMeta';

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

/** INVALID_MANAGED_FIELDS_WARNING is fieldmanager's InvalidManagedFieldsAfterMutatingAdmissionWarningFormat. */
const INVALID_MANAGED_FIELDS_WARNING = '.metadata.managedFields was in an invalid state after admission; this could be caused by an outdated mutating admission controller; please fix your requests: ';

/**
 * mutate runs every plugin's admit in chain order, recording each verdict and
 * patch in the trace; when a webhook asked to be reinvoked (reinvocationPolicy
 * IfNeeded) and a later plugin changed the object, the chain runs once more, as
 * upstream's reinvoker does. Managed fields the chain left undecodable are put
 * back as they were, with a warning (NewManagedFieldsValidatingAdmissionController).
 */
export async function mutate(ctx: HandlerContext, a: Attributes): Promise<Status | undefined> {
  const verdicts: PluginVerdict[] = [];
  const reinvocation = reinvocationContext(a);
  const managedBefore = a.object?.metadata.managedFields;
  for (let round = 0; round < 2; round++) {
    const plugins = ctx.admission.plugins;
    for (let i = 0; i < plugins.length; i++) {
      const plugin = plugins[i];
      if (!plugin.admit) continue;
      // The trace diffs only the object a plugin may change.
      const watched = plugin.mutates?.(a, ctx.admissionContext) === false ? undefined : a.object;
      const denied = await ctx.tracer.plugin(verdicts, plugin, 'mutating', a, ctx.admissionContext, watched);
      if (denied) {
        ctx.tracer.stage('mutating admission', 'rejected', plugin.name).plugins = verdicts;
        return denied;
      }
    }
    if (round > 0 || !reinvocation.shouldReinvoke) break;
    reinvocation.isReinvoke = true;
  }
  // Plugins that touch managedFields replace them (a webhook's patch replaces the object's fields): only then can they have broken.
  if (a.object && a.object.metadata.managedFields !== managedBefore) keepDecodableManagedFields(ctx, a.object.metadata, managedBefore);
  ctx.tracer.stage('mutating admission').plugins = verdicts;
  return undefined;
}

function keepDecodableManagedFields(ctx: HandlerContext, meta: ObjectMeta, before: unknown): void {
  try {
    decodeManagedFields(meta.managedFields);
  } catch (err) {
    if (before === undefined) delete meta.managedFields;
    else meta.managedFields = before;
    ctx.warnings.push(INVALID_MANAGED_FIELDS_WARNING + (err instanceof ManagedFieldsError ? err.message : String(err)));
  }
}

/** admitValidate runs every plugin's validate in chain order. */
export async function admitValidate(ctx: HandlerContext, a: Attributes): Promise<Status | undefined> {
  const verdicts: PluginVerdict[] = [];
  const plugins = ctx.admission.plugins;
  for (let i = 0; i < plugins.length; i++) {
    const plugin = plugins[i];
    if (!plugin.validate) continue;
    const denied = await ctx.tracer.plugin(verdicts, plugin, 'validating', a, ctx.admissionContext, undefined);
    if (denied) {
      ctx.tracer.stage('validating admission', 'rejected', plugin.name).plugins = verdicts;
      return denied;
    }
  }
  ctx.tracer.stage('validating admission').plugins = verdicts;
  return undefined;
}

/**
 * validateObject is the validation half of rest.BeforeCreate and rest.BeforeUpdate:
 * on create the metadata (with the type's name rule) and the strategy's Validate;
 * on update the common fields (path-segment names, immutable identity) and the
 * strategy's, or its status strategy's, ValidateUpdate. It returns the 422 Status
 * if anything fails, else records the strategy's warnings.
 */
export function validateObject(ctx: HandlerContext, obj: KubeObject, old?: KubeObject): Status | undefined {
  const s = ctx.type.strategy;
  const errs: FieldError[] = [];
  if (!old) errs.push(...validateObjectMeta(obj.metadata, ctx.type.namespaced, s.nameValidator), ...(s.validate?.(obj) ?? []));
  else {
    errs.push(...validateCommonFieldsUpdate(obj.metadata, old.metadata, ctx.type.namespaced));
    const sub = subresourceStrategy(ctx);
    if (sub) errs.push(...sub.validateUpdate(obj, old));
    else errs.push(...((isStatusWrite(ctx) && s.validateStatusUpdate ? s.validateStatusUpdate(obj, old) : s.validateUpdate?.(obj, old)) ?? []));
  }
  if (errs.length) {
    ctx.tracer.stage('validation', 'rejected', `${errs.length} field error${errs.length > 1 ? 's' : ''}`);
    return invalid(ctx.type.kind, ctx.type.group, obj.metadata.name ?? '', errs);
  }
  const warnings = old ? s.warningsOnUpdate?.(obj, old) : s.warningsOnCreate?.(obj);
  if (warnings) ctx.warnings.push(...warnings);
  ctx.tracer.stage('validation');
  return undefined;
}

/** isStatusWrite tells a write to the status subresource, which the status strategy governs. */
export function isStatusWrite(ctx: HandlerContext): boolean {
  return ctx.info.subresource === 'status';
}

/** subresourceStrategy is the strategy of a write through a subresource with a store of its own (namespaces/finalize). */
export function subresourceStrategy(ctx: HandlerContext): SubresourceStrategy | undefined {
  const sub = ctx.info.subresource;
  return sub ? ctx.type.strategy.subresourceStrategies?.[sub] : undefined;
}

/** NAMESPACE_MISMATCH is rest.EnsureObjectNamespaceMatchesRequestNamespace's 400. */
const NAMESPACE_MISMATCH = 'the namespace of the provided object does not match the namespace sent on the request';

/**
 * ensureNamespace is rest.EnsureObjectNamespaceMatchesRequestNamespace: an object
 * without a namespace takes the request's, a cluster-scoped object loses its own,
 * and a namespace that differs from the request's is a 400.
 */
export function ensureNamespace(ctx: HandlerContext, meta: ObjectMeta): Status | undefined {
  const expected = ctx.type.namespaced ? ctx.info.namespace : '';
  const actual = meta.namespace ?? '';
  if (actual === expected) return undefined;
  if (actual === '' || expected === '') {
    if (expected) meta.namespace = expected;
    else delete meta.namespace;
    return undefined;
  }
  return badRequest(NAMESPACE_MISMATCH);
}

/** fieldManagers keeps one FieldManager per resource type and subresource, as upstream builds one per endpoint. */
const fieldManagers = new WeakMap<object, Map<string, FieldManager>>();

/**
 * fieldManagerFor is the endpoint's field manager. Its reset fields are the
 * strategy's GetResetFields: status on a main resource that has a status
 * subresource, the status strategy's (spec by default) on /status.
 */
export function fieldManagerFor(ctx: HandlerContext): FieldManager {
  let bySub = fieldManagers.get(ctx.type);
  if (!bySub) fieldManagers.set(ctx.type, (bySub = new Map<string, FieldManager>()));
  const sub = ctx.info.subresource;
  let fm = bySub.get(sub);
  if (!fm) {
    const s = ctx.type.strategy;
    const resetFields = sub === 'status' ? (s.statusResetFields ?? [['spec']]) : (subresourceStrategy(ctx)?.resetFields ?? (s.statusSubresource ? [['status']] : []));
    const model = modelForKind(ctx.type.group, ctx.type.version, ctx.type.kind);
    fm = new FieldManager({ apiVersion: groupVersion(ctx.type), kind: ctx.type.kind, model, ...(sub ? { subresource: sub } : {}), resetFields });
    bySub.set(sub, fm);
  }
  return fm;
}

/** trackUpdate is FieldManager.UpdateNoErrors for the request's manager: `?fieldManager=`, else the user agent's product name. */
export function trackUpdate(ctx: HandlerContext, live: KubeObject | undefined, obj: KubeObject): KubeObject {
  return fieldManagerFor(ctx).update(live, obj, managerOrUserAgent(ctx.query.fieldManager, ctx.userAgent), secondTimestamp(ctx.clock.now()));
}

/**
 * sameObject tells an update that would store nothing new: the objects are equal
 * once managedFields' timestamps are set aside, as the store's
 * IgnoreManagedFieldsTimestampsTransformer and GuaranteedUpdate's byte comparison
 * together decide.
 */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const { managedFields: am, ...aMeta } = a.metadata;
  const { managedFields: bm, ...bMeta } = b.metadata;
  if (!jsonEqual({ ...a, metadata: aMeta }, { ...b, metadata: bMeta })) return false;
  if (!Array.isArray(am) || !Array.isArray(bm)) return jsonEqual(am, bm);
  return am.length === bm.length && am.every((e, i) => jsonEqual({ ...(e as object), time: undefined }, { ...(bm[i] as object), time: undefined }));
}

/** jsonEqual is equality of what two values encode to: a property that is undefined is no property. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  if (keys.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
  return keys.every((k) => jsonEqual(ra[k], rb[k]));
}

const DUPLICATE_OWNER_REFERENCES = '.metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ';
const DUPLICATE_OWNER_REFERENCES_AFTER_ADMISSION = '.metadata.ownerReferences contains duplicate entries after mutating admission happens; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ';

/**
 * omitEmptyMetadata drops ObjectMeta's empty lists and maps: every one of those Go
 * fields is `omitempty`, so upstream never stores or returns `ownerReferences: []`
 * (the garbage collector's orphaning leaves exactly that).
 */
export function omitEmptyMetadata(obj: KubeObject): void {
  const meta = obj.metadata as Record<string, unknown>;
  for (const key of ['labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']) {
    const v = meta[key];
    if (Array.isArray(v) ? v.length === 0 : v !== null && typeof v === 'object' && Object.keys(v).length === 0) delete meta[key];
  }
}

/**
 * dedupOwnerReferences is the handlers' dedupOwnerReferencesAndAddWarning: an owner
 * reference equal to an earlier one is dropped, and the client is warned, in the
 * words for before or after mutating admission.
 */
export function dedupOwnerReferences(ctx: HandlerContext, obj: KubeObject, afterMutatingAdmission: boolean): void {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return;
  const kept: unknown[] = [];
  const duplicates: string[] = [];
  for (const ref of refs) {
    const uid: unknown = (ref as { uid?: unknown }).uid;
    if (kept.some((k) => valuesEqual(k, ref))) duplicates.push(typeof uid === 'string' ? uid : '');
    else kept.push(ref);
  }
  if (duplicates.length === 0) return;
  obj.metadata.ownerReferences = kept as typeof refs;
  ctx.warnings.push((afterMutatingAdmission ? DUPLICATE_OWNER_REFERENCES_AFTER_ADMISSION : DUPLICATE_OWNER_REFERENCES) + duplicates.join(', '));
}

/** Preconditions are metav1.Preconditions: the uid and resourceVersion a write expects the stored object to have. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/**
 * checkPreconditions is storage.Preconditions.Check as the client sees it: a
 * mismatch is a StorageError (invalid object, code 4) that the store turns into a
 * 409 Conflict (InterpretUpdateError, InterpretDeleteError).
 */
export function checkPreconditions(ctx: HandlerContext, pre: Preconditions | undefined, obj: KubeObject): Status | undefined {
  const meta = obj.metadata;
  let failure: string | undefined;
  if (pre?.uid !== undefined && pre.uid !== (meta.uid ?? '')) failure = `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`;
  else if (pre?.resourceVersion !== undefined && pre.resourceVersion !== (meta.resourceVersion ?? '')) {
    failure = `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`;
  }
  if (failure === undefined) return undefined;
  const key = ctx.storage.key(meta.namespace ?? '', meta.name ?? '');
  return conflict({ group: ctx.type.group, resource: ctx.type.resource }, meta.name ?? '', `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${failure}`);
}

/** persisted records the persist stage and the revision the write made (or that it was a dry run). */
export function persisted(ctx: HandlerContext, obj: KubeObject): void {
  if (ctx.dryRun) {
    ctx.tracer.stage('persist', 'skipped', 'dryRun=All');
    return;
  }
  const revision = Number(obj.metadata.resourceVersion);
  ctx.tracer.trace.status.revision = revision;
  const stage = ctx.tracer.stage('persist', 'ok', `revision ${revision}`);
  stage.key = ctx.storage.key(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  const storage = ctx.storage;
  ctx.tracer.countWatchersLater(stage, () => storage.notified(revision));
}

/** isObject tells a decoded JSON object from anything else a client may send. */
export function isObject(body: unknown): body is KubeObject {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** specChanged tells whether anything but metadata and status differs: what metadata.generation counts. */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  const { metadata: _m, status: _s, ...rest } = obj;
  const { metadata: _om, status: _os, ...oldRest } = old;
  return !jsonEqual(rest, oldRest);
}
