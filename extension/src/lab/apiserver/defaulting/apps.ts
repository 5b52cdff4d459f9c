/** apps applies pkg/apis/apps/v1 defaults to Deployments and ReplicaSets. */
import type { Deployment, ReplicaSet } from '../../api/types';
import { defaultPodSpec } from './core';

/** defaultDeployment fills replicas, strategy, history limit and progress deadline. */
export function defaultDeployment(d: Deployment): void {
  if (!d.spec || typeof d.spec !== 'object') return;
  d.spec.replicas ??= 1;
  d.spec.strategy ??= {};
  d.spec.strategy.type ??= 'RollingUpdate';
  if (d.spec.strategy.type === 'RollingUpdate') {
    d.spec.strategy.rollingUpdate ??= {};
    d.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    d.spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  defaultPodSpec(d.spec.template?.spec);
}

/** defaultReplicaSet fills replicas. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  if (!rs.spec || typeof rs.spec !== 'object') return;
  rs.spec.replicas ??= 1;
  defaultPodSpec(rs.spec.template?.spec);
}
