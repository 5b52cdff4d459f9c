/**
 * statusErrors builds the few failure answers the patch handler and the field
 * manager give that errors.ts has no constructor for, shaped as upstream's
 * apimachinery errors (k8s.io/apimachinery/pkg/api/errors) and
 * responsewriters.ErrorToAPIStatus shape them.
 */
import type { Status, StatusCause } from '../../api/types';

function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...(reason ? { reason } : {}), ...(details ? { details } : {}), code };
}

/**
 * genericInvalid is NewGenericServerResponse(422, …) with no resource: upstream
 * drops the cause's text and says only this (a failed JSON patch `test`, a missing path).
 */
export function genericInvalid(): Status {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** requestEntityTooLarge is NewRequestEntityTooLargeError (413). */
export function requestEntityTooLarge(message: string): Status {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** serverError is how upstream answers an error that is not a Status: 500 with the error's text and no reason. */
export function serverError(message: string): Status {
  return failure(500, '', message);
}

/** applyConflict is NewApplyConflict (409) with one FieldManagerConflict cause per field. */
export function applyConflict(message: string, causes: StatusCause[]): Status {
  return failure(409, 'Conflict', message, { causes });
}
