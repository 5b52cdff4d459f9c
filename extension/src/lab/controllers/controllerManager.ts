/**
 * ControllerManager is kube-controller-manager: one API client, one set of shared
 * informers, and the controllers that run over them.
 */
import type { Clock } from '../clock';
import { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { DeploymentController } from './deploymentController';
import { ReplicaSetController } from './replicaSetController';

export class ControllerManager {
  private readonly factory: InformerFactory;
  private readonly controllers: { run(): void; stop(): void }[];

  constructor(client: KubeClient, clock: Clock) {
    this.factory = new InformerFactory(client, clock);
    this.controllers = [new DeploymentController(client, clock, this.factory), new ReplicaSetController(client, clock, this.factory)];
  }

  async start(): Promise<void> {
    await this.factory.start();
    for (const c of this.controllers) c.run();
  }

  stop(): void {
    for (const c of this.controllers) c.stop();
    this.factory.stop();
  }
}
