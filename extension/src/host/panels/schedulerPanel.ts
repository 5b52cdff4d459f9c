/**
 * SchedulerPanel is the Scheduler panel's host (KubeLab: Open Scheduler Panel):
 * one webview panel, restored after a window reload by its serializer, fed by
 * a SchedulerFeed over the editor's ClusterModel — a snapshot when the page
 * says `ready`, then deltas. Edits of the configuration go to the feed, which
 * writes the ConfigMap through the API. The page keeps its selection in its
 * webview state.
 */
import * as vscode from 'vscode';
import type { ClusterModel } from '../clusterModel';
import { CONFIGMAPS } from '../../lab/client/resources';
import type { ClusterState, SchedulerFromPanel, SchedulerToPanel } from '../../../../webview/src/shared/protocol';
import type { ResourceItem } from '../resourceItem';
import { panelHtml } from './panelHtml';
import type { PanelCluster } from './podsPanel';
import { SchedulerFeed } from './schedulerFeed';
import { CONFIG_NAME, CONFIG_NAMESPACE } from './schedulerProfile';

export const SCHEDULER_VIEW_TYPE = 'kubelab.schedulerPanel';
const TITLE = 'KubeLab: Scheduler';

export class SchedulerPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private feed?: SchedulerFeed;
  private model?: ClusterModel;
  private state: ClusterState = 'stopped';
  private ready = false;
  private selected?: { pod: { namespace: string; name: string } | undefined; decision?: string };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly cluster: PanelCluster) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(SCHEDULER_VIEW_TYPE, {
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
    this.attach(vscode.window.createWebviewPanel(SCHEDULER_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, this.options()));
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
      title: TITLE,
      cspSource: panel.webview.cspSource,
      script: asset('scheduler.js'),
      styles: [asset('codicons', 'codicon.css'), asset('scheduler.css')],
    });
    panel.webview.onDidReceiveMessage((m: SchedulerFromPanel) => this.receive(m), undefined, this.disposables);
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
  }

  private post(message: SchedulerToPanel): void {
    void this.panel?.webview.postMessage(message);
  }

  private receive(m: SchedulerFromPanel): void {
    const failed = (err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.resync();
        return;
      case 'select':
        this.selected = { pod: m.pod, ...(m.decision ? { decision: m.decision } : {}) };
        this.feed?.select(m.pod, m.decision);
        return;
      case 'setWeight':
        void this.feed?.edit(m.profile, { type: 'setWeight', plugin: m.plugin, weight: m.weight }).catch(failed);
        return;
      case 'setEnabled':
        void this.feed?.edit(m.profile, { type: 'setEnabled', plugin: m.plugin, enabled: m.enabled }).catch(failed);
        return;
      case 'resetConfig':
        void this.feed?.reset().catch(failed);
        return;
      case 'editConfig': {
        const item: ResourceItem = { ref: CONFIGMAPS, kind: 'ConfigMap', namespace: CONFIG_NAMESPACE, name: CONFIG_NAME };
        void vscode.commands.executeCommand('kubelab.editLive', item);
        return;
      }
      case 'startLab':
        void this.cluster.start().catch(failed);
        return;
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
    const feed = new SchedulerFeed({
      client: model.client,
      pods: model.pods,
      post: (message) => {
        if (this.feed === feed) this.post(message);
      },
      schedule: (fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
    });
    this.feed = feed;
    if (this.selected) feed.select(this.selected.pod, this.selected.decision);
    void feed.start(this.state, this.cluster.name).catch((err: unknown) => this.post({ type: 'notice', message: err instanceof Error ? err.message : String(err), error: true }));
  }
}
