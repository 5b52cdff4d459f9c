/**
 * RateLimitedTimedQueue is the node lifecycle controller's per-zone tainting
 * queue (pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go): a unique
 * queue of node names ordered by when to process them, drained only as fast as a
 * token bucket allows, so a zone's nodes are tainted at --node-eviction-rate.
 */
import type { Clock } from '../clock';

/** EVICTION_RATE_LIMITER_BURST is EvictionRateLimiterBurst. */
export const EVICTION_RATE_LIMITER_BURST = 1;

/** RateLimiter is flowcontrol.RateLimiter as far as the queue needs it. */
export interface RateLimiter {
  readonly qps: number;
  tryAccept(): boolean;
}

/** TokenBucket is flowcontrol.NewTokenBucketRateLimiter: starts full, refills at qps up to burst. */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly clock: Clock, readonly qps: number, private readonly burst: number) {
    this.tokens = burst;
    this.last = clock.now();
  }

  tryAccept(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** neverAccept is NewFakeNeverRateLimiter: the limiter of a zone whose evictions are stopped. */
const neverAccept: RateLimiter = { qps: 0, tryAccept: () => false };

/** TimedValue is one queued node: its name, its UID and when to process it. */
export interface TimedValue {
  value: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

/** An action returns true when done, or false and how long to wait before trying again. */
export type ActionFunc = (v: TimedValue) => Promise<[done: boolean, retryAfterMs: number]>;

export class RateLimitedTimedQueue {
  /** known holds every value added and not removed; queued those still waiting to be processed (UniqueQueue's set and heap). */
  private readonly known = new Map<string, TimedValue>();
  private readonly queued = new Set<string>();
  private limiter: RateLimiter;

  constructor(private readonly clock: Clock, qps: number) {
    this.limiter = qps > 0 ? new TokenBucket(clock, qps, EVICTION_RATE_LIMITER_BURST) : neverAccept;
  }

  /** add queues value unless it is already known; it reports whether it was added. */
  add(value: string, uid: string): boolean {
    if (this.known.has(value)) return false;
    const now = this.clock.now();
    this.known.set(value, { value, uid, addedAt: now, processAt: now });
    this.queued.add(value);
    return true;
  }

  /** remove forgets value, queued or already processed; it reports whether it was known. */
  remove(value: string): boolean {
    this.queued.delete(value);
    return this.known.delete(value);
  }

  /** pending tells whether any value waits to be processed. */
  get pending(): boolean {
    return this.queued.size > 0;
  }

  /**
   * try processes due values in order while the limiter allows, as Try: a token is
   * spent for each look at the head; a value whose action fails comes back later.
   */
  async try(fn: ActionFunc): Promise<void> {
    for (let head = this.head(); head; head = this.head()) {
      if (!this.limiter.tryAccept()) return;
      const now = this.clock.now();
      if (now < head.processAt) return;
      const [done, wait] = await fn(head);
      if (!this.queued.has(head.value)) continue;
      if (done) this.queued.delete(head.value);
      else head.processAt = now + wait + 1;
    }
  }

  /** swapLimiter is SwapLimiter: a new rate (0 stops processing); a new bucket starts drained when the old one was. */
  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    if (qps <= 0) {
      this.limiter = neverAccept;
      return;
    }
    const next = new TokenBucket(this.clock, qps, EVICTION_RATE_LIMITER_BURST);
    if (!this.limiter.tryAccept()) next.tryAccept();
    this.limiter = next;
  }

  private head(): TimedValue | undefined {
    let best: TimedValue | undefined;
    for (const v of this.queued) {
      const t = this.known.get(v) as TimedValue;
      if (!best || t.processAt < best.processAt) best = t;
    }
    return best;
  }
}
