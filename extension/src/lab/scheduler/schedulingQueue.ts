/**
 * SchedulingQueue holds pods waiting to be scheduled, as upstream's
 * PriorityQueue: activeQ ordered by priority then arrival (PrioritySort),
 * backoffQ for pods that failed recently (1 s doubling to 10 s), and the
 * unschedulable pods that wait for a cluster event that could help them.
 */
import type { Clock, Timer } from '../clock';
import { keyOf } from '../api/meta';
import type { Pod } from '../api/types';

export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
/** Pods left unschedulable this long are retried anyway (podMaxInUnschedulablePodsDuration). */
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

interface Entry {
  pod: Pod;
  attempts: number;
  added: number;
  seq: number;
}

export class SchedulingQueue {
  private readonly active = new Map<string, Entry>();
  private readonly backoff = new Map<string, { entry: Entry; timer: Timer }>();
  private readonly unschedulable = new Map<string, Entry>();
  private readonly attempts = new Map<string, number>();
  private waiters: ((pod: Pod | undefined) => void)[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** add queues a new or changed pending pod. */
  add(pod: Pod): void {
    const key = keyOf(pod);
    for (const m of [this.active, this.unschedulable]) {
      const e = m.get(key);
      if (e) {
        e.pod = pod;
        if (m === this.unschedulable) {
          // An update to the pod itself may make it schedulable.
          m.delete(key);
          this.toActive(e);
        }
        return;
      }
    }
    const b = this.backoff.get(key);
    if (b) {
      b.entry.pod = pod;
      return;
    }
    this.toActive({ pod, attempts: this.attempts.get(key) ?? 0, added: this.clock.now(), seq: ++this.seq });
  }

  /** delete forgets a pod that was scheduled elsewhere or deleted. */
  delete(pod: Pod): void {
    const key = keyOf(pod);
    this.active.delete(key);
    this.unschedulable.delete(key);
    this.backoff.get(key)?.timer.cancel();
    this.backoff.delete(key);
    this.attempts.delete(key);
  }

  /** pop waits for the highest-priority active pod; undefined once closed. */
  pop(): Promise<Pod | undefined> {
    const next = this.takeBest();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** requeueUnschedulable parks a pod that failed, until an event or its backoff moves it. */
  requeueUnschedulable(pod: Pod): void {
    const key = keyOf(pod);
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempts);
    this.unschedulable.set(key, { pod, attempts, added: this.clock.now(), seq: ++this.seq });
  }

  /** requeueBackoff retries a pod after its backoff (a binding error, say). */
  requeueBackoff(pod: Pod): void {
    const key = keyOf(pod);
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempts);
    this.toBackoff({ pod, attempts, added: this.clock.now(), seq: ++this.seq });
  }

  /** moveAllToActiveOrBackoff is called on cluster events (node added, pod deleted) that may free room. */
  moveAllToActiveOrBackoff(): void {
    for (const [key, e] of [...this.unschedulable]) {
      this.unschedulable.delete(key);
      this.toBackoff(e);
    }
  }

  /** flushLeftover retries pods that have been unschedulable for too long. */
  flushLeftover(): void {
    const now = this.clock.now();
    for (const [key, e] of [...this.unschedulable]) {
      if (now - e.added >= MAX_UNSCHEDULABLE_MS) {
        this.unschedulable.delete(key);
        this.toBackoff(e);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const b of this.backoff.values()) b.timer.cancel();
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }

  private toBackoff(e: Entry): void {
    const key = keyOf(e.pod);
    const wait = Math.min(INITIAL_BACKOFF_MS * 2 ** Math.max(0, e.attempts - 1), MAX_BACKOFF_MS);
    const timer = this.clock.setTimer(wait, () => {
      this.backoff.delete(key);
      this.toActive(e);
    });
    this.backoff.set(key, { entry: e, timer });
  }

  private toActive(e: Entry): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(e.pod);
    else this.active.set(keyOf(e.pod), e);
  }

  private takeBest(): Pod | undefined {
    let best: Entry | undefined;
    for (const e of this.active.values()) {
      if (!best || lessPriority(e, best)) best = e;
    }
    if (best) this.active.delete(keyOf(best.pod));
    return best?.pod;
  }
}

/** lessPriority is PrioritySort's Less: higher priority first, then earlier arrival. */
function lessPriority(a: Entry, b: Entry): boolean {
  const pa = a.pod.spec.priority ?? 0;
  const pb = b.pod.spec.priority ?? 0;
  return pa !== pb ? pa > pb : a.seq < b.seq;
}
