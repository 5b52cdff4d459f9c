/**
 * ResourceQuota enforces a namespace's quotas and charges each admitted request
 * into their status.used (k8s.io/apiserver/pkg/admission/plugin/resourcequota):
 * a request is refused if it would take any matching quota past status.hard,
 * and otherwise the new usage is written back through the API before the
 * object is stored, retrying on conflicts. Requests in one namespace are
 * checked one at a time, as upstream's per-namespace work queue does, so two
 * creates cannot both take the last unit. The quota controller keeps
 * status.hard and status.used in line with spec and with what exists.
 */
import { type KubeObject, type Status, isStatus } from '../../api/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { admissionForbidden } from './errors';
import { RESOURCE_QUOTA } from './names';
import { type Quantities, quantities } from './podResources';
import { type Evaluator, type QuotaRequest, type ScopeSelector, evaluatorFor } from './quotaEvaluators';
import { add, equals, exceeded, mask, negatives, prettyPrint, prettyPrintNames, removeZeros, serialize, subtractNonNegative } from './quotaResources';

/** ResourceQuota is the core/v1 object as the plugin reads it. */
export interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[]; scopeSelector?: { matchExpressions?: ScopeSelector[] } };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/**
 * QuotaStatusWriter writes a quota's status through the API, as the plugin's
 * client UpdateStatus does: optimistic on metadata.resourceVersion, answering
 * the stored object or a Status (409 Conflict when the quota moved on).
 * The server's AdmissionContext is expected to provide it.
 */
export interface QuotaStatusWriter {
  updateStatus(group: string, resource: string, obj: KubeObject): Promise<KubeObject | Status>;
}

/** QuotaState is one quota as checking sees it: its hard limits and the usage it would have. */
export interface QuotaState {
  quota: ResourceQuota;
  hard: Quantities;
  used: Quantities;
}

/** quotaState reads a quota's status. */
export function quotaState(quota: ResourceQuota): QuotaState {
  return { quota, hard: quantities(quota.status?.hard), used: quantities(quota.status?.used) };
}

/** scopeSelectors is getScopeSelectorsFromQuota: spec.scopes as Exists selectors, then spec.scopeSelector. */
function scopeSelectors(quota: ResourceQuota): ScopeSelector[] {
  return [...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })), ...(quota.spec?.scopeSelector?.matchExpressions ?? [])];
}

/** matches is generic.Matches: the quota tracks something the evaluator charges, and the object is in every scope. */
function matches(e: Evaluator, q: QuotaState, obj: KubeObject): boolean {
  return e.matchingResources(Object.keys(q.hard)).length > 0 && scopeSelectors(q.quota).every((s) => e.matchesScope(s, obj));
}

/**
 * checkRequest is CheckRequest: the quotas' usage if the request is admitted, or
 * why it may not be. Quotas that do not change come back as they went in.
 */
export function checkRequest(quotas: readonly QuotaState[], r: QuotaRequest, e: Evaluator, now: number): QuotaState[] | string {
  if (!e.handles(r)) return [...quotas];
  const interesting: number[] = [];
  for (const [i, q] of quotas.entries()) {
    if (!matches(e, q, r.object)) continue;
    const restricted = e.matchingResources(Object.keys(q.hard));
    const missing = e.constraints(restricted, r.object);
    if (missing) return `failed quota: ${q.quota.metadata.name ?? ''}: ${missing}`;
    if (!restricted.every((name) => name in q.used)) return `status unknown for quota: ${q.quota.metadata.name ?? ''}, resources: ${prettyPrintNames(restricted)}`;
    interesting.push(i);
  }
  const input = e.usage(r.object, now);
  const negative = negatives(input);
  if (negative.length) return `quota usage is negative for resource(s): ${prettyPrintNames(negative)}`;

  const deltas = new Map<number, Quantities>(interesting.map((i) => [i, input]));
  if (r.operation === 'UPDATE') {
    if (!r.oldObject) return 'unable to get previous usage since prior version of object was not found';
    // Charge the difference, unless this "update" is really a create (no prior version).
    if (r.oldObject.metadata.resourceVersion) {
      const delta = subtractNonNegative(input, e.usage(r.oldObject, now));
      for (const i of interesting) if (matches(e, quotas[i], r.oldObject)) deltas.set(i, delta);
    }
  }
  for (const [i, d] of deltas) {
    const nonZero = removeZeros(d);
    if (Object.keys(nonZero).length) deltas.set(i, nonZero);
    else deltas.delete(i);
  }
  if (!deltas.size) return [...quotas];

  const out = [...quotas];
  for (const [i, delta] of deltas) {
    const q = quotas[i];
    const requested = mask(delta, Object.keys(q.hard));
    const used = add(q.used, requested);
    const over = exceeded(mask(used, Object.keys(requested)), q.hard);
    if (over.length) {
      return `exceeded quota: ${q.quota.metadata.name ?? ''}, requested: ${prettyPrint(mask(requested, over))}, used: ${prettyPrint(mask(q.used, over))}, limited: ${prettyPrint(mask(q.hard, over))}`;
    }
    out[i] = { ...q, used };
  }
  return out;
}

/** Quota updates are retried this many times on conflict, each time against a fresh read. */
const RETRIES = 3;

/** newResourceQuota returns the plugin; it serialises checks per namespace. */
export function newResourceQuota(): AdmissionPlugin {
  const busy = new Map<string, Promise<unknown>>();

  const serially = <T>(namespace: string, work: () => Promise<T>): Promise<T> => {
    const before = busy.get(namespace) ?? Promise.resolve();
    const run = before.then(work, work);
    const done = run.then(() => undefined, () => undefined);
    busy.set(namespace, done);
    void done.then(() => {
      if (busy.get(namespace) === done) busy.delete(namespace);
    });
    return run;
  };

  const check = async (a: Attributes, ctx: AdmissionContext, e: Evaluator, states: QuotaState[], retries: number): Promise<Status | undefined> => {
    const r: QuotaRequest = { operation: a.operation, subresource: a.subresource, object: a.object!, oldObject: a.oldObject };
    const result = checkRequest(states, r, e, ctx.clock.now());
    if (typeof result === 'string') return admissionForbidden(a, result);
    if (a.dryRun) return undefined;
    const changed = result.filter((q, i) => !equals(states[i].used, q.used));
    if (!changed.length) return undefined;
    const writer = (ctx as Partial<QuotaStatusWriter>).updateStatus;
    if (!writer) throw new Error('ResourceQuota needs AdmissionContext.updateStatus to charge usage');
    const failed: QuotaState[] = [];
    let lastErr: Status | undefined;
    for (const q of changed) {
      const updated = { ...q.quota, status: { ...q.quota.status, used: serialize(q.used) } };
      const answer = await writer.call(ctx, '', 'resourcequotas', updated);
      if (isStatus(answer)) {
        failed.push(q);
        lastErr = answer;
      }
    }
    if (!lastErr) return undefined;
    if (retries <= 0) return lastErr;
    // Re-read the quotas that moved on and check this request against them alone.
    const fresh: QuotaState[] = [];
    for (const q of failed) {
      const latest = await ctx.get<ResourceQuota>('', 'resourcequotas', a.namespace, q.quota.metadata.name ?? '');
      if (latest) fresh.push(quotaState(latest));
    }
    return check(a, ctx, e, fresh, retries - 1);
  };

  return {
    name: RESOURCE_QUOTA,
    validate(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> | undefined {
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return undefined;
      if (a.subresource !== '' || !a.namespace || !a.object) return undefined;
      if (a.operation === 'CREATE' && a.type.group === '' && a.type.kind === 'Namespace') return undefined;
      const e = evaluatorFor(a.type.group, a.type.resource);
      if (!e || !e.handles({ operation: a.operation, subresource: a.subresource, object: a.object, oldObject: a.oldObject })) return undefined;
      if (!ctx.cache.list('', 'resourcequotas', a.namespace).length) return undefined;
      return serially(a.namespace, () => {
        const quotas = ctx.cache.list('', 'resourcequotas', a.namespace) as readonly ResourceQuota[];
        return check(a, ctx, e, quotas.map(quotaState), RETRIES);
      });
    },
  };
}
