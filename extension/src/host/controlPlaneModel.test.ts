import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isStatus } from '../lab/api/types';
import { KubeClient } from '../lab/client/kubeClient';
import type { Lease } from '../lab/client/leaderElection';
import { NAMESPACES, PODS } from '../lab/client/resources';
import { startTestLab } from '../lab/testLab';
import { ClusterModel } from './clusterModel';
import { ControlPlaneModel, LEASES, statusHealth } from './controlPlaneModel';
import { escapeMarkdown } from './objectSummary';
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
    const leaseOf = async (name: string) => {
      const got = await client.get<Lease>(LEASES, 'kube-system', name);
      assert.ok(!isStatus(got), JSON.stringify(got));
      return got;
    };
    const scheduler = await leaseOf('kube-scheduler');
    const manager = await leaseOf('kube-controller-manager');
    const now = Date.parse(scheduler.spec?.renewTime ?? '') + 1_000;
    const rows = cp.components().map((n) => ({ node: n, item: cp.item(n, now) }));
    assert.deepEqual(rows.map((r) => [r.item.label, r.item.description]), [
      ['API server', 'Healthy · v1.32.0+kubelab'],
      ['etcd', `Healthy · revision ${revision}`],
      ['Scheduler', `Healthy · leader ${scheduler.spec?.holderIdentity}`],
      ['Controller manager', `Healthy · leader ${manager.spec?.holderIdentity}`],
    ]);
    assert.match(scheduler.spec?.holderIdentity ?? '', /^control-plane_[0-9a-f-]{36}$/);
    assert.deepEqual(rows[0].item.icon, { id: 'server-process', color: 'testing.iconPassed' });
    assert.ok(!isResourceItem(rows[0].node), 'the API server is no object');
    assert.ok(isResourceItem(rows[2].node));
    assert.deepEqual([rows[2].node.kind, rows[2].node.name, rows[2].node.namespace], ['ComponentStatus', 'scheduler', '']);
    assert.equal(rows[2].item.contextValue, 'resource.componentstatus');
    assert.equal(rows[1].node.name, 'etcd-0');
    const tooltip = cp.tooltip(rows[2].node, now);
    assert.ok(tooltip.includes(`Leader: ${escapeMarkdown(scheduler.spec?.holderIdentity ?? '')}`), tooltip);
    assert.ok(tooltip.includes(`Lease: \`kube-system/kube-scheduler\`, acquired ${scheduler.spec?.acquireTime}, renewed ${scheduler.spec?.renewTime}, 15 s, 0 transitions`), tooltip);

    // A lease unrenewed past its duration is expired; one seen renewed is not, even when the cluster's clock lags the editor's.
    const later = now + 60_000;
    assert.equal(cp.item(rows[2].node, later).description, `Healthy · leader ${scheduler.spec?.holderIdentity} (expired)`);
    const leases = model.informer<Lease>(LEASES, 'kube-system');
    await clock.advance(2_000);
    for (let i = 0; i < 50 && leases.get('kube-system/kube-scheduler')?.spec?.renewTime === scheduler.spec?.renewTime; i++) await new Promise((r) => setImmediate(r));
    assert.equal(cp.item(rows[2].node, later + 2_000).description, `Healthy · leader ${scheduler.spec?.holderIdentity}`);

    // Without its Lease, the view says so, until the controller manager writes it again at its next renewal.
    const deleted = await client.delete(LEASES, 'kube-system', 'kube-controller-manager');
    assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
    for (let i = 0; i < 50 && leases.get('kube-system/kube-controller-manager'); i++) await new Promise((r) => setImmediate(r));
    assert.equal(cp.item(rows[3].node, now).description, 'Healthy · no leader lease');
    assert.match(cp.tooltip(rows[3].node, now), /No Lease `kube-system\/kube-controller-manager`: this cluster runs it without leader election, or keeps its control plane out of view\./);
    await clock.advance(2_000);
    for (let i = 0; i < 50 && !leases.get('kube-system/kube-controller-manager'); i++) await new Promise((r) => setImmediate(r));
    assert.equal(cp.item(rows[3].node, now).description, `Healthy · leader ${manager.spec?.holderIdentity}`);

    // An unhealthy component says why, and the view asks no more often than its interval.
    lab.server.componentProbes.set('scheduler', () => ({ healthy: false, error: 'connection refused' }));
    cp.requestRefresh();
    cp.requestRefresh();
    assert.equal(requests, 1, 'within the interval a change does not fetch again');
    await cp.refresh();
    assert.equal(requests, 2);
    const item = cp.item(rows[2].node, now);
    assert.equal(item.description, `Unhealthy · leader ${scheduler.spec?.holderIdentity}`);
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

test('lease renewals alone fetch no componentstatuses; another change does', async () => {
  const { lab, clock } = await startTestLab(1, 7, { dns: false });
  let requests = 0;
  const inner = lab.client().transport;
  const client = new KubeClient({ ...inner, request: (req) => { if (req.path === '/api/v1/componentstatuses') requests++; return inner.request(req); }, watch: inner.watch.bind(inner), stream: inner.stream.bind(inner) });
  const model = new ClusterModel(client);
  let leaseUpdates = 0;
  const cp = new ControlPlaneModel(client, model, () => leaseUpdates++, 0);
  try {
    await model.start();
    cp.components();
    await cp.refresh();
    await model.informer(LEASES, 'kube-system').waitForSync();
    // The first lists' changes arrive (and fetch) first.
    await new Promise((r) => setTimeout(r, 400));
    const fetched = requests;
    const shown = leaseUpdates;
    await clock.advance(4_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(leaseUpdates > shown, 'a renewal redraws the leaders');
    assert.equal(requests, fetched);
    assert.ok(!isStatus(await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } })));
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(requests > fetched, 'a pod change fetches again');
  } finally {
    cp.dispose();
    model.stop();
    lab.stop();
  }
});

test('on a cluster whose user may read little, each row says what it cannot know, and nothing throws', async () => {
  const { lab } = await startTestLab(1);
  // A kubeconfig context's user without RBAC beyond system:authenticated's discovery and /version.
  const client = lab.client({ username: 'jane', groups: ['system:authenticated'] });
  const model = new ClusterModel(client);
  const cp = new ControlPlaneModel(client, model, () => undefined, 60_000);
  try {
    const nodes = cp.components();
    await cp.refresh();
    const now = Date.now();
    const forbidden = 'componentstatuses: componentstatuses is forbidden: User "jane" cannot list resource "componentstatuses" in API group "" at the cluster scope';
    assert.deepEqual(nodes.map((n) => cp.item(n, now).description), [
      'Healthy · v1.32.0+kubelab',
      forbidden,
      `${forbidden} · leader unknown`,
      `${forbidden} · leader unknown`,
    ]);
    assert.deepEqual(nodes.map((n) => cp.item(n, now).contextValue), ['controlPlane.apiserver', 'controlPlane.etcd', 'controlPlane.scheduler', 'controlPlane.controller-manager']);
    const leases = 'leases.coordination.k8s.io is forbidden: User "jane" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"';
    assert.ok(cp.tooltip(nodes[2], now).endsWith(`Leader: leader unknown — ${escapeMarkdown(leases)}  `), cp.tooltip(nodes[2], now));
  } finally {
    cp.dispose();
    model.stop();
    lab.stop();
  }
});

test('the views offer Start Lab only while the lab is the active cluster, and Switch Cluster for a context not connected', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { viewsWelcome: { view: string; contents: string; when: string }[] } };
  for (const view of ['kubelab.cluster', 'kubelab.controlPlane', 'kubelab.events']) {
    const welcomes = manifest.contributes.viewsWelcome.filter((w) => w.view === view);
    assert.deepEqual(welcomes.map((w) => [w.when, /\(command:([^)]+)\)/.exec(w.contents)?.[1]]), [
      ['kubelab.activeIsLab && kubelab.state == stopped', 'kubelab.start'],
      ['!kubelab.activeIsLab && kubelab.clusterState == stopped', 'kubelab.switchCluster'],
    ], view);
    assert.doesNotMatch(welcomes[1].contents, /command:kubelab\.start/, `${view}: starting the lab would leave the context`);
  }
});
