/**
 * TimedWorkerQueue runs one piece of work per key at a set time, as the taint
 * eviction controller's queue (pkg/controller/tainteviction/timed_workers.go): a
 * key already scheduled, or already done, is not scheduled twice until cancelled.
 */
import type { Clock, Timer } from '../clock';

/** TimedWorker is a scheduled piece of work: when it was created and when it fires. */
export interface TimedWorker {
  createdAt: number;
  fireAt: number;
  timer: Timer;
}

export class TimedWorkerQueue {
  /** workers maps a key to its pending work, or null once the work has run (kept so it is not added again). */
  private readonly workers = new Map<string, TimedWorker | null>();

  constructor(private readonly clock: Clock, private readonly work: (key: string, fireAt: number) => Promise<boolean>) {}

  /** addWork schedules work for key at fireAt (now if past) unless key is already known. */
  addWork(key: string, createdAt: number, fireAt: number): void {
    if (this.workers.has(key)) return;
    const worker: TimedWorker = { createdAt, fireAt, timer: { cancel: () => undefined } };
    worker.timer = this.clock.setTimer(Math.max(0, fireAt - this.clock.now()), () => void this.fire(key, worker));
    this.workers.set(key, worker);
  }

  /** cancelWork forgets key; it reports whether pending work was cancelled. */
  cancelWork(key: string): boolean {
    const w = this.workers.get(key);
    this.workers.delete(key);
    if (!w) return false;
    w.timer.cancel();
    return true;
  }

  /** getWorker is GetWorkerUnsafe: the pending work for key, if any. */
  getWorker(key: string): TimedWorker | undefined {
    return this.workers.get(key) ?? undefined;
  }

  /** stop cancels every pending piece of work. */
  stop(): void {
    for (const w of this.workers.values()) w?.timer.cancel();
    this.workers.clear();
  }

  private async fire(key: string, worker: TimedWorker): Promise<void> {
    const done = await this.work(key, worker.fireAt);
    // Work cancelled or replaced meanwhile is not this one's to settle.
    if (this.workers.get(key) !== worker) return;
    // A failed piece of work is forgotten so the next update of its key can schedule it again.
    if (done) this.workers.set(key, null);
    else this.workers.delete(key);
  }
}
