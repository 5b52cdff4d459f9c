/**
 * RootCACertPublisher is kube-controller-manager's root CA certificate
 * publisher (pkg/controller/certificates/rootcacertpublisher): every namespace
 * gets the ConfigMap kube-root-ca.crt holding the cluster's CA certificate, so
 * a pod can verify the API server it reaches at kubernetes.default.svc. The
 * ConfigMap is made again when deleted and put back when its data is edited.
 */
import type { Clock } from '../clock';
import type { KubeObject, Namespace } from '../api/types';
import { isStatus } from '../api/types';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONFIGMAPS, NAMESPACES } from '../client/resources';
import { WorkQueue } from '../client/workQueue';

/** ROOT_CA_CONFIGMAP is RootCACertConfigMapName. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** DESCRIPTION_ANNOTATION is the annotation saying what the ConfigMap is for. */
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** DESCRIPTION is upstream's wording of that annotation. */
export const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. '
  + 'No other usage is guaranteed across distributions of Kubernetes clusters.';
/** ROOT_CA_KEY is the data key the certificate is published under. */
export const ROOT_CA_KEY = 'ca.crt';

/** ConfigMap is the part of a core/v1 ConfigMap the publisher reads and writes. */
interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** sameData is reflect.DeepEqual over two string maps, where a nil map is not an empty one but neither can equal the wanted data. */
function sameData(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

export class RootCACertPublisher {
  private readonly queue: WorkQueue;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly namespaces: Informer<Namespace>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory, private readonly rootCA: string) {
    this.queue = new WorkQueue(clock);
    this.configMaps = factory.informer<ConfigMap>(CONFIGMAPS);
    this.namespaces = factory.informer<Namespace>(NAMESPACES);
    const configMapChanged = (cm: ConfigMap) => {
      if (cm.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(cm.metadata.namespace ?? '');
    };
    this.configMaps.addEventHandler({ onUpdate: (_, cm) => configMapChanged(cm), onDelete: configMapChanged });
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.queue.add(ns.metadata.name ?? ''),
      onUpdate: (_, ns) => {
        if (ns.status?.phase === 'Active') this.queue.add(ns.metadata.name ?? '');
      },
    });
  }

  /** run starts the workers; upstream runs one. */
  run(workers = 1): void {
    this.queue.run((ns) => this.sync(ns), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private async sync(ns: string): Promise<void> {
    if (await this.syncNamespace(ns)) this.queue.forget(ns);
    else this.queue.addRateLimited(ns);
  }

  /** syncNamespace makes ns's ConfigMap what it should be; false means try again later. */
  private async syncNamespace(ns: string): Promise<boolean> {
    const data = { [ROOT_CA_KEY]: this.rootCA };
    const cm = this.configMaps.get(`${ns}/${ROOT_CA_CONFIGMAP}`);
    if (!cm) {
      const created = await this.client.create<ConfigMap>(CONFIGMAPS, {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
        data,
      });
      if (!isStatus(created)) return true;
      // A namespace that is gone or going needs no ConfigMap: nothing to retry.
      return created.code === 404 || (created.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
    }
    // Only the data and the description's presence are kept; other edits are the owner's business.
    if (sameData(cm.data, data) && (cm.metadata.annotations?.[DESCRIPTION_ANNOTATION] ?? '') !== '') return true;
    const updated = await this.client.update<ConfigMap>(CONFIGMAPS, {
      ...cm,
      metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
      data,
    });
    return !isStatus(updated);
  }
}
