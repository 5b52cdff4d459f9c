import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Taint } from '../../api/types';
import { nodeTaint } from './nodeTaint';
import { attributes } from './testing';

const node = (taints?: Taint[]): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: taints ? { taints } : {} });

// Behaviour of plugin/pkg/admission/nodetaint/admission.go.
test('TaintNodesByCondition registers a new node as not ready', () => {
  const n = node([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
  nodeTaint.admit(attributes({ kind: 'Node', object: n }));
  assert.deepEqual(n.spec.taints, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
});

test('TaintNodesByCondition adds no second not-ready taint and leaves updates alone', () => {
  const n = node([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  nodeTaint.admit(attributes({ kind: 'Node', object: n }));
  assert.equal(n.spec.taints?.length, 1);
  const updated = node();
  nodeTaint.admit(attributes({ kind: 'Node', operation: 'UPDATE', object: updated, oldObject: node() }));
  assert.equal(updated.spec.taints, undefined);
});
