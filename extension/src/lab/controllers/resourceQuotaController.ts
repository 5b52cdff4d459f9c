/**
 * ResourceQuotaController keeps every ResourceQuota's status in line with its
 * spec and with what exists, as upstream's pkg/controller/resourcequota:
 * status.hard copies spec.hard, and status.used sums the namespace's objects
 * from informers with the same evaluators ResourceQuota admission charges with.
 * A quota whose spec is not yet in its status goes to a priority queue; an
 * object's deletion, or an update that frees usage, re-syncs the namespace's
 * quotas tracking it (the quota monitor's replenishment); and every quota is
 * recalculated every 5 minutes. Resources to count come from discovery, looked
 * at again every 30 s so new ones (CRDs) are counted too.
 */
import type { Clock, Timer } from '../clock';
import { keyOf } from '../api/meta';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import { type Quantities, quantities } from '../apiserver/admission/podResources';
import {
  CORE_QUOTA_RESOURCES, type UsageSource, calculateUsage, chargedForCompute, evaluatorFor, isTerminating, quotaServiceType,
} from '../apiserver/admission/quotaEvaluators';
import { equals, mask, serialize } from '../apiserver/admission/quotaResources';
import type { ResourceQuota } from '../apiserver/admission/resourceQuota';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { RESOURCEQUOTAS, type ResourceRef } from '../client/resources';
import { WorkQueue } from '../client/workQueue';

/** RESYNC_PERIOD_MS is --resource-quota-sync-period's default: how often every quota is recalculated. */
const RESYNC_PERIOD_MS = 5 * 60_000;
/** DISCOVERY_PERIOD_MS is how often kube-controller-manager looks for new quotable resources. */
const DISCOVERY_PERIOD_MS = 30_000;
/** WORKERS is --concurrent-resource-quota-syncs' default, per queue. */
const WORKERS = 5;
/** QUOTABLE_VERBS are what a resource must support to be counted (GetQuotableResources). */
const QUOTABLE_VERBS = ['create', 'list', 'watch', 'delete'];
/** NAMESPACE_INDEX is client-go's NamespaceIndex: listers read one namespace through it. */
const NAMESPACE_INDEX = 'namespace';

const byNamespace = (obj: KubeObject): string[] => [obj.metadata.namespace ?? ''];

/**
 * updateRequiresReplenishment is quota's DefaultUpdateFilter: whether an update
 * may have lowered usage, so quotas should not wait for the resync to see it.
 * Deletions always replenish; creations never do, since admission charged them.
 * Upstream's check of resized container status resources is left out: the lab
 * measures pods by spec alone.
 */
export function updateRequiresReplenishment(group: string, resource: string, old: KubeObject, cur: KubeObject, now: number): boolean {
  if (group !== '') return false;
  switch (resource) {
    case 'pods':
      return isTerminating(old as Pod) !== isTerminating(cur as Pod) || (chargedForCompute(old as Pod, now) && !chargedForCompute(cur as Pod, now));
    case 'services':
      return quotaServiceType(old) !== quotaServiceType(cur);
    case 'persistentvolumeclaims':
      // RequiresQuotaReplenish compares two fresh pointers to status.allocatedResources' storage, so every update replenishes.
      return true;
    default:
      return false;
  }
}

/** sortedSerialize prints a list as Go's encoding/json would store it: keys in order. */
function sortedSerialize(list: Quantities): Record<string, string> {
  return serialize(mask(list, Object.keys(list).sort()));
}

interface DiscoveredResource { name: string; namespaced: boolean; verbs?: string[] }
interface DiscoveredGroup { name: string; preferredVersion?: { groupVersion: string; version: string } }

/** ResourceQuotaController is kube-controller-manager's resourcequota controller; run it once the factory's informers have started. */
export class ResourceQuotaController {
  /** queue is resourcequota_primary: resyncs and replenishments. */
  private readonly queue: WorkQueue;
  /** missingUsageQueue is resourcequota_priority: quotas whose status does not yet reflect their spec. */
  private readonly missingUsageQueue: WorkQueue;
  private readonly quotas: Informer<ResourceQuota>;
  /** registry holds each counted resource's evaluator and listing, by `group/resource`. */
  private readonly registry = new Map<string, UsageSource>();
  private resyncTimer?: Timer;
  private discoveryTimer?: Timer;
  private stopped = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, private readonly factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.missingUsageQueue = new WorkQueue(clock);
    this.quotas = factory.informer<ResourceQuota>(RESOURCEQUOTAS);
    this.quotas.addIndexer(NAMESPACE_INDEX, byNamespace);
    this.quotas.addEventHandler({
      onAdd: (q) => this.addQuota(q),
      // Status changes come from this controller and admission; only a new spec.hard needs a sync.
      onUpdate: (old, q) => {
        if (!equals(quantities(old.spec?.hard), quantities(q.spec?.hard))) this.addQuota(q);
      },
      onDelete: (q) => this.queue.add(keyOf(q)),
    });
    // The core evaluators list through shared informers from the start, as core.NewEvaluators'.
    for (const resource of CORE_QUOTA_RESOURCES) this.monitor({ group: '', version: 'v1', resource, namespaced: true });
  }

  run(workers = WORKERS): void {
    void this.start(workers);
  }

  stop(): void {
    this.stopped = true;
    this.resyncTimer?.cancel();
    this.discoveryTimer?.cancel();
    this.queue.shutDown();
    this.missingUsageQueue.shutDown();
  }

  /** start monitors what discovery lists, waits for every cache, then runs the workers and the periodic loops. */
  private async start(workers: number): Promise<void> {
    await this.syncMonitors();
    if (this.stopped) return;
    await this.factory.start();
    if (this.stopped) return;
    for (const queue of [this.queue, this.missingUsageQueue]) queue.run((key) => this.sync(queue, key), workers);
    this.enqueueAll();
    this.discoveryTimer = this.clock.setTimer(DISCOVERY_PERIOD_MS, () => void this.rediscover());
  }

  /** enqueueAll queues every quota for a full recalculation, then again after the resync period. */
  private enqueueAll(): void {
    if (this.stopped) return;
    for (const q of this.quotas.list()) this.queue.add(keyOf(q));
    this.resyncTimer = this.clock.setTimer(RESYNC_PERIOD_MS, () => this.enqueueAll());
  }

  /** rediscover starts monitors for resources that appeared; their listings answer once their caches fill. */
  private async rediscover(): Promise<void> {
    if (this.stopped) return;
    if (await this.syncMonitors()) void this.factory.start();
    if (!this.stopped) this.discoveryTimer = this.clock.setTimer(DISCOVERY_PERIOD_MS, () => void this.rediscover());
  }

  /** addQuota is upstream's: a spec not yet in status, or a tracked resource without usage, takes the priority queue. */
  private addQuota(quota: ResourceQuota): void {
    const key = keyOf(quota);
    if (!equals(quantities(quota.spec?.hard), quantities(quota.status?.hard))) {
      this.missingUsageQueue.add(key);
      return;
    }
    const used = quota.status?.used ?? {};
    const sources = [...this.registry.values()];
    for (const constraint of Object.keys(quota.status?.hard ?? {})) {
      if (constraint in used) continue;
      if (sources.some((s) => s.evaluator.matchingResources([constraint]).length > 0)) {
        this.missingUsageQueue.add(key);
        return;
      }
    }
    this.queue.add(key);
  }

  private async sync(queue: WorkQueue, key: string): Promise<void> {
    const quota = this.quotas.get(key);
    const ok = quota ? await this.syncResourceQuota(quota) : true;
    if (ok) queue.forget(key);
    else queue.addRateLimited(key);
  }

  /**
   * syncResourceQuota recalculates a quota's usage and writes its status when
   * hard or used changed, keeping the last usage of resources it could not
   * measure; false when something failed and the quota should come back.
   */
  private async syncResourceQuota(quota: ResourceQuota): Promise<boolean> {
    const hard = quantities(quota.spec?.hard);
    const status = quota.status;
    let dirty = !equals(hard, quantities(status?.hard)) || status?.hard === undefined || status.used === undefined;
    const names = Object.keys(hard);
    const { used: measured, errors } = calculateUsage(
      quota.metadata.namespace ?? '', quota.spec?.scopes ?? [], quota.spec?.scopeSelector?.matchExpressions ?? [], names, [...this.registry.values()], this.clock.now(),
    );
    const used = mask({ ...quantities(status?.used), ...measured }, names);
    dirty = dirty || !equals(used, quantities(status?.used));
    if (dirty) {
      const answer = await this.client.updateStatus(RESOURCEQUOTAS, { ...quota, status: { hard: sortedSerialize(hard), used: sortedSerialize(used) } });
      if (isStatus(answer)) errors.push(answer.message ?? '');
    }
    return errors.length === 0;
  }

  /** replenish is replenishQuota: queues the namespace's quotas that track what changed. */
  private replenish(groupResource: string, namespace: string): void {
    const source = this.registry.get(groupResource);
    if (!source) return;
    for (const quota of this.quotas.byIndex(NAMESPACE_INDEX, namespace)) {
      if (source.evaluator.matchingResources(Object.keys(quota.status?.hard ?? {})).length > 0) this.queue.add(keyOf(quota));
    }
  }

  /** monitor counts a resource: an evaluator, a shared informer listing by namespace, and replenishment; false if already counted or ignored. */
  private monitor(ref: ResourceRef): boolean {
    const key = `${ref.group}/${ref.resource}`;
    const evaluator = evaluatorFor(ref.group, ref.resource);
    if (!evaluator || this.registry.has(key)) return false;
    const informer = this.factory.informer<KubeObject>(ref);
    informer.addIndexer(NAMESPACE_INDEX, byNamespace);
    informer.addEventHandler({
      onUpdate: (old, cur) => {
        if (updateRequiresReplenishment(ref.group, ref.resource, old, cur, this.clock.now())) this.replenish(key, cur.metadata.namespace ?? '');
      },
      onDelete: (obj) => this.replenish(key, obj.metadata.namespace ?? ''),
    });
    this.registry.set(key, { name: key, evaluator, list: (ns) => (informer.hasSynced ? informer.byIndex(NAMESPACE_INDEX, ns) : undefined) });
    return true;
  }

  /** syncMonitors monitors every quotable resource discovery lists; true if it found new ones. */
  private async syncMonitors(): Promise<boolean> {
    let added = false;
    for (const ref of await this.quotableResources()) if (this.monitor(ref)) added = true;
    return added;
  }

  /**
   * quotableResources is GetQuotableResources over ServerPreferredNamespacedResources:
   * namespaced resources of each group's preferred version that can be created,
   * listed, watched and deleted. Groups that fail to answer are left for the next look.
   */
  private async quotableResources(): Promise<ResourceRef[]> {
    const versions: { group: string; version: string; path: string }[] = [{ group: '', version: 'v1', path: '/api/v1' }];
    const groups = await this.client.raw({ method: 'GET', path: '/apis' });
    if (!isStatus(groups)) {
      for (const g of (groups as { groups?: DiscoveredGroup[] }).groups ?? []) {
        if (g.preferredVersion) versions.push({ group: g.name, version: g.preferredVersion.version, path: `/apis/${g.preferredVersion.groupVersion}` });
      }
    }
    const refs: ResourceRef[] = [];
    for (const v of versions) {
      const list = await this.client.raw({ method: 'GET', path: v.path });
      if (isStatus(list)) continue;
      for (const r of (list as { resources?: DiscoveredResource[] }).resources ?? []) {
        if (r.name.includes('/') || !r.namespaced || !QUOTABLE_VERBS.every((verb) => r.verbs?.includes(verb))) continue;
        refs.push({ group: v.group, version: v.version, resource: r.name, namespaced: true });
      }
    }
    return refs;
  }
}
