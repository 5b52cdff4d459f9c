// User story: with web.yaml applied, open the Pods panel and see the cluster as the
// seeds draw it — nodes as cards with their requests against allocatable, the web
// Deployment's pods as chips on them — select a pod for its conditions, events and
// log, and read it all again in a light theme.
//
// The panel's content is checked against the lab's state as the tree shows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VSCodeHarness } from './harness';

void test('the Pods panel draws nodes and the web pods, and details the selected pod, in dark and light themes', { timeout: 420_000 }, async () => {
  await VSCodeHarness.with({ name: 'panels' }, async (vscode) => {
    await vscode.setColorTheme('Dark Modern', 'vs-dark');
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.runCommand('KubeLab: Open Pods Panel');
    const panel = await vscode.webview('KubeLab: Pods');

    // The editor's lab is kubeadm-shaped: a control-plane node (its static pods) and three workers.
    const drawn = await vscode.until('four node cards with the three web pods running on the workers', async () => {
      const cards = await panel.locator('article.node:not(.unscheduled)').count();
      const chips = await panel.locator('.group[data-owner="Deployment/web"] .chip.running').count();
      return cards === 4 && chips === 3 ? { cards, chips } : `${cards} node cards, ${chips} running web chips`;
    });
    assert.deepEqual(drawn, { cards: 4, chips: 3 });
    assert.equal(await panel.locator('article.node[data-node="control-plane"] .group[data-owner="Node/control-plane"] .chip').count(), 4, 'the control plane\'s four static pods');
    // Each node's CPU bar counts its pods' requests against its allocatable CPU: the web pod's 100m, and
    // the 100m of a CoreDNS pod where one runs (kube-system's ReplicaSet groups it on the card).
    for (const node of ['node-1', 'node-2', 'node-3']) {
      const card = panel.locator(`article.node[data-node="${node}"]`);
      const web = await card.locator('.group[data-owner="Deployment/web"] .chip').count();
      const dns = await card.locator('.group[data-owner="Deployment/coredns"] .chip').count();
      const cpu = await card.locator('.bar').first().getAttribute('aria-valuetext');
      assert.match(cpu ?? '', new RegExp(`^${(web + dns) * 100 || 0}m? / 4$`), `${node}: ${cpu} with ${web} web and ${dns} CoreDNS pods`);
    }
    const summary = await panel.locator('.summary').textContent();
    assert.match(summary ?? '', /^4 nodes · \d+ pods \(.*\d+ Running/);
    await vscode.screenshot('pods-panel-dark');

    // Selecting a chip shows its conditions timeline and events.
    const chip = panel.locator('.group[data-owner="Deployment/web"] .chip').first();
    const label = (await chip.getAttribute('aria-label')) ?? '';
    const podName = label.split(' · ')[0];
    await chip.click();
    await vscode.until('the selected pod\'s detail', async () => {
      const heading = await panel.locator('.detail h2').textContent().catch(() => '');
      const timeline = await panel.locator('.detail .timeline').textContent().catch(() => '');
      const events = await panel.locator('.detail .events').textContent().catch(() => '');
      return heading === podName && /Ready=True/.test(timeline ?? '') && /Scheduled/.test(events ?? '') ? {} : `detail: ${heading} | ${timeline} | ${events}`;
    });
    await vscode.screenshot('pods-panel-selected-dark');

    // The label filter hides what does not match.
    await panel.locator('#labels input').fill('app=nothing');
    await vscode.until('the label filter to hide the web pods', async () => {
      const visible = await panel.locator('.nodes .chip:visible').count();
      return visible === 0 ? {} : `${visible} chips visible`;
    });
    await panel.locator('#labels input').fill('');

    await vscode.setColorTheme('Light Modern', 'vs');
    await vscode.until('the panel to follow the theme', async () => {
      // The body's class is the theme kind VS Code gives every webview.
      const cls = await panel.locator('body').getAttribute('class');
      return /vscode-light/.test(cls ?? '') ? {} : `body class ${cls}`;
    });
    await vscode.screenshot('pods-panel-light');
    await vscode.highContrastScreenshots(panel, 'pods-panel');
  });
});
