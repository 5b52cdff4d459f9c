/**
 * FlowPanel is the Request flow panel's host (KubeLab: Open Request Flow Panel):
 * one webview panel, restored after a window reload by its serializer. When the
 * page says `ready` it gets the cluster's state, the editor's schema and the
 * last flow; a Send runs the manifests through the active cluster's client
 * (sendManifests), posts the flow, then follows the reactions (FlowReactions)
 * until the next Send. The page keeps its text in its webview state.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FlowFromPanel, FlowReaction, FlowToPanel, FlowView } from '../../../../webview/src/shared/protocol';
import type { Cluster } from '../cluster';
import { FlowReactions } from './flowReactions';
import { sendManifests } from './flowRequest';
import { flowSchema } from './flowSchema';
import { panelHtml } from './panelHtml';

export const FLOW_VIEW_TYPE = 'kubelab.requestFlowPanel';
const TITLE = 'KubeLab: Request Flow';

export class FlowPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private flow?: FlowView;
  private reactions: FlowReaction[] = [];
  private follower?: FlowReactions;
  private nextId = 1;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly cluster: Cluster) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(FLOW_VIEW_TYPE, {
        deserializeWebviewPanel: (panel) => {
          this.attach(panel);
          return Promise.resolve();
        },
      }),
      cluster.onDidChangeState((state) => {
        // A flow's reactions belong to the cluster that ran it.
        if (state !== 'running') this.stopFollowing();
        if (this.ready) this.post({ type: 'state', state: state, cluster: cluster.name });
      }),
    );
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.attach(vscode.window.createWebviewPanel(FLOW_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, this.options()));
  }

  dispose(): void {
    this.stopFollowing();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // The flow and its reactions are kept here; hidden, the page is dropped and asks again when shown.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    const asset = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', ...path)).toString();
    // Monaco's editor and YAML workers, when the build bundles them, run from the extension's own files.
    const monaco = existsSync(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'yaml.worker.js').fsPath);
    panel.webview.html = panelHtml({
      title: TITLE,
      cspSource: panel.webview.cspSource,
      script: asset('flow.js'),
      styles: [asset('codicons', 'codicon.css'), asset('flow.css')],
      workers: monaco,
      // Monaco lays out its lines with style attributes.
      styleAttributes: monaco,
    });
    panel.webview.onDidReceiveMessage((m: FlowFromPanel) => this.receive(m), undefined, this.disposables);
    panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.ready = false;
    }, undefined, this.disposables);
    panel.onDidDispose(() => {
      this.ready = false;
      this.panel = undefined;
      this.stopFollowing();
    }, undefined, this.disposables);
  }

  private post(message: FlowToPanel): void {
    if (this.ready) void this.panel?.webview.postMessage(message);
  }

  private receive(m: FlowFromPanel): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'snapshot', state: this.cluster.state, cluster: this.cluster.name, schema: flowSchema(), ...(this.flow ? { flow: this.flow } : {}), reactions: this.reactions });
        return;
      case 'send':
        void this.send(m.text, m.dryRun).catch((err: unknown) => this.failed(err));
        return;
      case 'startLab':
        void this.cluster.start().catch((err: unknown) => this.failed(err));
        return;
    }
  }

  private failed(err: unknown): void {
    void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** send runs the text's documents through the cluster and follows what they set off. */
  private async send(text: string, dryRun: boolean): Promise<void> {
    const client = this.cluster.client;
    if (!client || this.cluster.state !== 'running') return;
    this.stopFollowing();
    this.post({ type: 'sending', dryRun });
    const id = this.nextId++;
    const { flow, written } = await sendManifests(client, text, { id, dryRun, cluster: this.cluster.name, namespace: this.cluster.defaultNamespace });
    this.flow = flow;
    this.reactions = [];
    this.post({ type: 'flow', flow });
    if (!written.length) return;
    const follower = new FlowReactions(client, written, (reactions) => {
      this.reactions.push(...reactions);
      this.post({ type: 'reactions', flow: id, reactions });
    }, (fn, ms) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    }, () => Date.now());
    this.follower = follower;
    await follower.start();
  }

  private stopFollowing(): void {
    this.follower?.dispose();
    this.follower = undefined;
  }
}
