/**
 * A few requests through the whole in-process API server for the non-core
 * groups: defaults, the job strategy's generated selector, and 422s worded as
 * upstream's (messages from pkg/apis/{batch,rbac,apps}/validation/validation.go
 * and robfig/cron/v3's parser).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from '../testing';

const template = (restartPolicy = 'Always') => ({ metadata: { labels: { app: 'pi' } }, spec: { restartPolicy, containers: [{ name: 'pi', image: 'busybox' }] } });

test('a created Job selects its own pods by uid and carries the generated labels', async () => {
  const { call } = await testServer();
  const res = await call({ method: 'POST', path: '/apis/batch/v1/namespaces/default/jobs', body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { template: template('Never') } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const uid = res.body.metadata.uid;
  assert.deepEqual(res.body.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.equal(res.body.spec.template.metadata.labels['job-name'], 'pi');
  assert.equal(res.body.spec.template.metadata.labels['controller-uid'], uid);
  assert.deepEqual([res.body.spec.backoffLimit, res.body.spec.completions, res.body.spec.completionMode], [6, 1, 'NonIndexed']);
  assert.deepEqual(res.body.metadata.labels, { app: 'pi' });
});

test('a CronJob with a bad schedule is Invalid with the cron parser\'s words', async () => {
  const { call } = await testServer();
  const res = await call({ method: 'POST', path: '/apis/batch/v1/namespaces/default/cronjobs', body: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello' }, spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: template('OnFailure') } } } } });
  assert.equal(res.status, 422);
  assert.equal(res.body.message, 'CronJob.batch "hello" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
});

test('a RoleBinding cannot change the role it grants', async () => {
  const { call } = await testServer();
  const path = '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings';
  const created = await call({ method: 'POST', path, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }] } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  const res = await call({ method: 'PUT', path: `${path}/read`, body: { ...created.body, roleRef: { ...created.body.roleRef, name: 'edit' } } });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.details.causes.map((c: { field: string }) => c.field), ['roleRef']);
  assert.match(res.body.message, /^RoleBinding.rbac.authorization.k8s.io "read" is invalid: roleRef: Invalid value: .*: cannot change roleRef$/);
});

test('a StatefulSet name must be a DNS label, since it names pods and hosts', async () => {
  const { call } = await testServer();
  const res = await call({ method: 'POST', path: '/apis/apps/v1/namespaces/default/statefulsets', body: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db.v1' }, spec: { selector: { matchLabels: { app: 'pi' } }, serviceName: 'db', template: template() } } });
  assert.equal(res.status, 422);
  assert.equal(res.body.message, 'StatefulSet.apps "db.v1" is invalid: metadata.name: Invalid value: "db.v1": must not contain dots');
});

test('a Deployment created without strategy gets 25%/25% and a DaemonSet its template generation', async () => {
  const { call } = await testServer();
  const d = await call({ method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'pi' } }, template: template() } } });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  assert.deepEqual(d.body.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  const ds = await call({ method: 'POST', path: '/apis/apps/v1/namespaces/default/daemonsets', body: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'pi' } }, template: template() } } });
  assert.equal(ds.status, 201, JSON.stringify(ds.body));
  assert.equal(ds.body.metadata.annotations['deprecated.daemonset.template.generation'], '1');
  assert.deepEqual(ds.body.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
});
