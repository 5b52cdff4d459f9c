/**
 * bearerToken reads `Authorization: Bearer <token>` and asks each token
 * authenticator in turn, as apiserver's request/bearertoken over token/union:
 * the first to know the token decides; a bearer token nobody accepts is an
 * error (401), while a request without one is left to other authenticators.
 */
import { aggregateMessage } from './aggregate';
import type { AuthnRequest, AuthnResult, Authenticator } from './types';

/** TokenAuthenticator judges one bearer token; audiences are those the request accepts (the API server's when absent). */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences?: readonly string[]): AuthnResult | Promise<AuthnResult>;
}

/** INVALID_TOKEN is upstream's error for a well-formed bearer token no authenticator knows. */
export const INVALID_TOKEN = 'invalid bearer token';

/** bearerTokenOf extracts the token: the scheme is case-insensitive, an empty token counts as none. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  const auth = (header ?? '').trim();
  if (!auth) return undefined;
  // strings.SplitN(auth, " ", 3): the token is what lies between the first and second space.
  const first = auth.indexOf(' ');
  if (first < 0 || auth.slice(0, first).toLowerCase() !== 'bearer') return undefined;
  const rest = auth.slice(first + 1);
  const second = rest.indexOf(' ');
  const token = second < 0 ? rest : rest.slice(0, second);
  return token || undefined;
}

/** BearerTokenAuthenticator authenticates the request's bearer token with the first token authenticator that knows it. */
export class BearerTokenAuthenticator implements Authenticator {
  constructor(private readonly tokens: readonly TokenAuthenticator[]) {}

  async authenticate(req: AuthnRequest): Promise<AuthnResult> {
    const token = bearerTokenOf(req.headers.authorization);
    if (token === undefined) return undefined;
    const errors: string[] = [];
    for (const t of this.tokens) {
      const r = await t.authenticateToken(token, req.audiences);
      if (!r) continue;
      if ('error' in r) errors.push(r.error);
      else return r;
    }
    return { error: errors.length ? aggregateMessage(errors) : INVALID_TOKEN };
  }
}
