/**
 * Lessor is the in-memory stores' lease book, as etcd's lessor: each lease's
 * TTL, the keys attached to it and the timer of its expiry. It decides nothing
 * about keys: the store deletes a lease's keys when it revokes it, and hears
 * from here when a lease has expired (etcd's lessor hands expired leases to the
 * server, which revokes them through raft, and tries again every 3 s while one
 * is still there).
 */
import type { Clock, Timer } from '../clock';
import { MIN_LEASE_TTL_SECONDS, type LeaseGrant, type LeaseStatus, type Op } from './store';

/** EXPIRED_LEASE_RETRY_MS is how long etcd waits before handing an expired lease that is still there over again (expiredLeaseRetryInterval). */
export const EXPIRED_LEASE_RETRY_MS = 3_000;

/** SnapshotLease is a lease as a snapshot keeps it: its ID and granted TTL (the time left is not kept: a restored lease starts over, as etcd's do when its lessor is promoted). */
export interface SnapshotLease {
  id: string;
  ttl: number;
}

interface Lease {
  id: string;
  ttl: number;
  /** expiry is the clock time the lease ends (Infinity without a clock). */
  expiry: number;
  keys: Set<string>;
  timer?: Timer;
}

export class Lessor {
  private readonly leases = new Map<string, Lease>();
  /** last is the highest lease ID handed out: IDs count up from 1. */
  private last = 0;

  /** expired hears a lease whose TTL has passed; without a clock no lease expires. */
  constructor(private readonly clock: Clock | undefined, private readonly expired: (id: string) => void) {}

  /** nextId reserves the next lease ID (a store that logs a grant before making it). */
  nextId(): string {
    return String(++this.last);
  }

  /** grant makes a lease of ttlSeconds (raised to the minimum) under id, or the next ID. */
  grant(ttlSeconds: number, id = this.nextId()): LeaseGrant {
    const ttl = Math.max(Math.ceil(ttlSeconds), MIN_LEASE_TTL_SECONDS);
    this.last = Math.max(this.last, Number(id));
    const lease: Lease = { id, ttl, expiry: this.clock ? this.clock.now() + ttl * 1000 : Infinity, keys: new Set() };
    this.leases.get(id)?.timer?.cancel();
    this.leases.set(id, lease);
    this.arm(lease, ttl * 1000);
    return { id, ttl };
  }

  has(id: string): boolean {
    return this.leases.has(id);
  }

  /** missingFrom tells whether a put among ops names a lease that does not exist. */
  missingFrom(ops: readonly Op[]): boolean {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op.type === 'put' && op.lease !== undefined && !this.leases.has(op.lease)) return true;
    }
    return false;
  }

  attach(key: string, id: string): void {
    this.leases.get(id)?.keys.add(key);
  }

  detach(key: string, id: string): void {
    this.leases.get(id)?.keys.delete(key);
  }

  /** keysOf lists a lease's keys in key order. */
  keysOf(id: string): string[] {
    return [...(this.leases.get(id)?.keys ?? [])].sort();
  }

  /** remove forgets a lease and stops its timer (its keys are the store's to delete). */
  remove(id: string): void {
    this.leases.get(id)?.timer?.cancel();
    this.leases.delete(id);
  }

  timeToLive(id: string): LeaseStatus {
    const lease = this.leases.get(id);
    if (!lease) return { id, ttl: -1, grantedTtl: 0, keys: [] };
    const left = this.clock ? Math.max(0, Math.ceil((lease.expiry - this.clock.now()) / 1000)) : lease.ttl;
    return { id, ttl: left, grantedTtl: lease.ttl, keys: this.keysOf(id) };
  }

  /** list is the leases' IDs in numeric order. */
  list(): string[] {
    return [...this.leases.keys()].sort((a, b) => Number(a) - Number(b));
  }

  /** all is every lease as a snapshot keeps it, in ID order. */
  all(): SnapshotLease[] {
    return this.list().map((id) => ({ id, ttl: (this.leases.get(id) as Lease).ttl }));
  }

  /** reset replaces every lease with a snapshot's, each starting its TTL now; keys are attached again by the store. */
  reset(leases: readonly SnapshotLease[]): void {
    this.close();
    this.leases.clear();
    for (const l of leases) this.grant(l.ttl, l.id);
  }

  /** close stops every timer. */
  close(): void {
    for (const lease of this.leases.values()) {
      lease.timer?.cancel();
      lease.timer = undefined;
    }
  }

  private arm(lease: Lease, ms: number): void {
    if (!this.clock) return;
    lease.timer = this.clock.setTimer(ms, () => {
      if (this.leases.get(lease.id) !== lease) return;
      // Tried again later if the revocation did not take (a write that failed to log).
      this.arm(lease, EXPIRED_LEASE_RETRY_MS);
      this.expired(lease.id);
    });
  }
}
