/**
 * garbageCollectorGraph is the garbage collector's dependency graph, as upstream's
 * pkg/controller/garbagecollector graph.go: a node per object observed in any
 * monitored resource, keyed by uid, linked to the dependents that name it in
 * their ownerReferences; an owner referenced before it is observed is a virtual
 * node. Beside it, the absent owner cache and the queues of nodes the builder
 * hands the collector.
 */
import type { OwnerReference } from '../api/types';
import type { WorkQueue } from '../client/workQueue';

/** FINALIZER_ORPHAN is metav1.FinalizerOrphanDependents: the owner waits for its dependents to be orphaned. */
export const FINALIZER_ORPHAN = 'orphan';
/** FINALIZER_DELETE_DEPENDENTS is metav1.FinalizerDeleteDependents: the owner waits for its blocking dependents to be deleted. */
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

/** ObjectReference is upstream's objectReference: an owner reference's coordinates and a namespace. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  namespace: string;
}

/** referenceString is objectReference.String, as events and errors print it. */
export function referenceString(r: ObjectReference): string {
  return `[${r.apiVersion}/${r.kind}, namespace: ${r.namespace}, name: ${r.name}, uid: ${r.uid}]`;
}

/** sameReference compares every coordinate and the namespace. */
export function sameReference(a: ObjectReference, b: ObjectReference): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion && a.namespace === b.namespace;
}

/** matchesCoordinates is ownerReferenceMatchesCoordinates: uid, name, kind and apiVersion agree. */
export function matchesCoordinates(a: Pick<OwnerReference, 'uid' | 'name' | 'kind' | 'apiVersion'>, b: Pick<OwnerReference, 'uid' | 'name' | 'kind' | 'apiVersion'>): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion;
}

/** referenceTo is an owner reference's coordinates in a namespace. */
export function referenceTo(owner: OwnerReference, namespace: string): ObjectReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, namespace };
}

/** GraphNode is an object in the graph, observed or virtual, with the dependents that name it as an owner. */
export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  deletingDependents = false;
  beingDeleted = false;

  constructor(public identity: ObjectReference, public owners: OwnerReference[], public virtual: boolean) {}

  /** clone copies the node, so a replacement never changes one a worker holds. */
  clone(): GraphNode {
    const c = new GraphNode(this.identity, [...this.owners], this.virtual);
    for (const d of this.dependents) c.dependents.add(d);
    c.deletingDependents = this.deletingDependents;
    c.beingDeleted = this.beingDeleted;
    return c;
  }

  isObserved(): boolean {
    return !this.virtual;
  }

  /** blockingDependents are the dependents whose reference to this node has blockOwnerDeletion. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}

/** ReferenceCache is the absent owner cache: an LRU of references the API said do not exist. */
export class ReferenceCache {
  private readonly entries = new Set<string>();

  constructor(private readonly size: number) {}

  add(r: ObjectReference): void {
    const key = cacheKey(r);
    this.entries.delete(key);
    this.entries.add(key);
    if (this.entries.size > this.size) this.entries.delete(this.entries.values().next().value as string);
  }

  has(r: ObjectReference): boolean {
    const key = cacheKey(r);
    if (!this.entries.has(key)) return false;
    this.entries.delete(key);
    this.entries.add(key);
    return true;
  }
}

function cacheKey(r: ObjectReference): string {
  return JSON.stringify([r.apiVersion, r.kind, r.name, r.uid, r.namespace]);
}

/**
 * NodeQueue is a rate-limited work queue of nodes: keyed by uid, it hands a worker
 * the node last queued for that uid, as upstream's queues hold node pointers.
 */
export class NodeQueue {
  private readonly nodes = new Map<string, GraphNode>();

  constructor(private readonly queue: WorkQueue) {}

  add(n: GraphNode): void {
    this.nodes.set(n.identity.uid, n);
    this.queue.add(n.identity.uid);
  }

  addRateLimited(n: GraphNode): void {
    this.nodes.set(n.identity.uid, n);
    this.queue.addRateLimited(n.identity.uid);
  }

  forget(n: GraphNode): void {
    this.queue.forget(n.identity.uid);
  }

  /** release lets go of a node that left the graph. */
  release(uid: string): void {
    this.nodes.delete(uid);
  }

  run(worker: (n: GraphNode) => Promise<void>, workers: number): void {
    this.queue.run(async (uid) => {
      const n = this.nodes.get(uid);
      if (n) await worker(n);
    }, workers);
  }

  shutDown(): void {
    this.queue.shutDown();
  }
}
