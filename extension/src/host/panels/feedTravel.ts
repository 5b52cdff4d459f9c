/**
 * FeedTravel is the time-travel half every panel feed shares: the view the
 * feed draws from (its informers live, caches read at a past revision), which
 * revision it shows and why it could not, if it could not, dropping reads that
 * another travel overtook, going back to live with a fresh snapshot, and the
 * `travel` message the page's banner shows. Each feed keeps what is its own:
 * what it reads at a revision, what it drops when live events stop, and its
 * snapshot. No `vscode` here, so it is tested in plain Node.
 */
import type { TravelView } from '../../../../webview/src/shared/protocol';
import { type TravelFailure, isFailure } from './revisionCache';
import type { Revision } from './timeTravel';

/** TravellingFeed is what a feed lends its FeedTravel; V is what the feed draws from. */
export interface TravellingFeed<V extends object> {
  /** stop drops what waits to be sent, so live events stop being applied at once. */
  stop(): void;
  /** read reads everything the feed draws as of revision, or why the API refused. */
  read(revision: number): Promise<V | TravelFailure>;
  /** resnapshot sends the page its snapshot again, drawn from the view now shown. */
  resnapshot(): void;
}

export type TravelMessage = { type: 'travel'; travel: TravelView };

export class FeedTravel<V extends object> {
  private current: V;
  private shown: TravelView = { revision: null };
  /** seq drops reads overtaken by another travel. */
  private seq = 0;
  private snapshotted = false;
  private disposed = false;

  constructor(
    private readonly live: V,
    private readonly post: (message: TravelMessage) => void,
    private readonly feed: TravellingFeed<V>,
  ) {
    this.current = live;
  }

  /** view is what the feed draws from: live, or the cluster as of the revision shown. */
  get view(): V {
    return this.current;
  }

  /** revision is the revision the feed shows, null when live. */
  get revision(): Revision {
    return this.shown.revision;
  }

  /** snapshotSent is told of each snapshot the feed sends, and tells the page the revision shown when it is not live. */
  snapshotSent(): void {
    this.snapshotted = true;
    if (this.shown.revision !== null) this.post({ type: 'travel', travel: this.shown });
  }

  /** dispose makes a read that ends afterwards change nothing. */
  dispose(): void {
    this.disposed = true;
  }

  /**
   * to shows the cluster as of revision, or live again (null): live events
   * stop being applied at once; the snapshot follows the read (or, if the API
   * refused it — 410 Gone once compacted — a travel message saying why).
   * Before the page's first snapshot nothing is sent: that snapshot shows the revision.
   */
  async to(revision: Revision): Promise<void> {
    const seq = ++this.seq;
    this.feed.stop();
    if (revision === null) {
      const was = this.shown.revision;
      this.current = this.live;
      this.shown = { revision: null };
      if (was === null || !this.snapshotted || this.disposed) return;
      this.feed.resnapshot();
      this.post({ type: 'travel', travel: this.shown });
      return;
    }
    this.shown = { revision };
    const read = await this.feed.read(revision);
    if (seq !== this.seq || this.disposed) return;
    if (isFailure(read)) {
      this.shown = { revision, error: read.error };
      if (this.snapshotted) this.post({ type: 'travel', travel: this.shown });
      return;
    }
    this.current = read;
    if (this.snapshotted) this.feed.resnapshot();
  }
}
