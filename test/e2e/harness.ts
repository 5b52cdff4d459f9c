// E2E harness: the packaged kubelab.vsix in a real VS Code (code-server) driven through
// Debian's Chromium by playwright-core, the way a user would drive it: keyboard,
// command palette, clicks, and reading what the workbench renders.
//
// Each harness gets its own port, profile and copy of examples/, so tests never share
// state with each other or with `npm start`. Screenshots go to test-results/<suite>/
// (git-ignored) on every step, and on failure together with the workbench logs.
//
// Written as CommonJS-compatible TypeScript (no top-level await, toolchain loaded with a
// dynamic import) so it runs whatever "type" package.json ends up declaring.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

import type { RunningCodeServer } from '../../scripts/lib/toolchain.mjs' with { 'resolution-mode': 'import' };

/** The repo root: set by scripts/test.mjs, else found from the working directory. */
export function repoRoot(): string {
  if (process.env.KUBELAB_ROOT) return process.env.KUBELAB_ROOT;
  for (let dir = process.cwd(); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kubelab') return dir;
  }
  throw new Error('run the e2e tests from inside the kubelab repository');
}

export interface TreeRow {
  /** TreeItem label as rendered (`.label-name`). */
  label: string;
  /** TreeItem description as rendered (`.label-description`), '' when none. */
  description: string;
  /** The row's aria-label (what screen readers announce). */
  ariaLabel: string;
  /** 1-based depth in the tree (`aria-level`). */
  level: number;
  /** true/false for collapsible rows, undefined for leaves. */
  expanded: boolean | undefined;
}

export interface HarnessOptions {
  /** Folder name under test-results/ for this suite's screenshots and logs. */
  name: string;
  /** Page size; tall enough that the Cluster tree is not virtualised away. */
  viewport?: { width: number; height: number };
  /** Extra environment for code-server and so the extension host (e.g. KUBECONFIG). */
  env?: Record<string, string>;
}

export class VSCodeHarness {
  private shots = 0;

  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: RunningCodeServer,
    readonly workspace: string,
    readonly resultsDir: string,
    private readonly tmp: string,
    private readonly userDataDir: string,
  ) {}

  /** Starts code-server with the packaged extension and opens the workbench on a copy of examples/. */
  static async start(options: HarnessOptions): Promise<VSCodeHarness> {
    const toolchain = await import('../../scripts/lib/toolchain.mjs');
    const root = repoRoot();
    // KUBELAB_VSIX: try the harness against another build (e.g. a stub) without repackaging.
    const vsix = process.env.KUBELAB_VSIX ?? join(root, 'kubelab.vsix');
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` (npm test does it for you)`);

    const resultsDir = join(root, 'test-results', options.name);
    rmSync(resultsDir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });

    const tmp = mkdtempSync(join(tmpdir(), 'kubelab-e2e-'));
    const profile = { userDataDir: join(tmp, 'user-data'), extensionsDir: join(tmp, 'extensions') };
    const workspace = join(tmp, 'workspace');
    cpSync(join(root, 'examples'), workspace, { recursive: true });

    toolchain.installExtension(vsix, profile);
    const port = await toolchain.freePort();
    const server = await toolchain.startCodeServer({ port, folder: workspace, ...profile, env: options.env ?? {} });

    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: toolchain.CHROMIUM_PATH,
        // --no-sandbox: CI runs as root; the rest keep Chromium from calling home.
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
          '--disable-quic',
        ],
      });
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1600, height: 1000 } });
      const browserLog: string[] = [];
      page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.stack ?? e.message}`));
      page.on('close', () => writeFileSync(join(resultsDir, 'browser-console.log'), browserLog.join('\n')));

      const harness = new VSCodeHarness(page, browser, server, workspace, resultsDir, tmp, profile.userDataDir);
      await page.goto(server.folderUrl);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The explorer shows the workspace once the remote file system is connected:
      // before that, keybindings and commands are not reliably wired up.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      // The KubeLab activity-bar entry appears once the extension's contributions are registered.
      await page.locator('.activitybar .action-item[aria-label^="KubeLab"], .activitybar .action-item a[aria-label^="KubeLab"]').first().waitFor({ timeout: 60_000 });
      await harness.screenshot('workbench');
      return harness;
    } catch (error) {
      await browser?.close().catch(() => {});
      await server.stop();
      throw error;
    }
  }

  /** Runs a command palette entry by its exact title, e.g. "KubeLab: Apply"; `opensPicker` for a command that shows a quick pick of its own. */
  async runCommand(title: string, opensPicker = false): Promise<void> {
    const input = await this.openQuickInput('F1');
    // The palette filters the commands registered when it opened and does not refresh
    // when an extension's contributions arrive later (a fresh code-server under load
    // scans extensions after the explorer shows): type the title again until it is listed.
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) });
    for (let attempt = 0; attempt < 6; attempt++) {
      await input.fill('>');
      await input.fill(`>${title}`);
      if (await rows.first().waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    }
    await this.pickQuickInputRow(title, !opensPicker);
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    const input = await this.openQuickInput('Control+P');
    // Quick Open answers "No matching results" when its file search ran before the
    // workspace was indexed, and does not search again by itself: type the name again.
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) });
    for (let attempt = 0; attempt < 4; attempt++) {
      await input.fill('');
      await input.fill(name);
      if (await rows.first().waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    }
    await this.pickQuickInputRow(name);
    await this.page
      .locator(`.tabs-container .tab.active[aria-label^="${name}"], .tabs-container .tab.active[data-resource-name="${name}"]`)
      .waitFor({ timeout: 15_000 });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  private async openQuickInput(key: string) {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // Keys are only handled once focus is inside the workbench; retry rather than sleep.
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.page.keyboard.press(key);
      if (await input.isVisible().catch(() => false)) return input;
      try {
        await input.waitFor({ state: 'visible', timeout: 2_000 });
        return input;
      } catch {
        await this.page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => {});
      }
    }
    throw new Error(`quick input did not open with ${key}`);
  }

  /**
   * Clicks the quick input row whose label is exactly `text`: a prefix match would let
   * "KubeLab: Apply" pass by running "KubeLab: Apply All".
   */
  private async pickQuickInputRow(text: string, closes = true): Promise<void> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const row = rows
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) }) })
      .first();
    try {
      await row.waitFor({ timeout: 15_000 });
    } catch {
      await this.screenshot(`quick-input-missing-${slug(text)}`);
      const seen = await rows.allInnerTexts();
      throw new Error(`no quick input entry "${text}"; showing: ${JSON.stringify(seen)}`);
    }
    await row.click();
    if (closes) await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Opens a view container from the activity bar by its title (e.g. "KubeLab"). */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(
      `.activitybar .action-item[aria-label^="${title}"], .activitybar .action-item a[aria-label^="${title}"]`,
    );
    await item.first().waitFor({ timeout: 30_000 });
    const pane = this.page.locator(`.sidebar .composite.title h2[title^="${title}"], .sidebar .composite.title h2`, {
      hasText: title,
    });
    if (!(await pane.first().isVisible().catch(() => false))) await item.first().click();
    await pane.first().waitFor({ timeout: 10_000 });
  }

  /**
   * The rows of a tree view as rendered now (only rows in view: the list is virtualised).
   * `viewTitle` picks the view pane by its header (e.g. "Cluster"); default: the sidebar.
   */
  async treeRows(viewTitle?: string): Promise<TreeRow[]> {
    return this.page.evaluate((title) => {
      let scope: Element | null = document.querySelector('.part.sidebar');
      if (title) {
        const panes = Array.from(document.querySelectorAll('.part.sidebar .pane, .part.auxiliarybar .pane, .part.panel .pane'));
        scope =
          panes.find((p) => {
            const header = p.querySelector('.pane-header');
            const name = header?.querySelector('h3.title')?.textContent?.trim() ?? header?.getAttribute('aria-label') ?? '';
            return name === title || name.startsWith(`${title} `) || (header?.getAttribute('aria-label') ?? '').startsWith(title);
          }) ?? null;
        // A container with a single view shows no pane header: fall back to the sidebar.
        if (!scope && panes.length <= 1) scope = document.querySelector('.part.sidebar');
      }
      if (!scope) return [];
      return Array.from(scope.querySelectorAll('.monaco-list-row'))
        .map((row) => ({
          top: Number.parseFloat((row as HTMLElement).style.top || '0'),
          label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
          ariaLabel: row.getAttribute('aria-label') ?? '',
          level: Number(row.getAttribute('aria-level') ?? '0'),
          expanded: row.hasAttribute('aria-expanded') ? row.getAttribute('aria-expanded') === 'true' : undefined,
        }))
        .sort((a, b) => a.top - b.top)
        .map(({ top: _top, ...rest }) => rest);
    }, viewTitle);
  }

  /**
   * Right-clicks the tree row labelled `label` in view `viewTitle` and runs the context
   * menu entry `item` (code-server draws menus in HTML, so they can be clicked).
   */
  async treeContextMenu(viewTitle: string, label: string, item: string): Promise<void> {
    const row = this.treeRowLocator(viewTitle, label);
    await row.waitFor({ timeout: 30_000 });
    await this.dismissHover();
    await row.click({ button: 'right' });
    const entry = this.page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`) }).first();
    try {
      await entry.waitFor({ timeout: 10_000 });
    } catch {
      await this.screenshot(`context-menu-missing-${slug(item)}`);
      const seen = await this.page.locator('.context-view .monaco-menu .action-label').allInnerTexts();
      throw new Error(`no context menu entry "${item}" on "${label}"; showing: ${JSON.stringify(seen)}`);
    }
    // The workbench's menus run an entry on mouse up after hovering it; a synthetic click
    // can leave the menu open, so hover (which focuses the entry) and press Enter.
    await entry.hover();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * Takes the pointer off the page and closes any hover card: the tree no longer
   * redraws while nothing it shows changes, so a card the pointer opened (or was
   * about to open, after the workbench's hover delay) would stay over the rows.
   */
  async dismissHover(): Promise<void> {
    await this.page.mouse.move(-1, -1);
    const hover = this.page.locator('.context-view:not(:has(.monaco-menu))');
    for (let i = 0; i < 8; i++) {
      if (await hover.isVisible().catch(() => false)) {
        await this.page.keyboard.press('Escape');
        await hover.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
      }
      await this.page.waitForTimeout(100);
    }
  }

  /** The row labelled `label` in the view titled `viewTitle`. */
  treeRowLocator(viewTitle: string, label: string) {
    const pane = this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header', { hasText: viewTitle }) });
    return pane.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
  }

  /** Clicks a tree row (expanding or collapsing it). */
  async clickTreeRow(viewTitle: string, label: string): Promise<void> {
    const row = this.treeRowLocator(viewTitle, label);
    await row.waitFor({ timeout: 30_000 });
    await this.dismissHover();
    await row.click();
  }

  /**
   * The text of the active editor (or, with `scope`, of the editor inside that part,
   * e.g. '.part.panel' for the Output view), from its rendered lines: only lines in view.
   */
  async editorText(scope = '.part.editor .editor-group-container.active'): Promise<string> {
    return this.page.evaluate((sel) => {
      const root = document.querySelector(sel);
      const lines = Array.from(root?.querySelectorAll('.monaco-editor .view-lines .view-line') ?? []);
      return lines
        .map((l) => ({ top: Number.parseFloat((l as HTMLElement).style.top || '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n');
    }, scope);
  }

  /** The title of the active editor tab. */
  async activeTabTitle(): Promise<string> {
    return (await this.page.locator('.tabs-container .tab.active .label-name, .title .label-name').first().textContent())?.trim() ?? '';
  }

  /** Types into an open input box (e.g. Scale's replicas) and presses Enter. */
  async answerInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(text);
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Picks the quick pick entry labelled `label` in an open QuickPick. */
  async pickQuickPick(label: string): Promise<void> {
    await this.pickQuickInputRow(label);
  }

  /** Clicks a button of the modal dialog (showWarningMessage with modal: true). */
  async clickDialogButton(label: string): Promise<void> {
    const button = this.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).first();
    await button.waitFor({ timeout: 15_000 });
    await button.click();
  }

  /** Texts of the notification toasts now shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Status bar entries' texts, left to right. */
  async statusBarTexts(): Promise<string[]> {
    return this.page
      .locator('.part.statusbar .statusbar-item')
      .evaluateAll((items) => items.map((i) => (i.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean));
  }

  /**
   * Polls `probe` until it returns a value (not undefined), failing after `timeoutMs`
   * with the last reason. For state that converges (a controller reconciling), not sleeps.
   */
  async until<T extends object>(what: string, probe: () => Promise<T | string | undefined>, timeoutMs = 90_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const value = await probe().catch((e: Error) => `probe threw: ${e.message}`);
      if (typeof value === 'object' && value !== null) return value;
      if (typeof value === 'string') last = value;
      if (Date.now() > deadline) {
        await this.screenshot(`timeout-${slug(what)}`);
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ''}`);
      }
      await this.page.waitForTimeout(500);
    }
  }

  /**
   * webview finds the frame of the webview panel whose page is titled `title`:
   * VS Code hosts each panel in an iframe whose page holds the panel's own frame.
   */
  async webview(title: string): Promise<Frame> {
    return this.until(`the webview "${title}"`, async () => {
      for (const frame of this.page.frames()) {
        const t = await frame.title().catch(() => '');
        if (t === title) return frame;
      }
      return `frames: ${this.page.frames().length}`;
    });
  }

  /**
   * setColorTheme picks a colour theme as a user does, with Preferences: Color Theme
   * (e.g. "Light Modern"), and waits for the workbench to wear it.
   */
  async setColorTheme(label: string, kind: 'vs' | 'vs-dark' | 'hc-black' | 'hc-light'): Promise<void> {
    await this.runCommand('Preferences: Color Theme', true);
    await this.page.locator('.quick-input-widget input').fill(label);
    await this.pickQuickInputRow(label);
    await this.until(`the ${label} theme`, async () => ((await this.page.locator(`.monaco-workbench.${kind}`).count()) > 0 ? {} : 'not yet'));
  }

  /**
   * highContrastScreenshots shows a panel in both high-contrast themes: each time
   * it waits for the page's body to wear the theme's class and for the theme's
   * contrast border colour to reach the page, then saves `<name>-hc-dark` and
   * `<name>-hc-light`.
   */
  async highContrastScreenshots(panel: Frame, name: string): Promise<void> {
    const themes = [['Dark High Contrast', 'hc-black', /\bvscode-high-contrast\b/, 'hc-dark'], ['Light High Contrast', 'hc-light', /\bvscode-high-contrast-light\b/, 'hc-light']] as const;
    for (const [label, kind, bodyClass, suffix] of themes) {
      await this.setColorTheme(label, kind);
      await this.until(`the panel to wear ${label}`, async () => {
        const cls = (await panel.locator('body').getAttribute('class')) ?? '';
        const border = await panel.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-contrastBorder').trim());
        return bodyClass.test(cls) && border !== '' ? {} : `body class ${cls}, contrastBorder ${JSON.stringify(border)}`;
      });
      await this.screenshot(`${name}-${suffix}`);
    }
  }

  /** Saves test-results/<suite>/<nn>-<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = join(this.resultsDir, `${String(++this.shots).padStart(2, '0')}-${slug(name)}.png`);
    await this.page.screenshot({ path: file }).catch(() => {});
    return file;
  }

  /** On failure: a screenshot plus code-server's and the extension host's logs. */
  async captureFailure(error: unknown): Promise<void> {
    await this.screenshot('failure');
    writeFileSync(join(this.resultsDir, 'failure.txt'), String((error as Error)?.stack ?? error));
    try {
      cpSync(this.server.logFile, join(this.resultsDir, 'code-server.log'));
      const logs = join(this.userDataDir, 'logs');
      if (existsSync(logs)) cpSync(logs, join(this.resultsDir, 'vscode-logs'), { recursive: true });
    } catch {
      // best effort: the failure itself is what matters
    }
  }

  /** Always ends Chromium and code-server, and removes the temporary profile and workspace. */
  async close(): Promise<void> {
    const browserGone = this.browser.close().catch(() => {});
    // Playwright also kills the Chromium it launched if this process exits first.
    await Promise.race([browserGone, new Promise((r) => setTimeout(r, 10_000))]);
    await this.server.stop();
    if (!process.env.KUBELAB_KEEP_TMP) rmSync(this.tmp, { recursive: true, force: true });
  }

  /**
   * Runs `body` with a started harness; screenshots and logs on failure, always closes.
   * The usual shape of an e2e test.
   */
  static async with(options: HarnessOptions, body: (h: VSCodeHarness) => Promise<void>): Promise<void> {
    const h = await VSCodeHarness.start(options);
    try {
      await body(h);
      await h.screenshot('done');
    } catch (error) {
      await h.captureFailure(error);
      throw error;
    } finally {
      await h.close();
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
