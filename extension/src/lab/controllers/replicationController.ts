/**
 * replicationController is kube-controller-manager's replication manager
 * (pkg/controller/replication): the ReplicaSet controller run over
 * ReplicationControllers, whose selector is a plain label map. It keeps
 * spec.replicas pods, records SuccessfulCreate/SuccessfulDelete events on the
 * ReplicationController, and reports the same counts and ReplicaFailure
 * condition, acting as the `replication-controller` service account.
 */
import type { Clock } from '../clock';
import type { InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { REPLICATIONCONTROLLERS } from '../client/resources';
import { type ReplicaKind, ReplicaSetController } from './replicaSetController';

/** REPLICATION_CONTROLLER_KIND is v1 ReplicationControllers, managed as replication-controller. */
export const REPLICATION_CONTROLLER_KIND: ReplicaKind = { resource: REPLICATIONCONTROLLERS, kind: 'ReplicationController', component: 'replication-controller' };

/** ReplicationManager is NewReplicationManager: the ReplicaSet controller over ReplicationControllers. */
export class ReplicationManager extends ReplicaSetController {
  constructor(client: KubeClient, clock: Clock, factory: InformerFactory) {
    super(client, clock, factory, REPLICATION_CONTROLLER_KIND);
  }
}
