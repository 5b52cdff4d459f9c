/**
 * NamespacedResourcesDeleter empties a namespace being deleted, as upstream's
 * pkg/controller/namespace/deletion/namespaced_resources_deleter.go: it makes sure
 * the namespace says Terminating, deletes every namespaced resource discovery
 * lists in it (the whole collection where the resource allows, else item by item,
 * in the background), records what went wrong or remains as conditions, and once
 * nothing is left takes its finalizer token off through namespaces/<name>/finalize.
 */
import type { Clock } from '../clock';
import { type KubeObject, type Namespace, type Pod, type Status, isStatus } from '../api/types';
import { type APIResource, preferredResources, serverResources } from '../client/discovery';
import type { KubeClient } from '../client/kubeClient';
import { NAMESPACES, PODS } from '../client/resources';
import { type ContentTotals, type NamespaceCondition, NamespaceConditionUpdater } from './namespaceConditions';

/** FINALIZER_ESTIMATE_SECONDS is how long content with finalizers is assumed to take to go. */
const FINALIZER_ESTIMATE_SECONDS = 15;

/** NamespaceWithConditions is a Namespace whose status carries the deleter's conditions. */
type NamespaceWithConditions = Namespace & { status?: Namespace['status'] & { conditions?: NamespaceCondition[] } };

/** ResourcesRemainingError says content is still going, and about how long it should take. */
export class ResourcesRemainingError {
  constructor(readonly estimate: number) {}

  get message(): string {
    return `some content remains in the namespace, estimate ${this.estimate} seconds before it is removed`;
  }
}

/** DeletionError is any other failure; the namespace is tried again after a backoff. */
export class DeletionError {
  constructor(readonly message: string, readonly code?: number) {}
}

/** Deletion is how a pass over a namespace ended: done (undefined), content remaining, or failed. */
export type Deletion = undefined | ResourcesRemainingError | DeletionError;

const failure = (s: Status): DeletionError => new DeletionError(s.message ?? '', s.code);

/** aggregate is utilerrors.NewAggregate(...).Error(): one message alone, several (deduplicated) in brackets. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** gvrString is schema.GroupVersionResource's String. */
function gvrString(r: APIResource): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

/** GVRDeletion is what deleting one resource's content left: an estimate of the seconds to wait, and what remains. */
interface GVRDeletion {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
  error?: string;
}

/** NamespacedResourcesDeleter deletes a namespace's content and then takes its finalizer token off. */
export class NamespacedResourcesDeleter {
  constructor(private readonly client: KubeClient, private readonly clock: Clock, private readonly finalizerToken = 'kubernetes') {}

  /**
   * delete makes one pass over a namespace: nothing to do unless it is being
   * deleted and not finalized; ResourcesRemainingError while content is still going.
   */
  async delete(name: string): Promise<Deletion> {
    const fetched = await this.client.get<NamespaceWithConditions>(NAMESPACES, '', name);
    if (isStatus(fetched)) return fetched.code === 404 ? undefined : failure(fetched);
    if (!fetched.metadata.deletionTimestamp) return undefined;
    const namespace = await this.retryOnConflict(fetched, (ns) => this.updateNamespaceStatus(ns));
    if (namespace instanceof DeletionError) return namespace.code === 404 ? undefined : namespace;
    if (!namespace.metadata.deletionTimestamp || !namespace.spec?.finalizers?.length) return undefined;
    const { estimate, error } = await this.deleteAllContent(namespace);
    if (error !== undefined) return new DeletionError(error);
    if (estimate > 0) return new ResourcesRemainingError(estimate);
    const finalized = await this.retryOnConflict(namespace, (ns) => this.finalizeNamespace(ns));
    // Another controller sharing the token may have finished the namespace first.
    if (finalized instanceof DeletionError && finalized.code !== 404) return finalized;
    return undefined;
  }

  /** retryOnConflict runs fn again on the latest namespace while it answers 409, refusing a namespace whose uid changed. */
  private async retryOnConflict(ns: NamespaceWithConditions, fn: (ns: NamespaceWithConditions) => Promise<NamespaceWithConditions | DeletionError>): Promise<NamespaceWithConditions | DeletionError> {
    let latest = ns;
    for (;;) {
      const result = await fn(latest);
      if (!(result instanceof DeletionError) || result.code !== 409) return result;
      const fresh = await this.client.get<NamespaceWithConditions>(NAMESPACES, '', latest.metadata.name ?? '');
      if (isStatus(fresh)) return failure(fresh);
      if (fresh.metadata.uid !== latest.metadata.uid) return new DeletionError('namespace uid has changed across retries');
      latest = fresh;
    }
  }

  /** updateNamespaceStatus makes a namespace being deleted say Terminating. */
  private async updateNamespaceStatus(ns: NamespaceWithConditions): Promise<NamespaceWithConditions | DeletionError> {
    if (!ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return ns;
    const updated = await this.client.updateStatus<NamespaceWithConditions>(NAMESPACES, { ...ns, status: { ...ns.status, phase: 'Terminating' } });
    return isStatus(updated) ? failure(updated) : updated;
  }

  /** finalizeNamespace takes the token off spec.finalizers (the rest sorted, as a string set lists them). */
  private async finalizeNamespace(ns: NamespaceWithConditions): Promise<NamespaceWithConditions | DeletionError> {
    const finalizers = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== this.finalizerToken))].sort();
    const body: NamespaceWithConditions = { apiVersion: 'v1', kind: 'Namespace', metadata: ns.metadata, spec: { ...ns.spec, finalizers } };
    const answer = await this.client.update<NamespaceWithConditions>(NAMESPACES, body, { subresource: 'finalize' });
    if (!isStatus(answer)) return answer;
    return answer.code === 404 ? ns : failure(answer);
  }

  /**
   * deleteAllContent deletes each namespaced, deletable resource's content, keeps
   * going past failures, writes the conditions, and returns the longest estimate
   * and the failures together.
   */
  private async deleteAllContent(ns: NamespaceWithConditions): Promise<{ estimate: number; error?: string }> {
    const name = ns.metadata.name ?? '';
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp ?? '');
    const errors: string[] = [];
    const conditions = new NamespaceConditionUpdater(this.clock.now());
    const found = await serverResources(this.client);
    if (found.error !== undefined) {
      // Discovery errors are not fatal: whatever was discovered is still deleted.
      errors.push(found.error);
      conditions.processDiscoverResourcesErr(found.error, found.failedGroups.size);
    }
    const deletable = preferredResources(found).filter((r) => r.namespaced && r.verbs.includes('delete'));
    let estimate = 0;
    const totals: ContentTotals = { remainingByResource: new Map(), remainingByFinalizer: new Map() };
    for (const r of deletable) {
      const result = await this.deleteAllContentForResource(r, name, deletedAt);
      if (result.error !== undefined) {
        errors.push(result.error);
        conditions.processDeleteContentErr(result.error);
      }
      estimate = Math.max(estimate, result.estimate);
      if (result.remaining > 0) {
        totals.remainingByResource.set(`${r.resource}.${r.group}`, result.remaining);
        for (const [f, n] of result.finalizers) if (n > 0) totals.remainingByFinalizer.set(f, (totals.remainingByFinalizer.get(f) ?? 0) + n);
      }
    }
    conditions.processContentTotals(totals);
    // Conditions are always brought up to date, so one that failed before can say it works now.
    const status = { ...ns.status, conditions: ns.status?.conditions?.map((c) => ({ ...c })) };
    if (conditions.update(status)) {
      ns.status = status;
      await this.client.updateStatus(NAMESPACES, ns);
    }
    return { estimate, ...(errors.length ? { error: aggregate(errors) } : {}) };
  }

  /** deleteAllContentForResource deletes one resource's content and says what remains and about how long it will take. */
  private async deleteAllContentForResource(r: APIResource, namespace: string, deletedAt: number): Promise<GVRDeletion> {
    const none = { remaining: 0, finalizers: new Map<string, number>() };
    const estimate = await this.estimateGracefulTermination(r, namespace, deletedAt);
    if (estimate instanceof DeletionError) return { estimate: 0, ...none, error: estimate.message };
    const collection = await this.deleteCollection(r, namespace);
    if (collection instanceof DeletionError) return { estimate, ...none, error: collection.message };
    if (!collection) {
      const each = await this.deleteEachItem(r, namespace);
      if (each) return { estimate, ...none, error: each.message };
    }
    const left = await this.listCollection(r, namespace);
    if (left instanceof DeletionError) return { estimate, ...none, error: left.message };
    if (!left || left.length === 0) return { estimate: left ? 0 : estimate, ...none };
    const finalizers = new Map<string, number>();
    for (const item of left) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate !== 0) return { estimate, remaining: left.length, finalizers };
    // Finalizers are normal: give them time to finish.
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: left.length, finalizers };
    return { estimate, remaining: left.length, finalizers, error: `unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(r)}` };
  }

  /** deleteCollection deletes the whole collection in the background; false when the resource does not support it. */
  private async deleteCollection(r: APIResource, namespace: string): Promise<boolean | DeletionError> {
    if (!r.verbs.includes('deletecollection')) return false;
    const answer = await this.client.deleteCollection(r, namespace, { propagationPolicy: 'Background' });
    if (!isStatus(answer) || answer.status !== 'Failure') return true;
    // A resource listed without top-level verbs answers 404 rather than 405.
    if (answer.code === 405 || answer.code === 404) return false;
    return failure(answer);
  }

  /** listCollection lists the namespace's objects of a resource; undefined when the resource cannot be listed. */
  private async listCollection(r: APIResource, namespace: string): Promise<KubeObject[] | undefined | DeletionError> {
    if (!r.verbs.includes('list')) return undefined;
    const list = await this.client.list(r, namespace);
    if (!isStatus(list)) return list.items;
    if (list.code === 405 || list.code === 404) return undefined;
    return failure(list);
  }

  /** deleteEachItem lists the collection and deletes each object in the background. */
  private async deleteEachItem(r: APIResource, namespace: string): Promise<DeletionError | undefined> {
    const items = await this.listCollection(r, namespace);
    if (items instanceof DeletionError) return items;
    for (const item of items ?? []) {
      const answer = await this.client.delete(r, namespace, item.metadata.name ?? '', { propagationPolicy: 'Background' });
      if (isStatus(answer) && answer.status === 'Failure' && answer.code !== 404 && answer.code !== 405) return failure(answer);
    }
    return undefined;
  }

  /**
   * estimateGracefulTermination is how many seconds pods may still take to stop
   * (their longest grace period), or 0 once that long has passed since the
   * namespace's deletion; other resources take no time.
   */
  private async estimateGracefulTermination(r: APIResource, namespace: string, deletedAt: number): Promise<number | DeletionError> {
    if (r.group !== '' || r.resource !== 'pods') return 0;
    const pods = await this.client.list<Pod>(PODS, namespace);
    if (isStatus(pods)) return failure(pods);
    let estimate = 0;
    for (const pod of pods.items) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec.terminationGracePeriodSeconds ?? 0);
    }
    return this.clock.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }
}
