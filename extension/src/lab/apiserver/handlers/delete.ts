/**
 * delete is the DELETE pipeline, as handlers/delete.go and the generic store's
 * Delete run it: the DeleteOptions are decoded and validated; rest.BeforeDelete
 * checks the preconditions and starts (or shortens) a graceful deletion; the
 * garbage collector's finalizers follow the propagation policy; an object that
 * must wait for its grace period or its finalizers is marked and written; anything
 * else is removed. Admission sees the stored object before each write.
 */
import { timestamp } from '../../api/meta';
import { type KubeObject, type Status, isStatus } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, invalid, notFound } from '../errors';
import { type FieldError, invalidValue, notSupported } from '../fieldErrors';
import { type Preconditions, admitValidate, attributes, checkPreconditions, isObject, mutate, persisted, sameObject } from './common';

/** DeleteOptions are the metav1.DeleteOptions the handler reads. */
interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun?: string[];
}

/** The finalizers the garbage collector honours (metav1.FinalizerOrphanDependents, FinalizerDeleteDependents). */
const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** Deletes that race another writer are tried again, as GuaranteedUpdate does. */
const MAX_ATTEMPTS = 5;

/** kept holds the answers of deletes that left the object in place (upstream's wasDeleted=false). */
const kept = new WeakSet<object>();

function keep<T extends KubeObject | Status>(answer: T): T {
  if (!(isStatus(answer) && answer.status === 'Failure')) kept.add(answer);
  return answer;
}

/** handleDelete answers DELETE of one object. */
export async function handleDelete(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> {
  const options = deleteOptions(ctx, body);
  if (isStatus(options)) return options;
  const answer = ctx.type.group === '' && ctx.type.resource === 'namespaces' ? await deleteNamespace(ctx, options) : await deleteObject(ctx, options);
  if (options.orphanDependents === false && kept.has(answer)) accepted.add(answer);
  return answer;
}

const accepted = new WeakSet<object>();

/**
 * deleteAccepted says the answer is 202 Accepted rather than 200: the object was
 * not deleted at once and the client asked for cascading deletion with
 * orphanDependents=false (the delete handler keeps 200 otherwise, for old clients).
 */
export function deleteAccepted(answer: KubeObject | Status): boolean {
  return accepted.has(answer);
}

/** deleteObject is the generic store's Delete. */
async function deleteObject(ctx: HandlerContext, options: DeleteOptions): Promise<KubeObject | Status> {
  const current = await ctx.storage.get(requestNamespace(ctx), ctx.info.name);
  if (!current) return notFound(groupResource(ctx), ctx.info.name);
  const before = beforeDelete(ctx, current, options);
  if (isStatus(before)) return before;
  // A pending graceful deletion is left alone: the delete answers at once, without admission.
  if (before.pending) return keep(finalizeDelete(ctx, current));
  const preconditions: Preconditions = { ...options.preconditions };
  let last: KubeObject | undefined;
  if (before.graceful || current.metadata.finalizers?.length || garbageCollectionFinalizers(ctx, current, options).changed) {
    const marked = await markForDeletion(ctx, options, preconditions, current);
    if (!('deleteNow' in marked)) return keep(marked.answer);
    last = marked.last;
    if (last) {
      if (ctx.dryRun) return last;
      // The mark moved the version a client may have pinned; the removal pins the new one.
      if (preconditions.resourceVersion !== undefined) preconditions.resourceVersion = last.metadata.resourceVersion;
    }
  }
  return remove(ctx, options, preconditions, last);
}

/**
 * deleteNamespace is the namespace storage's Delete (pkg/registry/core/namespace/storage):
 * the namespace's uid is always a precondition; the first delete marks it for
 * termination and answers with it; while spec.finalizers remain a delete answers
 * with the namespace; after that the generic store deletes it.
 */
async function deleteNamespace(ctx: HandlerContext, options: DeleteOptions): Promise<KubeObject | Status> {
  const current = await ctx.storage.get('', ctx.info.name);
  if (!current) return notFound(groupResource(ctx), ctx.info.name);
  const meta = current.metadata;
  const pre: Preconditions = { ...options.preconditions };
  if (pre.uid === undefined) pre.uid = meta.uid ?? '';
  else if (pre.uid !== meta.uid) return conflict(groupResource(ctx), ctx.info.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
    return conflict(groupResource(ctx), ctx.info.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`);
  }
  options.preconditions = pre;
  if (!meta.deletionTimestamp) return keep(await markTerminating(ctx, options, pre));
  const spec = current.spec as { finalizers?: unknown[] } | undefined;
  if (spec?.finalizers?.length) return keep(current);
  return deleteObject(ctx, options);
}

/**
 * markTerminating is the namespace's first delete, a GuaranteedUpdate under the
 * preconditions and delete admission: the deletion timestamp, phase Terminating,
 * and the orphan and foregroundDeletion finalizers as the options ask.
 */
async function markTerminating(ctx: HandlerContext, options: DeleteOptions, preconditions: Preconditions): Promise<KubeObject | Status> {
  for (let attempt = 1; ; attempt++) {
    const existing = await ctx.storage.get('', ctx.info.name);
    if (!existing) return notFound(groupResource(ctx), ctx.info.name);
    const denied = checkPreconditions(ctx, preconditions, existing) ?? (await admitDelete(ctx, existing, options));
    if (denied) return denied;
    const stored = structuredClone(existing);
    const meta = existing.metadata;
    meta.deletionTimestamp ??= timestamp(ctx.clock.now());
    existing.status = { ...(existing.status as object | undefined), phase: 'Terminating' };
    const current = meta.finalizers ?? [];
    const next = current.filter((f) => f !== ORPHAN && f !== FOREGROUND);
    if (namespaceOrphans(options, current.includes(ORPHAN))) next.push(ORPHAN);
    if (namespaceDeletesDependents(options, current.includes(FOREGROUND))) next.push(FOREGROUND);
    if (next.length !== current.length || next.some((f) => !current.includes(f))) {
      if (next.length) meta.finalizers = next;
      else delete meta.finalizers;
    }
    if (sameObject(existing, stored)) {
      ctx.tracer.stage('persist', 'skipped', 'no change');
      return stored;
    }
    const written = await ctx.storage.update(existing, Number(stored.metadata.resourceVersion), ctx.dryRun);
    if (written.ok) {
      persisted(ctx, written.object);
      return written.object;
    }
    if (written.reason === 'missing') return notFound(groupResource(ctx), ctx.info.name);
    if (attempt >= MAX_ATTEMPTS) return conflict(groupResource(ctx), ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
  }
}

/** namespaceOrphans is the namespace storage's shouldHaveOrphanFinalizer. */
function namespaceOrphans(options: DeleteOptions, has: boolean): boolean {
  if (options.orphanDependents !== undefined) return options.orphanDependents;
  if (options.propagationPolicy !== undefined) return options.propagationPolicy === 'Orphan';
  return has;
}

/** namespaceDeletesDependents is the namespace storage's shouldHaveDeleteDependentsFinalizer (orphanDependents=false asks for foreground, as upstream has it). */
function namespaceDeletesDependents(options: DeleteOptions, has: boolean): boolean {
  if (options.orphanDependents !== undefined) return !options.orphanDependents;
  if (options.propagationPolicy !== undefined) return options.propagationPolicy === 'Foreground';
  return has;
}

function requestNamespace(ctx: HandlerContext): string {
  return ctx.type.namespaced ? ctx.info.namespace : '';
}

function groupResource(ctx: HandlerContext): { group: string; resource: string } {
  return { group: ctx.type.group, resource: ctx.type.resource };
}

/** Marked is what marking for deletion decided: answer now, or remove the object (the marked object, when one was written). */
type Marked = { answer: KubeObject | Status } | { deleteNow: true; last?: KubeObject };

/**
 * markForDeletion is updateForGracefulDeletionAndFinalizers: on the fresh object,
 * after the preconditions and admission, BeforeDelete again, the garbage
 * collector's finalizers, then either the graceful deletion's timestamp or, for an
 * object that only waits for finalizers, markAsDeleting. The written object is the
 * answer while something still waits; a grace period of 0 goes on to removal.
 */
async function markForDeletion(ctx: HandlerContext, options: DeleteOptions, preconditions: Preconditions, requested: KubeObject): Promise<Marked> {
  for (let attempt = 1; ; attempt++) {
    const existing = await ctx.storage.get(requestNamespace(ctx), ctx.info.name);
    if (!existing) return { answer: notFound(groupResource(ctx), ctx.info.name) };
    const denied = checkPreconditions(ctx, preconditions, existing) ?? (await admitDelete(ctx, existing, options));
    if (denied) return { answer: denied };
    const stored = structuredClone(existing);
    const before = beforeDelete(ctx, existing, options);
    if (isStatus(before)) return { answer: before };
    if (before.pending) return { answer: finalizeDelete(ctx, requested) };
    const gc = garbageCollectionFinalizers(ctx, existing, options);
    if (gc.changed) {
      if (gc.finalizers.length) existing.metadata.finalizers = gc.finalizers;
      else delete existing.metadata.finalizers;
    }
    const pendingFinalizers = gc.finalizers.length > 0;
    if (!before.graceful) {
      if (!pendingFinalizers) return { deleteNow: true };
      markAsDeleting(ctx, existing);
    }
    let marked: KubeObject;
    if (sameObject(existing, stored)) {
      // GuaranteedUpdate writes nothing when nothing changed (a second delete of an object that waits for finalizers).
      ctx.tracer.stage('persist', 'skipped', 'no change');
      marked = stored;
    } else {
      const written = await ctx.storage.update(existing, Number(stored.metadata.resourceVersion), ctx.dryRun);
      if (!written.ok) {
        if (written.reason === 'missing') return { answer: notFound(groupResource(ctx), ctx.info.name) };
        if (attempt >= MAX_ATTEMPTS) return { answer: conflict(groupResource(ctx), ctx.info.name, OPTIMISTIC_LOCK_MESSAGE) };
        continue;
      }
      persisted(ctx, written.object);
      marked = written.object;
    }
    if (pendingFinalizers || (before.graceful && (options.gracePeriodSeconds ?? 0) > 0)) return { answer: marked };
    return { deleteNow: true, last: marked };
  }
}

/** remove deletes the object from storage under the preconditions; one already gone after a graceful mark counts as deleted. */
async function remove(ctx: HandlerContext, options: DeleteOptions, preconditions: Preconditions, last: KubeObject | undefined): Promise<KubeObject | Status> {
  for (let attempt = 1; ; attempt++) {
    const existing = await ctx.storage.get(requestNamespace(ctx), ctx.info.name);
    if (!existing) return last ? finalizeDelete(ctx, last) : notFound(groupResource(ctx), ctx.info.name);
    const denied = checkPreconditions(ctx, preconditions, existing) ?? (await admitDelete(ctx, existing, options));
    if (denied) return denied;
    const removed = await ctx.storage.remove(existing, Number(existing.metadata.resourceVersion), ctx.dryRun);
    if (removed.ok) {
      persisted(ctx, removed.object);
      return finalizeDelete(ctx, removed.object);
    }
    if (removed.reason === 'missing') return last ? finalizeDelete(ctx, last) : notFound(groupResource(ctx), ctx.info.name);
    if (attempt >= MAX_ATTEMPTS) return conflict(groupResource(ctx), ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
  }
}

/** admitDelete is AdmissionToValidateObjectDeleteFunc: mutating then validating admission, with the stored object as the old one. */
async function admitDelete(ctx: HandlerContext, existing: KubeObject, options: DeleteOptions): Promise<Status | undefined> {
  const a = attributes(ctx, 'DELETE', undefined, structuredClone(existing), { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...options });
  return (await mutate(ctx, a)) ?? (await admitValidate(ctx, a));
}

/**
 * finalizeDelete is the store's answer for a deleted object: the object itself where
 * the store returns deleted objects, else a Success Status naming it (kind is the
 * resource, and there is no code, as upstream leaves it).
 */
function finalizeDelete(ctx: HandlerContext, obj: KubeObject): KubeObject | Status {
  if (ctx.type.strategy.returnDeletedObject) return obj;
  const details = { name: obj.metadata.name ?? '', ...(ctx.type.group ? { group: ctx.type.group } : {}), kind: ctx.type.resource, ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}) };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** Graceful says whether BeforeDelete started (or shortened) a graceful deletion, or found one pending that it leaves alone. */
interface Graceful {
  graceful: boolean;
  pending: boolean;
}

/**
 * beforeDelete is rest.BeforeDelete: the preconditions fail early; a negative grace
 * period means 1; a graceful strategy (pods) marks the object with its deletion
 * timestamp and grace period and counts a generation, and a second delete may only
 * shorten a pending grace period. It changes obj and options as upstream's does.
 */
function beforeDelete(ctx: HandlerContext, obj: KubeObject, options: DeleteOptions): Graceful | Status {
  const meta = obj.metadata;
  const pre = options.preconditions;
  // BeforeDelete names the kind where the store's errors name the resource.
  const kind = { group: ctx.type.group, resource: ctx.type.kind };
  if (pre?.uid !== undefined && pre.uid !== (meta.uid ?? '')) {
    return conflict(kind, meta.name ?? '', `the UID in the precondition (${pre.uid}) does not match the UID in record (${meta.uid ?? ''}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== (meta.resourceVersion ?? '')) {
    return conflict(kind, meta.name ?? '', `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${meta.resourceVersion ?? ''}). The object might have been modified`);
  }
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) options.gracePeriodSeconds = 1;
  if (meta.deletionGracePeriodSeconds != null && meta.deletionGracePeriodSeconds < 0) meta.deletionGracePeriodSeconds = 1;
  const s = ctx.type.strategy;
  if (!s.gracePeriod) return { graceful: false, pending: false };
  if (meta.deletionTimestamp) {
    const pendingGrace = meta.deletionGracePeriodSeconds;
    // No grace left: the previous delete was interrupted between its mark and its removal.
    if (!pendingGrace) return { graceful: false, pending: false };
    if (options.gracePeriodSeconds === undefined) {
      options.gracePeriodSeconds = pendingGrace;
      return { graceful: false, pending: true };
    }
    let period = options.gracePeriodSeconds;
    if (period >= pendingGrace) return { graceful: false, pending: true };
    // Move the deletion time back by the old grace period and forward by the new one, never into the past.
    const now = ctx.clock.now();
    let at = Date.parse(meta.deletionTimestamp) + (period - pendingGrace) * 1000;
    if (at < now) {
      at = now;
      // A graceful delete whose whole period has passed still leaves the removal to the kubelet.
      if (period !== 0) period = 1;
    }
    meta.deletionTimestamp = timestamp(at);
    meta.deletionGracePeriodSeconds = period;
    return { graceful: true, pending: false };
  }
  const period = s.gracePeriod(obj, options.gracePeriodSeconds);
  options.gracePeriodSeconds = period;
  meta.deletionTimestamp = timestamp(ctx.clock.now() + period * 1000);
  meta.deletionGracePeriodSeconds = period;
  if ((meta.generation ?? 0) > 0) meta.generation = (meta.generation ?? 0) + 1;
  return { graceful: true, pending: false };
}

/**
 * markAsDeleting is the store's mark for an object that only waits for finalizers:
 * deleted now (or at its earlier deletion time), with no grace period, and a
 * generation counted the first time.
 */
function markAsDeleting(ctx: HandlerContext, obj: KubeObject): void {
  const meta = obj.metadata;
  const now = ctx.clock.now();
  if (!meta.deletionTimestamp && (meta.generation ?? 0) > 0) meta.generation = (meta.generation ?? 0) + 1;
  if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > now) meta.deletionTimestamp = timestamp(now);
  meta.deletionGracePeriodSeconds = 0;
}

/**
 * garbageCollectionFinalizers is deletionFinalizersForGarbageCollection: orphan or
 * foregroundDeletion as the options, else the object's finalizers, else the
 * strategy's default policy say, and whether that changes the object's set.
 */
function garbageCollectionFinalizers(ctx: HandlerContext, obj: KubeObject, options: DeleteOptions): { changed: boolean; finalizers: string[] } {
  const current = obj.metadata.finalizers ?? [];
  const next = current.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (shouldOrphanDependents(ctx, current, options)) next.push(ORPHAN);
  if (shouldDeleteDependentsInForeground(current, options)) next.push(FOREGROUND);
  const before = new Set(current);
  const after = new Set(next);
  const changed = before.size !== after.size || [...after].some((f) => !before.has(f));
  return changed ? { changed, finalizers: next } : { changed, finalizers: current };
}

function shouldOrphanDependents(ctx: HandlerContext, finalizers: string[], options: DeleteOptions): boolean {
  if (options.orphanDependents !== undefined) return options.orphanDependents;
  if (options.propagationPolicy === 'Orphan') return true;
  if (options.propagationPolicy === 'Background' || options.propagationPolicy === 'Foreground') return false;
  for (const f of finalizers) {
    if (f === ORPHAN) return true;
    if (f === FOREGROUND) return false;
  }
  return ctx.type.strategy.orphanDependents === true;
}

function shouldDeleteDependentsInForeground(finalizers: string[], options: DeleteOptions): boolean {
  if (options.orphanDependents !== undefined) return false;
  if (options.propagationPolicy === 'Foreground') return true;
  if (options.propagationPolicy === 'Background' || options.propagationPolicy === 'Orphan') return false;
  for (const f of finalizers) {
    if (f === FOREGROUND) return true;
    if (f === ORPHAN) return false;
  }
  return false;
}

/**
 * deleteOptions reads the request's DeleteOptions as the handler decodes them: from
 * the body when there is one (the query is then not read), else from the query;
 * then ValidateDeleteOptions. A dryRun in the body makes the request a dry run.
 */
function deleteOptions(ctx: HandlerContext, body: unknown): DeleteOptions | Status {
  const options = body === undefined || body === null || body === '' ? fromQuery(ctx) : fromBody(body);
  if (isStatus(options)) return options;
  const errs: FieldError[] = [];
  const policy = options.propagationPolicy;
  if (options.orphanDependents !== undefined && policy !== undefined) errs.push(invalidValue('propagationPolicy', policy, 'orphanDependents and deletionPropagation cannot be both set'));
  if (policy !== undefined && policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
    errs.push(notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  if (options.dryRun?.some((d) => d !== 'All')) errs.push(notSupported('dryRun', options.dryRun, ['All']));
  if (errs.length) return invalid('DeleteOptions', 'meta.k8s.io', '', errs);
  if (options.dryRun?.length) {
    ctx.dryRun = true;
    ctx.tracer.trace.spec.dryRun = true;
  }
  return options;
}

/** fromQuery converts the query parameters, with strconv's words for a value that does not parse. */
function fromQuery(ctx: HandlerContext): DeleteOptions | Status {
  const q = ctx.query;
  const options: DeleteOptions = {};
  if (q.gracePeriodSeconds !== undefined) {
    if (!/^[+-]?[0-9]+$/.test(q.gracePeriodSeconds)) return badRequest(`strconv.ParseInt: parsing ${JSON.stringify(q.gracePeriodSeconds)}: invalid syntax`);
    options.gracePeriodSeconds = Number(q.gracePeriodSeconds);
  }
  if (q.orphanDependents !== undefined) {
    const b = parseBool(q.orphanDependents);
    if (b === undefined) return badRequest(`strconv.ParseBool: parsing ${JSON.stringify(q.orphanDependents)}: invalid syntax`);
    options.orphanDependents = b;
  }
  if (q.propagationPolicy !== undefined) options.propagationPolicy = q.propagationPolicy;
  return options;
}

/** parseBool is strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** The Go types the JSON decoder names when a DeleteOptions field has the wrong type. */
const FIELD_TYPES: Record<string, string> = {
  gracePeriodSeconds: 'int64', propagationPolicy: 'v1.DeletionPropagation', orphanDependents: 'bool', dryRun: '[]string', preconditions: 'v1.Preconditions',
};

/** fromBody reads a DeleteOptions body, refusing values of the wrong JSON type with encoding/json's words. */
function fromBody(body: unknown): DeleteOptions | Status {
  if (!isObject(body)) {
    return badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(body)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  const raw = body as Record<string, unknown>;
  const wrong = (field: string): Status => badRequest(`json: cannot unmarshal ${jsonType(raw[field])} into Go struct field DeleteOptions.${field} of type ${FIELD_TYPES[field]}`);
  const options: DeleteOptions = {};
  const grace = raw.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) return wrong('gracePeriodSeconds');
    options.gracePeriodSeconds = grace;
  }
  const policy = raw.propagationPolicy;
  if (policy !== undefined && policy !== null) {
    if (typeof policy !== 'string') return wrong('propagationPolicy');
    options.propagationPolicy = policy;
  }
  const orphan = raw.orphanDependents;
  if (orphan !== undefined && orphan !== null) {
    if (typeof orphan !== 'boolean') return wrong('orphanDependents');
    options.orphanDependents = orphan;
  }
  const dryRun = raw.dryRun;
  if (dryRun !== undefined && dryRun !== null) {
    if (!Array.isArray(dryRun) || dryRun.some((d) => typeof d !== 'string')) return wrong('dryRun');
    options.dryRun = dryRun as string[];
  }
  const pre = raw.preconditions;
  if (pre !== undefined && pre !== null) {
    if (!isObject(pre)) return wrong('preconditions');
    const p = pre as Record<string, unknown>;
    options.preconditions = {};
    for (const [key, goType] of [['uid', 'types.UID'], ['resourceVersion', 'string']] as const) {
      const v = p[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') return badRequest(`json: cannot unmarshal ${jsonType(v)} into Go struct field Preconditions.preconditions.${key} of type ${goType}`);
      options.preconditions[key] = v;
    }
  }
  return options;
}

/** jsonType is how encoding/json names a JSON value in an UnmarshalTypeError (a number that is no integer shows itself). */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : `number ${String(v)}`;
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'object';
}
