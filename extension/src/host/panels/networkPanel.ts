/**
 * NetworkPanel is the Network panel's host (KubeLab: Open Network Panel): one
 * webview panel, restored after a window reload by its serializer, fed by a
 * NetworkFeed over the editor's ClusterModel — a snapshot when the page says
 * `ready`, then deltas. Traces and DNS lookups the page asks for become
 * PacketTraces created through the API; a Service's host mapping opens in the
 * browser only at the address the lab recorded for it, never at one the page
 * names.
 */
import * as vscode from 'vscode';
import { ENDPOINTSLICES, SERVICES } from '../../lab/controllers/kubernetesService';
import { PACKETTRACES, type PacketTrace } from '../../lab/network/packetTrace';
import { PROXYRULESETS, type ProxyRuleSet } from '../../lab/network/proxyRuleSet';
import type { EndpointSlice, Service } from '../../lab/network/serviceInfo';
import type { ClusterState, NetworkFromPanel, NetworkToPanel } from '../../../../webview/src/shared/protocol';
import type { Cluster } from '../cluster';
import { BY_NODE, type ClusterModel } from '../clusterModel';
import { NetworkFeed } from './networkFeed';
import { lookupDestination, pruneTraces, requestTrace } from './networkTraces';
import { serviceView } from './networkViews';
import { panelHtml } from './panelHtml';

export const NETWORK_VIEW_TYPE = 'kubelab.networkPanel';
const TITLE = 'KubeLab: Network';

export class NetworkPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private feed?: NetworkFeed;
  private model?: ClusterModel;
  private state: ClusterState = 'stopped';
  private ready = false;
  private rulesNode?: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly cluster: Pick<Cluster, 'name' | 'isLab' | 'start'>) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(NETWORK_VIEW_TYPE, {
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
    this.attach(vscode.window.createWebviewPanel(NETWORK_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, this.options()));
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
      script: asset('network.js'),
      styles: [asset('codicons', 'codicon.css'), asset('network.css')],
    });
    panel.webview.onDidReceiveMessage((m: NetworkFromPanel) => this.receive(m), undefined, this.disposables);
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

  private post(message: NetworkToPanel): void {
    void this.panel?.webview.postMessage(message);
  }

  private receive(m: NetworkFromPanel): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.resync();
        return;
      case 'startLab':
        void this.cluster.start().catch((err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`));
        return;
      case 'rules':
        this.rulesNode = m.node;
        this.feed?.showRules(m.node);
        return;
      case 'trace':
        void this.request(m.source, m.destination, 'trace');
        return;
      case 'lookup':
        void this.request(m.source, lookupDestination(m.name), 'lookup');
        return;
      case 'openHostPort':
        this.openHostPort(m.service, m.nodePort);
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
    const isLab = this.cluster.isLab;
    const feed = new NetworkFeed(
      {
        nodes: model.nodes,
        pods: model.pods,
        services: model.informer<Service>(SERVICES),
        slices: model.informer<EndpointSlice>(ENDPOINTSLICES),
        // Rule sets and traces are the lab's own resources: another cluster would answer 404 forever.
        ...(isLab ? { ruleSets: model.informer<ProxyRuleSet>(PROXYRULESETS), traces: model.informer<PacketTrace>(PACKETTRACES) } : {}),
        podsOn: (node: string) => model.pods.byIndex(BY_NODE, node),
      },
      (message) => this.post(message),
      (fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
    );
    this.feed = feed;
    // Informers made just now list before the snapshot, so it holds everything.
    void model.start().then(() => {
      if (this.feed !== feed) return;
      feed.snapshot(this.state, this.cluster.name, isLab);
      if (this.rulesNode !== undefined) feed.showRules(this.rulesNode);
    });
  }

  private async request(source: Parameters<typeof requestTrace>[1], destination: Parameters<typeof requestTrace>[2], purpose: 'trace' | 'lookup'): Promise<void> {
    const client = this.model?.client;
    if (!client || !this.cluster.isLab) {
      this.post({ type: 'notice', message: 'Packet traces are the lab\'s: start KubeLab to trace a packet.', error: true });
      return;
    }
    const res = await requestTrace(client, source, destination, purpose);
    if ('error' in res) {
      this.post({ type: 'notice', message: res.error, error: true });
      return;
    }
    this.post({ type: 'created', name: res.name, purpose });
    const traces = this.model?.has(PACKETTRACES) ? this.model.informer<PacketTrace>(PACKETTRACES).list() : [];
    await pruneTraces(client, traces).catch(() => undefined);
  }

  /** openHostPort opens http://127.0.0.1:<port> for a Service's node port, as the lab's host-port annotation records it. */
  private openHostPort(service: string, nodePort: number): void {
    const model = this.model;
    const svc = model?.has(SERVICES) ? model.informer<Service>(SERVICES).get(service) : undefined;
    const slices: EndpointSlice[] = [];
    const host = svc && serviceView(svc, slices).ports.find((p) => p.nodePort === nodePort)?.hostPort;
    if (!host) {
      this.post({ type: 'notice', message: `${service} has no node port ${nodePort} listening on this machine.`, error: true });
      return;
    }
    void vscode.env.openExternal(vscode.Uri.parse(`http://${host}/`));
  }
}
