/**
 * SchedulingQueue holds pods waiting to be scheduled, as upstream's
 * PriorityQueue: activeQ ordered by the profiles' QueueSort, backoffQ for pods
 * that failed recently (initial backoff doubling per attempt up to the max),
 * and the unschedulable pods, which wait for a cluster event one of the plugins
 * that rejected them registered, or for the leftover flush after 5 minutes.
 */
import { keyOf } from '../api/meta';
import type { Pod } from '../api/types';
import type { Clock, Timer } from '../clock';
import { Framework } from './framework/framework';
import type { ClusterEvent, ClusterEventWithHint, QueuedPodInfo, Status } from './framework/interfaces';

export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
/** Pods left unschedulable this long are retried anyway (podMaxInUnschedulablePodsDuration). */
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;
/** How often backoffQ and the leftover unschedulable pods are flushed (flushBackoffQCompleted, flushUnschedulablePodsLeftover). */
export const BACKOFF_FLUSH_MS = 1000;
export const UNSCHEDULABLE_FLUSH_MS = 30_000;

/** UnschedulableTimeout is the event the leftover flush moves pods with. */
export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = { resource: '*', actionType: 0xffff, label: 'UnschedulableTimeout' };

export interface QueueOptions {
  clock: Clock;
  /** less is the QueueSort all profiles share. */
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** preEnqueue runs the pod's profile's PreEnqueue plugins. */
  preEnqueue?: (pod: Pod) => Status;
  /** hintsFor are the events each plugin of the pod's profile registered. */
  hintsFor?: (pod: Pod) => ReadonlyMap<string, ClusterEventWithHint[]> | undefined;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** calculateBackoffDuration is initial * 2^(attempts-1), capped at max. */
export function backoffDuration(attempts: number, initialMs = INITIAL_BACKOFF_MS, maxMs = MAX_BACKOFF_MS): number {
  let d = initialMs;
  for (let i = 1; i < attempts; i++) {
    if (d > maxMs - d) return maxMs;
    d += d;
  }
  return Math.min(d, maxMs);
}

export class SchedulingQueue {
  private readonly heap: QueuedPodInfo[] = [];
  private readonly inActive = new Map<string, QueuedPodInfo>();
  private readonly backoff = new Map<string, QueuedPodInfo>();
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** inFlight are popped pods whose cycle has not ended; attempts survive here. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly nominated = new Map<string, Map<string, Pod>>();
  /** nominatedNode is where each nominated pod (by key) is nominated, so forgetting one needs no search. */
  private readonly nominatedNode = new Map<string, string>();
  private waiters: ((p: QueuedPodInfo | undefined) => void)[] = [];
  private seq = 0;
  private closed = false;
  /** schedulingCycle counts pops; moveRequestCycle is the cycle of the last move request (an event). */
  schedulingCycle = 0;
  private moveRequestCycle = -1;
  private timers: Timer[] = [];

  constructor(private readonly options: QueueOptions) {}

  /** run starts the periodic flushes (backoffQ each second, leftover unschedulable pods every 30 s). */
  run(): void {
    const every = (ms: number, fn: () => void): void => {
      const t = this.options.clock.setTimer(ms, () => {
        if (this.closed) return;
        fn();
        every(ms, fn);
      });
      this.timers[ms === BACKOFF_FLUSH_MS ? 0 : 1] = t;
    };
    every(BACKOFF_FLUSH_MS, () => this.flushBackoffQCompleted());
    every(UNSCHEDULABLE_FLUSH_MS, () => this.flushUnschedulablePodsLeftover());
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) t?.cancel();
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }

  /** add queues a new pending pod: activeQ, or the unschedulable pods when a PreEnqueue plugin gates it. */
  add(pod: Pod): void {
    const key = keyOf(pod);
    if (this.inActive.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key)) return this.update(pod);
    const now = this.options.clock.now();
    this.moveToActive({ pod, key, timestamp: now, attempts: 0, unschedulablePlugins: new Set(), seq: ++this.seq });
  }

  /** update takes a changed pending pod: a pod that changed where it matters leaves the unschedulable pods. */
  update(pod: Pod): void {
    const key = keyOf(pod);
    const active = this.inActive.get(key);
    if (active) {
      active.pod = pod;
      this.fix(active);
      return;
    }
    const b = this.backoff.get(key) ?? this.inFlight.get(key);
    if (b) {
      b.pod = pod;
      return;
    }
    const u = this.unschedulable.get(key);
    if (!u) return this.add(pod);
    const changed = specChanged(u.pod, pod);
    u.pod = pod;
    if (!changed) return;
    this.unschedulable.delete(key);
    if (this.isBackingOff(u)) this.backoff.set(key, u);
    else this.moveToActive(u);
  }

  /** delete forgets a pod that was scheduled elsewhere or deleted. */
  delete(pod: Pod): void {
    const key = keyOf(pod);
    const e = this.inActive.get(key);
    if (e) this.removeFromHeap(e);
    this.inActive.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
    this.deleteNominatedPodIfExists(pod);
  }

  /** pop waits for the first pod in activeQ; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const next = this.takeBest();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** done ends a popped pod's cycle (it was scheduled, or it left). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * addUnschedulableIfNotPresent returns a pod whose attempt failed: to backoffQ
   * when an event arrived during its cycle (or the failure was an error),
   * otherwise among the unschedulable pods.
   */
  addUnschedulableIfNotPresent(info: QueuedPodInfo, podSchedulingCycle: number, error = false): void {
    const key = info.key;
    this.inFlight.delete(key);
    if (this.inActive.has(key) || this.backoff.has(key) || this.unschedulable.has(key)) return;
    info.timestamp = this.options.clock.now();
    if (error || this.moveRequestCycle >= podSchedulingCycle) this.backoff.set(key, info);
    else this.unschedulable.set(key, info);
  }

  /** backoffTime is when a pod's backoff after its last failure ends. */
  backoffTime(info: QueuedPodInfo): number {
    return info.timestamp + backoffDuration(info.attempts, this.options.initialBackoffMs, this.options.maxBackoffMs);
  }

  /**
   * moveAllToActiveOrBackoffQueue is called on cluster events: each unschedulable
   * pod that a rejecting plugin registered the event for (with a queueing hint
   * that says Queue) goes to backoffQ or, with its backoff over, to activeQ.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: unknown, newObj?: unknown, preCheck?: (pod: Pod) => boolean): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (this.unschedulable.size === 0) return;
    for (const [key, info] of [...this.unschedulable]) {
      if (info.gatingPlugin && event !== UNSCHEDULABLE_TIMEOUT) {
        if (!this.worthRequeuing(info, new Set([info.gatingPlugin]), event, oldObj, newObj)) continue;
      } else if (preCheck && !preCheck(info.pod)) continue;
      else if (event !== UNSCHEDULABLE_TIMEOUT && !this.worthRequeuing(info, info.unschedulablePlugins, event, oldObj, newObj)) continue;
      this.unschedulable.delete(key);
      if (info.gatingPlugin) {
        info.gatingPlugin = undefined;
        this.moveToActive(info);
      } else if (this.isBackingOff(info)) this.backoff.set(key, info);
      else this.moveToActive(info);
    }
  }

  /** flushBackoffQCompleted moves pods whose backoff ended to activeQ. */
  flushBackoffQCompleted(): void {
    for (const [key, info] of [...this.backoff]) {
      if (this.isBackingOff(info)) continue;
      this.backoff.delete(key);
      this.moveToActive(info);
    }
  }

  /** flushUnschedulablePodsLeftover retries pods unschedulable for longer than podMaxInUnschedulablePodsDuration. */
  flushUnschedulablePodsLeftover(): void {
    const now = this.options.clock.now();
    const stale = [...this.unschedulable.values()].filter((i) => !i.gatingPlugin && now - i.timestamp > MAX_UNSCHEDULABLE_MS).map((i) => i.key);
    if (stale.length === 0) return;
    const keys = new Set(stale);
    this.moveAllToActiveOrBackoffQueue(UNSCHEDULABLE_TIMEOUT, undefined, undefined, (pod) => keys.has(keyOf(pod)));
  }

  /** addNominatedPod records that a pod is nominated to run on node (preemption). */
  addNominatedPod(pod: Pod, node: string): void {
    this.deleteNominatedPodIfExists(pod);
    let m = this.nominated.get(node);
    if (!m) this.nominated.set(node, (m = new Map<string, Pod>()));
    const key = keyOf(pod);
    m.set(key, pod);
    this.nominatedNode.set(key, node);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    const key = keyOf(pod);
    const node = this.nominatedNode.get(key);
    if (node === undefined) return;
    this.nominatedNode.delete(key);
    const m = this.nominated.get(node);
    if (m?.delete(key) && m.size === 0) this.nominated.delete(node);
  }

  nominatedPodsForNode(node: string): Pod[] {
    // Asked for every node a cycle filters; most of the time nothing is nominated anywhere.
    if (this.nominated.size === 0) return [];
    const m = this.nominated.get(node);
    return m ? [...m.values()] : [];
  }

  /** pending counts the pods in each queue, as the scheduler_pending_pods metric does. */
  pending(): { active: number; backoff: number; unschedulable: number; gated: number } {
    let gated = 0;
    for (const i of this.unschedulable.values()) if (i.gatingPlugin) gated++;
    return { active: this.inActive.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  private worthRequeuing(info: QueuedPodInfo, plugins: ReadonlySet<string>, event: ClusterEvent, oldObj: unknown, newObj: unknown): boolean {
    // A pod rejected by no plugin in particular (an error) is retried on any event.
    if (plugins.size === 0) return true;
    const hints = this.options.hintsFor?.(info.pod);
    if (!hints) return true;
    for (const plugin of plugins) {
      for (const h of hints.get(plugin) ?? []) {
        if (!Framework.matches(h.event, event)) continue;
        if (!h.queueingHint || h.queueingHint(info.pod, oldObj, newObj) === 'Queue') return true;
      }
    }
    return false;
  }

  private isBackingOff(info: QueuedPodInfo): boolean {
    return info.attempts > 0 && this.backoffTime(info) > this.options.clock.now();
  }

  private moveToActive(info: QueuedPodInfo): void {
    if (this.closed) return;
    const gate = this.options.preEnqueue?.(info.pod);
    if (gate && gate.code !== 'Success') {
      info.gatingPlugin = gate.plugin ?? '';
      this.unschedulable.set(info.key, info);
      return;
    }
    info.gatingPlugin = undefined;
    this.inActive.set(info.key, info);
    this.push(info);
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.takeBest());
  }

  private takeBest(): QueuedPodInfo | undefined {
    if (this.heap.length === 0) return undefined;
    const top = this.heap[0];
    this.removeFromHeap(top);
    this.inActive.delete(top.key);
    top.attempts++;
    top.initialAttemptTimestamp ??= this.options.clock.now();
    this.schedulingCycle++;
    this.inFlight.set(top.key, top);
    return top;
  }

  // activeQ is a binary heap under the QueueSort's less; positions live in pos.
  private readonly pos = new Map<QueuedPodInfo, number>();

  private push(e: QueuedPodInfo): void {
    this.heap.push(e);
    this.pos.set(e, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  private fix(e: QueuedPodInfo): void {
    const i = this.pos.get(e);
    if (i === undefined) return;
    this.up(i);
    this.down(this.pos.get(e) ?? i);
  }

  private removeFromHeap(e: QueuedPodInfo): void {
    const i = this.pos.get(e);
    if (i === undefined) return;
    const last = this.heap.pop() as QueuedPodInfo;
    this.pos.delete(e);
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.pos.set(last, i);
      this.up(i);
      this.down(this.pos.get(last) ?? i);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.options.less(h[i], h[parent])) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && this.options.less(h[l], h[best])) best = l;
      if (r < h.length && this.options.less(h[r], h[best])) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    [h[a], h[b]] = [h[b], h[a]];
    this.pos.set(h[a], a);
    this.pos.set(h[b], b);
  }
}

/** specChanged is isPodUpdated: anything but status and bookkeeping metadata changed. */
function specChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, generation: _g, managedFields: _m, ...meta } = p.metadata as Record<string, unknown>;
    return JSON.stringify([meta, p.spec]);
  };
  return strip(a) !== strip(b);
}
