/**
 * Service account tokens end to end: TokenRequest (pkg/registry/core/
 * serviceaccount/storage/token.go, pkg/apis/authentication/validation), the
 * JWT authenticator (pkg/serviceaccount/jwt.go) and the claims validator
 * (pkg/serviceaccount/claims.go), on a manual clock.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ManualClock } from '../../clock';
import { SeededRandom } from '../../random';
import { BearerTokenAuthenticator } from './bearerToken';
import { MemoryCache } from './memoryCache';
import { ServiceAccountTokenAuthenticator, TokenGenerator, algorithmFor, keyID } from './serviceAccountToken';
import { createTokenRequest } from './tokenRequest';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function setup() {
  const clock = new ManualClock();
  const cache = new MemoryCache()
    .put('', 'serviceaccounts', { metadata: { name: 'default', namespace: 'ns', uid: 'sa-uid' } })
    .put('', 'pods', { metadata: { name: 'web', namespace: 'ns', uid: 'pod-uid' }, spec: { serviceAccountName: 'default', nodeName: 'n1' } })
    .put('', 'pods', { metadata: { name: 'other-sa', namespace: 'ns', uid: 'pod2-uid' }, spec: { serviceAccountName: 'builder' } })
    .put('', 'nodes', { metadata: { name: 'n1', uid: 'node-uid' } })
    .put('', 'secrets', { metadata: { name: 's', namespace: 'ns', uid: 'secret-uid' } });
  const generator = new TokenGenerator(ISSUER, privateKey);
  const issuer = { generator, apiAudiences: [ISSUER], objects: cache, clock, random: new SeededRandom(7) };
  const authn = new BearerTokenAuthenticator([new ServiceAccountTokenAuthenticator([ISSUER], [privateKey], [ISSUER], cache, clock)]);
  const request = (body: unknown, name = 'default') => createTokenRequest(issuer, 'ns', name, body) as Promise<any>;
  const authenticate = (token: string, audiences?: string[]) => authn.authenticate({ headers: { authorization: `Bearer ${token}` }, ...(audiences ? { audiences } : {}) });
  return { clock, cache, request, authenticate };
}

test('a pod-bound token authenticates as its service account, with pod, node and credential id', async () => {
  const { request, authenticate } = setup();
  const tr = await request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'pod-uid' } } });
  assert.equal(tr.kind, 'TokenRequest');
  assert.deepEqual(tr.metadata, { name: 'default', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' });
  assert.deepEqual(tr.spec.audiences, [ISSUER]);
  assert.equal(tr.spec.expirationSeconds, 3600);
  assert.equal(tr.status.expirationTimestamp, '2026-01-01T01:00:00Z');

  const [header, payload] = (tr.status.token as string).split('.').slice(0, 2).map((p): any => JSON.parse(Buffer.from(p, 'base64url').toString()));
  assert.deepEqual(header, { alg: 'ES256', kid: keyID(privateKey) });
  const now = Date.UTC(2026, 0, 1) / 1000;
  assert.deepEqual(payload, {
    aud: [ISSUER], exp: now + 3600, iat: now, iss: ISSUER, jti: payload.jti,
    'kubernetes.io': { namespace: 'ns', node: { name: 'n1', uid: 'node-uid' }, pod: { name: 'web', uid: 'pod-uid' }, serviceaccount: { name: 'default', uid: 'sa-uid' } },
    nbf: now, sub: 'system:serviceaccount:ns:default',
  });

  assert.deepEqual(await authenticate(tr.status.token), {
    user: {
      username: 'system:serviceaccount:ns:default', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': ['pod-uid'],
        'authentication.kubernetes.io/credential-id': [`JTI=${payload.jti}`],
        'authentication.kubernetes.io/node-name': ['n1'], 'authentication.kubernetes.io/node-uid': ['node-uid'],
      },
    },
    audiences: [ISSUER],
  });
});

test('a token expires after exp plus the minute of leeway', async () => {
  const { clock, request, authenticate } = setup();
  const { status } = await request({ spec: { expirationSeconds: 600 } });
  await clock.advance((600 + 60) * 1000);
  assert.ok(await authenticate(status.token).then((r) => r && 'user' in r));
  await clock.advance(1000);
  assert.deepEqual(await authenticate(status.token), { error: 'service account token has expired' });
});

test('deleting the service account or the bound object invalidates the token', async () => {
  const { cache, request, authenticate } = setup();
  const plain = (await request({})).status.token;
  const podBound = (await request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } })).status.token;
  const secretBound = (await request({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } } })).status.token;

  cache.delete('', 'pods', 'ns', 'web');
  assert.deepEqual(await authenticate(podBound), { error: 'service account token has been invalidated' });
  cache.put('', 'secrets', { metadata: { name: 's', namespace: 'ns', uid: 'secret-uid-2' } });
  assert.deepEqual(await authenticate(secretBound), { error: 'secret UID (secret-uid-2) does not match service account secret ref claim (secret-uid)' });

  cache.delete('', 'serviceaccounts', 'ns', 'default');
  assert.deepEqual(await authenticate(plain), { error: 'serviceaccounts "default" not found' });
  cache.put('', 'serviceaccounts', { metadata: { name: 'default', namespace: 'ns', uid: 'sa-uid-2' } });
  assert.deepEqual(await authenticate(plain), { error: 'service account UID (sa-uid-2) does not match claim (sa-uid)' });
});

test('a token is good only for its audiences', async () => {
  const { request, authenticate } = setup();
  const { status } = await request({ spec: { audiences: ['vault'] } });
  assert.deepEqual(await authenticate(status.token), { error: `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]` });
  const r = await authenticate(status.token, ['vault']);
  assert.deepEqual(r && 'user' in r ? r.audiences : r, ['vault']);
});

test('tokens of other issuers and strings that are no JWT are someone else\'s; a forged signature is an error', async () => {
  const { request, authenticate } = setup();
  const other = await new TokenGenerator('https://elsewhere', privateKey).generate({ iss: 'https://elsewhere', sub: 'x' });
  assert.deepEqual(await authenticate(other), { error: 'invalid bearer token' });
  assert.deepEqual(await authenticate('not-a-jwt'), { error: 'invalid bearer token' });

  const { status } = await request({});
  const [h, , s] = (status.token as string).split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
  assert.deepEqual(await authenticate(`${h}.${forgedPayload}.${s}`), { error: 'go-jose/go-jose: error in cryptographic primitive' });
  const stranger = await new TokenGenerator(ISSUER, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey).generate({ iss: ISSUER });
  assert.deepEqual(await authenticate(stranger), { error: 'invalid signature, no keys found' });
});

test('a kubelet\'s projected token (3607 s, pod-bound) lasts a year but reports the hour', async () => {
  const { request } = setup();
  const tr = await request({ spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } });
  const payload = JSON.parse(Buffer.from((tr.status.token as string).split('.')[1], 'base64url').toString());
  const now = Date.UTC(2026, 0, 1) / 1000;
  assert.equal(payload.exp, now + 365 * 24 * 3600);
  assert.equal(payload['kubernetes.io'].warnafter, now + 3607);
  assert.equal(tr.status.expirationTimestamp, '2026-01-01T01:00:07Z');
});

/** Rejections with token.go's and validation.go's words. */
const rejections: { name: string; body: unknown; sa?: string; code: number; reason: string; message: string }[] = [
  { name: 'a lifetime under ten minutes', body: { spec: { expirationSeconds: 599 } }, code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes' },
  { name: 'a lifetime over 2^32 seconds', body: { spec: { expirationSeconds: 2 ** 32 + 1 } }, code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds' },
  { name: 'a body naming another account', body: { metadata: { name: 'builder' } }, code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "builder": must match the service account name if specified' },
  { name: 'a missing service account', body: {}, sa: 'ghost', code: 404, reason: 'NotFound', message: 'serviceaccounts "ghost" not found' },
  { name: 'a pod of another service account', body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other-sa' } } }, code: 400, reason: 'BadRequest', message: 'cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.' },
  { name: 'a missing pod', body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } } }, code: 404, reason: 'NotFound', message: 'pods "gone" not found' },
  { name: 'an unbindable kind', body: { spec: { boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' } } }, code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type apps/v1, Kind=Deployment' },
  { name: 'a stale uid', body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'old' } } }, code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated' },
];

for (const r of rejections) {
  test(`TokenRequest rejects ${r.name}`, async () => {
    const res = await setup().request(r.body, r.sa);
    assert.deepEqual({ code: res.code, reason: res.reason, message: res.message }, { code: r.code, reason: r.reason, message: r.message });
  });
}

test('the signing algorithm follows the key, as upstream\'s signer does', () => {
  assert.equal(algorithmFor(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), 'RS256');
  assert.equal(algorithmFor(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey), 'ES384');
  assert.throws(() => algorithmFor(generateKeyPairSync('ed25519').privateKey), /unsupported service account signing key/);
});
