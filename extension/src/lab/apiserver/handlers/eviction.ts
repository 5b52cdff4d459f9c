/**
 * eviction is POST pods/<name>/eviction (policy/v1 Eviction), as upstream's
 * EvictionREST: a pod that is pending, finished or already terminating is deleted
 * outright; otherwise the one PodDisruptionBudget that selects it must allow a
 * disruption, which the eviction spends (disruptionsAllowed - 1, the pod noted in
 * disruptedPods) before the pod gets the DisruptionTarget condition and is deleted
 * with the Eviction's delete options.
 */
import { setCondition, timestamp } from '../../api/meta';
import { isPodReady } from '../../api/pods';
import { type KubeObject, type Pod, type Status, isStatus } from '../../api/types';
import { selectorMatches } from '../../api/labels';
import type { HandlerContext } from '../apiServer';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import type { PodDisruptionBudget } from '../validation/types/scheduling';
import { admitValidate, attributes, mutate } from './common';
import { handleDelete } from './delete';
import { decodeSubresourceBody } from './subresourceBody';

/** Upstream's PDB message for a refused eviction (createTooManyRequestsError and checkAndDecrement). */
export const EVICTION_REFUSED = 'Cannot evict pod as it would violate the pod\'s disruption budget.';
/** The 500 of a pod with overlapping budgets. */
export const MULTIPLE_PDBS = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
/** policyv1.DisruptionBudgetCause: the cause type of a refusal. */
const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';
/** MaxDisruptedPodSize: evictions the PDB controller has not yet confirmed. */
const MAX_DISRUPTED_POD_SIZE = 2000;
/** EvictionsRetry's steps: how often a conflicting write is tried again. */
const EVICTION_RETRIES = 20;
/** EvictionREST accepts both versions of Eviction (AcceptsGroupVersion). */
const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];

interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  dryRun?: string[];
}

interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions;
}

/** handleEviction evicts the pod named on the URL, answering 201 with a Success Status or upstream's refusal. */
export async function handleEviction(ctx: HandlerContext, body: unknown): Promise<Status> {
  const eviction = decodeEviction(ctx, body);
  if (isStatus(eviction)) return eviction;
  const a = attributes(ctx, 'CREATE', eviction);
  const mutated = await mutate(ctx, a);
  if (mutated) return mutated;
  if (eviction.metadata.name !== ctx.info.name) return badRequest('name in URL does not match name in Eviction object');
  const options = propagateDryRun(eviction, ctx.dryRun);
  if (isStatus(options)) return options;
  const denied = await admitValidate(ctx, a);
  if (denied) return denied;
  const dryRun = (options.dryRun ?? []).length > 0;
  const pinned = options.preconditions?.resourceVersion !== undefined;

  // A pod that is not running (or is already going) has disrupted nothing a budget guards: delete it.
  let pod: Pod | undefined;
  for (let attempt = 1; ; attempt++) {
    pod = (await ctx.storage.get(ctx.info.namespace, ctx.info.name)) as Pod | undefined;
    if (!pod) return notFound({ group: '', resource: 'pods' }, ctx.info.name);
    if (!canIgnorePDB(pod)) break;
    const deleteOptions = shouldEnforceResourceVersion(pod) && !pinned ? withResourceVersion(options, pod) : options;
    const deleted = await addConditionAndDeletePod(ctx, deleteOptions, dryRun);
    if (!deleted) return evicted();
    if (deleted.reason !== 'Conflict' || pinned || attempt >= EVICTION_RETRIES) return deleted;
  }

  const pdbs = await podDisruptionBudgets(ctx, pod);
  if (pdbs.length > 1) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: MULTIPLE_PDBS, code: 500 };
  let pdbName = '';
  let deleteOptions = options;
  if (pdbs.length === 1) {
    const pdb = pdbs[0];
    pdbName = pdb.metadata.name ?? '';
    if (unhealthyMayGo(pod, pdb)) {
      // Pin the pod's version so it cannot turn ready between this check and the delete.
      deleteOptions = withResourceVersion(options, pod);
    } else {
      const refused = await checkAndDecrement(ctx, pod, pdb, dryRun);
      if (refused) return refused;
    }
  }
  const deleted = await addConditionAndDeletePod(ctx, deleteOptions, dryRun);
  if (!deleted) return evicted();
  if (deleted.reason === 'Conflict' && deleteOptions !== options && !pinned) return tooManyRequests(pdbName);
  return deleted;
}

/** evicted is the Status an eviction answers with: Success, code 201 as the create handler fills it in. */
function evicted(): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

/** decodeEviction reads the body as a policy/v1 (or v1beta1) Eviction in the request's namespace. */
function decodeEviction(ctx: HandlerContext, body: unknown): Eviction | Status {
  const decoded = decodeSubresourceBody(ctx, body, { group: 'policy', version: 'v1', kind: 'Eviction', internal: 'policy.Eviction', accepted: EVICTION_VERSIONS, known: EVICTION_VERSIONS });
  if (isStatus(decoded)) return decoded;
  const eviction = decoded as Eviction;
  if (eviction.metadata.namespace && eviction.metadata.namespace !== ctx.info.namespace) {
    return badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  eviction.metadata.namespace = ctx.info.namespace;
  const apiVersion = (body as { apiVersion?: unknown }).apiVersion;
  return { ...eviction, apiVersion: typeof apiVersion === 'string' && apiVersion ? apiVersion : 'policy/v1', kind: 'Eviction' };
}

/** propagateDryRun takes the request's dryRun into the Eviction's delete options; the two may not disagree. */
function propagateDryRun(eviction: Eviction, requestDryRun: boolean): DeleteOptions | Status {
  const request = requestDryRun ? ['All'] : [];
  const options: DeleteOptions = structuredClone(eviction.deleteOptions ?? {});
  const content = options.dryRun ?? [];
  if (content.length === 0) return { ...options, ...(request.length ? { dryRun: request } : {}) };
  if (request.length === 0 || JSON.stringify(request) === JSON.stringify(content)) return options;
  // A plain error upstream, so a 500 without a reason.
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
    message: `Non-matching dry-run options in request and content: [${request.join(' ')}] and [${content.join(' ')}]`,
  };
}

/** canIgnorePDB: a pending, finished or terminating pod is deleted without asking its budget. */
function canIgnorePDB(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

/** shouldEnforceResourceVersion: only a live, non-terminating pod could turn ready while the eviction runs. */
function shouldEnforceResourceVersion(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
}

function withResourceVersion(options: DeleteOptions, pod: Pod): DeleteOptions {
  return { ...options, preconditions: { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion } };
}

/**
 * unhealthyMayGo: an unready pod does not count as healthy, so evicting it spends no
 * disruption when the budget says so (AlwaysAllow) or is met without it (IfHealthyBudget).
 */
function unhealthyMayGo(pod: Pod, pdb: PodDisruptionBudget): boolean {
  if (isPodReady(pod)) return false;
  if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const s = pdb.status ?? {};
  return (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0) && (s.desiredHealthy ?? 0) > 0;
}

/** podDisruptionBudgets lists the budgets in the pod's namespace whose selector matches it (a nil selector matches nothing). */
async function podDisruptionBudgets(ctx: HandlerContext, pod: Pod): Promise<PodDisruptionBudget[]> {
  const storage = ctx.storageFor('policy', 'poddisruptionbudgets');
  if (!storage) return [];
  const { items } = await storage.list(ctx.info.namespace, { labels: [], fields: [] }, 0);
  return (items as PodDisruptionBudget[]).filter((pdb) => selectorMatches(pdb.spec?.selector ?? undefined, pod.metadata.labels));
}

/**
 * checkAndDecrement spends one of the budget's allowed disruptions, retrying on a
 * fresh copy when another eviction wrote it first; it returns the refusal, if any.
 */
async function checkAndDecrement(ctx: HandlerContext, pod: Pod, first: PodDisruptionBudget, dryRun: boolean): Promise<Status | undefined> {
  const name = first.metadata.name ?? '';
  let pdb: PodDisruptionBudget | undefined = first;
  for (let attempt = 1; ; attempt++) {
    if (!pdb) return notFound({ group: 'policy', resource: 'poddisruptionbudgets' }, name);
    const status = pdb.status ?? {};
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) return tooManyRequests(name);
    const allowed = status.disruptionsAllowed ?? 0;
    if (allowed < 0) return forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'pdb disruptions allowed is negative');
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
      return forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    }
    if (allowed === 0) {
      return tooManyRequests(name, `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`, 0);
    }
    if (dryRun) return undefined;
    const now = timestamp(ctx.clock.now());
    const next = structuredClone(pdb);
    const s = (next.status ??= {});
    s.disruptionsAllowed = allowed - 1;
    if (s.disruptionsAllowed === 0) s.conditions = disruptionAllowedCondition(s.conditions, s.observedGeneration, now);
    s.disruptedPods = { ...s.disruptedPods, [pod.metadata.name ?? '']: now };
    const written = await ctx.admissionContext.updateStatus('policy', 'poddisruptionbudgets', next);
    if (!isStatus(written)) return undefined;
    if (written.reason !== 'Conflict' || attempt >= EVICTION_RETRIES) return written;
    pdb = (await ctx.storageFor('policy', 'poddisruptionbudgets')?.get(ctx.info.namespace, name));
  }
}

type MetaCondition = NonNullable<NonNullable<PodDisruptionBudget['status']>['conditions']>[number];

/** disruptionAllowedCondition is pdbhelper.UpdateDisruptionAllowedCondition once no disruption is left: DisruptionAllowed False, InsufficientPods. */
function disruptionAllowedCondition(conditions: MetaCondition[] | undefined, observedGeneration: number | undefined, now: string): MetaCondition[] {
  const list = [...(conditions ?? [])];
  const wanted = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', ...(observedGeneration ? { observedGeneration } : {}) };
  const i = list.findIndex((c) => c.type === wanted.type);
  if (i < 0) return [...list, { ...wanted, lastTransitionTime: now }];
  const old = list[i];
  const { observedGeneration: _dropped, ...rest } = old;
  list[i] = { ...rest, ...wanted, lastTransitionTime: old.status === wanted.status ? old.lastTransitionTime : now };
  return list;
}

/** tooManyRequests is errors.NewTooManyRequests with the DisruptionBudget cause; by default the budget is still being processed. */
function tooManyRequests(pdbName: string, cause = `The disruption budget ${pdbName} is still being processed by the server.`, retryAfterSeconds = 10): Status {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: EVICTION_REFUSED, reason: 'TooManyRequests',
    details: { causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message: cause }], ...(retryAfterSeconds ? { retryAfterSeconds } : {}) }, code: 429,
  };
}

/**
 * addConditionAndDeletePod marks the pod DisruptionTarget (EvictionByEvictionAPI), as
 * the status strategy writes it, then deletes it with the eviction's options. The
 * delete runs no admission (upstream's rest.ValidateAllObjectFunc): the eviction was
 * admitted already. It returns undefined once the pod is deleted, else the failure.
 */
async function addConditionAndDeletePod(ctx: HandlerContext, options: DeleteOptions, dryRun: boolean): Promise<Status | undefined> {
  let deleteOptions = options;
  if (!dryRun) {
    const pod = (await ctx.storage.get(ctx.info.namespace, ctx.info.name)) as Pod | undefined;
    if (!pod) return notFound({ group: '', resource: 'pods' }, ctx.info.name);
    const pre = options.preconditions;
    const podGR = { group: '', resource: 'Pod' };
    if (pre?.uid && pre.uid !== pod.metadata.uid) {
      return conflict(podGR, ctx.info.name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${pod.metadata.uid ?? ''}). The object might have been deleted and then recreated`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
      return conflict(podGR, ctx.info.name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion ?? ''}). The object might have been modified`);
    }
    const conditions = setCondition(pod.status?.conditions, {
      type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: timestamp(ctx.clock.now()),
    });
    const written = await ctx.admissionContext.updateStatus('', 'pods', { ...pod, status: { ...pod.status, conditions } });
    if (isStatus(written)) return written;
    // Our own write moved the version the client pinned; the delete pins the new one.
    if (pre?.resourceVersion) deleteOptions = { ...options, preconditions: { ...pre, resourceVersion: written.metadata.resourceVersion } };
  }
  const { dryRun: _dryRun, ...body } = deleteOptions;
  const deleted = await handleDelete({ ...ctx, info: { ...ctx.info, subresource: '' }, query: {}, dryRun, admission: { plugins: [] } }, body);
  // The delete answers the pod, or a Success Status where a store returns none.
  return isStatus(deleted) && deleted.status !== 'Success' ? deleted : undefined;
}
