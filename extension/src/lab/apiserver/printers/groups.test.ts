/**
 * The smaller groups' printers against kubernetes/kubernetes
 * pkg/printers/internalversion/printers_test.go (TestPrintRoleBinding,
 * TestPrintClusterRoleBinding, TestPrintPodDisruptionBudget, TestPrintLease,
 * TestPrintPriorityClass, TestPrintValidatingAdmissionPolicyBinding, TestPrintScale)
 * and printMutatingWebhook, printValidatingWebhook, printValidatingAdmissionPolicy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, webhookConfigurationPrinter } from './admissionregistration';
import { leasePrinter } from './coordination';
import { podDisruptionBudgetPrinter } from './policy';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac';
import { scalePrinter } from './scale';
import { priorityClassPrinter } from './scheduling';
import { MINUTE, ago, cells, columnNames, obj } from './testing';
import type { Cell, TablePrinter } from './table';

function check(printer: TablePrinter, cases: [string, KubeObject, Cell[]][]): void {
  for (const [name, o, want] of cases) assert.deepEqual(cells(printer, o), want, name);
}

test('printRoleBinding and printClusterRoleBinding: ROLE, then USERS, GROUPS, SERVICEACCOUNTS', () => {
  const subjects = [{ kind: 'User', name: 'user-name' }, { kind: 'Group', name: 'group-name' }, { kind: 'ServiceAccount', name: 'service-account-name', namespace: 'service-account-namespace' }];
  for (const printer of [roleBindingPrinter, clusterRoleBindingPrinter]) {
    check(printer, [
      ['one user', obj('binding1', ago(-1900), { subjects: [{ kind: 'User', name: 'system:kube-controller-manager' }], roleRef: { kind: 'Role', name: 'extension-apiserver-authentication-reader' } }), ['binding1', 'Role/extension-apiserver-authentication-reader', '0s', 'system:kube-controller-manager', '', '']],
      ['each kind of subject', obj('binding2', ago(-1900), { subjects, roleRef: { kind: 'Role', name: 'role-name' } }), ['binding2', 'Role/role-name', '0s', 'user-name', 'group-name', 'service-account-namespace/service-account-name']],
      ['several of a kind join with a comma and space', obj('b', ago(-1900), { subjects: [{ kind: 'Group', name: 'a' }, { kind: 'Group', name: 'b' }], roleRef: { kind: 'ClusterRole', name: 'view' } }), ['b', 'ClusterRole/view', '0s', '', 'a, b', '']],
    ]);
  }
  assert.deepEqual(columnNames(roleBindingPrinter), ['Name', 'Role', 'Age', 'Users:1', 'Groups:1', 'ServiceAccounts:1']);
  assert.equal(clusterRoleBindingPrinter.columns[3].description, 'Users in the clusterRoleBinding');
  assert.equal(roleBindingPrinter.columns[3].description, 'Users in the roleBinding');
});

test('printPodDisruptionBudget: MIN AVAILABLE and MAX UNAVAILABLE, N/A when unset', () => {
  check(podDisruptionBudgetPrinter, [
    ['min available', obj('pdb1', ago(-1900), { spec: { minAvailable: 22 }, status: { disruptionsAllowed: 5 } }), ['pdb1', '22', 'N/A', 5, '0s']],
    ['max unavailable', obj('pdb2', ago(-1900), { spec: { maxUnavailable: 11 }, status: { disruptionsAllowed: 5 } }), ['pdb2', 'N/A', '11', 5, '0s']],
    ['percent', obj('pdb3', ago(-1900), { spec: { minAvailable: '50%' } }), ['pdb3', '50%', 'N/A', 0, '0s']],
  ]);
});

test('printLease and printPriorityClass', () => {
  check(leasePrinter, [
    ['holder', obj('lease1', ago(-1900), { spec: { holderIdentity: 'holder1' } }), ['lease1', 'holder1', '0s']],
    ['older', obj('lease2', ago(5 * MINUTE), { spec: { holderIdentity: 'holder2' } }), ['lease2', 'holder2', '5m']],
    ['no holder', obj('lease3', ago(5 * MINUTE), { spec: {} }), ['lease3', '', '5m']],
  ]);
  check(priorityClassPrinter, [
    ['never preempts', obj('pc1', ago(-1900), { value: 1, preemptionPolicy: 'Never' }), ['pc1', 1, false, '0s', 'Never']],
    ['global default', obj('pc2', ago(5 * MINUTE), { value: 1000000000, globalDefault: true, preemptionPolicy: 'PreemptLowerPriority' }), ['pc2', 1000000000, true, '5m', 'PreemptLowerPriority']],
    ['policy unset', obj('pc2', ago(5 * MINUTE), { value: 1000000000, globalDefault: true }), ['pc2', 1000000000, true, '5m', '']],
  ]);
  assert.deepEqual(columnNames(priorityClassPrinter), ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
});

test('printers for webhook configurations, policies and bindings', () => {
  check(webhookConfigurationPrinter, [
    ['two webhooks', obj('hooks', ago(5 * MINUTE), { webhooks: [{ name: 'a.example.com' }, { name: 'b.example.com' }] }), ['hooks', 2, '5m']],
    ['none', obj('empty', ago(5 * MINUTE)), ['empty', 0, '5m']],
  ]);
  check(validatingAdmissionPolicyPrinter, [
    ['param kind', obj('replicalimit', ago(5 * MINUTE), { spec: { paramKind: { apiVersion: 'rules.example.com/v1', kind: 'ReplicaLimit' }, validations: [{ expression: 'true' }, { expression: 'false' }] } }), ['replicalimit', 2, 'rules.example.com/v1/ReplicaLimit', '5m']],
    ['no param kind', obj('plain', ago(5 * MINUTE), { spec: { validations: [{ expression: 'true' }] } }), ['plain', 1, '<unset>', '5m']],
  ]);
  check(validatingAdmissionPolicyBindingPrinter, [
    ['a name without a namespace', obj('config', ago(5 * MINUTE), { spec: { policyName: 'test-scale.example.com', paramRef: { name: 'test-scale-setting.example.com', parameterNotFoundAction: 'Deny' } } }), ['config', 'test-scale.example.com', '*/test-scale-setting.example.com', '5m']],
    ['namespace and name', obj('b', ago(5 * MINUTE), { spec: { policyName: 'p', paramRef: { name: 'n', namespace: 'ns' } } }), ['b', 'p', 'ns/n', '5m']],
    ['a selector prints as Go\'s generated String()', obj('s', ago(5 * MINUTE), { spec: { policyName: 'p', paramRef: { selector: { matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['x', 'y'] }] } } } }),
      ['s', 'p', '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[x y],},},}', '5m']],
    ['no param ref', obj('none', ago(5 * MINUTE), { spec: { policyName: 'p' } }), ['none', 'p', '<unset>', '5m']],
  ]);
});

test('printScale: the autoscaling/v1 Scale of a built-in resource', () => {
  check(scalePrinter, [['TestPrintScale', obj('test-autoscaling', ago(-1900), { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 1 } }), ['test-autoscaling', 2, 1, '0s']]]);
  assert.equal(scalePrinter.columns[0].format, '');
});
