import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Namespace, type OwnerReference, type Pod, isStatus } from '../api/types';
import { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONFIGMAPS, NAMESPACES, PODS } from '../client/resources';
import { startTestLab } from '../testLab';
import { addPodClaimIndexes, claimCandidates } from './podClaimIndexes';

const pod = (name: string, namespace: string, owner?: OwnerReference): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace, ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

/** owner makes a ConfigMap to own pods (the garbage collector deletes pods whose owner does not exist) and answers the controller reference to it. */
async function owner(client: KubeClient, name: string, namespace: string): Promise<OwnerReference> {
  const cm = await client.create<KubeObject>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
  assert.ok(!isStatus(cm));
  return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: cm.metadata.uid ?? '', controller: true };
}

async function setOwners(client: KubeClient, name: string, refs: OwnerReference[]): Promise<void> {
  const p = await client.get<Pod>(PODS, 'default', name);
  assert.ok(!isStatus(p));
  assert.ok(!isStatus(await client.update(PODS, { ...p, metadata: { ...p.metadata, ownerReferences: refs } })));
}

test('claim candidates are the owner\'s pods in its namespace and that namespace\'s orphans, following ownership changes', async () => {
  const { lab, clock } = await startTestLab(0);
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create<Namespace>(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } })));
  const one = await owner(admin, 'one', 'default');
  const two = await owner(admin, 'two', 'default');
  const oneElsewhere = await owner(admin, 'one', 'other');
  for (const p of [pod('mine', 'default', one), pod('theirs', 'default', two), pod('orphan', 'default'), pod('elsewhere', 'other', oneElsewhere), pod('far-orphan', 'other')]) {
    assert.ok(!isStatus(await admin.create(PODS, p)));
  }
  const factory = new InformerFactory(admin, clock);
  const pods = factory.informer<Pod>(PODS);
  addPodClaimIndexes(pods);
  await factory.start();
  const names = (namespace: string, uid: string) => claimCandidates(pods, namespace, uid).map((p) => p.metadata.name).sort();
  assert.deepEqual(names('default', one.uid), ['mine', 'orphan']);
  assert.deepEqual(names('other', oneElsewhere.uid), ['elsewhere', 'far-orphan']);
  // An owner's uid on a pod of another namespace does not make that pod a candidate.
  assert.deepEqual(names('other', one.uid), ['far-orphan']);

  // The orphan adopted by one and one's pod released swap places; two's pod is two's alone.
  await setOwners(admin, 'orphan', [one]);
  await setOwners(admin, 'mine', []);
  await clock.advance(100);
  assert.deepEqual(names('default', one.uid), ['mine', 'orphan']);
  assert.deepEqual(claimCandidates(pods, 'default', one.uid).map((p) => p.metadata.name), ['orphan', 'mine'], 'its own pods first');
  assert.deepEqual(names('default', two.uid), ['mine', 'theirs']);
  factory.stop();
  lab.stop();
});
