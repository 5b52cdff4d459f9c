/**
 * Messages and paths come from pkg/apis/rbac/validation/validation.go
 * (ValidatePolicyRule, ValidateClusterRole, ValidateRoleBinding(Update),
 * ValidateRoleBindingSubject) and defaults from pkg/apis/rbac/v1/defaults.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRoleBinding } from '../defaulting/rbac';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import {
  validateClusterRole, validateClusterRoleBinding, validateClusterRoleBindingUpdate, validateRBACName, validateRole, validateRoleBinding, validateRoleBindingUpdate,
} from './rbac';
import type { PolicyRule, RoleBinding } from './types/rbac';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const meta = { name: 'r', namespace: 'default' };

const ruleCases: { name: string; rules: PolicyRule[]; namespaced: boolean; want: string[] }[] = [
  { name: 'accepts a resource rule', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], namespaced: true, want: [] },
  {
    name: 'requires verbs, groups and resources',
    rules: [{}],
    namespaced: true,
    want: ['rules[0].verbs: Required value: verbs must contain at least one value', 'rules[0].apiGroups: Required value: resource rules must supply at least one api group', 'rules[0].resources: Required value: resource rules must supply at least one resource'],
  },
  {
    name: 'a Role may not name non-resource URLs',
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    namespaced: true,
    want: ['rules[0].nonResourceURLs: Invalid value: []interface {}{"/healthz"}: namespaced rules cannot apply to non-resource URLs'],
  },
  {
    name: 'a rule may not mix resources and non-resource URLs',
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }],
    namespaced: false,
    want: ['rules[0].nonResourceURLs: Invalid value: []interface {}{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs'],
  },
];

for (const c of ruleCases) {
  test(`policy rule: ${c.name}`, () => {
    const validate = c.namespaced ? validateRole : validateClusterRole;
    assert.deepEqual(texts(validate({ metadata: meta, rules: c.rules })), c.want);
  });
}

test('clusterrole: an aggregation rule needs selectors, and they must parse', () => {
  assert.deepEqual(texts(validateClusterRole({ metadata: meta, aggregationRule: {} })), ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']);
  assert.deepEqual(texts(validateClusterRole({ metadata: meta, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } })), [
    "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'aggregationRule.clusterRoleSelectors[0]: Invalid value: {"matchExpressions":[{"key":"a","operator":"In"}]}: invalid label selector.',
  ]);
});

test('names need only be path segments', () => {
  assert.deepEqual(validateRBACName('system:controller:job-controller'), []);
  assert.deepEqual(validateRBACName('a/b'), ["may not contain '/'"]);
  assert.deepEqual(validateRBACName('..'), ["may not be '..'"]);
});

function binding(b: Partial<RoleBinding>): RoleBinding {
  const out = { metadata: meta, ...b } as RoleBinding;
  defaultRoleBinding(out);
  return out;
}

test('defaults name the RBAC group on roleRef and User/Group subjects, none on service accounts', () => {
  const b = binding({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }] });
  assert.equal(b.roleRef?.apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(b.subjects?.map((s) => s.apiGroup), ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', '']);
  assert.deepEqual(texts(validateRoleBinding(b)), []);
});

const bindingCases: { name: string; b: Partial<RoleBinding>; cluster?: boolean; want: string[] }[] = [
  {
    name: 'roleRef kind must be Role or ClusterRole and name is required',
    b: { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Pod' } },
    want: ['roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"', 'roleRef.name: Required value'],
  },
  {
    name: 'a ClusterRoleBinding may only bind a ClusterRole',
    cluster: true,
    b: { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' } },
    want: ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
  },
  {
    name: 'roleRef must be in the RBAC group',
    b: { roleRef: { apiGroup: 'example.com', kind: 'Role', name: 'x' } },
    want: ['roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"'],
  },
  {
    name: 'subjects: kinds, names and groups',
    b: {
      roleRef: { kind: 'Role', name: 'x' },
      subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', apiGroup: 'rbac.authorization.k8s.io', name: 'Bad_Name' }, { kind: 'User' }],
    },
    want: [
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      "subjects[1].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'subjects[1].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""',
      'subjects[2].name: Required value',
    ],
  },
  {
    name: 'a ClusterRoleBinding needs the service account namespace',
    cluster: true,
    b: { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] },
    want: ['subjects[0].namespace: Required value'],
  },
];

for (const c of bindingCases) {
  test(`binding: ${c.name}`, () => {
    const b = binding(c.b);
    assert.deepEqual(texts(c.cluster ? validateClusterRoleBinding(b) : validateRoleBinding(b)), c.want);
  });
}

test('binding update: roleRef cannot change', () => {
  const old = binding({ roleRef: { kind: 'ClusterRole', name: 'view' } });
  const next = binding({ roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'jane' }] });
  for (const validate of [validateRoleBindingUpdate, validateClusterRoleBindingUpdate]) {
    const errs = validate(next, old);
    assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['roleRef', 'cannot change roleRef']]);
  }
  assert.deepEqual(texts(validateRoleBindingUpdate(binding({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'x' }] }), old)), [], 'subjects may change');
});
