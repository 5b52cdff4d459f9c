// User story: with web.yaml applied and a pod too big for any node, open the Scheduler
// panel and see the scheduler the way the seeds draw it — the pod waiting in the
// unschedulable queue, the filter table with Insufficient cpu on every worker and one
// sentence saying why it is pending; a web pod's score table with the winner; then
// change a plugin's weight, which the panel writes into kube-scheduler-config; all
// again in a light theme.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VSCodeHarness } from './harness';

const HUGE = `apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests:
          cpu: "64"
`;

void test('the Scheduler panel explains a pending pod and a scheduled one, and edits a weight, in dark and light themes', { timeout: 420_000 }, async () => {
  await VSCodeHarness.with({ name: 'schedulerPanel' }, async (vscode) => {
    writeFileSync(join(vscode.workspace, 'huge.yaml'), HUGE);
    await vscode.setColorTheme('Dark Modern', 'vs-dark');
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.openFile('huge.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.runCommand('KubeLab: Open Scheduler Panel');
    const panel = await vscode.webview('KubeLab: Scheduler');

    // The pod waits in the unschedulable queue with the scheduler's FitError.
    const queued = panel.locator('.queue-group.unschedulable li.pod[data-name="huge"]');
    await vscode.until('huge in the unschedulable queue', async () => ((await queued.count()) === 1 ? {} : `${await panel.locator('.queue').textContent()}`));
    assert.match((await queued.locator('.reason').textContent()) ?? '', /^0\/\d+ nodes are available: .*\d+ Insufficient cpu/);

    // Selected, it shows the filter table and the one-sentence answer.
    await queued.click();
    const detail = await vscode.until('huge\'s decision', async () => {
      const heading = await panel.locator('.detail h2').textContent().catch(() => '');
      const rows = await panel.locator('.detail .filter tbody tr:not(.absent)').count();
      return heading === 'default/huge' && rows > 0 ? { rows } : `detail ${heading}, ${rows} rows`;
    });
    const why = (await panel.locator('.detail .why').textContent()) ?? '';
    assert.match(why, /^None of the \d+ nodes can run it: (all \d+ are|\d+ are|\d+ is) short of CPU \(the pod requests 64 CPU\)/);
    const header = await panel.locator('.detail .filter thead th .plugin').allTextContents();
    const fit = header.indexOf('NodeResourcesFit');
    assert.ok(fit >= 0, header.join(', '));
    assert.match((await panel.locator('.detail .filter thead th').nth(fit + 1).textContent()) ?? '', /PodFitsResources/);
    // Every worker is rejected by NodeResourcesFit (✗ Insufficient cpu), after the filters before it passed (✓).
    const workers = panel.locator('.detail .filter tbody tr', { has: panel.locator('th', { hasText: /^node-\d+$/ }) });
    const workerCount = await workers.count();
    assert.ok(workerCount >= 3 && workerCount <= detail.rows);
    for (let i = 0; i < workerCount; i++) {
      const cells = workers.nth(i).locator('td');
      assert.match((await cells.nth(fit).textContent()) ?? '', /^✗ Insufficient cpu$/);
      for (let j = 0; j < fit; j++) assert.equal(await cells.nth(j).textContent(), '✓');
    }
    await vscode.screenshot('scheduler-panel-pending-dark');

    // A web pod, recently scheduled: its score table with the chosen node first and highlighted.
    const web = panel.locator('.queue-group.recent li.pod', { hasText: /^default\/web-/ }).first();
    await web.waitFor({ timeout: 60_000 });
    await web.click();
    await vscode.until('a web pod\'s score table', async () => {
      const why2 = (await panel.locator('.detail .why').textContent()) ?? '';
      const winner = await panel.locator('.detail .score tr.winner').count();
      return /^It was scheduled to node-\d+, /.test(why2) && winner === 1 ? {} : `${why2} / ${winner} winner rows`;
    });
    const total = Number(await panel.locator('.detail .score tr.winner td.total').textContent());
    const others = (await panel.locator('.detail .score tbody tr:not(.winner) td.total').allTextContents()).map(Number);
    assert.ok(others.every((t) => t <= total), `winner ${total}, others ${others.join(', ')}`);
    await vscode.screenshot('scheduler-panel-scores-dark');

    // Changing a weight writes kube-scheduler-config; the panel reads it back from the ConfigMap.
    const field = panel.locator('tr[data-plugin="ImageLocality"] .weight-field input');
    await field.fill('5');
    await field.press('Enter');
    await vscode.until('the new weight in kube-scheduler-config', async () => {
      const notice = (await panel.locator('.notice').textContent()) ?? '';
      const yaml = (await panel.locator('.profile pre.yaml').textContent().catch(() => '')) ?? '';
      return /ImageLocality weighs 5 in profile default-scheduler/.test(notice) && /name: ImageLocality\n\s+weight: 5/.test(yaml) ? {} : `${notice} | ${yaml}`;
    });
    await vscode.screenshot('scheduler-panel-profile-dark');

    await vscode.setColorTheme('Light Modern', 'vs');
    await vscode.until('the panel to follow the theme', async () => {
      const cls = await panel.locator('body').getAttribute('class');
      return /vscode-light/.test(cls ?? '') ? {} : `body class ${cls}`;
    });
    await queued.click();
    await vscode.until('huge again', async () => ((await panel.locator('.detail h2').textContent()) === 'default/huge' ? {} : 'not yet'));
    await vscode.screenshot('scheduler-panel-light');
    await vscode.highContrastScreenshots(panel, 'scheduler-panel');
  });
});
