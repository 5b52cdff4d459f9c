import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, isStatus } from '../api/types';
import { startTestLab } from '../testLab';
import { InformerFactory } from './informer';
import { CONFIGMAPS } from './resources';

test('an informer counts the changes its cache takes: adds, updates and deletes, nothing in between', async () => {
  const { lab, clock } = await startTestLab(0);
  const admin = lab.client();
  const factory = new InformerFactory(admin, clock);
  const configMaps = factory.informer<KubeObject>(CONFIGMAPS);
  await factory.start();
  const before = configMaps.changes;
  const made = await admin.create<KubeObject>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
  assert.ok(!isStatus(made));
  await clock.advance(10);
  assert.equal(configMaps.changes, before + 1);
  await clock.advance(1000);
  assert.equal(configMaps.changes, before + 1, 'time alone changes nothing');
  assert.ok(!isStatus(await admin.update(CONFIGMAPS, { ...made, data: { k: 'v' } })));
  const deleted = await admin.delete(CONFIGMAPS, 'default', 'a');
  assert.ok(!isStatus(deleted) || deleted.status === 'Success');
  await clock.advance(10);
  assert.equal(configMaps.changes, before + 3);
  factory.stop();
  lab.stop();
});
