/**
 * StaticTokenAuthenticator is `--token-auth-file`: a fixed table from bearer
 * token to user. An unknown token is simply not its business.
 */
import type { TokenAuthenticator } from './bearerToken';
import { agnosticAudiences } from './audiences';
import type { AuthnResult, UserInfo } from './types';

/** StaticTokenAuthenticator looks tokens up in its table. */
export class StaticTokenAuthenticator implements TokenAuthenticator {
  constructor(private readonly tokens: ReadonlyMap<string, UserInfo>, private readonly apiAudiences: readonly string[]) {}

  authenticateToken(token: string, audiences?: readonly string[]): AuthnResult {
    const auds = agnosticAudiences(this.apiAudiences, audiences);
    const user = auds ? this.tokens.get(token) : undefined;
    return user && auds ? { user, audiences: auds } : undefined;
  }
}
