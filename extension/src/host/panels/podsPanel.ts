/**
 * PodsPanel is the Pods panel's host: one webview panel (KubeLab: Open Pods
 * Panel), restored after a window reload by its serializer, fed by a PodsFeed
 * over the editor's ClusterModel — a snapshot when the page says `ready`, then
 * deltas. The page keeps its own filters and selection in its webview state.
 */
import * as vscode from 'vscode';
import type { ClusterModel } from '../clusterModel';
import { BY_CONTROLLER } from '../clusterModel';
import { PODS } from '../../lab/client/resources';
import type { ClusterState, PodsFromPanel, PodsToPanel } from '../../../../webview/src/shared/protocol';
import type { ResourceItem } from '../resourceItem';
import { panelHtml } from './panelHtml';
import { podDetail } from './podDetail';
import { PodsFeed } from './podsFeed';

export const PODS_VIEW_TYPE = 'kubelab.podsPanel';

export interface PanelCluster {
  readonly name: string;
  start(): Promise<unknown>;
}

export class PodsPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private feed?: PodsFeed;
  private model?: ClusterModel;
  private state: ClusterState = 'stopped';
  private ready = false;
  /** selected is the pod whose detail the page shows; its detail is read again when it changes. */
  private selected?: { namespace: string; name: string };
  private detailTimer?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly cluster: PanelCluster) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(PODS_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => {
        this.attach(panel);
        return Promise.resolve();
      },
    }));
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(PODS_VIEW_TYPE, 'KubeLab: Pods', vscode.ViewColumn.Active, this.options());
    this.attach(panel);
  }

  /** setModel follows the active cluster: a running cluster's model, or none with its state. */
  setModel(model: ClusterModel | undefined, state: ClusterState): void {
    this.model = model;
    this.state = state;
    if (this.ready) this.resync();
  }

  dispose(): void {
    this.feed?.dispose();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Hidden, the page is dropped and restored from its webview state: no memory held for 150,000 chips nobody sees.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    const asset = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', ...path)).toString();
    panel.webview.html = panelHtml({
      title: 'KubeLab: Pods',
      cspSource: panel.webview.cspSource,
      script: asset('pods.js'),
      styles: [asset('codicons', 'codicon.css'), asset('pods.css')],
    });
    panel.webview.onDidReceiveMessage((m: PodsFromPanel) => this.receive(m), undefined, this.disposables);
    panel.onDidChangeViewState((e) => {
      // A page hidden then shown again starts over: it will say ready.
      if (!e.webviewPanel.visible) this.pause();
    }, undefined, this.disposables);
    panel.onDidDispose(() => {
      this.pause();
      this.panel = undefined;
    }, undefined, this.disposables);
  }

  private pause(): void {
    this.ready = false;
    this.feed?.dispose();
    this.feed = undefined;
    if (this.detailTimer) clearTimeout(this.detailTimer);
    this.detailTimer = undefined;
  }

  private post(message: PodsToPanel): void {
    void this.panel?.webview.postMessage(message);
  }

  private receive(m: PodsFromPanel): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.resync();
        return;
      case 'select':
        this.selected = m.pod;
        this.sendDetail();
        return;
      case 'startLab':
        void this.cluster.start().catch((err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`));
        return;
      case 'describe': {
        const item: ResourceItem = { ref: PODS, kind: 'Pod', namespace: m.pod.namespace, name: m.pod.name };
        void vscode.commands.executeCommand('kubelab.describe', item);
        return;
      }
      case 'logs': {
        const item: ResourceItem = { ref: PODS, kind: 'Pod', namespace: m.pod.namespace, name: m.pod.name };
        void vscode.commands.executeCommand('kubelab.logs', item);
        return;
      }
    }
  }

  /** resync starts the page over: a snapshot of the running cluster, or its state when there is none. */
  private resync(): void {
    this.feed?.dispose();
    this.feed = undefined;
    const model = this.model;
    if (!model || this.state !== 'running') {
      this.post({ type: 'state', state: this.state, cluster: this.cluster.name });
      return;
    }
    const feed = new PodsFeed(
      { nodes: model.nodes, pods: model.pods, replicaSets: model.replicaSets },
      (message) => {
        this.post(message);
        if (message.type === 'delta' && this.selected) this.detailSoon();
      },
      (fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
      (rs) => (rs.metadata.uid ? model.pods.byIndex(BY_CONTROLLER, rs.metadata.uid) : []),
    );
    this.feed = feed;
    feed.snapshot(this.state, this.cluster.name);
    if (this.selected) this.sendDetail();
  }

  /** detailSoon reads the selected pod's detail again after a burst of changes settles. */
  private detailSoon(): void {
    if (this.detailTimer) return;
    this.detailTimer = setTimeout(() => {
      this.detailTimer = undefined;
      this.sendDetail();
    }, 500);
  }

  private sendDetail(): void {
    const selected = this.selected;
    const client = this.model?.client;
    if (!selected || !client) {
      this.post({ type: 'detail', detail: undefined });
      return;
    }
    void podDetail(client, selected.namespace, selected.name).then((detail) => {
      if (this.selected === selected) this.post({ type: 'detail', detail });
    }, () => undefined);
  }
}
