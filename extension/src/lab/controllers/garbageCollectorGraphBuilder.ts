/**
 * GraphBuilder keeps the garbage collector's graph in step with the cluster, as
 * upstream's pkg/controller/garbagecollector/graph_builder.go: one monitor (a
 * shared informer) per deletable resource feeds changes that are applied one at a
 * time, in order; it queues what may need collecting (attemptToDelete) and owners
 * whose dependents must be orphaned (attemptToOrphan), and makes virtual nodes
 * for owners not yet observed, which the collector verifies against the API.
 */
import type { KubeObject, OwnerReference } from '../api/types';
import type { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import { type APIResource, groupVersionString } from '../client/discovery';
import {
  FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN, GraphNode, type NodeQueue, type ObjectReference, type ReferenceCache, matchesCoordinates, referenceString,
  referenceTo, sameReference,
} from './garbageCollectorGraph';

/** GraphEvent is an informer's change, or a virtual delete the collector made up for an object the API does not have. */
interface GraphEvent {
  type: 'add' | 'update' | 'delete';
  obj: KubeObject;
  oldObj?: KubeObject;
  apiVersion: string;
  kind: string;
  virtual?: boolean;
}

/** Monitor is one watched resource; a monitor discovery no longer lists stays, inactive, since shared informers are never stopped alone. */
interface Monitor {
  resource: APIResource;
  informer: Informer<KubeObject>;
  active: boolean;
}

const beingDeleted = (obj: KubeObject): boolean => Boolean(obj.metadata.deletionTimestamp);
const hasFinalizer = (obj: KubeObject, finalizer: string): boolean => obj.metadata.finalizers?.includes(finalizer) ?? false;

/** deletionStartsWithFinalizer tells an object whose deletion waits on finalizer from now on. */
function deletionStartsWithFinalizer(oldObj: KubeObject | undefined, obj: KubeObject, finalizer: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, finalizer)) return false;
  return !oldObj || !beingDeleted(oldObj) || !hasFinalizer(oldObj, finalizer);
}

/** sameOwnerReference is reflect.DeepEqual of two owner references (an unset flag is not false). */
function sameOwnerReference(a: OwnerReference, b: OwnerReference): boolean {
  return matchesCoordinates(a, b) && a.controller === b.controller && a.blockOwnerDeletion === b.blockOwnerDeletion;
}

/** referencesDiffs splits a change of ownerReferences into added, removed and changed references, by uid. */
export function referencesDiffs(old: readonly OwnerReference[], cur: readonly OwnerReference[]): { added: OwnerReference[]; removed: OwnerReference[]; changed: [OwnerReference, OwnerReference][] } {
  const byUID = new Map(old.map((r) => [r.uid, r]));
  const added: OwnerReference[] = [];
  const changed: [OwnerReference, OwnerReference][] = [];
  for (const r of cur) {
    const before = byUID.get(r.uid);
    if (!before) added.push(r);
    else {
      if (!sameOwnerReference(before, r)) changed.push([before, r]);
      byUID.delete(r.uid);
    }
  }
  return { added, removed: [...byUID.values()], changed };
}

/**
 * partitionDependents splits dependents into those whose reference to the owner's
 * uid matches identity and those whose does not (a dependent can be in both).
 */
export function partitionDependents(dependents: Iterable<GraphNode>, identity: ObjectReference): { matching: GraphNode[]; nonmatching: GraphNode[] } {
  const matching: GraphNode[] = [];
  const nonmatching: GraphNode[] = [];
  const ownerIsNamespaced = identity.namespace !== '';
  for (const dep of dependents) {
    let match = false;
    let mismatch = false;
    if (ownerIsNamespaced && identity.namespace !== dep.identity.namespace) mismatch = true;
    else {
      for (const ref of dep.owners) {
        if (ref.uid !== identity.uid) continue;
        if (matchesCoordinates(ref, identity)) match = true;
        else mismatch = true;
      }
    }
    if (match) matching.push(dep);
    if (mismatch) nonmatching.push(dep);
  }
  return { matching, nonmatching };
}

/** referenceLessThan orders references by kind, apiVersion, namespace, name, then uid. */
function referenceLessThan(a: ObjectReference, b: ObjectReference): boolean {
  for (const k of ['kind', 'apiVersion', 'namespace', 'name', 'uid'] as const) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
}

/**
 * alternateOwnerIdentity is getAlternateOwnerIdentity: another identity the
 * dependents give the verified-absent owner's uid, the first following it in
 * referenceLessThan's order, else the first.
 */
export function alternateOwnerIdentity(deps: readonly GraphNode[], absent: ObjectReference): ObjectReference | undefined {
  const absentIsClusterScoped = absent.namespace === '';
  const seen = [absent];
  let first: ObjectReference | undefined;
  let firstFollowing: ObjectReference | undefined;
  for (const dep of deps) {
    for (const owner of dep.owners) {
      if (owner.uid !== absent.uid) continue;
      if (matchesCoordinates(owner, absent) && (absentIsClusterScoped || absent.namespace === dep.identity.namespace)) continue;
      const ref = referenceTo(owner, dep.identity.namespace);
      // This apiVersion/kind is known cluster-scoped from the absent identity.
      if (absentIsClusterScoped && ref.apiVersion === absent.apiVersion && ref.kind === absent.kind) ref.namespace = '';
      if (seen.some((s) => sameReference(s, ref))) continue;
      seen.push(ref);
      if (!first || referenceLessThan(ref, first)) first = ref;
      if (referenceLessThan(absent, ref) && (!firstFollowing || referenceLessThan(ref, firstFollowing))) firstFollowing = ref;
    }
  }
  return firstFollowing ?? first;
}

/** GraphBuilder keeps the graph in step with the monitors' informers and queues nodes for the collector. */
export class GraphBuilder {
  /** uidToNode is the graph; only processGraphChanges writes it. */
  readonly uidToNode = new Map<string, GraphNode>();
  private readonly monitors = new Map<string, Monitor>();
  private readonly graphChanges: GraphEvent[] = [];
  private processing = false;

  constructor(
    private readonly factory: InformerFactory,
    readonly attemptToDelete: NodeQueue,
    readonly attemptToOrphan: NodeQueue,
    readonly absentOwnerCache: ReferenceCache,
    private readonly recorder: EventRecorder,
  ) {}

  /**
   * syncMonitors watches exactly these resources: new ones get a monitor on the
   * shared informer (started by the factory's next start), gone ones stop feeding the graph.
   */
  syncMonitors(resources: readonly APIResource[]): void {
    const wanted = new Set<string>();
    for (const r of resources) {
      const key = `${r.group}/${r.version}/${r.resource}`;
      wanted.add(key);
      const existing = this.monitors.get(key);
      if (existing) {
        existing.active = true;
        continue;
      }
      const m: Monitor = { resource: r, informer: this.factory.informer<KubeObject>(r), active: true };
      const apiVersion = groupVersionString(r.group, r.version);
      const emit = (e: Omit<GraphEvent, 'apiVersion' | 'kind'>) => {
        if (m.active) this.enqueue({ ...e, apiVersion, kind: r.kind });
      };
      m.informer.addEventHandler({
        onAdd: (obj) => emit({ type: 'add', obj }),
        onUpdate: (oldObj, obj) => emit({ type: 'update', obj, oldObj }),
        onDelete: (obj) => emit({ type: 'delete', obj }),
      });
      this.monitors.set(key, m);
    }
    for (const [key, m] of this.monitors) if (!wanted.has(key)) m.active = false;
  }

  /** isSynced is true once there are monitors and every one has listed. */
  isSynced(): boolean {
    const active = this.activeMonitors();
    return active.length > 0 && active.every((m) => m.informer.hasSynced);
  }

  /** waitForSync settles when every current monitor has listed. */
  async waitForSync(): Promise<void> {
    await Promise.all(this.activeMonitors().map((m) => m.informer.waitForSync()));
  }

  /** isResourceSynced tells a monitored resource whose informer has listed. */
  isResourceSynced(r: APIResource): boolean {
    const m = this.monitors.get(`${r.group}/${r.version}/${r.resource}`);
    return m?.active === true && m.informer.hasSynced;
  }

  /** monitorFor is the active monitor's informer for a resource, whose cache the collector may read. */
  monitorFor(r: APIResource): Informer<KubeObject> | undefined {
    const m = this.monitors.get(`${r.group}/${r.version}/${r.resource}`);
    return m?.active ? m.informer : undefined;
  }

  /** enqueueVirtualDeleteEvent records that the API has no object for ref, so its node leaves the graph. */
  enqueueVirtualDeleteEvent(ref: ObjectReference): void {
    this.enqueue({ type: 'delete', virtual: true, apiVersion: ref.apiVersion, kind: ref.kind, obj: { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { namespace: ref.namespace, uid: ref.uid, name: ref.name } } });
  }

  private activeMonitors(): Monitor[] {
    return [...this.monitors.values()].filter((m) => m.active);
  }

  /** enqueue adds a change; changes are applied one at a time, in order, as the single graph goroutine does. */
  private enqueue(e: GraphEvent): void {
    this.graphChanges.push(e);
    if (this.processing) return;
    this.processing = true;
    try {
      for (let next = this.graphChanges.shift(); next; next = this.graphChanges.shift()) this.processGraphChanges(next);
    } finally {
      this.processing = false;
    }
  }

  /** processGraphChanges applies one change to the graph and queues the nodes it may concern. */
  private processGraphChanges(e: GraphEvent): void {
    const meta = e.obj.metadata;
    const identity: ObjectReference = { apiVersion: e.apiVersion, kind: e.kind, uid: meta.uid ?? '', name: meta.name ?? '', namespace: meta.namespace ?? '' };
    let existing = this.uidToNode.get(identity.uid);
    if (existing && !e.virtual && !existing.isObserved()) {
      if (!sameReference(identity, existing.identity)) {
        // Dependents that named the owner otherwise may be wrong: the collector verifies them.
        for (const dep of partitionDependents(existing.dependents, identity).nonmatching) {
          if (identity.namespace && dep.identity.namespace !== identity.namespace) this.reportInvalidNamespaceOwnerRef(dep, identity.uid);
          this.attemptToDelete.add(dep);
        }
        existing = existing.clone();
        existing.identity = identity;
        this.uidToNode.set(identity.uid, existing);
      }
      existing.virtual = false;
    }
    if (e.type !== 'delete') {
      const owners = e.obj.metadata.ownerReferences ?? [];
      if (!existing) {
        const n = new GraphNode(identity, owners, false);
        n.beingDeleted = beingDeleted(e.obj);
        n.deletingDependents = n.beingDeleted && hasFinalizer(e.obj, FINALIZER_DELETE_DEPENDENTS);
        this.insertNode(n);
        // A create and a delete may arrive as one change, so the transitions are looked at too.
        this.processTransitions(e.oldObj, e.obj, n);
        return;
      }
      const { added, removed, changed } = referencesDiffs(existing.owners, owners);
      if (added.length || removed.length || changed.length) {
        this.addUnblockedOwnersToDeleteQueue(removed, changed);
        existing.owners = owners;
        this.addDependentToOwners(existing, added);
        this.removeDependentFromOwners(existing, removed);
      }
      if (beingDeleted(e.obj)) existing.beingDeleted = true;
      this.processTransitions(e.oldObj, e.obj, existing);
      return;
    }
    if (!existing) return;
    if (e.virtual && !this.applyVirtualDelete(existing, identity)) return;
    this.removeNode(existing);
    if (existing.dependents.size > 0) this.absentOwnerCache.add(identity);
    for (const dep of existing.dependents) this.attemptToDelete.add(dep);
    for (const owner of existing.owners) {
      const ownerNode = this.uidToNode.get(owner.uid);
      // An owner waiting for its dependents may be able to go now.
      if (ownerNode?.deletingDependents) this.attemptToDelete.add(ownerNode);
    }
  }

  /**
   * applyVirtualDelete handles a delete the collector made up after the API had no
   * object for deleted; it says whether the node should leave the graph, which it
   * should not while dependents name the uid by other coordinates.
   */
  private applyVirtualDelete(existing: GraphNode, deleted: ObjectReference): boolean {
    if (existing.virtual) {
      const { matching, nonmatching } = partitionDependents(existing.dependents, deleted);
      if (nonmatching.length === 0) return true;
      if (matching.length > 0) {
        this.absentOwnerCache.add(deleted);
        for (const dep of matching) this.attemptToDelete.add(dep);
      }
      if (sameReference(existing.identity, deleted)) {
        const replacement = alternateOwnerIdentity(nonmatching, deleted);
        if (replacement) {
          const n = existing.clone();
          n.identity = replacement;
          this.uidToNode.set(n.identity.uid, n);
          this.attemptToDelete.addRateLimited(n);
        }
      }
      return false;
    }
    if (sameReference(existing.identity, deleted)) return true;
    // An observed object disagrees with the made-up delete's coordinates: only the dependents that used those go.
    const { matching } = partitionDependents(existing.dependents, deleted);
    if (matching.length > 0) {
      this.absentOwnerCache.add(deleted);
      for (const dep of matching) this.attemptToDelete.add(dep);
    }
    return false;
  }

  /** processTransitions queues an object whose deletion just started waiting for orphaning or for its dependents. */
  private processTransitions(oldObj: KubeObject | undefined, obj: KubeObject, n: GraphNode): void {
    if (deletionStartsWithFinalizer(oldObj, obj, FINALIZER_ORPHAN)) {
      this.attemptToOrphan.add(n);
      return;
    }
    if (deletionStartsWithFinalizer(oldObj, obj, FINALIZER_DELETE_DEPENDENTS)) {
      // A node added as virtual never had deletingDependents set.
      n.deletingDependents = true;
      for (const dep of n.dependents) this.attemptToDelete.add(dep);
      this.attemptToDelete.add(n);
    }
  }

  private insertNode(n: GraphNode): void {
    this.uidToNode.set(n.identity.uid, n);
    this.addDependentToOwners(n, n.owners);
  }

  private removeNode(n: GraphNode): void {
    this.uidToNode.delete(n.identity.uid);
    this.removeDependentFromOwners(n, n.owners);
    this.attemptToDelete.release(n.identity.uid);
    this.attemptToOrphan.release(n.identity.uid);
  }

  /**
   * addDependentToOwners links n under each owner, making virtual nodes for owners
   * not yet observed (queued, so the collector asks the API about them); a
   * reference that disagrees with an observed owner queues n to be verified.
   */
  private addDependentToOwners(n: GraphNode, owners: readonly OwnerReference[]): void {
    let potentiallyInvalid = false;
    for (const owner of owners) {
      let ownerNode = this.uidToNode.get(owner.uid);
      const known = ownerNode !== undefined;
      if (!ownerNode) {
        ownerNode = new GraphNode(referenceTo(owner, n.identity.namespace), [], true);
        this.uidToNode.set(owner.uid, ownerNode);
      }
      ownerNode.dependents.add(n);
      if (!known) {
        this.attemptToDelete.add(ownerNode);
        continue;
      }
      if (potentiallyInvalid) continue;
      const ownerIsNamespaced = ownerNode.identity.namespace !== '';
      if (ownerIsNamespaced && ownerNode.identity.namespace !== n.identity.namespace) {
        // Namespaced owners are only ever in their dependents' namespace.
        if (ownerNode.isObserved()) this.reportInvalidNamespaceOwnerRef(n, owner.uid);
        potentiallyInvalid = true;
      } else if (!matchesCoordinates(owner, ownerNode.identity)) {
        potentiallyInvalid = true;
      } else if (!ownerIsNamespaced && ownerNode.identity.namespace !== n.identity.namespace && !ownerNode.isObserved()) {
        // A virtual cluster-scoped owner may really be a missing namespaced one named by a cluster-scoped child.
        potentiallyInvalid = true;
      }
    }
    if (potentiallyInvalid) this.attemptToDelete.add(n);
  }

  private removeDependentFromOwners(n: GraphNode, owners: readonly OwnerReference[]): void {
    for (const owner of owners) this.uidToNode.get(owner.uid)?.dependents.delete(n);
  }

  /** addUnblockedOwnersToDeleteQueue queues owners a dependent stopped blocking (reference removed or no longer blocking). */
  private addUnblockedOwnersToDeleteQueue(removed: readonly OwnerReference[], changed: readonly [OwnerReference, OwnerReference][]): void {
    for (const ref of removed) {
      if (ref.blockOwnerDeletion !== true) continue;
      const n = this.uidToNode.get(ref.uid);
      if (n) this.attemptToDelete.add(n);
    }
    for (const [before, after] of changed) {
      if (before.blockOwnerDeletion !== true || after.blockOwnerDeletion === true) continue;
      const n = this.uidToNode.get(after.uid);
      if (n) this.attemptToDelete.add(n);
    }
  }

  /** reportInvalidNamespaceOwnerRef is upstream's warning about an owner reference no object in the dependent's namespace answers. */
  private reportInvalidNamespaceOwnerRef(n: GraphNode, ownerUID: string): void {
    const owner = n.owners.find((o) => o.uid === ownerUID);
    if (!owner) return;
    const invalid = referenceTo(owner, n.identity.namespace);
    const { apiVersion, kind, name, uid, namespace } = n.identity;
    void this.recorder.event(
      { apiVersion, kind, metadata: { name, uid, ...(namespace ? { namespace } : {}) } },
      'Warning', 'OwnerRefInvalidNamespace', `ownerRef ${referenceString(invalid)} does not exist in namespace ${JSON.stringify(namespace)}`,
    );
  }
}
