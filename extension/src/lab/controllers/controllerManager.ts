/**
 * ControllerManager is kube-controller-manager: one set of shared informers read
 * with the manager's own identity, and the controllers that run over them, each
 * writing with its own service account as --use-service-account-credentials does.
 */
import type { Clock } from '../clock';
import { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { ClusterRoleAggregationController } from './clusterRoleAggregationController';
import { CronJobController } from './cronJobController';
import { DaemonSetController } from './daemonSetController';
import { DeploymentController } from './deploymentController';
import { DisruptionController } from './disruptionController';
import { EndpointSliceController } from './endpointSliceController';
import { EndpointsController } from './endpointsController';
import { GarbageCollector } from './garbageCollector';
import { HorizontalController } from './horizontalController';
import { JobController } from './jobController';
import { NamespaceController } from './namespaceController';
import { NodeIpamController, type NodeIpamOptions } from './nodeIpamController';
import { NodeLifecycleController } from './nodeLifecycleController';
import { PersistentVolumeController } from './persistentVolumeController';
import { PodGCController } from './podGCController';
import { PVCProtectionController } from './pvcProtectionController';
import { PVProtectionController } from './pvProtectionController';
import { ReplicaSetController } from './replicaSetController';
import { ReplicationManager } from './replicationController';
import { ResourceQuotaController } from './resourceQuotaController';
import { RootCACertPublisher } from './rootCACertPublisher';
import { ServiceAccountsController } from './serviceAccountsController';
import { ServiceController } from './serviceController';
import { StatefulSetController } from './statefulSetController';
import { TaintEvictionController } from './taintEvictionController';
import { TTLAfterFinishedController } from './ttlAfterFinishedController';

/** ControllerManagerOptions are the manager's flags the lab sets. */
export interface ControllerManagerOptions {
  /** rootCA is the cluster CA certificate (PEM) published in every namespace (--root-ca-file); without it the publisher does not run. */
  rootCA?: string;
  /** nodeIpam turns on the node IPAM controller (--allocate-node-cidrs) with its --cluster-cidr, --node-cidr-mask-size and --service-cluster-ip-range. */
  nodeIpam?: NodeIpamOptions;
}

export class ControllerManager {
  private readonly factory: InformerFactory;
  private readonly controllers: { run(): void; stop(): void }[];

  constructor(client: KubeClient, clientFor: (controller: string) => KubeClient, clock: Clock, options: ControllerManagerOptions = {}) {
    this.factory = new InformerFactory(client, clock);
    this.controllers = [
      new DeploymentController(clientFor('deployment-controller'), clock, this.factory),
      new ReplicaSetController(clientFor('replicaset-controller'), clock, this.factory),
      new ReplicationManager(clientFor('replication-controller'), clock, this.factory),
      new HorizontalController(clientFor('horizontal-pod-autoscaler'), clock, this.factory),
      new DaemonSetController(clientFor('daemon-set-controller'), clock, this.factory),
      new StatefulSetController(clientFor('statefulset-controller'), clock, this.factory),
      new ClusterRoleAggregationController(clientFor('clusterrole-aggregation-controller'), clock, this.factory),
      new ServiceAccountsController(clientFor('service-account-controller'), clock, this.factory),
      new ResourceQuotaController(clientFor('resourcequota-controller'), clock, this.factory),
      new GarbageCollector(clientFor('generic-garbage-collector'), clock, this.factory),
      new NamespaceController(clientFor('namespace-controller'), clock, this.factory),
      new NodeLifecycleController(clientFor('node-controller'), clock, this.factory),
      // The taint eviction controller acts with the node controller's role, as upstream's does.
      new TaintEvictionController(clientFor('node-controller'), clock, this.factory),
      new PodGCController(clientFor('pod-garbage-collector'), clock, this.factory),
      new DisruptionController(clientFor('disruption-controller'), clock, this.factory),
      new EndpointsController(clientFor('endpoint-controller'), clock, this.factory),
      new EndpointSliceController(clientFor('endpointslice-controller'), clock, this.factory),
      new JobController(clientFor('job-controller'), clock, this.factory),
      new TTLAfterFinishedController(clientFor('ttl-after-finished-controller'), clock, this.factory),
      new CronJobController(clientFor('cronjob-controller'), clock, this.factory),
      new PersistentVolumeController(clientFor('persistent-volume-binder'), clock, this.factory),
      new PVCProtectionController(clientFor('pvc-protection-controller'), clock, this.factory),
      new PVProtectionController(clientFor('pv-protection-controller'), clock, this.factory),
      // The cloud-controller-manager's service controller, over the lab cloud's load-balancer pool.
      new ServiceController(clientFor('service-controller'), clock, this.factory),
    ];
    // The node IPAM controller acts as the node controller's service account, as upstream starts it.
    if (options.nodeIpam) this.controllers.push(new NodeIpamController(clientFor('node-controller'), clock, this.factory, options.nodeIpam));
    if (options.rootCA) this.controllers.push(new RootCACertPublisher(clientFor('root-ca-cert-publisher'), clock, this.factory, options.rootCA));
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
