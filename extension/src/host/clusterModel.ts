/**
 * ClusterModel mirrors the objects the editor shows, through informers over the
 * lab's API (watches, never polling), and says when something changed — at most
 * once per REFRESH_MS, so a burst of watch events redraws the views once.
 */
import { RealClock } from '../lab/clock';
import { controllerOf } from '../lab/api/meta';
import type { Deployment, Namespace, Node, Pod, ReplicaSet } from '../lab/api/types';
import { Informer } from '../lab/client/informer';
import type { KubeClient } from '../lab/client/kubeClient';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS } from '../lab/client/resources';

/** Views are told about changes at most this often. */
const REFRESH_MS = 150;

export class ClusterModel {
  readonly namespaces: Informer<Namespace>;
  readonly nodes: Informer<Node>;
  readonly pods: Informer<Pod>;
  readonly deployments: Informer<Deployment>;
  readonly replicaSets: Informer<ReplicaSet>;
  private readonly all: Informer<never>[];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(client: KubeClient, onChange: () => void) {
    const clock = new RealClock();
    this.namespaces = new Informer<Namespace>(client, NAMESPACES, clock);
    this.nodes = new Informer<Node>(client, NODES, clock);
    this.pods = new Informer<Pod>(client, PODS, clock);
    this.deployments = new Informer<Deployment>(client, DEPLOYMENTS, clock);
    this.replicaSets = new Informer<ReplicaSet>(client, REPLICASETS, clock);
    this.pods.addIndexer('nodeName', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    this.pods.addIndexer('controllerUID', (p) => { const c = controllerOf(p); return c ? [c.uid] : []; });
    this.replicaSets.addIndexer('controllerUID', (rs) => { const c = controllerOf(rs); return c ? [c.uid] : []; });
    this.all = [this.namespaces, this.nodes, this.pods, this.deployments, this.replicaSets] as unknown as Informer<never>[];
    const changed = (): void => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        onChange();
      }, REFRESH_MS);
    };
    for (const inf of this.all) inf.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  }

  start(): Promise<void> {
    return Promise.all(this.all.map((i) => i.start())).then(() => undefined);
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const i of this.all) i.stop();
  }
}
