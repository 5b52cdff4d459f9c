// User story: open examples/web.yaml, run "KubeLab: Apply", open the KubeLab view and
// watch the Deployment roll out: web → its ReplicaSet → 3 Running pods on 3 nodes.
//
// Everything is read from the rendered workbench (tree rows, status bar), so this checks
// what a user sees, through the packaged extension in a real VS Code.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VSCodeHarness, type TreeRow } from './harness';

interface Rollout {
  deployment: TreeRow;
  replicaSet: TreeRow;
  pods: TreeRow[];
}

/**
 * Finds web → web-<hash> → pods in the rendered rows, using aria-level for nesting.
 * Returns a string saying what is missing while the rollout is still converging.
 */
function findRollout(rows: TreeRow[]): Rollout | string {
  const d = rows.findIndex((r) => r.label === 'web');
  if (d < 0) return `no Deployment "web" yet; rows: ${summary(rows)}`;
  const deployment = rows[d];
  const rsIndex = rows.findIndex((r, i) => i > d && r.level === deployment.level + 1 && /^web-[a-z0-9]+$/.test(r.label));
  if (rsIndex < 0) return `no ReplicaSet under "web" yet; rows: ${summary(rows)}`;
  const replicaSet = rows[rsIndex];
  const pods: TreeRow[] = [];
  for (const row of rows.slice(rsIndex + 1)) {
    if (row.level <= replicaSet.level) break;
    if (row.level === replicaSet.level + 1) pods.push(row);
  }
  // Pod rows read STATUS · READY · [restarts ·] NODE, as kubectl's columns.
  const running = pods.filter((p) => /^Running · 1\/1 · node-\d+$/.test(p.description));
  const nodes = new Set(running.map((p) => p.description.split(' · ').at(-1)));
  if (running.length !== 3 || nodes.size !== 3) return `pods not yet 3 Running on 3 nodes: ${summary(pods)}`;
  return { deployment, replicaSet, pods };
}

/** Two namespaces; the second document repeats a key, which YAML forbids. */
const BROKEN = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: first\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: second\n  name: again\n';

function summary(rows: TreeRow[]): string {
  return JSON.stringify(rows.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.label}${r.description ? ` (${r.description})` : ''}`));
}

void test('apply a Deployment and watch it roll out in the Cluster tree', { timeout: 300_000 }, async () => {
  await VSCodeHarness.with({ name: 'applyDeployment' }, async (vscode) => {
    await vscode.openFile('web.yaml');
    await vscode.screenshot('web-yaml-open');

    await vscode.runCommand('KubeLab: Apply');
    await vscode.screenshot('applied');

    await vscode.openViewContainer('KubeLab');
    await vscode.screenshot('kubelab-view');

    const rollout = await vscode.until<Rollout>('web to roll out to 3 Running pods on 3 nodes', async () =>
      findRollout(await vscode.treeRows('Cluster')),
    );
    await vscode.screenshot('rolled-out');

    const roots = (await vscode.treeRows('Cluster')).filter((r) => r.level === 1).map((r) => r.label);
    assert.deepEqual(roots, ['Namespaces', 'Workloads', 'Nodes']);
    assert.equal(rollout.deployment.expanded, true, 'the Deployment starts expanded');
    assert.equal(rollout.replicaSet.expanded, true, 'the ReplicaSet starts expanded');
    assert.match(rollout.replicaSet.label, /^web-[a-z0-9]+$/);
    for (const pod of rollout.pods) {
      assert.ok(pod.label.startsWith(`${rollout.replicaSet.label}-`), `pod ${pod.label} is named after its ReplicaSet`);
    }
    assert.deepEqual(
      rollout.pods.map((p) => p.description.split(' · ').at(-1)).sort(),
      ['node-1', 'node-2', 'node-3'],
      'one pod on each node',
    );
    // The description is refreshed from the same watch; it may lag the pods by a tick.
    await vscode.until<TreeRow>('the Deployment to report 3/3 ready', async () => {
      const web = (await vscode.treeRows('Cluster')).find((r) => r.label === 'web');
      return web?.description.startsWith('3/3') ? web : `web description: ${web?.description}`;
    }, 30_000);

    const status = await vscode.until<{ text: string }>('a KubeLab status bar item', async () => {
      const texts = await vscode.statusBarTexts();
      const text = texts.find((t) => t.includes('KubeLab'));
      return text ? { text } : `status bar: ${JSON.stringify(texts)}`;
    }, 30_000);
    assert.match(status.text, /KubeLab/);
    // The editor's lab is kubeadm-shaped: the control-plane node and three workers; CoreDNS and the control plane's static pods count too.
    assert.match(status.text, /running · 4 nodes · \d+ pods/);
    await vscode.screenshot('status-bar');

    // A file with a YAML error in its second document applies nothing and says where.
    writeFileSync(join(vscode.workspace, 'broken.yaml'), BROKEN);
    await vscode.openFile('broken.yaml');
    await vscode.runCommand('KubeLab: Apply');
    const toast = await vscode.until<{ text: string }>('an error naming the broken document and line', async () => {
      const texts = await vscode.page.locator('.notification-list-item-message').allInnerTexts();
      const text = texts.find((t) => t.includes('nothing applied'));
      return text ? { text } : `notifications: ${JSON.stringify(texts)}`;
    }, 30_000);
    assert.match(toast.text, /broken\.yaml: document 2, line 10: Map keys must be unique/);
    await vscode.screenshot('broken-yaml');
  });
});
