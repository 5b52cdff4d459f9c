/** Defaults asserted here are pkg/apis/apps/v1/defaults.go's SetDefaults_Deployment, _StatefulSet, _DaemonSet and _ReplicaSet, plus the pod defaults of templates. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/types';
import type { DaemonSet, StatefulSet } from '../validation/types/apps';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps';

const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

test('deployment: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600 s, pod defaults', () => {
  const d = { metadata: { name: 'web' }, spec: { template: template() } } as unknown as Deployment;
  defaultDeployment(d);
  assert.deepEqual({ ...d.spec, template: undefined }, {
    template: undefined, replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
  });
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  assert.equal(d.spec.template.spec.dnsPolicy, 'ClusterFirst');
});

test('deployment: Recreate gets no rolling update; explicit values are kept', () => {
  const d = { metadata: { name: 'web' }, spec: { replicas: 0, revisionHistoryLimit: 2, strategy: { type: 'Recreate' }, template: template() } } as unknown as Deployment;
  defaultDeployment(d);
  assert.deepEqual([d.spec.replicas, d.spec.revisionHistoryLimit, d.spec.strategy], [0, 2, { type: 'Recreate' }]);
});

test('a workload sent without a spec or template is defaulted as empty structs, as Go decodes it', () => {
  const d = { metadata: { name: 'web' } } as unknown as Deployment;
  defaultDeployment(d);
  assert.equal(d.spec.replicas, 1);
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  const rs = { metadata: { name: 'web' }, spec: 'nonsense' } as unknown as ReplicaSet;
  defaultReplicaSet(rs);
  assert.equal(rs.spec, 'nonsense', 'a spec of the wrong type is left for validation');
});

test('statefulset: OrderedReady, RollingUpdate partition 0, Retain/Retain, replicas 1, history 10', () => {
  const ss: StatefulSet = { metadata: { name: 'db' }, spec: { template: template() } };
  defaultStatefulSet(ss);
  const { podManagementPolicy, updateStrategy, persistentVolumeClaimRetentionPolicy, replicas, revisionHistoryLimit } = ss.spec ?? {};
  assert.deepEqual({ podManagementPolicy, updateStrategy, persistentVolumeClaimRetentionPolicy, replicas, revisionHistoryLimit }, {
    podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' }, replicas: 1, revisionHistoryLimit: 10,
  });
  const onDelete: StatefulSet = { metadata: { name: 'db' }, spec: { updateStrategy: { type: 'OnDelete' } } };
  defaultStatefulSet(onDelete);
  assert.deepEqual(onDelete.spec?.updateStrategy, { type: 'OnDelete' });
});

test('daemonset: RollingUpdate with maxUnavailable 1 and maxSurge 0, history 10', () => {
  const ds: DaemonSet = { metadata: { name: 'agent' }, spec: { template: template() } };
  defaultDaemonSet(ds);
  assert.deepEqual(ds.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec?.revisionHistoryLimit, 10);
});
