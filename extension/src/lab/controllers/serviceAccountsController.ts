/**
 * ServiceAccountsController makes sure every active namespace has its `default`
 * service account, and puts it back when someone deletes it, as
 * kube-controller-manager's serviceaccount controller does. Pods need it: the
 * ServiceAccount admission plugin refuses a pod whose service account is missing.
 */
import type { Clock } from '../clock';
import { type KubeObject, type Namespace, isStatus } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NAMESPACES, SERVICEACCOUNTS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';

/** The service accounts every namespace gets (the controller's ServiceAccounts option). */
const DEFAULT_SERVICE_ACCOUNTS = ['default'];

export class ServiceAccountsController {
  private readonly queue: WorkQueue;
  private readonly namespaces: Informer<Namespace>;
  private readonly accounts: Informer<KubeObject>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.namespaces = factory.informer<Namespace>(NAMESPACES);
    this.accounts = factory.informer<KubeObject>(SERVICEACCOUNTS);
    const byNamespace = (ns: Namespace): void => this.queue.add(ns.metadata.name ?? '');
    this.namespaces.addEventHandler({ onAdd: byNamespace, onUpdate: (_old, ns) => byNamespace(ns) });
    this.accounts.addEventHandler({ onDelete: (sa) => this.queue.add(sa.metadata.namespace ?? '') });
  }

  run(workers = 1): void {
    this.queue.run((ns) => this.sync(ns), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.status?.phase === 'Terminating') {
      this.queue.forget(namespace);
      return;
    }
    for (const name of DEFAULT_SERVICE_ACCOUNTS) {
      if (this.accounts.get(`${namespace}/${name}`)) continue;
      const created = await this.client.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      if (isStatus(created) && created.reason !== 'AlreadyExists') {
        this.queue.addRateLimited(namespace);
        return;
      }
    }
    this.queue.forget(namespace);
  }
}
