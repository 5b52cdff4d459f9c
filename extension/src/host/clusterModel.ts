/**
 * ClusterModel mirrors the objects the editor shows, through informers over the
 * lab's API (watches, never polling), and says when something changed.
 */
import { RealClock } from '../lab/clock';
import type { Deployment, Namespace, Node, Pod, ReplicaSet } from '../lab/api/types';
import { Informer } from '../lab/client/informer';
import type { KubeClient } from '../lab/client/kubeClient';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS } from '../lab/client/resources';

export class ClusterModel {
  readonly namespaces: Informer<Namespace>;
  readonly nodes: Informer<Node>;
  readonly pods: Informer<Pod>;
  readonly deployments: Informer<Deployment>;
  readonly replicaSets: Informer<ReplicaSet>;
  private readonly all: Informer<never>[];

  constructor(client: KubeClient, onChange: () => void) {
    const clock = new RealClock();
    this.namespaces = new Informer<Namespace>(client, NAMESPACES, clock);
    this.nodes = new Informer<Node>(client, NODES, clock);
    this.pods = new Informer<Pod>(client, PODS, clock);
    this.deployments = new Informer<Deployment>(client, DEPLOYMENTS, clock);
    this.replicaSets = new Informer<ReplicaSet>(client, REPLICASETS, clock);
    this.all = [this.namespaces, this.nodes, this.pods, this.deployments, this.replicaSets] as unknown as Informer<never>[];
    for (const inf of this.all) inf.addEventHandler({ onAdd: onChange, onUpdate: onChange, onDelete: onChange });
  }

  start(): Promise<void> {
    return Promise.all(this.all.map((i) => i.start())).then(() => undefined);
  }

  stop(): void {
    for (const i of this.all) i.stop();
  }
}
