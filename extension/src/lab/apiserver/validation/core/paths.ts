/**
 * paths holds core/validation's checks on relative file paths inside volumes and
 * profiles: no absolute paths, no `..` elements.
 */
import { type FieldError, invalidValue } from '../../fieldErrors';

/** validatePathNoBacksteps is validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split('/').includes('..') ? [invalidValue(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath is validateLocalDescendingPath: relative and without `..`. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs = target.startsWith('/') ? [invalidValue(path, target, 'must be a relative path')] : [];
  return [...errs, ...validatePathNoBacksteps(target, path)];
}

/** validateLocalNonReservedPath is ValidateLocalNonReservedPath: also not starting with `..`. */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalidValue(path, target, "must not start with '..'"));
  return errs;
}
