// The three KubeLab views as VS Code sees them, through the fake `vscode` module:
// tree items with ids, context values, shared icons and tooltips on hover.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { isStatus, type Deployment } from '../lab/api/types';
import { DEPLOYMENTS } from '../lab/client/resources';
import { startTestLab } from '../lab/testLab';
import { ClusterModel } from './clusterModel';

const fake = createFakeVscode();
fake.renderTree = false;
installFakeVscode(fake);

interface Item { id?: string; label: unknown; description?: string; contextValue?: string; collapsibleState: number; iconPath?: { id: string; color?: { id: string } }; tooltip?: { value: string } }

test('the views hand VS Code items with ids, context values, icons and tooltips', async () => {
  const { ClusterTree } = await import('./clusterTree.js');
  const { EventsTree } = await import('./eventsTree.js');
  const { ControlPlaneTree } = await import('./controlPlaneTree.js');
  const { lab, clock } = await startTestLab(2);
  const model = new ClusterModel(lab.client());
  const cluster = new ClusterTree();
  const events = new EventsTree();
  const controlPlane = new ControlPlaneTree();
  try {
    const web: Deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    };
    await model.start();
    assert.equal(cluster.getChildren().length, 0, 'nothing before the cluster runs');
    cluster.setModel(model, 'running');
    events.setModel(model, 'running');
    controlPlane.setModel(model.client, model, 'running');
    assert.deepEqual(events.getChildren(), [], 'the events informer starts when the view first asks');
    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, web)));
    for (let i = 0; i < 100 && model.pods.list().filter((p) => p.metadata.namespace === 'default' && p.status?.phase === 'Running').length < 2; i++) {
      await clock.advance(500);
      await new Promise((r) => setImmediate(r));
    }
    cluster.refresh();
    events.refresh();

    const items = (nodes: unknown[], tree: { getTreeItem(n: never): unknown }) => nodes.map((n) => tree.getTreeItem(n as never) as Item);
    const roots = cluster.getChildren();
    assert.deepEqual(items(roots, cluster).map((i) => [i.label, i.collapsibleState]), [['Namespaces', 1], ['Workloads', 2], ['Nodes', 2]]);
    const [deployments] = cluster.getChildren(cluster.getChildren(roots[1])[0]) as unknown[];
    const d = cluster.getTreeItem(deployments as never) as unknown as Item;
    assert.equal(d.label, 'web');
    assert.equal(d.contextValue, 'resource.deployment');
    assert.equal(d.id, 'workloads/deployments/Deployment:default/web');
    const [rs] = cluster.getChildren(deployments as never);
    const pods = cluster.getChildren(rs);
    const podItems = items(pods, cluster);
    assert.equal(podItems.length, 2);
    assert.equal(podItems[0].iconPath, podItems[1].iconPath, 'rows share one ThemeIcon per icon');
    assert.deepEqual([podItems[0].iconPath?.id, podItems[0].iconPath?.color?.id], ['pass-filled', 'testing.iconPassed']);
    assert.equal(podItems[0].tooltip, undefined, 'tooltips wait for a hover');
    const resolved = cluster.resolveTreeItem(cluster.getTreeItem(pods[0]), pods[0]) as unknown as Item;
    assert.match(resolved.tooltip?.value ?? '', /^\*\*Pod\*\* `default\/web-/);

    const eventRows = events.getChildren();
    assert.ok(eventRows.length > 0, 'the lab has recorded events');
    const e = events.getTreeItem(eventRows[0]) as unknown as Item;
    assert.match(String(e.label), /^\w+ · \w+\/[\w.-]+$/);
    assert.match(e.contextValue ?? '', /^resource\.event(\.warning)?$/);

    const components = controlPlane.getChildren();
    assert.deepEqual(items(components, controlPlane).map((i) => i.label), ['API server', 'etcd', 'Scheduler', 'Controller manager']);
    const described = () => String((controlPlane.getTreeItem(components[0]) as unknown as Item).description);
    for (let i = 0; i < 100 && described().startsWith('Checking'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(String((controlPlane.getTreeItem(components[0]) as unknown as Item).description), /^Healthy · v1\.\d+\.\d+/);

    cluster.setModel(undefined, 'stopped');
    events.setModel(undefined, 'stopped');
    controlPlane.setModel(undefined, undefined, 'stopped');
    assert.deepEqual([cluster.getChildren(), events.getChildren(), controlPlane.getChildren()], [[], [], []]);
  } finally {
    cluster.dispose();
    events.dispose();
    controlPlane.dispose();
    model.stop();
    lab.stop();
  }
});

test('the Cluster tree redraws only when a row VS Code shows would change, not for every heartbeat', async () => {
  const { ClusterTree } = await import('./clusterTree.js');
  const { lab, clock } = await startTestLab(2);
  const model = new ClusterModel(lab.client());
  const cluster = new ClusterTree();
  let redraws = 0;
  const sub = cluster.onDidChangeTreeData(() => void redraws++);
  try {
    await model.start();
    cluster.setModel(model, 'running');
    // VS Code asks for the top rows and their items, then the expanded groups' rows and theirs.
    const roots = cluster.getChildren();
    for (const r of roots) {
      cluster.getTreeItem(r);
      for (const k of cluster.getChildren(r)) cluster.getTreeItem(k);
    }
    redraws = 0;
    // A minute of lab time: the kubelets post status and renew leases, nothing the rows show.
    for (let i = 0; i < 12; i++) {
      await clock.advance(5_000);
      cluster.refresh();
    }
    assert.equal(redraws, 0, 'heartbeats and lease renewals redraw nothing');
    const web: Deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    };
    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, web)));
    for (let i = 0; i < 20 && !model.deployments.list().some((d) => d.metadata.name === 'web'); i++) await new Promise((r) => setImmediate(r));
    cluster.refresh();
    assert.equal(redraws, 1, 'a new Deployment changes the count its heading shows: a redraw');
    cluster.refresh();
    assert.equal(redraws, 2, 'until VS Code asks for the rows again, every refresh redraws');
  } finally {
    sub.dispose();
    cluster.dispose();
    model.stop();
    lab.stop();
  }
});
