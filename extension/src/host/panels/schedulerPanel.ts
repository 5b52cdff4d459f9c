/**
 * SchedulerPanel is the Scheduler panel's host (KubeLab: Open Scheduler Panel):
 * one webview panel, restored after a window reload by its serializer, fed by
 * a SchedulerFeed over the editor's ClusterModel — a snapshot when the page
 * says `ready`, then deltas. Edits of the configuration go to the feed, which
 * writes the ConfigMap through the API. The page keeps its selection in its
 * webview state. With a TimeTravel the feed shows a past revision when asked,
 * and refuses edits of the configuration until live.
 */
import * as vscode from 'vscode';
import type { ClusterModel } from '../clusterModel';
import { CONFIGMAPS } from '../../lab/client/resources';
import type { ClusterState, SchedulerFromPanel, SchedulerToPanel } from '../../../../webview/src/shared/protocol';
import type { ResourceItem } from '../resourceItem';
import { ModelPanelHost } from './modelPanelHost';
import { showFailure, timeout } from './panelHost';
import type { PanelCluster } from './podsPanel';
import { SchedulerFeed } from './schedulerFeed';
import { CONFIG_NAME, CONFIG_NAMESPACE } from './schedulerProfile';
import { type TimeTravel, readOnlyNotice } from './timeTravel';

export const SCHEDULER_VIEW_TYPE = 'kubelab.schedulerPanel';
const TITLE = 'KubeLab: Scheduler';

export class SchedulerPanel implements vscode.Disposable {
  private readonly host: ModelPanelHost<SchedulerFromPanel, SchedulerToPanel, SchedulerFeed>;
  private selected?: { pod: { namespace: string; name: string } | undefined; decision?: string };

  constructor(extensionUri: vscode.Uri, private readonly cluster: PanelCluster, timeTravel?: TimeTravel) {
    this.host = new ModelPanelHost(extensionUri, { viewType: SCHEDULER_VIEW_TYPE, title: TITLE, asset: 'scheduler' }, cluster, {
      onMessage: (m) => this.receive(m),
      feed: (model) => {
        const feed: SchedulerFeed = new SchedulerFeed({
          client: model.client,
          pods: model.pods,
          post: (message) => {
            if (this.host.feed === feed) this.host.post(message);
          },
          schedule: timeout,
        });
        return feed;
      },
      started: (feed) => {
        if (this.selected) feed.select(this.selected.pod, this.selected.decision);
        void feed.start(this.host.state, cluster.name).catch((err: unknown) => this.host.post({ type: 'notice', message: err instanceof Error ? err.message : String(err), error: true }));
      },
    }, timeTravel);
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
    this.host.dispose();
  }

  private receive(m: Exclude<SchedulerFromPanel, { type: 'ready' }>): void {
    switch (m.type) {
      case 'select':
        this.selected = { pod: m.pod, ...(m.decision ? { decision: m.decision } : {}) };
        this.host.feed?.select(m.pod, m.decision);
        return;
      case 'setWeight':
        void this.host.feed?.edit(m.profile, { type: 'setWeight', plugin: m.plugin, weight: m.weight }).catch(showFailure);
        return;
      case 'setEnabled':
        void this.host.feed?.edit(m.profile, { type: 'setEnabled', plugin: m.plugin, enabled: m.enabled }).catch(showFailure);
        return;
      case 'resetConfig':
        void this.host.feed?.reset().catch(showFailure);
        return;
      case 'editConfig': {
        const revision = this.host.revision;
        if (revision !== null) {
          this.host.post({ type: 'notice', message: readOnlyNotice(revision), error: true });
          return;
        }
        const item: ResourceItem = { ref: CONFIGMAPS, kind: 'ConfigMap', namespace: CONFIG_NAMESPACE, name: CONFIG_NAME };
        void vscode.commands.executeCommand('kubelab.editLive', item);
        return;
      }
      case 'startLab':
        void this.cluster.start().catch(showFailure);
        return;
    }
  }
}
