/**
 * ProbeWorker is the kubelet's probe worker (pkg/kubelet/prober/worker.go):
 * one per container and probe type, probing on its own timer every
 * periodSeconds until the pod ends. It waits out initialDelaySeconds after
 * the container started, runs the startup probe until the container has
 * started and the others only after, needs failureThreshold failures or
 * successThreshold successes in a row to change its result, and holds a
 * container that failed liveness or startup until a new instance replaces it.
 */
import type { Container, Pod } from '../api/types';
import type { Clock, Timer } from '../clock';
import type { Random } from '../random';
import { type Probe, type ProbeOutcome, type ProbeTarget, runProbeAction } from './probeActions';
import type { ContainerRecord } from './runtime';

/** ProbeType names a probe as the prober's events do: Liveness, Readiness, Startup. */
export type ProbeType = 'Liveness' | 'Readiness' | 'Startup';

/** Result is results.Result: what the kubelet acts on for a container. */
export type Result = 'Success' | 'Failure' | 'Unknown';

/** MAX_PROBE_RETRIES is how often a probe that errors is tried again within one period (maxProbeRetries). */
const MAX_PROBE_RETRIES = 3;

/** INITIAL_VALUES are each probe's result before it has run: not ready, alive, not yet started. */
const INITIAL_VALUES: Record<ProbeType, Result> = { Readiness: 'Failure', Liveness: 'Success', Startup: 'Unknown' };

/** WorkerHost is what a worker needs of its prober and kubelet. */
export interface WorkerHost {
  clock: Clock;
  random: Random;
  /** startedAt is when the prober started; workers made within a period of it wait a random part of the period first. */
  startedAt(): number;
  /** pod is the pod of the key (namespace/name) as the kubelet knows it now, undefined once it is gone. */
  pod(key: string): Pod | undefined;
  /** container is the newest instance of the container the kubelet has reported (a postStart hook still running hides it). */
  container(podUID: string, name: string): ContainerRecord | undefined;
  /** started tells whether the instance has passed its startup probe (or has none). */
  started(podKey: string, name: string, record: ContainerRecord): boolean;
  target(pod: Pod, container: Container, record: ContainerRecord): ProbeTarget | undefined;
  /** event records an event about the container. */
  event(pod: Pod, container: Container, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** changed hears each new result for a container instance (the results manager's updates). */
  changed(worker: ProbeWorker, containerID: string, result: Result): void;
  /** done removes a worker that has stopped. */
  done(worker: ProbeWorker): void;
}

export class ProbeWorker {
  /** containerID is the instance the result is for. */
  containerID?: string;
  /** result is the result set for containerID. */
  result?: Result;
  private lastResult?: Result;
  private resultRun = 0;
  private onHold = false;
  private timer?: Timer;
  private ticking = false;
  private tickStart = 0;
  private lastTick = 0;
  private busy = false;
  private triggered = false;
  private stopped = false;

  constructor(private readonly host: WorkerHost, readonly type: ProbeType, readonly podKey: string, readonly podUID: string, readonly container: Container, private readonly spec: Probe) {}

  private get periodMs(): number {
    return (this.spec.periodSeconds || 10) * 1000;
  }

  /** start begins probing; a kubelet that started less than a period ago spreads its workers over the period first. */
  start(): void {
    const period = this.periodMs;
    const jitter = period > this.host.clock.now() - this.host.startedAt() ? Math.floor(this.host.random.float() * period) : 0;
    this.timer = this.host.clock.setTimer(jitter, () => {
      this.ticking = true;
      this.tickStart = this.host.clock.now();
      this.run();
    });
  }

  /** stop ends the worker; a probe in flight finishes without effect. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.host.done(this);
  }

  /** trigger runs a probe now, besides the periodic ones (the manual trigger the status manager pulls for an unready container). */
  trigger(): void {
    if (this.stopped) return;
    if (this.busy || !this.ticking) {
      this.triggered = true;
      return;
    }
    this.timer?.cancel();
    this.run();
  }

  private run(): void {
    this.busy = true;
    void this.doProbe().then((keepGoing) => {
      this.busy = false;
      if (!keepGoing) this.stop();
      if (this.stopped) return;
      this.schedule();
    });
  }

  /** schedule waits for the next tick of the period; a tick that came while probing (Go's ticker keeps one) or a trigger runs at once. */
  private schedule(): void {
    const now = this.host.clock.now();
    const period = this.periodMs;
    const due = Math.floor((now - this.tickStart) / period);
    if (this.triggered || due > this.lastTick) {
      this.triggered = false;
      this.lastTick = Math.max(this.lastTick, due);
      this.timer = this.host.clock.setTimer(0, () => this.run());
      return;
    }
    this.timer = this.host.clock.setTimer(this.tickStart + (this.lastTick + 1) * period - now, () => {
      this.lastTick++;
      this.run();
    });
  }

  /** set records a result for the current instance; a change is news for the kubelet. */
  private set(result: Result): void {
    if (this.result === result || this.containerID === undefined) return;
    this.result = result;
    this.host.changed(this, this.containerID, result);
  }

  /** doProbe probes once and records the result; it tells whether the worker goes on. */
  private async doProbe(): Promise<boolean> {
    const pod = this.host.pod(this.podKey);
    if (!pod || pod.metadata.uid !== this.podUID) return true;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') return false;
    const c = this.host.container(this.podUID, this.container.name);
    if (!c) return true;
    if (c.id !== this.containerID) {
      this.containerID = c.id;
      this.result = undefined;
      this.set(INITIAL_VALUES[this.type]);
      this.onHold = false;
    }
    if (this.onHold) return true;
    if (c.finishedAt !== undefined || c.startedAt === undefined) {
      this.set('Failure');
      return pod.spec.restartPolicy !== 'Never';
    }
    if (pod.metadata.deletionTimestamp && this.type !== 'Readiness') {
      // A pod being deleted is let go quietly.
      this.set('Success');
      return false;
    }
    if (Math.floor((this.host.clock.now() - c.startedAt) / 1000) < (this.spec.initialDelaySeconds ?? 0)) return true;
    const started = this.host.started(this.podKey, this.container.name, c);
    if (started === (this.type === 'Startup')) return true;
    const target = this.host.target(pod, this.container, c);
    if (!target) return true;
    const result = await this.probe(pod, target);
    if (result === undefined || this.stopped || c.id !== this.containerID) return true;
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if ((result === 'Failure' && this.resultRun < (this.spec.failureThreshold || 3)) || (result === 'Success' && this.resultRun < (this.spec.successThreshold || 1))) return true;
    this.set(result);
    if (this.type !== 'Readiness' && result === 'Failure') {
      // The container is to be restarted: leave it alone until a new instance replaces it.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }

  /**
   * probe runs the handler, trying again when it errors, and records what
   * upstream's prober records: Unhealthy for a failure or an error, ProbeWarning
   * for a redirect. An error's result is thrown away (undefined).
   */
  private async probe(pod: Pod, target: ProbeTarget): Promise<Result | undefined> {
    let outcome: ProbeOutcome = { result: 'unknown', error: '' };
    for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
      outcome = await runProbeAction(target, this.spec);
      if (!('error' in outcome)) break;
    }
    if (this.stopped) return undefined;
    if ('error' in outcome) {
      this.host.event(pod, this.container, 'Warning', 'Unhealthy', `${this.type} probe errored and resulted in ${outcome.result} state: ${outcome.error}`);
      return undefined;
    }
    switch (outcome.result) {
      case 'success':
        return 'Success';
      case 'warning':
        this.host.event(pod, this.container, 'Warning', 'ProbeWarning', `${this.type} probe warning: ${outcome.output}`);
        return 'Success';
      case 'failure':
        this.host.event(pod, this.container, 'Warning', 'Unhealthy', `${this.type} probe failed: ${outcome.output}`);
        return 'Failure';
      default:
        return 'Failure';
    }
  }
}
