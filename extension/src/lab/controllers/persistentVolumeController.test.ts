import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, KubeObject, Pod, StatefulSet, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { EVENTS, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, PODS, STATEFULSETS, STORAGECLASSES } from '../client/resources';
import { startTestLab } from '../testLab';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './persistentVolumeUtil';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

function claim(name: string, spec: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  };
}

function volume(name: string, size: string, spec: Partial<PersistentVolume['spec']> = {}, labels?: Record<string, string>): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, ...(labels ? { labels } : {}) },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/mnt/${name}` }, ...spec },
  };
}

function podUsing(name: string, claimName: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  };
}

async function getClaim(client: KubeClient, name: string): Promise<PersistentVolumeClaim | Status> {
  return client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'default', name);
}

async function getVolume(client: KubeClient, name: string): Promise<PersistentVolume | Status> {
  return client.get<PersistentVolume>(PERSISTENTVOLUMES, '', name);
}

/** eventsAbout lists `source reason: message` of the events about an object, oldest first. */
async function eventsAbout(client: KubeClient, obj: KubeObject, namespace = 'default'): Promise<{ source: string; reason: string; message: string }[]> {
  const events = ok(await client.list<Event>(EVENTS, namespace)).items.filter((e) => e.involvedObject.uid === obj.metadata.uid);
  events.sort((a, b) => (a.firstTimestamp ?? '').localeCompare(b.firstTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return events.map((e) => ({ source: e.source?.component ?? '', reason: e.reason ?? '', message: e.message ?? '' }));
}

test('the lab installs kind\'s default StorageClass', async () => {
  const { lab } = await startTestLab(1);
  const sc = ok(await lab.client().get<StorageClass>(STORAGECLASSES, '', 'standard'));
  assert.deepEqual([sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], sc.provisioner, sc.volumeBindingMode, sc.reclaimPolicy], ['true', 'rancher.io/local-path', 'WaitForFirstConsumer', 'Delete']);
  lab.stop();
});

test('a claim of the default class waits for its first consumer, is provisioned on the pod\'s node and bound, and goes with its volume', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  const created = ok(await admin.create(PERSISTENTVOLUMECLAIMS, claim('data')));
  assert.equal(created.spec.storageClassName, 'standard');
  await clock.advance(2_000);
  let pvc = ok(await getClaim(admin, 'data'));
  assert.equal(pvc.status?.phase, 'Pending');
  assert.deepEqual(await eventsAbout(admin, pvc), [{ source: 'persistentvolume-controller', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' }]);
  assert.equal(ok(await admin.list<PersistentVolume>(PERSISTENTVOLUMES)).items.length, 0);

  ok(await admin.create(PODS, podUsing('app', 'data')));
  await clock.advance(5_000);
  const pod = ok(await admin.get<Pod>(PODS, 'default', 'app'));
  const node = pod.spec.nodeName ?? '';
  assert.match(node, /^node-[12]$/);
  pvc = ok(await getClaim(admin, 'data'));
  const pvName = `pvc-${pvc.metadata.uid ?? ''}`;
  assert.equal(pvc.status?.phase, 'Bound');
  assert.equal(pvc.spec.volumeName, pvName);
  assert.deepEqual(pvc.metadata.annotations, {
    'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes',
    'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    'volume.kubernetes.io/selected-node': node,
  });
  assert.deepEqual(pvc.status?.capacity, { storage: '1Gi' });
  assert.deepEqual(pvc.status?.accessModes, ['ReadWriteOnce']);
  assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);

  const pv = ok(await getVolume(admin, pvName));
  assert.equal(pv.status?.phase, 'Bound');
  assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
  assert.deepEqual(pv.spec.claimRef && [pv.spec.claimRef.kind, pv.spec.claimRef.namespace, pv.spec.claimRef.name, pv.spec.claimRef.uid], ['PersistentVolumeClaim', 'default', 'data', pvc.metadata.uid]);
  assert.deepEqual(pv.spec.hostPath, { path: `/var/local-path-provisioner/${pvName}_default_data`, type: 'DirectoryOrCreate' });
  assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }]);
  assert.deepEqual([pv.spec.persistentVolumeReclaimPolicy, pv.spec.storageClassName, pv.spec.capacity], ['Delete', 'standard', { storage: '1Gi' }]);

  const events = await eventsAbout(admin, pvc);
  const provisioner = events.find((e) => e.reason === 'Provisioning')?.source ?? '';
  assert.match(provisioner, /^rancher\.io\/local-path_local-path-provisioner-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // Whether the binder saw the pod before or after the scheduler placed it, the provisioning story is the same.
  assert.deepEqual(events.filter((e) => !['WaitForFirstConsumer', 'WaitForPodScheduled'].includes(e.reason)), [
    { source: 'persistentvolume-controller', reason: 'ExternalProvisioning', message: "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered." },
    { source: provisioner, reason: 'Provisioning', message: 'External provisioner is provisioning volume for claim "default/data"' },
    { source: provisioner, reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${pvName}` },
  ]);

  // While the pod uses the claim, deleting it only marks it; once the pod is gone the claim and its volume go.
  ok(await admin.delete(PERSISTENTVOLUMECLAIMS, 'default', 'data'));
  await clock.advance(5_000);
  pvc = ok(await getClaim(admin, 'data'));
  assert.ok(pvc.metadata.deletionTimestamp);
  assert.equal(pvc.status?.phase, 'Bound');
  ok(await admin.delete(PODS, 'default', 'app'));
  await clock.advance(60_000);
  assert.equal((await getClaim(admin, 'data') as Status).code, 404);
  assert.equal((await getVolume(admin, pvName) as Status).code, 404);
  lab.stop();
});

test('a static volume binds an Immediate claim with a selector: the smallest that fits and matches', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(PERSISTENTVOLUMES, volume('gold-10', '10Gi', {}, { tier: 'gold' })));
  ok(await admin.create(PERSISTENTVOLUMES, volume('gold-3', '3Gi', {}, { tier: 'gold' })));
  ok(await admin.create(PERSISTENTVOLUMES, volume('silver-2', '2Gi', {}, { tier: 'silver' })));
  ok(await admin.create(PERSISTENTVOLUMES, volume('gold-1', '1Gi', {}, { tier: 'gold' })));
  await clock.advance(1_000);
  assert.deepEqual(ok(await admin.list<PersistentVolume>(PERSISTENTVOLUMES)).items.map((v) => [v.metadata.name, v.status?.phase]).sort(),
    [['gold-1', 'Available'], ['gold-10', 'Available'], ['gold-3', 'Available'], ['silver-2', 'Available']]);

  ok(await admin.create(PERSISTENTVOLUMECLAIMS, claim('db', { storageClassName: '', selector: { matchLabels: { tier: 'gold' } }, resources: { requests: { storage: '2Gi' } } })));
  await clock.advance(2_000);
  const pvc = ok(await getClaim(admin, 'db'));
  assert.deepEqual([pvc.status?.phase, pvc.spec.volumeName, pvc.status?.capacity], ['Bound', 'gold-3', { storage: '3Gi' }]);
  const pv = ok(await getVolume(admin, 'gold-3'));
  assert.equal(pv.status?.phase, 'Bound');
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  assert.equal(pv.spec.claimRef?.uid, pvc.metadata.uid);
  for (const name of ['gold-1', 'gold-10', 'silver-2']) assert.equal(ok(await getVolume(admin, name)).status?.phase, 'Available', name);
  assert.deepEqual(await eventsAbout(admin, pvc), []);
  lab.stop();
});

test('a claim without a class finds no volume and says so', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  const pvc = ok(await admin.create(PERSISTENTVOLUMECLAIMS, claim('none', { storageClassName: '' })));
  await clock.advance(1_000);
  assert.equal(ok(await getClaim(admin, 'none')).status?.phase, 'Pending');
  assert.deepEqual(await eventsAbout(admin, pvc), [{ source: 'persistentvolume-controller', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' }]);
  lab.stop();
});

test('deleting a claim releases its volume as the reclaim policy says', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  const cases: { pv: PersistentVolume; want: 'Released' | 'gone' | 'Failed'; event?: string }[] = [
    { pv: volume('kept', '1Gi', { storageClassName: 'manual' }), want: 'Released' },
    { pv: volume('scratch', '1Gi', { storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/tmp/scratch' } }), want: 'gone' },
    { pv: volume('stuck', '1Gi', { storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/data/stuck' } }), want: 'Failed', event: 'host_path deleter only supports /tmp/.+ but received provided /data/stuck' },
  ];
  for (const c of cases) {
    ok(await admin.create(PERSISTENTVOLUMES, c.pv));
    ok(await admin.create(PERSISTENTVOLUMECLAIMS, claim(`for-${c.pv.metadata.name ?? ''}`, { storageClassName: 'manual', volumeName: c.pv.metadata.name })));
  }
  await clock.advance(2_000);
  for (const c of cases) {
    const bound = ok(await getClaim(admin, `for-${c.pv.metadata.name ?? ''}`));
    assert.equal(bound.status?.phase, 'Bound');
    // The user chose the volume, so the claim is not marked bound by the controller; the volume, whose claimRef it wrote, is.
    assert.deepEqual(bound.metadata.annotations, { 'pv.kubernetes.io/bind-completed': 'yes' });
    assert.equal(ok(await getVolume(admin, c.pv.metadata.name ?? '')).metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    ok(await admin.delete(PERSISTENTVOLUMECLAIMS, 'default', `for-${c.pv.metadata.name ?? ''}`));
  }
  await clock.advance(5_000);
  for (const c of cases) {
    const got = await getVolume(admin, c.pv.metadata.name ?? '');
    if (c.want === 'gone') {
      assert.equal((got as Status).code, 404, c.pv.metadata.name);
      continue;
    }
    const pv = ok(got);
    assert.equal(pv.status?.phase, c.want, pv.metadata.name);
    assert.equal(pv.spec.claimRef?.name, `for-${c.pv.metadata.name ?? ''}`);
    if (c.event) {
      assert.equal(pv.status?.message, c.event);
      assert.deepEqual(await eventsAbout(admin, pv), [{ source: 'persistentvolume-controller', reason: 'VolumeFailedDelete', message: c.event }]);
    }
  }
  // A Released volume keeps its claimRef, so a new claim of the same name does not get it back.
  ok(await admin.create(PERSISTENTVOLUMECLAIMS, claim('again', { storageClassName: 'manual' })));
  await clock.advance(2_000);
  assert.equal(ok(await getClaim(admin, 'again')).status?.phase, 'Pending');
  lab.stop();
});

test('a StatefulSet\'s claims are provisioned and Bound, each on its pod\'s node', async () => {
  const { lab, clock } = await startTestLab(3);
  const admin = lab.client();
  const set: StatefulSet = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3, serviceName: 'web', selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
  ok(await admin.create(STATEFULSETS, set));
  await clock.advance(120_000);
  const claims = ok(await admin.list<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'default')).items;
  assert.deepEqual(claims.map((c) => [c.metadata.name, c.status?.phase]).sort(), [['www-web-0', 'Bound'], ['www-web-1', 'Bound'], ['www-web-2', 'Bound']]);
  for (const c of claims) {
    const pod = ok(await admin.get<Pod>(PODS, 'default', (c.metadata.name ?? '').slice('www-'.length)));
    const pv = ok(await getVolume(admin, c.spec.volumeName ?? ''));
    assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms[0].matchExpressions?.[0].values, [pod.spec.nodeName]);
  }
  lab.stop();
});
