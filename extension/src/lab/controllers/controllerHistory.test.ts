import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ControllerRevision, type KubeObject, type Status, isStatus } from '../api/types';
import { InformerFactory } from '../client/informer';
import { CONFIGMAPS, CONTROLLER_REVISIONS } from '../client/resources';
import { startTestLab } from '../testLab';
import {
  CONTROLLER_REVISION_HASH_LABEL, ControllerHistory, equalRevision, findEqualRevisions, fnv32, hashControllerRevision, newControllerRevision,
  nextRevision, sortControllerRevisions,
} from './controllerHistory';

const kind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const parent: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default', uid: 'uid-web' } };
const dataA = { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } };
const dataB = { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } };

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

test('fnv32 is FNV-1, the hash upstream gives revisions (fnv.New32), not FNV-1a', () => {
  for (const [text, want] of [['', 0x811c9dc5], ['a', 0x050c5d7e], ['foobar', 0x31f0b262]] as const) assert.equal(fnv32(text), want, text);
});

test('a revision\'s hash depends on its data and probe only, and not on the order of its keys', () => {
  const a = newControllerRevision(parent, kind, { app: 'web' }, dataA, 1, 0);
  const reordered = { spec: { template: { spec: { containers: [{ image: 'nginx:1.27', name: 'nginx' }] }, metadata: { labels: { app: 'web' } }, $patch: 'replace' } } };
  assert.equal(hashControllerRevision({ ...a, data: reordered }, 0), hashControllerRevision(a, 0));
  assert.equal(hashControllerRevision({ ...a, revision: 7 }, 0), hashControllerRevision(a, 0));
  assert.notEqual(hashControllerRevision({ ...a, data: dataB }, 0), hashControllerRevision(a, 0));
  // A probe of 0 is written (StatefulSets always pass their collision count); no probe is not.
  assert.notEqual(hashControllerRevision(a, 0), hashControllerRevision(a));
  assert.notEqual(hashControllerRevision(a, 1), hashControllerRevision(a, 0));
  assert.match(hashControllerRevision(a, 0), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('newControllerRevision names the revision by its hash, labels it and makes the parent its controller', () => {
  const r = newControllerRevision(parent, kind, { app: 'web' }, dataA, 3, 0);
  const hash = hashControllerRevision(r, 0);
  assert.equal(r.metadata.name, `web-${hash}`);
  assert.deepEqual(r.metadata.labels, { app: 'web', [CONTROLLER_REVISION_HASH_LABEL]: hash });
  assert.deepEqual(r.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
  assert.equal(r.revision, 3);
  assert.equal(newControllerRevision({ ...parent, metadata: { ...parent.metadata, name: 'x'.repeat(240) } }, kind, {}, dataA, 1).metadata.name?.length, 224 + hashControllerRevision(r).length);
});

test('revisions sort by number, then creation time, then name; equality is by data; the next number is one past the highest', () => {
  const at = (name: string, revision: number, t: string, data: unknown = dataA): ControllerRevision => ({ metadata: { name, creationTimestamp: t }, revision, data });
  const revs = [at('c', 2, '2024-01-01T00:00:02Z'), at('b', 1, '2024-01-01T00:00:05Z'), at('a', 1, '2024-01-01T00:00:05Z'), at('d', 1, '2024-01-01T00:00:01Z', dataB)];
  assert.deepEqual(sortControllerRevisions(revs).map((r) => r.metadata.name), ['d', 'a', 'b', 'c']);
  assert.deepEqual(findEqualRevisions(revs, at('x', 9, '', dataA)).map((r) => r.metadata.name), ['c', 'b', 'a']);
  assert.equal(nextRevision(revs), 3);
  assert.equal(nextRevision([]), 1);
  assert.ok(equalRevision(undefined, undefined));
  assert.ok(!equalRevision(revs[0], undefined));
  // Numeric hash labels that differ make revisions unequal whatever their data.
  const labelled = (h: string): ControllerRevision => ({ metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: h } }, revision: 1, data: dataA });
  assert.ok(!equalRevision(labelled('12'), labelled('13')));
  assert.ok(equalRevision(labelled('12'), labelled('bcd')));
});

test('ControllerHistory creates, finds an equal revision, bumps the collision count on a clash, updates, releases, adopts and deletes', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  const owner: KubeObject = ok(await admin.create<KubeObject>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default' } }));
  const factory = new InformerFactory(admin, clock);
  const informer = factory.informer<ControllerRevision>(CONTROLLER_REVISIONS);
  await factory.start();
  const history = new ControllerHistory(admin, informer);
  const ownerKind = { apiVersion: 'v1', kind: 'ConfigMap' };

  const first = ok(await history.create(owner, newControllerRevision(owner, ownerKind, { app: 'web' }, dataA, 1, 0), 0));
  assert.equal(first.collisionCount, 0);
  assert.equal(first.revision.metadata.name, `web-${hashControllerRevision(first.revision, 0)}`);
  // The same data again finds the stored revision, with no collision.
  const again = ok(await history.create(owner, newControllerRevision(owner, ownerKind, { app: 'web' }, dataA, 2, 0), 0));
  assert.deepEqual([again.revision.metadata.uid, again.collisionCount], [first.revision.metadata.uid, 0]);
  // Other data under the name this data would take is a collision: the count goes up and the name moves on.
  const squatter = newControllerRevision(owner, ownerKind, {}, dataA, 1, 0);
  const wanted = newControllerRevision(owner, ownerKind, { app: 'web' }, dataB, 2, 0);
  ok(await admin.create(CONTROLLER_REVISIONS, { ...squatter, metadata: { ...squatter.metadata, name: wanted.metadata.name } }));
  const moved = ok(await history.create(owner, wanted, 0));
  assert.equal(moved.collisionCount, 1);
  assert.equal(moved.revision.metadata.name, `web-${hashControllerRevision(wanted, 1)}`);
  await clock.advance(100);
  assert.equal(history.list('default', { matchLabels: { app: 'web' } }, owner).length, 2);

  const updated = ok(await history.update(first.revision, 5));
  assert.equal(updated.revision, 5);
  const released = ok(await history.release(owner, updated));
  assert.deepEqual(released?.metadata.ownerReferences ?? [], []);
  const refused = await history.adopt(owner, ownerKind, moved.revision);
  assert.ok(isStatus(refused) && refused.message?.startsWith('attempt to adopt revision owned by'));
  const adopted = ok(await history.adopt(owner, ownerKind, ok(released as ControllerRevision)));
  assert.equal(adopted.metadata.ownerReferences?.[0]?.uid, owner.metadata.uid);
  assert.equal(await history.delete(adopted), undefined);
  assert.equal(await history.release(owner, adopted), undefined, 'a revision already gone is released without error');
  factory.stop();
  lab.stop();
});
