/**
 * WorkQueue is client-go's rate-limited work queue: a key queued twice is
 * processed once, a key is never processed by two workers at once, and failed
 * keys come back after a per-key exponential backoff.
 */
import type { Clock } from '../clock';

/** client-go's default per-item backoff: 5 ms doubling up to 1000 s. */
const BASE_DELAY_MS = 5;
const MAX_DELAY_MS = 1000_000;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private waiting: (() => void)[] = [];
  private shuttingDown = false;

  /** backoff sets the per-item backoff (ItemExponentialFailureRateLimiter's base and cap); client-go's default without it. */
  constructor(private readonly clock: Clock, private readonly backoff: { baseMs: number; maxMs: number } = { baseMs: BASE_DELAY_MS, maxMs: MAX_DELAY_MS }) {}

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.waiting.shift()?.();
  }

  addAfter(key: string, ms: number): void {
    if (ms <= 0) this.add(key);
    else this.clock.setTimer(ms, () => this.add(key));
  }

  /** addRateLimited requeues a key that failed, waiting longer each time it fails again. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.backoff.baseMs * 2 ** n, this.backoff.maxMs));
  }

  /** forget clears a key's failure count after it succeeds. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.queue.length;
  }

  /** run processes keys with `workers` concurrent loops until shutDown. */
  run(worker: (key: string) => Promise<void>, workers = 1): void {
    for (let i = 0; i < workers; i++) void this.loop(worker);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting) w();
    this.waiting = [];
  }

  private async loop(worker: (key: string) => Promise<void>): Promise<void> {
    while (!this.shuttingDown) {
      const key = this.queue.shift();
      if (key === undefined) {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      try {
        await worker(key);
      } finally {
        this.processing.delete(key);
        if (this.dirty.has(key)) {
          this.queue.push(key);
          this.waiting.shift()?.();
        }
      }
      // A sync only awaits in-process calls: after a slice of them, the rest of the lab (kubelets, other controllers,
      // the watches to the editor) gets a turn, and the changes it makes meanwhile come to the next sync together.
      await this.clock.giveWay?.();
    }
  }
}
