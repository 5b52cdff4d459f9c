import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCondition } from '../api/meta';
import type { ControllerRevision, Event, Pod, StatefulSet, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { CONTROLLER_REVISIONS, EVENTS, PERSISTENTVOLUMECLAIMS, PODS, STATEFULSETS } from '../client/resources';
import { startTestLab } from '../testLab';
import type { PersistentVolumeClaim } from './statefulSetUtils';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

function webSet(image = 'nginx:1.27'): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image, volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

async function pods(client: KubeClient): Promise<Map<string, Pod>> {
  return new Map(ok(await client.list<Pod>(PODS, 'default', { labelSelector: 'app=web' })).items.map((p) => [p.metadata.name ?? '', p]));
}

async function messages(client: KubeClient, reason: string): Promise<string[]> {
  const events = ok(await client.list<Event>(EVENTS, 'default')).items.filter((e) => e.reason === reason && e.involvedObject.kind === 'StatefulSet');
  return events.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')).map((e) => e.message ?? '');
}

const readyAndRunning = (p: Pod | undefined): boolean => p?.status?.phase === 'Running' && getCondition(p.status.conditions, 'Ready')?.status === 'True';

test('a StatefulSet comes up in order, keeps names and claims, rolls out past its partition and scales down from the top', async () => {
  const { lab, clock } = await startTestLab(3);
  const admin = lab.client();
  ok(await admin.create(STATEFULSETS, webSet()));

  // Ordered start: no pod appears before every lower ordinal is Running and Ready.
  const seen = new Set<string>();
  for (let t = 0; t < 120 && seen.size < 3; t++) {
    await clock.advance(500);
    const now = await pods(admin);
    for (const [name, pod] of now) {
      if (seen.has(name)) continue;
      seen.add(name);
      const ordinal = Number(name.slice('web-'.length));
      for (let lower = 0; lower < ordinal; lower++) assert.ok(readyAndRunning(now.get(`web-${lower}`)), `${name} was created before web-${lower} was Running and Ready`);
      if (ordinal > 0) {
        const readySince = getCondition(now.get(`web-${ordinal - 1}`)?.status?.conditions, 'Ready')?.lastTransitionTime ?? '';
        assert.ok((pod.metadata.creationTimestamp ?? '') >= readySince, `${name} was created before web-${ordinal - 1} was Ready`);
      }
    }
  }
  await clock.advance(10_000);
  let now = await pods(admin);
  assert.deepEqual([...now.keys()].sort(), ['web-0', 'web-1', 'web-2']);
  assert.ok([...now.values()].every(readyAndRunning));
  assert.deepEqual(await messages(admin, 'SuccessfulCreate'), [
    'create Claim www-web-0 Pod web-0 in StatefulSet web success', 'create Pod web-0 in StatefulSet web successful',
    'create Claim www-web-1 Pod web-1 in StatefulSet web success', 'create Pod web-1 in StatefulSet web successful',
    'create Claim www-web-2 Pod web-2 in StatefulSet web success', 'create Pod web-2 in StatefulSet web successful',
  ]);

  // Identity: hostname, subdomain, labels, and the claim named for the pod.
  const set = ok(await admin.get<StatefulSet>(STATEFULSETS, 'default', 'web'));
  const revision = set.status?.updateRevision ?? '';
  assert.match(revision, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  const web1 = now.get('web-1') as Pod;
  assert.deepEqual([web1.spec.hostname, web1.spec.subdomain], ['web-1', 'web']);
  assert.deepEqual(web1.metadata.labels, { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': revision });
  assert.deepEqual((web1.spec.volumes as unknown[] | undefined)?.[0], { name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
  assert.deepEqual(web1.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['StatefulSet', 'web', true]]);
  const claims = ok(await admin.list<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'default')).items;
  assert.deepEqual(claims.map((c) => [c.metadata.name, c.metadata.labels?.app, c.metadata.ownerReferences ?? []]).sort(), [['www-web-0', 'web', []], ['www-web-1', 'web', []], ['www-web-2', 'web', []]]);
  assert.deepEqual(set.status, {
    observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: revision, updateRevision: revision, collisionCount: 0, availableReplicas: 3,
  });

  // A deleted pod comes back with the same name and the same claim.
  const claimUid = claims.find((c) => c.metadata.name === 'www-web-1')?.metadata.uid;
  ok(await admin.delete(PODS, 'default', 'web-1'));
  await clock.advance(60_000);
  now = await pods(admin);
  const back = now.get('web-1') as Pod;
  assert.notEqual(back.metadata.uid, web1.metadata.uid);
  assert.ok(readyAndRunning(back));
  assert.equal((back.spec.volumes as { persistentVolumeClaim?: { claimName: string } }[])[0].persistentVolumeClaim?.claimName, 'www-web-1');
  assert.equal(ok(await admin.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'default', 'www-web-1')).metadata.uid, claimUid);

  // A partitioned rolling update replaces only the ordinals at or above the partition.
  ok(await admin.patch(STATEFULSETS, 'default', 'web', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } }, 'application/strategic-merge-patch+json'));
  await clock.advance(60_000);
  now = await pods(admin);
  const rolled = ok(await admin.get<StatefulSet>(STATEFULSETS, 'default', 'web'));
  const next = rolled.status?.updateRevision ?? '';
  assert.notEqual(next, revision);
  assert.equal(rolled.status?.currentRevision, revision);
  assert.deepEqual(['web-0', 'web-1', 'web-2'].map((n) => [now.get(n)?.metadata.labels?.['controller-revision-hash'], now.get(n)?.spec.containers[0].image]),
    [[revision, 'nginx:1.27'], [revision, 'nginx:1.27'], [next, 'nginx:1.28']]);
  assert.deepEqual([rolled.status?.currentReplicas, rolled.status?.updatedReplicas, rolled.status?.readyReplicas], [2, 1, 3]);
  const revisions = ok(await admin.list<ControllerRevision>(CONTROLLER_REVISIONS, 'default')).items;
  assert.deepEqual(revisions.map((r) => [r.metadata.name, r.revision]).sort((a, b) => Number(a[1]) - Number(b[1])), [[revision, 1], [next, 2]]);

  // Scaling down removes the highest ordinals first, one at a time, and keeps their claims (Retain).
  // The pod watch shows the order of deletions, which all happen within one step of the clock.
  const order: string[] = [];
  const rv = ok(await admin.list<Pod>(PODS, 'default')).metadata.resourceVersion;
  const watch = await admin.watch<Pod>(PODS, 'default', { resourceVersion: rv }, (e) => {
    const p = e.object as Pod;
    const step = e.type === 'DELETED' ? `gone ${p.metadata.name ?? ''}` : p.metadata.deletionTimestamp ? `terminating ${p.metadata.name ?? ''}` : '';
    if (step && order.at(-1) !== step) order.push(step);
  }, () => undefined);
  ok(await admin.patch(STATEFULSETS, 'default', 'web', { spec: { replicas: 1 } }));
  await clock.advance(120_000);
  watch.cancel();
  assert.deepEqual(order, ['terminating web-2', 'gone web-2', 'terminating web-1', 'gone web-1']);
  now = await pods(admin);
  assert.deepEqual([...now.keys()], ['web-0']);
  assert.deepEqual((await messages(admin, 'SuccessfulDelete')).at(-1), 'delete Pod web-1 in StatefulSet web successful');
  assert.equal(ok(await admin.list<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'default')).items.length, 3);
  lab.stop();
});
