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
import { WebviewPanelHost, showFailure, timeout } from './panelHost';

export const FLOW_VIEW_TYPE = 'kubelab.requestFlowPanel';
const TITLE = 'KubeLab: Request Flow';

export class FlowPanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<FlowFromPanel, FlowToPanel>;
  private flow?: FlowView;
  private reactions: FlowReaction[] = [];
  private follower?: FlowReactions;
  private nextId = 1;
  private readonly subscription: vscode.Disposable;

  constructor(extensionUri: vscode.Uri, private readonly cluster: Cluster) {
    // The flow and its reactions are kept here: hidden, the page is dropped and asks again when shown.
    this.host = new WebviewPanelHost(extensionUri, {
      viewType: FLOW_VIEW_TYPE,
      title: TITLE,
      asset: 'flow',
      csp: () => {
        // Monaco's editor and YAML workers, when the build bundles them, run from the extension's own files.
        const monaco = existsSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'yaml.worker.js').fsPath);
        // Monaco lays out its lines with style attributes.
        return { workers: monaco, styleAttributes: monaco };
      },
    }, {
      onReady: () => this.post({ type: 'snapshot', state: this.cluster.state, cluster: this.cluster.name, schema: flowSchema(), ...(this.flow ? { flow: this.flow } : {}), reactions: this.reactions }),
      onMessage: (m) => this.receive(m),
      onClosed: () => this.stopFollowing(),
    });
    this.subscription = cluster.onDidChangeState((state) => {
      // A flow's reactions belong to the cluster that ran it.
      if (state !== 'running') this.stopFollowing();
      if (this.host.ready) this.post({ type: 'state', state: state, cluster: cluster.name });
    });
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    this.host.show();
  }

  dispose(): void {
    this.stopFollowing();
    this.host.dispose();
    this.subscription.dispose();
  }

  private post(message: FlowToPanel): void {
    if (this.host.ready) this.host.post(message);
  }

  private receive(m: Exclude<FlowFromPanel, { type: 'ready' }>): void {
    switch (m.type) {
      case 'send':
        void this.send(m.text, m.dryRun).catch(showFailure);
        return;
      case 'startLab':
        void this.cluster.start().catch(showFailure);
        return;
    }
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
    }, timeout, () => Date.now());
    this.follower = follower;
    await follower.start();
  }

  private stopFollowing(): void {
    this.follower?.dispose();
    this.follower = undefined;
  }
}
