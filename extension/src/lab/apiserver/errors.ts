/**
 * errors builds the API's failure answers as upstream's apimachinery does
 * (k8s.io/apimachinery/pkg/api/errors): same codes, reasons and messages.
 */
import type { Status, StatusCause } from '../api/types';
import { type FieldError, errorBody, formatFieldErrors } from './fieldErrors';

/** GroupResource names a resource as messages print it: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** notFound is `pods "web" not found` (404). */
export function notFound(gr: GroupResource, name: string): Status {
  return failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

/** alreadyExists is `pods "web" already exists` (409). */
export function alreadyExists(gr: GroupResource, name: string): Status {
  return failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, { name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

/** conflict is `Operation cannot be fulfilled on pods "web": <why>` (409). */
export function conflict(gr: GroupResource, name: string, why: string): Status {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, { name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

/** The optimistic-concurrency message of storage.ErrConflict. */
export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** invalid is `Deployment.apps "web" is invalid: <field errors>` (422) with one cause per error. */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): Status {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${formatFieldErrors(errors)}`, {
    name, ...(group ? { group } : {}), kind, causes,
  });
}

/** forbidden is `namespaces "default" is forbidden: <why>` (403). */
export function forbidden(gr: GroupResource, name: string, why: string): Status {
  const subject = name ? `${qualified(gr)} "${name}"` : qualified(gr);
  return failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, { ...(name ? { name } : {}), ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

/** unauthorized is the 401 of a request without valid credentials (responsewriters.UnauthorizedError). */
export function unauthorized(): Status {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** RequestAttributes are the parts of authorizer.Attributes a denial message names. */
export interface RequestAttributes {
  user: { username: string };
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/**
 * forbiddenRequest is the 403 of an authorization denial, worded as upstream's
 * responsewriters.Forbidden: `pods is forbidden: User "x" cannot list resource
 * "pods" in API group "" in the namespace "default"`.
 */
export function forbiddenRequest(a: RequestAttributes, reason: string): Status {
  const user = a.user.username;
  let msg: string;
  if (!a.isResourceRequest) {
    msg = `User "${user}" cannot ${a.verb} path "${a.path}"`;
  } else {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    msg = a.namespace
      ? `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" in the namespace "${a.namespace}"`
      : `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" at the cluster scope`;
  }
  const why = reason ? `${msg}: ${reason}` : msg;
  if (!a.isResourceRequest || !a.resource) return failure(403, 'Forbidden', `forbidden: ${why}`, { ...(a.name ? { name: a.name } : {}) });
  return forbidden({ group: a.apiGroup, resource: a.resource }, a.name, why);
}

/** requestEntityTooLarge is the 413 for a body over the server's limit. */
export function requestEntityTooLarge(limit: number): Status {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** badRequest is a 400 with the given message. */
export function badRequest(message: string): Status {
  return failure(400, 'BadRequest', message);
}

/** methodNotSupported is `<verb> is not supported on resources of kind "<resource>"` (405). */
export function methodNotSupported(gr: GroupResource, action: string): Status {
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(gr)}"`, { ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

/** pathNotFound is the 404 for a path that names no resource. */
export function pathNotFound(): Status {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** unsupportedMediaType is the 415 for a patch type the server does not accept. */
export function unsupportedMediaType(contentType: string): Status {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got ${contentType}`);
}

/** tooLargeResourceVersion is storage.NewTooLargeResourceVersionError: a read newer than the server has seen times out (504). */
export function tooLargeResourceVersion(requested: number, current: number): Status {
  return failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1,
  });
}

/** gone is the 410 of a watch or list from a compacted resourceVersion. */
export function gone(message: string): Status {
  return failure(410, 'Expired', message);
}

/** internalError wraps a bug as a 500 so one bad request cannot take the server down. */
export function internalError(err: unknown): Status {
  return failure(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`, { causes: [{ message: String(err) }] });
}

/**
 * storageError is ErrorToAPIStatus's answer for an error that is not a Status,
 * as an etcd client error (`etcdserver: mvcc: database space exceeded`) reaches
 * it from the registry: 500, no reason (StatusReasonUnknown), the error's text.
 */
export function storageError(err: Error): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, code: 500 };
}

/** success is the Status returned by deletes that return no object. */
export function success(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}
