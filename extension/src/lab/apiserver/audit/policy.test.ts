// Rule matching as staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go (ruleMatches, ruleMatchesResource, pathMatches).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { AuthorizationAttributes } from '../auth/types';
import { DEFAULT_AUDIT_POLICY, evaluatePolicy, ruleMatches } from './policy';
import type { AuditPolicy, PolicyRule } from './types';

const alice = { username: 'alice', groups: ['dev', 'system:authenticated'] };

function req(over: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user: alice, verb: 'create', isResourceRequest: true, path: '/api/v1/namespaces/default/pods', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: 'web', ...over };
}
const healthz = req({ isResourceRequest: false, path: '/healthz/etcd', verb: 'get', apiVersion: '', resource: '', namespace: '', name: '' });

const cases: { name: string; rule: Omit<PolicyRule, 'level'>; attrs: AuthorizationAttributes; want: boolean }[] = [
  { name: 'empty rule matches all', rule: {}, attrs: req(), want: true },
  { name: 'empty rule matches non-resource', rule: {}, attrs: healthz, want: true },
  { name: 'user listed', rule: { users: ['alice'] }, attrs: req(), want: true },
  { name: 'user not listed', rule: { users: ['bob'] }, attrs: req(), want: false },
  { name: 'any group listed', rule: { userGroups: ['ops', 'dev'] }, attrs: req(), want: true },
  { name: 'no group listed', rule: { userGroups: ['ops'] }, attrs: req(), want: false },
  { name: 'verb', rule: { verbs: ['get', 'create'] }, attrs: req(), want: true },
  { name: 'other verb', rule: { verbs: ['delete'] }, attrs: req(), want: false },
  { name: 'group with no resources', rule: { resources: [{ group: '' }] }, attrs: req(), want: true },
  { name: 'other group', rule: { resources: [{ group: 'apps' }] }, attrs: req(), want: false },
  { name: 'wildcard group', rule: { resources: [{ group: '*', resources: ['pods'] }] }, attrs: req(), want: true },
  { name: 'resource', rule: { resources: [{ group: '', resources: ['pods'] }] }, attrs: req(), want: true },
  { name: 'resource misses subresource', rule: { resources: [{ resources: ['pods'] }] }, attrs: req({ subresource: 'log' }), want: false },
  { name: 'resource/subresource', rule: { resources: [{ resources: ['pods/log'] }] }, attrs: req({ subresource: 'log' }), want: true },
  { name: '* matches subresources', rule: { resources: [{ resources: ['*'] }] }, attrs: req({ subresource: 'log' }), want: true },
  { name: '*/sub', rule: { resources: [{ group: '*', resources: ['*/scale'] }] }, attrs: req({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }), want: true },
  { name: '*/sub misses the main resource', rule: { resources: [{ resources: ['*/scale'] }] }, attrs: req(), want: false },
  { name: 'res/*', rule: { resources: [{ resources: ['pods/*'] }] }, attrs: req({ subresource: 'exec' }), want: true },
  { name: 'res/* covers the resource itself', rule: { resources: [{ resources: ['pods/*'] }] }, attrs: req(), want: true },
  { name: 'resourceNames', rule: { resources: [{ resources: ['pods'], resourceNames: ['web'] }] }, attrs: req(), want: true },
  { name: 'other resourceName', rule: { resources: [{ resources: ['pods'], resourceNames: ['db'] }] }, attrs: req(), want: false },
  { name: 'namespace', rule: { namespaces: ['default'] }, attrs: req(), want: true },
  { name: 'empty namespace matches cluster scope', rule: { namespaces: [''] }, attrs: req({ resource: 'nodes', namespace: '' }), want: true },
  { name: 'other namespace', rule: { namespaces: ['kube-system'] }, attrs: req(), want: false },
  { name: 'resource rule never matches non-resource', rule: { resources: [{ group: '*' }] }, attrs: healthz, want: false },
  { name: 'resources win over nonResourceURLs', rule: { namespaces: ['default'], nonResourceURLs: ['*'] }, attrs: healthz, want: false },
  { name: 'url prefix', rule: { nonResourceURLs: ['/healthz*'] }, attrs: healthz, want: true },
  { name: 'url exact', rule: { nonResourceURLs: ['/healthz'] }, attrs: healthz, want: false },
  { name: 'url rule never matches resources', rule: { nonResourceURLs: ['*'] }, attrs: req(), want: false },
];

for (const c of cases) {
  test(`policy rule: ${c.name}`, () => {
    assert.equal(ruleMatches({ level: 'Metadata', ...c.rule }, c.attrs), c.want);
  });
}

test('the first matching rule decides, stages are the union of policy and rule', () => {
  const policy: AuditPolicy = {
    rules: [
      { level: 'None', users: ['system:kube-proxy'] },
      { level: 'RequestResponse', resources: [{ resources: ['pods'] }], omitStages: ['ResponseStarted'], omitManagedFields: false },
      { level: 'Metadata' },
    ],
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
  };
  assert.deepEqual(evaluatePolicy(policy, req()), { level: 'RequestResponse', omitStages: ['RequestReceived', 'ResponseStarted'], omitManagedFields: false });
  assert.deepEqual(evaluatePolicy(policy, req({ resource: 'services' })), { level: 'Metadata', omitStages: ['RequestReceived'], omitManagedFields: true });
  assert.equal(evaluatePolicy(policy, req({ user: { username: 'system:kube-proxy', groups: [] } })).level, 'None');
  assert.deepEqual(evaluatePolicy({ rules: [] }, req()), { level: 'None', omitStages: [], omitManagedFields: false }, 'no rule, no audit');
});

test('the default policy skips health checks, events and lease renewals and keeps the rest at Metadata', () => {
  const level = (a: AuthorizationAttributes) => evaluatePolicy(DEFAULT_AUDIT_POLICY, a).level;
  assert.equal(level(healthz), 'None');
  assert.equal(level(req({ resource: 'events' })), 'None');
  assert.equal(level(req({ verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases' })), 'None');
  assert.equal(level(req({ verb: 'create', apiGroup: 'coordination.k8s.io', resource: 'leases' })), 'Metadata');
  assert.equal(level(req({ resource: 'secrets' })), 'Metadata');
  assert.equal(level(req()), 'Metadata');
  assert.deepEqual(evaluatePolicy(DEFAULT_AUDIT_POLICY, req()).omitStages, ['RequestReceived']);
});
