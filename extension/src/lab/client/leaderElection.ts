/**
 * LeaderElector is client-go's leader election (tools/leaderelection) over a
 * Lease lock (resourcelock.LeaseLock): candidates race to hold a
 * coordination.k8s.io/v1 Lease; the holder renews it every retry period and
 * steps down when it cannot renew within the renew deadline; another candidate
 * takes it over only after seeing it unchanged for a whole lease duration.
 * Expiry is judged by when this candidate observed the record on its own Clock,
 * never by the renewTime written in it, so candidates need not agree on time.
 */
import { microTimestamp } from '../api/meta';
import type { KubeObject, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { Clock, Timer } from '../clock';
import type { Random } from '../random';
import type { EventRecorder } from './eventRecorder';
import type { KubeClient } from './kubeClient';
import { LEASES } from './resources';

/** LEASE_DURATION_MS, RENEW_DEADLINE_MS and RETRY_PERIOD_MS are LeaderElectionConfiguration's defaults for kube-scheduler and kube-controller-manager. */
export const LEASE_DURATION_MS = 15_000;
export const RENEW_DEADLINE_MS = 10_000;
export const RETRY_PERIOD_MS = 2_000;
/** JITTER_FACTOR stretches each wait between acquire attempts by up to this many retry periods (leaderelection.JitterFactor). */
export const JITTER_FACTOR = 1.2;

/** LeaseSpec is coordination.k8s.io/v1 LeaseSpec as a leader election writes it. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Lease is a coordination.k8s.io/v1 Lease. */
export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** LeaderCallbacks are told of leadership changes (leaderelection.LeaderCallbacks). */
export interface LeaderCallbacks {
  /** onStartedLeading runs once the lease is won: the component starts its work. */
  onStartedLeading(): void | Promise<void>;
  /** onStoppedLeading runs when the election ends, lost or stopped, whether or not it ever led. */
  onStoppedLeading(): void;
  /** onNewLeader hears of each leader this candidate observes, itself included. */
  onNewLeader?(identity: string): void;
}

/** LeaderElectionConfig is leaderelection.LeaderElectionConfig with a Lease lock. */
export interface LeaderElectionConfig {
  client: KubeClient;
  clock: Clock;
  /** random draws the jitter between acquire attempts. */
  random: Random;
  /** lock is the Lease and this candidate's identity (`<hostname>_<uuid>` in kube-scheduler and kube-controller-manager). */
  lock: { namespace: string; name: string; identity: string };
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** releaseOnCancel gives the lease up when stopped while leading, so a successor need not wait for it to expire. */
  releaseOnCancel?: boolean;
  /** recorder records `<identity> became leader` and `<identity> stopped leading` on the Lease. */
  recorder?: EventRecorder;
  callbacks: LeaderCallbacks;
}

/** ElectionRecord is resourcelock.LeaderElectionRecord, its times in clock milliseconds. */
interface ElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: number;
  renewTime: number;
  leaderTransitions: number;
}

/** leaderElectionConfigError is NewLeaderElector's refusal of a configuration, with its wording. */
export function leaderElectionConfigError(c: Pick<LeaderElectionConfig, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs' | 'lock'>): string | undefined {
  const lease = c.leaseDurationMs ?? LEASE_DURATION_MS;
  const deadline = c.renewDeadlineMs ?? RENEW_DEADLINE_MS;
  const retry = c.retryPeriodMs ?? RETRY_PERIOD_MS;
  if (lease <= deadline) return 'leaseDuration must be greater than renewDeadline';
  if (deadline <= JITTER_FACTOR * retry) return 'renewDeadline must be greater than retryPeriod*JitterFactor';
  if (lease < 1) return 'leaseDuration must be greater than zero';
  if (deadline < 1) return 'renewDeadline must be greater than zero';
  if (retry < 1) return 'retryPeriod must be greater than zero';
  if (!c.lock.identity) return 'Lock identity is empty';
  return undefined;
}

export class LeaderElector {
  private readonly lock: LeaseLock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed?: ElectionRecord;
  private observedTime = 0;
  /** observedRaw is the last spec read from the server, to tell a changed record from the one already observed. */
  private observedRaw = '';
  private reportedLeader = '';
  private timer?: Timer;
  private started = false;
  private leading = false;
  /** done is set once the election has ended: stopped, or leadership lost. */
  private done = false;

  constructor(private readonly config: LeaderElectionConfig) {
    const bad = leaderElectionConfigError(config);
    if (bad) throw new Error(bad);
    this.leaseDurationMs = config.leaseDurationMs ?? LEASE_DURATION_MS;
    this.renewDeadlineMs = config.renewDeadlineMs ?? RENEW_DEADLINE_MS;
    this.retryPeriodMs = config.retryPeriodMs ?? RETRY_PERIOD_MS;
    this.lock = new LeaseLock(config.client, config.lock, config.recorder);
  }

  /** identity is this candidate's holder identity. */
  get identity(): string {
    return this.config.lock.identity;
  }

  /** isLeader is true while the last observed record names this candidate (IsLeader). */
  get isLeader(): boolean {
    return this.observed?.holderIdentity === this.identity;
  }

  /** leader is the holder of the last observed record, '' before any (GetLeader). */
  get leader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /**
   * run starts campaigning: it settles after the first attempt, and when that
   * attempt won the lease, once onStartedLeading has; later attempts run on the clock.
   */
  async run(): Promise<void> {
    if (this.started) throw new Error(`leader election for ${this.lock.describe()} already runs`);
    this.started = true;
    await this.acquire();
  }

  /**
   * stop ends the election as cancelling Run's context does: onStoppedLeading
   * runs at once (the component stops its work first), then a leader with
   * releaseOnCancel gives the lease up (unless release is false: a killed
   * process gives nothing up); the promise settles when it has.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.timer?.cancel();
    const wasLeading = this.leading;
    this.leading = false;
    this.config.callbacks.onStoppedLeading();
    if (wasLeading && this.config.releaseOnCancel && options.release !== false) await this.release();
  }

  /** acquire is one turn of the acquire loop: try, and on failure try again after a jittered retry period. */
  private async acquire(): Promise<void> {
    if (this.done) return;
    const won = await this.tryAcquireOrRenew();
    if (this.done) return;
    this.maybeReportTransition();
    if (!won) {
      const wait = this.retryPeriodMs + this.config.random.float() * JITTER_FACTOR * this.retryPeriodMs;
      this.timer = this.config.clock.setTimer(wait, () => void this.acquire());
      return;
    }
    void this.lock.recordEvent('became leader');
    this.leading = true;
    // The renew loop starts at once, beside the component, as wait.Until calls its function before its first wait.
    this.renewRound();
    await this.config.callbacks.onStartedLeading();
  }

  /** renewRound renews every retry period; a round that has not renewed by the renew deadline loses the lease. */
  private renewRound(): void {
    const start = this.config.clock.now();
    const attempt = async (): Promise<void> => {
      if (this.done) return;
      const renewed = await this.tryAcquireOrRenew();
      if (this.done) return;
      const elapsed = this.config.clock.now() - start;
      if (renewed) {
        this.maybeReportTransition();
        this.timer = this.config.clock.setTimer(this.retryPeriodMs, () => this.renewRound());
      } else if (elapsed + this.retryPeriodMs < this.renewDeadlineMs) {
        this.timer = this.config.clock.setTimer(this.retryPeriodMs, () => void attempt());
      } else {
        this.timer = this.config.clock.setTimer(Math.max(0, this.renewDeadlineMs - elapsed), () => void this.lose());
      }
    };
    void attempt();
  }

  /** lose ends a leadership that could not be renewed: the event, the callback, and the release when configured. */
  private async lose(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.leading = false;
    this.maybeReportTransition();
    void this.lock.recordEvent('stopped leading');
    this.config.callbacks.onStoppedLeading();
    if (this.config.releaseOnCancel) await this.release();
  }

  /** tryAcquireOrRenew takes the lease if free or expired, or renews it if held; true on success. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.config.clock.now();
    const desired: ElectionRecord = { holderIdentity: this.identity, leaseDurationSeconds: Math.floor(this.leaseDurationMs / 1000), acquireTime: now, renewTime: now, leaderTransitions: 0 };
    // 1. The leader's fast path: update the record it last saw, assuming nobody else wrote since.
    if (this.isLeader && this.isLeaseValid(now) && this.observed) {
      const record = { ...desired, acquireTime: this.observed.acquireTime, leaderTransitions: this.observed.leaderTransitions };
      if (await this.lock.update(record)) {
        this.setObserved(record);
        return true;
      }
    }
    // 2. Read the record, creating it when there is none.
    const got = await this.lock.get();
    if (isStatus(got)) {
      if (got.code !== 404) return false;
      if (!(await this.lock.create(desired))) return false;
      this.setObserved(desired);
      return true;
    }
    // 3. A record another candidate changed restarts the expiry count from now.
    if (got.raw !== this.observedRaw) {
      this.setObserved(got.record);
      this.observedRaw = got.raw;
    }
    if (got.record.holderIdentity && this.isLeaseValid(now) && !this.isLeader) return false;
    // 4. Take it (a transition) or keep it.
    const record = this.isLeader
      ? { ...desired, acquireTime: got.record.acquireTime, leaderTransitions: got.record.leaderTransitions }
      : { ...desired, leaderTransitions: got.record.leaderTransitions + 1 };
    if (!(await this.lock.update(record))) return false;
    this.setObserved(record);
    return true;
  }

  /** release writes an empty holder with a one-second duration, so the next candidate takes over at once. */
  private async release(): Promise<boolean> {
    if (!this.isLeader || !this.observed) return true;
    const now = this.config.clock.now();
    const record: ElectionRecord = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaderTransitions: this.observed.leaderTransitions };
    if (!(await this.lock.update(record))) return false;
    this.setObserved(record);
    return true;
  }

  private isLeaseValid(now: number): boolean {
    return this.observedTime + (this.observed?.leaseDurationSeconds ?? 0) * 1000 > now;
  }

  private setObserved(record: ElectionRecord): void {
    this.observed = record;
    this.observedTime = this.config.clock.now();
  }

  private maybeReportTransition(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    this.config.callbacks.onNewLeader?.(holder);
  }
}

/** LeaseLock keeps the election record in a Lease's spec, remembering the Lease last read or written for the next update. */
class LeaseLock {
  private lease?: Lease;

  constructor(
    private readonly client: KubeClient,
    private readonly meta: { namespace: string; name: string; identity: string },
    private readonly recorder?: EventRecorder,
  ) {}

  describe(): string {
    return `${this.meta.namespace}/${this.meta.name}`;
  }

  /** get reads the record, with its spec's text to compare records by; the API's Status when it cannot. */
  async get(): Promise<{ record: ElectionRecord; raw: string } | Status> {
    const got = await this.client.get<Lease>(LEASES, this.meta.namespace, this.meta.name);
    if (isStatus(got)) return got;
    this.lease = got;
    const spec = got.spec ?? {};
    return { record: recordOf(spec), raw: JSON.stringify([spec.holderIdentity, spec.leaseDurationSeconds, spec.acquireTime, spec.renewTime, spec.leaseTransitions]) };
  }

  async create(record: ElectionRecord): Promise<boolean> {
    const created = await this.client.create<Lease>(LEASES, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: this.meta.name, namespace: this.meta.namespace },
      spec: specOf(record),
    });
    if (isStatus(created)) return false;
    this.lease = created;
    return true;
  }

  /** update writes record over the Lease last seen; a Conflict (someone wrote since) or any refusal is false. */
  async update(record: ElectionRecord): Promise<boolean> {
    if (!this.lease) return false;
    const updated = await this.client.update<Lease>(LEASES, { ...this.lease, spec: specOf(record) });
    if (isStatus(updated)) return false;
    this.lease = updated;
    return true;
  }

  /** recordEvent is LeaseLock.RecordEvent: a Normal LeaderElection event on the Lease, `<identity> <what>`. */
  async recordEvent(what: string): Promise<void> {
    if (!this.recorder || !this.lease) return;
    const subject: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: this.lease.metadata };
    await this.recorder.event(subject, 'Normal', 'LeaderElection', `${this.meta.identity} ${what}`);
  }
}

/** specOf is LeaderElectionRecordToLeaseSpec: times become MicroTime. */
function specOf(r: ElectionRecord): LeaseSpec {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: microTimestamp(r.acquireTime),
    renewTime: microTimestamp(r.renewTime),
    leaseTransitions: r.leaderTransitions,
  };
}

/** recordOf is LeaseSpecToLeaderElectionRecord: absent fields read as zero values. */
function recordOf(spec: LeaseSpec): ElectionRecord {
  const time = (t: string | undefined) => {
    const ms = t ? Date.parse(t) : NaN;
    return Number.isNaN(ms) ? 0 : ms;
  };
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: time(spec.acquireTime),
    renewTime: time(spec.renewTime),
    leaderTransitions: spec.leaseTransitions ?? 0,
  };
}
