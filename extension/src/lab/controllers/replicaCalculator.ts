/**
 * replicaCalculator is the podautoscaler's replica_calculator.go for resource
 * metrics: from each pod's usage (summed over its containers, in milli-units)
 * and its requests, the replica count that brings the average to the target —
 * ceil(ratio × ready pods), unchanged within the tolerance. Pods being deleted
 * or failed are ignored; pending pods and (for CPU) pods still starting up or
 * not ready count as unready; pods without metrics are missing. On a scale up
 * unready and missing pods are taken as using nothing, on a scale down missing
 * pods as using their whole request (or the target), and if that would turn
 * the direction around the count stays. Pure: the controller passes the pods
 * and the metrics it read.
 */
import { getCondition } from '../api/meta';
import { milliValue } from '../api/quantity';
import type { Pod } from '../api/types';

/** GO_ZERO_TIME is Go's zero time.Time, what an unset transition time reads as. */
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/** PodMetric is one pod's usage of a resource in milli-units, when it was measured and over what window. */
export interface PodMetric {
  value: number;
  timestamp: number;
  windowMs: number;
}

/** ReplicaCalculatorOptions are the controller's flags that shape the calculation. */
export interface ReplicaCalculatorOptions {
  /** tolerance is --horizontal-pod-autoscaler-tolerance: a ratio this close to 1 changes nothing. */
  tolerance: number;
  /** cpuInitializationPeriodMs is --horizontal-pod-autoscaler-cpu-initialization-period. */
  cpuInitializationPeriodMs: number;
  /** delayOfInitialReadinessStatusMs is --horizontal-pod-autoscaler-initial-readiness-delay. */
  delayOfInitialReadinessStatusMs: number;
}

/** DEFAULT_CALCULATOR_OPTIONS are kube-controller-manager's defaults: 0.1, 5 minutes, 30 seconds. */
export const DEFAULT_CALCULATOR_OPTIONS: ReplicaCalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000 };

/** UtilizationProposal is GetResourceReplicas' answer: the count, the utilization in percent of requests, and the average usage in milli-units. */
export interface UtilizationProposal {
  replicas: number;
  utilization: number;
  rawUtilization: number;
}

/** ValueProposal is GetRawResourceReplicas' answer: the count and the average usage in milli-units. */
export interface ValueProposal {
  replicas: number;
  usage: number;
}

/** CalculationError is why no count could be computed, in upstream's words. */
export interface CalculationError {
  error: string;
}

interface Grouped {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods is groupPods: each pod ready (counted), unready, missing metrics, or ignored. */
export function groupPods(pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, resource: string, now: number, options: ReplicaCalculatorOptions): Grouped {
  const g: Grouped = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const condition = getCondition(pod.status?.conditions, 'Ready');
      const startTime = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let unready: boolean;
      if (!condition || startTime === undefined) {
        unready = true;
      } else {
        const transition = condition.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : GO_ZERO_TIME;
        if (startTime + options.cpuInitializationPeriodMs > now) {
          // Still starting: a sample taken before a whole window had passed since readiness changed is not trusted.
          unready = condition.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Past start-up: only a pod that has never been ready is left out.
          unready = condition.status === 'False' && startTime + options.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculatePodRequests is calculatePodRequests: each pod's request of resource in milli-units, over its containers and sidecars (or the one named container). */
export function calculatePodRequests(pods: readonly Pod[], resource: string, container = ''): Map<string, number> | CalculationError {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) return { error: `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name ?? ''}` };
      sum += milliValue(request);
    }
    requests.set(pod.metadata.name ?? '', sum);
  }
  return requests;
}

/** resourceUtilizationRatio is GetResourceUtilizationRatio: usage over requests against the target, in whole percent as upstream truncates. */
function resourceUtilizationRatio(metrics: ReadonlyMap<string, number>, requests: ReadonlyMap<string, number>, target: number): { ratio: number; utilization: number; raw: number } | CalculationError {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, value] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) return { error: 'no metrics returned matched known pods' };
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, raw: Math.trunc(metricsTotal / entries) };
}

/** metricUsageRatio is GetMetricUsageRatio: the average usage against the target. */
function metricUsageRatio(metrics: ReadonlyMap<string, number>, target: number): { ratio: number; usage: number } {
  let total = 0;
  for (const v of metrics.values()) total += v;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / target, usage };
}

/** NO_PODS and NO_METRICS are the calculator's errors for an empty selection and for pods that are all unready. */
export const NO_PODS = 'no pods returned by selector while calculating replica count';
export const NO_METRICS = 'did not receive metrics for targeted pods (pods might be unready)';

/** ReplicaInput is what one calculation reads: the scale's current count, the target's pods and their metrics (by pod name), and the time. */
export interface ReplicaInput {
  currentReplicas: number;
  resource: string;
  /** container narrows requests to one container (a ContainerResource metric); its metrics must be narrowed alike. */
  container?: string;
  pods: readonly Pod[];
  metrics: ReadonlyMap<string, PodMetric>;
  now: number;
}

/**
 * resourceReplicas is GetResourceReplicas after the metrics are read: the count
 * for a target utilization (percent of requests) of the input's resource.
 */
export function resourceReplicas(input: ReplicaInput, targetUtilization: number, options: ReplicaCalculatorOptions = DEFAULT_CALCULATOR_OPTIONS): UtilizationProposal | CalculationError {
  const { currentReplicas, resource, pods, now } = input;
  if (pods.length === 0) return { error: NO_PODS };
  const g = groupPods(pods, input.metrics, resource, now, options);
  const metrics = usable(input.metrics, g);
  const requests = calculatePodRequests(pods, resource, input.container);
  if ('error' in requests) return requests;
  if (metrics.size === 0) return { error: NO_METRICS };
  const first = resourceUtilizationRatio(metrics, requests, targetUtilization);
  if ('error' in first) return first;
  const { ratio, utilization, raw } = first;
  const keep = { replicas: currentReplicas, utilization, rawUtilization: raw };
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= options.tolerance) return keep;
    return { replicas: Math.ceil(ratio * g.readyPodCount), utilization, rawUtilization: raw };
  }
  if (g.missing.size > 0) {
    // A scale down assumes missing pods use all their request (or the target, above 100 %); a scale up, nothing.
    const fallback = Math.max(100, targetUtilization);
    for (const name of g.missing) {
      if (ratio < 1) metrics.set(name, Math.trunc(((requests.get(name) ?? 0) * fallback) / 100));
      else if (ratio > 1) metrics.set(name, 0);
    }
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, 0);
  const again = resourceUtilizationRatio(metrics, requests, targetUtilization);
  if ('error' in again) return again;
  return { ...keep, replicas: settle(currentReplicas, ratio, again.ratio, metrics.size, options) ?? currentReplicas };
}

/**
 * rawResourceReplicas is GetRawResourceReplicas after the metrics are read: the
 * count for a target average usage (milli-units) of the input's resource.
 */
export function rawResourceReplicas(input: ReplicaInput, targetUsage: number, options: ReplicaCalculatorOptions = DEFAULT_CALCULATOR_OPTIONS): ValueProposal | CalculationError {
  const { currentReplicas, resource, pods, now } = input;
  if (pods.length === 0) return { error: NO_PODS };
  const g = groupPods(pods, input.metrics, resource, now, options);
  const metrics = usable(input.metrics, g);
  if (metrics.size === 0) return { error: NO_METRICS };
  const { ratio, usage } = metricUsageRatio(metrics, targetUsage);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= options.tolerance) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), usage };
  }
  // A scale down assumes missing pods use exactly the target; a scale up, nothing.
  for (const name of g.missing) metrics.set(name, ratio < 1 ? targetUsage : 0);
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, 0);
  const again = metricUsageRatio(metrics, targetUsage);
  return { replicas: settle(currentReplicas, ratio, again.ratio, metrics.size, options) ?? currentReplicas, usage };
}

/** usable is the metrics of pods neither ignored nor unready, by pod name. */
function usable(podMetrics: ReadonlyMap<string, PodMetric>, g: Grouped): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, m] of podMetrics) if (!g.ignored.has(name) && !g.unready.has(name)) out.set(name, m.value);
  return out;
}

/**
 * settle is the second pass's verdict: the new count, or undefined to keep the
 * current one when the new ratio is within tolerance, turns the direction
 * around, or the count would move against it.
 */
function settle(current: number, ratio: number, newRatio: number, counted: number, options: ReplicaCalculatorOptions): number | undefined {
  if (Math.abs(1 - newRatio) <= options.tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return undefined;
  const replicas = Math.ceil(newRatio * counted);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return undefined;
  return replicas;
}
