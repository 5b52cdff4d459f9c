/**
 * StorePanel is the Store panel's host: one webview panel (KubeLab: Open Store
 * Panel) showing the lab's etcd-like store, restored after a window reload by
 * its serializer. A StoreFeed polls the lab's store control ops while the page
 * is visible; hidden, the page is dropped and nothing is read. A cluster that
 * is not the running lab gets its state instead, and the page says why. With
 * a TimeTravel the slider travels every panel: the page's revision goes to the
 * TimeTravel, and the feed follows the TimeTravel, whoever set it.
 */
import * as vscode from 'vscode';
import type { LabState } from '../../lab/lab';
import type { ClusterState, StoreFromPanel, StoreToPanel } from '../../../../webview/src/shared/protocol';
import { WebviewPanelHost, showFailure, timeout } from './panelHost';
import { RateSeries, type StoreControl, StoreFeed } from './storeFeed';
import type { Revision, Subscription, TimeTravel } from './timeTravel';

export const STORE_VIEW_TYPE = 'kubelab.storePanel';

/** StoreCluster is what the panel needs of the active cluster: whether it is the lab, its state, and the lab's control ops. */
export interface StoreCluster {
  readonly name: string;
  readonly isLab: boolean;
  readonly state: LabState;
  readonly onDidChangeState: vscode.Event<LabState>;
  start(): Promise<unknown>;
}

export class StorePanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<StoreFromPanel, StoreToPanel>;
  private feed?: StoreFeed;
  /** rate keeps the write-rate chart's points while the page is hidden or reloaded. */
  private readonly rate = new RateSeries();
  private view: Extract<StoreFromPanel, { type: 'ready' }>['view'] = { expanded: [] };
  private readonly subscription: vscode.Disposable;
  private readonly travelling?: Subscription;

  constructor(extensionUri: vscode.Uri, private readonly cluster: StoreCluster, private readonly control: StoreControl, private readonly timeTravel?: TimeTravel) {
    this.host = new WebviewPanelHost(extensionUri, { viewType: STORE_VIEW_TYPE, title: 'KubeLab: Store', asset: 'store' }, {
      onReady: (m) => {
        this.view = m.view;
        this.resync();
      },
      onMessage: (m) => this.receive(m),
      onHidden: () => this.pause(),
    });
    this.subscription = cluster.onDidChangeState(() => {
      if (this.host.ready) this.resync();
    });
    this.travelling = timeTravel?.onDidChange((revision) => this.follow(revision));
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    this.host.show();
  }

  dispose(): void {
    this.feed?.dispose();
    this.host.dispose();
    this.subscription.dispose();
    this.travelling?.dispose();
  }

  /** follow shows revision (null: live), as the shared TimeTravel says, and tells the page. */
  private follow(revision: Revision): void {
    const { at: _at, ...rest } = this.view;
    this.view = revision === null ? rest : { ...rest, at: revision };
    void this.feed?.travel(revision);
    if (this.host.ready) this.post({ type: 'travel', travel: { revision } });
  }

  private pause(): void {
    this.feed?.dispose();
    this.feed = undefined;
  }

  private post(message: StoreToPanel): void {
    this.host.post(message);
  }

  private receive(m: Exclude<StoreFromPanel, { type: 'ready' }>): void {
    const feed = this.feed;
    switch (m.type) {
      case 'expand':
        // The view is kept as the page has it, so a feed started over (the lab restarted) opens what the page shows.
        this.view = { ...this.view, expanded: [...new Set([...this.view.expanded, m.prefix])] };
        void feed?.expand(m.prefix);
        return;
      case 'collapse':
        this.view = { ...this.view, expanded: this.view.expanded.filter((p) => !p.startsWith(m.prefix)) };
        feed?.collapse(m.prefix);
        return;
      case 'select':
        this.view = { ...this.view, selected: m.key };
        void feed?.select(m.key);
        return;
      case 'diff':
        void feed?.diff(m.key, m.from, m.to);
        return;
      case 'travel': {
        const tt = this.timeTravel;
        if (tt) {
          const before = tt.revision;
          const refused = m.revision === null ? (tt.backToLive(), undefined) : tt.travel(m.revision);
          if (refused) this.post({ type: 'notice', message: refused, error: true });
          // Asked again for the revision every panel shows (the store had fallen back to live): only the store reads it again.
          else if (tt.revision === before) this.follow(m.revision);
          return;
        }
        const { at: _at, ...rest } = this.view;
        this.view = m.revision === null ? rest : { ...rest, at: m.revision };
        void feed?.travel(m.revision);
        return;
      }
      case 'compact':
        void feed?.compact();
        return;
      case 'defrag':
        void feed?.defrag();
        return;
      case 'saveSnapshot':
        void vscode.commands.executeCommand('kubelab.snapshotSave');
        return;
      case 'restoreSnapshot':
        void vscode.commands.executeCommand('kubelab.snapshotRestore');
        return;
      case 'startLab':
        void this.cluster.start().catch(showFailure);
        return;
    }
  }

  /** resync starts the page over: the running lab's store, or the cluster's state when there is none to show. */
  private resync(): void {
    this.feed?.dispose();
    this.feed = undefined;
    const state: ClusterState = this.cluster.state;
    if (!this.cluster.isLab || state !== 'running') {
      this.post({ type: 'state', state, cluster: this.cluster.name, isLab: this.cluster.isLab });
      return;
    }
    const feed = new StoreFeed(this.control, (message) => this.post(message), timeout, this.rate);
    this.feed = feed;
    const shared = this.timeTravel?.revision;
    if (shared !== undefined) {
      // The revision the panels show wins over the one the page kept.
      const { at: _at, ...rest } = this.view;
      this.view = shared === null ? rest : { ...rest, at: shared };
    }
    void feed.start(this.cluster.name, this.view);
    if (shared !== undefined && shared !== null) this.post({ type: 'travel', travel: { revision: shared } });
  }
}
