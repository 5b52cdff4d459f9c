/**
 * smpErrors are strategic merge patch's failures (util/mergepatch/errors.go) with the
 * answer upstream's patch handler gives each (interpretStrategicMergePatchError):
 * malformed directives are 400s, lists of lists a bare 422, anything else reaches
 * the client as a 500 carrying the error's text.
 */
import { goSprint, goTypeName } from './goFormat';

/** SmpErrorKind is how the handler answers: BadRequest, the generic Invalid, or a 500. */
export type SmpErrorKind = 'badRequest' | 'invalid' | 'server';

export class SmpError extends Error {
  constructor(readonly kind: SmpErrorKind, message: string) {
    super(message);
  }
}

export const badPatchFormatForPrimitiveList = (): SmpError => new SmpError('badRequest', 'invalid patch format of primitive list');
export const badPatchFormatForRetainKeys = (): SmpError => new SmpError('badRequest', 'invalid patch format of retainKeys');
export const badPatchFormatForSetElementOrderList = (): SmpError => new SmpError('badRequest', 'invalid patch format of setElementOrder list');
export const noListOfLists = (): SmpError => new SmpError('invalid', 'lists of lists are not supported');

/** noMergeKey is ErrNoMergeKey. */
export function noMergeKey(m: unknown, key: string): SmpError {
  return new SmpError('server', `map: ${goSprint(m)} does not contain declared merge key: ${key}`);
}

/** badArgType is ErrBadArgType for an expected map or list. */
export function badArgType(expected: 'map' | 'list', actual: unknown): SmpError {
  return new SmpError('server', `expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goTypeName(actual)}`);
}

/** badPatchType is ErrBadPatchType: an unknown $patch directive. */
export function badPatchType(directive: unknown, m: unknown): SmpError {
  const t = typeof directive === 'string' ? directive : `%!s(${goTypeName(directive)}=${goSprint(directive)})`;
  return new SmpError('server', `unknown patch type: ${t} in map: ${goSprint(m)}`);
}
