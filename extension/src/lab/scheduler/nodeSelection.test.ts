import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, Node, Pod, Status } from '../api/types';
import { isStatus } from '../api/types';
import { EVENTS, NODES, PODS } from '../client/resources';
import { startTestLab } from '../testLab';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

const pod = (name: string, spec: Partial<Pod['spec']>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }], ...spec },
});

test('pods with a nodeSelector or required node affinity land on the matching node; an unsatisfiable selector stays Pending with upstream message', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  ok(await client.patch<Node>(NODES, '', 'node-2', { metadata: { labels: { disktype: 'ssd' } } }));
  await clock.advance(1_000);

  ok(await client.create(PODS, pod('ssd', { nodeSelector: { disktype: 'ssd' } })));
  ok(await client.create(PODS, pod('pinned', {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-3'] }] }] } } },
  })));
  ok(await client.create(PODS, pod('nowhere', { nodeSelector: { disktype: 'hdd' } })));
  await clock.advance(5_000);

  const get = async (name: string): Promise<Pod> => ok(await client.get<Pod>(PODS, 'default', name));
  assert.equal((await get('ssd')).spec.nodeName, 'node-2');
  assert.equal((await get('pinned')).spec.nodeName, 'node-3');

  const nowhere = await get('nowhere');
  assert.equal(nowhere.spec.nodeName, undefined);
  assert.equal(nowhere.status?.phase, 'Pending');
  const condition = nowhere.status?.conditions?.find((c) => c.type === 'PodScheduled');
  // DefaultPreemption adds its summary: no node failed with a reason that evicting pods could fix.
  const message = condition?.message ?? '';
  assert.equal(message, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  assert.equal(condition?.status, 'False');
  assert.equal(condition?.reason, 'Unschedulable');
  const events = ok(await client.list<Event>(EVENTS, 'default')).items.filter((e) => e.involvedObject?.name === 'nowhere' && e.reason === 'FailedScheduling');
  assert.ok(events.length > 0, 'no FailedScheduling event');
  assert.equal(events[0].message, message);

  // Labelling a node to match makes the pod schedulable (the node update requeues it).
  ok(await client.patch<Node>(NODES, '', 'node-1', { metadata: { labels: { disktype: 'hdd' } } }));
  await clock.advance(15_000);
  assert.equal((await get('nowhere')).spec.nodeName, 'node-1');
  lab.stop();
});
