/**
 * serviceAccountToken signs and verifies service account JWTs, as
 * pkg/serviceaccount/jwt.go: tokens are signed with the API server's key
 * (`--service-account-signing-key-file`), carry the key's id, and are accepted
 * only from a known issuer, with a valid signature, for an audience the
 * request accepts, and while the objects they are bound to still exist.
 *
 * The key comes from outside (the lab generates it with node:crypto at start):
 * the lab core neither reads randomness nor the clock except through Random
 * and Clock.
 */
import { type KeyObject, createHash, createPublicKey } from 'node:crypto';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import type { Clock } from '../../clock';
import { aggregateMessage } from './aggregate';
import { type ObjectGetter, type TokenClaims, validateClaims } from './claims';
import type { AuthnResult } from './types';
import type { TokenAuthenticator } from './bearerToken';

let jose: Promise<typeof Jose> | undefined;
/** loadJose imports jose once; it is an ES module, and this package is CommonJS. */
const loadJose = (): Promise<typeof Jose> => (jose ??= import('jose'));

/** algorithmFor picks the JWS algorithm upstream signs with for the key type. */
export function algorithmFor(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
  }
  throw new Error(`unsupported service account signing key: ${key.asymmetricKeyType ?? key.type}`);
}

/** keyID is keyIDFromPublicKey: the unpadded base64url SHA-256 of the public key's DER encoding. */
export function keyID(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('base64url');
}

/** TokenGenerator signs claims with the issuer's private key (jwtTokenGenerator). */
export class TokenGenerator {
  private readonly alg: string;
  private readonly kid: string;

  constructor(readonly issuer: string, private readonly privateKey: KeyObject) {
    this.alg = algorithmFor(privateKey);
    this.kid = keyID(privateKey);
  }

  async generate(claims: TokenClaims): Promise<string> {
    const { CompactSign } = await loadJose();
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: this.alg, kid: this.kid }).sign(this.privateKey);
  }
}

/** goQuoteList prints a []string as Go's %q does: `["a" "b"]`. */
function goQuoteList(xs: readonly string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/** unverifiedIssuer is hasCorrectIssuer's peek at a compact JWT's `iss`, before any signature check. */
function unverifiedIssuer(token: string): string | undefined {
  if (token.trim().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * ServiceAccountTokenAuthenticator is JWTTokenAuthenticator with the service
 * account validator. Tokens of other issuers, and strings that are no JWT,
 * are not its business (undefined); a token of its issuer that fails any
 * check is an error.
 */
export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  private readonly keys: { kid: string; key: KeyObject }[];

  /** implicitAudiences are the API server's (--api-audiences); keys verify signatures (the signing key's public half, and older ones). */
  constructor(
    private readonly issuers: readonly string[],
    keys: readonly KeyObject[],
    private readonly implicitAudiences: readonly string[],
    private readonly objects: ObjectGetter,
    private readonly clock: Clock,
  ) {
    this.keys = keys.map((k) => {
      const pub = k.type === 'private' ? createPublicKey(k) : k;
      return { kid: keyID(pub), key: pub };
    });
  }

  async authenticateToken(token: string, audiences?: readonly string[]): Promise<AuthnResult> {
    const iss = unverifiedIssuer(token);
    if (iss === undefined || !this.issuers.includes(iss)) return undefined;
    const { compactVerify, decodeProtectedHeader } = await loadJose();
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return undefined;
    }
    const keys = kid ? this.keys.filter((k) => k.kid === kid) : this.keys;
    if (!keys.length) return { error: 'invalid signature, no keys found' };
    let claims: TokenClaims | undefined;
    const errors: string[] = [];
    for (const { key } of keys) {
      try {
        const { payload } = await compactVerify(token, key);
        claims = JSON.parse(new TextDecoder().decode(payload)) as TokenClaims;
        break;
      } catch {
        errors.push('go-jose/go-jose: error in cryptographic primitive');
      }
    }
    if (!claims) return { error: aggregateMessage(errors) };
    if (!this.issuers.includes(claims.iss ?? '')) return { error: `token issuer ${JSON.stringify(claims.iss ?? '')} is invalid` };

    const tokenAudiences = claims.aud === undefined ? [] : typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    const accepted = tokenAudiences.length ? tokenAudiences : this.implicitAudiences;
    const requested = audiences ?? this.implicitAudiences;
    const matched = accepted.filter((a) => requested.includes(a));
    if (!matched.length && this.implicitAudiences.length) return { error: `token audiences ${goQuoteList(accepted)} is invalid for the target audiences ${goQuoteList(requested)}` };

    const result = await validateClaims(claims, this.clock.now(), this.objects);
    return 'error' in result ? result : { user: result.user, audiences: matched };
  }
}
