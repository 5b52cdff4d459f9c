/**
 * EndpointSliceController is kube-controller-manager's EndpointSlice controller
 * (pkg/controller/endpointslice): for each Service with a selector, slices named
 * `<service>-<random>` labelled with the service name and this controller as
 * manager, owned by the Service, one per set of ports its pods serve, each
 * endpoint with ready/serving/terminating conditions. A Service without backends
 * keeps one empty placeholder slice, as upstream's does.
 */
import type { Clock } from '../clock';
import { type KubeObject, type Pod, isStatus } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { ownerRef } from './controllerUtils';
import { ENDPOINTSLICES, SERVICES } from './kubernetesService';
import { type Backend, type EndpointPort, backends, portsKey, selectorOf, watchServicesAndPods } from './serviceEndpoints';

/** SERVICE_NAME_LABEL is discovery.LabelServiceName. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** MANAGED_BY_LABEL and MANAGED_BY are discovery.LabelManagedBy and the controller's value. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

type Rec = Record<string, unknown>;

/** endpoint is a slice's Endpoint for a pod: with its hostname when the pod names the Service as its subdomain (ShouldSetHostname). */
function endpoint(b: Backend, svc: KubeObject): Rec {
  const meta = b.pod.metadata;
  const spec = (b.pod.spec ?? {}) as { hostname?: unknown; subdomain?: unknown };
  const hostname = typeof spec.hostname === 'string' && spec.hostname && spec.subdomain === svc.metadata.name && meta.namespace === svc.metadata.namespace ? spec.hostname : undefined;
  return {
    addresses: [b.ip],
    conditions: { ready: b.ready, serving: b.serving, terminating: b.terminating },
    ...(hostname ? { hostname } : {}),
    ...(b.pod.spec?.nodeName ? { nodeName: b.pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: meta.namespace, name: meta.name, uid: meta.uid },
  };
}

/** desiredSlices are the slices' contents by port set: endpoints and ports (none for the placeholder). */
export function desiredSlices(svc: KubeObject, pods: readonly Pod[]): Map<string, { ports: EndpointPort[]; endpoints: Rec[] }> {
  const out = new Map<string, { ports: EndpointPort[]; endpoints: Rec[] }>();
  for (const b of backends(svc, pods)) {
    const key = portsKey(b.ports);
    const slice = out.get(key) ?? { ports: b.ports, endpoints: [] };
    out.set(key, slice);
    slice.endpoints.push(endpoint(b, svc));
  }
  if (out.size === 0) out.set(portsKey([]), { ports: [], endpoints: [] });
  return out;
}

export class EndpointSliceController {
  private readonly queue: WorkQueue;
  private readonly services: Informer<KubeObject>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<KubeObject>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.services = factory.informer<KubeObject>(SERVICES);
    this.pods = factory.informer<Pod>(PODS);
    this.slices = factory.informer<KubeObject>(ENDPOINTSLICES);
    this.slices.addIndexer('service', (s) => (s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? [`${s.metadata.namespace ?? ''}/${s.metadata.labels[SERVICE_NAME_LABEL] ?? ''}`] : []));
    watchServicesAndPods(this.services, this.pods, this.queue);
  }

  /** run starts the workers (--concurrent-service-endpoint-syncs defaults to 5). */
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

  /** syncService makes the Service's slices match its pods; false means try again later. Slices of a deleted Service go with it (owner reference). */
  private async syncService(key: string): Promise<boolean> {
    const svc = this.services.get(key);
    if (!svc || !selectorOf(svc) || svc.metadata.deletionTimestamp) return true;
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const existing = new Map<string, KubeObject>();
    const extra: KubeObject[] = [];
    for (const s of this.slices.byIndex('service', key)) {
      const k = portsKey((s.ports as EndpointPort[] | undefined) ?? []);
      if (existing.has(k)) extra.push(s);
      else existing.set(k, s);
    }
    let ok = true;
    const labels = { ...svc.metadata.labels, [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    for (const [k, want] of desiredSlices(svc, this.pods.list())) {
      const current = existing.get(k);
      existing.delete(k);
      const body: KubeObject = {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: current ? { ...current.metadata, labels } : { generateName: `${name}-`, namespace, labels, ownerReferences: [ownerRef({ ...svc, apiVersion: 'v1', kind: 'Service' })] },
        addressType: 'IPv4',
        endpoints: want.endpoints,
        ...(want.ports.length ? { ports: want.ports } : {}),
      };
      if (current && JSON.stringify([current.endpoints ?? [], current.ports ?? [], current.metadata.labels]) === JSON.stringify([body.endpoints, body.ports ?? [], labels])) continue;
      const written = current ? await this.client.update(ENDPOINTSLICES, body) : await this.client.create(ENDPOINTSLICES, body);
      if (isStatus(written) && written.code !== 404 && !(written.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) ok = false;
    }
    for (const s of [...existing.values(), ...extra]) {
      const deleted = await this.client.delete(ENDPOINTSLICES, namespace, s.metadata.name ?? '');
      if (isStatus(deleted) && deleted.code !== 404) ok = false;
    }
    return ok;
  }
}
