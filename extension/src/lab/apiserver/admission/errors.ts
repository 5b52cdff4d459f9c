/**
 * errors builds admission's failure answers as k8s.io/apiserver's admission
 * package does (admission/errors.go): a request is named by its attributes'
 * name, else the object's name, else its generateName, else "Unknown" — mutating
 * plugins run before a generated name exists.
 */
import type { Status } from '../../api/types';
import { forbidden } from '../errors';
import type { Attributes } from './admission';

/** resourceName is extractResourceName: the name an admission error speaks of. */
export function resourceName(a: Pick<Attributes, 'name' | 'object'>): string {
  if (a.name) return a.name;
  const meta = a.object?.metadata;
  if (!meta) return 'Unknown';
  return meta.name || meta.generateName || 'Unknown';
}

/** admissionForbidden is admission.NewForbidden: `pods "web" is forbidden: <why>` (403). */
export function admissionForbidden(a: Attributes, why: string): Status {
  return forbidden({ group: a.type.group, resource: a.type.resource }, resourceName(a), why);
}

/** aggregate is utilerrors.NewAggregate(errs).Error(): one message bare, several distinct ones bracketed. */
export function aggregate(messages: readonly string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? distinct[0] : `[${distinct.join(', ')}]`;
}
