/**
 * Clock is the lab's only source of time. Components never read the wall clock or
 * start timers themselves: the composition root hands them a Clock, so tests can
 * step time exactly ("advance 40 s: the node is NotReady") and the UI can run the
 * lab faster than real time or pause it.
 */
export interface Clock {
  /** now returns milliseconds since the Unix epoch, in this clock's time. */
  now(): number;
  /** setTimer runs fn once after ms of this clock's time; the handle cancels it. */
  setTimer(ms: number, fn: () => void): Timer;
}

/** Timer is a pending callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/** RealClock is wall-clock time. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  }
}

/**
 * ScaledClock runs time `speed` times faster than the wall clock (0 pauses it).
 * Changing speed keeps now() continuous and reschedules pending timers.
 */
export class ScaledClock implements Clock {
  private baseWall = Date.now();
  private baseLab: number;
  private readonly pending = new Set<{ due: number; fn: () => void; handle?: ReturnType<typeof setTimeout> }>();

  constructor(private speedFactor = 1, start = Date.now()) {
    this.baseLab = start;
  }

  now(): number {
    return this.baseLab + (Date.now() - this.baseWall) * this.speedFactor;
  }

  get speed(): number {
    return this.speedFactor;
  }

  set speed(value: number) {
    this.baseLab = this.now();
    this.baseWall = Date.now();
    this.speedFactor = Math.max(0, value);
    for (const entry of this.pending) this.arm(entry);
  }

  setTimer(ms: number, fn: () => void): Timer {
    const entry: { due: number; fn: () => void; handle?: ReturnType<typeof setTimeout> } = { due: this.now() + Math.max(0, ms), fn };
    this.pending.add(entry);
    this.arm(entry);
    return {
      cancel: () => {
        clearTimeout(entry.handle);
        this.pending.delete(entry);
      },
    };
  }

  private arm(entry: { due: number; fn: () => void; handle?: ReturnType<typeof setTimeout> }): void {
    clearTimeout(entry.handle);
    entry.handle = undefined;
    if (this.speedFactor === 0) return;
    const wait = Math.max(0, (entry.due - this.now()) / this.speedFactor);
    entry.handle = setTimeout(() => {
      this.pending.delete(entry);
      entry.fn();
    }, wait);
    entry.handle.unref?.();
  }
}

/**
 * ManualClock only moves when a test advances it. advance() fires due timers in
 * order and lets the promise chains they start settle before firing the next, so
 * a test reads like a timeline.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const id = ++this.seq;
    this.timers.set(id, { due: this.current + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** advance moves time forward by ms, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** pendingTimers counts timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  private nextDue(limit: number): { id: number; due: number; fn: () => void } | undefined {
    let best: { id: number; due: number; fn: () => void } | undefined;
    for (const [id, t] of this.timers) {
      if (t.due <= limit && (!best || t.due < best.due || (t.due === best.due && id < best.id))) best = { id, ...t };
    }
    return best;
  }
}

/** settle lets pending promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
