/**
 * ServiceController is the cloud-controller-manager's service controller
 * (k8s.io/cloud-provider/controllers/service) over the lab's own "cloud": a
 * pool of addresses on the node network, 172.18.255.200–172.18.255.250, as
 * kind users give MetalLB or cloud-provider-kind. A LoadBalancer Service (with
 * no loadBalancerClass) gets the load-balancer-cleanup finalizer, then an
 * address from the pool — spec.loadBalancerIP when it asks for a free one in the
 * pool — in status.loadBalancer.ingress, with upstream's EnsuringLoadBalancer /
 * EnsuredLoadBalancer events. Deleting the Service or changing its type gives
 * the address back and drops the finalizer (DeletingLoadBalancer /
 * DeletedLoadBalancer). With the pool used up the Service stays pending and
 * gets SyncLoadBalancerFailed, and is tried again with upstream's back-off.
 * kube-proxy renders the ingress address from the status, so it is reachable
 * in the lab as on a cloud.
 */
import type { Clock } from '../clock';
import { type KubeObject, isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { WorkQueue } from '../client/workQueue';
import { ipNumber, ipString } from '../network/networkModel';
import { SERVICES } from './kubernetesService';

/** LOAD_BALANCER_CLEANUP_FINALIZER is servicehelper.LoadBalancerCleanupFinalizer. */
export const LOAD_BALANCER_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

/** LoadBalancerPool is the lab cloud's address range for load balancers, first to last inclusive. */
export interface LoadBalancerPool {
  first: string;
  last: string;
}

/** LOAD_BALANCER_POOL is the lab's default pool: the top of kind's 172.18.0.0/16 node network, below the API server's address. */
export const LOAD_BALANCER_POOL: LoadBalancerPool = { first: '172.18.255.200', last: '172.18.255.250' };

/** The service controller's retry back-off (minRetryDelay, maxRetryDelay). */
const MIN_RETRY_DELAY_MS = 5_000;
const MAX_RETRY_DELAY_MS = 300_000;

type Ingress = { ip?: string; hostname?: string; ipMode?: string };
type ServiceSpec = { type?: string; loadBalancerClass?: string; loadBalancerIP?: string; ports?: unknown[]; loadBalancerSourceRanges?: string[]; externalTrafficPolicy?: string; externalIPs?: string[]; sessionAffinity?: string };
/** Service is the part of a Service the controller reads. */
type Service = KubeObject & { spec?: ServiceSpec; status?: { loadBalancer?: { ingress?: Ingress[] } } };

/** wantsLoadBalancer is upstream's: type LoadBalancer and no loadBalancerClass (another controller's then). */
export function wantsLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec.loadBalancerClass === undefined;
}

function hasFinalizer(svc: Service): boolean {
  return (svc.metadata.finalizers ?? []).includes(LOAD_BALANCER_CLEANUP_FINALIZER);
}

/** needsCleanup is upstream's: the finalizer is there and the Service is going or no longer wants a load balancer. */
export function needsCleanup(svc: Service): boolean {
  if (!hasFinalizer(svc)) return false;
  return svc.metadata.deletionTimestamp !== undefined || !wantsLoadBalancer(svc);
}

function ingressOf(svc: Service): Ingress[] {
  return svc.status?.loadBalancer?.ingress ?? [];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export class ServiceController {
  private readonly services: Informer<Service>;
  private readonly queue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly first: number;
  private readonly last: number;
  /** owners maps each address handed out to its Service's key. */
  private readonly owners = new Map<number, string>();

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory, private readonly pool: LoadBalancerPool = LOAD_BALANCER_POOL) {
    this.services = factory.informer<Service>(SERVICES);
    this.queue = new WorkQueue(clock, { baseMs: MIN_RETRY_DELAY_MS, maxMs: MAX_RETRY_DELAY_MS });
    this.recorder = new EventRecorder(client, clock, { component: 'service-controller' });
    this.first = ipNumber(pool.first);
    this.last = ipNumber(pool.last);
  }

  /** run takes back the addresses the Services hold (a restarted controller), then follows the Services. */
  run(workers = 1): void {
    for (const svc of this.services.list()) {
      if (!wantsLoadBalancer(svc)) continue;
      for (const i of ingressOf(svc)) if (i.ip && this.inPool(i.ip) && !this.owners.has(ipNumber(i.ip))) this.owners.set(ipNumber(i.ip), keyOf(svc));
    }
    this.services.addEventHandler({
      onAdd: (svc) => {
        if (wantsLoadBalancer(svc) || needsCleanup(svc)) this.queue.add(keyOf(svc));
      },
      onUpdate: (old, svc) => {
        if (this.needsUpdate(old, svc) || needsCleanup(svc)) this.queue.add(keyOf(svc));
      },
      onDelete: (svc) => this.queue.add(keyOf(svc)),
    });
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** needsUpdate is upstream's, for what the lab's load balancers depend on; a type or requested-address change is recorded as upstream does. */
  private needsUpdate(old: Service, svc: Service): boolean {
    if (!wantsLoadBalancer(old) && !wantsLoadBalancer(svc)) return false;
    if (wantsLoadBalancer(old) !== wantsLoadBalancer(svc)) {
      void this.recorder.event(svc, 'Normal', 'Type', `${old.spec?.type ?? ''} -> ${svc.spec?.type ?? ''}`);
      return true;
    }
    if ((old.spec?.loadBalancerIP ?? '') !== (svc.spec?.loadBalancerIP ?? '')) {
      void this.recorder.event(svc, 'Normal', 'LoadbalancerIP', `${old.spec?.loadBalancerIP ?? ''} -> ${svc.spec?.loadBalancerIP ?? ''}`);
      return true;
    }
    return !same(old.spec?.ports, svc.spec?.ports) || !same(old.spec?.loadBalancerSourceRanges, svc.spec?.loadBalancerSourceRanges)
      || !same(old.spec?.externalIPs, svc.spec?.externalIPs) || old.spec?.sessionAffinity !== svc.spec?.sessionAffinity
      || old.spec?.externalTrafficPolicy !== svc.spec?.externalTrafficPolicy || !same(old.metadata.annotations, svc.metadata.annotations)
      || old.metadata.uid !== svc.metadata.uid || (old.metadata.deletionTimestamp === undefined) !== (svc.metadata.deletionTimestamp === undefined);
  }

  private async sync(key: string): Promise<void> {
    const svc = this.services.get(key);
    const error = svc ? await this.syncLoadBalancerIfNeeded(key, svc) : (this.releaseAll(key), undefined);
    if (error === undefined) {
      this.queue.forget(key);
      return;
    }
    if (svc) await this.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${error}`);
    this.queue.addRateLimited(key);
  }

  /** syncLoadBalancerIfNeeded ensures or deletes the Service's load balancer and writes its status; it returns the error to retry on. */
  private async syncLoadBalancerIfNeeded(key: string, svc: Service): Promise<string | undefined> {
    let ingress: Ingress[];
    if (!wantsLoadBalancer(svc) || needsCleanup(svc)) {
      if (!hasFinalizer(svc) && !this.holds(key) && ingressOf(svc).length === 0) return undefined;
      if (this.holds(key)) {
        await this.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
        this.releaseAll(key);
      }
      // Always drop the finalizer once the load balancer is gone, so the Service can go.
      const removed = await this.setFinalizer(svc, false);
      if (removed) return `failed to remove load balancer cleanup finalizer: ${removed}`;
      await this.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      ingress = [];
      if (svc.metadata.deletionTimestamp) return undefined;
    } else {
      await this.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
      // The finalizer first: the Service cannot go before its load balancer has.
      const added = await this.setFinalizer(svc, true);
      if (added) return `failed to add load balancer cleanup finalizer: ${added}`;
      const ip = this.ensureLoadBalancer(key, svc);
      if (typeof ip !== 'string') return `failed to ensure load balancer: ${ip.error}`;
      await this.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
      ingress = [{ ip, ipMode: 'VIP' }];
    }
    if (same(ingressOf(svc), ingress)) return undefined;
    const patched = await this.client.patch(SERVICES, svc.metadata.namespace ?? '', svc.metadata.name ?? '', { status: { loadBalancer: { ingress: ingress.length ? ingress : null } } }, 'application/merge-patch+json', { subresource: 'status' });
    if (isStatus(patched) && patched.code !== 404) return `failed to update load balancer status: ${patched.message ?? ''}`;
    return undefined;
  }

  /** ensureLoadBalancer is the lab cloud's EnsureLoadBalancer: the Service's address, the one it asked for, or the pool's first free one. */
  private ensureLoadBalancer(key: string, svc: Service): string | { error: string } {
    const held = [...this.owners].find(([, k]) => k === key)?.[0];
    const requested = svc.spec?.loadBalancerIP;
    const range = `${this.pool.first}-${this.pool.last}`;
    if (requested) {
      if (!this.inPool(requested)) return { error: `requested IP "${requested}" is not in the load balancer pool ${range}` };
      const owner = this.owners.get(ipNumber(requested));
      if (owner !== undefined && owner !== key) return { error: `requested IP "${requested}" is in use by service ${owner}` };
      if (held !== undefined && held !== ipNumber(requested)) this.owners.delete(held);
      this.owners.set(ipNumber(requested), key);
      return requested;
    }
    if (held !== undefined) return ipString(held);
    for (let n = this.first; n <= this.last; n++) {
      if (this.owners.has(n)) continue;
      this.owners.set(n, key);
      return ipString(n);
    }
    return { error: `no available IPs in the load balancer pool ${range}` };
  }

  /** setFinalizer adds or removes the cleanup finalizer; it returns why it could not. */
  private async setFinalizer(svc: Service, present: boolean): Promise<string | undefined> {
    const finalizers = svc.metadata.finalizers ?? [];
    if (finalizers.includes(LOAD_BALANCER_CLEANUP_FINALIZER) === present) return undefined;
    const next = present ? [...finalizers, LOAD_BALANCER_CLEANUP_FINALIZER] : finalizers.filter((f) => f !== LOAD_BALANCER_CLEANUP_FINALIZER);
    // The whole list, as PatchService's two-way patch of the object with the finalizer added or removed.
    const patched = await this.client.patch(SERVICES, svc.metadata.namespace ?? '', svc.metadata.name ?? '', { metadata: { finalizers: next } });
    if (!isStatus(patched) || (!present && patched.code === 404)) return undefined;
    return patched.message ?? 'the patch failed';
  }

  private holds(key: string): boolean {
    for (const owner of this.owners.values()) if (owner === key) return true;
    return false;
  }

  private releaseAll(key: string): void {
    for (const [n, owner] of [...this.owners]) if (owner === key) this.owners.delete(n);
  }

  private inPool(ip: string): boolean {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return false;
    const n = ipNumber(ip);
    return n >= this.first && n <= this.last;
  }
}

function keyOf(svc: KubeObject): string {
  return `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
}
