// User story: with web.yaml applied, work on the cluster from the Cluster tree's context
// menus, as `kubectl describe`, `kubectl logs -f`, `kubectl rollout restart` and
// `kubectl drain` would: Describe opens the Deployment in kubectl's words; Logs follows
// every pod of the Deployment, prefixed by pod and container, and keeps following as a
// restart replaces the pods; Drain empties node-2 and the ReplicaSet runs its pods on
// the other nodes; Crash Container restarts a pod's container; Cut Node Off takes
// node-3 off the network and Reconnect Node puts it back.
//
// Everything is driven by right-clicks (Reconnect Node also from the palette, where it
// offers the cut-off nodes) and read from the rendered workbench.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VSCodeHarness, type TreeRow } from './harness';

/** The web pods under Workloads → Deployments → web → its ReplicaSets, as rendered. */
function webPods(rows: TreeRow[]): TreeRow[] {
  const d = rows.findIndex((r) => r.label === 'web');
  if (d < 0) return [];
  const pods: TreeRow[] = [];
  for (const row of rows.slice(d + 1)) {
    if (row.level <= rows[d].level) break;
    if (row.level === rows[d].level + 2) pods.push(row);
  }
  return pods;
}

const running = (p: TreeRow) => /^Running · 1\/1 · node-\d+$/.test(p.description);
const nodeOf = (p: TreeRow) => p.description.split(' · ').at(-1) ?? '';
const summary = (rows: TreeRow[]) => JSON.stringify(rows.map((r) => `${r.label} (${r.description})`));

void test('Describe, Logs that follow a restart, Drain, and the node and pod faults from the Cluster tree', { timeout: 420_000 }, async () => {
  await VSCodeHarness.with({ name: 'clusterCommands' }, async (vscode) => {
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.openViewContainer('KubeLab');
    const first = await vscode.until('web to run 3 pods on 3 nodes', async () => {
      const pods = webPods(await vscode.treeRows('Cluster'));
      return pods.length === 3 && pods.every(running) && new Set(pods.map(nodeOf)).size === 3 ? { pods } : `web's pods: ${summary(pods)}`;
    });
    await vscode.screenshot('rolled-out');

    // Describe: kubectl's text for the Deployment, in a read-only editor.
    await vscode.treeContextMenu('Cluster', 'web', 'Describe');
    const described = await vscode.until('the description of deployment web', async () => {
      const text = await vscode.editorText();
      return /^Name:\s+web$/m.test(text) ? { text } : `editor shows: ${text.slice(0, 200)}`;
    });
    await vscode.screenshot('describe');
    assert.match(described.text, /^Namespace:\s+default$/m);
    assert.match(described.text, /^Selector:\s+app=web$/m);
    assert.match(described.text, /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m);
    assert.match(described.text, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(described.text, /^NewReplicaSet:\s+web-[a-z0-9]+ \(3\/3 replicas created\)$/m);

    // Logs of the Deployment: every pod's nginx, each line prefixed as `kubectl logs --prefix` does.
    await vscode.treeContextMenu('Cluster', 'web', 'Logs');
    const podNames = first.pods.map((p) => p.label);
    const prefixed = (text: string, names: string[]) => names.filter((n) => text.includes(`[pod/${n}/nginx] `));
    await vscode.until('the followed log to show the pods\' nginx lines', async () => {
      const text = await vscode.editorText('.part.panel');
      return prefixed(text, podNames).length > 0 && /start worker process/.test(text) ? { text } : `output panel: ${text.slice(-300)}`;
    });
    await vscode.screenshot('logs');

    // Restart rollout: new pods replace the old; the same log follows them as they start.
    await vscode.treeContextMenu('Cluster', 'web', 'Restart Rollout');
    const restarted = await vscode.until('the restart to replace the pods', async () => {
      const pods = webPods(await vscode.treeRows('Cluster'));
      const fresh = pods.filter((p) => !podNames.includes(p.label));
      return fresh.length === 3 && fresh.every(running) && pods.length === 3 ? { pods: fresh } : `web's pods: ${summary(pods)}`;
    }, 180_000);
    await vscode.until('the followed log to show a new pod\'s lines', async () => {
      const text = await vscode.editorText('.part.panel');
      const seen = prefixed(text, restarted.pods.map((p) => p.label));
      return seen.length > 0 ? { seen } : `output panel: ${text.slice(-300)}`;
    });
    // The old pods' streams just end, as kubectl's do: no error for a pod the rollout deleted.
    assert.doesNotMatch(await vscode.editorText('.part.panel'), /not found/);
    await vscode.screenshot('logs-after-restart');

    // Drain node-2: cordoned, its pod evicted and run again elsewhere.
    await vscode.treeContextMenu('Cluster', 'node-2', 'Drain Node...');
    await vscode.clickDialogButton('Drain');
    const drained = await vscode.until('node-2 to be drained and web to run on node-1 and node-3', async () => {
      const rows = await vscode.treeRows('Cluster');
      const node = rows.find((r) => r.label === 'node-2');
      const pods = webPods(rows);
      const ok = node && /SchedulingDisabled/.test(node.description) && /· 0 pods$/.test(node.description)
        && pods.length === 3 && pods.every(running) && pods.every((p) => nodeOf(p) !== 'node-2');
      return ok ? { node, pods } : `node-2: ${node?.description ?? 'missing'}; web's pods: ${summary(pods)}`;
    }, 180_000);
    await vscode.screenshot('drained');
    assert.deepEqual([...new Set(drained.pods.map(nodeOf))].sort(), ['node-1', 'node-3']);
    assert.ok((await vscode.notifications()).some((n) => n.includes('node/node-2 drained')), 'the notification says node/node-2 drained');

    // Crash Container on a pod: its container exits 137 and the kubelet restarts it (restartPolicy Always).
    const victim = drained.pods[0].label;
    await vscode.treeContextMenu('Cluster', victim, 'Crash Container...');
    await vscode.until(`${victim} to show its restart`, async () => {
      const pod = webPods(await vscode.treeRows('Cluster')).find((p) => p.label === victim);
      return pod && /^Running · 1\/1 · 1 restart · node-\d+$/.test(pod.description) ? { pod } : `${victim}: ${pod?.description ?? 'missing'}`;
    }, 120_000);
    assert.ok((await vscode.notifications()).some((n) => n.includes(`in default/${victim} exited with code 137`)), 'the notification says the container exited with 137');
    await vscode.screenshot('crashed-container');

    // Cut Node Off on node-3: the lab answers at once. The Node itself only turns Unknown
    // after 40 s without a heartbeat, so what a user sees now is the lab's word and that
    // Reconnect Node, from the palette, offers node-3 and no other node.
    await vscode.treeContextMenu('Cluster', 'node-3', 'Cut Node Off');
    await notification(vscode, 'node-3 is cut off the network: its kubelet and pods run on, unheard.');
    await vscode.screenshot('cut-off');
    await vscode.runCommand('KubeLab: Reconnect Node', true);
    const offered = await vscode.until('Reconnect Node to offer the cut-off nodes', async () => {
      const picker = vscode.page.locator('.quick-input-widget');
      const placeholder = await picker.locator('.quick-input-box input').getAttribute('placeholder');
      const labels = await picker.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
      return placeholder === 'Node to reconnect' && labels.length > 0 ? { labels: labels.map((l) => l.trim()) } : `picker "${placeholder ?? ''}": ${JSON.stringify(labels)}`;
    }, 15_000);
    assert.deepEqual(offered.labels, ['node-3']);
    await vscode.pickQuickPick('node-3');
    await notification(vscode, 'node-3 is back on the network: its kubelet catches up at its next retry');
    // Reconnected: no node is left to reconnect. (From the palette: right after the
    // reconnect the kubelet's catch-up redraws the tree, and a context-menu command run
    // while VS Code refetches the tree's rows is handed no row.)
    await vscode.runCommand('KubeLab: Reconnect Node');
    await notification(vscode, 'KubeLab: no node is cut off');
    await vscode.screenshot('reconnected');
  });
});

/** notification waits (a few seconds at most) for a toast whose text includes text. */
async function notification(vscode: VSCodeHarness, text: string): Promise<void> {
  await vscode.until(`a notification saying "${text}"`, async () => {
    const shown = await vscode.notifications();
    if (shown.some((n) => n.includes(text))) return {};
    const picker = vscode.page.locator('.quick-input-widget');
    const asking = await picker.isVisible() ? `; a picker asks "${await picker.locator('.quick-input-box input').getAttribute('placeholder') ?? ''}"` : '';
    return `notifications: ${JSON.stringify(shown)}${asking}`;
  }, 10_000);
}
