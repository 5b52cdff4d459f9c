/**
 * MutatingAdmissionWebhook calls the MutatingWebhookConfiguration webhooks that
 * match the request one at a time, in configuration-name order, applying each
 * one's JSON patch before asking the next, as upstream's mutating dispatcher.
 * A webhook that changed the object asks for a reinvocation round (see
 * webhook/reinvocation.ts), and every call leaves upstream's audit annotations.
 */
import type { KubeObject, Status } from '../../api/types';
import { internalError } from '../errors';
import { semanticEqual } from '../validation/generic';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { requestKind, type WebhookInvocation } from './webhook/admissionReview';
import { MUTATION_ANNOTATION_PREFIX, MUTATION_FAILED_OPEN_PREFIX, PATCH_ANNOTATION_PREFIX } from './webhook/annotations';
import { addAuditAnnotation, callHook, type CallDeps } from './webhook/callHook';
import { callingError, failClosed, type CallingError } from './webhook/errors';
import { applyJsonPatch, decodePatch } from './webhook/jsonPatch';
import { webhookDeps, type WebhookPluginOptions } from './webhook/options';
import { reinvocationContext } from './webhook/reinvocation';
import { isExemptAdmissionConfigurationResource } from './webhook/rules';
import { shouldCallHook } from './webhook/shouldCallHook';
import { WebhookSource, type WebhookAccessor } from './webhook/source';
import type { MutatingWebhook } from './webhook/types';

export const MUTATING_ADMISSION_WEBHOOK = 'MutatingAdmissionWebhook';

/** HookResult is one call's effect: whether the object changed, and what went wrong if anything did. */
interface HookResult {
  changed: boolean;
  failure?: CallingError | Status;
}

/** mutatingAdmissionWebhook builds the plugin; its state is the parsed webhook list, rebuilt when the configurations change. */
export function mutatingAdmissionWebhook(options: WebhookPluginOptions): AdmissionPlugin {
  const deps = webhookDeps(options);
  const source = new WebhookSource<MutatingWebhook>('mutatingwebhookconfigurations');
  return {
    name: MUTATING_ADMISSION_WEBHOOK,
    async admit(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      const hooks = source.webhooks(ctx.cache);
      if (hooks.length === 0 || isExemptAdmissionConfigurationResource(requestKind(a))) return undefined;
      const rc = reinvocationContext(a);
      const wc = rc.webhooks;
      if (rc.isReinvoke && !semanticEqual(wc.lastOutput, a.object)) wc.requireReinvokingPreviouslyInvoked();
      try {
        for (let i = 0; i < hooks.length; i++) {
          const h = hooks[i];
          const decision = shouldCallHook(h, a, ctx, deps);
          const invocation = decision instanceof Promise ? await decision : decision;
          if (invocation === undefined) continue;
          if ('code' in invocation) return invocation;
          if (rc.isReinvoke && !wc.shouldReinvokeWebhook(h.uid)) continue;
          const round = rc.isReinvoke ? 1 : 0;
          const r = await callMutatingHook(h, invocation, a, deps, `round_${round}_index_${i}`);
          if (r.changed) {
            wc.requireReinvokingPreviouslyInvoked();
            rc.shouldReinvoke = true;
          }
          if (h.hook.reinvocationPolicy === 'IfNeeded') wc.addPreviouslyInvoked(h.uid);
          if (!r.failure) continue;
          if (!isCallingError(r.failure)) return r.failure;
          if (h.hook.failurePolicy !== 'Ignore') return failClosed(r.failure);
          addAuditAnnotation(a, `${MUTATION_FAILED_OPEN_PREFIX}round_${round}_index_${i}`, h.hook.name);
        }
        return undefined;
      } finally {
        // Only a pending IfNeeded webhook can care whether a later plugin changes the object.
        wc.lastOutput = a.object === undefined || !wc.hasPreviouslyInvoked() ? undefined : structuredClone(a.object);
      }
    },
    // Without webhooks admit returns before it looks at the object.
    mutates: (_a: Attributes, ctx: AdmissionContext) => source.webhooks(ctx.cache).length > 0,
  };
}

/** callMutatingHook calls one webhook and applies its patch to a.object in place; it always records whether the webhook mutated. */
async function callMutatingHook(h: WebhookAccessor<MutatingWebhook>, invocation: WebhookInvocation, a: Attributes, deps: CallDeps, suffix: string): Promise<HookResult> {
  const result = await patchFromHook(h, invocation, a, deps);
  addAuditAnnotation(a, MUTATION_ANNOTATION_PREFIX + suffix, JSON.stringify({ configuration: h.configurationName, webhook: h.hook.name, mutated: result.changed }));
  if (result.patch) {
    addAuditAnnotation(a, PATCH_ANNOTATION_PREFIX + suffix, JSON.stringify({ configuration: h.configurationName, webhook: h.hook.name, patch: result.patch, patchType: 'JSONPatch' }));
  }
  return result;
}

async function patchFromHook(h: WebhookAccessor<MutatingWebhook>, invocation: WebhookInvocation, a: Attributes, deps: CallDeps): Promise<HookResult & { patch?: unknown[] }> {
  const name = h.hook.name;
  const outcome = await callHook(h.hook, invocation, a, true, deps);
  if (outcome.kind === 'calling') return { changed: false, failure: outcome.error };
  if (outcome.kind === 'rejected') return { changed: false, failure: outcome.status };
  const { patch: text, patchType } = outcome.response;
  if (!text) return { changed: false };
  const ops = decodePatch(text);
  if ('error' in ops) return { changed: false, failure: callingError(name, `received undecodable patch in webhook response: ${ops.error}`) };
  if (ops.length === 0) return { changed: false };
  const obj = a.object;
  if (!obj) return { changed: false, failure: internalError(`admission webhook "${name}" attempted to modify the object, which is not supported for this operation`) };
  if (patchType !== 'JSONPatch') return { changed: false, failure: callingError(name, `unsupported patch type "${patchType}"`) };
  const patched = applyJsonPatch(obj, ops);
  if ('error' in patched) return { changed: false, failure: internalError(patched.error) };
  const next = patched.doc;
  if (next === null || typeof next !== 'object' || Array.isArray(next)) return { changed: false, failure: internalError(`json: cannot unmarshal ${Array.isArray(next) ? 'array' : typeof next} into Go value of type map[string]interface {}`) };
  const changed = !semanticEqual(obj, next);
  if (requestKind(a).kind === a.type.kind) a.type.strategy.defaults?.(next);
  replaceInPlace(obj, next);
  return { changed, patch: ops.map(sortKeys) };
}

/** replaceInPlace makes target hold source's fields, so every holder of a.object sees the mutation. */
function replaceInPlace(target: KubeObject, source: KubeObject): void {
  for (const k of Object.keys(target)) if (!(k in source)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, source);
}

/** sortKeys orders an operation's keys as Go's json.Marshal orders a map's. */
function sortKeys(op: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function isCallingError(f: CallingError | Status): f is CallingError {
  return f.kind === 'calling';
}
