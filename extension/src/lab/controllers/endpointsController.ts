/**
 * EndpointsController is kube-controller-manager's endpoints controller
 * (pkg/controller/endpoint): for each Service with a selector, an Endpoints of
 * the same name whose subsets list the ready pods' addresses and the not-ready
 * ones apart, grouped by the ports they serve (RepackSubsets). Services without
 * a selector keep whatever Endpoints their owner writes.
 */
import type { Clock } from '../clock';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { ENDPOINTS, SERVICES } from './kubernetesService';
import { type Backend, backends, portsKey, selectorOf, watchServicesAndPods } from './serviceEndpoints';

type Rec = Record<string, unknown>;

/** address is an EndpointAddress for a pod. */
function address(b: Backend): Rec {
  const meta = b.pod.metadata;
  return {
    ip: b.ip,
    ...(b.pod.spec?.nodeName ? { nodeName: b.pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: meta.namespace, name: meta.name, uid: meta.uid },
  };
}

/** subsetsFor is the Endpoints' subsets: serving pods by port set, terminating ones left out. */
export function subsetsFor(svc: KubeObject, pods: readonly Pod[]): Rec[] {
  const groups = new Map<string, { ports: Backend['ports']; addresses: Rec[]; notReadyAddresses: Rec[] }>();
  for (const b of backends(svc, pods)) {
    if (b.terminating && !b.ready) continue;
    if (b.ports.length === 0) continue;
    const key = portsKey(b.ports);
    const group = groups.get(key) ?? { ports: b.ports, addresses: [], notReadyAddresses: [] };
    groups.set(key, group);
    (b.ready ? group.addresses : group.notReadyAddresses).push(address(b));
  }
  return [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses } : {}),
    ports: g.ports,
  }));
}

export class EndpointsController {
  private readonly queue: WorkQueue;
  private readonly services: Informer<KubeObject>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<KubeObject>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.services = factory.informer<KubeObject>(SERVICES);
    this.pods = factory.informer<Pod>(PODS);
    this.endpoints = factory.informer<KubeObject>(ENDPOINTS);
    watchServicesAndPods(this.services, this.pods, this.queue);
  }

  /** run starts the workers (--concurrent-endpoint-syncs defaults to 5). */
  run(workers = 5): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private async sync(key: string): Promise<void> {
    if (await this.syncService(key)) this.queue.forget(key);
    else this.queue.addRateLimited(key);
  }

  /** syncService makes the Service's Endpoints match its pods; false means try again later. */
  private async syncService(key: string): Promise<boolean> {
    const [namespace, name] = key.split('/');
    const svc = this.services.get(key);
    const current = this.endpoints.get(key);
    if (!svc) {
      if (!current) return true;
      const deleted = await this.client.delete(ENDPOINTS, namespace, name);
      return !isStatus(deleted) || deleted.code === 404;
    }
    if (!selectorOf(svc)) return true;
    const subsets = subsetsFor(svc, this.pods.list());
    const labels = { ...svc.metadata.labels };
    if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels)) return true;
    const body: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...(current?.metadata ?? { name, namespace }), labels }, subsets };
    const written = current ? await this.client.update(ENDPOINTS, body) : await this.client.create(ENDPOINTS, body);
    // A namespace going away takes its Endpoints with it: nothing to retry.
    return !isStatus(written) || written.code === 404 || (written.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
  }
}
