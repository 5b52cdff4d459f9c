/**
 * Request authentication as kube-apiserver chains it: bearer tokens
 * (request/bearertoken), the token file, x509 client certificates
 * (request/x509), the authenticated-group adder and anonymous auth.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BearerTokenAuthenticator, bearerTokenOf } from './bearerToken';
import { StaticTokenAuthenticator } from './tokenFile';
import type { AuthnRequest, UserInfo } from './types';
import { unionAuthenticator } from './unionAuthenticator';
import { X509Authenticator } from './x509';

const API = ['https://kubernetes.default.svc.cluster.local'];
const ADMIN: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters'] };
const tokens = new StaticTokenAuthenticator(new Map([['s3cret', ADMIN], ['proxy', { username: 'system:kube-proxy', groups: [] }]]), API);
const chain = (anonymous = false) => unionAuthenticator([new X509Authenticator(API), new BearerTokenAuthenticator([tokens])], { anonymous });

const headerCases: [string | undefined, string | undefined][] = [
  ['Bearer s3cret', 's3cret'],
  ['bearer s3cret', 's3cret'],
  ['  Bearer s3cret  ', 's3cret'],
  ['Bearer s3cret trailing', 's3cret'],
  ['Bearer  s3cret', undefined],
  ['Bearer ', undefined],
  ['Basic dXNlcjpwYXNz', undefined],
  ['s3cret', undefined],
  [undefined, undefined],
];

test('the bearer token is the word after the scheme, as strings.SplitN(auth, " ", 3) finds it', () => {
  for (const [header, token] of headerCases) assert.equal(bearerTokenOf(header), token, String(header));
});

const cases: { name: string; req: AuthnRequest; anonymous?: boolean; want: unknown }[] = [
  { name: 'a known token, with system:authenticated added', req: { headers: { authorization: 'Bearer s3cret' } }, want: { user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }, audiences: API } },
  { name: 'an unknown token is a 401 even with anonymous auth on', req: { headers: { authorization: 'Bearer nope' } }, anonymous: true, want: { error: 'invalid bearer token' } },
  { name: 'a client certificate: CN is the user, O the groups', req: { headers: {}, clientCertificate: { commonName: 'system:node:n1', organizations: ['system:nodes'] } }, want: { user: { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] }, audiences: API } },
  { name: 'a certificate without a CN identifies nobody', req: { headers: {}, clientCertificate: { commonName: '', organizations: ['system:masters'] } }, want: undefined },
  { name: 'a good certificate wins over a bad token', req: { headers: { authorization: 'Bearer nope' }, clientCertificate: { commonName: 'jane', organizations: [] } }, want: { user: { username: 'jane', groups: ['system:authenticated'] }, audiences: API } },
  { name: 'no credentials and anonymous auth off', req: { headers: {} }, want: undefined },
  { name: 'no credentials and anonymous auth on', req: { headers: {} }, anonymous: true, want: { user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } } },
  { name: 'audience-agnostic credentials are refused for a foreign audience', req: { headers: { authorization: 'Bearer s3cret' }, audiences: ['vault'] }, want: { error: 'invalid bearer token' } },
];

for (const c of cases) {
  test(`authentication: ${c.name}`, async () => {
    assert.deepEqual(await chain(c.anonymous).authenticate(c.req), c.want);
  });
}
