import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ManualClock } from '../clock';
import { DurableStore } from './durableStore';
import { EXPIRED_LEASE_RETRY_MS } from './lessor';
import { MemoryStore } from './memoryStore';
import { decodeSnapshot, encodeSnapshot } from './snapshot';
import { ERR_LEASE_NOT_FOUND, MIN_LEASE_TTL_SECONDS, type Store, type StoreEvent, type StoreLeases } from './store';

type Leased = Store & StoreLeases;

/**
 * expire advances the clock past a lease's expiry and waits for its keys to go:
 * DurableStore logs the revocation to disk before it deletes them.
 */
async function expire(clock: ManualClock, ms: number, s: Store, key: string): Promise<void> {
  await clock.advance(ms);
  for (let i = 0; i < 500 && (await s.get(key)); i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelab-leases-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const put = (s: Store, key: string, value: string, lease?: string) => s.txn({ compare: [], success: [lease === undefined ? { type: 'put', key, value } : { type: 'put', key, value, lease }], failure: [] });

/** Both in-memory backends hold the same lease contract; DurableStore's also survives a restart. */
const backends: { name: string; open(clock: ManualClock): Promise<Leased> }[] = [
  { name: 'MemoryStore', open: (clock) => Promise.resolve(new MemoryStore({ clock })) },
  { name: 'DurableStore', open: (clock) => DurableStore.open({ dir, memory: { clock }, warn: () => undefined }) },
];

for (const backend of backends) {
  describe(`${backend.name} leases`, () => {
    test('a key put with a lease is attached; a put without one detaches it; a delete drops it', async () => {
      const clock = new ManualClock();
      const s = await backend.open(clock);
      const { id, ttl } = await s.leaseGrant(60);
      assert.equal(ttl, 60);
      await put(s, '/a', '1', id);
      await put(s, '/b', '2', id);
      await put(s, '/c', '3', id);
      assert.equal((await s.get('/a'))?.lease, id);
      await put(s, '/b', '2b');
      assert.equal((await s.get('/b'))?.lease, undefined);
      await s.txn({ compare: [], success: [{ type: 'delete', key: '/c' }], failure: [] });
      await clock.advance(15_000);
      assert.deepEqual(await s.leaseTimeToLive(id), { id, ttl: 45, grantedTtl: 60, keys: ['/a'] });
    });

    test('a TTL below the minimum is raised to it; unknown leases are refused and change nothing', async () => {
      const clock = new ManualClock();
      const s = await backend.open(clock);
      assert.equal((await s.leaseGrant(1)).ttl, MIN_LEASE_TTL_SECONDS);
      const before = await s.revision();
      await assert.rejects(put(s, '/x', 'v', '999'), { message: ERR_LEASE_NOT_FOUND });
      await assert.rejects(s.leaseRevoke('999'), { message: ERR_LEASE_NOT_FOUND });
      assert.equal(await s.revision(), before);
      assert.equal(await s.get('/x'), undefined);
      assert.equal((await s.leaseTimeToLive('999')).ttl, -1);
    });

    test('revoking deletes every attached key in one revision and leaves the others', async () => {
      const clock = new ManualClock();
      const s = await backend.open(clock);
      const { id } = await s.leaseGrant(60);
      await put(s, '/e/1', 'a', id);
      await put(s, '/e/2', 'b', id);
      await put(s, '/e/3', 'c');
      const from = await s.revision();
      const batches: { events: StoreEvent[]; revision: number }[] = [];
      const watch = s.watch('/e/', from + 1, (events, revision) => void batches.push({ events, revision }), () => undefined);
      await s.leaseRevoke(id);
      await clock.advance(0);
      watch.cancel();
      assert.equal(await s.revision(), from + 1);
      assert.deepEqual(batches.map((b) => b.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`)), [[`delete /e/1@${from + 1}`, `delete /e/2@${from + 1}`]]);
      assert.deepEqual((await s.range('/e/')).kvs.map((kv) => kv.key), ['/e/3']);
      assert.deepEqual(await s.leaseList(), []);
    });

    test('a lease expires its TTL after the grant, deleting its keys', async () => {
      const clock = new ManualClock();
      const s = await backend.open(clock);
      const { id } = await s.leaseGrant(10);
      await put(s, '/t/event', 'e', id);
      await clock.advance(9_999);
      assert.ok(await s.get('/t/event'), 'alive just before its TTL');
      await expire(clock, 1, s, '/t/event');
      assert.equal(await s.get('/t/event'), undefined);
      assert.deepEqual(await s.leaseList(), []);
      assert.equal(EXPIRED_LEASE_RETRY_MS, 3_000);
    });
  });
}

describe('DurableStore leases across a restart', () => {
  test('leases and their keys are replayed from the log, their TTL starting over; a revocation stays done', async () => {
    const clock = new ManualClock();
    const s = await DurableStore.open({ dir, memory: { clock }, warn: () => undefined, checkpointBytes: 1 << 30 });
    const kept = await s.leaseGrant(100);
    const gone = await s.leaseGrant(100);
    await put(s, '/k/kept', 'v', kept.id);
    await put(s, '/k/gone', 'v', gone.id);
    await s.leaseRevoke(gone.id);
    await clock.advance(90_000);
    const revision = await s.revision();
    // A crash: the store is dropped without closing (no checkpoint), then opened again from its log.
    const clock2 = new ManualClock();
    const again = await DurableStore.open({ dir, memory: { clock: clock2 }, warn: () => undefined });
    assert.equal(await again.revision(), revision);
    assert.deepEqual(await again.leaseList(), [kept.id]);
    assert.equal((await again.get('/k/kept'))?.lease, kept.id);
    assert.equal(await again.get('/k/gone'), undefined);
    assert.equal((await again.leaseTimeToLive(kept.id)).ttl, 100, 'a replayed lease starts its TTL over');
    // A new grant does not reuse a logged ID.
    assert.notEqual((await again.leaseGrant(5)).id, kept.id);
    await expire(clock2, 100_000, again, '/k/kept');
    assert.equal(await again.get('/k/kept'), undefined);
    // The expiry was logged: it does not come back on the next open.
    await again.close();
    const third = await DurableStore.open({ dir, memory: { clock: new ManualClock() }, warn: () => undefined });
    assert.equal(await third.get('/k/kept'), undefined);
    assert.equal((await third.leaseList()).includes(kept.id), false);
    await third.close();
  });

  test('a checkpoint keeps the leases and which keys they hold', async () => {
    const clock = new ManualClock();
    const s = await DurableStore.open({ dir, memory: { clock }, warn: () => undefined });
    const { id } = await s.leaseGrant(30);
    await put(s, '/c/e', 'v', id);
    await s.close();
    const again = await DurableStore.open({ dir, memory: { clock }, warn: () => undefined });
    assert.deepEqual((await again.leaseTimeToLive(id)).keys, ['/c/e']);
    await expire(clock, 30_000, again, '/c/e');
    assert.equal(await again.get('/c/e'), undefined);
    await again.close();
  });
});

describe('snapshots with leases', () => {
  test('a snapshot file carries the leases; restoring attaches the keys again', async () => {
    const clock = new ManualClock();
    const s = new MemoryStore({ clock });
    const { id } = await s.leaseGrant(20);
    await put(s, '/s/a', 'v', id);
    await put(s, '/s/b', 'w');
    const decoded = decodeSnapshot(encodeSnapshot(s.snapshot()));
    assert.ok(!('error' in decoded));
    assert.deepEqual(decoded.snapshot.leases, [{ id, ttl: 20 }]);
    const restored = new MemoryStore({ clock });
    restored.restore(decoded.snapshot);
    assert.equal((await restored.get('/s/a'))?.lease, id);
    await expire(clock, 20_000, restored, '/s/a');
    assert.deepEqual((await restored.range('/s/')).kvs.map((kv) => kv.key), ['/s/b']);
  });

  test('a key naming a lease the snapshot lacks is refused', () => {
    const body = new TextEncoder().encode(JSON.stringify({ revision: 2, kvs: [{ key: '/a', value: 'v', createRevision: 2, modRevision: 2, version: 1, lease: '7' }] }));
    const decoded = decodeSnapshot(body);
    assert.ok('error' in decoded);
    assert.match(decoded.error, /kvs\[0\]\.lease: must name one of the snapshot's leases/);
  });
});
