// Cases follow staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules/rules.go.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isExemptAdmissionConfigurationResource, ruleMatches, type RuleAttributes } from './rules';
import type { RuleWithOperations } from './types';

const pods: RuleAttributes = { operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'pods' }, subresource: '', namespace: 'default' };
const podStatus: RuleAttributes = { ...pods, operation: 'UPDATE', subresource: 'status' };
const deployScale: RuleAttributes = { operation: 'UPDATE', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, subresource: 'scale', namespace: 'default' };
const node: RuleAttributes = { operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'nodes' }, subresource: '', namespace: '' };
const namespace: RuleAttributes = { operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'namespaces' }, subresource: '', namespace: 'team-a' };

const all: RuleWithOperations = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] };

const cases: { name: string; rule: RuleWithOperations; attrs: RuleAttributes; want: boolean }[] = [
  { name: 'exact pods create', rule: { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, attrs: pods, want: true },
  { name: 'other operation', rule: { operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, attrs: pods, want: false },
  { name: 'no operations matches nothing', rule: { apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }, attrs: pods, want: false },
  { name: 'other group', rule: { ...all, apiGroups: ['apps'] }, attrs: pods, want: false },
  { name: 'other version', rule: { ...all, apiVersions: ['v2'] }, attrs: pods, want: false },
  { name: 'bare resource does not match its subresource', rule: { ...all, resources: ['pods'] }, attrs: podStatus, want: false },
  { name: 'pods/status', rule: { ...all, resources: ['pods/status'] }, attrs: podStatus, want: true },
  { name: 'pods/* matches status', rule: { ...all, resources: ['pods/*'] }, attrs: podStatus, want: true },
  { name: 'pods/* matches the main resource too', rule: { ...all, resources: ['pods/*'] }, attrs: pods, want: true },
  { name: '*/status', rule: { ...all, resources: ['*/status'] }, attrs: podStatus, want: true },
  { name: '*/status misses scale', rule: { ...all, resources: ['*/status'] }, attrs: deployScale, want: false },
  { name: '*/scale', rule: { ...all, resources: ['*/scale'] }, attrs: deployScale, want: true },
  { name: '* misses subresources', rule: all, attrs: podStatus, want: false },
  { name: '*/* matches subresources', rule: { ...all, resources: ['*/*'] }, attrs: podStatus, want: true },
  { name: 'Namespaced takes namespaced requests', rule: { ...all, scope: 'Namespaced' }, attrs: pods, want: true },
  { name: 'Namespaced skips cluster-scoped', rule: { ...all, scope: 'Namespaced' }, attrs: node, want: false },
  { name: 'Namespaced skips a namespace object though it carries a namespace', rule: { ...all, scope: 'Namespaced' }, attrs: namespace, want: false },
  { name: 'Cluster takes a namespace object', rule: { ...all, scope: 'Cluster' }, attrs: namespace, want: true },
  { name: 'Cluster takes nodes', rule: { ...all, scope: 'Cluster' }, attrs: node, want: true },
  { name: 'Cluster skips pods', rule: { ...all, scope: 'Cluster' }, attrs: pods, want: false },
];

for (const c of cases) {
  test(`rule: ${c.name}`, () => {
    assert.equal(ruleMatches(c.rule, c.attrs), c.want);
  });
}

test('webhooks never see admission configuration objects', () => {
  assert.equal(isExemptAdmissionConfigurationResource({ group: 'admissionregistration.k8s.io', version: 'v1', kind: 'MutatingWebhookConfiguration' }), true);
  assert.equal(isExemptAdmissionConfigurationResource({ group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicyBinding' }), true);
  assert.equal(isExemptAdmissionConfigurationResource({ group: '', version: 'v1', kind: 'Pod' }), false);
});
