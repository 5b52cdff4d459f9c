// User story: a learner who outgrows the lab keeps the workflow. "KubeLab: Switch Cluster"
// lists the contexts of $KUBECONFIG; picking one points the Cluster tree and Apply at
// that cluster through @kubernetes/client-node.
//
// The "real" cluster is another lab, started with `kubelab up` and reached only over
// HTTPS with its kubeconfig: it has two nodes and a namespace the editor's own lab does
// not, so the tree shows which cluster it reads, and kubectl confirms where Apply wrote.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubelabProcess, run } from '../conformance/harness';
import { VSCodeHarness } from './harness';

let outside: KubelabProcess;

before(async () => {
  outside = await KubelabProcess.up({ nodes: 2 });
  const created = await run('kubectl', ['--kubeconfig', outside.kubeconfig, 'create', 'namespace', 'from-outside'], { env: outside.env() });
  assert.equal(created.code, 0, created.stderr);
});

after(() => outside?.stop());

void test('Switch Cluster points the tree and Apply at a kubeconfig context', { timeout: 360_000 }, async () => {
  await VSCodeHarness.with({ name: 'switchCluster', env: { KUBECONFIG: outside.kubeconfig } }, async (vscode) => {
    await vscode.runCommand('KubeLab: Switch Cluster');
    await vscode.pickQuickPick('kubelab');
    await vscode.openViewContainer('KubeLab');

    // The tree reads the other cluster: its two nodes, and its namespace.
    await vscode.until('the tree to show the outside cluster\'s two nodes', async () => {
      const rows = await vscode.treeRows('Cluster');
      const labels = rows.map((r) => r.label);
      if (labels.includes('node-2') && !labels.includes('node-3')) return { labels };
      // A group that had no rows when VS Code first drew it may be left collapsed once it has some: open it, as a user would.
      if (rows.find((r) => r.label === 'Nodes')?.expanded === false) await vscode.clickTreeRow('Cluster', 'Nodes');
      return `rows: ${JSON.stringify(rows.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}${r.expanded === undefined ? '' : r.expanded ? ' [open]' : ' [closed]'}`))}`;
    });
    await vscode.clickTreeRow('Cluster', 'Namespaces');
    await vscode.until('the namespace made with kubectl to be listed', async () => {
      const labels = (await vscode.treeRows('Cluster')).map((r) => r.label);
      if (labels.includes('from-outside')) return { labels };
      // A click that landed while the tree was redrawn for the new cluster leaves the group collapsed: open it again.
      if ((await vscode.treeRowLocator('Cluster', 'Namespaces').getAttribute('aria-expanded')) === 'false') await vscode.clickTreeRow('Cluster', 'Namespaces');
      return `rows: ${JSON.stringify(labels)}`;
    });
    await vscode.screenshot('switched');
    const status = await vscode.statusBarTexts();
    assert.ok(status.some((s) => s.includes('kubelab')), `the status bar names the context: ${JSON.stringify(status)}`);

    // Apply writes to that cluster: kubectl finds the Deployment there.
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Apply');
    const applied = await vscode.until('kubectl to find deployment web in the outside cluster', async () => {
      const got = await run('kubectl', ['--kubeconfig', outside.kubeconfig, 'get', 'deployment', 'web', '-o', 'jsonpath={.metadata.name} {.metadata.managedFields[0].manager}'], { env: outside.env() });
      return got.code === 0 ? { out: got.stdout } : got.stderr;
    });
    assert.match(applied.out, /^web \S+/);
    await vscode.until('the tree to show web\'s pods running on the outside cluster', async () => {
      const rows = await vscode.treeRows('Cluster');
      const pods = rows.filter((r) => /^web-[a-z0-9]+-[a-z0-9]+$/.test(r.label) && /^Running · 1\/1 · node-[12]$/.test(r.description));
      return pods.length >= 3 ? { pods } : `rows: ${JSON.stringify(rows.map((r) => `${r.label} (${r.description})`))}`;
    }, 120_000);
    await vscode.screenshot('applied-outside');
  });
});
