import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject, type Status } from './api/types';
import { CONFIGMAPS } from './client/resources';
import { startTestLab } from './testLab';

const MiB = 1024 ** 2;

const configMap = (name: string, bytes: number): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { blob: 'x'.repeat(bytes) },
});

/** The Status kube-apiserver answers an etcd error with: ErrorToAPIStatus's 500 for an error that is not a Status. */
const NO_SPACE: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcdserver: mvcc: database space exceeded', code: 500 };

test('a full store: creates get upstream\'s 500 and change nothing, reads go on, and compact + defrag + disarm recover', async () => {
  const { lab, clock } = await startTestLab(1, 7, { storeQuotaBytes: 3 * MiB });
  try {
    const client = lab.client();
    const admin = lab.storeAdmin;
    assert.ok(admin);
    const names: string[] = [];
    let refused: KubeObject | Status | undefined;
    for (let i = 0; i < 40; i++) {
      const name = `big-${i}`;
      const before = await lab.store.revision();
      const res = await client.create(CONFIGMAPS, configMap(name, 200 * 1024));
      if (isStatus(res)) {
        refused = res;
        // The refused write left the store as it was.
        assert.equal(await lab.store.revision(), before);
        break;
      }
      names.push(name);
    }
    assert.deepEqual(refused, NO_SPACE);
    assert.ok(names.length > 3, `stored ${names.length} config maps before the quota`);
    assert.deepEqual((await admin.status()).alarms, ['NOSPACE']);
    assert.equal(lab.server.crashes, 0, 'a full store is not a bug in the server');

    // Every write is refused while the alarm is raised, even a small one; reads go on.
    const rev = await lab.store.revision();
    assert.deepEqual(await client.create(CONFIGMAPS, configMap('small', 10)), NO_SPACE);
    assert.equal(await lab.store.revision(), rev);
    const got = await client.get<KubeObject>(CONFIGMAPS, 'default', names[0]);
    assert.ok(!isStatus(got));
    const listed = await client.list(CONFIGMAPS, 'default');
    assert.ok(!isStatus(listed));
    assert.deepEqual(listed.items.map((c) => c.metadata.name).filter((n) => n?.startsWith('big-')).sort(), [...names].sort());

    // Deletes go through: free the space, then compact, defragment and disarm as an operator would.
    for (const name of names) {
      const deleted = await client.delete(CONFIGMAPS, 'default', name);
      assert.ok(isStatus(deleted) && deleted.status === 'Success', JSON.stringify(deleted));
    }
    await lab.store.compact(await lab.store.revision());
    assert.deepEqual(await client.create(CONFIGMAPS, configMap('small', 10)), NO_SPACE, 'compaction alone does not clear the alarm');
    const compacted = await admin.status();
    assert.ok(compacted.dbSizeInUse < compacted.dbSize);
    await admin.defragment();
    const defragmented = await admin.status();
    assert.equal(defragmented.dbSize, defragmented.dbSizeInUse);
    assert.deepEqual(await client.create(CONFIGMAPS, configMap('small', 10)), NO_SPACE, 'nor does defrag: the alarm stays until disarmed');
    assert.deepEqual(await admin.alarmDisarm(), ['NOSPACE']);
    const created = await client.create(CONFIGMAPS, configMap('small', 10));
    assert.ok(!isStatus(created), JSON.stringify(created));
    assert.deepEqual((await admin.status()).alarms, []);
    await clock.advance(1000);
  } finally {
    lab.stop();
  }
});

test('the lab refuses a store quota it cannot use', async () => {
  await assert.rejects(startTestLab(1, 7, { storeQuotaBytes: 1000 }), { message: 'store quota 1000: must be a whole number of bytes from 1048576 (1 MiB) to 8589934592 (8 GiB)' });
});
