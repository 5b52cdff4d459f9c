/**
 * panelProtocol holds what every panel's messages share: the cluster's state,
 * deltas and time travel. protocol.ts re-exports it with the rest.
 */

/** ClusterState is the active cluster's state, as the status bar shows it. */
export type ClusterState = 'stopped' | 'starting' | 'running' | 'stopping';

/** Delta carries what changed since the last message: objects replaced whole, and keys removed. */
export interface Delta<T> {
  upsert: T[];
  remove: string[];
}

/** TravelView is the revision a panel shows (time travel): null when live; error says why the revision cannot be shown. */
export interface TravelView {
  revision: number | null;
  error?: string;
}

/** TravelFromPanel is what a page's time-travel banner or slider asks: a revision, or live again. */
export type TravelFromPanel =
  | { type: 'travelTo'; revision: number }
  | { type: 'backToLive' };
