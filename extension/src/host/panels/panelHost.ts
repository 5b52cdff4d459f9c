/**
 * WebviewPanelHost is the lifecycle every KubeLab panel shares: one webview
 * panel of a view type, opened or brought forward by show(), restored after a
 * window reload by its serializer, loading panelHtml's page with the panel's
 * bundle and stylesheet from dist/webview. It tracks whether the page has said
 * `ready`; a page hidden or closed is dropped (no context kept while hidden)
 * and says `ready` again when shown. The panel itself owns what it shows and
 * answers through the hooks.
 */
import * as vscode from 'vscode';
import { type PanelPage, panelHtml } from './panelHtml';

/** PanelMessage is what every page sends: a discriminated union that has a `ready`. */
export type PanelMessage = { readonly type: string };

/** PanelHostOptions names the panel and its page. */
export interface PanelHostOptions {
  viewType: string;
  /** title is the editor tab's title and the page's document title. */
  title: string;
  /** asset is the page's bundle name in dist/webview: `<asset>.js` and `<asset>.css`. */
  asset: string;
  /** csp adds to the page's Content-Security-Policy; read each time a page is loaded. */
  csp?: () => Pick<PanelPage, 'workers' | 'styleAttributes'>;
}

/** PanelHooks are the panel's answers to its page. */
export interface PanelHooks<In extends PanelMessage> {
  /** onReady runs when the page says `ready`, after the host counts it as ready. */
  onReady(message: Extract<In, { type: 'ready' }>): void;
  /** onMessage runs for every other message of the page. */
  onMessage(message: Exclude<In, { type: 'ready' }>): void;
  /** onHidden runs when the page is dropped: the panel hidden, or closed. */
  onHidden?(): void;
  /** onClosed runs when the panel is closed, after onHidden. */
  onClosed?(): void;
}

export class WebviewPanelHost<In extends PanelMessage, Out> implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private isReady = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly options: PanelHostOptions, private readonly hooks: PanelHooks<In>) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(options.viewType, {
      deserializeWebviewPanel: (panel) => {
        this.attach(panel);
        return Promise.resolve();
      },
    }));
  }

  /** ready says whether the page has said `ready` since it was last loaded. */
  get ready(): boolean {
    return this.isReady;
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.attach(vscode.window.createWebviewPanel(this.options.viewType, this.options.title, vscode.ViewColumn.Active, this.webviewOptions()));
  }

  /** post sends a message to the page, if the panel is open. */
  post(message: Out): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Hidden, the page is dropped and restored from its webview state: the panel keeps what it must and the page asks again.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.isReady = false;
    panel.webview.options = this.webviewOptions();
    const asset = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', ...path)).toString();
    panel.webview.html = panelHtml({
      title: this.options.title,
      cspSource: panel.webview.cspSource,
      script: asset(`${this.options.asset}.js`),
      styles: [asset('codicons', 'codicon.css'), asset(`${this.options.asset}.css`)],
      ...this.options.csp?.(),
    });
    panel.webview.onDidReceiveMessage((m: In) => this.receive(m), undefined, this.disposables);
    panel.onDidChangeViewState((e) => {
      // A page hidden then shown again starts over: it will say ready.
      if (!e.webviewPanel.visible) this.hidden();
    }, undefined, this.disposables);
    panel.onDidDispose(() => {
      this.hidden();
      this.panel = undefined;
      this.hooks.onClosed?.();
    }, undefined, this.disposables);
  }

  private hidden(): void {
    this.isReady = false;
    this.hooks.onHidden?.();
  }

  private receive(m: In): void {
    if (isReady(m)) {
      this.isReady = true;
      this.hooks.onReady(m);
      return;
    }
    this.hooks.onMessage(m as Exclude<In, { type: 'ready' }>);
  }
}

function isReady<In extends PanelMessage>(m: In): m is Extract<In, { type: 'ready' }> {
  return m.type === 'ready';
}

/** timeout is the Schedule the panels' feeds take: setTimeout, cancelled by the function it returns. */
export function timeout(fn: () => void, ms: number): () => void {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
}

/** showFailure tells the user a panel's action failed. */
export function showFailure(err: unknown): void {
  void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
}
