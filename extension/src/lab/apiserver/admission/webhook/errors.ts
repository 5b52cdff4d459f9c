/**
 * errors words webhook failures as upstream does: a webhook that could not be
 * called (pkg/util/webhook's ErrCallingWebhook), one that said no
 * (webhook/errors.ToStatusErr), and one that cannot run in a dry run.
 */
import type { Status } from '../../../api/types';
import { badRequest, internalError } from '../../errors';

/** CallingError is a failure to get an answer from the webhook; failurePolicy decides whether it rejects the request. */
export interface CallingError {
  kind: 'calling';
  webhook: string;
  reason: string;
}

/** callingError builds a CallingError; its text is `failed calling webhook "<name>": <reason>`. */
export function callingError(webhook: string, reason: string): CallingError {
  return { kind: 'calling', webhook, reason };
}

/** callingErrorText is ErrCallingWebhook.Error(). */
export function callingErrorText(e: CallingError): string {
  return `failed calling webhook "${e.webhook}": ${e.reason}`;
}

/** failClosed is the 500 a CallingError becomes under failurePolicy Fail (apierrors.NewInternalError). */
export function failClosed(e: CallingError): Status {
  return internalError(callingErrorText(e));
}

/**
 * toStatusErr turns a webhook's refusal into the request's answer: its own
 * status, code raised to at least 400, message prefixed with who refused.
 */
export function toStatusErr(webhook: string, result: Partial<Status> | undefined): Status {
  const r = result ?? {};
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const message = r.message ? `${deniedBy}: ${r.message}` : r.reason ? `${deniedBy}: ${r.reason}` : `${deniedBy} without explanation`;
  const code = typeof r.code === 'number' && r.code >= 400 ? r.code : 400;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: r.metadata ?? {},
    status: 'Failure',
    message,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.details ? { details: r.details } : {}),
    code,
  };
}

/** dryRunUnsupported is the 400 for a dry run reaching a webhook whose sideEffects are not None or NoneOnDryRun. */
export function dryRunUnsupported(webhook: string): Status {
  return badRequest(`admission webhook "${webhook}" does not support dry run`);
}
