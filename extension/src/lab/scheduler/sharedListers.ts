/**
 * SharedListers are the objects besides pods and nodes that plugins read, as
 * upstream's plugins take listers from the handle's SharedInformerFactory:
 * namespaces (InterPodAffinity's namespaceSelector), and the services,
 * replication controllers, replica sets and stateful sets that select a pod
 * (PodTopologySpread's default constraints).
 */
import type { KubeObject, LabelSelector, Namespace, ReplicaSet, StatefulSet } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import { NAMESPACES, REPLICASETS, REPLICATIONCONTROLLERS, type ResourceRef, STATEFULSETS } from '../client/resources';

const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true };

/** Service is core/v1 Service as far as the scheduler reads it: its selector. */
export interface Service extends KubeObject {
  spec?: { selector?: Record<string, string> | null };
}

/** ReplicationController is core/v1 ReplicationController's selector, a plain label map. */
export interface ReplicationController extends KubeObject {
  spec?: { selector?: Record<string, string> };
}

export interface SharedListers {
  /** services lists a namespace's Services. */
  services(namespace: string): readonly Service[];
  replicationController(namespace: string, name: string): ReplicationController | undefined;
  replicaSet(namespace: string, name: string): { spec: { selector?: LabelSelector } } | undefined;
  statefulSet(namespace: string, name: string): { spec: { selector?: LabelSelector } } | undefined;
  namespace(name: string): Namespace | undefined;
  namespaces(): readonly Namespace[];
}

const BY_NAMESPACE = 'namespace';

/** informerListers reads from the scheduler's informers; asking for them makes the factory start them. */
export function informerListers(factory: InformerFactory): SharedListers {
  const services = factory.informer<Service>(SERVICES);
  services.addIndexer(BY_NAMESPACE, (s) => [s.metadata.namespace ?? '']);
  const rcs = factory.informer<ReplicationController>(REPLICATIONCONTROLLERS);
  const rss = factory.informer<ReplicaSet>(REPLICASETS);
  const sss = factory.informer<StatefulSet>(STATEFULSETS);
  const nss = factory.informer<Namespace>(NAMESPACES);
  const get = <T extends KubeObject>(i: Informer<T>, ns: string, name: string) => i.get(`${ns}/${name}`);
  return {
    services: (ns) => services.byIndex(BY_NAMESPACE, ns),
    replicationController: (ns, name) => get(rcs, ns, name),
    replicaSet: (ns, name) => get(rss, ns, name),
    statefulSet: (ns, name) => get(sss, ns, name),
    namespace: (name) => nss.get(name),
    namespaces: () => nss.list(),
  };
}

/** staticListers serves fixed objects, for tests and pure callers. */
export function staticListers(objs: { services?: Service[]; replicationControllers?: ReplicationController[]; replicaSets?: ReplicaSet[]; statefulSets?: StatefulSet[]; namespaces?: Namespace[] }): SharedListers {
  const find = <T extends KubeObject>(list: T[] | undefined, ns: string, name: string) => list?.find((o) => (o.metadata.namespace ?? '') === ns && o.metadata.name === name);
  return {
    services: (ns) => (objs.services ?? []).filter((s) => (s.metadata.namespace ?? '') === ns),
    replicationController: (ns, name) => find(objs.replicationControllers, ns, name),
    replicaSet: (ns, name) => find(objs.replicaSets, ns, name),
    statefulSet: (ns, name) => find(objs.statefulSets, ns, name),
    namespace: (name) => objs.namespaces?.find((n) => n.metadata.name === name),
    namespaces: () => objs.namespaces ?? [],
  };
}
