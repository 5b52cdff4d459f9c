import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, Node, Pod } from '../api/types';
import { type Status, isStatus } from '../api/types';
import { EVENTS, NODES, PODS } from '../client/resources';
import { inCidr } from '../network/networkModel';
import { NETWORK_NOT_READY } from '../kubelet/kubelet';
import { clusterCIDRFor } from '../lab';
import { startTestLab } from '../testLab';
import { CIDR_EXHAUSTED, CidrSet } from './cidrSet';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

test('a CIDR set hands blocks out in order round the ring, takes them back, and says when none is left', () => {
  const set = new CidrSet('10.10.0.0/22', 24);
  assert.deepEqual([set.allocateNext(), set.allocateNext()], ['10.10.0.0/24', '10.10.1.0/24']);
  assert.equal(set.release('10.10.0.0/24'), undefined);
  // The next candidate moves on: a released block comes back only after the rest.
  assert.deepEqual([set.allocateNext(), set.allocateNext(), set.allocateNext()], ['10.10.2.0/24', '10.10.3.0/24', '10.10.0.0/24']);
  assert.deepEqual(set.allocateNext(), { error: CIDR_EXHAUSTED });
  assert.equal(set.usage, 1);
  assert.equal(set.occupy('10.11.0.0/24'), 'cidr 10.11.0.0/24 is out the range of cluster cidr 10.10.0.0/22');
  assert.equal(set.release('nonsense'), 'invalid CIDR address: nonsense');
});

test('a CIDR set keeps an overlapping service range out, and occupying twice counts once', () => {
  const set = new CidrSet('10.0.0.0/14', 16);
  assert.equal(set.occupy('10.1.0.0/16'), undefined);
  assert.equal(set.occupy('10.1.0.0/16'), undefined);
  assert.deepEqual([set.allocateNext(), set.allocateNext(), set.allocateNext()], ['10.0.0.0/16', '10.2.0.0/16', '10.3.0.0/16']);
  assert.deepEqual(set.allocateNext(), { error: CIDR_EXHAUSTED });
});

test('the lab\'s pod subnet is kind\'s /16 and grows for bigger labs', () => {
  assert.deepEqual([3, 256, 257, 1024, 5000].map(clusterCIDRFor), ['10.244.0.0/16', '10.244.0.0/16', '10.244.0.0/14', '10.244.0.0/14', '10.128.0.0/9']);
});

test('each node gets a /24 of the cluster CIDR in the order it joined, and its pods take addresses from it', async () => {
  const { lab, clock } = await startTestLab(3);
  try {
    const admin = lab.client();
    const nodes = ok(await admin.list<Node>(NODES)).items;
    assert.deepEqual(nodes.map((n) => [n.metadata.name, n.spec?.podCIDR, n.spec?.podCIDRs]), [
      ['node-1', '10.244.0.0/24', ['10.244.0.0/24']],
      ['node-2', '10.244.1.0/24', ['10.244.1.0/24']],
      ['node-3', '10.244.2.0/24', ['10.244.2.0/24']],
    ]);
    const added = await lab.addNode();
    assert.deepEqual(added, { node: 'node-4' });
    await clock.advance(1000);
    assert.equal(ok(await admin.get<Node>(NODES, '', 'node-4')).spec?.podCIDR, '10.244.3.0/24');
    ok(await admin.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'node-4', containers: [{ name: 'c', image: 'pause' }] } }));
    await clock.advance(30_000);
    const pod = ok(await admin.get<Pod>(PODS, 'default', 'p'));
    assert.equal(pod.status?.phase, 'Running');
    assert.ok(inCidr(pod.status?.podIP ?? '', '10.244.3.0/24'), pod.status?.podIP);
  } finally {
    lab.stop();
  }
});

test('with the range used up a node gets CIDRNotAvailable and its pods wait for the network; a deleted node\'s range goes to it', async () => {
  const { lab, clock } = await startTestLab(3);
  try {
    const admin = lab.client();
    // 253 more Nodes fill the /16's 256 ranges.
    for (let i = 1; i <= 253; i++) ok(await admin.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: `fill-${i}` } }));
    await clock.advance(1000);
    const filled = ok(await admin.list<Node>(NODES)).items;
    assert.equal(new Set(filled.map((n) => n.spec?.podCIDR)).size, 256, 'every range went to one node');
    assert.ok(filled.every((n) => n.spec?.podCIDR && inCidr(n.spec.podCIDR.split('/')[0], '10.244.0.0/16')));

    assert.deepEqual(await lab.addNode(), { node: 'node-4' });
    ok(await admin.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waits', namespace: 'default' }, spec: { nodeName: 'node-4', containers: [{ name: 'c', image: 'pause' }] } }));
    await clock.advance(5000);
    assert.equal(ok(await admin.get<Node>(NODES, '', 'node-4')).spec?.podCIDR, undefined);
    const events = ok(await admin.list<Event>(EVENTS, '')).items;
    const cidr = events.find((e) => e.reason === 'CIDRNotAvailable');
    assert.ok(cidr, 'a CIDRNotAvailable event');
    assert.deepEqual([cidr.type, cidr.message, cidr.involvedObject.kind, cidr.involvedObject.name, cidr.source?.component], ['Warning', 'Node node-4 status is now: CIDRNotAvailable', 'Node', 'node-4', 'cidrAllocator']);
    const waiting = ok(await admin.get<Pod>(PODS, 'default', 'waits'));
    assert.equal(waiting.status?.phase, 'Pending');
    assert.equal(waiting.status?.podIP, undefined);
    assert.equal(waiting.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    const notReady = events.find((e) => e.reason === 'NetworkNotReady' && e.involvedObject.name === 'waits');
    assert.equal(notReady?.message, `network is not ready: ${NETWORK_NOT_READY}`);

    const freed = filled.find((n) => n.metadata.name === 'fill-1')?.spec?.podCIDR ?? '';
    const deleted = await admin.delete(NODES, '', 'fill-1');
    assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
    await clock.advance(60_000);
    assert.equal(ok(await admin.get<Node>(NODES, '', 'node-4')).spec?.podCIDR, freed);
    const running = ok(await admin.get<Pod>(PODS, 'default', 'waits'));
    assert.equal(running.status?.phase, 'Running');
    assert.ok(inCidr(running.status?.podIP ?? '', freed), `${running.status?.podIP ?? ''} in ${freed}`);
  } finally {
    lab.stop();
  }
});

test('a lab started again over its store keeps the nodes\' ranges and gives a new node a free one', async () => {
  const first = await startTestLab(2);
  first.lab.stop();
  const { lab, clock } = await startTestLab(2, 7, { snapshot: first.lab.snapshot() });
  try {
    const ranges = async () => ok(await lab.client().list<Node>(NODES)).items.map((n) => [n.metadata.name, n.spec?.podCIDR]);
    assert.deepEqual(await ranges(), [['node-1', '10.244.0.0/24'], ['node-2', '10.244.1.0/24']]);
    assert.deepEqual(await lab.addNode(), { node: 'node-3' });
    // The new controller manager leads once the old one's Lease has expired.
    await clock.advance(30_000);
    assert.deepEqual(await ranges(), [['node-1', '10.244.0.0/24'], ['node-2', '10.244.1.0/24'], ['node-3', '10.244.2.0/24']]);
  } finally {
    lab.stop();
  }
});
