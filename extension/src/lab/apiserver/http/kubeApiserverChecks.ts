/**
 * kubeApiserverChecks are the health checks kube-apiserver 1.32 installs, named
 * and ordered as its `/readyz?verbose` prints them. Most are post-start hooks,
 * which pass once the hook has run; the front door serves only after the lab's
 * API server has started and run its bootstrap, so those pass from the first
 * request. The checks that look at something real are `etcd` and
 * `etcd-readiness` (the store answers a read), `poststarthook/rbac/bootstrap-roles`
 * (the bootstrap policy's cluster-admin role and binding exist),
 * `poststarthook/start-system-namespaces-controller` (kube-system, kube-public
 * and kube-node-lease exist) and `shutdown`, which the front door adds to /readyz
 * and fails while it stops.
 */
import type { ObjectCache } from '../auth/types';
import type { HealthCheck, HealthChecks } from './healthz';
import { PING } from './healthz';

/** ClusterProbes is what the real checks read. */
export interface ClusterProbes {
  /** storeRevision reads the store's revision, as the etcd check's client round trip. */
  storeRevision(): Promise<number>;
  /** cache is the API server's object cache (server.cache). */
  cache: ObjectCache;
}

/**
 * POST_START_HOOKS are kube-apiserver 1.32's post-start hooks in registration
 * order (generic server, apiextensions, controlplane, aggregator). The
 * kubernetes-service-cidr controller is left out: MultiCIDRServiceAllocator is
 * off by default until 1.33.
 */
export const POST_START_HOOKS = [
  'start-apiserver-admission-initializer',
  'generic-apiserver-start-informers',
  'priority-and-fairness-config-consumer',
  'priority-and-fairness-filter',
  'storage-object-count-tracker-hook',
  'start-apiextensions-informers',
  'start-apiextensions-controllers',
  'crd-informer-synced',
  'start-system-namespaces-controller',
  'start-cluster-authentication-info-controller',
  'start-kube-apiserver-identity-lease-controller',
  'start-kube-apiserver-identity-lease-garbage-collector',
  'start-legacy-token-tracking-controller',
  'start-service-ip-repair-controllers',
  'rbac/bootstrap-roles',
  'scheduling/bootstrap-system-priority-classes',
  'priority-and-fairness-config-producer',
  'bootstrap-controller',
  'aggregator-reload-proxy-client-cert',
  'start-kube-aggregator-informers',
  'apiservice-status-local-available-controller',
  'apiservice-status-remote-available-controller',
  'apiservice-registration-controller',
  'apiservice-wait-for-first-sync',
  'apiservice-discovery-controller',
  'kube-apiserver-autoregistration',
] as const;

/** The aggregator's boot-sequence check and the two hooks installed after it, in PrepareRun. */
const AUTOREGISTER_COMPLETION = 'autoregister-completion';
const LATE_HOOKS = ['apiservice-openapi-controller', 'apiservice-openapiv3-controller'] as const;

/** The namespaces upstream's system namespaces controller keeps. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];
const RBAC = 'rbac.authorization.k8s.io';

/** kubeApiserverChecks returns the three endpoints' checks; the front door appends `shutdown` to /readyz. */
export function kubeApiserverChecks(probes: ClusterProbes): HealthChecks {
  const passes = (name: string): HealthCheck => ({ name, check: () => undefined });
  const real: Record<string, HealthCheck['check']> = {
    'rbac/bootstrap-roles': () =>
      probes.cache.get(RBAC, 'clusterroles', '', 'cluster-admin') && probes.cache.get(RBAC, 'clusterrolebindings', '', 'cluster-admin') ? undefined : 'not finished',
    'start-system-namespaces-controller': () => {
      const missing = SYSTEM_NAMESPACES.filter((ns) => !probes.cache.get('', 'namespaces', '', ns));
      return missing.length ? `namespaces not created: ${missing.join(', ')}` : undefined;
    },
  };
  const hook = (name: string): HealthCheck => ({ name: `poststarthook/${name}`, check: real[name] ?? (() => undefined) });
  const etcd = (name: string): HealthCheck => ({ name, check: async () => ((await probes.storeRevision()) >= 0 ? undefined : 'etcd not reachable') });
  const hooks = [...POST_START_HOOKS.map(hook), passes(AUTOREGISTER_COMPLETION), ...LATE_HOOKS.map(hook)];
  const log = passes('log');
  return {
    healthz: [PING, log, etcd('etcd'), ...hooks],
    livez: [PING, log, etcd('etcd'), ...hooks],
    readyz: [PING, log, etcd('etcd'), etcd('etcd-readiness'), passes('informer-sync'), ...hooks],
  };
}
