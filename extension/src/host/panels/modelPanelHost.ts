/**
 * ModelPanelHost is the host of a panel fed from the editor's ClusterModel
 * (Pods, Network, Scheduler): a WebviewPanelHost that follows the active
 * cluster (setModel) and runs one feed while the page is ready, started over
 * when the page says `ready` and when the cluster changes, and dropped with
 * the page. A cluster that is not running gets its state instead. With a
 * TimeTravel, the feed follows it: told each revision (or live) as it changes,
 * and the revision travelled to when it starts; a page's banner asking for
 * live (or a revision) goes to the TimeTravel, never to the panel.
 */
import type * as vscode from 'vscode';
import type { ClusterState, TravelFromPanel } from '../../../../webview/src/shared/protocol';
import type { ClusterModel } from '../clusterModel';
import { type PanelHostOptions, type PanelMessage, WebviewPanelHost } from './panelHost';
import type { Revision, Subscription, TimeTravel } from './timeTravel';

/** TravellingFeed is a feed that can show a past revision, read-only, and live again. */
export interface TravellingFeed extends vscode.Disposable {
  travel(revision: Revision): Promise<void>;
}

function isTravelMessage(m: PanelMessage): m is TravelFromPanel {
  return m.type === 'travelTo' || m.type === 'backToLive';
}

/** StateMessage is what every model-fed page is sent when there is no running cluster to show. */
export type StateMessage = { type: 'state'; state: ClusterState; cluster: string };

/** ModelPanelHooks are the panel's part: its messages, and the feed it runs over a model. */
export interface ModelPanelHooks<In extends PanelMessage, F> {
  onMessage(message: Exclude<In, { type: 'ready' } | TravelFromPanel>): void;
  /** feed makes the feed for a running cluster's model; it posts nothing until started. */
  feed(model: ClusterModel): F;
  /** started runs once the feed is the panel's: it sends the page its snapshot. */
  started(feed: F, model: ClusterModel): void;
  /** onHidden runs when the page is dropped, after its feed. */
  onHidden?(): void;
}

export class ModelPanelHost<In extends PanelMessage, Out extends PanelMessage, F extends TravellingFeed> implements vscode.Disposable {
  private readonly host: WebviewPanelHost<In, Out | StateMessage>;
  private current?: F;
  private currentModel?: ClusterModel;
  private currentState: ClusterState = 'stopped';
  private readonly travelling?: Subscription;

  constructor(
    extensionUri: vscode.Uri,
    options: PanelHostOptions,
    private readonly cluster: { readonly name: string },
    private readonly hooks: ModelPanelHooks<In, F>,
    private readonly timeTravel?: TimeTravel,
  ) {
    this.host = new WebviewPanelHost(extensionUri, options, {
      onReady: () => this.resync(),
      onMessage: (m) => {
        if (isTravelMessage(m)) this.travelMessage(m);
        else hooks.onMessage(m as Exclude<In, { type: 'ready' } | TravelFromPanel>);
      },
      onHidden: () => {
        this.drop();
        hooks.onHidden?.();
      },
    });
    this.travelling = timeTravel?.onDidChange((revision) => void this.current?.travel(revision));
  }

  /** revision is the revision the panels show, null when live. */
  get revision(): Revision {
    return this.timeTravel?.revision ?? null;
  }

  /** feed is the running feed, while the page is ready and the cluster running. */
  get feed(): F | undefined {
    return this.current;
  }

  get model(): ClusterModel | undefined {
    return this.currentModel;
  }

  get state(): ClusterState {
    return this.currentState;
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    this.host.show();
  }

  /** setModel follows the active cluster: a running cluster's model, or none with its state. */
  setModel(model: ClusterModel | undefined, state: ClusterState): void {
    this.currentModel = model;
    this.currentState = state;
    if (this.host.ready) this.resync();
  }

  post(message: Out): void {
    this.host.post(message);
  }

  dispose(): void {
    this.travelling?.dispose();
    this.current?.dispose();
    this.host.dispose();
  }

  private travelMessage(m: TravelFromPanel): void {
    if (m.type === 'backToLive') this.timeTravel?.backToLive();
    else this.timeTravel?.travel(m.revision);
  }

  /** resync starts the page over: a snapshot of the running cluster, or its state when there is none. */
  private resync(): void {
    this.drop();
    const model = this.currentModel;
    if (!model || this.currentState !== 'running') {
      this.host.post({ type: 'state', state: this.currentState, cluster: this.cluster.name });
      return;
    }
    const feed = this.hooks.feed(model);
    this.current = feed;
    this.hooks.started(feed, model);
    const revision = this.revision;
    if (revision !== null) void feed.travel(revision);
  }

  private drop(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}
