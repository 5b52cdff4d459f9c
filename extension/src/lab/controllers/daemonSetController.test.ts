import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManualClock } from '../clock';
import { isPodReady } from '../api/pods';
import type { ControllerRevision, DaemonSet, Event, Node, Pod, Status, WatchEvent } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { CONTROLLER_REVISIONS, DAEMONSETS, EVENTS, NODES, PODS } from '../client/resources';
import { startTestLab } from '../testLab';
import { targetNodeName } from './daemonSetUtil';

/** MANUAL is a scheduler name no scheduler serves: the test binds the daemon pods itself, so the controller is tested alone. */
const MANUAL = 'test-binder';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

function agent(maxUnavailable = 1): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { schedulerName: MANUAL, containers: [{ name: 'agent', image: 'registry.k8s.io/pause:3.10' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable } },
    },
  };
}

async function daemonPods(client: KubeClient): Promise<Pod[]> {
  return ok(await client.list<Pod>(PODS, 'default', { labelSelector: 'app=agent' })).items.filter((p) => !p.metadata.deletionTimestamp);
}

/** bindPending binds every unbound daemon pod to the node its required affinity names, as the default scheduler would. */
async function bindPending(client: KubeClient): Promise<void> {
  for (const pod of await daemonPods(client)) {
    if (pod.spec.nodeName) continue;
    const node = targetNodeName(pod);
    assert.ok(node, `pod ${pod.metadata.name ?? ''} names no node`);
    const res = await client.subresourceCreate(PODS, 'default', pod.metadata.name ?? '', 'binding', {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: node },
    });
    assert.notEqual(res.status, 'Failure', JSON.stringify(res));
  }
}

/** step advances the clock in one-second steps, binding new pods after each, and calls check on the way. */
async function step(clock: ManualClock, client: KubeClient, seconds: number, check?: () => Promise<void>): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    await clock.advance(1000);
    await bindPending(client);
    await check?.();
  }
}

async function dsStatus(client: KubeClient): Promise<DaemonSet> {
  return ok(await client.get<DaemonSet>(DAEMONSETS, 'default', 'agent'));
}

async function messages(client: KubeClient, reason: string): Promise<string[]> {
  const events = ok(await client.list<Event>(EVENTS, 'default')).items;
  return events.filter((e) => e.involvedObject.kind === 'DaemonSet' && e.reason === reason).map((e) => e.message ?? '').sort();
}

test('a DaemonSet runs one pod per node, follows new nodes, skips a tainted node and rolls a new template one node at a time', async () => {
  const { lab, clock } = await startTestLab(3);
  const admin = lab.client();
  await clock.advance(5000);
  const node3 = ok(await admin.get<Node>(NODES, '', 'node-3'));
  ok(await admin.update(NODES, { ...node3, spec: { ...node3.spec, taints: [...(node3.spec.taints ?? []), { key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }));
  const created: Pod[] = [];
  const rv = ok(await admin.list<Pod>(PODS, 'default')).metadata.resourceVersion;
  const watch = await admin.watch<Pod>(PODS, 'default', { resourceVersion: rv }, (e: WatchEvent<Pod>) => { if (e.type === 'ADDED') created.push(e.object as Pod); }, () => undefined);

  ok(await admin.create(DAEMONSETS, agent()));
  await step(clock, admin, 10);

  const pods = await daemonPods(admin);
  assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ['node-1', 'node-2'], 'one pod per untainted node');
  for (const p of created) {
    assert.equal(p.spec.nodeName, undefined, 'pods are created unbound, for the scheduler');
    const node = targetNodeName(p) ?? '';
    assert.deepEqual(p.spec.affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } });
    assert.deepEqual(p.spec.tolerations?.map((t) => `${t.key ?? ''}:${t.effect ?? ''}:${t.tolerationSeconds ?? '-'}`), [
      'node.kubernetes.io/not-ready:NoExecute:-', 'node.kubernetes.io/unreachable:NoExecute:-', 'node.kubernetes.io/disk-pressure:NoSchedule:-',
      'node.kubernetes.io/memory-pressure:NoSchedule:-', 'node.kubernetes.io/pid-pressure:NoSchedule:-', 'node.kubernetes.io/unschedulable:NoSchedule:-',
    ]);
    assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['DaemonSet', 'agent', true]]);
    assert.equal(p.metadata.labels?.['pod-template-generation'], '1');
  }
  assert.ok(!created.some((p) => targetNodeName(p) === 'node-3'), 'no pod for the tainted node');
  const revisions = ok(await admin.list<ControllerRevision>(CONTROLLER_REVISIONS, 'default')).items;
  assert.equal(revisions.length, 1);
  const hash1 = revisions[0].metadata.labels?.['controller-revision-hash'] ?? '';
  assert.equal(revisions[0].metadata.name, `agent-${hash1}`);
  assert.equal(revisions[0].revision, 1);
  assert.ok(pods.every((p) => p.metadata.labels?.['controller-revision-hash'] === hash1));
  assert.deepEqual(await messages(admin, 'SuccessfulCreate'), created.map((p) => `Created pod: ${p.metadata.name ?? ''}`).sort());
  const s1 = (await dsStatus(admin)).status;
  assert.deepEqual(
    [s1?.desiredNumberScheduled, s1?.currentNumberScheduled, s1?.numberReady, s1?.numberAvailable, s1?.numberUnavailable, s1?.updatedNumberScheduled, s1?.numberMisscheduled, s1?.observedGeneration],
    [2, 2, 2, 2, 0, 2, 0, 1],
  );

  const added = await lab.addNode();
  assert.deepEqual(added, { node: 'node-4' });
  await step(clock, admin, 10);
  assert.deepEqual((await daemonPods(admin)).map((p) => p.spec.nodeName).sort(), ['node-1', 'node-2', 'node-4'], 'the new node gets a pod');
  assert.equal((await dsStatus(admin)).status?.numberReady, 3);

  const ds = await dsStatus(admin);
  const template = ds.spec.template;
  ok(await admin.update(DAEMONSETS, { ...ds, spec: { ...ds.spec, template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, tier: 'node' } } } } }));
  let worst = 3;
  await step(clock, admin, 40, async () => {
    const ready = new Set((await daemonPods(admin)).filter((p) => isPodReady(p)).map((p) => p.spec.nodeName));
    worst = Math.min(worst, ['node-1', 'node-2', 'node-4'].filter((n) => ready.has(n)).length);
  });
  assert.equal(worst, 2, 'with maxUnavailable 1, never more than one node is without a ready pod');
  const rolled = await daemonPods(admin);
  const revs = ok(await admin.list<ControllerRevision>(CONTROLLER_REVISIONS, 'default')).items.sort((a, b) => a.revision - b.revision);
  assert.deepEqual(revs.map((r) => r.revision), [1, 2]);
  const hash2 = revs[1].metadata.labels?.['controller-revision-hash'];
  assert.deepEqual(rolled.map((p) => [p.spec.nodeName, p.metadata.labels?.['controller-revision-hash'], p.metadata.labels?.tier]).sort(), [['node-1', hash2, 'node'], ['node-2', hash2, 'node'], ['node-4', hash2, 'node']]);
  assert.equal((await messages(admin, 'SuccessfulDelete')).length, 3);
  const s2 = (await dsStatus(admin)).status;
  assert.deepEqual([s2?.desiredNumberScheduled, s2?.updatedNumberScheduled, s2?.numberAvailable, s2?.observedGeneration], [3, 3, 3, 2]);

  const removed = await lab.removeNode('node-4');
  assert.ok(!('error' in removed), JSON.stringify(removed));
  await step(clock, admin, 2);
  assert.equal((await dsStatus(admin)).status?.desiredNumberScheduled, 2, 'a removed node is no longer counted');
  watch.cancel();
  lab.stop();
});

test('a failed daemon pod is deleted with a FailedDaemonPod event and replaced, backing off; duplicates go, oldest kept', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  await clock.advance(5000);
  ok(await admin.create(DAEMONSETS, agent()));
  await clock.advance(2000);
  const [first] = await daemonPods(admin);
  assert.equal(targetNodeName(first), 'node-1');

  // Left unbound (nobody serves its scheduler), the kubelet never touches its status.
  const fail = async (pod: Pod) => ok(await admin.updateStatus(PODS, { ...pod, status: { ...pod.status, phase: 'Failed' } }));
  await fail(first);
  await clock.advance(100);
  const [second] = await daemonPods(admin);
  assert.notEqual(second.metadata.name, first.metadata.name, 'the failed pod is replaced');
  assert.deepEqual(await messages(admin, 'FailedDaemonPod'), [`Found failed daemon pod default/${first.metadata.name ?? ''} on node node-1, will try to kill it`]);

  await fail(second);
  await clock.advance(500);
  assert.deepEqual((await daemonPods(admin)).map((p) => p.metadata.name), [second.metadata.name], 'within the 1 s back-off the failed pod stays');
  await clock.advance(1000);
  const [third] = await daemonPods(admin);
  assert.ok(third && third.metadata.name !== second.metadata.name, 'after the back-off it is replaced');

  const dup: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'default', labels: { app: 'agent' } }, spec: { ...structuredClone(third.spec) } };
  ok(await admin.create(PODS, dup));
  await clock.advance(500);
  assert.deepEqual((await daemonPods(admin)).map((p) => p.metadata.name), [third.metadata.name], 'the adopted duplicate, being newer, is deleted');
  assert.ok((await messages(admin, 'SuccessfulDelete')).includes('Deleted pod: stray'));
  lab.stop();
});
