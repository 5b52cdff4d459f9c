/**
 * Compactor is etcd's auto-compaction (--auto-compaction-mode and
 * --auto-compaction-retention, v3compactor): `periodic` keeps a span of time's
 * history, `revision` keeps a number of revisions. It works over any Store, so
 * the embedded store and a real etcd are compacted alike.
 */
import type { Clock, Timer } from '../clock';
import type { Store } from './store';

/** AutoCompaction is a parsed --auto-compaction-mode and --auto-compaction-retention. */
export type AutoCompaction = { mode: 'periodic'; retentionMs: number } | { mode: 'revision'; retention: number };

/** REVISION_INTERVAL_MS is how often the revision compactor looks (v3compactor's revInterval). */
export const REVISION_INTERVAL_MS = 5 * 60_000;

const HOUR_MS = 60 * 60_000;
/** RETRY_DIVISOR splits the periodic compactor's interval into the steps it samples the revision at. */
const RETRY_DIVISOR = 10;

/**
 * parseAutoCompaction reads the two flags as etcd does: a bare whole number is
 * hours for `periodic` and revisions for `revision`; otherwise `periodic` takes
 * a Go duration (`30m`, `1h30m`). A retention of 0 turns auto-compaction off
 * (undefined). Bad input is an error, worded as etcd's.
 */
export function parseAutoCompaction(mode: string, retention: string): AutoCompaction | undefined | { error: string } {
  if (mode !== 'periodic' && mode !== 'revision') return { error: mode === '' ? 'undefined auto-compaction-mode' : `unknown auto-compaction-mode ${JSON.stringify(mode)}` };
  const value = retention === '' ? '0' : retention;
  if (/^\+?\d+$/.test(value)) {
    const n = Number(value);
    if (n === 0) return undefined;
    return mode === 'revision' ? { mode, retention: n } : { mode, retentionMs: n * HOUR_MS };
  }
  const ms = parseGoDuration(value);
  if (ms === undefined) return { error: `error parsing CompactionRetention: time: invalid duration ${JSON.stringify(value)}` };
  if (mode === 'revision') return { error: `error parsing CompactionRetention: a revision retention is a whole number of revisions, not ${JSON.stringify(value)}` };
  if (ms <= 0) return undefined;
  return { mode, retentionMs: ms };
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: HOUR_MS };

/** parseGoDuration reads a Go time.Duration string (`1h30m`, `1.5h`, `-5m`) in milliseconds; undefined when it is not one. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(s) as RegExpExecArray;
  let rest = m[2];
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const part = /^(\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * UNIT_MS[part[2]];
    rest = rest.slice(part[0].length);
  }
  return m[1] === '-' ? -total : total;
}

/** Compactor runs one auto-compaction policy against a store until stopped. */
export class Compactor {
  private timer?: Timer;
  /** revs are the revisions sampled each step, oldest first; the first is the revision of one retention ago (periodic). */
  private revs: number[] = [];
  private lastSuccess = 0;
  private last = 0;
  private stopped = true;

  constructor(private readonly store: Store, private readonly clock: Clock, readonly policy: AutoCompaction) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.revs = [];
    this.lastSuccess = this.clock.now();
    if (this.policy.mode === 'periodic') this.samplePeriodic(this.policy.retentionMs);
    else this.armRevision(this.policy.retention);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * samplePeriodic records the revision every tenth of the retention (of an
   * hour, past an hour) and, once a retention has passed since the last
   * compaction (an hour, past an hour), compacts to the revision sampled one
   * retention ago. A step the store fails (a real etcd out of reach) is tried
   * again at the next one, as etcd's compactor retries.
   */
  private samplePeriodic(period: number): void {
    const interval = Math.min(period, HOUR_MS);
    const retry = interval / RETRY_DIVISOR;
    const keep = Math.floor(period / retry) + 1;
    const step = async (): Promise<void> => {
      this.revs.push(await this.store.revision());
      if (this.revs.length > keep) this.revs.shift();
    };
    void step().catch(() => undefined).finally(() => {
      if (this.stopped) return;
      this.timer = this.clock.setTimer(retry, () => {
        const due = this.clock.now() - this.lastSuccess >= interval && this.revs.length > 0;
        const compacted = due ? this.store.compact(this.revs[0]).then(() => void (this.lastSuccess = this.clock.now())) : Promise.resolve();
        void compacted.catch(() => undefined).finally(() => !this.stopped && this.samplePeriodic(period));
      });
    });
  }

  /** armRevision compacts, every five minutes, to the revision retention back from the current one, when that moved. */
  private armRevision(retention: number): void {
    this.timer = this.clock.setTimer(REVISION_INTERVAL_MS, () => {
      const step = async (): Promise<void> => {
        const rev = (await this.store.revision()) - retention;
        if (rev <= 0 || rev === this.last) return;
        await this.store.compact(rev);
        this.last = rev;
      };
      void step().catch(() => undefined).finally(() => !this.stopped && this.armRevision(retention));
    });
  }
}
