// User story: with the lab running, typing a mistake into a Deployment shows the API
// server's answer as a diagnostic on the very key that is wrong; the quick fix repairs
// it; and a ResourceQuota applied in the lab turns a Pod that was fine into an error,
// without the Pod's file being touched.
//
// Everything is read from the rendered workbench (the Problems panel, the hover, the
// editor's lines), through the packaged extension in a real VS Code.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VSCodeHarness } from './harness';

/** A Problems panel row: the marker's message, its source and where it starts. */
interface Marker {
  message: string;
  source: string;
  line: number;
  column: number;
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: quota-demo
spec:
  containers:
    - name: app
      image: busybox
      command: ["sleep", "3600"]
`;

const QUOTA = `apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard:
    limits.cpu: "2"
    limits.memory: 2Gi
`;

/** problemRows is the Problems panel as rendered, for failure messages. */
async function problemRows(vscode: VSCodeHarness): Promise<string> {
  return JSON.stringify(await vscode.page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? '')));
}

/** markers reads the Problems panel's marker rows for one file (the panel lists every file's). */
async function markers(vscode: VSCodeHarness, file: string): Promise<Marker[]> {
  // No named functions inside: the page runs this source as it is, without tsx's helpers.
  const rows = await vscode.page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((el) => ({
    level: el.getAttribute('aria-level') ?? '',
    name: (el.querySelector('.label-name')?.textContent ?? '').trim(),
    message: (el.querySelector('.marker-message')?.textContent ?? '').trim(),
    source: (el.querySelector('.marker-source')?.textContent ?? '').trim(),
    line: (el.querySelector('.marker-line')?.textContent ?? '').trim(),
  })));
  const out: Marker[] = [];
  let inFile = false;
  for (const row of rows) {
    if (row.level === '1') inFile = row.name === file;
    const at = /\[Ln (\d+), Col (\d+)\]/.exec(row.line);
    if (inFile && at && row.source.startsWith('KubeLab')) out.push({ message: row.message, source: row.source, line: Number(at[1]), column: Number(at[2]) });
  }
  return out;
}

async function showProblems(vscode: VSCodeHarness): Promise<void> {
  if (await vscode.page.locator('.markers-panel').isVisible().catch(() => false)) return;
  await vscode.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  await vscode.page.locator('.markers-panel').waitFor({ timeout: 10_000 });
}

/** goTo puts the cursor at line:column through Quick Open's `:line:column`. */
async function goTo(vscode: VSCodeHarness, line: number, column: number): Promise<void> {
  const input = vscode.page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 0; attempt < 5 && !(await input.isVisible().catch(() => false)); attempt++) {
    await vscode.page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 2_000 }).catch(() => undefined);
  }
  await input.fill(`:${line}:${column}`);
  await vscode.page.locator('.quick-input-widget', { hasText: `line ${line}` }).waitFor({ timeout: 5_000 });
  await vscode.page.keyboard.press('Enter');
  await vscode.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });
}

/** editorLine is the text of a line of the active editor as rendered. */
async function editorLine(vscode: VSCodeHarness, line: number): Promise<string> {
  const lines = await vscode.page.locator('.editor-instance .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els.map((el) => ({ top: Number.parseFloat((el as HTMLElement).style.top || '0'), text: (el.textContent ?? '').replace(/\u00a0/g, ' ') })).sort((a, b) => a.top - b.top).map((l) => l.text));
  return lines[line - 1] ?? '';
}

void test('diagnostics as you type: the API server\'s answer on the key, its quick fix, and a quota that turns a pod into an error', { timeout: 300_000 }, async () => {
  await VSCodeHarness.with({ name: 'diagnostics' }, async (vscode) => {
    writeFileSync(join(vscode.workspace, 'pod.yaml'), POD);
    writeFileSync(join(vscode.workspace, 'quota.yaml'), QUOTA);

    // With the lab stopped there is only a hint, which the Problems panel does not list.
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Start Lab');
    await vscode.until('the lab to run', async () => {
      const texts = await vscode.statusBarTexts();
      return texts.some((t) => /KubeLab.*running/.test(t)) ? { texts } : `status bar: ${JSON.stringify(texts)}`;
    }, 90_000);
    await showProblems(vscode);
    await vscode.screenshot('web-yaml-clean');

    // Type a mistake: `replicas` becomes `replicaz` (line 8 is `  replicas: 3`).
    await vscode.openFile('web.yaml');
    await goTo(vscode, 8, 10);
    await vscode.page.keyboard.press('Delete');
    await vscode.page.keyboard.type('z');
    const [unknown] = await vscode.until<Marker[]>('the unknown field diagnostic', async () => {
      const found = await markers(vscode, 'web.yaml');
      return found.length ? found : `no KubeLab problems for web.yaml yet: ${await problemRows(vscode)}`;
    }, 60_000);
    await vscode.screenshot('unknown-field');
    assert.deepEqual(unknown, { message: 'unknown field "spec.replicaz"', source: 'KubeLab · field validation', line: 8, column: 3 });

    // The squiggle covers exactly the key, and hovering it shows the server's words.
    const squiggle = await vscode.page.locator('.editor-instance .monaco-editor .squiggly-error').first().boundingBox();
    const key = await vscode.page.locator('.editor-instance .monaco-editor .view-lines span span', { hasText: /^replicaz$/ }).first().boundingBox();
    assert.ok(squiggle && key, 'the squiggle and the key are drawn');
    assert.ok(Math.abs(squiggle.x - key.x) < 2 && Math.abs(squiggle.width - key.width) < 2, `squiggle ${JSON.stringify(squiggle)} covers the key ${JSON.stringify(key)}`);
    await vscode.page.mouse.move(squiggle.x + squiggle.width / 2, key.y + key.height / 2);
    const hover = vscode.page.locator('.monaco-hover .marker.hover-contents, .monaco-hover-content .hover-row.status-bar, .monaco-hover-content');
    await vscode.until('the hover with the diagnostic', async () => {
      const texts = await hover.allInnerTexts();
      return texts.some((t) => t.includes('unknown field "spec.replicaz"')) ? { texts } : `hover: ${JSON.stringify(texts)}`;
    }, 20_000);
    await vscode.screenshot('hover');
    await vscode.page.keyboard.press('Escape');

    // The quick fix renames the key to the schema's closest property.
    await goTo(vscode, 8, 5);
    await vscode.page.keyboard.press('Control+.');
    const fix = vscode.page.locator('.action-widget .action-item, .context-view .monaco-list-row', { hasText: 'Did you mean "replicas"?' }).first();
    await fix.waitFor({ timeout: 15_000 });
    await vscode.screenshot('quick-fix-menu');
    await fix.click();
    await vscode.until('the fix to be applied', async () => {
      const line = await editorLine(vscode, 8);
      return line.trim() === 'replicas: 3' ? { line } : `line 8: ${JSON.stringify(line)}`;
    }, 15_000);
    await vscode.until('web.yaml to have no problems', async () => {
      const found = await markers(vscode, 'web.yaml');
      return found.length ? `still: ${JSON.stringify(found)}` : { found };
    }, 30_000);
    await vscode.screenshot('fixed');

    // A pod the API server admits (KubeLab's own check only warns that its image has no tag)…
    await vscode.openFile('pod.yaml');
    const imageWarning: Marker = {
      message: 'image "busybox" has no tag, so it means :latest: each node pulls whatever that is on the day, and imagePullPolicy defaults to Always. Pin a version such as busybox:1.36.',
      source: 'KubeLab · image', line: 8, column: 14,
    };
    await vscode.until('the pod to be checked', async () => {
      const found = await markers(vscode, 'pod.yaml');
      return found.length ? found : `no KubeLab problems for pod.yaml yet: ${await problemRows(vscode)}`;
    }, 60_000);
    assert.deepEqual(await markers(vscode, 'pod.yaml'), [imageWarning], 'the pod is admitted before the quota');

    // …until a ResourceQuota that requires limits is applied in the lab: the pod's file is untouched, yet it is an error now.
    await vscode.openFile('quota.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.openFile('pod.yaml');
    const quota: Marker = {
      message: 'pods "quota-demo" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app',
      source: 'KubeLab · ResourceQuota', line: 7, column: 13,
    };
    await vscode.until('the quota to turn the pod into an error', async () => {
      const found = await markers(vscode, 'pod.yaml');
      return found.some((m) => m.source === quota.source) ? found : `no quota error for pod.yaml yet: ${await problemRows(vscode)}`;
    }, 60_000);
    await vscode.screenshot('quota-error');
    assert.deepEqual(await markers(vscode, 'pod.yaml'), [quota, imageWarning]);

    // Its quick fix adds the limits the quota requires, and the pod is admitted again.
    await goTo(vscode, 7, 14);
    await vscode.page.keyboard.press('Control+.');
    const limits = vscode.page.locator('.action-widget .action-item, .context-view .monaco-list-row', { hasText: 'Add limits.cpu, limits.memory to container "app"' }).first();
    await limits.waitFor({ timeout: 15_000 });
    await limits.click();
    await vscode.until('the quota error to go', async () => {
      const found = await markers(vscode, 'pod.yaml');
      return found.some((m) => m.source === quota.source) ? `still: ${JSON.stringify(found)}` : { found };
    }, 30_000);
    assert.equal((await editorLine(vscode, 12)).trim(), 'cpu: 500m');

    // And the image is pinned by its own quick fix.
    await goTo(vscode, 8, 15);
    await vscode.page.keyboard.press('Control+.');
    const pin = vscode.page.locator('.action-widget .action-item, .context-view .monaco-list-row', { hasText: 'Pin the image to busybox:1.36' }).first();
    await pin.waitFor({ timeout: 15_000 });
    await pin.click();
    await vscode.until('pod.yaml to have no problems', async () => {
      const found = await markers(vscode, 'pod.yaml');
      return found.length ? `still: ${JSON.stringify(found)}` : { found };
    }, 30_000);
    assert.equal((await editorLine(vscode, 8)).trim(), 'image: busybox:1.36');
    await vscode.screenshot('pod-fixed');
  });
});
