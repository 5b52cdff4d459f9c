import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPodReady } from '../api/pods';
import type { Event, Node, Pod, ReplicaSet } from '../api/types';
import { isStatus } from '../api/types';
import type { ManualClock } from '../clock';
import type { KubeClient } from '../client/kubeClient';
import { DEPLOYMENTS, EVENTS, LEASES, NODES, PODS, REPLICASETS } from '../client/resources';
import type { Lab } from '../lab';
import type { NodeLeaseObject } from '../kubelet/nodeLease';
import { startTestLab, webDeployment } from '../testLab';

const web = webDeployment({ cpu: '100m', memory: '64Mi' });

async function node(client: KubeClient, name: string): Promise<Node> {
  const got = await client.get<Node>(NODES, '', name);
  assert.ok(!isStatus(got), JSON.stringify(got));
  return got;
}

async function pods(client: KubeClient): Promise<Pod[]> {
  const list = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(list));
  return list.items;
}

async function events(client: KubeClient, reason: string): Promise<Event[]> {
  const list = await client.list<Event>(EVENTS, 'default');
  assert.ok(!isStatus(list));
  return list.items.filter((e) => e.reason === reason);
}

const conditionsOf = (n: Node) => (n.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]);
const taintsOf = (n: Node) => (n.spec.taints ?? []).map((t) => `${t.key}:${t.effect}${t.timeAdded ? '@' : ''}`).sort();

/** restart starts a stopped kubelet again, stepping the clock so its start-up can finish. */
async function restart(lab: Lab, clock: ManualClock, name: string): Promise<void> {
  const kubelet = lab.kubelets.find((k) => k.nodeName === name);
  assert.ok(kubelet);
  const started = kubelet.start();
  await clock.advance(0);
  await started;
}

test('a stopped kubelet\'s node goes Unknown and tainted, its pods NotReady, then evicted and replaced; started again it is Ready and untainted', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, web)));
  await clock.advance(30_000);
  const before = await pods(client);
  assert.deepEqual(before.map(isPodReady), [true, true, true]);
  assert.equal(new Set(before.map((p) => p.spec.nodeName)).size, 3);
  // The admission plugin's not-ready taint came off once the kubelets reported Ready.
  for (const name of ['node-1', 'node-2', 'node-3']) assert.deepEqual(taintsOf(await node(client, name)), []);
  const victim = before.find((p) => p.spec.nodeName === 'node-1') as Pod;
  const victimKey = `default/${victim.metadata.name ?? ''}`;

  lab.kubelets.find((k) => k.nodeName === 'node-1')?.stop();
  // nodeMonitorGracePeriod is 50 s (1.32): at 40 s the node is still Ready.
  await clock.advance(40_000);
  assert.equal((await node(client, 'node-1')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  await clock.advance(20_000);
  const lost = await node(client, 'node-1');
  assert.deepEqual(conditionsOf(lost), [
    ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ['DiskPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ['PIDPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  ]);
  const notReady = await events(client, 'NodeNotReady');
  const nodeEvent = notReady.find((e) => e.involvedObject.kind === 'Node');
  assert.equal(nodeEvent?.message, 'Node node-1 status is now: NodeNotReady');
  assert.equal(nodeEvent?.source?.component, 'node-controller');
  const podEvent = notReady.find((e) => e.involvedObject.kind === 'Pod');
  assert.deepEqual([podEvent?.involvedObject.name, podEvent?.type, podEvent?.message], [victim.metadata.name, 'Warning', 'Node is not ready']);
  const marked = (await pods(client)).find((p) => p.metadata.name === victim.metadata.name) as Pod;
  assert.equal(isPodReady(marked), false);
  assert.deepEqual((await pods(client)).map(isPodReady).filter(Boolean).length, 2);

  // The NoExecute taint follows on the next monitor pass, at the zone's eviction rate.
  await clock.advance(10_000);
  assert.deepEqual(taintsOf(await node(client, 'node-1')), ['node.kubernetes.io/unreachable:NoExecute@', 'node.kubernetes.io/unreachable:NoSchedule@']);
  const rs = await client.list<ReplicaSet>(REPLICASETS, 'default');
  assert.ok(!isStatus(rs));
  assert.equal(rs.items[0].status?.readyReplicas, 2);

  // DefaultTolerationSeconds gave the pod 300 s on an unreachable node; then the taint manager deletes it.
  assert.ok(victim.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 300));
  await clock.advance(250_000);
  assert.equal((await pods(client)).find((p) => p.metadata.name === victim.metadata.name)?.metadata.deletionTimestamp, undefined);
  await clock.advance(60_000);
  const after = await pods(client);
  const evicted = after.find((p) => p.metadata.name === victim.metadata.name) as Pod;
  // The kubelet is not there to finish the deletion: the pod stays Terminating.
  assert.ok(evicted.metadata.deletionTimestamp);
  const disruption = evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.deepEqual([disruption?.status, disruption?.reason, disruption?.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
  const eviction = await events(client, 'TaintManagerEviction');
  assert.deepEqual(eviction.map((e) => [e.message, e.source?.component]), [[`Marking for deletion Pod ${victimKey}`, 'taint-eviction-controller']]);
  const live = after.filter((p) => !p.metadata.deletionTimestamp);
  assert.equal(live.length, 3);
  assert.deepEqual(live.map(isPodReady), [true, true, true]);
  assert.ok(live.every((p) => p.spec.nodeName !== 'node-1'), live.map((p) => p.spec.nodeName).join());

  await restart(lab, clock, 'node-1');
  await clock.advance(15_000);
  const back = await node(client, 'node-1');
  assert.equal(back.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.deepEqual(taintsOf(back), []);
  assert.equal((await events(client, 'NodeReady')).find((e) => e.involvedObject.name === 'node-1')?.message, 'Node node-1 status is now: NodeReady');
  // Back, the kubelet finishes the deletion it missed.
  assert.deepEqual((await pods(client)).map((p) => p.metadata.name).sort(), live.map((p) => p.metadata.name).sort());
  lab.stop();
});

test('a node that comes back before the tolerations run out keeps its pods, Ready again', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, { ...web, spec: { ...web.spec, replicas: 2 } })));
  await clock.advance(30_000);
  const kept = (await pods(client)).find((p) => p.spec.nodeName === 'node-1') as Pod;
  lab.kubelets.find((k) => k.nodeName === 'node-1')?.stop();
  await clock.advance(120_000);
  assert.equal(isPodReady((await pods(client)).find((p) => p.metadata.name === kept.metadata.name) as Pod), false);
  await restart(lab, clock, 'node-1');
  await clock.advance(15_000);
  const now = await pods(client);
  const same = now.find((p) => p.metadata.name === kept.metadata.name) as Pod;
  assert.equal(same.metadata.deletionTimestamp, undefined);
  assert.equal(isPodReady(same), true);
  assert.equal(now.length, 2);
  const cancelled = await events(client, 'TaintManagerEviction');
  assert.deepEqual(cancelled.map((e) => e.message), [`Cancelling deletion of Pod default/${kept.metadata.name ?? ''}`]);
  lab.stop();
});

test('the kubelet renews its node Lease every 10 s, owned by its Node, and stops while stopped', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  const read = async () => {
    const got = await client.get<NodeLeaseObject>(LEASES, 'kube-node-lease', 'node-1');
    assert.ok(!isStatus(got), JSON.stringify(got));
    return got;
  };
  const first = await read();
  const n = await node(client, 'node-1');
  assert.deepEqual([first.spec.holderIdentity, first.spec.leaseDurationSeconds], ['node-1', 40]);
  assert.deepEqual(first.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: n.metadata.uid }]);
  assert.match(first.spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  await clock.advance(10_000);
  const renewed = await read();
  assert.equal(Date.parse(renewed.spec.renewTime ?? '') - Date.parse(first.spec.renewTime ?? ''), 10_000);
  lab.kubelets[0].stop();
  await clock.advance(30_000);
  assert.equal((await read()).spec.renewTime, renewed.spec.renewTime);
  await restart(lab, clock, 'node-1');
  await clock.advance(10_000);
  assert.ok(Date.parse((await read()).spec.renewTime ?? '') > Date.parse(renewed.spec.renewTime ?? ''));
  lab.stop();
});

test('when every node is lost the controller taints none for eviction, as in a control-plane outage', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, { ...web, spec: { ...web.spec, replicas: 2 } })));
  await clock.advance(30_000);
  for (const k of lab.kubelets) k.stop();
  await clock.advance(400_000);
  for (const name of ['node-1', 'node-2']) {
    const n = await node(client, name);
    assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'Unknown');
    assert.deepEqual(taintsOf(n), ['node.kubernetes.io/unreachable:NoSchedule@']);
  }
  assert.ok((await pods(client)).every((p) => !p.metadata.deletionTimestamp));
  lab.stop();
});

test('a cordoned node gets the unschedulable taint, and loses it when uncordoned', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  assert.ok(!isStatus(await client.patch(NODES, '', 'node-1', { spec: { unschedulable: true } })));
  await clock.advance(1_000);
  assert.deepEqual(taintsOf(await node(client, 'node-1')), ['node.kubernetes.io/unschedulable:NoSchedule@']);
  assert.ok(!isStatus(await client.patch(NODES, '', 'node-1', { spec: { unschedulable: null } })));
  await clock.advance(1_000);
  assert.deepEqual(taintsOf(await node(client, 'node-1')), []);
  lab.stop();
});

test('the scheduler keeps pods off nodes with taints they do not tolerate, with upstream\'s message', async () => {
  const { lab, clock } = await startTestLab(3);
  const client = lab.client();
  for (const name of ['node-2', 'node-3']) {
    assert.ok(!isStatus(await client.patch(NODES, '', name, { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } })));
  }
  await clock.advance(1_000);
  const pod = (name: string, tolerations?: Pod['spec']['tolerations']): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) } });
  for (let i = 0; i < 3; i++) assert.ok(!isStatus(await client.create(PODS, pod(`plain-${i}`))));
  await clock.advance(5_000);
  assert.deepEqual((await pods(client)).map((p) => p.spec.nodeName), ['node-1', 'node-1', 'node-1']);

  assert.ok(!isStatus(await client.patch(NODES, '', 'node-1', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } })));
  assert.ok(!isStatus(await client.create(PODS, pod('stuck'))));
  assert.ok(!isStatus(await client.create(PODS, pod('tolerant', [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }]))));
  await clock.advance(5_000);
  const all = await pods(client);
  const stuck = all.find((p) => p.metadata.name === 'stuck') as Pod;
  assert.equal(stuck.spec.nodeName, undefined);
  assert.equal(stuck.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message, '0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  assert.ok(all.find((p) => p.metadata.name === 'tolerant')?.spec.nodeName);
  lab.stop();
});
