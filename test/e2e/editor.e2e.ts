// User story: write a Deployment with the schema's help — completion offers `replicas`
// inside its spec, hovering a field explains it — apply it from the CodeLens above the
// document and see it in the Cluster tree, dry-run it, diff it with the live object and
// delete it; then apply a whole folder of manifests from the explorer's context menu, as
// `kubectl apply -R -f manifests`.
//
// Everything is driven and read through the workbench, as a user would.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VSCodeHarness, type TreeRow } from './harness';

/** The Deployment being written; line 6 (1-based) is an indented blank line to type on. */
const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: editor-web',
  'spec:',
  '  ',
  '  selector:',
  '    matchLabels:',
  '      app: editor-web',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: editor-web',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '',
].join('\n');

/** A folder as `kubectl apply -R -f` reads it: the namespace sorts first, the README is not a manifest. */
const FOLDER: Record<string, string> = {
  '00-namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: folder-demo\n',
  'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: folder-config\n  namespace: folder-demo\ndata:\n  greeting: hello\n',
  'app/web.json': JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'folder-web', namespace: 'folder-demo' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'folder-web' } }, template: { metadata: { labels: { app: 'folder-web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
  }, null, 2),
  'README.md': '# not a manifest\n',
};

function summary(rows: TreeRow[]): string {
  return JSON.stringify(rows.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.label}${r.description ? ` (${r.description})` : ''}`));
}

/** notification waits for a toast whose text matches. */
async function notification(h: VSCodeHarness, what: RegExp, timeoutMs = 60_000): Promise<string> {
  const found = await h.until<{ text: string }>(`a notification matching ${what}`, async () => {
    const texts = await h.page.locator('.notification-list-item-message').allInnerTexts();
    const text = texts.find((t) => what.test(t));
    return text ? { text } : `notifications: ${JSON.stringify(texts)}`;
  }, timeoutMs);
  return found.text;
}

/** goToLine moves the cursor to the end of a 1-based line of the active editor. */
async function goToLineEnd(h: VSCodeHarness, line: number): Promise<void> {
  await h.page.keyboard.press('Control+G');
  const input = h.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}`);
  await h.page.keyboard.press('Enter');
  await h.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await h.page.keyboard.press('End');
}

/** editorLines is the active editor's text as rendered (the file is short enough to be all in view). */
async function editorLines(h: VSCodeHarness): Promise<string[]> {
  const lines = await h.page.locator('.editor-instance .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els.map((e) => ({ top: Number.parseFloat((e as HTMLElement).style.top || '0'), text: (e.textContent ?? '').replace(/\u00a0/g, ' ') })),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
}

async function treeRow(h: VSCodeHarness, label: string): Promise<TreeRow> {
  return h.until<TreeRow>(`"${label}" in the Cluster tree`, async () => {
    const rows = await h.treeRows('Cluster');
    return rows.find((r) => r.label === label) ?? `rows: ${summary(rows)}`;
  });
}

void test('complete, hover, the CodeLenses, and apply a folder from the explorer', { timeout: 400_000 }, async () => {
  await VSCodeHarness.with({ name: 'editor' }, async (h) => {
    writeFileSync(join(h.workspace, 'editor-web.yaml'), DEPLOYMENT);
    for (const [name, text] of Object.entries(FOLDER)) {
      mkdirSync(join(h.workspace, 'manifests', name, '..'), { recursive: true });
      writeFileSync(join(h.workspace, 'manifests', name), text);
    }
    await h.openFile('editor-web.yaml');

    // Completion inside the Deployment's spec offers replicas, and accepting it writes `replicas: `.
    await goToLineEnd(h, 6);
    await h.page.keyboard.type('rep');
    await h.page.keyboard.press('Control+Space');
    const replicas = h.page.locator('.suggest-widget .monaco-list-row', { has: h.page.locator('.label-name', { hasText: /^replicas$/ }) });
    await replicas.first().waitFor({ timeout: 30_000 });
    await h.screenshot('completion-replicas');
    await h.page.keyboard.press('Enter');
    await h.page.keyboard.type('1');
    await h.until<{ ok: true }>('the completed line', async () => {
      const lines = await editorLines(h);
      return lines[5] === '  replicas: 1' ? { ok: true } : `line 6 is ${JSON.stringify(lines[5])}`;
    }, 10_000);

    // Hovering a field shows its type and upstream's description.
    await goToLineEnd(h, 7);
    await h.page.keyboard.press('Control+K');
    await h.page.keyboard.press('Control+I');
    const hover = await h.until<{ text: string }>('the hover over selector', async () => {
      const texts = await h.page.locator('.monaco-hover:visible').allInnerTexts();
      const text = texts.find((t) => t.includes('Label selector for pods'));
      return text ? { text } : `hovers: ${JSON.stringify(texts)}`;
    }, 30_000);
    assert.match(hover.text, /selector\s*LabelSelector/);
    assert.match(hover.text, /Deployment\.spec\.selector/);
    await h.screenshot('hover-selector');
    await h.page.keyboard.press('Escape');

    // The CodeLens over the document applies it (unsaved text included); the tree shows it.
    const lens = h.page.locator('.editor-instance .codelens-decoration a', { hasText: /^Apply$/ });
    await lens.first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await h.page.locator('.editor-instance .codelens-decoration a').allInnerTexts(), ['Apply', 'Dry-run', 'Diff with live', 'Delete']);
    await h.screenshot('codelens');
    await lens.first().click();
    await notification(h, /deployment\.apps\/editor-web created/);
    await h.openViewContainer('KubeLab');
    const deployed = await treeRow(h, 'editor-web');
    assert.match(deployed.description, /\/1 ready$/);
    await h.screenshot('codelens-applied');

    // Dry-run shows the server's defaulted object read-only; Diff compares the live object with it.
    await h.page.locator('.editor-instance .codelens-decoration a', { hasText: /^Dry-run$/ }).first().click();
    await h.page.locator('.tabs-container .tab.active[aria-label^="editor-web (dry run).yaml"]').waitFor({ timeout: 30_000 });
    await h.until<{ ok: true }>('the defaulted pull policy in the dry run', async () => {
      const lines = await editorLines(h);
      return lines.some((l) => l.trim() === 'imagePullPolicy: IfNotPresent') ? { ok: true } : `dry run shows ${JSON.stringify(lines.slice(0, 8))}`;
    }, 10_000);
    await h.screenshot('dry-run');
    await h.page.locator('.editor-instance .codelens-decoration a', { hasText: /^Diff with live$/ }).first().click();
    await h.page.locator('.tabs-container .tab.active[aria-label^="deployment.apps/editor-web: live ↔ editor-web.yaml"]').waitFor({ timeout: 30_000 });
    await h.screenshot('diff-with-live');

    // Delete asks first, then the Deployment leaves the tree.
    await h.openFile('editor-web.yaml');
    await h.page.locator('.editor-instance .codelens-decoration a', { hasText: /^Delete$/ }).first().click();
    const confirm = h.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Delete$/ });
    await confirm.waitFor({ timeout: 10_000 });
    assert.match(await h.page.locator('.monaco-dialog-box').innerText(), /Delete deployment\.apps\/editor-web from the lab\?/);
    await confirm.click();
    await notification(h, /deployment\.apps "editor-web" deleted/);
    await h.until<{ ok: true }>('editor-web to leave the tree', async () => {
      const rows = await h.treeRows('Cluster');
      return rows.some((r) => r.label === 'editor-web') ? `rows: ${summary(rows)}` : { ok: true };
    });

    // Apply on a folder from the explorer's context menu applies every manifest in it, recursively.
    await h.openViewContainer('Explorer');
    const folder = h.page.locator('.explorer-folders-view .monaco-list-row', { has: h.page.locator('.label-name', { hasText: /^manifests$/ }) });
    await folder.first().waitFor({ timeout: 30_000 });
    await folder.first().click({ button: 'right' });
    const item = h.page.locator('.context-view .action-label', { hasText: /^KubeLab: Apply$/ });
    await item.first().waitFor({ timeout: 10_000 });
    await h.screenshot('explorer-context-menu');
    await item.first().click();
    const applied = await notification(h, /applied \d+ objects from manifests/);
    assert.match(applied, /applied 3 objects from manifests: 3 created, 0 configured, 0 unchanged$/);
    await h.openViewContainer('KubeLab');
    await treeRow(h, 'folder-web');
    await h.screenshot('folder-applied');
  });
});
