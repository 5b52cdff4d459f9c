/**
 * options validates a write's query options as upstream's handlers do before
 * anything else (metav1 validation.ValidateCreateOptions and friends): dryRun may
 * only be All, fieldValidation one of Ignore, Warn, Strict. A bad value is a 422
 * on the options kind (`CreateOptions.meta.k8s.io "" is invalid: …`).
 */
import type { Status } from '../../api/types';
import type { FieldValidation } from '../../openapi/decode';
import { invalid } from '../errors';
import { type FieldError, notSupported } from '../fieldErrors';
import type { Query, Verb } from '../requestInfo';

const OPTIONS_KIND: Partial<Record<Verb, string>> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions', delete: 'DeleteOptions', deletecollection: 'DeleteOptions' };

/** validateWriteOptions returns the 422 for bad write options, or undefined. */
export function validateWriteOptions(verb: Verb, query: Query): Status | undefined {
  const kind = OPTIONS_KIND[verb];
  if (!kind) return undefined;
  const errs: FieldError[] = [];
  if (query.dryRun !== undefined && query.dryRun !== 'All') errs.push(notSupported('dryRun', [query.dryRun], ['All']));
  const fv = query.fieldValidation;
  if (fv !== undefined && kind !== 'DeleteOptions' && !['', 'Ignore', 'Strict', 'Warn'].includes(fv)) errs.push(notSupported('fieldValidation', fv, ['', 'Ignore', 'Strict', 'Warn']));
  return errs.length ? invalid(kind, 'meta.k8s.io', '', errs) : undefined;
}

/** fieldValidation is the request's directive; the server's default is Warn. */
export function fieldValidation(query: Query): FieldValidation {
  const fv = query.fieldValidation;
  return fv === 'Strict' || fv === 'Ignore' ? fv : 'Warn';
}
