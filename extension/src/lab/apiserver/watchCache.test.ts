import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, WatchEvent } from '../api/types';
import { settle } from '../clock';
import { MemoryStore } from '../store/memoryStore';
import { builtinResources } from './registry';
import type { ResourceType } from './resources';
import { type ObjectFilter, parseFilter } from './selectors';
import { FROZEN_EMPTY } from './jsonCopy';
import { ObjectStorage } from './storage';

const podType = builtinResources.find((t) => t.group === '' && t.resource === 'pods') as ResourceType;
const everything: ObjectFilter = { labels: [], fields: [] };

const pod = (namespace: string, name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

function filter(labelSelector?: string, fieldSelector?: string): ObjectFilter {
  const f = parseFilter(podType, labelSelector, fieldSelector);
  assert.ok(!('code' in f));
  return f;
}

async function podStorage(): Promise<{ store: MemoryStore; pods: ObjectStorage }> {
  const store = new MemoryStore();
  const pods = new ObjectStorage(podType, store);
  for (const [ns, name, app] of [['b', 'web-2', 'web'], ['a', 'web-1', 'web'], ['b', 'db-1', 'db'], ['a', 'db-10', 'db'], ['a', 'db-2', 'db']]) {
    assert.ok((await pods.create(pod(ns, name, { app }), false)).ok);
  }
  return { store, pods };
}

const names = (items: readonly KubeObject[]) => items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);

/** Lists served from the cache, with the names, and the next page's start, the store's key order gives. */
const lists: { name: string; namespace: string; filter: ObjectFilter; limit: number; startKey?: string; want: string[]; next?: string }[] = [
  { name: 'everything, in key order', namespace: '', filter: everything, limit: 0, want: ['a/db-10', 'a/db-2', 'a/web-1', 'b/db-1', 'b/web-2'] },
  { name: 'one namespace', namespace: 'b', filter: everything, limit: 0, want: ['b/db-1', 'b/web-2'] },
  { name: 'a label selector', namespace: '', filter: filter('app=db'), limit: 0, want: ['a/db-10', 'a/db-2', 'b/db-1'] },
  { name: 'a field selector', namespace: '', filter: filter(undefined, 'metadata.name=web-1'), limit: 0, want: ['a/web-1'] },
  { name: 'a first page: the next page starts at the next match', namespace: '', filter: filter('app=db'), limit: 2, want: ['a/db-10', 'a/db-2'], next: '/registry/pods/b/db-1' },
  { name: 'a later page', namespace: '', filter: everything, limit: 2, startKey: '/registry/pods/a/web-1', want: ['a/web-1', 'b/db-1'], next: '/registry/pods/b/web-2' },
  { name: 'a last page that fills its limit', namespace: 'a', filter: everything, limit: 3, want: ['a/db-10', 'a/db-2', 'a/web-1'] },
];

for (const c of lists) {
  test(`a list from the cache: ${c.name}`, async () => {
    const { store, pods } = await podStorage();
    const page = await pods.list(c.namespace, c.filter, c.limit, c.startKey);
    assert.deepEqual(names(page.items), c.want);
    assert.equal(page.nextKey, c.next);
    assert.equal(page.revision, await store.revision());
  });
}

test('listed objects are frozen and shared: a caller that changes one fails instead of corrupting the cache', async () => {
  const { pods } = await podStorage();
  const first = await pods.list('a', everything, 0);
  const second = await pods.list('a', everything, 0);
  assert.equal(first.items[0], second.items[0]);
  assert.ok(Object.isFrozen(first.items[0].metadata.labels));
  assert.throws(() => {
    (first.items[0].metadata.labels as Record<string, string>).app = 'changed';
  }, TypeError);
});

test('the cache keeps every empty object as the one frozen FROZEN_EMPTY, from a writer\'s copy and from a change it decoded', async () => {
  const { store, pods } = await podStorage();
  const written = pod('a', 'empties');
  written.spec = { containers: [{ name: 'c', image: 'nginx', resources: {} }], securityContext: {}, tolerations: [] };
  assert.ok((await pods.create(written, false)).ok);
  const raw = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'a', name: 'raw', annotations: {} }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: {} }] } };
  await store.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/raw', value: JSON.stringify(raw) }], failure: [] });
  await settle();
  const listed = (await pods.list('a', everything, 0)).items;
  const byName = (name: string) => listed.find((o) => o.metadata.name === name) as KubeObject & { spec: Record<string, unknown> };
  const fromWriter = byName('empties');
  const decoded = byName('raw');
  assert.equal(fromWriter.metadata.labels, FROZEN_EMPTY);
  assert.equal(fromWriter.spec.securityContext, FROZEN_EMPTY);
  assert.equal((fromWriter.spec.containers as { resources: unknown }[])[0].resources, FROZEN_EMPTY);
  assert.deepEqual(fromWriter.spec.tolerations, []);
  assert.ok(Object.isFrozen(fromWriter.spec.tolerations));
  assert.equal(decoded.metadata.annotations, FROZEN_EMPTY);
  assert.equal((decoded.spec.containers as { securityContext: unknown }[])[0].securityContext, FROZEN_EMPTY);
  // Shared, the empty object is still only read: JSON and a writer's copy are what they were.
  assert.deepEqual(JSON.parse(JSON.stringify(decoded.spec)), raw.spec);
  assert.throws(() => {
    (fromWriter.metadata.labels as Record<string, string>).app = 'changed';
  }, TypeError);
  assert.deepEqual(Object.keys(FROZEN_EMPTY), []);
});

test('a list right after a write sees it, at the store\'s revision', async () => {
  const { store, pods } = await podStorage();
  await pods.list('', everything, 0);
  const created = await pods.create(pod('a', 'new'), false);
  assert.ok(created.ok);
  const rv = Number(created.object.metadata.resourceVersion);
  const updated = await pods.update({ ...created.object, metadata: { ...created.object.metadata, labels: { app: 'new' } } }, rv, false);
  assert.ok(updated.ok);
  assert.ok((await pods.remove(pod('b', 'db-1'), 4, false)).ok);
  const page = await pods.list('', everything, 0);
  assert.deepEqual(names(page.items), ['a/db-10', 'a/db-2', 'a/new', 'a/web-1', 'b/web-2']);
  assert.deepEqual(page.items[2].metadata.labels, { app: 'new' });
  assert.equal(page.items[2].metadata.resourceVersion, updated.object.metadata.resourceVersion);
  assert.equal(page.revision, await store.revision());
});

test('a list at an older revision reads the store\'s snapshot of it', async () => {
  const { store, pods } = await podStorage();
  const then = await store.revision();
  await pods.list('', everything, 0);
  assert.ok((await pods.create(pod('a', 'later'), false)).ok);
  const old = await pods.list('a', everything, 0, undefined, then);
  assert.deepEqual(names(old.items), ['a/db-10', 'a/db-2', 'a/web-1']);
  assert.equal(old.revision, then);
});

test('watchers see changes through their selectors: MODIFIED with the update, DELETED at the deletion\'s revision, ADDED and DELETED as objects start and stop matching', async () => {
  const { store, pods } = await podStorage();
  const start = await store.revision();
  const all: WatchEvent[] = [];
  const web: WatchEvent[] = [];
  pods.watch('a', start, everything, (e) => all.push(e), assert.fail);
  pods.watch('', start, filter('app=web'), (e) => web.push(e), assert.fail);
  const current = await pods.get('a', 'db-2') as KubeObject;
  const relabelled = await pods.update({ ...current, metadata: { ...current.metadata, labels: { app: 'web' } } }, Number(current.metadata.resourceVersion), false);
  assert.ok(relabelled.ok);
  const removed = await pods.remove(relabelled.object, Number(relabelled.object.metadata.resourceVersion), false);
  assert.ok(removed.ok);
  await settle();
  const seen = (events: WatchEvent[]) => events.map((e) => {
    const o = e.object as KubeObject;
    return [e.type, o.metadata.name, o.metadata.resourceVersion, o.metadata.labels?.app];
  });
  const [updatedAt, deletedAt] = [relabelled.object.metadata.resourceVersion, String(await store.revision())];
  assert.deepEqual(seen(all), [['MODIFIED', 'db-2', updatedAt, 'web'], ['DELETED', 'db-2', deletedAt, 'web']]);
  assert.deepEqual(seen(web), [['ADDED', 'db-2', updatedAt, 'web'], ['DELETED', 'db-2', deletedAt, 'web']]);
  assert.ok(Object.isFrozen(all[1].object));
});

test('a watch from before the cache\'s window replays the store\'s history', async () => {
  const { store, pods } = await podStorage();
  const early = 3;
  await pods.list('', everything, 0);
  const events: WatchEvent[] = [];
  pods.watch('', early, everything, (e) => events.push(e), assert.fail);
  await settle();
  assert.deepEqual(events.map((e) => [e.type, (e.object as KubeObject).metadata.name, Number(e.object.metadata.resourceVersion)]), [['ADDED', 'db-1', 4], ['ADDED', 'db-10', 5], ['ADDED', 'db-2', 6]]);
  assert.equal(await store.revision(), 6);
});

test('a watch from a revision still to come sees only the changes after it, in the order the watchers joined', async () => {
  const { store, pods } = await podStorage();
  await pods.list('', everything, 0);
  const now = await store.revision();
  const seen: string[] = [];
  pods.watch('', now + 1, everything, (e) => seen.push(`early ${(e.object as KubeObject).metadata.name ?? ''}`), assert.fail);
  pods.watch('', now, everything, (e) => seen.push(`live ${(e.object as KubeObject).metadata.name ?? ''}`), assert.fail);
  assert.ok((await pods.create(pod('a', 'first'), false)).ok);
  assert.ok((await pods.create(pod('a', 'second'), false)).ok);
  await settle();
  assert.deepEqual(seen, ['live first', 'early second', 'live second']);
});

test('a watch cancelled during a fan-out, by itself or by another watcher, gets nothing more', async () => {
  const { store, pods } = await podStorage();
  await pods.list('', everything, 0);
  const now = await store.revision();
  const seen: string[] = [];
  const watches: { cancel(): void }[] = [];
  for (const name of ['one', 'two', 'three']) {
    watches.push(pods.watch('', now, everything, (e) => {
      seen.push(`${name} ${(e.object as KubeObject).metadata.name ?? ''}`);
      // "one" cancels itself and "three" as soon as it hears of anything.
      if (name === 'one') {
        watches[0].cancel();
        watches[2].cancel();
      }
    }, assert.fail));
  }
  assert.ok((await pods.create(pod('a', 'x'), false)).ok);
  assert.ok((await pods.create(pod('a', 'y'), false)).ok);
  await settle();
  assert.deepEqual(seen, ['one x', 'two x', 'two y']);
});

test('a write answers, and the watch cache keeps, what decoding the stored value gives: undefined properties gone, the resourceVersion last', async () => {
  const { store, pods } = await podStorage();
  await pods.list('', everything, 0);
  const events: WatchEvent[] = [];
  pods.watch('', await store.revision(), everything, (e) => events.push(e), assert.fail);
  const obj = { ...pod('a', 'plain'), status: { phase: 'Pending', reason: undefined } } as KubeObject;
  const created = await pods.create(obj, false);
  assert.ok(created.ok);
  await settle();
  const stored = await store.get('/registry/pods/a/plain');
  const decoded = pods.decode(stored as NonNullable<typeof stored>);
  assert.equal(JSON.stringify(created.object), JSON.stringify(decoded));
  assert.deepEqual(created.object, decoded);
  assert.deepEqual(Object.keys(created.object.metadata), ['namespace', 'name', 'labels', 'resourceVersion']);
  assert.notEqual(created.object, events[0].object);
  assert.deepEqual(events[0].object, decoded);
  assert.ok(Object.isFrozen(events[0].object) && Object.isFrozen(events[0].object.metadata) && Object.isFrozen(events[0].object.spec));
  assert.ok(!Object.isFrozen(created.object.metadata));
});

test('a write of something the JSON round trip changes answers, and caches, the stored value decoded', async () => {
  const { store, pods } = await podStorage();
  await pods.list('', everything, 0);
  const events: WatchEvent[] = [];
  pods.watch('', await store.revision(), everything, (e) => events.push(e), assert.fail);
  const created = await pods.create({ ...pod('a', 'odd'), spec: { priority: Number.NaN, containers: [] } }, false);
  assert.ok(created.ok);
  await settle();
  assert.equal((created.object.spec as { priority: unknown }).priority, null);
  assert.deepEqual(events[0].object, created.object);
});

test('watchers indexed by the value their field selector requires get the changes that name it, in the order their groups were made', async () => {
  const { store, pods } = await podStorage();
  await pods.list('', everything, 0);
  const now = await store.revision();
  const log: string[] = [];
  const watchFor = (label: string, f: ObjectFilter) => pods.watch('', now, f, (e) => log.push(`${label} ${e.type} ${(e.object as KubeObject).metadata.name ?? ''}`), assert.fail);
  watchFor('unbound', filter(undefined, 'spec.nodeName='));
  watchFor('all', everything);
  watchFor('n1', filter(undefined, 'spec.nodeName=n1'));
  watchFor('n2', filter(undefined, 'spec.nodeName=n2'));
  watchFor('not-n1', filter(undefined, 'spec.nodeName!=n1'));
  watchFor('web-n1', filter('app=web', 'spec.nodeName=n1,metadata.namespace=a'));
  const created = await pods.create(pod('a', 'p', { app: 'web' }), false);
  assert.ok(created.ok);
  const bound = await pods.update({ ...created.object, spec: { ...(created.object.spec as object), nodeName: 'n1' } }, Number(created.object.metadata.resourceVersion), false);
  assert.ok(bound.ok);
  const removed = await pods.remove(bound.object, Number(bound.object.metadata.resourceVersion), false);
  assert.ok(removed.ok);
  await settle();
  assert.deepEqual(log, [
    'unbound ADDED p', 'all ADDED p', 'not-n1 ADDED p',
    'unbound DELETED p', 'all MODIFIED p', 'n1 ADDED p', 'not-n1 DELETED p', 'web-n1 ADDED p',
    'all DELETED p', 'n1 DELETED p', 'web-n1 DELETED p',
  ]);
});
