import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Pod } from '../api/types';
import { PODS } from '../client/resources';
import { Lab } from '../lab';
import { CountingClock } from '../testLab';

test('the scheduler gives way after each scheduling cycle: a long queue does not hold the thread', async () => {
  const clock = new CountingClock();
  const lab = new Lab({ nodes: 2, clock, seed: 7, dns: false });
  const started = lab.start();
  await clock.advance(0);
  await started;
  const admin = lab.client();
  const before = clock.turns;
  for (let i = 0; i < 6; i++) {
    const made = await admin.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } });
    assert.ok(!isStatus(made));
  }
  await clock.advance(1000);
  const list = await admin.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(list));
  assert.equal(list.items.filter((p) => p.spec.nodeName).length, 6);
  assert.ok(clock.turns - before >= 6, `${clock.turns - before} turns given for 6 pods`);
  lab.stop();
});
