/**
 * Access reviews as pkg/registry/authorization/*subjectaccessreview/rest.go
 * answer them, validated as pkg/apis/authorization/validation does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localSubjectAccessReview, selfSubjectAccessReview, subjectAccessReview } from './accessReview';
import type { AuthorizationAttributes, Authorizer, Decision } from './types';

/** judge allows jane to get pods, denies mallory everything, and records what it was asked. */
function judge(): { authorizer: Authorizer; asked: AuthorizationAttributes[] } {
  const asked: AuthorizationAttributes[] = [];
  return {
    asked,
    authorizer: {
      authorize: (a): Decision => {
        asked.push(a);
        if (a.user.username === 'mallory') return { decision: 'deny', reason: 'mallory is banned' };
        if (a.user.username === 'jane' && a.verb === 'get' && a.resource === 'pods') return { decision: 'allow', reason: 'RBAC: allowed by RoleBinding "r/ns" of Role "reader" to User "jane"' };
        return { decision: 'noOpinion', reason: '' };
      },
    },
  };
}

const sar = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata, spec });

test('SubjectAccessReview: allowed, with the authorizer\'s reason, asking for every version when none is given', async () => {
  const { authorizer, asked } = judge();
  const r = await subjectAccessReview(sar({ user: 'jane', groups: ['devs'], resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods', name: 'web' } }), authorizer);
  assert.deepEqual((r as any).status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "r/ns" of Role "reader" to User "jane"' });
  assert.deepEqual(asked[0], {
    user: { username: 'jane', groups: ['devs'] }, verb: 'get', isResourceRequest: true, path: '',
    apiGroup: '', apiVersion: '*', resource: 'pods', subresource: '', namespace: 'ns', name: 'web',
  });
});

test('SubjectAccessReview: a deny sets denied, no opinion leaves only allowed: false', async () => {
  const { authorizer } = judge();
  assert.deepEqual(((await subjectAccessReview(sar({ user: 'mallory', nonResourceAttributes: { path: '/healthz', verb: 'get' } }), authorizer)) as any).status, { allowed: false, denied: true, reason: 'mallory is banned' });
  assert.deepEqual(((await subjectAccessReview(sar({ user: 'joe', resourceAttributes: { verb: 'list', resource: 'pods' } }), authorizer)) as any).status, { allowed: false });
});

const invalidCases: { name: string; run: (a: Authorizer) => Promise<unknown>; message: string }[] = [
  {
    name: 'a SubjectAccessReview with neither kind of attributes nor a subject',
    run: (a) => subjectAccessReview(sar({}), a),
    message: 'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
  },
  {
    name: 'a SelfSubjectAccessReview without attributes',
    run: (a) => selfSubjectAccessReview({ spec: {} }, { username: 'jane', groups: [] }, a),
    message: 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
  },
  {
    name: 'a LocalSubjectAccessReview for another namespace',
    run: (a) => localSubjectAccessReview({ metadata: { namespace: 'ns' }, spec: { user: 'jane', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'pods' } } }, 'ns', a),
    message: 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
  },
];

for (const c of invalidCases) {
  test(`access reviews reject ${c.name}`, async () => {
    const r = (await c.run(judge().authorizer)) as { code: number; reason: string; message: string };
    assert.deepEqual([r.code, r.reason, r.message], [422, 'Invalid', c.message]);
  });
}

test('SelfSubjectAccessReview asks about the requesting user, groups and all (kubectl auth can-i)', async () => {
  const { authorizer, asked } = judge();
  const r = await selfSubjectAccessReview({ metadata: { creationTimestamp: null }, spec: { resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods' } } }, { username: 'jane', groups: ['system:authenticated'] }, authorizer);
  assert.equal((r as any).status.allowed, true);
  assert.deepEqual(asked[0].user, { username: 'jane', groups: ['system:authenticated'] });
});

test('LocalSubjectAccessReview must be posted to its own namespace', async () => {
  const body = { metadata: { namespace: 'ns' }, spec: { user: 'jane', resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods' } } };
  assert.equal(((await localSubjectAccessReview(body, 'ns', judge().authorizer)) as any).status.allowed, true);
  const wrong = (await localSubjectAccessReview(body, 'elsewhere', judge().authorizer)) as { code: number; message: string };
  assert.deepEqual([wrong.code, wrong.message], [400, 'spec.resourceAttributes.namespace must match namespace: elsewhere']);
});
