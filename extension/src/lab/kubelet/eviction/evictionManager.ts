/**
 * EvictionManager is the kubelet's node-pressure eviction (pkg/kubelet/eviction,
 * eviction_manager.go): every monitoring interval it reads the node's stats,
 * finds the thresholds met (memory.available<100Mi by default), keeps the
 * pressure conditions they call for until the pressure transition period has
 * passed without them, and, while a threshold holds on fresh stats, evicts one
 * pod — the first in rankMemoryPressure's order that is not critical — with
 * the Evicted reason, upstream's message and the DisruptionTarget condition.
 */
import type { Clock, Timer } from '../../clock';
import type { Condition, KubeObject, Pod, PodStatus } from '../../api/types';
import { setCondition } from '../../api/meta';
import type { EventRecorder } from '../../client/eventRecorder';
import { qosClass } from '../../api/pods';
import { TAINT_NODE_MEMORY_PRESSURE, tolerationsTolerateTaint } from '../../api/taints';
import { REASON, type StatsFunc, evictionMessage, isCriticalPod, rankMemoryPressure } from './ranking';
import { type Summary, observations as observe } from './summary';
import {
  DEFAULT_EVICTION_HARD, type ObservedAt, type Observations, type PressureCondition, SIGNAL_RESOURCE, type Threshold, byEvictionPriority, mergeThresholds,
  nodeConditions, nodeConditionsLastObservedAt, nodeConditionsObservedSince, parseThresholds, thresholdsFirstObservedAt, thresholdsMet,
  thresholdsMetGracePeriod, thresholdsUpdatedStats,
} from './thresholds';

/** MONITORING_INTERVAL_MS is the kubelet's evictionMonitoringPeriod: how often synchronize runs. */
export const MONITORING_INTERVAL_MS = 10_000;
/** PRESSURE_TRANSITION_PERIOD_MS is --eviction-pressure-transition-period's default: a condition holds this long after it was last observed. */
export const PRESSURE_TRANSITION_PERIOD_MS = 5 * 60_000;
/** POD_CLEANUP_POLL_MS is podCleanupPollFreq: after an eviction, the next synchronize comes once the pod is cleaned up, polled this often. */
const POD_CLEANUP_POLL_MS = 1_000;
/** IMMEDIATE_EVICTION_GRACE_SECONDS is how long a pod evicted for a hard threshold gets to stop. */
export const IMMEDIATE_EVICTION_GRACE_SECONDS = 1;

/** Termination is how an evicted pod ends: its status reason and message, and the condition it gets. */
export interface Termination {
  reason: string;
  message: string;
  condition: Condition;
}

/** terminatedStatus is the final status of a pod ended abnormally: Failed with the termination's reason and message, not ready, with its condition. */
export function terminatedStatus(status: PodStatus, end: Termination, now: string): PodStatus {
  let conditions = status.conditions;
  for (const type of ['Ready', 'ContainersReady']) conditions = setCondition(conditions, { type, status: 'False', reason: 'PodFailed', lastProbeTime: null, lastTransitionTime: now });
  conditions = setCondition(conditions, { ...end.condition, lastProbeTime: null, lastTransitionTime: now });
  return { ...status, phase: 'Failed', reason: end.reason, message: end.message, conditions };
}

/** EvictionHost is what the manager needs of its kubelet. */
export interface EvictionHost {
  clock: Clock;
  recorder: Pick<EventRecorder, 'event'>;
  nodeName: string;
  /** summary is the node's stats now; undefined while the kubelet has none. */
  summary(): Summary | undefined;
  /** activePods are the pods the kubelet runs that are neither terminal nor being terminated. */
  activePods(): Pod[];
  /** terminate is TerminatePodAbnormallyAndWait: kill the pod's containers within grace seconds and end it Failed as termination says. */
  terminate(pod: Pod, graceSeconds: number, termination: Termination): Promise<void>;
}

/** EvictionConfig is the manager's configuration; each field defaults to the kubelet's. */
export interface EvictionConfig {
  /** evictionHard is --eviction-hard: signal to quantity or percentage. */
  evictionHard?: Readonly<Record<string, string>>;
  /** evictionMinimumReclaim is --eviction-minimum-reclaim: how far past its threshold a signal is reclaimed once eviction started. */
  evictionMinimumReclaim?: Readonly<Record<string, string>>;
  pressureTransitionPeriodMs?: number;
}

export class EvictionManager {
  private readonly thresholds: Threshold[];
  private readonly transitionMs: number;
  /** conditions are the pressure conditions the node reports now. */
  private conditions: PressureCondition[] = [];
  private conditionsLastObservedAt = new Map<PressureCondition, number>();
  private firstObservedAt: ObservedAt = [];
  /** met are the thresholds met (grace period included) and not yet resolved. */
  private met: Threshold[] = [];
  private lastObservations: Observations = new Map();
  private timer?: Timer;
  private epoch = 0;

  constructor(private readonly host: EvictionHost, config: EvictionConfig = {}) {
    const parsed = parseThresholds(config.evictionHard ?? DEFAULT_EVICTION_HARD, true, config.evictionMinimumReclaim);
    if ('error' in parsed) throw new Error(`--eviction-hard: ${parsed.error}`);
    this.thresholds = parsed;
    this.transitionMs = config.pressureTransitionPeriodMs ?? PRESSURE_TRANSITION_PERIOD_MS;
  }

  /** start runs synchronize now and then every monitoring interval (sooner after an eviction) until stop. */
  start(): void {
    this.stop();
    const epoch = ++this.epoch;
    const loop = async (): Promise<void> => {
      const evicted = await this.synchronize();
      if (epoch === this.epoch) this.timer = this.host.clock.setTimer(evicted ? POD_CLEANUP_POLL_MS : MONITORING_INTERVAL_MS, () => void loop());
    };
    this.timer = this.host.clock.setTimer(0, () => void loop());
  }

  stop(): void {
    this.epoch++;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** isUnderMemoryPressure tells whether the node reports MemoryPressure. */
  isUnderMemoryPressure(): boolean {
    return this.conditions.includes('MemoryPressure');
  }

  /**
   * admit is the manager's PodAdmitHandler: under pressure a new pod is
   * refused unless it is critical, or the only pressure is memory and the pod
   * is not best-effort or tolerates the memory-pressure taint. It answers the
   * refusal's reason and message, or undefined to admit.
   */
  admit(pod: Pod): { reason: string; message: string } | undefined {
    if (this.conditions.length === 0 || isCriticalPod(pod)) return undefined;
    if (this.conditions.length === 1 && this.conditions[0] === 'MemoryPressure') {
      if (qosClass(pod) !== 'BestEffort') return undefined;
      if (tolerationsTolerateTaint(pod.spec.tolerations, { key: TAINT_NODE_MEMORY_PRESSURE, effect: 'NoSchedule' })) return undefined;
    }
    return { reason: REASON, message: `The node had condition: [${this.conditions.join(' ')}]. ` };
  }

  /** pressure lists the pressure conditions the node reports now. */
  pressure(): readonly PressureCondition[] {
    return this.conditions;
  }

  /** synchronize is one pass of the control loop; it answers the pod it evicted, if any. */
  async synchronize(): Promise<Pod | undefined> {
    const summary = this.host.summary();
    if (!summary) return undefined;
    const observations = observe(summary);
    let thresholds = thresholdsMet(this.thresholds, observations, false);
    // Thresholds met before stay until their minimum reclaim is satisfied too.
    if (this.met.length) thresholds = mergeThresholds(thresholds, thresholdsMet(this.met, observations, true));
    const now = this.host.clock.now();
    const firstObservedAt = thresholdsFirstObservedAt(thresholds, this.firstObservedAt, now);
    const lastObservedAt = nodeConditionsLastObservedAt(nodeConditions(thresholds), this.conditionsLastObservedAt, now);
    this.conditions = nodeConditionsObservedSince(lastObservedAt, this.transitionMs, now);
    this.firstObservedAt = firstObservedAt;
    this.conditionsLastObservedAt = lastObservedAt;
    this.met = thresholdsMetGracePeriod(firstObservedAt, now);
    const fresh = thresholdsUpdatedStats(this.met, observations, this.lastObservations);
    this.lastObservations = observations;
    if (fresh.length === 0) return undefined;
    const ordered = byEvictionPriority(fresh);
    const toReclaim = ordered[0];
    const resource = SIGNAL_RESOURCE[toReclaim.signal];
    await this.host.recorder.event(this.nodeRef(), 'Warning', 'EvictionThresholdMet', `Attempting to reclaim ${resource}`);
    // Memory has no node-level reclaim (image and container GC are for the disk signals): pods must go.
    const active = this.host.activePods();
    if (active.length === 0) return undefined;
    const stats: StatsFunc = (pod) => summary.pods.get(pod.metadata.uid ?? '');
    for (const pod of rankMemoryPressure(active, stats)) {
      const grace = toReclaim.gracePeriodMs === 0 ? IMMEDIATE_EVICTION_GRACE_SECONDS : (pod.spec.terminationGracePeriodSeconds ?? 30);
      const message = evictionMessage(resource, pod, stats, ordered, observations);
      if (await this.evictPod(pod, grace, message)) return pod;
    }
    return undefined;
  }

  /** evictPod evicts pod unless it is critical (static pods are not admitted again after an eviction): the event, then the termination. */
  private async evictPod(pod: Pod, graceSeconds: number, message: string): Promise<boolean> {
    if (isCriticalPod(pod)) return false;
    await this.host.recorder.event(pod, 'Warning', REASON, message);
    const condition: Condition = { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message };
    await this.host.terminate(pod, graceSeconds, { reason: REASON, message, condition });
    return true;
  }

  /** nodeRef is the node as the kubelet's events name it: by name, its name for the UID. */
  private nodeRef(): KubeObject {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.host.nodeName, uid: this.host.nodeName } };
  }
}
