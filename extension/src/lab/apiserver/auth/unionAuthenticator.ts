/**
 * unionAuthenticator is kube-apiserver's authenticator chain
 * (pkg/kubeapiserver/authenticator/config.go): the request authenticators in
 * turn, the first to recognise the request wins; every authenticated user
 * gets system:authenticated (group.AuthenticatedGroupAdder); and, only when
 * `--anonymous-auth` is on, a request with no credentials at all becomes
 * system:anonymous. Bad credentials are a 401 even then.
 */
import { aggregateMessage } from './aggregate';
import type { AuthnRequest, AuthnResult, Authenticator, UserInfo } from './types';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS } from './user';

/** ANONYMOUS_USER is who an unauthenticated request acts as when anonymous auth is on. */
export const ANONYMOUS_USER: UserInfo = { username: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] };

/** withAuthenticatedGroup adds system:authenticated unless the user is anonymous or already carries either catch-all group. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === ANONYMOUS || user.groups.includes(ALL_AUTHENTICATED) || user.groups.includes(ALL_UNAUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}

/** unionAuthenticator tries authenticators in order; see the file comment for the rules. */
export function unionAuthenticator(authenticators: readonly Authenticator[], options: { anonymous?: boolean } = {}): Authenticator {
  return {
    async authenticate(req: AuthnRequest): Promise<AuthnResult> {
      const errors: string[] = [];
      for (const a of authenticators) {
        const r = await a.authenticate(req);
        if (!r) continue;
        if ('error' in r) {
          errors.push(r.error);
          continue;
        }
        return { ...r, user: withAuthenticatedGroup(r.user) };
      }
      if (errors.length) return { error: aggregateMessage(errors) };
      return options.anonymous ? { user: ANONYMOUS_USER } : undefined;
    },
  };
}
