/** objectMeta validates metadata as apimachinery's ValidateObjectMeta does. */
import type { ObjectMeta } from '../../api/types';
import { type FieldError, invalidValue, required } from '../fieldErrors';
import { isDNS1123Label, isDNS1123Subdomain } from './names';

/** NameValidator returns why a name is not acceptable for a resource. */
export type NameValidator = (name: string) => string[];

export const subdomainName: NameValidator = isDNS1123Subdomain;
export const labelName: NameValidator = isDNS1123Label;

/** validateObjectMeta checks name, namespace and labels of a new object. */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta?.name) {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameValidator(meta.name)) errs.push(invalidValue('metadata.name', meta.name, msg));
  }
  if (namespaced) {
    if (!meta?.namespace) errs.push(required('metadata.namespace', ''));
    else for (const msg of isDNS1123Label(meta.namespace)) errs.push(invalidValue('metadata.namespace', meta.namespace, msg));
  } else if (meta?.namespace) {
    errs.push({ type: 'FieldValueForbidden', field: 'metadata.namespace', detail: 'not allowed on this type' });
  }
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    if (typeof v !== 'string') errs.push(invalidValue(`metadata.labels`, v, `label value for ${k} must be a string`));
  }
  return errs;
}
