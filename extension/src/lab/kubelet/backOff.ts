/**
 * BackOff is client-go's flowcontrol.Backoff as the kubelet uses it for
 * container restarts: per key, a delay that starts at 10 s and doubles on
 * each restart up to 5 min, forgotten once a container ran for twice the
 * maximum (10 min) before it exited again.
 */
import type { Clock } from '../clock';

/** CONTAINER_BACKOFF_INITIAL_MS and CONTAINER_BACKOFF_MAX_MS are the kubelet's backOffPeriod and MaxContainerBackOff. */
export const CONTAINER_BACKOFF_INITIAL_MS = 10_000;
export const CONTAINER_BACKOFF_MAX_MS = 300_000;

interface Entry {
  backoff: number;
  lastUpdate: number;
}

export class BackOff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, private readonly initial = CONTAINER_BACKOFF_INITIAL_MS, private readonly max = CONTAINER_BACKOFF_MAX_MS) {}

  /** get is the key's current delay (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.backoff ?? 0;
  }

  /** isInBackOffSince tells whether the key's delay, counted from eventTime, has not yet passed. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) return false;
    return this.clock.now() - eventTime < entry.backoff;
  }

  /** isInBackOffSinceUpdate tells whether the key's delay, counted from its last next(), has not yet passed at eventTime. */
  isInBackOffSinceUpdate(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) return false;
    return eventTime - entry.lastUpdate < entry.backoff;
  }

  /** gc drops the keys not moved on for twice the maximum delay (Backoff.GC). */
  gc(): void {
    const now = this.clock.now();
    for (const [key, entry] of [...this.entries]) if (this.hasExpired(now, entry.lastUpdate)) this.entries.delete(key);
  }

  /** next moves the key to its next delay: the initial one when new or expired, else double, capped. */
  next(key: string, eventTime: number): void {
    const entry = this.entries.get(key);
    const now = this.clock.now();
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) this.entries.set(key, { backoff: this.initial, lastUpdate: now });
    else this.entries.set(key, { backoff: Math.min(entry.backoff * 2, this.max), lastUpdate: now });
  }

  /** forget drops the keys for which keep says no (the pod is gone). */
  forget(keep: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (!keep(key)) this.entries.delete(key);
  }

  private hasExpired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.max * 2;
  }
}

/** goDuration formats whole-second milliseconds as Go's time.Duration String does: `10s`, `1m20s`, `5m0s`. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h) return `${h}h${m}m${sec}s`;
  if (m) return `${m}m${sec}s`;
  return `${sec}s`;
}
