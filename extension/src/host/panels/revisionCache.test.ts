import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import { PODS } from '../../lab/client/resources';
import { runControl } from '../../lab/labControl';
import { startTestLab } from '../../lab/testLab';
import { RevisionCache, isFailure, readAt, travelFailure } from './revisionCache';

const pod = (name: string, node = ''): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node || undefined, containers: [{ name: 'c', image: 'pause' }] } });

test('RevisionCache answers get, list and byIndex over its frozen objects', () => {
  const c = new RevisionCache([pod('a', 'n1'), pod('b', 'n2'), pod('c', 'n1')], 9).addIndexer('node', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
  assert.equal(c.revision, 9);
  assert.equal(c.get('default/b')?.metadata.name, 'b');
  assert.equal(c.get('b'), undefined);
  assert.deepEqual(c.list().map((p) => p.metadata.name), ['a', 'b', 'c']);
  assert.deepEqual(c.byIndex('node', 'n1').map((p) => p.metadata.name), ['a', 'c']);
  assert.deepEqual(c.byIndex('node', 'n3'), []);
  assert.deepEqual(c.byIndex('none', 'n1'), []);
});

test('readAt lists a resource as of a revision; once compacted the API\'s 410 is a failure in words', async () => {
  const { lab } = await startTestLab(1);
  const client = lab.client();
  try {
    assert.ok(!isStatus(await client.create(PODS, pod('then'))));
    const listed = await client.list(PODS);
    assert.ok(!isStatus(listed));
    const past = Number(listed.metadata.resourceVersion);
    assert.ok(!isStatus(await client.delete(PODS, 'default', 'then', { gracePeriodSeconds: 0 })));
    assert.ok(!isStatus(await client.create(PODS, pod('now'))));
    const at = await readAt<Pod>(client, PODS, past);
    assert.ok(!isFailure(at));
    assert.deepEqual(at.list().filter((p) => p.metadata.namespace === 'default').map((p) => p.metadata.name), ['then']);
    assert.ok(!('error' in await runControl(lab, { op: 'storeCompact' })));
    assert.deepEqual(await readAt<Pod>(client, PODS, past), {
      error: `Revision ${past} has been compacted away: the store no longer keeps it (410 Expired: The resourceVersion for the provided list is too old.)`,
    });
  } finally {
    lab.stop();
  }
});

test('travelFailure words a refusal that is not a compaction as the API said it', () => {
  assert.deepEqual(travelFailure(4, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden', message: 'pods is forbidden' }), { error: 'Cannot read revision 4: pods is forbidden' });
});
