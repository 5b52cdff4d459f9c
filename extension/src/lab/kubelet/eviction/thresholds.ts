/**
 * thresholds are the kubelet's eviction thresholds (pkg/kubelet/eviction/api
 * and the threshold half of helpers.go): a signal, `<`, and a quantity or a
 * percentage of capacity, with a grace period (soft) or none (hard), and the
 * pure steps synchronize takes over them — which are met, since when, which
 * have waited out their grace period, which node conditions they call for and
 * which of those still hold within the pressure transition period.
 */
import { formatQuantity, newQuantity, toQuantity } from '../../api/quantity';

/** Signal is an eviction signal the lab observes: the node's memory, and the pods' share of it (the allocatable cgroup). */
export type Signal = 'memory.available' | 'allocatableMemory.available';

/** PressureCondition is a node condition a met threshold calls for. */
export type PressureCondition = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';

/** Threshold is evictionapi.Threshold: signal < value, value either bytes or a fraction of capacity. */
export interface Threshold {
  signal: Signal;
  /** value is bytes as written (`text`, canonical: `100Mi`), or a fraction of capacity. */
  value: { bytes: number; text: string } | { percentage: number };
  /** gracePeriodMs is how long the threshold must hold before pods are evicted; 0 for a hard threshold. */
  gracePeriodMs: number;
  /** minReclaim is how far past the threshold eviction keeps going once it started. */
  minReclaim?: Threshold['value'];
}

/** Observation is signalObservation: what is available of how much, measured at time. */
export interface Observation {
  availableBytes: number;
  capacityBytes: number;
  time: number;
}

export type Observations = ReadonlyMap<Signal, Observation>;

/** SIGNAL_CONDITION is signalToNodeCondition for the lab's signals. */
export const SIGNAL_CONDITION: Record<Signal, PressureCondition> = { 'memory.available': 'MemoryPressure', 'allocatableMemory.available': 'MemoryPressure' };
/** SIGNAL_RESOURCE is signalToResource: the resource a signal's eviction reclaims. */
export const SIGNAL_RESOURCE: Record<Signal, 'memory'> = { 'memory.available': 'memory', 'allocatableMemory.available': 'memory' };

/** DEFAULT_EVICTION_HARD is the kubelet's --eviction-hard default as the lab models it: memory.available<100Mi (the disk signals have no observation here). */
export const DEFAULT_EVICTION_HARD: Readonly<Record<string, string>> = { 'memory.available': '100Mi' };

/**
 * parseThresholds is ParseThresholdConfig for hard thresholds: each
 * `signal: quantity-or-percent` becomes a threshold, with its
 * --eviction-minimum-reclaim when given, and with node allocatable enforced
 * on pods (the default) a hard memory.available threshold is copied to
 * allocatableMemory.available. It returns why a statement is refused.
 */
export function parseThresholds(hard: Readonly<Record<string, string>>, enforceAllocatable = true, minimumReclaim: Readonly<Record<string, string>> = {}): Threshold[] | { error: string } {
  const out: Threshold[] = [];
  for (const [signal, raw] of Object.entries(hard)) {
    if (!(signal in SIGNAL_CONDITION)) return { error: `unsupported eviction signal ${signal}` };
    const value = parseThresholdValue(signal, raw);
    if ('error' in value) return value;
    out.push({ signal: signal as Signal, value, gracePeriodMs: 0 });
  }
  for (const [signal, raw] of Object.entries(minimumReclaim)) {
    if (!(signal in SIGNAL_CONDITION)) return { error: `unsupported eviction signal ${signal}` };
    const minReclaim = parseThresholdValue(signal, raw);
    if ('error' in minReclaim) return minReclaim;
    for (const t of out) if (t.signal === signal) t.minReclaim = minReclaim;
  }
  if (enforceAllocatable) {
    for (const t of [...out]) if (t.signal === 'memory.available' && t.gracePeriodMs === 0) out.push({ ...t, signal: 'allocatableMemory.available' });
  }
  return out;
}

/** parseThresholdValue is parseThresholdStatement's value: a percentage in (0%, 100%], or a positive quantity. */
export function parseThresholdValue(signal: string, raw: string): Threshold['value'] | { error: string } {
  if (raw.endsWith('%')) {
    const p = Number(raw.slice(0, -1));
    if (!Number.isFinite(p) || raw.slice(0, -1).trim() === '') return { error: `invalid percentage: ${raw}` };
    if (p <= 0 || p > 100) return { error: `eviction percentage threshold ${signal} must be positive: ${raw}` };
    return { percentage: p / 100 };
  }
  const q = toQuantity(raw);
  const bytes = q === undefined ? undefined : Number(q.nanos / 1_000_000_000n);
  if (q === undefined || bytes === undefined) return { error: `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'` };
  if (bytes <= 0) return { error: `eviction threshold ${signal} must be positive: ${raw}` };
  return { bytes, text: formatQuantity(q) };
}

/** thresholdBytes is GetThresholdQuantity: the value in bytes against capacity (a percentage truncates, as int64 does). */
export function thresholdBytes(value: Threshold['value'], capacityBytes: number): number {
  return 'bytes' in value ? value.bytes : Math.trunc(value.percentage * capacityBytes);
}

/** thresholdText is the threshold quantity as eviction messages print it: as written, or a percentage's bytes in binary SI. */
export function thresholdText(value: Threshold['value'], capacityBytes: number): string {
  return 'text' in value ? value.text : bytesText(thresholdBytes(value, capacityBytes));
}

/** bytesText prints bytes as resource.NewQuantity(n, BinarySI).String() does (`51200Ki`). */
export function bytesText(bytes: number): string {
  return formatQuantity(newQuantity(Math.trunc(bytes), 'BinarySI'));
}

/** thresholdsMet is the set of thresholds met now, independent of grace period; with enforceMinReclaim, measured against value + minReclaim. */
export function thresholdsMet(thresholds: readonly Threshold[], observations: Observations, enforceMinReclaim: boolean): Threshold[] {
  return thresholds.filter((t) => {
    const observed = observations.get(t.signal);
    if (!observed) return false;
    let quantity = thresholdBytes(t.value, observed.capacityBytes);
    if (enforceMinReclaim && t.minReclaim) quantity += thresholdBytes(t.minReclaim, observed.capacityBytes);
    return quantity > observed.availableBytes;
  });
}

/** sameThreshold is hasThreshold's comparison: signal, grace period and value. */
export function sameThreshold(a: Threshold, b: Threshold): boolean {
  return a.signal === b.signal && a.gracePeriodMs === b.gracePeriodMs && JSON.stringify(a.value) === JSON.stringify(b.value);
}

/** mergeThresholds is a then b's thresholds that a does not have. */
export function mergeThresholds(a: readonly Threshold[], b: readonly Threshold[]): Threshold[] {
  const out = [...a];
  for (const t of b) if (!out.some((x) => sameThreshold(x, t))) out.push(t);
  return out;
}

/** ObservedAt remembers, per threshold, when it was first met. */
export type ObservedAt = { threshold: Threshold; at: number }[];

/** thresholdsFirstObservedAt keeps each met threshold's first time, now for a new one; thresholds no longer met are forgotten. */
export function thresholdsFirstObservedAt(thresholds: readonly Threshold[], last: ObservedAt, now: number): ObservedAt {
  return thresholds.map((threshold) => ({ threshold, at: last.find((x) => sameThreshold(x.threshold, threshold))?.at ?? now }));
}

/** thresholdsMetGracePeriod is the thresholds that have been met for at least their grace period. */
export function thresholdsMetGracePeriod(observedAt: ObservedAt, now: number): Threshold[] {
  return observedAt.filter((x) => now - x.at >= x.threshold.gracePeriodMs).map((x) => x.threshold);
}

/** nodeConditions is the conditions the thresholds call for, each once, in the thresholds' order. */
export function nodeConditions(thresholds: readonly Threshold[]): PressureCondition[] {
  return [...new Set(thresholds.map((t) => SIGNAL_CONDITION[t.signal]))];
}

/** nodeConditionsLastObservedAt marks conditions observed now, and keeps the others' last time. */
export function nodeConditionsLastObservedAt(conditions: readonly PressureCondition[], last: ReadonlyMap<PressureCondition, number>, now: number): Map<PressureCondition, number> {
  const out = new Map(last);
  for (const c of conditions) out.set(c, now);
  return out;
}

/** nodeConditionsObservedSince is the conditions last observed within period of now: they hold until the transition period passes. */
export function nodeConditionsObservedSince(observedAt: ReadonlyMap<PressureCondition, number>, periodMs: number, now: number): PressureCondition[] {
  return [...observedAt].filter(([, at]) => now - at < periodMs).map(([c]) => c);
}

/** thresholdsUpdatedStats keeps the thresholds whose signal was measured since the last synchronize: no second eviction on the same stats. */
export function thresholdsUpdatedStats(thresholds: readonly Threshold[], observations: Observations, last: Observations): Threshold[] {
  return thresholds.filter((t) => {
    const observed = observations.get(t.signal);
    if (!observed) return false;
    const before = last.get(t.signal);
    return !before || observed.time > before.time;
  });
}

/** byEvictionPriority orders thresholds as upstream sorts them: the memory signals first. */
export function byEvictionPriority(thresholds: readonly Threshold[]): Threshold[] {
  const memory = (t: Threshold): boolean => t.signal === 'memory.available' || t.signal === 'allocatableMemory.available';
  return [...thresholds.filter(memory), ...thresholds.filter((t) => !memory(t))];
}
