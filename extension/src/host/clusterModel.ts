/**
 * ClusterModel mirrors the objects the editor shows, through informers over a
 * cluster's API (watches, never polling), and says what changed — at most once
 * per REFRESH_MS, so a burst of watch events redraws the views once.
 *
 * Namespaces, nodes, pods, deployments and replica sets are watched from the
 * start (the Cluster view's Workloads and Nodes, the status bar); every other
 * resource gets its informer on first use (a namespace's kinds, events, leases),
 * so the model costs only what the visible views need. It takes a KubeClient,
 * so it works the same against the lab and any other cluster.
 */
import { RealClock } from '../lab/clock';
import { controllerOf } from '../lab/api/meta';
import type { Deployment, KubeObject, Namespace, Node, Pod, ReplicaSet } from '../lab/api/types';
import { type APIResource, preferredResources, serverResources } from '../lab/client/discovery';
import { Informer } from '../lab/client/informer';
import type { KubeClient } from '../lab/client/kubeClient';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS, type ResourceRef } from '../lab/client/resources';

/** Views are told about changes at most this often. */
const REFRESH_MS = 150;

/** DISCOVERY is the key a change carries when discovery has answered. */
export const DISCOVERY = 'discovery';

/** ChangeListener receives the keys (refKey) of the resources that changed since the last call. */
export type ChangeListener = (changed: ReadonlySet<string>) => void;

/** refKey names a resource as `kubectl api-resources` would write it with its group: `pods`, `deployments.apps`. */
export function refKey(ref: Pick<ResourceRef, 'group' | 'resource'>): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

/** Index names every model informer maintains. */
export const BY_NAMESPACE = 'namespace';
export const BY_CONTROLLER = 'controllerUID';
export const BY_NODE = 'nodeName';

export class ClusterModel {
  readonly namespaces: Informer<Namespace>;
  readonly nodes: Informer<Node>;
  readonly pods: Informer<Pod>;
  readonly deployments: Informer<Deployment>;
  readonly replicaSets: Informer<ReplicaSet>;
  private readonly clock = new RealClock();
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly listeners = new Set<ChangeListener>();
  private changed = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;
  private started = false;
  private stopped = false;
  private discovery?: APIResource[];
  private discovering = false;

  constructor(readonly client: KubeClient, onChange?: ChangeListener) {
    if (onChange) this.listeners.add(onChange);
    this.namespaces = this.informer<Namespace>(NAMESPACES);
    this.nodes = this.informer<Node>(NODES);
    this.pods = this.informer<Pod>(PODS);
    this.deployments = this.informer<Deployment>(DEPLOYMENTS);
    this.replicaSets = this.informer<ReplicaSet>(REPLICASETS);
    this.pods.addIndexer(BY_NODE, (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
  }

  /** onDidChange adds a listener for coalesced changes; dispose removes it. */
  onDidChange(listener: ChangeListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * informer is the model's one informer for ref (cluster-wide, or in one
   * namespace), made on first use with the namespace and controller indexes,
   * and started at once if the model runs. A change names it by refKey.
   */
  informer<T extends KubeObject>(ref: ResourceRef, namespace = ''): Informer<T> {
    const key = namespace ? `${refKey(ref)}@${namespace}` : refKey(ref);
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>(this.client, ref, this.clock, namespace ? { namespace } : {});
      if (ref.namespaced) inf.addIndexer(BY_NAMESPACE, (o) => [o.metadata.namespace ?? '']);
      inf.addIndexer(BY_CONTROLLER, (o) => { const c = controllerOf(o); return c ? [c.uid] : []; });
      const mark = (): void => this.mark(refKey(ref));
      inf.addEventHandler({ onAdd: mark, onUpdate: mark, onDelete: mark });
      this.informers.set(key, inf);
      if (this.started && !this.stopped) void this.run(inf, ref);
    }
    return inf as unknown as Informer<T>;
  }

  /** has tells whether the model already watches ref, without starting anything. */
  has(ref: ResourceRef, namespace = ''): boolean {
    return this.informers.has(namespace ? `${refKey(ref)}@${namespace}` : refKey(ref));
  }

  /**
   * resources is discovery's preferred resources (ServerPreferredResources),
   * asked for once on first call: undefined until the server answers, then a
   * change keyed DISCOVERY. A failed discovery leaves the list empty.
   */
  resources(): readonly APIResource[] | undefined {
    if (!this.discovery && !this.discovering && !this.stopped) {
      this.discovering = true;
      void serverResources(this.client).then(
        (found) => this.discovered(preferredResources(found)),
        () => this.discovered([]),
      );
    }
    return this.discovery;
  }

  /** start starts every informer made so far; it settles when they have all listed once. */
  start(): Promise<void> {
    const first = !this.started;
    this.started = true;
    return Promise.all([...this.informers.values()].map((i) => (first ? this.run(i, i.ref) : i.waitForSync()))).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const i of this.informers.values()) i.stop();
  }

  private run(inf: Informer<KubeObject>, ref: ResourceRef): Promise<void> {
    // An empty list adds nothing, yet the views must learn that the resource has synced.
    return inf.start().then(() => this.mark(refKey(ref)));
  }

  private discovered(resources: APIResource[]): void {
    this.discovering = false;
    this.discovery = resources;
    this.mark(DISCOVERY);
  }

  private mark(key: string): void {
    if (this.stopped) return;
    this.changed.add(key);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const changed = this.changed;
      this.changed = new Set();
      for (const l of [...this.listeners]) l(changed);
    }, REFRESH_MS);
  }
}
