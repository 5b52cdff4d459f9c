/**
 * Scheduler is kube-scheduler: an API client that watches pods, nodes and its
 * configuration, runs every profile of its KubeSchedulerConfiguration over one
 * shared queue, takes pods off it one at a time for a scheduling cycle
 * (schedulePod, then Reserve and Permit, then assuming the pod in the cache so
 * the next cycle sees it), and binds in an asynchronous binding cycle (PreBind,
 * Bind, PostBind). Every attempt is explained as a SchedulingDecision
 * published through the API server.
 */
import { setCondition, timestamp } from '../api/meta';
import type { KubeObject, Node, Pod } from '../api/types';
import type { Clock, Timer } from '../clock';
import type { Random } from '../random';
import { EventRecorder } from '../client/eventRecorder';
import { type Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONFIGMAPS, NODES, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, PODS, type ResourceRef, STORAGECLASSES } from '../client/resources';
import { DEFAULT_SCHEDULER_NAME, type KubeSchedulerConfiguration, defaultConfiguration } from './apis/config';
import { loadSchedulerConfig, validateConfiguration } from './apis/validation';
import { formatFieldErrors } from '../apiserver/fieldErrors';
import { SchedulerCache } from './cache';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION, buildDecision, type SchedulingDecision } from './decision';
import { Framework, type Registry } from './framework/framework';
import { ActionType, type ClusterEvent, type ClusterEventWithHint, type CycleState, type QueuedPodInfo, type Status } from './framework/interfaces';
import { inTreeRegistry } from './framework/registry';
import { Snapshot } from './framework/snapshot';
import { ScheduleAlgorithm, fitErrorMessage } from './schedulePod';
import { SchedulingQueue } from './schedulingQueue';

/** The ConfigMap the lab's scheduler reads its KubeSchedulerConfiguration from (key config.yaml). */
export const SCHEDULER_CONFIG_NAMESPACE = 'kube-system';
export const SCHEDULER_CONFIG_NAME = 'kube-scheduler-config';
export const SCHEDULER_CONFIG_KEY = 'config.yaml';
/** How often expired assumed pods are cleaned up (cleanAssumedPeriod). */
const CLEAN_ASSUMED_MS = 1000;

/** ConfigMap is core/v1 ConfigMap as far as the scheduler reads it. */
interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const DECISIONS: ResourceRef = { group: DECISION_GROUP, version: DECISION_VERSION, resource: DECISION_RESOURCE, namespaced: true };

export interface SchedulerOptions {
  client: KubeClient;
  clock: Clock;
  random: Random;
  /** config is the configuration to start from (defaulted); the ConfigMap, when present, replaces it. */
  config?: KubeSchedulerConfiguration;
  /** watchConfigMap reads kube-system/kube-scheduler-config and follows its changes (default true). */
  watchConfigMap?: boolean;
  /** publishDecisions sends a SchedulingDecision per attempt (default true; the lab turns it off when the server keeps none). */
  publishDecisions?: boolean;
  registry?: Registry;
}

export class Scheduler {
  readonly queue: SchedulingQueue;
  readonly cache = new SchedulerCache();
  private readonly snapshot = new Snapshot();
  private readonly factory: InformerFactory;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly configMaps?: Informer<ConfigMap>;
  private readonly registry: Registry;
  private readonly recorders = new Map<string, EventRecorder>();
  private profiles = new Map<string, Framework>();
  private hints = new Map<string, Map<string, ClusterEventWithHint[]>>();
  private algorithm: ScheduleAlgorithm;
  private configText?: string;
  /** config is the configuration in force. */
  config: KubeSchedulerConfiguration;
  private cleanTimer?: Timer;
  private running = false;

  constructor(private readonly options: SchedulerOptions) {
    this.registry = options.registry ?? inTreeRegistry();
    this.config = defaultConfiguration(options.config ?? {}, (n) => n in this.registry);
    // Plugins take their informers from the factory as they are built.
    this.factory = new InformerFactory(options.client, options.clock);
    const built = this.build(this.config);
    if ('error' in built) throw new Error(built.error);
    this.profiles = built;
    this.refreshHints();
    this.algorithm = new ScheduleAlgorithm(options.random, this.config.percentageOfNodesToScore ?? 0);
    this.queue = new SchedulingQueue({
      clock: options.clock,
      less: (a, b) => ([...this.profiles.values()][0]?.queueSortLess(a, b) ?? false),
      preEnqueue: (pod) => this.profileFor(pod)?.runPreEnqueuePlugins(pod) ?? { code: 'Success', reasons: [] },
      hintsFor: (pod) => this.hints.get(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME),
      initialBackoffMs: (this.config.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoffMs: (this.config.podMaxBackoffSeconds ?? 10) * 1000,
    });
    this.pods = this.factory.informer<Pod>(PODS);
    this.pods.addIndexer('nodeName', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    this.nodes = this.factory.informer<Node>(NODES);
    if (options.watchConfigMap !== false) {
      this.configMaps = this.factory.informer<ConfigMap>(CONFIGMAPS, { namespace: SCHEDULER_CONFIG_NAMESPACE, fieldSelector: `metadata.name=${SCHEDULER_CONFIG_NAME}` });
      this.configMaps.addEventHandler({ onAdd: (cm) => this.configChanged(cm), onUpdate: (_, cm) => this.configChanged(cm), onDelete: () => this.configChanged(undefined) });
    }
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    this.nodes.addEventHandler({
      onAdd: (node) => this.nodeAdded(node),
      onUpdate: (old, node) => this.nodeUpdated(old, node),
      onDelete: (node) => this.nodeDeleted(node),
    });
    this.watchStorage();
  }

  /** watchStorage turns changes to claims, volumes and classes into cluster events for the volume plugins' pods (addAllEventHandlers). */
  private watchStorage(): void {
    const kinds: [ResourceRef, 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass'][] = [
      [PERSISTENTVOLUMECLAIMS, 'PersistentVolumeClaim'], [PERSISTENTVOLUMES, 'PersistentVolume'], [STORAGECLASSES, 'StorageClass'],
    ];
    for (const [ref, resource] of kinds) {
      this.factory.informer<KubeObject>(ref).addEventHandler({
        onAdd: (obj) => this.event({ resource, actionType: ActionType.Add, label: `${resource}Add` }, undefined, obj),
        onUpdate: (old, obj) => this.event({ resource, actionType: ActionType.Update, label: `${resource}Update` }, old, obj),
        onDelete: (obj) => this.event({ resource, actionType: ActionType.Delete, label: `${resource}Delete` }, obj, undefined),
      });
    }
  }

  async start(): Promise<void> {
    this.running = true;
    await this.factory.start();
    if (!this.running) return;
    this.queue.run();
    const clean = (): void => {
      this.cleanTimer = this.options.clock.setTimer(CLEAN_ASSUMED_MS, () => {
        for (const pod of this.cache.cleanupAssumedPods(this.options.clock.now())) this.podDeleted(pod);
        if (this.running) clean();
      });
    };
    clean();
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.cleanTimer?.cancel();
    this.queue.close();
    this.factory.stop();
  }

  /** profileNames lists the schedulerNames this scheduler serves. */
  profileNames(): string[] {
    return [...this.profiles.keys()];
  }

  framework(schedulerName: string): Framework | undefined {
    return this.profiles.get(schedulerName);
  }

  private build(config: KubeSchedulerConfiguration): Map<string, Framework> | { error: string } {
    const out = new Map<string, Framework>();
    for (const p of config.profiles ?? []) {
      const fwk = Framework.create(p, this.registry, {
        client: this.options.client, clock: this.options.clock, random: this.options.random,
        snapshot: () => this.snapshot,
        nominatedPodsForNode: (node) => this.queue.nominatedPodsForNode(node),
        informerFactory: this.factory,
      });
      if ('error' in fwk) return { error: `initializing profiles: creating profile for scheduler name ${p.schedulerName ?? ''}: ${fwk.error}` };
      out.set(p.schedulerName ?? '', fwk);
    }
    return out;
  }

  private refreshHints(): void {
    this.hints = new Map([...this.profiles].map(([name, f]) => [name, f.eventsToRegister()]));
  }

  /** configChanged loads a new configuration from the ConfigMap; a bad one keeps the old and is reported as a Warning event. */
  private configChanged(cm: ConfigMap | undefined): void {
    const text = cm?.data?.[SCHEDULER_CONFIG_KEY];
    if (text === this.configText) return;
    this.configText = text;
    const loaded = text === undefined ? { config: defaultConfiguration(this.options.config ?? {}, (n) => n in this.registry) } : loadSchedulerConfig(text, (n) => n in this.registry);
    const built = 'error' in loaded ? loaded : this.build(loaded.config);
    if ('error' in built || 'error' in loaded) {
      if (cm) void this.recorderFor(DEFAULT_SCHEDULER_NAME).event(cm, 'Warning', 'InvalidConfiguration', `invalid KubeSchedulerConfiguration, keeping the previous one: ${'error' in built ? built.error : ''}`);
      return;
    }
    this.config = loaded.config;
    this.profiles = built;
    this.refreshHints();
    // Informers the new plugins asked for start now.
    if (this.running) void this.factory.start();
    const next = new ScheduleAlgorithm(this.options.random, this.config.percentageOfNodesToScore ?? 0);
    next.nextStartNodeIndex = this.algorithm.nextStartNodeIndex;
    this.algorithm = next;
    // Pods for a profile that did not exist before are now this scheduler's; the rest get another look.
    for (const pod of this.pods.list()) if (!pod.spec.nodeName && this.profileFor(pod) && !this.cache.isAssumed(pod) && !pod.metadata.deletionTimestamp) this.queue.add(pod);
    this.queue.moveAllToActiveOrBackoffQueue({ resource: '*', actionType: ActionType.All, label: 'SchedulerConfigurationChanged' });
  }

  private profileFor(pod: Pod): Framework | undefined {
    return this.profiles.get(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME);
  }

  private recorderFor(schedulerName: string): EventRecorder {
    let r = this.recorders.get(schedulerName);
    if (!r) this.recorders.set(schedulerName, (r = new EventRecorder(this.options.client, this.options.clock, { component: schedulerName })));
    return r;
  }

  private event(event: ClusterEvent, oldObj?: unknown, newObj?: unknown): void {
    this.queue.moveAllToActiveOrBackoffQueue(event, oldObj, newObj);
  }

  private podAdded(pod: Pod): void {
    if (pod.spec.nodeName) {
      if (isTerminal(pod)) return;
      this.cache.addPod(pod);
      this.event({ resource: 'AssignedPod', actionType: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
      return;
    }
    // A pod for a scheduler this one does not run is left alone, Pending, as upstream.
    if (this.profileFor(pod) && !pod.metadata.deletionTimestamp) {
      this.queue.add(pod);
      if (pod.status?.nominatedNodeName) this.queue.addNominatedPod(pod, pod.status.nominatedNodeName);
    }
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (pod.spec.nodeName) {
      this.queue.delete(pod);
      if (isTerminal(pod)) {
        this.cache.removePod(pod);
        this.event({ resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' }, pod, undefined);
        return;
      }
      this.cache.addPod(pod);
      if (old.spec.nodeName) this.event({ resource: 'AssignedPod', actionType: labelsChanged(old, pod) ? ActionType.UpdatePodLabel : 0, label: 'AssignedPodUpdate' }, old, pod);
      else this.event({ resource: 'AssignedPod', actionType: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
      return;
    }
    if (!this.profileFor(pod) || this.cache.isAssumed(pod)) return;
    if (pod.metadata.deletionTimestamp) {
      this.queue.delete(pod);
      return;
    }
    const gatesGone = gatesCount(old) > 0 && gatesCount(pod) === 0;
    this.queue.update(pod);
    // The nominator follows status.nominatedNodeName once it is written or cleared (updateNominatedPod).
    const was = old.status?.nominatedNodeName ?? '';
    const now = pod.status?.nominatedNodeName ?? '';
    if (now) this.queue.addNominatedPod(pod, now);
    else if (was) this.queue.deleteNominatedPodIfExists(pod);
    if (gatesGone) this.event({ resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated, label: 'UnscheduledPodUpdate' }, old, pod);
  }

  private podDeleted(pod: Pod): void {
    this.queue.delete(pod);
    for (const f of this.profiles.values()) f.rejectWaitingPod(pod.metadata.uid ?? '');
    const held = pod.spec.nodeName || this.cache.isAssumed(pod);
    this.cache.removePod(pod);
    if (held) this.event({ resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' }, pod, undefined);
  }

  private nodeAdded(node: Node): void {
    this.cache.addOrUpdateNode(node);
    const name = node.metadata.name ?? '';
    for (const pod of this.pods.byIndex('nodeName', name)) if (!isTerminal(pod)) this.cache.addPod(pod);
    this.event({ resource: 'Node', actionType: ActionType.Add, label: 'NodeAdd' }, undefined, node);
  }

  private nodeUpdated(old: Node, node: Node): void {
    this.cache.addOrUpdateNode(node);
    // A heartbeat changes nothing a pending pod could care about; only what the filters read counts (nodeSchedulingPropertiesChange).
    const action = nodeChange(old, node);
    if (action) this.event({ resource: 'Node', actionType: action, label: 'NodeUpdate' }, old, node);
  }

  private nodeDeleted(node: Node): void {
    this.cache.removeNode(node);
    this.event({ resource: 'Node', actionType: ActionType.Delete, label: 'NodeDelete' }, node, undefined);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const info = await this.queue.pop();
      if (!info || !this.running) return;
      this.scheduleOne(info);
      // Scheduling cycles only await in-process calls: without a turn given back, a long queue would hold up every kubelet.
      await this.options.clock.giveWay?.();
    }
  }

  /** scheduleOne runs one scheduling cycle and, when it picked a node, starts the binding cycle. */
  private scheduleOne(info: QueuedPodInfo): void {
    const pod = this.pods.get(info.key);
    const fwk = pod && this.profileFor(pod);
    if (!pod || !fwk || pod.spec.nodeName || pod.metadata.deletionTimestamp || this.cache.isAssumed(pod)) {
      this.queue.done(info.key);
      return;
    }
    info.pod = pod;
    const podCycle = this.queue.schedulingCycle;
    const state: CycleState = new Map();
    this.cache.updateSnapshot(this.snapshot);
    const r = this.algorithm.schedulePod(fwk, state, pod, this.snapshot);
    const filterNames = this.options.publishDecisions === false ? [] : fwk.filterPlugins.map((p) => p.name);
    if (!r.node) {
      if (r.error) {
        const message = r.error.reasons.join(', ');
        this.publish(buildDecision(pod, fwk.profileName, info.attempts, filterNames, r, message, this.now()));
        this.fail(fwk, info, podCycle, 'SchedulerError', message, true);
        return;
      }
      let postFilter: SchedulingDecision['postFilter'];
      if (fwk.postFilterPlugins.length) {
        const statuses = new Map(r.diagnosis.nodeToStatus);
        if (r.diagnosis.absentStatus) for (const n of this.snapshot.nodeInfoList) if (!statuses.has(n.name)) statuses.set(n.name, r.diagnosis.absentStatus);
        const pf = fwk.runPostFilterPlugins(state, pod, statuses);
        if (pf.status.code !== 'Success' && pf.status.reasons.length) r.diagnosis.postFilterMsg = pf.status.reasons.join(', ');
        const nominated = pf.result?.nominatedNodeName;
        if (nominated) this.queue.addNominatedPod(pod, nominated);
        else if (nominated === '') this.queue.deleteNominatedPodIfExists(pod);
        postFilter = { message: r.diagnosis.postFilterMsg, ...(nominated ? { nominatedNodeName: nominated } : {}), ...(pf.result?.victims?.length ? { victims: pf.result.victims } : {}) };
        info.unschedulablePlugins = new Set(r.diagnosis.unschedulablePlugins);
        const message = fitErrorMessage(r.numAllNodes, r.diagnosis);
        this.publish(buildDecision(pod, fwk.profileName, info.attempts, filterNames, r, message, this.now(), postFilter));
        this.fail(fwk, info, podCycle, 'Unschedulable', message, false, nominated);
        return;
      }
      info.unschedulablePlugins = new Set(r.diagnosis.unschedulablePlugins);
      const message = fitErrorMessage(r.numAllNodes, r.diagnosis);
      this.publish(buildDecision(pod, fwk.profileName, info.attempts, filterNames, r, message, this.now()));
      this.fail(fwk, info, podCycle, 'Unschedulable', message, false);
      return;
    }
    const node = r.node;
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: node } };
    this.cache.assumePod(assumed, node);
    this.queue.deleteNominatedPodIfExists(pod);
    const reserved = fwk.runReservePluginsReserve(state, assumed, node);
    const permit = reserved.code === 'Success' ? fwk.runPermitPlugins(state, assumed, node) : reserved;
    if (permit.code !== 'Success' && permit.code !== 'Wait') {
      fwk.runReservePluginsUnreserve(state, assumed, node);
      this.cache.forgetPod(assumed);
      if (permit.plugin) info.unschedulablePlugins = new Set([permit.plugin]);
      const message = permit.reasons.join(', ');
      this.publish(buildDecision(pod, fwk.profileName, info.attempts, filterNames, { ...r, node: undefined }, message, this.now()));
      this.fail(fwk, info, podCycle, permit.code === 'Error' ? 'SchedulerError' : 'Unschedulable', message, permit.code === 'Error');
      return;
    }
    this.publish(buildDecision(pod, fwk.profileName, info.attempts, filterNames, r, undefined, this.now()));
    void this.bindingCycle(fwk, state, info, assumed, node, podCycle, permit.code === 'Wait');
  }

  /** bindingCycle waits on Permit, then PreBind, Bind and PostBind; a failure forgets the assumption and retries after backoff. */
  private async bindingCycle(fwk: Framework, state: CycleState, info: QueuedPodInfo, assumed: Pod, node: string, podCycle: number, wait: boolean): Promise<void> {
    let s: Status = wait ? await fwk.waitOnPermit(assumed) : { code: 'Success', reasons: [] };
    if (s.code === 'Success') s = await fwk.runPreBindPlugins(state, assumed, node);
    if (s.code === 'Success') s = await fwk.runBindPlugins(state, assumed, node);
    if (s.code !== 'Success') {
      fwk.runReservePluginsUnreserve(state, assumed, node);
      this.cache.forgetPod(assumed);
      // The room the pod held is free again.
      this.event({ resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' }, assumed, undefined);
      const current = this.pods.get(info.key);
      if (!current || current.spec.nodeName) {
        this.queue.done(info.key);
        return;
      }
      const rejected = s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
      this.fail(fwk, info, podCycle, rejected ? 'Unschedulable' : 'SchedulerError', s.reasons.join(', '), !rejected);
      return;
    }
    this.cache.finishBinding(assumed, this.options.clock.now());
    fwk.runPostBindPlugins(state, assumed, node);
    this.queue.done(info.key);
    await this.recorderFor(fwk.profileName).event(assumed, 'Normal', 'Scheduled', `Successfully assigned ${assumed.metadata.namespace ?? ''}/${assumed.metadata.name ?? ''} to ${node}`);
  }

  /** fail requeues the pod and records PodScheduled=False with a FailedScheduling event (handleSchedulingFailure). */
  private fail(fwk: Framework, info: QueuedPodInfo, podCycle: number, reason: string, message: string, error: boolean, nominatedNode?: string): void {
    this.queue.addUnschedulableIfNotPresent(info, podCycle, error);
    const pod = this.pods.get(info.key) ?? info.pod;
    void this.recordFailure(fwk, pod, reason, message, nominatedNode);
  }

  private async recordFailure(fwk: Framework, pod: Pod, reason: string, message: string, nominatedNode?: string): Promise<void> {
    await this.recorderFor(fwk.profileName).event(pod, 'Warning', 'FailedScheduling', message);
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const sameNomination = (pod.status?.nominatedNodeName ?? '') === (nominatedNode ?? pod.status?.nominatedNodeName ?? '');
    if (existing?.status === 'False' && existing.reason === reason && existing.message === message && sameNomination) return;
    const updated: Pod = {
      ...pod,
      status: {
        ...pod.status,
        ...(nominatedNode ? { nominatedNodeName: nominatedNode } : {}),
        conditions: setCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: timestamp(this.options.clock.now()) }),
      },
    };
    // An empty nomination from PostFilter clears the pod's (ModeOverride with no node).
    if (nominatedNode === '' && updated.status) delete updated.status.nominatedNodeName;
    // A conflict means the pod changed meanwhile; the next attempt writes the condition again.
    await this.options.client.updateStatus(PODS, updated);
  }

  private publish(d: SchedulingDecision): void {
    if (this.options.publishDecisions === false) return;
    // A decision is built for its publication alone (hundreds of scores per plugin): it is handed over, not copied.
    void this.options.client.create(DECISIONS, d, { handOver: true });
  }

  private now(): string {
    return timestamp(this.options.clock.now());
  }
}

/** validateSchedulerConfiguration checks an already-parsed configuration (for callers that hold an object, not YAML). */
export function validateSchedulerConfiguration(config: KubeSchedulerConfiguration, registry: Registry = inTreeRegistry()): string | undefined {
  const errs = validateConfiguration(defaultConfiguration(config, (n) => n in registry));
  return errs.length ? formatFieldErrors(errs) : undefined;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function gatesCount(pod: Pod): number {
  return (pod.spec.schedulingGates as unknown[] | undefined)?.length ?? 0;
}

function labelsChanged(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {});
}

/** nodeChange is nodeSchedulingPropertiesChange: the update bits that matter to scheduling, 0 for a heartbeat. */
export function nodeChange(old: Node, node: Node): number {
  let action = 0;
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  if (old.spec?.unschedulable !== node.spec?.unschedulable || !same(old.spec?.taints, node.spec?.taints)) action |= ActionType.UpdateNodeTaint;
  if (!same(old.metadata.labels, node.metadata.labels)) action |= ActionType.UpdateNodeLabel;
  if (!same(old.status?.allocatable, node.status?.allocatable)) action |= ActionType.UpdateNodeAllocatable;
  if (!same(old.metadata.annotations, node.metadata.annotations)) action |= ActionType.UpdateNodeAnnotation;
  const ready = (n: Node) => JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
  if (ready(old) !== ready(node)) action |= ActionType.UpdateNodeCondition;
  return action;
}
