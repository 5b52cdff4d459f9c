// User story: with web.yaml applied, open the Store panel and look inside the lab's
// etcd-like store: the /registry keyspace with its counts and sizes, the web pods'
// keys (the same pods the Cluster tree shows), the Deployment's history across
// revisions with a diff, the keyspace as of the Deployment's creation (time travel,
// when no pod existed yet), then compact and defrag; all again in a light theme.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { VSCodeHarness } from './harness';

const POD = /^web-[a-z0-9]+-[a-z0-9]+$/;

/** rowNames are the names of the panel's tree rows directly under prefix. */
async function rowNames(panel: Frame, prefix: string): Promise<string[]> {
  return panel.locator('.tree .row').evaluateAll((rows, p) => rows
    .map((r) => (r as HTMLElement).dataset.path ?? '')
    .filter((path) => path.startsWith(p) && !path.slice(p.length).replace(/\/$/, '').includes('/') && path !== p)
    .map((path) => path.slice(p.length).replace(/\/$/, '')), prefix);
}

async function open(panel: Frame, path: string): Promise<void> {
  const row = panel.locator(`.tree .row[data-path="${path}"]`);
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

void test('the Store panel shows the keyspace, a key\'s history and diff, time travel, compaction, in dark and light themes', { timeout: 420_000 }, async () => {
  await VSCodeHarness.with({ name: 'storePanel' }, async (vscode) => {
    await vscode.setColorTheme('Dark Modern', 'vs-dark');
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.openViewContainer('KubeLab');
    // The lab's state as the Cluster tree shows it: the three web pods.
    const treePods = await vscode.until('the three web pods in the Cluster tree', async () => {
      const pods = (await vscode.treeRows('Cluster')).filter((r) => POD.test(r.label) && /^Running/.test(r.description)).map((r) => r.label).sort();
      return pods.length === 3 ? { pods } : `pods in the tree: ${JSON.stringify(pods)}`;
    });

    await vscode.runCommand('KubeLab: Open Store Panel');
    let panel = await vscode.webview('KubeLab: Store');
    await vscode.until('the store\'s figures and the keyspace\'s top level', async () => {
      const revision = Number(await panel.locator('dd[data-fact="revision"]').textContent().catch(() => '0'));
      const top = await rowNames(panel, '/registry/');
      return revision > 1 && top.includes('pods') && top.includes('deployments') ? {} : `revision ${revision}, top level ${JSON.stringify(top)}`;
    });
    const quota = await panel.locator('.quota-text').textContent();
    assert.match(quota ?? '', /^DB .+ \(.+ in use\) of 256 MiB quota · /);

    // The pods' keys are the pods the tree shows.
    await open(panel, '/registry/pods/');
    await open(panel, '/registry/pods/default/');
    const keys = await vscode.until('the web pods\' keys', async () => {
      const names = (await rowNames(panel, '/registry/pods/default/')).filter((n) => POD.test(n)).sort();
      return names.length === 3 ? { names } : `keys under /registry/pods/default/: ${JSON.stringify(names)}`;
    });
    assert.deepEqual(keys.names, treePods.pods);
    const folderMeta = await panel.locator('.tree .row[data-path="/registry/pods/default/"] .meta').textContent();
    assert.match(folderMeta ?? '', /^\d+ keys · [\d.]+ (B|KiB|MiB)$/);
    await vscode.screenshot('store-panel-dark');

    // The Deployment's history: created, then updated by its controller; a diff between two revisions.
    // kube-apiserver keys a built-in resource by its plural alone, whatever its group: /registry/deployments/.
    await open(panel, '/registry/deployments/');
    await open(panel, '/registry/deployments/default/');
    const webKey = { path: '/registry/deployments/default/web' };
    await panel.locator(`.tree .row[data-path="${webKey.path}"]`).click();
    const history = await vscode.until('the Deployment\'s history with a diff', async () => {
      const heading = await panel.locator('.detail h2').textContent().catch(() => '');
      const revisions = await panel.locator('.detail button.revision').allTextContents();
      const changed = await panel.locator('.diff-lines .add, .diff-lines .del').count();
      return heading === webKey.path && revisions.length >= 2 && changed > 0 ? { revisions } : `${heading}: ${revisions.length} revisions, ${changed} changed lines`;
    });
    assert.match(history.revisions[0], /^\d+ · v1 \(created\) · /);
    assert.match(await panel.locator('.detail pre.code').textContent() ?? '', /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n/);
    await vscode.screenshot('store-panel-history-dark');

    // Time travel to the Deployment's creation: no pod existed then.
    const created = Number(history.revisions[0].split(' ')[0]);
    await panel.locator('#revision').fill(String(created));
    await vscode.until('the keyspace as of the Deployment\'s creation', async () => {
      const banner = await panel.locator('.banner').textContent();
      const asOf = await panel.locator('.detail .as-of').textContent();
      const pods = (await rowNames(panel, '/registry/pods/default/')).filter((n) => POD.test(n));
      return banner?.startsWith(`Viewing revision ${created} — read-only.`) && asOf === `As of revision ${created}: written at revision ${created} (version 1).` && pods.length === 0
        ? {} : `banner ${banner}; ${asOf}; pods ${JSON.stringify(pods)}`;
    });
    await vscode.screenshot('store-panel-time-travel-dark');

    // The other panels follow: the Pods panel shows the same revision, read-only, with no web pod yet.
    await vscode.runCommand('KubeLab: Open Pods Panel');
    const pods = await vscode.webview('KubeLab: Pods');
    await vscode.until('the Pods panel at the same revision', async () => {
      const banner = (await pods.locator('.travel-banner').isVisible()) ? await pods.locator('.travel-banner .travel-text').textContent() : 'hidden';
      const chips = await pods.locator('.nodes .chip').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
      const web = chips.filter((c) => /web-/.test(c));
      return banner === `Viewing revision ${created} — read-only` && web.length === 0 ? {} : `banner ${banner}; web chips ${JSON.stringify(web)}`;
    });
    await vscode.screenshot('pods-panel-time-travel-dark');
    // Back to live from the Pods panel brings every panel back: the web pods return, the Store's banner goes.
    await pods.locator('.travel-banner #back-to-live').click();
    await vscode.until('the Pods panel live again with the web pods', async () => {
      const hidden = !(await pods.locator('.travel-banner').isVisible());
      const web = (await pods.locator('.nodes .chip').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))).filter((c) => /web-/.test(c));
      return hidden && web.length === 3 ? {} : `banner hidden ${hidden}; web chips ${web.length}`;
    });
    // Shown again, the Store panel's page may be a new frame (its state restored).
    await vscode.runCommand('KubeLab: Open Store Panel');
    panel = await vscode.webview('KubeLab: Store');
    await vscode.until('the store live again', async () => ((await panel.locator('.banner').isVisible()) ? 'banner still shown' : {}));

    // Compact to the current revision, then defrag.
    await panel.locator('#compact').click();
    const compacted = await vscode.until('the compaction', async () => {
      const text = await panel.locator('.notice').textContent();
      const m = /^Compacted the store's history up to revision (\d+)\.$/.exec(text ?? '');
      return m ? { revision: m[1] } : `notice: ${text}`;
    });
    await vscode.until('the compacted revision in the figures', async () => {
      const shown = await panel.locator('dd[data-fact="compacted"]').textContent();
      return Number(shown) >= Number(compacted.revision) ? {} : `compacted ${shown}`;
    });
    await panel.locator('#defrag').click();
    await vscode.until('the defrag', async () => {
      const text = await panel.locator('.notice').textContent();
      return /^Defragmented the store: .+ → .+\.$/.test(text ?? '') ? {} : `notice: ${text}`;
    });

    await vscode.setColorTheme('Light Modern', 'vs');
    await vscode.until('the panel to follow the theme', async () => {
      const cls = await panel.locator('body').getAttribute('class');
      return /vscode-light/.test(cls ?? '') ? {} : `body class ${cls}`;
    });
    await vscode.screenshot('store-panel-light');
    await vscode.highContrastScreenshots(panel, 'store-panel');
  });
});
