/**
 * Node and Namespace validation with pkg/apis/core/validation/validation.go's
 * messages and paths (ValidateNode(Update), ValidateNamespace(StatusUpdate|FinalizeUpdate)),
 * upstream's odd ones included (taints named under metadata, `status.Phase`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { defaultNode } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { validateNamespace, validateNamespaceFinalizeUpdate, validateNamespaceStatusUpdate, validateNode, validateNodeUpdate } from './node';

const node = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => {
  const n = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec, status } as KubeObject;
  defaultNode(n as never);
  return n;
};

const nodes: { name: string; node: KubeObject; errors: string[] }[] = [
  { name: 'a registered node', node: node({ podCIDR: '10.244.1.0/24' }, { capacity: { cpu: '4', memory: '16Gi', pods: '110' } }), errors: [] },
  {
    name: 'taints without effect, with a bad value, and repeated',
    node: node({ taints: [{ key: 'a' }, { key: 'b', value: 'x y', effect: 'NoSchedule' }, { key: 'c', effect: 'Sometimes' }] }),
    errors: [
      'metadata.taints[0].effect: Required value',
      "metadata.taints[1].value: Invalid value: \"x y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ],
  },
  { name: 'a pod CIDR with host bits', node: node({ podCIDRs: ['10.244.1.1/24'] }), errors: ['spec.podCIDRs[0]: Invalid value: "10.244.1.1/24": must not have bits set beyond the prefix length'] },
  { name: 'a fractional pod capacity', node: node({}, { capacity: { pods: '1500m' } }), errors: ['status.capacity.pods: Invalid value: "1500m": must be an integer', 'status.allocatable.pods: Invalid value: "1500m": must be an integer'] },
];

for (const c of nodes) test(`node: ${c.name}`, () => assert.deepEqual(validateNode(c.node).map(fieldErrorText), c.errors));

test('node: duplicate taints are reported with their detail', () => {
  const errs = validateNode(node({ taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'v', effect: 'NoSchedule' }] }));
  assert.deepEqual(errs.map((e) => [e.field, e.type, e.detail]), [['metadata.taints[1]', 'FieldValueDuplicate', 'taints must be unique by key and effect pair']]);
});

test('node: the pod CIDR and provider ID are set once', () => {
  const old = node({ podCIDR: '10.244.1.0/24', providerID: 'kind://n1' });
  const next = node({ podCIDR: '10.244.2.0/24', providerID: 'kind://n2' });
  assert.deepEqual(validateNodeUpdate(next, old).map(fieldErrorText), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
  assert.deepEqual(validateNodeUpdate(node({ podCIDR: '10.244.1.0/24', providerID: 'kind://n1', unschedulable: true }), old), []);
});

test('node: defaults sync podCIDR with podCIDRs and allocatable with capacity, canonically', () => {
  const n = node({ podCIDR: '10.244.1.0/24' }, { capacity: { memory: '16384Mi' } });
  assert.deepEqual([n.spec, n.status], [{ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }, { capacity: { memory: '16Gi' }, allocatable: { memory: '16Gi' } }]);
});

const ns = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, ...fields }) as KubeObject;

test('namespace: finalizers are qualified or standard (named by the list on create, by index on finalize)', () => {
  const bad = ns({ spec: { finalizers: ['kubernetes', 'cleanup', 'example.com/cleanup'] } });
  const msg = 'Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified';
  assert.deepEqual(validateNamespace(bad).map(fieldErrorText), [`spec.finalizers: ${msg}`]);
  assert.deepEqual(validateNamespaceFinalizeUpdate(bad).map(fieldErrorText), [`spec.finalizers[1]: ${msg}`]);
});

test('namespace: the phase follows deletion', () => {
  assert.deepEqual(validateNamespaceStatusUpdate(ns({ status: { phase: 'Terminating' } })).map(fieldErrorText), ["status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"]);
  const deleting = ns({ status: { phase: 'Active' } });
  deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  assert.deepEqual(validateNamespaceStatusUpdate(deleting).map(fieldErrorText), ["status.Phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty"]);
});
