/**
 * Impersonation as staging/src/k8s.io/apiserver/pkg/endpoints/filters/
 * impersonation.go performs it; denials are the Forbidden of
 * responsewriters/errors.go for the `impersonate` attributes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impersonate } from './impersonation';
import type { AuthorizationAttributes, Authorizer, UserInfo } from './types';

const BOB: UserInfo = { username: 'bob', groups: ['system:authenticated'] };

/** allowing records each check and allows those matching `resource:name`. */
function allowing(...allowed: string[]): { authorizer: Authorizer; asked: AuthorizationAttributes[] } {
  const asked: AuthorizationAttributes[] = [];
  return {
    asked,
    authorizer: {
      authorize: (a) => {
        asked.push(a);
        const key = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}:${a.namespace ? `${a.namespace}/` : ''}${a.name}`;
        return allowed.includes(key) ? { decision: 'allow', reason: '' } : { decision: 'noOpinion', reason: '' };
      },
    },
  };
}

test('without impersonation headers the user is unchanged', async () => {
  assert.equal(await impersonate(BOB, { authorization: 'Bearer x' }, allowing().authorizer), BOB);
});

const allowedCases: { name: string; headers: Record<string, string | string[]>; allow: string[]; want: UserInfo }[] = [
  { name: 'a user gets system:authenticated', headers: { 'impersonate-user': 'alice' }, allow: ['users:alice'], want: { username: 'alice', groups: ['system:authenticated'] } },
  { name: 'given groups are kept, with system:authenticated', headers: { 'impersonate-user': 'alice', 'impersonate-group': ['devs', 'ops'] }, allow: ['users:alice', 'groups:devs', 'groups:ops'], want: { username: 'alice', groups: ['devs', 'ops', 'system:authenticated'] } },
  { name: 'system:unauthenticated among the groups keeps system:authenticated out', headers: { 'impersonate-user': 'alice', 'impersonate-group': 'system:unauthenticated' }, allow: ['users:alice', 'groups:system:unauthenticated'], want: { username: 'alice', groups: ['system:unauthenticated'] } },
  {
    name: 'a service account gets its groups',
    headers: { 'impersonate-user': 'system:serviceaccount:ns:builder' }, allow: ['serviceaccounts:ns/builder'],
    want: { username: 'system:serviceaccount:ns:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] },
  },
  { name: 'anonymous gets system:unauthenticated', headers: { 'impersonate-user': 'system:anonymous' }, allow: ['users:system:anonymous'], want: { username: 'system:anonymous', groups: ['system:unauthenticated'] } },
  {
    name: 'uid and extras, each extra key %-decoded and checked per value',
    headers: { 'impersonate-user': 'alice', 'impersonate-uid': '1234', 'impersonate-extra-acme.com%2fproject': ['a', 'b'] },
    allow: ['users:alice', 'userextras/acme.com/project:a', 'userextras/acme.com/project:b', 'uids:1234'],
    want: { username: 'alice', uid: '1234', groups: ['system:authenticated'], extra: { 'acme.com/project': ['a', 'b'] } },
  },
];

for (const c of allowedCases) {
  test(`impersonation allowed: ${c.name}`, async () => {
    assert.deepEqual(await impersonate(BOB, c.headers, allowing(...c.allow).authorizer), c.want);
  });
}

test('every check is made as the real user with verb impersonate, extras and uids in authentication.k8s.io', async () => {
  const { authorizer, asked } = allowing('users:alice', 'groups:devs', 'userextras/scopes:view', 'uids:1');
  await impersonate(BOB, { 'impersonate-user': 'alice', 'impersonate-group': 'devs', 'impersonate-extra-scopes': 'view', 'impersonate-uid': '1' }, authorizer);
  assert.deepEqual(asked.map((a) => [a.user.username, a.verb, a.apiGroup, a.resource, a.subresource, a.name]), [
    ['bob', 'impersonate', '', 'users', '', 'alice'],
    ['bob', 'impersonate', '', 'groups', '', 'devs'],
    ['bob', 'impersonate', 'authentication.k8s.io', 'userextras', 'scopes', 'view'],
    ['bob', 'impersonate', 'authentication.k8s.io', 'uids', '', '1'],
  ]);
});

const deniedCases: { name: string; headers: Record<string, string>; allow: string[]; code: number; message: string }[] = [
  { name: 'a user', headers: { 'impersonate-user': 'alice' }, allow: [], code: 403, message: 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope' },
  { name: 'a service account', headers: { 'impersonate-user': 'system:serviceaccount:ns:builder' }, allow: [], code: 403, message: 'serviceaccounts "builder" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns"' },
  { name: 'one group of several', headers: { 'impersonate-user': 'alice', 'impersonate-group': 'system:masters' }, allow: ['users:alice'], code: 403, message: 'groups "system:masters" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope' },
  { name: 'an extra', headers: { 'impersonate-user': 'alice', 'impersonate-extra-scopes': 'admin' }, allow: ['users:alice'], code: 403, message: 'userextras.authentication.k8s.io "admin" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope' },
  { name: 'a uid', headers: { 'impersonate-user': 'alice', 'impersonate-uid': '42' }, allow: ['users:alice'], code: 403, message: 'uids.authentication.k8s.io "42" is forbidden: User "bob" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope' },
  { name: 'groups without a user', headers: { 'impersonate-group': 'devs' }, allow: ['groups:devs'], code: 500, message: 'Internal Server Error: "/api/v1/pods": requested [{Group  devs    }] without impersonating a user' },
];

for (const c of deniedCases) {
  test(`impersonation refused: ${c.name}`, async () => {
    const r = await impersonate(BOB, c.headers, allowing(...c.allow).authorizer, '/api/v1/pods');
    assert.ok('code' in r);
    assert.deepEqual([r.code, r.message], [c.code, c.message]);
  });
}
