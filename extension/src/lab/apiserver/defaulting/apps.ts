/** apps applies pkg/apis/apps/v1/defaults.go to the apps/v1 workloads and their pod templates. */
import type { Deployment, DeploymentSpec, PodSpec, ReplicaSet, ReplicaSetSpec } from '../../api/types';
import type { DaemonSet, DaemonSetSpec, StatefulSet, StatefulSetSpec } from '../validation/types/apps';
import { defaultPodSpec } from './core';
import { struct } from './structs';

/** defaultPodTemplate applies the pod defaults to the template held in spec.template, which upstream holds by value. */
export function defaultPodTemplate(spec: object): void {
  const podSpec = struct<PodSpec>(struct(spec, 'template'), 'spec');
  if (podSpec) defaultPodSpec(podSpec);
}

/** defaultDeployment is SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600 s. */
export function defaultDeployment(d: Deployment): void {
  const spec = struct<Partial<DeploymentSpec>>(d, 'spec');
  if (!spec) return;
  spec.replicas ??= 1;
  const strategy = struct<NonNullable<DeploymentSpec['strategy']>>(spec, 'strategy');
  if (strategy) {
    strategy.type ||= 'RollingUpdate';
    const ru = strategy.type === 'RollingUpdate' ? struct<NonNullable<typeof strategy.rollingUpdate>>(strategy, 'rollingUpdate') : undefined;
    if (ru) {
      ru.maxUnavailable ??= '25%';
      ru.maxSurge ??= '25%';
    }
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec);
}

/** defaultReplicaSet is SetDefaults_ReplicaSet: replicas 1. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = struct<Partial<ReplicaSetSpec>>(rs, 'spec');
  if (!spec) return;
  spec.replicas ??= 1;
  defaultPodTemplate(spec);
}

/**
 * defaultStatefulSet is SetDefaults_StatefulSet: OrderedReady, RollingUpdate with
 * partition 0, the Retain/Retain PVC retention policy (StatefulSetAutoDeletePVC is
 * on by default), replicas 1, history 10.
 */
export function defaultStatefulSet(ss: StatefulSet): void {
  const spec = struct<StatefulSetSpec>(ss, 'spec');
  if (!spec) return;
  spec.podManagementPolicy ||= 'OrderedReady';
  const strategy = struct<NonNullable<StatefulSetSpec['updateStrategy']>>(spec, 'updateStrategy');
  if (strategy) {
    if (!strategy.type) {
      strategy.type = 'RollingUpdate';
      struct(strategy, 'rollingUpdate');
    }
    const ru = strategy.rollingUpdate;
    if (strategy.type === 'RollingUpdate' && typeof ru === 'object' && ru !== null) ru.partition ??= 0;
  }
  const retention = struct<NonNullable<StatefulSetSpec['persistentVolumeClaimRetentionPolicy']>>(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    retention.whenDeleted ||= 'Retain';
    retention.whenScaled ||= 'Retain';
  }
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec);
}

/** defaultDaemonSet is SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, history 10. */
export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = struct<DaemonSetSpec>(ds, 'spec');
  if (!spec) return;
  const strategy = struct<NonNullable<DaemonSetSpec['updateStrategy']>>(spec, 'updateStrategy');
  if (strategy) {
    strategy.type ||= 'RollingUpdate';
    const ru = strategy.type === 'RollingUpdate' ? struct<NonNullable<typeof strategy.rollingUpdate>>(strategy, 'rollingUpdate') : undefined;
    if (ru) {
      ru.maxUnavailable ??= 1;
      ru.maxSurge ??= 0;
    }
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec);
}
