/**
 * LeaseManager is the API server's etcd lease cache (storage/etcd3's
 * leaseManager): objects written with a TTL, Events under --event-ttl, are
 * attached to a lease, and one lease serves every write for a while rather than
 * one each. A write reuses the last lease while that lease outlives the TTL it
 * needs by less than the reuse window (5 % of the TTL, at most 60 s) and has
 * fewer than 1,000 objects; otherwise a new lease is granted with the TTL plus
 * the window. An Event therefore lives between its TTL and its TTL plus a
 * minute, as on a real cluster.
 */
import type { Clock } from '../clock';
import { type Store, type StoreLeases, asStoreLeases } from '../store/store';
import type { ResourceType } from './resources';

/** DEFAULT_EVENT_TTL_SECONDS is kube-apiserver's --event-ttl default: one hour. */
export const DEFAULT_EVENT_TTL_SECONDS = 3_600;
/** LEASE_REUSE_DURATION_SECONDS caps the reuse window (--lease-reuse-duration-seconds). */
export const LEASE_REUSE_DURATION_SECONDS = 60;
/** LEASE_REUSE_DURATION_PERCENT is the reuse window as a share of the TTL. */
export const LEASE_REUSE_DURATION_PERCENT = 0.05;
/** LEASE_MAX_OBJECT_COUNT is how many objects one lease serves (defaultLeaseMaxObjectCount). */
export const LEASE_MAX_OBJECT_COUNT = 1_000;

export class LeaseManager {
  private prevId?: string;
  private prevExpiry = 0;
  private attached = 0;
  /** granting is a grant on its way: writes meanwhile wait for it rather than grant their own, as upstream's holds its mutex over the grant. */
  private granting?: Promise<unknown>;

  constructor(private readonly store: StoreLeases, private readonly clock: Clock) {}

  /** lease is the lease for a write whose object must live ttlSeconds. */
  async lease(ttlSeconds: number): Promise<string> {
    while (this.granting) await this.granting.catch(() => undefined);
    const now = this.clock.now();
    const reuse = Math.min(Math.trunc(LEASE_REUSE_DURATION_PERCENT * ttlSeconds), LEASE_REUSE_DURATION_SECONDS);
    const valid = now + ttlSeconds * 1000 < this.prevExpiry;
    // At or past: upstream's clock has always moved on since the grant, the lab's may not have.
    const sufficient = now + (ttlSeconds + reuse) * 1000 >= this.prevExpiry;
    if (this.prevId !== undefined && valid && sufficient && this.attached < LEASE_MAX_OBJECT_COUNT) {
      this.attached++;
      return this.prevId;
    }
    const granted = this.store.leaseGrant(ttlSeconds + reuse);
    this.granting = granted;
    try {
      const { id } = await granted;
      this.prevId = id;
      this.prevExpiry = now + (ttlSeconds + reuse) * 1000;
      this.attached = 1;
      return id;
    } finally {
      this.granting = undefined;
    }
  }
}

/** leaseManagerFor is the lease cache over store, when the store has leases. */
export function leaseManagerFor(store: Store, clock: Clock): LeaseManager | undefined {
  const leases = asStoreLeases(store);
  return leases ? new LeaseManager(leases, clock) : undefined;
}

/** ObjectTTL is how long a resource's objects live after each write, and the leases that expire them. */
export interface ObjectTTL {
  seconds: number;
  leases: LeaseManager;
}

/** ttlFor is a resource's TTL: Events (core and events.k8s.io, one resource upstream) live eventTTLSeconds; the others are kept. */
export function ttlFor(t: Pick<ResourceType, 'group' | 'resource'>, leases: LeaseManager | undefined, eventTTLSeconds = DEFAULT_EVENT_TTL_SECONDS): ObjectTTL | undefined {
  if (!leases || t.resource !== 'events' || (t.group !== '' && t.group !== 'events.k8s.io')) return undefined;
  return { seconds: eventTTLSeconds, leases };
}
