import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControllerRevision, KubeObject, Pod, StatefulSet, StatefulSetStatus, Status } from '../api/types';
import { StatefulPodControl, type StatefulPodObjects } from './statefulPodControl';
import { StatefulSetControl, type StatefulSetHistory } from './statefulSetControl';
import { type PersistentVolumeClaim, podRevision } from './statefulSetUtils';

/** Fake keeps pods and claims in maps and logs each write, as upstream's fake object manager. */
class Fake implements StatefulPodObjects {
  readonly pods = new Map<string, Pod>();
  readonly claims = new Map<string, PersistentVolumeClaim>();
  readonly log: string[] = [];
  private uid = 0;
  async createPod(pod: Pod): Promise<Status | undefined> {
    this.log.push(`create pod ${pod.metadata.name ?? ''}`);
    this.pods.set(pod.metadata.name ?? '', { ...structuredClone(pod), metadata: { ...pod.metadata, uid: `pod-${++this.uid}` }, status: { phase: 'Pending' } });
    return Promise.resolve(undefined);
  }
  getPod(_ns: string, name: string): Pod | undefined {
    return this.pods.get(name);
  }
  async updatePod(pod: Pod): Promise<Status | undefined> {
    this.log.push(`update pod ${pod.metadata.name ?? ''}`);
    this.pods.set(pod.metadata.name ?? '', pod);
    return Promise.resolve(undefined);
  }
  async deletePod(pod: Pod): Promise<Status | undefined> {
    this.log.push(`delete pod ${pod.metadata.name ?? ''}`);
    this.pods.delete(pod.metadata.name ?? '');
    return Promise.resolve(undefined);
  }
  async createClaim(claim: PersistentVolumeClaim): Promise<Status | undefined> {
    this.log.push(`create claim ${claim.metadata.name ?? ''}`);
    this.claims.set(claim.metadata.name ?? '', { ...claim, metadata: { ...claim.metadata, uid: `claim-${++this.uid}` } });
    return Promise.resolve(undefined);
  }
  getClaim(_ns: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.get(name);
  }
  async updateClaim(claim: PersistentVolumeClaim): Promise<Status | undefined> {
    this.log.push(`update claim ${claim.metadata.name ?? ''} owners ${(claim.metadata.ownerReferences ?? []).map((r) => r.kind).join(',')}`);
    this.claims.set(claim.metadata.name ?? '', claim);
    return Promise.resolve(undefined);
  }
}

/** harness runs passes of the control over one set with fakes for the API, history, status and events. */
function harness(spec: Partial<StatefulSet['spec']> = {}) {
  const fake = new Fake();
  const revisions: ControllerRevision[] = [];
  const events: string[] = [];
  const set: StatefulSet = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1 },
    spec: {
      replicas: 3, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: {} }], revisionHistoryLimit: 10, ...spec,
    },
    status: { replicas: 0 },
  };
  const history: StatefulSetHistory = {
    list: () => revisions,
    create: async (_parent: KubeObject, r: ControllerRevision, collisionCount: number) => {
      revisions.push(r);
      return Promise.resolve({ revision: r, collisionCount });
    },
    update: async (r: ControllerRevision, n: number) => Promise.resolve(Object.assign(r, { revision: n })),
    delete: async (r: ControllerRevision) => {
      revisions.splice(revisions.indexOf(r), 1);
      return Promise.resolve(undefined);
    },
    adopt: async (_p: KubeObject, _k: unknown, r: ControllerRevision) => Promise.resolve(r),
  };
  const recorder = { event: async (_o: KubeObject, type: string, reason: string, msg: string) => { events.push(`${type} ${reason} ${msg}`); return Promise.resolve(); } };
  const writeStatus = async (_s: StatefulSet, status: StatefulSetStatus) => {
    set.status = { ...status };
    return Promise.resolve(undefined);
  };
  const control = new StatefulSetControl(new StatefulPodControl(fake, recorder), history, writeStatus, recorder, () => Date.parse('2025-01-01T00:10:00Z'));
  const pass = async () => {
    fake.log.length = 0;
    const r = await control.updateStatefulSet(set, [...fake.pods.values()]);
    assert.equal(r.error, undefined);
    return [...fake.log];
  };
  /** ready makes the named pods Running and Ready. */
  const ready = (...names: string[]) => {
    for (const n of names) {
      const p = fake.pods.get(n) as Pod;
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] };
    }
  };
  return { fake, set, events, revisions, pass, ready };
}

test('OrderedReady makes one pod at a time, its claim first, and waits for it to be Running and Ready', async () => {
  const h = harness();
  assert.deepEqual(await h.pass(), ['create claim www-web-0', 'create pod web-0']);
  assert.deepEqual(await h.pass(), [], 'web-0 is Pending: nothing more');
  h.fake.pods.get('web-0')!.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
  assert.deepEqual(await h.pass(), [], 'web-0 is Running but not Ready');
  h.ready('web-0');
  assert.deepEqual(await h.pass(), ['create claim www-web-1', 'create pod web-1']);
  assert.ok(h.events.includes('Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful'));
  assert.ok(h.events.includes('Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success'));
});

test('Parallel makes every pod at once', async () => {
  const h = harness({ podManagementPolicy: 'Parallel' });
  const log = await h.pass();
  assert.deepEqual(log.filter((l) => l.startsWith('create pod')).sort(), ['create pod web-0', 'create pod web-1', 'create pod web-2']);
});

test('a failed pod is deleted and made again under its name, with RecreatingFailedPod', async () => {
  const h = harness({ replicas: 1 });
  await h.pass();
  h.fake.pods.get('web-0')!.status = { phase: 'Failed' };
  assert.deepEqual(await h.pass(), ['delete pod web-0', 'create pod web-0']);
  assert.ok(h.events.includes('Warning RecreatingFailedPod StatefulSet default/web is recreating failed Pod web-0'));
});

async function upAndReady(h: ReturnType<typeof harness>): Promise<void> {
  for (let i = 0; i < (h.set.spec.replicas ?? 1); i++) {
    await h.pass();
    h.ready(`web-${i}`);
  }
  await h.pass();
}

test('scaling down deletes from the highest ordinal, one at a time unless Parallel', async () => {
  for (const [policy, want] of [['OrderedReady', ['delete pod web-2']], ['Parallel', ['delete pod web-2', 'delete pod web-1']]] as const) {
    const h = harness({ podManagementPolicy: policy });
    await upAndReady(h);
    h.set.spec.replicas = 1;
    assert.deepEqual(await h.pass(), want, policy);
  }
});

test('whenScaled Delete makes the scaled-away pod own its claim before the pod goes; Retain leaves claims alone', async () => {
  const h = harness({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } });
  await upAndReady(h);
  h.set.spec.replicas = 2;
  assert.deepEqual(await h.pass(), ['update claim www-web-2 owners Pod', 'delete pod web-2']);
  const r = harness();
  await upAndReady(r);
  r.set.spec.replicas = 2;
  assert.deepEqual(await r.pass(), ['delete pod web-2']);
});

test('a rolling update replaces pods from the top down to the partition, each once the one above is healthy', async () => {
  const h = harness();
  await upAndReady(h);
  const old = h.set.status?.currentRevision;
  h.set.spec.template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } };
  h.set.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
  assert.deepEqual(await h.pass(), ['delete pod web-2']);
  assert.deepEqual(await h.pass(), ['create pod web-2'], 'the claim is kept');
  const fresh = h.fake.pods.get('web-2') as Pod;
  assert.notEqual(podRevision(fresh), old);
  assert.equal(fresh.spec.containers[0].image, 'nginx:1.28');
  assert.deepEqual(await h.pass(), [], 'web-2 is not ready yet');
  h.ready('web-2');
  assert.deepEqual(await h.pass(), ['delete pod web-1']);
  await h.pass();
  h.ready('web-1');
  assert.deepEqual(await h.pass(), [], 'web-0 is below the partition');
  assert.equal(podRevision(h.fake.pods.get('web-0') as Pod), old);
  assert.deepEqual([h.set.status?.currentReplicas, h.set.status?.updatedReplicas, h.revisions.length], [1, 2, 2]);
});

test('OnDelete leaves old pods until someone deletes them', async () => {
  const h = harness({ updateStrategy: { type: 'OnDelete' } });
  await upAndReady(h);
  h.set.spec.template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } };
  assert.deepEqual(await h.pass(), []);
  h.fake.pods.delete('web-1');
  assert.deepEqual(await h.pass(), ['create pod web-1']);
  assert.equal(h.fake.pods.get('web-1')?.spec.containers[0].image, 'nginx:1.28');
});

test('a finished rollout makes the update revision current, and old revisions are trimmed to the history limit', async () => {
  const h = harness({ replicas: 1, revisionHistoryLimit: 1 });
  await upAndReady(h);
  for (const image of ['nginx:1.28', 'nginx:1.29', 'nginx:1.30']) {
    h.set.spec.template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } };
    await h.pass();
    await h.pass();
    h.ready('web-0');
    await h.pass();
    assert.equal(h.set.status?.currentRevision, h.set.status?.updateRevision, image);
  }
  await h.pass();
  assert.deepEqual(h.revisions.map((r) => r.revision), [3, 4]);
});
