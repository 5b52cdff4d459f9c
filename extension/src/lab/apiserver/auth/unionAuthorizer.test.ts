/** The authorizer chain as authorizer/union and authorizerfactory's privileged groups make it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthorizationAttributes, Authorizer, Decision } from './types';
import { privilegedGroups, unionAuthorizer } from './unionAuthorizer';

const attrs = (groups: string[]): AuthorizationAttributes => ({ user: { username: 'u', groups }, verb: 'get', isResourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'ns', name: '' });
const fixed = (d: Decision): Authorizer => ({ authorize: () => d });
const later = (d: Decision): Authorizer => ({ authorize: () => Promise.resolve(d) });
const never: Authorizer = { authorize: () => assert.fail('consulted after a decision') };

test('the first allow or deny decides, later authorizers are not asked', async () => {
  assert.deepEqual(await unionAuthorizer(fixed({ decision: 'noOpinion', reason: 'a' }), later({ decision: 'deny', reason: 'no' }), never).authorize(attrs([])), { decision: 'deny', reason: 'no' });
  assert.deepEqual(await unionAuthorizer(later({ decision: 'allow', reason: 'yes' }), never).authorize(attrs([])), { decision: 'allow', reason: 'yes' });
});

test('without a decision the reasons are joined one per line, empty ones skipped', async () => {
  const u = unionAuthorizer(fixed({ decision: 'noOpinion', reason: 'node says no' }), fixed({ decision: 'noOpinion', reason: '' }), later({ decision: 'noOpinion', reason: 'RBAC: x' }));
  assert.deepEqual(await u.authorize(attrs([])), { decision: 'noOpinion', reason: 'node says no\nRBAC: x' });
});

test('a chain of synchronous authorizers answers synchronously', () => {
  const d = unionAuthorizer(fixed({ decision: 'noOpinion', reason: '' }), fixed({ decision: 'allow', reason: 'ok' })).authorize(attrs([]));
  assert.deepEqual(d, { decision: 'allow', reason: 'ok' });
});

test('members of a privileged group are allowed without a reason; others get no opinion', () => {
  const p = privilegedGroups('system:masters');
  assert.deepEqual(p.authorize(attrs(['system:masters'])), { decision: 'allow', reason: '' });
  assert.deepEqual(p.authorize(attrs(['system:authenticated'])), { decision: 'noOpinion', reason: '' });
});
