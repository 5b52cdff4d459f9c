import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus } from '../lab/api/types';
import { KubeClient } from '../lab/client/kubeClient';
import { NAMESPACES } from '../lab/client/resources';
import { startTestLab } from '../lab/testLab';
import { ClusterModel } from './clusterModel';
import { ControlPlaneModel, LEASES, statusHealth } from './controlPlaneModel';
import { isResourceItem } from './resourceItem';

test('statusHealth reads the Healthy condition as kubectl get componentstatuses does', () => {
  const cs = (status?: string, message?: string, error?: string) => ({
    apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name: 'x' },
    conditions: status ? [{ type: 'Healthy', status, ...(message ? { message } : {}), ...(error ? { error } : {}) }] : [],
  });
  assert.deepEqual(statusHealth(cs('True', 'ok')), { healthy: true, message: 'ok' });
  assert.deepEqual(statusHealth(cs('False', undefined, 'dial tcp 127.0.0.1:10259: connect: connection refused')), { healthy: false, message: 'dial tcp 127.0.0.1:10259: connect: connection refused' });
  assert.deepEqual(statusHealth(cs()), { healthy: undefined, message: 'Unknown' });
});

test('the Control Plane view shows health, version, revision and leaders from the API', async () => {
  const { lab, clock } = await startTestLab(1);
  let requests = 0;
  const inner = lab.client().transport;
  const client = new KubeClient({ ...inner, request: (req) => { if (req.path === '/api/v1/componentstatuses') requests++; return inner.request(req); }, watch: inner.watch.bind(inner), stream: inner.stream.bind(inner) });
  const model = new ClusterModel(client);
  let updates = 0;
  const cp = new ControlPlaneModel(client, model, () => updates++, 60_000);
  try {
    await model.start();
    const before = cp.components().map((n) => cp.item(n, Date.now()).description);
    assert.deepEqual(before, ['Checking…', 'Checking…', 'Checking… · leader unknown', 'Checking… · leader unknown'], 'nothing is known before the first answers');
    await cp.refresh();
    await model.informer(LEASES, 'kube-system').waitForSync();
    assert.equal(requests, 1);
    assert.ok(updates >= 1);
    const list = await client.list(NAMESPACES, '', { limit: 1 });
    assert.ok(!isStatus(list));
    const revision = list.metadata.resourceVersion;
    const now = Date.parse('2026-01-01T00:00:10Z');
    const rows = cp.components().map((n) => ({ node: n, item: cp.item(n, now) }));
    assert.deepEqual(rows.map((r) => [r.item.label, r.item.description]), [
      ['API server', 'Healthy · v1.32.0+kubelab'],
      ['etcd', `Healthy · revision ${revision}`],
      ['Scheduler', 'Healthy · no leader lease'],
      ['Controller manager', 'Healthy · no leader lease'],
    ]);
    assert.deepEqual(rows[0].item.icon, { id: 'server-process', color: 'testing.iconPassed' });
    assert.ok(!isResourceItem(rows[0].node), 'the API server is no object');
    assert.ok(isResourceItem(rows[2].node));
    assert.deepEqual([rows[2].node.kind, rows[2].node.name, rows[2].node.namespace], ['ComponentStatus', 'scheduler', '']);
    assert.equal(rows[2].item.contextValue, 'resource.componentstatus');
    assert.equal(rows[1].node.name, 'etcd-0');
    assert.match(cp.tooltip(rows[2].node, now), /No Lease `kube-system\/kube-scheduler`: this cluster runs it without leader election\./);

    // A leader-election Lease arrives by watch and names the leader without another fetch.
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'scheduler-a_1234', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:05.000000Z', leaseTransitions: 2 } };
    assert.ok(!isStatus(await client.create(LEASES, lease)));
    for (let i = 0; i < 50 && !model.informer(LEASES, 'kube-system').get('kube-system/kube-scheduler'); i++) await new Promise((r) => setImmediate(r));
    assert.equal(cp.item(rows[2].node, now).description, 'Healthy · leader scheduler-a_1234');
    assert.equal(cp.item(rows[2].node, Date.parse('2026-01-01T00:01:00Z')).description, 'Healthy · leader scheduler-a_1234 (expired)');
    assert.match(cp.tooltip(rows[2].node, now), /Lease: `kube-system\/kube-scheduler`, renewed 2026-01-01T00:00:05\.000000Z, 15 s, 2 transitions/);

    // An unhealthy component says why, and the view asks no more often than its interval.
    lab.server.componentProbes.set('scheduler', () => ({ healthy: false, error: 'connection refused' }));
    cp.requestRefresh();
    cp.requestRefresh();
    assert.equal(requests, 1, 'within the interval a change does not fetch again');
    await cp.refresh();
    assert.equal(requests, 2);
    const item = cp.item(rows[2].node, now);
    assert.equal(item.description, 'Unhealthy · leader scheduler-a_1234');
    assert.deepEqual(item.icon, { id: 'calendar', color: 'testing.iconFailed' });
    assert.match(cp.tooltip(rows[2].node, now), /`scheduler`: Unhealthy — connection refused/);
    await clock.advance(0);
  } finally {
    cp.dispose();
    model.stop();
    lab.stop();
  }
});

test('requestRefresh coalesces changes into one fetch per interval', async () => {
  const { lab } = await startTestLab(1);
  let requests = 0;
  const inner = lab.client().transport;
  const client = new KubeClient({ ...inner, request: (req) => { if (req.path === '/api/v1/componentstatuses') requests++; return inner.request(req); }, watch: inner.watch.bind(inner), stream: inner.stream.bind(inner) });
  const model = new ClusterModel(client);
  const cp = new ControlPlaneModel(client, model, () => undefined, 40);
  try {
    await cp.refresh();
    for (let i = 0; i < 5; i++) cp.requestRefresh();
    assert.equal(requests, 1);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(requests, 2, 'five requests within the interval make one fetch after it');
  } finally {
    cp.dispose();
    model.stop();
    lab.stop();
  }
});
