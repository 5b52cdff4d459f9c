// The Request flow panel's Monaco editor in Debian's Chromium, without VS Code: the
// page panelHtml writes for the panel (its CSP as a <meta>, scripts and styles by
// nonce), dist/webview's bundles served from another origin than the page's, as a
// webview's resources are, and a stand-in acquireVsCodeApi. Monaco must render
// under that CSP with its workers, complete a kind from the schema the snapshot
// carries, mark a field the schema does not know, explain a field on hover, follow
// the body's theme class, and send on Ctrl+Enter — and the page must report no CSP
// violation. Needs `node scripts/build.mjs` (the e2e run packages, which builds).
import assert from 'node:assert/strict';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { flowSchema } from '../../extension/src/host/panels/flowSchema';
import { panelHtml } from '../../extension/src/host/panels/panelHtml';
import { repoRoot } from './harness';

const WEBVIEW = join(repoRoot(), 'dist', 'webview');
/** RESULTS holds screenshots of what the test saw (git-ignored). */
const RESULTS = join(repoRoot(), 'test-results', 'flowMonaco');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY=';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/**
 * STUB runs before the panel's bundle, by the page's nonce: acquireVsCodeApi's
 * stand-in (it keeps what the page posts and saves), VS Code's dark theme class
 * and editor font variable, and a record of every CSP violation.
 */
const STUB = `
window.kubelabTest = { posted: [], state: undefined, violations: [] };
document.addEventListener('securitypolicyviolation', function (e) {
  window.kubelabTest.violations.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
window.acquireVsCodeApi = function () {
  return {
    postMessage: function (m) { window.kubelabTest.posted.push(m); },
    getState: function () { return window.kubelabTest.state; },
    setState: function (s) { window.kubelabTest.state = s; },
  };
};
document.body.className = 'vscode-dark';
document.documentElement.style.setProperty('--vscode-editor-font-family', 'monospace');
document.documentElement.style.setProperty('--vscode-editor-font-size', '14px');
document.documentElement.style.setProperty('--vscode-editor-background', '#1f1f1f');
`;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** resources serves dist/webview as a webview's resource origin does (any origin may fetch), less the files in missing. */
function resources(missing: readonly string[]): Server {
  return createServer((req, res) => {
    const path = normalize(join(WEBVIEW, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(WEBVIEW + sep) || !existsSync(path) || !statSync(path).isFile() || missing.some((m) => path.endsWith(`${sep}${m}`))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Access-Control-Allow-Origin': '*' });
    createReadStream(path).pipe(res);
  });
}

/** Panel is the Request flow panel's page open in Chromium, and what it logged as errors and warnings. */
interface Panel {
  page: Page;
  logged: string[];
}

/**
 * withPanel opens the panel's page, as panelHtml writes it for the flow panel,
 * from one origin, with its files from another; missing files answer 404.
 */
async function withPanel(missing: readonly string[], body: (panel: Panel) => Promise<void>): Promise<void> {
  assert.ok(existsSync(join(WEBVIEW, 'flow.js')) && existsSync(join(WEBVIEW, 'yaml.worker.js')), 'build first: node scripts/build.mjs');
  const files = resources(missing);
  const resourceOrigin = await listen(files);
  const html = panelHtml({
    title: 'KubeLab: Request Flow',
    cspSource: resourceOrigin,
    script: `${resourceOrigin}/flow.js`,
    styles: [`${resourceOrigin}/codicons/codicon.css`, `${resourceOrigin}/flow.css`],
    workers: true,
    styleAttributes: true,
  }, NONCE).replace(`<script nonce="${NONCE}"`, `<script nonce="${NONCE}">${STUB}</script>\n    <script nonce="${NONCE}"`);
  const pages = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
  const pageOrigin = await listen(pages);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const logged: string[] = [];
    page.on('pageerror', (e) => logged.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') logged.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(pageOrigin);
    await body({ page, logged });
  } finally {
    await browser.close();
    files.close();
    pages.close();
  }
}

async function until<T>({ page, logged }: Panel, what: string, expression: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await page.evaluate(expression);
    if (last) return last as T;
    await new Promise((r) => setTimeout(r, 100));
  }
  const violations = await page.evaluate('kubelabTest.violations');
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)}; CSP violations: ${JSON.stringify(violations)}; console: ${JSON.stringify(logged)})`);
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
`;

void test('the Request flow panel\'s Monaco editor completes, validates and explains manifests under the panel\'s CSP, in VS Code\'s theme', { timeout: 120_000 }, async () => {
  await withPanel([], async (panel) => {
    const { page, logged } = panel;
      // Monaco replaces the plain editor, its lines laid out one under the other (style attributes allowed).
      await until(panel, 'Monaco to render the manifest', `document.querySelectorAll('#manifest.monaco .view-line').length > 10`);
      const tops = await page.evaluate<number[]>(`[...document.querySelectorAll('#manifest .view-line')].map((l) => l.getBoundingClientRect().top)`);
      assert.equal(new Set(tops).size, tops.length, `view lines overlap: ${JSON.stringify(tops)}`);
      assert.deepEqual(await page.evaluate(`kubelabTest.violations`), [], 'Monaco starts within the CSP');
      assert.equal(await page.evaluate(`document.querySelector('#manifest .monaco-editor').classList.contains('vs-dark')`), true);
      assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('#manifest .monaco-editor-background')).backgroundColor`), 'rgb(31, 31, 31)');

      await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: { type: 'snapshot', state: 'running', cluster: 'lab', schema: ${JSON.stringify(flowSchema())}, reactions: [] } }))`);

      // Typing a kind offers the schema's kinds.
      await page.evaluate(`kubelabFlow.editor().setValue('apiVersion: apps/v1\\n')`);
      await page.click('#manifest .view-lines');
      await page.keyboard.press('Control+End');
      await page.keyboard.type('kind: Deploym');
      const suggestions = await until<string[]>(panel, 'completion of kind: Deploym', `(() => {
        const rows = [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')].map((r) => r.getAttribute('aria-label') || r.textContent);
        return rows.length ? rows : undefined;
      })()`);
      assert.ok(suggestions.some((s) => s.startsWith('Deployment')), `suggestions: ${JSON.stringify(suggestions)}`);
      await page.screenshot({ path: join(RESULTS, 'completion.png') });
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(`kubelabFlow.editor().getValue()`), 'apiVersion: apps/v1\nkind: Deployment');
      assert.equal(await page.evaluate(`kubelabTest.state.text`), 'apiVersion: apps/v1\nkind: Deployment', 'the text is saved as it changes');

      // A field the schema does not know gets a marker, with the language server's message.
      await page.evaluate(`kubelabFlow.editor().setValue(${JSON.stringify(DEPLOYMENT)})`);
      const squiggles = await until<string>(panel, 'a problem marker', `[...document.querySelectorAll('#manifest [class*=squiggly]')].map((e) => e.className).join()`);
      // yaml-language-server reports a property the schema does not allow as a warning.
      assert.match(squiggles, /squiggly-warning/);
      await page.click('#manifest .view-lines');
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('F8');
      const problem = await until<string>(panel, 'the marker widget', `document.querySelector('.marker-widget .descriptioncontainer')?.textContent`);
      assert.match(problem, /Property replica is not allowed\./);
      await page.keyboard.press('Escape');
      // The marker widget's zone pushes the lines below it down until it closes.
      await until(panel, 'the marker widget to close', `!document.querySelector('.marker-widget')?.offsetHeight`);

      // Hovering a field shows its description from the schema. The mouse rested on
      // the text when it clicked: that hover goes first, or it could cover the key.
      await page.mouse.move(1300, 850);
      await page.keyboard.press('Escape');
      await until(panel, 'no hover', `!document.querySelector('.monaco-hover:not(.hidden)')`);
      // Where the key is once Monaco has drawn two frames with the same layout.
      const selector = await until<{ x: number; y: number }>(panel, 'the selector key', `new Promise((resolve) => {
        const at = () => {
          const span = [...document.querySelectorAll('#manifest .view-line span span')].find((s) => s.textContent === 'selector');
          const r = span?.getBoundingClientRect();
          return r && { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        };
        const first = at();
        requestAnimationFrame(() => requestAnimationFrame(() => {
          const second = at();
          resolve(first && second && first.y === second.y ? second : undefined);
        }));
      })`);
      await page.mouse.move(selector.x, selector.y);
      const hover = await until<string>(panel, 'the hover on selector', `(() => {
        const text = [...document.querySelectorAll('.monaco-hover:not(.hidden)')].map((h) => h.textContent.trim()).join(' / ');
        return text.includes('label selector') ? text : undefined;
      })()`);
      assert.match(hover, /A label selector is a label query over a set of resources\./, JSON.stringify(hover));
      await page.screenshot({ path: join(RESULTS, 'hover.png') });

      // Ctrl+Enter sends the editor's text.
      await page.click('#manifest .view-lines');
      await page.keyboard.press('Control+Enter');
      const sent = await page.evaluate<{ text: string; dryRun: boolean }[]>(`kubelabTest.posted.filter((m) => m.type === 'send')`);
      assert.deepEqual(sent, [{ type: 'send', text: DEPLOYMENT, dryRun: false }]);

      // The editor follows VS Code's theme as it changes.
      for (const [bodyClass, monacoClass] of [['vscode-light', 'vs'], ['vscode-high-contrast', 'hc-black'], ['vscode-high-contrast-light vscode-high-contrast', 'hc-light'], ['vscode-dark', 'vs-dark']]) {
        await page.evaluate(`document.body.className = ${JSON.stringify(bodyClass)}`);
        await until(panel, `the ${monacoClass} theme`, `document.querySelector('#manifest .monaco-editor').classList.contains(${JSON.stringify(monacoClass)})`);
        await page.screenshot({ path: join(RESULTS, `theme-${monacoClass}.png`) });
      }

      assert.deepEqual(await page.evaluate(`kubelabTest.violations`), []);
      // Monaco's styles are in: its stylesheet, and the theme's rules it injects with the page's nonce.
      assert.ok(await page.evaluate(`[...document.querySelectorAll('style')].some((s) => s.sheet && /\\.monaco-editor/.test(s.textContent))`), 'Monaco\'s injected styles apply');
      assert.deepEqual(logged, []);
  });
});

void test('the panel keeps its plain editor, and says why, when Monaco\'s workers cannot be fetched', { timeout: 60_000 }, async () => {
  await withPanel(['yaml.worker.js'], async (panel) => {
    const { page, logged } = panel;
    const deadline = Date.now() + 20_000;
    const warning = () => logged.find((l) => l.startsWith('console warning: KubeLab:'));
    while (!warning() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // A missing file answers 404 without CORS headers, as the webview's service worker's does: the fetch fails.
    assert.match(warning() ?? JSON.stringify(logged), /^console warning: KubeLab: the Monaco editor did not load, so the plain editor stays: Error: http:\/\/127\.0\.0\.1:\d+\/yaml\.worker\.js could not be fetched: Failed to fetch/);
    assert.equal(await page.evaluate(`document.querySelector('#manifest').tagName`), 'TEXTAREA');
    assert.equal(await page.evaluate(`document.querySelectorAll('.monaco-editor').length`), 0);
    // The plain editor still sends on Ctrl+Enter.
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: { type: 'snapshot', state: 'running', cluster: 'lab', schema: {}, reactions: [] } }))`);
    await page.fill('#manifest', DEPLOYMENT);
    await page.press('#manifest', 'Control+Enter');
    assert.deepEqual(await page.evaluate(`kubelabTest.posted.filter((m) => m.type === 'send')`), [{ type: 'send', text: DEPLOYMENT, dryRun: false }]);
    assert.deepEqual(await page.evaluate(`kubelabTest.violations`), []);
  });
});
