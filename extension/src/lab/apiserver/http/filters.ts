/**
 * filters runs upstream's request filters — WithAuthentication,
 * WithImpersonation, WithAuthorization — for the answers the front door gives
 * itself: the health and version endpoints, and the failures it finds before
 * the API server sees a request (an unreadable body, an Accept it cannot
 * answer). Upstream meets those only inside its handlers, behind the filters,
 * so a client without credentials gets its 401 and a client without access its
 * 403 before any of them. Everything else the API server filters itself.
 */
import type { Status } from '../../api/types';
import type { ApiRequest, ApiServer } from '../apiServer';
import { impersonate } from '../auth/impersonation';
import type { AuthorizationAttributes, UserInfo } from '../auth/types';
import { ANONYMOUS_USER, withAuthenticatedGroup } from '../auth/unionAuthenticator';
import { forbiddenRequest, unauthorized } from '../errors';
import { parseRequestInfo, splitPath } from '../requestInfo';

/** FilterOptions mirror the API server's authentication settings. */
export interface FilterOptions {
  /** anonymous lets requests without credentials in as system:anonymous (--anonymous-auth); the lab keeps it off. */
  anonymous: boolean;
}

/** filterRequest authenticates and authorizes req, returning the acting user or the 401 or 403 Status. */
export async function filterRequest(server: ApiServer, req: ApiRequest, options: FilterOptions): Promise<UserInfo | Status> {
  const headers = req.headers ?? {};
  const result = await server.authenticator.authenticate({ headers, ...(req.clientCertificate ? { clientCertificate: req.clientCertificate } : {}) });
  if (result && 'error' in result) return unauthorized();
  let user: UserInfo;
  if (result) user = withAuthenticatedGroup(result.user);
  else if (options.anonymous) user = ANONYMOUS_USER;
  else return unauthorized();
  if (Object.keys(headers).some((h) => h.startsWith('impersonate-'))) {
    const impersonated = await impersonate(user, headers, server.authorizer, req.path);
    if ('code' in impersonated) return impersonated;
    user = impersonated;
  }
  const attrs = attributesOf(req, user);
  const decision = await server.authorizer.authorize(attrs);
  return decision.decision === 'allow' ? user : forbiddenRequest(attrs, decision.reason);
}

/**
 * attributesOf is authorizer.Attributes for req: a resource request's verb and
 * resource from its path, a non-resource request's verb the lower-case method.
 */
function attributesOf(req: ApiRequest, user: UserInfo): AuthorizationAttributes {
  const { path, query } = splitPath(req.path);
  const info = parseRequestInfo(req.method, path, query);
  return {
    user, path, isResourceRequest: info.isResourceRequest,
    verb: info.isResourceRequest ? info.verb : req.method.toLowerCase(),
    apiGroup: info.group, apiVersion: info.version, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name,
  };
}
