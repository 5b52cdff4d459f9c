import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Node, type Pod, isStatus } from '../api/types';
import { NODES, PODS } from '../client/resources';
import { startTestLab } from '../testLab';
import { NODE_STATUS_REPORT_MS } from './nodeStatus';

test('the kubelet posts an unchanged node status every 5 minutes, and a changed one within 10 s (its Lease is the heartbeat between)', async () => {
  const { lab, clock } = await startTestLab(1, 7, { dns: false });
  try {
    const client = lab.client();
    const read = async () => {
      const node = await client.get<Node>(NODES, '', 'node-1');
      assert.ok(!isStatus(node));
      return { rv: node.metadata.resourceVersion, heartbeat: node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime, images: node.status?.images?.length ?? 0 };
    };
    // Past the start (registration, the pod CIDR) and the first 5-minute post, nothing else writes the Node.
    await clock.advance(NODE_STATUS_REPORT_MS + 30_000);
    const settled = await read();
    assert.equal(settled.heartbeat, new Date(clock.now() - 30_000).toISOString().replace('.000Z', 'Z'), 'posted 5 minutes after registering');
    await clock.advance(NODE_STATUS_REPORT_MS - 60_000);
    assert.deepEqual(await read(), settled, 'nothing changed: nothing posted');
    await clock.advance(40_000);
    const reported = await read();
    assert.notEqual(reported.rv, settled.rv, 'posted again once the last post is 5 minutes old');
    assert.notEqual(reported.heartbeat, settled.heartbeat);

    // A pulled image changes the status: posted at the next update, not 5 minutes on.
    assert.ok(!isStatus(await client.create<Pod>(PODS, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1.27' }] },
    })));
    await clock.advance(60_000);
    const pulled = await read();
    assert.equal(pulled.images, reported.images + 1);
    assert.ok(Date.parse(pulled.heartbeat ?? '') - Date.parse(reported.heartbeat ?? '') < NODE_STATUS_REPORT_MS);
  } finally {
    lab.stop();
  }
});
