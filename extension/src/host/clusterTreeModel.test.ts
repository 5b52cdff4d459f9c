import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus } from '../lab/api/types';
import { DEPLOYMENTS, NODES } from '../lab/client/resources';
import type { Lab } from '../lab/lab';
import { startTestLab, webDeployment } from '../lab/testLab';
import { ClusterModel } from './clusterModel';
import { type ClusterNode, ClusterTreeModel, type ItemView, naturalCompare } from './clusterTreeModel';
import { isResourceItem } from './resourceItem';

const web = webDeployment();

interface Row {
  node: ClusterNode;
  item: ItemView;
  depth: number;
}

/** render walks the tree as VS Code draws it: the root, then the children of every expanded row. */
function render(tree: ClusterTreeModel, open: (item: ItemView) => boolean = (i) => i.collapsible === 'expanded'): Row[] {
  const rows: Row[] = [];
  const walk = (parent: ClusterNode | undefined, depth: number): void => {
    for (const node of tree.children(parent)) {
      const item = tree.item(node);
      rows.push({ node, item, depth });
      if (open(item)) walk(node, depth + 1);
    }
  };
  walk(undefined, 0);
  return rows;
}

const find = (rows: Row[], label: string, depth?: number): Row => {
  const r = rows.find((x) => x.item.label === label && (depth === undefined || x.depth === depth));
  assert.ok(r, `no row ${label}; rows: ${rows.map((x) => `${'  '.repeat(x.depth)}${x.item.label}`).join('\n')}`);
  return r;
};

/** settle lets the lab's clock run and the model's informers catch up until check passes. */
async function settle(lab: Lab, clock: { advance(ms: number): Promise<void> }, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`${what} never happened (lab ${lab.state})`);
}

test('the Cluster tree shows Workloads as Deployment → ReplicaSet → Pods with kubectl columns, and Nodes with their pods', async () => {
  const { lab, clock } = await startTestLab(3, 7, { dns: false });
  const model = new ClusterModel(lab.client());
  const tree = new ClusterTreeModel(model);
  try {
    await model.start();
    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, web)));
    await settle(lab, clock, () => model.pods.list().filter((p) => p.status?.phase === 'Running').length === 3 && model.deployments.get('default/web')?.status?.readyReplicas === 3, 'web rolling out');
    tree.invalidate();
    const rows = render(tree);

    assert.deepEqual(rows.filter((r) => r.depth === 0).map((r) => r.item.label), ['Namespaces', 'Workloads', 'Nodes']);
    const deployment = find(rows, 'web');
    assert.equal(deployment.item.description, '3/3 ready');
    assert.equal(deployment.item.collapsible, 'expanded');
    assert.equal(deployment.item.contextValue, 'resource.deployment');
    assert.ok(isResourceItem(deployment.node));
    assert.deepEqual({ ...deployment.node, spec: undefined }, { ...deployment.node, spec: undefined, ref: DEPLOYMENTS, kind: 'Deployment', namespace: 'default', name: 'web' });

    const rs = rows[rows.indexOf(deployment) + 1];
    assert.match(rs.item.label, /^web-[a-z0-9]+$/);
    assert.equal(rs.item.description, '3/3 ready');
    assert.equal(rs.item.contextValue, 'resource.replicaset');
    const pods = rows.filter((r) => r.depth === rs.depth + 1 && r.node.type === 'object' && r.node.kind === 'Pod' && r.node.id.startsWith(rs.node.id));
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.ok(p.item.label.startsWith(`${rs.item.label}-`));
      assert.match(p.item.description ?? '', /^Running · 1\/1 · node-\d$/);
      assert.equal(p.item.contextValue, 'resource.pod');
      assert.deepEqual(p.item.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    }
    assert.deepEqual(pods.map((p) => p.item.label), [...pods.map((p) => p.item.label)].sort(naturalCompare), 'pods sorted by name');

    const nodes = rows.filter((r) => r.depth === 1 && r.node.type === 'object' && r.node.kind === 'Node');
    assert.deepEqual(nodes.map((n) => n.item.label), ['node-1', 'node-2', 'node-3']);
    for (const n of nodes) {
      assert.equal(n.item.description, 'Ready · 1 pod');
      assert.equal(n.item.contextValue, 'resource.node');
      assert.equal(n.item.collapsible, 'collapsed');
    }
    const onNode1 = tree.children(nodes[0].node);
    assert.equal(onNode1.length, 1);
    assert.equal(tree.item(onNode1[0]).description, 'Running · 1/1 · node-1');

    const ids = render(tree, (i) => i.collapsible !== 'none').map((r) => r.node.id);
    assert.equal(new Set(ids).size, ids.length, 'every row has its own id, even a pod shown in three places');
    tree.invalidate();
    assert.deepEqual(render(tree).map((r) => r.node.id), rows.map((r) => r.node.id), 'ids survive a refresh');

    // Rows of an unchanged list are reused; a list whose members changed is read afresh.
    assert.ok(!isStatus(await lab.client().patch(DEPLOYMENTS, 'default', 'web', { spec: { replicas: 2 } })));
    await settle(lab, clock, () => model.pods.list().length === 2, 'the scale-down reaching the model');
    tree.invalidate();
    const after = render(tree);
    const left = after.filter((r) => r.node.id.startsWith(`${rs.node.id}/Pod:`));
    assert.equal(left.length, 2);
    assert.equal(find(after, rs.item.label).item.description, '2/2 ready');
    assert.deepEqual(after.filter((r) => r.depth === 1 && r.node.type === 'object' && r.node.kind === 'Node').map((n) => n.item.description).sort(), ['Ready · 0 pods', 'Ready · 1 pod', 'Ready · 1 pod']);
    for (const p of left) assert.ok(pods.some((q) => q.node.id === p.node.id), 'a surviving pod keeps its id');

    // A pod the scale-down left: which one goes depends on the order they were made in, not on their names.
    const tip = tree.tooltip(left[0].node, Date.now()) ?? '';
    assert.match(tip, /^\*\*Pod\*\* `default\/web-/);
    assert.match(tip, /Status: Running {2}\nRestarts: 0/);
    assert.match(tip, /- `nginx` nginx:1\\\.27 — running, ready/);
    assert.match(tip, /Controlled by: ReplicaSet\/web\\-/);
  } finally {
    model.stop();
    lab.stop();
  }
});

test('a cordoned node reads Ready,SchedulingDisabled and carries the unschedulable flag', async () => {
  const { lab, clock } = await startTestLab(2, 7, { dns: false });
  const model = new ClusterModel(lab.client());
  const tree = new ClusterTreeModel(model);
  try {
    await model.start();
    assert.ok(!isStatus(await lab.client().patch(NODES, '', 'node-2', { spec: { unschedulable: true } })));
    await settle(lab, clock, () => model.nodes.get('node-2')?.spec.unschedulable === true, 'the cordon reaching the model');
    tree.invalidate();
    const [node1, node2] = tree.children(tree.children().find((n) => n.id === 'nodes'));
    assert.equal(tree.item(node1).contextValue, 'resource.node');
    const item = tree.item(node2);
    assert.equal(item.description, 'Ready,SchedulingDisabled · 0 pods');
    assert.equal(item.contextValue, 'resource.node.unschedulable');
    assert.deepEqual(item.icon, { id: 'server', color: 'list.warningForeground' });
    assert.match(tree.tooltip(node2, Date.now()) ?? '', /^\*\*Node\*\* `node-2`\n\nStatus: Ready,SchedulingDisabled {2}\n/);
  } finally {
    model.stop();
    lab.stop();
  }
});

test('a namespace lists the kinds that have objects in it, each kind its objects, as resources', async () => {
  const { lab, clock } = await startTestLab(1, 7, { dns: false });
  const model = new ClusterModel(lab.client());
  const tree = new ClusterTreeModel(model);
  try {
    await model.start();
    const client = lab.client();
    assert.ok(!isStatus(await client.create(DEPLOYMENTS, { ...web, spec: { ...web.spec, replicas: 1 } })));
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    assert.ok(!isStatus(await client.create({ group: '', version: 'v1', resource: 'services', namespaced: true }, svc)));
    const namespaces = tree.children().find((n) => n.id === 'namespaces');
    const names = () => tree.children(namespaces).map((n) => tree.item(n).label);
    await settle(lab, clock, () => { tree.invalidate(); return names().includes('default'); }, 'namespaces listing');
    assert.deepEqual(names(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const def = tree.children(namespaces)[0];
    assert.equal(tree.item(def).contextValue, 'resource.namespace');
    assert.equal(tree.item(def).description, 'Active');
    // The first look starts discovery and the kinds' informers; the kinds appear once they have listed.
    const kinds = () => { tree.invalidate(); return tree.children(def).map((k) => tree.item(k)); };
    await settle(lab, clock, () => ['Deployments', 'ReplicaSets', 'Pods', 'Services', 'ServiceAccounts'].every((t) => kinds().some((k) => k.label === t)), 'the kinds of default');
    const labels = kinds().map((k) => k.label);
    assert.ok(labels.indexOf('Deployments') < labels.indexOf('Pods') && labels.indexOf('Pods') < labels.indexOf('Services'), labels.join());
    assert.ok(!labels.includes('Jobs'), 'a kind without objects in the namespace is left out');
    const services = tree.children(def).find((k) => tree.item(k).label === 'Services') as ClusterNode;
    // default also holds the API server's `kubernetes` Service.
    assert.equal(tree.item(services).description, '2');
    assert.deepEqual(tree.children(services).map((n) => tree.item(n).label), ['kubernetes', 'web']);
    const websvc = tree.children(services)[1];
    assert.match(tree.item(websvc).description ?? '', /^ClusterIP( · \d+\.\d+\.\d+\.\d+)? · 80\/TCP$/);
    assert.ok(isResourceItem(websvc));
    assert.equal(tree.item(websvc).contextValue, 'resource.service');
    assert.equal(websvc.type === 'object' && websvc.ref.resource, 'services');

    const deployments = tree.children(def).find((k) => tree.item(k).label === 'Deployments') as ClusterNode;
    const [d] = tree.children(deployments);
    assert.equal(tree.item(d).collapsible, 'collapsed', 'under a namespace, objects start closed');
    const [rs] = tree.children(d);
    assert.equal(tree.item(rs).contextValue, 'resource.replicaset');
  } finally {
    model.stop();
    lab.stop();
  }
});

test('naturalCompare orders numbers inside names by value', () => {
  const cases: [string[], string[]][] = [
    [['node-10', 'node-2', 'node-1'], ['node-1', 'node-2', 'node-10']],
    [['a', 'B', 'b'], ['B', 'a', 'b']],
    [['web-001x', 'web-1', 'web-01'], ['web-01', 'web-1', 'web-001x']],
    [['x2y10', 'x2y9', 'x10'], ['x2y9', 'x2y10', 'x10']],
    [['pod', 'pod-0', 'po'], ['po', 'pod', 'pod-0']],
  ];
  for (const [input, want] of cases) assert.deepEqual([...input].sort(naturalCompare), want, input.join());
  // A total order: antisymmetric, zero only for equal strings, and transitive over every triple.
  const words = ['', 'a', 'a0', 'a00', 'a1', 'a01', 'a10', 'a1b', 'a9', 'ab', 'b', '1', '01', '10', 'x-2-y', 'x-10-y', 'x-2-z'];
  for (const a of words) {
    for (const b of words) {
      assert.ok(Math.sign(naturalCompare(a, b)) === -Math.sign(naturalCompare(b, a)), `${a} vs ${b}`);
      assert.equal(naturalCompare(a, b) === 0, a === b, `${a} vs ${b}`);
      for (const c of words) if (naturalCompare(a, b) < 0 && naturalCompare(b, c) < 0) assert.ok(naturalCompare(a, c) < 0, `${a} < ${b} < ${c}`);
    }
  }
});
