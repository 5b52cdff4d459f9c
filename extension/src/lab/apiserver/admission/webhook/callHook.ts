/**
 * callHook is the part of calling a webhook that mutating and validating
 * dispatch share, as upstream's callHook/callAttrMutatingHook: the dry-run
 * gate, the AdmissionReview round trip, then the answer's audit annotations
 * and warnings, which count even when the webhook says no.
 */
import type { Status } from '../../../api/types';
import { uuid, type Random } from '../../../random';
import type { Attributes } from '../admission';
import { createAdmissionReview, reviewVersion, verifyAdmissionResponse, type VerifiedResponse, type WebhookInvocation } from './admissionReview';
import { postReview, type ClientDeps } from './client';
import { callingError, dryRunUnsupported, toStatusErr, type CallingError } from './errors';
import type { ValidatingWebhook } from './types';

/** CallDeps are the network pieces and the source of request uids. */
export interface CallDeps extends ClientDeps {
  random: Random;
}

/** CallOutcome: an allowed answer, a failure to call (failurePolicy applies), or a Status that rejects the request whatever the policy. */
export type CallOutcome =
  | { kind: 'allowed'; response: VerifiedResponse }
  | { kind: 'calling'; error: CallingError }
  | { kind: 'rejected'; status: Status };

/** callHook sends the request to one webhook and sorts its answer. */
export async function callHook(hook: ValidatingWebhook, invocation: WebhookInvocation, a: Attributes, mutating: boolean, deps: CallDeps): Promise<CallOutcome> {
  if (a.dryRun) {
    if (hook.sideEffects === undefined) return { kind: 'calling', error: callingError(hook.name, 'Webhook SideEffects is nil') };
    if (hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') return { kind: 'rejected', status: dryRunUnsupported(hook.name) };
  }
  const version = reviewVersion(hook.admissionReviewVersions);
  if (typeof version !== 'string') return { kind: 'calling', error: callingError(hook.name, `could not create admission objects: ${version.error}`) };
  const uid = uuid(deps.random);
  const review = createAdmissionReview(version, uid, a, invocation);
  const answer = await postReview(hook.name, hook.clientConfig ?? {}, hook.timeoutSeconds, JSON.stringify(review), deps);
  if ('error' in answer) return { kind: 'calling', error: answer.error };
  const result = verifyAdmissionResponse(version, uid, mutating, answer.review);
  if ('error' in result) return { kind: 'calling', error: callingError(hook.name, `received invalid webhook response: ${result.error}`) };
  for (const [k, v] of Object.entries(result.auditAnnotations)) addAuditAnnotation(a, `${hook.name}/${k}`, v);
  a.warnings.push(...result.warnings);
  if (!result.allowed) return { kind: 'rejected', status: toStatusErr(hook.name, result.result) };
  return { kind: 'allowed', response: result };
}

/** addAuditAnnotation keeps the first value set for a key, as admission attributes refuse to overwrite one. */
export function addAuditAnnotation(a: Attributes, key: string, value: string): void {
  if (!(key in a.auditAnnotations)) a.auditAnnotations[key] = value;
}
