import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, WatchEvent } from '../api/types';
import { settle } from '../clock';
import { MemoryStore } from '../store/memoryStore';
import { ERR_WATCH_CANCELED, type OnEvents, type Watch, type WatchError, type WatchOptions } from '../store/store';
import { builtinResources } from './registry';
import type { ResourceType } from './resources';
import { ObjectStorage } from './storage';

const podType = builtinResources.find((t) => t.group === '' && t.resource === 'pods') as ResourceType;
const everything = { labels: [], fields: [] };
const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

/** WatchedStore records the options each watch asked for and can end the watches as the store ends a slow one. */
class WatchedStore extends MemoryStore {
  readonly options: (WatchOptions | undefined)[] = [];
  private readonly failures: ((e: WatchError) => void)[] = [];

  override watch(prefix: string, from: number, onEvents: OnEvents, onError: (e: WatchError) => void, options?: WatchOptions): Watch {
    this.options.push(options);
    this.failures.push(onError);
    return super.watch(prefix, from, onEvents, onError, options);
  }

  cancelWatches(): void {
    for (const f of this.failures.splice(0)) f({ code: 'canceled', message: ERR_WATCH_CANCELED, compactRevision: 0 });
  }
}

test('the watch cache asks the store for progress notifications', async () => {
  const store = new WatchedStore();
  const pods = new ObjectStorage(podType, store);
  await pods.list('', everything, 0);
  assert.deepEqual(store.options, [{ progressNotify: true }]);
});

test('a bookmark carries the store\'s progress: past writes to other resources, confirmed by a progress notification', async () => {
  const store = new MemoryStore();
  const pods = new ObjectStorage(podType, store);
  assert.ok((await pods.create(pod('a'), false)).ok);
  await pods.list('', everything, 0);
  for (let i = 0; i < 3; i++) await store.txn({ compare: [], success: [{ type: 'put', key: `/registry/configmaps/default/c${i}`, value: '{}' }], failure: [] });
  assert.equal(await pods.bookmarkRevision(), await store.revision());
  assert.equal(await store.revision(), 5);
});

test('a bookmark never passes a change the watch has not been sent', async () => {
  const store = new MemoryStore();
  const pods = new ObjectStorage(podType, store);
  await pods.list('', everything, 0);
  const seen: string[] = [];
  pods.watch('', await store.revision(), everything, (e: WatchEvent) => void seen.push(`${e.type} ${e.object.metadata.resourceVersion ?? ''}`), () => assert.fail('no failure expected'));
  // The write is delivered before the progress it is asked with: the bookmark's revision includes it.
  const written = pods.create(pod('b'), false);
  const bookmark = await pods.bookmarkRevision();
  await written;
  await settle();
  assert.deepEqual(seen, ['ADDED 2']);
  assert.equal(bookmark, 2);
});

test('when the store cancels the cache\'s watch, every watch ends without an error event and the next list relists', async () => {
  const store = new WatchedStore();
  const pods = new ObjectStorage(podType, store);
  assert.ok((await pods.create(pod('a'), false)).ok);
  await pods.list('', everything, 0);
  const ends: (string | undefined)[] = [];
  pods.watch('', await store.revision(), everything, () => undefined, (message) => ends.push(message));
  pods.watch('default', await store.revision(), everything, () => undefined, (message) => ends.push(message));
  store.cancelWatches();
  assert.deepEqual(ends, [undefined, undefined]);
  assert.ok((await pods.create(pod('b'), false)).ok);
  const listed = await pods.list('', everything, 0);
  assert.deepEqual(listed.items.map((p) => p.metadata.name), ['a', 'b']);
  assert.equal(store.options.length, 2, 'the cache watches the store again');
});
