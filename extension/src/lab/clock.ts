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
  /**
   * giveWay lets the event loop take a turn — timers, I/O, the rest of the lab —
   * before a long loop (the scheduler's queue, a controller's work queue) goes on.
   * The lab is one thread: a loop that only awaits in-process calls never gives
   * way by itself, and a burst of 5,000 pods would freeze every kubelet until the
   * scheduler had placed the last one. A clock without it (the tests' ManualClock,
   * whose timelines must stay exact) lets loops run on.
   */
  giveWay?(): Promise<void>;
}

/** Timer is a pending callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/** RealClock is wall-clock time. */
export class RealClock implements Clock {
  private readonly slice = new TimeSlice();

  now(): number {
    return Date.now();
  }

  giveWay(): Promise<void> {
    return this.slice.giveWay();
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
  private readonly slice = new TimeSlice();
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

  giveWay(): Promise<void> {
    return this.slice.giveWay();
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

/** SLICE_MS is how long a loop runs before it gives way: Go's scheduler preempts a goroutine after 10 ms. */
const SLICE_MS = 10;
const AT_ONCE = Promise.resolve();

/**
 * TimeSlice is giveWay for the wall-clock clocks: a loop that has had the thread
 * for SLICE_MS since it last gave way yields a turn of the event loop; before
 * that it goes on (a turn per pod would cost each pod a turn, and the batching of
 * everything that runs in between).
 */
class TimeSlice {
  private since = Date.now();

  giveWay(): Promise<void> {
    const now = Date.now();
    if (now - this.since < SLICE_MS) return AT_ONCE;
    return settle().then(() => {
      this.since = Date.now();
    });
  }
}

/** settle lets pending promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
