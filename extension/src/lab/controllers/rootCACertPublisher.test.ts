import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { CONFIGMAPS, NAMESPACES } from '../client/resources';
import { SYSTEM_NAMESPACES } from '../lab';
import { startTestLab } from '../testLab';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP } from './rootCACertPublisher';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBdTCCARugAwIBAgIBATAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwprdWJlcm5ldGVz\n-----END CERTIFICATE-----\n';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

async function rootCA(client: KubeClient, namespace: string): Promise<ConfigMap | number> {
  const got = await client.get<ConfigMap>(CONFIGMAPS, namespace, ROOT_CA_CONFIGMAP);
  return isStatus(got) ? got.code : got;
}

function published(cm: ConfigMap | number): [Record<string, string> | undefined, string | undefined] {
  assert.ok(typeof cm !== 'number', `kube-root-ca.crt: HTTP ${JSON.stringify(cm)}`);
  return [cm.data, cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]];
}

test('every namespace, the system ones and new ones, gets kube-root-ca.crt with the CA and upstream\'s description', async () => {
  const { lab, clock } = await startTestLab(1, 7, { rootCA: CA });
  const admin = lab.client();
  await clock.advance(1_000);
  for (const ns of SYSTEM_NAMESPACES) assert.deepEqual(published(await rootCA(admin, ns)), [{ 'ca.crt': CA }, DESCRIPTION], ns);
  assert.equal(DESCRIPTION, 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.');
  assert.ok(!isStatus(await admin.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } })));
  await clock.advance(1_000);
  assert.deepEqual(published(await rootCA(admin, 'team-a')), [{ 'ca.crt': CA }, DESCRIPTION]);
  lab.stop();
});

test('a deleted kube-root-ca.crt comes back; edited data and a removed description are put back, other edits kept', async () => {
  const { lab, clock } = await startTestLab(1, 7, { rootCA: CA });
  const admin = lab.client();
  await clock.advance(1_000);
  const deleted = await admin.delete(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP);
  assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
  await clock.advance(1_000);
  const back = await rootCA(admin, 'default');
  assert.deepEqual(published(back), [{ 'ca.crt': CA }, DESCRIPTION]);

  const edited = await admin.patch<ConfigMap>(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP, {
    metadata: { labels: { team: 'a' }, annotations: { [DESCRIPTION_ANNOTATION]: null } },
    data: { 'ca.crt': 'forged', extra: 'x' },
  });
  assert.ok(!isStatus(edited));
  await clock.advance(1_000);
  const reset = await rootCA(admin, 'default');
  assert.deepEqual(published(reset), [{ 'ca.crt': CA }, DESCRIPTION]);
  assert.deepEqual((reset as ConfigMap).metadata.labels, { team: 'a' });

  // Upstream only checks that a description is there, so a reworded one stays.
  assert.ok(!isStatus(await admin.patch(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP, { metadata: { annotations: { [DESCRIPTION_ANNOTATION]: 'ours' } } })));
  await clock.advance(1_000);
  assert.deepEqual(published(await rootCA(admin, 'default')), [{ 'ca.crt': CA }, 'ours']);
  lab.stop();
});

test('without a CA the publisher does not run', async () => {
  const { lab, clock } = await startTestLab(1);
  await clock.advance(1_000);
  assert.equal(await rootCA(lab.client(), 'default'), 404);
  lab.stop();
});
