/**
 * HorizontalController is kube-controller-manager's horizontal-pod-autoscaler
 * (pkg/controller/podautoscaler/horizontal.go): every sync period (15 s,
 * --horizontal-pod-autoscaler-sync-period) each HorizontalPodAutoscaler reads
 * its target's scale subresource, the target's pods and their usage from the
 * resource metrics API (metrics.k8s.io), proposes a count per metric
 * (replicaCalculator), takes the largest, normalizes it (stabilization,
 * behavior policies, min/max: horizontalNormalization), writes the scale when
 * it changed, and reports status, the AbleToScale/ScalingActive/ScalingLimited
 * conditions and events with upstream's reasons and messages. Resource and
 * ContainerResource metrics are served; Pods, Object and External metrics need
 * custom or external metrics APIs the lab does not have, and fail as upstream
 * does without them.
 */
import type { Clock, Timer } from '../clock';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from '../api/autoscaling';
import { matches, parseSelector } from '../api/labels';
import { keyOf, timestamp } from '../api/meta';
import { milliValue } from '../api/quantity';
import { formatQuantity, newMilliQuantity } from '../api/quantity';
import type { KubeObject, Pod } from '../api/types';
import { isStatus } from '../api/types';
import { preferredResources, serverResources } from '../client/discovery';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { HORIZONTALPODAUTOSCALERS, PODS, POD_METRICS, type ResourceRef } from '../client/resources';
import { type Scale, getScale } from '../client/scale';
import { WorkQueue } from '../client/workQueue';
import {
  type AutoscalerHistory, type ConditionVerdict, newHistory, normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, recordInitialRecommendation, storeScaleEvent,
} from './horizontalNormalization';
import { DEFAULT_CALCULATOR_OPTIONS, type PodMetric, type ReplicaCalculatorOptions, rawResourceReplicas, resourceReplicas } from './replicaCalculator';

/** SYNC_PERIOD_MS is --horizontal-pod-autoscaler-sync-period. */
export const SYNC_PERIOD_MS = 15_000;

type ConditionType = HorizontalPodAutoscalerCondition['type'];

/** MetricProposal is one metric's count, its name in messages, and its status; or why it failed, with the condition to set. */
type MetricProposal = { replicas: number; name: string; status: MetricStatus } | { error: string; condition: ConditionVerdict & { type: ConditionType } };

interface PodMetricsItem extends KubeObject {
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

export class HorizontalController {
  private readonly queue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly hpas: Informer<HorizontalPodAutoscaler>;
  private readonly pods: Informer<Pod>;
  private readonly timers = new Map<string, Timer>();
  private readonly histories = new Map<string, AutoscalerHistory>();
  /** mappings caches discovery: `group/Kind` to the resource serving it. */
  private mappings?: Map<string, ResourceRef>;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory, private readonly options: ReplicaCalculatorOptions = DEFAULT_CALCULATOR_OPTIONS) {
    this.queue = new WorkQueue(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'horizontal-pod-autoscaler' });
    this.hpas = factory.informer<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS);
    this.pods = factory.informer<Pod>(PODS);
    this.pods.addIndexer('namespace', (p) => [p.metadata.namespace ?? '']);
    this.hpas.addEventHandler({
      onAdd: (hpa) => this.enqueue(keyOf(hpa)),
      onUpdate: (_, hpa) => this.enqueue(keyOf(hpa)),
      onDelete: (hpa) => {
        const key = keyOf(hpa);
        this.timers.get(key)?.cancel();
        this.timers.delete(key);
        this.histories.delete(key);
      },
    });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.queue.shutDown();
  }

  /** enqueue is enqueueHPA with the fixed-interval rate limiter: the key comes up once per sync period, however often it is added. */
  private enqueue(key: string): void {
    if (this.timers.has(key)) return;
    this.timers.set(key, this.clock.setTimer(SYNC_PERIOD_MS, () => {
      this.timers.delete(key);
      this.queue.add(key);
    }));
  }

  private async sync(key: string): Promise<void> {
    const shared = this.hpas.get(key);
    if (!shared) return;
    await this.reconcile(structuredClone(shared), key);
    this.enqueue(key);
  }

  /** reconcile is reconcileAutoscaler. */
  private async reconcile(hpa: HorizontalPodAutoscaler, key: string): Promise<void> {
    const original = structuredClone(hpa.status ?? { desiredReplicas: 0 });
    hpa.status = structuredClone(original);
    const ref = hpa.spec.scaleTargetRef;
    const namespace = hpa.metadata.namespace ?? '';
    const failGetScale = async (message: string): Promise<void> => {
      await this.recorder.event(hpa, 'Warning', 'FailedGetScale', message);
      setCondition(hpa, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`, this.clock.now());
      await this.updateStatusIfNeeded(original, hpa);
    };
    const apiVersion = ref.apiVersion ?? '';
    if (apiVersion.split('/').length > 2) return failGetScale(`unexpected GroupVersion string: ${apiVersion}`);
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const resource = await this.resourceFor(group, ref.kind);
    if (!resource) return failGetScale(`no matches for kind "${ref.kind}" in group "${group}"`);
    const scale = await getScale(this.client, resource, namespace, ref.name);
    if (isStatus(scale)) return failGetScale(scale.message ?? '');
    setCondition(hpa, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", this.clock.now());
    const currentReplicas = scale.spec.replicas ?? 0;
    let history = this.histories.get(key);
    if (!history) this.histories.set(key, (history = newHistory()));
    recordInitialRecommendation(history, currentReplicas, this.clock.now());

    const minReplicas = hpa.spec.minReplicas ?? 1;
    const maxReplicas = hpa.spec.maxReplicas;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | undefined;
    if (currentReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      setCondition(hpa, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', this.clock.now());
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = await this.computeReplicasForMetrics(hpa, scale, hpa.spec.metrics ?? []);
      metricStatuses = computed.statuses;
      if ('error' in computed && computed.replicas === -1) {
        setStatus(hpa, currentReplicas, hpa.status.desiredReplicas, metricStatuses, false, this.clock.now());
        await this.updateStatusIfNeeded(original, hpa);
        await this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error ?? '');
        return;
      }
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const args = { currentReplicas, desiredReplicas, minReplicas, maxReplicas, now: this.clock.now() };
      const normalized = hpa.spec.behavior ? normalizeDesiredReplicasWithBehaviors(history, hpa.spec.behavior, args) : normalizeDesiredReplicas(history, args);
      setCondition(hpa, 'AbleToScale', normalized.ableToScale.status, normalized.ableToScale.reason, normalized.ableToScale.message, this.clock.now());
      setCondition(hpa, 'ScalingLimited', normalized.scalingLimited.status, normalized.scalingLimited.reason, normalized.scalingLimited.message, this.clock.now());
      desiredReplicas = normalized.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      const written = await this.client.update<Scale>(resource, { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } }, { subresource: 'scale' });
      if (isStatus(written)) {
        const message = written.message ?? '';
        await this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${message}`);
        setCondition(hpa, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${message}`, this.clock.now());
        setStatus(hpa, currentReplicas, hpa.status.desiredReplicas, metricStatuses, false, this.clock.now());
        await this.updateStatusIfNeeded(original, hpa);
        return;
      }
      setCondition(hpa, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`, this.clock.now());
      await this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      storeScaleEvent(history, hpa.spec.behavior, currentReplicas, desiredReplicas, this.clock.now());
    } else {
      desiredReplicas = currentReplicas;
    }
    setStatus(hpa, currentReplicas, desiredReplicas, metricStatuses, rescale, this.clock.now());
    await this.updateStatusIfNeeded(original, hpa);
  }

  /** computeReplicasForMetrics is computeReplicasForMetrics: the largest proposal, or -1 with the first error when every metric failed (or some did and the rest would scale down). */
  private async computeReplicasForMetrics(hpa: HorizontalPodAutoscaler, scale: Scale, specs: readonly MetricSpec[]): Promise<{ replicas: number; metric: string; statuses?: MetricStatus[]; error?: string }> {
    const selectorText = scale.status.selector ?? '';
    if (!selectorText) {
      await this.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector", this.clock.now());
      return { replicas: -1, metric: '', error: 'selector is required' };
    }
    const selector = parseSelector(selectorText);
    if ('error' in selector) {
      const message = `couldn't convert selector into a corresponding internal selector object: ${selector.error}`;
      await this.recorder.event(hpa, 'Warning', 'InvalidSelector', message);
      setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', message, this.clock.now());
      return { replicas: -1, metric: '', error: message };
    }
    const namespace = hpa.metadata.namespace ?? '';
    const pods = this.pods.byIndex('namespace', namespace).filter((p) => matches(selector, p.metadata.labels));
    const specReplicas = scale.spec.replicas ?? 0;
    // A metric that fails keeps the zero MetricStatus upstream's slice starts with.
    const statuses = specs.map(() => ({ type: '' }) as unknown as MetricStatus);
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: { error: string; condition: ConditionVerdict & { type: ConditionType } } | undefined;
    for (const [i, spec] of specs.entries()) {
      const proposal = await this.computeReplicasForMetric(hpa, spec, specReplicas, namespace, selectorText, pods);
      if ('error' in proposal) {
        if (!firstError) firstError = proposal;
        invalid++;
        continue;
      }
      statuses[i] = proposal.status;
      if (replicas === 0 || proposal.replicas > replicas) {
        replicas = proposal.replicas;
        metric = proposal.name;
      }
    }
    const error = firstError ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.error}` : undefined;
    if (firstError && (invalid >= specs.length || replicas < specReplicas)) {
      const c = firstError.condition;
      setCondition(hpa, c.type, c.status, c.reason, c.message, this.clock.now());
      return { replicas: -1, metric: '', statuses, error };
    }
    setCondition(hpa, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`, this.clock.now());
    return { replicas, metric, statuses, ...(error ? { error } : {}) };
  }

  /** computeReplicasForMetric is computeReplicasForMetric for one metric spec. */
  private async computeReplicasForMetric(hpa: HorizontalPodAutoscaler, spec: MetricSpec, specReplicas: number, namespace: string, selector: string, pods: Pod[]): Promise<MetricProposal> {
    const unable = async (reason: string, cause: string, wrapped: string): Promise<MetricProposal> => {
      await this.recorder.event(hpa, 'Warning', reason, cause);
      return { error: wrapped, condition: { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${cause}` } };
    };
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const container = spec.type === 'ContainerResource' ? (spec.containerResource?.container ?? '') : '';
        const name = src?.name ?? '';
        const reason = spec.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
        const prefix = spec.type === 'Resource' ? `failed to get ${name} resource metric value` : `failed to get ${name} container metric value`;
        const result = await this.computeResourceMetric(specReplicas, src?.target, name, namespace, container, selector, pods);
        if ('error' in result) return unable(reason, result.error, `${prefix}: ${result.error}`);
        const status: MetricStatus = spec.type === 'Resource'
          ? { type: 'Resource', resource: { name, current: result.current } }
          : { type: 'ContainerResource', containerResource: { name, container, current: result.current } };
        return { replicas: result.replicas, name: spec.type === 'Resource' ? result.name : result.name.replace(' resource', ' container resource'), status };
      }
      case 'Pods': {
        const cause = `unable to get metric ${spec.pods?.metric.name ?? ''}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
        return unable('FailedGetPodsMetric', cause, `failed to get pods metric value: ${cause}`);
      }
      case 'Object': {
        const cause = `unable to get metric ${spec.object?.metric.name ?? ''}: ${spec.object?.describedObject.kind ?? ''} on ${namespace} ${spec.object?.describedObject.name ?? ''}/unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
        return unable('FailedGetObjectMetric', cause, `failed to get object metric value: ${cause}`);
      }
      case 'External': {
        const cause = `unable to get external metric ${namespace}/${spec.external?.metric.name ?? ''}/nil: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`;
        return unable('FailedGetExternalMetric', cause, `failed to get external metric value: ${cause}`);
      }
      default: {
        const cause = `unknown metric source type "${String((spec as { type?: unknown }).type)}"`;
        return unable('InvalidMetricSourceType', cause, cause);
      }
    }
  }

  /** computeResourceMetric is computeStatusForResourceMetricGeneric: the count for an average value or a utilization target. */
  private async computeResourceMetric(
    currentReplicas: number, target: MetricTarget | undefined, resource: string, namespace: string, container: string, selector: string, pods: Pod[],
  ): Promise<{ replicas: number; name: string; current: MetricValueStatus } | { error: string }> {
    const read = async (): Promise<Map<string, PodMetric> | { error: string }> => {
      const metrics = await this.resourceMetrics(resource, namespace, selector, container);
      return 'error' in metrics ? { error: `unable to get metrics for resource ${resource}: ${metrics.error}` } : metrics;
    };
    const now = this.clock.now();
    if (target?.averageValue !== undefined) {
      const metrics = await read();
      if ('error' in metrics) return { error: `failed to get ${resource} usage: ${metrics.error}` };
      const p = rawResourceReplicas({ currentReplicas, resource, container, pods, metrics, now }, milliValue(target.averageValue), this.options);
      if ('error' in p) return { error: `failed to get ${resource} usage: ${p.error}` };
      return { replicas: p.replicas, name: `${resource} resource`, current: { averageValue: formatQuantity(newMilliQuantity(p.usage)) } };
    }
    if (target?.averageUtilization === undefined) return { error: 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set' };
    const metrics = await read();
    if ('error' in metrics) return { error: `failed to get ${resource} utilization: ${metrics.error}` };
    const p = resourceReplicas({ currentReplicas, resource, container, pods, metrics, now }, target.averageUtilization, this.options);
    if ('error' in p) return { error: `failed to get ${resource} utilization: ${p.error}` };
    return {
      replicas: p.replicas, name: `${resource} resource utilization (percentage of request)`,
      current: { averageValue: formatQuantity(newMilliQuantity(p.rawUtilization)), averageUtilization: p.utilization },
    };
  }

  /** resourceMetrics is the resource metrics client's GetResourceMetric: each pod's usage, summed over its containers (or the one named), in milli-units. */
  private async resourceMetrics(resource: string, namespace: string, selector: string, container: string): Promise<Map<string, PodMetric> | { error: string }> {
    const list = await this.client.list<PodMetricsItem>(POD_METRICS, namespace, { labelSelector: selector });
    if (isStatus(list)) return { error: `unable to fetch metrics from resource metrics API: ${list.message ?? ''}` };
    if (list.items.length === 0) return { error: 'no metrics returned from resource metrics API' };
    const out = new Map<string, PodMetric>();
    for (const m of list.items) {
      const at = { timestamp: Date.parse(m.timestamp ?? '') || 0, windowMs: goDurationMs(m.window ?? '') };
      const containers = m.containers ?? [];
      if (container) {
        const c = containers.find((x) => x.name === container);
        if (!c) return { error: `failed to get container metrics: container ${container} not present in metrics for pod ${m.metadata.namespace ?? ''}/${m.metadata.name ?? ''}` };
        const usage = c.usage?.[resource];
        if (usage !== undefined) out.set(m.metadata.name ?? '', { value: milliValue(usage), ...at });
        continue;
      }
      if (containers.length === 0 || containers.some((c) => c.usage?.[resource] === undefined)) continue;
      out.set(m.metadata.name ?? '', { value: containers.reduce((sum, c) => sum + milliValue(c.usage?.[resource]), 0), ...at });
    }
    return out;
  }

  /** resourceFor is the RESTMapper's RESTMappings for a group and kind, from discovery (read again when a kind is not found). */
  private async resourceFor(group: string, kind: string): Promise<ResourceRef | undefined> {
    const key = `${group}/${kind}`;
    if (!this.mappings?.has(key)) {
      const found = await serverResources(this.client);
      this.mappings = new Map(preferredResources(found).map((r) => [`${r.group}/${r.kind}`, { group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced }]));
    }
    return this.mappings.get(key);
  }

  /** updateStatusIfNeeded writes the status when it changed; a failed write is an event, as upstream's FailedUpdateStatus. */
  private async updateStatusIfNeeded(original: HorizontalPodAutoscaler['status'], hpa: HorizontalPodAutoscaler): Promise<void> {
    if (JSON.stringify(original) === JSON.stringify(hpa.status)) return;
    const answer = await this.client.updateStatus(HORIZONTALPODAUTOSCALERS, hpa);
    if (isStatus(answer)) await this.recorder.event(hpa, 'Warning', 'FailedUpdateStatus', answer.message ?? '');
  }
}

/** setCondition is setConditionInList: the condition's status, reason and message, its transition time moved only when the status changes. */
function setCondition(hpa: HorizontalPodAutoscaler, type: ConditionType, status: 'True' | 'False', reason: string, message: string, now: number): void {
  const conditions = (hpa.status ??= { desiredReplicas: 0 }).conditions ??= [];
  let c = conditions.find((x) => x.type === type);
  if (!c) conditions.push((c = { type, status: 'Unknown' }));
  if (c.status !== status) c.lastTransitionTime = timestamp(now);
  c.status = status;
  c.reason = reason;
  c.message = message;
}

/** setStatus is setStatus: the counts and metrics, the last scale time moved on a rescale, conditions kept. */
function setStatus(hpa: HorizontalPodAutoscaler, currentReplicas: number, desiredReplicas: number, metrics: MetricStatus[] | undefined, rescale: boolean, now: number): void {
  const old = hpa.status ?? { desiredReplicas: 0 };
  const lastScaleTime = rescale ? timestamp(now) : old.lastScaleTime;
  hpa.status = {
    ...(lastScaleTime !== undefined ? { lastScaleTime } : {}),
    ...(currentReplicas ? { currentReplicas } : {}),
    desiredReplicas,
    ...(metrics?.length ? { currentMetrics: metrics } : {}),
    ...(old.conditions ? { conditions: old.conditions } : {}),
  };
}

/** goDurationMs reads a metav1.Duration as metrics-server writes it (`15s`, `1m0s`, `500ms`). */
function goDurationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/([\d.]+)(ms|h|m|s)/g)) ms += Number(n) * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[unit] ?? 0);
  return ms;
}
