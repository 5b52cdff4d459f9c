/**
 * tokenReview answers the authentication.k8s.io reviews, as
 * pkg/registry/authentication/{tokenreview,selfsubjectreview}: a TokenReview
 * runs a bearer token through the server's authenticators (`kubectl` webhooks
 * and aggregated servers use it), a SelfSubjectReview tells the caller who it
 * is (`kubectl auth whoami`).
 */
import type { KubeObject, Status } from '../../api/types';
import { timestamp } from '../../api/meta';
import { badRequest, internalError } from '../errors';
import type { Authenticator, UserInfo } from './types';

const API_VERSION = 'authentication.k8s.io/v1';

interface TokenReviewBody extends KubeObject {
  spec?: { token?: string; audiences?: string[] };
}

/** statusUser is authentication/v1 UserInfo: empty fields and an empty extra are left out. */
function statusUser(u: UserInfo): Record<string, unknown> {
  return {
    ...(u.username ? { username: u.username } : {}),
    ...(u.uid ? { uid: u.uid } : {}),
    ...(u.groups.length ? { groups: [...u.groups] } : {}),
    ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}),
  };
}

/**
 * tokenReview authenticates spec.token as if it came in a request's
 * Authorization header, for spec.audiences (the API server's when empty).
 * namespace is the request URL's: TokenReviews are cluster-scoped.
 */
export async function tokenReview(body: unknown, namespace: string, authenticator: Authenticator, apiAudiences: readonly string[]): Promise<KubeObject | Status> {
  const review = body as TokenReviewBody;
  if (namespace) return badRequest(`namespace is not allowed on this type: ${namespace}`);
  const token = review.spec?.token ?? '';
  if (!token) return badRequest('token is required for TokenReview in authentication');
  const audiences = review.spec?.audiences?.length ? review.spec.audiences : apiAudiences;
  const r = await authenticator.authenticate({ headers: { authorization: `Bearer ${token}` }, ...(audiences.length ? { audiences } : {}) });
  const authenticated = r !== undefined && 'user' in r;
  if (authenticated && audiences.length && !audiences.some((a) => r.audiences?.includes(a))) return internalError(new Error('error validating audiences'));
  return {
    ...review,
    status: {
      ...(authenticated ? { authenticated: true } : {}),
      user: authenticated ? statusUser(r.user) : {},
      ...(authenticated && r.audiences?.length ? { audiences: [...r.audiences] } : {}),
      ...(r && 'error' in r ? { error: r.error } : {}),
    },
  };
}

/** selfSubjectReview reports the requesting user's attributes, stamped with the time of the review. */
export function selfSubjectReview(user: UserInfo, nowMs: number): KubeObject {
  return { kind: 'SelfSubjectReview', apiVersion: API_VERSION, metadata: { creationTimestamp: timestamp(nowMs) }, status: { userInfo: statusUser(user) } };
}
