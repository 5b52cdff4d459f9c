/**
 * GarbageCollector is kube-controller-manager's garbage collector, as upstream's
 * pkg/controller/garbagecollector (garbagecollector.go, operations.go, patch.go):
 * the graph builder watches every deletable resource discovery lists (looked at
 * again every 30 s, so custom resources are collected too) and the workers act on
 * what it queues. An object whose owners are all gone is deleted (background, or
 * as its own finalizers say); a reference to a gone owner beside a live one is
 * patched out; an owner deleted in the foreground has its blocking dependents
 * deleted first and then loses its foregroundDeletion finalizer; an owner deleted
 * with orphan has its references removed from its dependents, then the finalizer.
 */
import type { Clock, Timer } from '../clock';
import { type KubeObject, type OwnerReference, type Status, isStatus } from '../api/types';
import { type APIResource, RESTMapper, groupVersionString, preferredResources, serverResources } from '../client/discovery';
import { EventRecorder } from '../client/eventRecorder';
import type { InformerFactory } from '../client/informer';
import type { DeleteOptions, KubeClient, PatchType } from '../client/kubeClient';
import { WorkQueue } from '../client/workQueue';
import {
  FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN, type GraphNode, NodeQueue, type ObjectReference, ReferenceCache, referenceString, referenceTo,
} from './garbageCollectorGraph';
import { GraphBuilder } from './garbageCollectorGraphBuilder';

/** WORKERS is --concurrent-gc-syncs' default. */
const WORKERS = 20;
/** SYNC_PERIOD_MS is how often discovery is asked for new deletable resources, as startGarbageCollectorController's syncPeriod. */
const SYNC_PERIOD_MS = 30_000;
/** RESYNC_RETRY_MS is the pause between attempts to sync new monitors (PollImmediateUntil's interval). */
const RESYNC_RETRY_MS = 100;
/** ABSENT_OWNER_CACHE_SIZE is the absent owner cache's capacity. */
const ABSENT_OWNER_CACHE_SIZE = 500;
/** IGNORED_RESOURCES are DefaultIgnoredResources: events are never collected. */
const IGNORED_RESOURCES = new Set(['/events', 'events.k8s.io/events']);
/** DELETABLE_VERBS are what a resource must support to be monitored (GetDeletableResources). */
const DELETABLE_VERBS = ['delete', 'list', 'watch'];
/** CONFLICT_BACKOFF_MS is retry.DefaultBackoff's waits between attempts (10 ms, factor 5, 4 steps; without jitter, for determinism). */
const CONFLICT_BACKOFF_MS = [10, 50, 250];

/** Outcome is what working on a node came to: done, an error to retry, or one of upstream's marker errors. */
type Outcome = undefined | 'enqueuedVirtualDeleteEvent' | 'namespacedOwnerOfClusterScopedObject' | Failure;

/** Failure is an error to retry later, with the API's status code when it came from an answer. */
class Failure {
  constructor(readonly error: string, readonly code?: number) {}
}

/** deletableResources is GetDeletableResources: preferred resources that can be deleted, listed and watched, less the ignored. */
export function deletableResources(resources: readonly APIResource[]): APIResource[] {
  return resources.filter((r) => DELETABLE_VERBS.every((v) => r.verbs.includes(v)) && !IGNORED_RESOURCES.has(`${r.group}/${r.resource}`));
}

/** deleteOwnerRefStrategicMergePatch is GenerateDeleteOwnerRefStrategicMergeBytes: drop the owners' references, with the dependent's uid as precondition. */
export function deleteOwnerRefStrategicMergePatch(dependentUID: string, ownerUIDs: readonly string[]): object {
  return { metadata: { ownerReferences: ownerUIDs.map((uid) => ({ $patch: 'delete', uid })), uid: dependentUID } };
}

/** Deletable is what one look at discovery found: the resources to monitor, and a REST mapper over every resource. */
interface Deletable {
  resources: APIResource[];
  mapper: RESTMapper;
}

const resourceKey = (r: APIResource): string => `${r.group}/${r.version}/${r.resource}`;
const failed = (s: Status): Failure => new Failure(s.message ?? '', s.code);

/** GarbageCollector is kube-controller-manager's garbagecollector controller; run it once the factory's informers have started. */
export class GarbageCollector {
  private readonly attemptToDelete: NodeQueue;
  private readonly attemptToOrphan: NodeQueue;
  private readonly absentOwnerCache = new ReferenceCache(ABSENT_OWNER_CACHE_SIZE);
  private readonly graph: GraphBuilder;
  private mapper = new RESTMapper([]);
  /** monitored are the deletable resources of the last successful sync. */
  private monitored: APIResource[] = [];
  /** paused holds the workers while monitors resync, as the worker lock. */
  private paused?: Promise<void>;
  private syncTimer?: Timer;
  private stopped = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, private readonly factory: InformerFactory) {
    this.attemptToDelete = new NodeQueue(new WorkQueue(clock));
    this.attemptToOrphan = new NodeQueue(new WorkQueue(clock));
    const recorder = new EventRecorder(client, clock, { component: 'garbage-collector-controller' });
    this.graph = new GraphBuilder(factory, this.attemptToDelete, this.attemptToOrphan, this.absentOwnerCache, recorder);
  }

  run(workers = WORKERS): void {
    void this.start(workers);
  }

  stop(): void {
    this.stopped = true;
    this.syncTimer?.cancel();
    this.attemptToDelete.shutDown();
    this.attemptToOrphan.shutDown();
  }

  /** graphHasUID is GraphHasUID: whether the graph holds a node for uid. */
  graphHasUID(uid: string): boolean {
    return this.graph.uidToNode.has(uid);
  }

  /** start syncs the monitors with discovery, waits for the graph, then runs the workers; the periodic sync goes on. */
  private async start(workers: number): Promise<void> {
    await this.sync();
    if (this.stopped) return;
    this.attemptToDelete.run((n) => this.whenUnpaused(() => this.processAttemptToDelete(n)), workers);
    this.attemptToOrphan.run((n) => this.whenUnpaused(() => this.processAttemptToOrphan(n)), workers);
  }

  /** whenUnpaused runs work once no monitor resync holds the workers (the worker lock's read side). */
  private async whenUnpaused(work: () => Promise<void>): Promise<void> {
    if (this.paused) await this.paused;
    await work();
  }

  /** sync is one pass of Sync: monitors follow discovery when it lists another set of deletable resources; then the next pass is set. */
  private async sync(): Promise<void> {
    const found = await this.deletable();
    if (found && resourceSetKey(found.resources) !== resourceSetKey(this.monitored)) await this.resyncMonitors(found);
    if (!this.stopped) this.syncTimer = this.clock.setTimer(SYNC_PERIOD_MS, () => void this.sync());
  }

  /**
   * resyncMonitors holds the workers while the REST mapper is reset and the
   * monitors resynced, asking discovery again between attempts until every
   * monitor has listed (PollImmediateUntil); only then are the resources recorded.
   */
  private async resyncMonitors(first: Deletable): Promise<void> {
    let resume = (): void => undefined;
    this.paused = new Promise((resolve) => (resume = resolve));
    let found: Deletable | undefined = first;
    while (!this.stopped) {
      if (found) {
        this.mapper = found.mapper;
        this.graph.syncMonitors(found.resources);
        if (await this.waitForGraphSync(SYNC_PERIOD_MS)) {
          this.monitored = found.resources;
          break;
        }
      }
      await this.sleep(RESYNC_RETRY_MS);
      found = await this.deletable();
    }
    this.paused = undefined;
    resume();
  }

  /**
   * deletable asks discovery for the deletable resources (GetDeletableResources),
   * keeping the synced monitors of groups that failed to answer, with a REST
   * mapper over everything discovered; none found means discovery failed.
   */
  private async deletable(): Promise<Deletable | undefined> {
    const found = await serverResources(this.client);
    const resources = deletableResources(preferredResources(found));
    if (resources.length === 0) return undefined;
    for (const old of this.monitored) {
      if (!found.failedGroups.has(groupVersionString(old.group, old.version)) || !this.graph.isResourceSynced(old)) continue;
      if (!resources.some((r) => resourceKey(r) === resourceKey(old))) resources.push(old);
    }
    return { resources, mapper: new RESTMapper(found.resources) };
  }

  /** waitForGraphSync starts the new monitors' informers and waits up to ms for every monitor to list. */
  private async waitForGraphSync(ms: number): Promise<boolean> {
    void this.factory.start();
    let timer: Timer | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = this.clock.setTimer(ms, () => resolve(false))));
    const synced = await Promise.race([this.graph.waitForSync().then(() => true), timedOut]);
    timer?.cancel();
    return synced && this.graph.isSynced();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }

  private async processAttemptToDelete(n: GraphNode): Promise<void> {
    const requeue = await this.attemptToDeleteWorker(n);
    if (requeue) this.attemptToDelete.addRateLimited(n);
    else this.attemptToDelete.forget(n);
  }

  /** attemptToDeleteWorker works on a node; true means try it again later. */
  private async attemptToDeleteWorker(n: GraphNode): Promise<boolean> {
    if (!n.isObserved()) {
      const fromGraph = this.graph.uidToNode.get(n.identity.uid);
      // The node left the graph, or its object was observed meanwhile.
      if (!fromGraph || fromGraph.isObserved()) return false;
    }
    const outcome = await this.attemptToDeleteItem(n);
    if (outcome === 'enqueuedVirtualDeleteEvent' || outcome === 'namespacedOwnerOfClusterScopedObject') return false;
    if (outcome) return true;
    // A virtual node is looked at until an informer observes its object, so one added and removed unseen cannot linger.
    return !n.isObserved();
  }

  /**
   * attemptToDeleteItem looks up the node's object and deletes it if every owner
   * is gone, patches out references to gone owners beside live ones, deletes it in
   * the foreground when an owner waits for its dependents, and finishes foreground
   * deletions; an object the API does not have becomes a virtual delete event.
   */
  private async attemptToDeleteItem(item: GraphNode): Promise<Outcome> {
    // Being deleted is a one-way trip; the final deletion will bring the dependents here.
    if (item.beingDeleted && !item.deletingDependents) return undefined;
    const latest = await this.getObject(item.identity);
    if (latest instanceof Failure) return latest;
    if (isStatus(latest)) {
      if (latest.code !== 404) return failed(latest);
      this.graph.enqueueVirtualDeleteEvent(item.identity);
      return 'enqueuedVirtualDeleteEvent';
    }
    if (latest.metadata.uid !== item.identity.uid) {
      this.graph.enqueueVirtualDeleteEvent(item.identity);
      return 'enqueuedVirtualDeleteEvent';
    }
    if (item.deletingDependents) return this.processDeletingDependentsItem(item);
    const ownerReferences = latest.metadata.ownerReferences ?? [];
    if (ownerReferences.length === 0) return undefined;
    const refs = await this.classifyReferences(item, ownerReferences);
    if (typeof refs === 'string' || refs instanceof Failure) return refs;
    const { solid, dangling, waiting } = refs;
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return undefined;
      // References to owners waiting for their dependents go too, else those owners would wait forever.
      const ownerUIDs = [...dangling, ...waiting].map((r) => r.uid);
      return this.patch(item, deleteOwnerRefStrategicMergePatch(item.identity.uid, ownerUIDs), () => this.deleteOwnerRefJSONMergePatch(item, ownerUIDs));
    }
    if (waiting.length > 0 && item.dependents.size > 0) {
      for (const dep of item.dependents) {
        if (!dep.deletingDependents) continue;
        // Owners and a dependent all deleting dependents may be a cycle: stop blocking the owners, then delete in the foreground.
        const unblocked = await this.patch(item, unblockOwnerReferencesStrategicMergePatch(item), () => this.unblockOwnerReferencesJSONMergePatch(item));
        if (unblocked) return unblocked;
        break;
      }
      return this.deleteObject(item.identity, 'Foreground');
    }
    // No owner left: honour a finalizer the object already has, else delete in the background.
    const finalizers = latest.metadata.finalizers ?? [];
    const policy = finalizers.includes(FINALIZER_ORPHAN) ? 'Orphan' : finalizers.includes(FINALIZER_DELETE_DEPENDENTS) ? 'Foreground' : 'Background';
    return this.deleteObject(item.identity, policy);
  }

  /** processDeletingDependentsItem drops the foregroundDeletion finalizer once nothing blocks the owner, else queues the blockers. */
  private async processDeletingDependentsItem(item: GraphNode): Promise<Outcome> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) return this.removeFinalizer(item, FINALIZER_DELETE_DEPENDENTS);
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep);
    return undefined;
  }

  /**
   * classifyReferences sorts references into solid (the owner exists and is not
   * waiting for its dependents), dangling (it does not exist, or another object
   * has its name now) and waiting (deleted in the foreground).
   */
  private async classifyReferences(item: GraphNode, refs: readonly OwnerReference[]): Promise<{ solid: OwnerReference[]; dangling: OwnerReference[]; waiting: OwnerReference[] } | Exclude<Outcome, undefined>> {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const verdict = await this.isDangling(ref, item);
      if (verdict === 'namespacedOwnerOfClusterScopedObject' || verdict instanceof Failure) return verdict;
      if (verdict.dangling) dangling.push(ref);
      else if (verdict.owner.metadata.deletionTimestamp && verdict.owner.metadata.finalizers?.includes(FINALIZER_DELETE_DEPENDENTS)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /**
   * isDangling says whether a reference names an object that does not exist,
   * from the absent owner cache or a live GET; a uid that no longer matches the
   * named object counts as absent.
   */
  private async isDangling(ref: OwnerReference, item: GraphNode): Promise<{ dangling: true } | { dangling: false; owner: KubeObject } | 'namespacedOwnerOfClusterScopedObject' | Failure> {
    const clusterKey = referenceTo(ref, '');
    if (this.absentOwnerCache.has(clusterKey)) return { dangling: true };
    const namespacedKey = referenceTo(ref, item.identity.namespace);
    if (this.absentOwnerCache.has(namespacedKey)) return { dangling: true };
    const mapping = this.mapper.mapping(ref.apiVersion, ref.kind);
    if (!mapping) return restMappingError(ref.kind, ref.apiVersion);
    const absentKey = mapping.namespaced ? namespacedKey : clusterKey;
    // A cluster-scoped object cannot be owned by a namespaced one; retrying would not help.
    if (!item.identity.namespace && mapping.namespaced) return 'namespacedOwnerOfClusterScopedObject';
    const owner = await this.client.get(mapping, mapping.namespaced ? item.identity.namespace : '', ref.name);
    if (isStatus(owner)) {
      if (owner.code !== 404) return failed(owner);
      this.absentOwnerCache.add(absentKey);
      return { dangling: true };
    }
    if (owner.metadata.uid !== ref.uid) {
      this.absentOwnerCache.add(absentKey);
      return { dangling: true };
    }
    return { dangling: false, owner };
  }

  private async processAttemptToOrphan(owner: GraphNode): Promise<void> {
    const requeue = await this.attemptToOrphanWorker(owner);
    if (requeue) this.attemptToOrphan.addRateLimited(owner);
    else this.attemptToOrphan.forget(owner);
  }

  /** attemptToOrphanWorker removes the owner from its dependents' references, then its orphan finalizer; true means try again later. */
  private async attemptToOrphanWorker(owner: GraphNode): Promise<boolean> {
    const orphaned = await this.orphanDependents(owner.identity, [...owner.dependents]);
    if (orphaned) return true;
    return (await this.removeFinalizer(owner, FINALIZER_ORPHAN)) !== undefined;
  }

  /** orphanDependents patches the owner's reference out of every dependent, with each dependent's uid as precondition. */
  private async orphanDependents(owner: ObjectReference, dependents: readonly GraphNode[]): Promise<Outcome> {
    const results = await Promise.all(dependents.map(async (dep) => {
      const outcome = await this.patch(dep, deleteOwnerRefStrategicMergePatch(dep.identity.uid, [owner.uid]), () => this.deleteOwnerRefJSONMergePatch(dep, [owner.uid]));
      // A dependent that is gone needs no orphaning.
      if (outcome instanceof Failure && outcome.code !== 404) return `orphaning ${referenceString(dep.identity)} failed, ${outcome.error}`;
      return undefined;
    }));
    const errors = results.filter((e): e is string => e !== undefined);
    if (errors.length === 0) return undefined;
    return new Failure(`failed to orphan dependents of owner ${referenceString(owner)}, got errors: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
  }

  /** removeFinalizer takes one finalizer off the node's object with a merge patch pinned to its resourceVersion, retrying conflicts. */
  private async removeFinalizer(owner: GraphNode, finalizer: string): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const object = await this.getObject(owner.identity);
      if (object instanceof Failure) return object;
      if (isStatus(object)) {
        if (object.code === 404) return undefined;
        return new Failure(`cannot finalize owner ${referenceString(owner.identity)}, because cannot get it: ${object.message ?? ''}. The garbage collector will retry later`);
      }
      const finalizers = object.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const rest = finalizers.filter((f) => f !== finalizer);
      const patched = await this.patchObject(owner.identity, { metadata: { resourceVersion: object.metadata.resourceVersion, finalizers: rest.length ? rest : null } }, 'application/merge-patch+json');
      if (patched === undefined) return undefined;
      if (!(patched instanceof Failure) || patched.code !== 409) return patched;
      if (attempt >= CONFLICT_BACKOFF_MS.length) {
        return new Failure(`updateMaxRetries(${CONFLICT_BACKOFF_MS.length + 1}) has reached. The garbage collector will retry later for owner ${referenceString(owner.identity)}`);
      }
      await this.sleep(CONFLICT_BACKOFF_MS[attempt]);
    }
  }

  /** patch tries a strategic merge patch and, where the resource takes none (custom resources), the JSON merge patch jmp builds. */
  private async patch(item: GraphNode, smp: object, jmp: () => Promise<object | Failure>): Promise<Outcome> {
    const answer = await this.patchObject(item.identity, smp, 'application/strategic-merge-patch+json', true);
    if (answer !== 'unsupportedMediaType') return answer;
    const merge = await jmp();
    if (merge instanceof Failure) return merge;
    return this.patchObject(item.identity, merge, 'application/merge-patch+json');
  }

  /** deleteOwnerRefJSONMergePatch keeps every reference but the owners', pinned to the resourceVersion read. */
  private async deleteOwnerRefJSONMergePatch(item: GraphNode, ownerUIDs: readonly string[]): Promise<object | Failure> {
    const obj = await this.getMetadata(item.identity);
    if (obj instanceof Failure) return obj;
    const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !ownerUIDs.includes(r.uid));
    return { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: refs.length ? refs : null } };
  }

  /** unblockOwnerReferencesJSONMergePatch is every owner reference of the node with blockOwnerDeletion false. */
  private async unblockOwnerReferencesJSONMergePatch(n: GraphNode): Promise<object | Failure> {
    const obj = await this.getMetadata(n.identity);
    if (obj instanceof Failure) return obj;
    return { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: n.owners.map((o) => ({ ...o, blockOwnerDeletion: false })) } };
  }

  /** getMetadata reads an object from its monitor's cache, or from the API when it is not there. */
  private async getMetadata(ref: ObjectReference): Promise<KubeObject | Failure> {
    const mapping = this.mapper.mapping(ref.apiVersion, ref.kind);
    if (!mapping) return restMappingError(ref.kind, ref.apiVersion);
    const namespace = mapping.namespaced ? ref.namespace : '';
    const cached = this.graph.monitorFor(mapping)?.get(namespace ? `${namespace}/${ref.name}` : ref.name);
    if (cached) return cached;
    const live = await this.client.get(mapping, namespace, ref.name);
    return isStatus(live) ? failed(live) : live;
  }

  private async getObject(ref: ObjectReference): Promise<KubeObject | Status | Failure> {
    const mapping = this.mapper.mapping(ref.apiVersion, ref.kind);
    if (!mapping) return restMappingError(ref.kind, ref.apiVersion);
    return this.client.get(mapping, mapping.namespaced ? ref.namespace : '', ref.name);
  }

  /** deleteObject deletes the node's object, with its uid as precondition, under the propagation policy. */
  private async deleteObject(ref: ObjectReference, policy: NonNullable<DeleteOptions['propagationPolicy']>): Promise<Outcome> {
    const mapping = this.mapper.mapping(ref.apiVersion, ref.kind);
    if (!mapping) return restMappingError(ref.kind, ref.apiVersion);
    const answer = await this.client.delete(mapping, mapping.namespaced ? ref.namespace : '', ref.name, { preconditions: { uid: ref.uid }, propagationPolicy: policy });
    return isStatus(answer) && answer.status === 'Failure' ? failed(answer) : undefined;
  }

  /** patchObject patches the node's object; with smp set, a 415 answers 'unsupportedMediaType'. */
  private async patchObject(ref: ObjectReference, body: object, type: PatchType, smp?: false): Promise<Outcome>;
  private async patchObject(ref: ObjectReference, body: object, type: PatchType, smp: true): Promise<Outcome | 'unsupportedMediaType'>;
  private async patchObject(ref: ObjectReference, body: object, type: PatchType, smp = false): Promise<Outcome | 'unsupportedMediaType'> {
    const mapping = this.mapper.mapping(ref.apiVersion, ref.kind);
    if (!mapping) return restMappingError(ref.kind, ref.apiVersion);
    const answer = await this.client.patch(mapping, mapping.namespaced ? ref.namespace : '', ref.name, body, type);
    if (!isStatus(answer)) return undefined;
    if (smp && answer.code === 415) return 'unsupportedMediaType';
    return failed(answer);
  }
}

/** restMappingError is upstream's restMappingError: a kind the REST mapper does not know (yet). */
function restMappingError(kind: string, apiVersion: string): Failure {
  return new Failure(`unable to get REST mapping for ${apiVersion}/${kind}.`);
}

/** unblockOwnerReferencesStrategicMergePatch sets blockOwnerDeletion false on each blocking reference, with the node's uid as precondition. */
function unblockOwnerReferencesStrategicMergePatch(n: GraphNode): object {
  const blocking = n.owners.filter((o) => o.blockOwnerDeletion === true).map((o) => ({ ...o, blockOwnerDeletion: false }));
  return { metadata: { uid: n.identity.uid, ...(blocking.length ? { ownerReferences: blocking } : {}) } };
}

function resourceSetKey(resources: readonly APIResource[]): string {
  return resources.map(resourceKey).sort().join(',');
}
