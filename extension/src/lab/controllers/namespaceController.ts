/**
 * NamespaceController is kube-controller-manager's namespace controller, as
 * upstream's pkg/controller/namespace/namespace_controller.go: every namespace
 * being deleted is handed to the NamespacedResourcesDeleter, a few seconds after
 * the change is seen (so creations racing the deletion land first), again while
 * content remains (after half the estimate), and after a backoff when it fails.
 */
import type { Clock, Timer } from '../clock';
import type { Namespace } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NAMESPACES } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { NamespacedResourcesDeleter, ResourcesRemainingError } from './namespacedResourcesDeleter';

/** NAMESPACE_DELETION_GRACE_PERIOD_MS is namespaceDeletionGracePeriod: the wait before a deleted namespace is worked on. */
const NAMESPACE_DELETION_GRACE_PERIOD_MS = 5_000;
/** RESYNC_PERIOD_MS is --namespace-sync-period's default: every namespace is looked at again this often. */
const RESYNC_PERIOD_MS = 5 * 60_000;
/** WORKERS is --concurrent-namespace-syncs' default. */
const WORKERS = 10;

/** NamespaceController is kube-controller-manager's namespace controller, finalizing the `kubernetes` token. */
export class NamespaceController {
  private readonly queue: WorkQueue;
  private readonly namespaces: Informer<Namespace>;
  private readonly deleter: NamespacedResourcesDeleter;
  private resyncTimer?: Timer;

  constructor(client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.deleter = new NamespacedResourcesDeleter(client, clock);
    this.namespaces = factory.informer<Namespace>(NAMESPACES);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueueNamespace(ns),
      onUpdate: (_, ns) => this.enqueueNamespace(ns),
    });
  }

  run(workers = WORKERS): void {
    this.queue.run((key) => this.sync(key), workers);
    this.resyncTimer = this.clock.setTimer(RESYNC_PERIOD_MS, () => this.resync());
  }

  stop(): void {
    this.resyncTimer?.cancel();
    this.queue.shutDown();
  }

  /** enqueueNamespace queues a namespace being deleted, after the grace period. */
  private enqueueNamespace(ns: Namespace): void {
    if (!ns.metadata.deletionTimestamp) return;
    this.queue.addAfter(ns.metadata.name ?? '', NAMESPACE_DELETION_GRACE_PERIOD_MS);
  }

  /** resync is the informer's resync: every cached namespace is seen again. */
  private resync(): void {
    for (const ns of this.namespaces.list()) this.enqueueNamespace(ns);
    this.resyncTimer = this.clock.setTimer(RESYNC_PERIOD_MS, () => this.resync());
  }

  private async sync(key: string): Promise<void> {
    // A namespace gone from the cache has been deleted.
    const outcome = this.namespaces.get(key) ? await this.deleter.delete(key) : undefined;
    if (outcome === undefined) this.queue.forget(key);
    else if (outcome instanceof ResourcesRemainingError) this.queue.addAfter(key, (Math.floor(outcome.estimate / 2) + 1) * 1000);
    else this.queue.addRateLimited(key);
  }
}
