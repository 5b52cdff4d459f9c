/**
 * TokenReview and SelfSubjectReview as
 * pkg/registry/authentication/{tokenreview,selfsubjectreview} answer them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BearerTokenAuthenticator } from './bearerToken';
import { StaticTokenAuthenticator } from './tokenFile';
import { selfSubjectReview, tokenReview } from './tokenReview';
import { unionAuthenticator } from './unionAuthenticator';

const API = ['https://kubernetes.default.svc.cluster.local'];
const authn = unionAuthenticator([new BearerTokenAuthenticator([new StaticTokenAuthenticator(new Map([['t', { username: 'ci', uid: 'u1', groups: ['robots'] }]]), API)])]);

test('TokenReview reports who a token belongs to, and why not', async () => {
  const ok = (await tokenReview({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: 't' } }, '', authn, API)) as any;
  assert.deepEqual(ok.status, { authenticated: true, user: { username: 'ci', uid: 'u1', groups: ['robots', 'system:authenticated'] }, audiences: API });
  const bad = (await tokenReview({ metadata: {}, spec: { token: 'nope' } }, '', authn, API)) as any;
  assert.deepEqual(bad.status, { user: {}, error: 'invalid bearer token' });
});

test('TokenReview refuses a namespace and an empty token', async () => {
  const ns = (await tokenReview({ metadata: {}, spec: { token: 't' } }, 'default', authn, API)) as { code: number; message: string };
  assert.deepEqual([ns.code, ns.message], [400, 'namespace is not allowed on this type: default']);
  const empty = (await tokenReview({ metadata: {}, spec: {} }, '', authn, API)) as { code: number; message: string };
  assert.deepEqual([empty.code, empty.message], [400, 'token is required for TokenReview in authentication']);
});

test('SelfSubjectReview tells the caller who it is (kubectl auth whoami)', () => {
  assert.deepEqual(selfSubjectReview({ username: 'jane', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } }, Date.UTC(2026, 0, 1, 12)), {
    kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: '2026-01-01T12:00:00Z' },
    status: { userInfo: { username: 'jane', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } } },
  });
});
