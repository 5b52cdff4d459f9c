import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Pod } from '../../api/types';
import { newPriority } from './priority';
import { FakeServer, attributes } from './testing';

const pc = (name: string, value: number, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
const pod = (spec: Record<string, unknown> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec } });

// Behaviour and messages of plugin/pkg/admission/priority/admission.go.
const cases: { name: string; classes: KubeObject[]; spec: Record<string, unknown>; want?: { priorityClassName?: string; priority: number; preemptionPolicy: string }; message?: string }[] = [
  { name: 'gives a class-less pod priority 0', classes: [], spec: {}, want: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'resolves a named class', classes: [pc('high', 1000)], spec: { priorityClassName: 'high' }, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'takes the class\'s preemption policy', classes: [pc('batch', 10, { preemptionPolicy: 'Never' })], spec: { priorityClassName: 'batch' }, want: { priorityClassName: 'batch', priority: 10, preemptionPolicy: 'Never' } },
  { name: 'knows system-node-critical', classes: [], spec: { priorityClassName: 'system-node-critical' }, want: { priorityClassName: 'system-node-critical', priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'knows system-cluster-critical', classes: [], spec: { priorityClassName: 'system-cluster-critical' }, want: { priorityClassName: 'system-cluster-critical', priority: 2000000000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'uses the lowest global default', classes: [pc('a', 500, { globalDefault: true }), pc('b', 100, { globalDefault: true })], spec: {}, want: { priorityClassName: 'b', priority: 100, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'accepts a matching explicit priority', classes: [pc('high', 1000)], spec: { priorityClassName: 'high', priority: 1000 }, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
  { name: 'refuses a missing class', classes: [], spec: { priorityClassName: 'high' }, message: 'pods "web" is forbidden: no PriorityClass with name high was found' },
  { name: 'refuses a priority the class disagrees with', classes: [pc('high', 1000)], spec: { priorityClassName: 'high', priority: 5 }, message: 'pods "web" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name' },
  { name: 'refuses a preemption policy the class disagrees with', classes: [pc('high', 1000)], spec: { priorityClassName: 'high', preemptionPolicy: 'Never' }, message: 'pods "web" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name' },
];

for (const c of cases) {
  test(`Priority ${c.name}`, () => {
    const p = pod(c.spec);
    const status = newPriority().admit!(attributes({ kind: 'Pod', object: p }), new FakeServer(c.classes).context()) as { message?: string } | undefined;
    assert.equal(status?.message, c.message);
    if (c.want) {
      const { priorityClassName, priority, preemptionPolicy } = p.spec as Record<string, unknown>;
      assert.deepEqual({ priorityClassName, priority, preemptionPolicy }, { priorityClassName: undefined, ...c.want });
    }
  });
}

test('Priority keeps a pod\'s priority across an update that drops it', async () => {
  const p = pod();
  await newPriority().admit!(attributes({ kind: 'Pod', operation: 'UPDATE', object: p, oldObject: pod({ priority: 1000, preemptionPolicy: 'Never' }) }), new FakeServer().context());
  assert.equal(p.spec.priority, 1000);
  assert.equal(p.spec.preemptionPolicy, 'Never');
});

test('Priority allows only one global default PriorityClass', () => {
  const server = new FakeServer([pc('a', 1, { globalDefault: true })]);
  const plugin = newPriority();
  const second = plugin.validate!(attributes({ kind: 'PriorityClass', object: pc('b', 2, { globalDefault: true }) }), server.context()) as { message?: string; code?: number };
  assert.equal(second.code, 403);
  assert.equal(second.message, 'priorityclasses.scheduling.k8s.io "b" is forbidden: PriorityClass a is already marked as default. Only one default can exist');
  assert.equal(plugin.validate!(attributes({ kind: 'PriorityClass', operation: 'UPDATE', object: pc('a', 5, { globalDefault: true }), oldObject: pc('a', 1, { globalDefault: true }) }), server.context()), undefined);
  assert.equal(plugin.validate!(attributes({ kind: 'PriorityClass', object: pc('c', 2) }), server.context()), undefined);
});
