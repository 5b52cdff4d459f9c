import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, type Status, isStatus } from '../api/types';
import { ManualClock } from '../clock';
import { EVENTS, type ResourceRef } from '../client/resources';
import type { LeaseGrant, LeaseStatus, StoreLeases } from '../store/store';
import { startTestLab } from '../testLab';
import { DEFAULT_EVENT_TTL_SECONDS, LEASE_MAX_OBJECT_COUNT, LeaseManager, ttlFor } from './leaseManager';

/** GrantLog is a lease API that only counts grants (the manager never revokes). */
class GrantLog implements StoreLeases {
  readonly grants: number[] = [];
  leaseGrant(ttl: number): Promise<LeaseGrant> {
    this.grants.push(ttl);
    return Promise.resolve({ id: String(this.grants.length), ttl });
  }
  leaseRevoke(): Promise<void> {
    return Promise.reject(new Error('not used'));
  }
  leaseTimeToLive(id: string): Promise<LeaseStatus> {
    return Promise.resolve({ id, ttl: -1, grantedTtl: 0, keys: [] });
  }
  leaseList(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

test('one lease of the TTL plus the reuse window serves writes for that window, then a new one is granted', async () => {
  const clock = new ManualClock();
  const store = new GrantLog();
  const leases = new LeaseManager(store, clock);
  assert.equal(await leases.lease(3600), '1');
  assert.deepEqual(store.grants, [3660], 'an hour plus min(5 % of it, 60 s)');
  await clock.advance(59_999);
  assert.equal(await leases.lease(3600), '1', 'reused while it outlives the TTL');
  await clock.advance(1);
  assert.equal(await leases.lease(3600), '2', 'a lease that would not outlive the TTL is not reused');
  // A short TTL has a window of 5 %: 100 s get a lease of 105 s.
  assert.equal(await leases.lease(100), '3');
  assert.equal(store.grants.at(-1), 105);
});

test('a lease serves at most 1,000 objects; writes arriving together share one grant', async () => {
  const clock = new ManualClock();
  const store = new GrantLog();
  const leases = new LeaseManager(store, clock);
  const ids = await Promise.all(Array.from({ length: LEASE_MAX_OBJECT_COUNT + 1 }, () => leases.lease(3600)));
  assert.equal(ids.filter((id) => id === '1').length, LEASE_MAX_OBJECT_COUNT);
  assert.equal(ids.at(-1), '2');
  assert.equal(store.grants.length, 2);
});

test('only Events have a TTL, core and events.k8s.io alike', () => {
  const leases = new LeaseManager(new GrantLog(), new ManualClock());
  assert.equal(ttlFor({ group: '', resource: 'events' }, leases)?.seconds, DEFAULT_EVENT_TTL_SECONDS);
  assert.equal(ttlFor({ group: 'events.k8s.io', resource: 'events' }, leases, 600)?.seconds, 600);
  assert.equal(ttlFor({ group: '', resource: 'pods' }, leases), undefined);
  assert.equal(ttlFor({ group: '', resource: 'events' }, undefined), undefined, 'a store without leases keeps Events');
});

/** codeOf is a response's status code: a Status's own, 200 for an object. */
const codeOf = (x: KubeObject | Status): number => (isStatus(x) ? x.code ?? 500 : 200);

const EVENTS_V1: ResourceRef = { group: 'events.k8s.io', version: 'v1', resource: 'events', namespaced: true };

test('an Event is deleted --event-ttl after its last write (plus the lease reuse window), and watchers see it go', async () => {
  const { lab, clock } = await startTestLab(1, 7, { eventTTLSeconds: 600 });
  try {
    const client = lab.client();
    const event = (name: string): KubeObject => ({
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' }, reason: 'Test', message: 'hello', type: 'Normal', count: 1,
    });
    const first = await client.create(EVENTS, event('first'));
    assert.ok(!isStatus(first), JSON.stringify(first));
    const seen: string[] = [];
    const watch = await client.watch(EVENTS, 'default', { resourceVersion: first.metadata.resourceVersion ?? '' }, (e) => {
      if (e.type !== 'BOOKMARK' && e.type !== 'ERROR') seen.push(`${e.type} ${(e.object as KubeObject).metadata.name ?? ''}`);
    }, () => undefined);
    await clock.advance(300_000);
    // Written again half-way: its TTL counts from this write.
    const again = await client.get(EVENTS, 'default', 'first');
    assert.ok(!isStatus(again));
    assert.equal(codeOf(await client.update(EVENTS, { ...again, count: 2 })), 200);
    const v1 = await client.create(EVENTS_V1, {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'second', namespace: 'default' },
      eventTime: '2026-01-01T00:05:00.000000Z', reportingController: 'lab', reportingInstance: 'lab-1', action: 'Test', reason: 'Test', type: 'Normal',
      regarding: { kind: 'Pod', namespace: 'default', name: 'p' },
    });
    assert.equal(codeOf(v1), 200, JSON.stringify(v1));
    await clock.advance(600_000);
    assert.equal(codeOf(await client.get(EVENTS, 'default', 'first')), 200, 'still there 600 s after its first write: the update renewed it');
    await clock.advance(30_000 + 1_000);
    await clock.advance(0);
    assert.equal(codeOf(await client.get(EVENTS, 'default', 'first')), 404);
    assert.equal(codeOf(await client.get(EVENTS_V1, 'default', 'second')), 404);
    watch.cancel();
    assert.ok(seen.includes('DELETED first'), `the watch saw the expiry: ${JSON.stringify(seen)}`);
  } finally {
    lab.stop();
  }
});
