/**
 * PodsPanel is the Pods panel's host: one webview panel (KubeLab: Open Pods
 * Panel), restored after a window reload by its serializer, fed by a PodsFeed
 * over the editor's ClusterModel — a snapshot when the page says `ready`, then
 * deltas. The page keeps its own filters and selection in its webview state.
 * With a TimeTravel the feed shows a past revision when asked; the pod's
 * detail, Describe and Logs read the live cluster, so they wait for live.
 */
import * as vscode from 'vscode';
import type { ClusterModel } from '../clusterModel';
import { BY_CONTROLLER } from '../clusterModel';
import { PODS } from '../../lab/client/resources';
import type { ClusterState, PodsFromPanel, PodsToPanel } from '../../../../webview/src/shared/protocol';
import type { ResourceItem } from '../resourceItem';
import { ModelPanelHost } from './modelPanelHost';
import { showFailure, timeout } from './panelHost';
import { podDetail } from './podDetail';
import { PodsFeed } from './podsFeed';
import { type TimeTravel, readOnlyNotice } from './timeTravel';

export const PODS_VIEW_TYPE = 'kubelab.podsPanel';

export interface PanelCluster {
  readonly name: string;
  start(): Promise<unknown>;
}

export class PodsPanel implements vscode.Disposable {
  private readonly host: ModelPanelHost<PodsFromPanel, PodsToPanel, PodsFeed>;
  /** selected is the pod whose detail the page shows; its detail is read again when it changes. */
  private selected?: { namespace: string; name: string };
  private detailTimer?: ReturnType<typeof setTimeout>;
  private readonly travelling?: { dispose(): void };

  constructor(extensionUri: vscode.Uri, private readonly cluster: PanelCluster, timeTravel?: TimeTravel) {
    // Hidden, the page is dropped and restored from its webview state: no memory held for 150,000 chips nobody sees.
    this.host = new ModelPanelHost(extensionUri, { viewType: PODS_VIEW_TYPE, title: 'KubeLab: Pods', asset: 'pods' }, cluster, {
      onMessage: (m) => this.receive(m),
      feed: (model) => new PodsFeed(
        { nodes: model.nodes, pods: model.pods, replicaSets: model.replicaSets, client: model.client },
        (message) => {
          this.host.post(message);
          if (message.type === 'delta' && this.selected) this.detailSoon();
        },
        timeout,
        (rs) => (rs.metadata.uid ? model.pods.byIndex(BY_CONTROLLER, rs.metadata.uid) : []),
      ),
      started: (feed) => {
        feed.snapshot(this.host.state, cluster.name);
        if (this.selected) this.sendDetail();
      },
      onHidden: () => {
        if (this.detailTimer) clearTimeout(this.detailTimer);
        this.detailTimer = undefined;
      },
    }, timeTravel);
    this.travelling = timeTravel?.onDidChange(() => this.sendDetail());
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    this.host.show();
  }

  /** setModel follows the active cluster: a running cluster's model, or none with its state. */
  setModel(model: ClusterModel | undefined, state: ClusterState): void {
    this.host.setModel(model, state);
  }

  dispose(): void {
    this.travelling?.dispose();
    this.host.dispose();
  }

  /** live says whether the panel shows the live cluster; otherwise an action on a pod is refused with why. */
  private live(): boolean {
    const revision = this.host.revision;
    if (revision === null) return true;
    void vscode.window.showInformationMessage(`KubeLab: ${readOnlyNotice(revision)}`);
    return false;
  }

  private receive(m: Exclude<PodsFromPanel, { type: 'ready' }>): void {
    switch (m.type) {
      case 'select':
        this.selected = m.pod;
        this.sendDetail();
        return;
      case 'startLab':
        void this.cluster.start().catch(showFailure);
        return;
      case 'describe': {
        if (!this.live()) return;
        const item: ResourceItem = { ref: PODS, kind: 'Pod', namespace: m.pod.namespace, name: m.pod.name };
        void vscode.commands.executeCommand('kubelab.describe', item);
        return;
      }
      case 'logs': {
        if (!this.live()) return;
        const item: ResourceItem = { ref: PODS, kind: 'Pod', namespace: m.pod.namespace, name: m.pod.name };
        void vscode.commands.executeCommand('kubelab.logs', item);
        return;
      }
    }
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
    const client = this.host.model?.client;
    // The detail is read live (events, logs): at a past revision the page shows none.
    if (!selected || !client || this.host.revision !== null) {
      this.host.post({ type: 'detail', detail: undefined });
      return;
    }
    void podDetail(client, selected.namespace, selected.name).then((detail) => {
      if (this.selected === selected) this.host.post({ type: 'detail', detail });
    }, () => undefined);
  }
}
