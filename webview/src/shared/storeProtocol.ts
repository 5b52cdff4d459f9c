/**
 * storeProtocol types the Store panel's messages both ways: the lab store's
 * figures, keyspace tree, values, key histories and diffs. protocol.ts
 * re-exports it.
 */
import type { ClusterState, Delta, TravelView } from './panelProtocol';

/** StoreStatsView is the Store panel's header: the lab store's revisions, size against quota and watchers. */
export interface StoreStatsView {
  /** backend is the lab's store: embedded, durable (kubelab.persistence) or etcd. */
  backend: string;
  revision: number;
  compactRevision: number;
  keys: number;
  watchers: number;
  /** dbSize, dbSizeInUse and quotaBytes are the backend's bytes, 0 when the store cannot say. */
  dbSize: number;
  dbSizeInUse: number;
  quotaBytes: number;
  alarms: string[];
}

/** StoreNodeView is one row of the keyspace tree: a folder (a resource, a namespace) or a key. */
export interface StoreNodeView {
  /** path is the folder's prefix (ending in `/`) or the key: the row's identity. */
  path: string;
  leaf: boolean;
  count: number;
  bytes: number;
  modRevision: number;
  /** createRevision and version are a key's (0 for a folder). */
  createRevision: number;
  version: number;
}

/** RatePoint is the store's write rate (revisions a second of lab time) over the interval ending at t (lab ms). */
export interface RatePoint {
  t: number;
  rate: number;
}

/** StoreValueView is one stored value as the panel shows it. */
export interface StoreValueView {
  /** format: yaml (the API server's JSON, shown as YAML), encrypted (at rest: shown, never decrypted), text (anything else), deleted (a tombstone). */
  format: 'yaml' | 'encrypted' | 'text' | 'deleted';
  /** text is the YAML, the text, or for an encrypted value a hex dump of its first bytes. */
  text: string;
  /** encryption names the provider and key of an encrypted value (`aescbc`, key `key1`). */
  encryption?: { provider: string; key: string };
  bytes: number;
}

/** StoreRevisionView is one change of the selected key. */
export interface StoreRevisionView {
  revision: number;
  type: 'put' | 'delete';
  createRevision: number;
  version: number;
  value: StoreValueView;
}

/** StoreKeyHistoryView is the selected key's history: complete after revision `from` (the first entry may be the value in effect there). */
export interface StoreKeyHistoryView {
  key: string;
  from: number;
  revisions: StoreRevisionView[];
  /** note says what the store cannot tell (the etcd backend's history of a deleted key). */
  note?: string;
}

/** DiffLine is one line of a line diff: kept, removed (from the older) or added (in the newer). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** The Store panel's messages from the host. */
export type StoreToPanel =
  /** the lab's store is open: figures, the rate chart so far, and the tree's root level (at: null when live). */
  | { type: 'snapshot'; cluster: string; stats: StoreStatsView; rate: RatePoint[]; at: number | null }
  /** the active cluster is not the running lab: state, and whether it is the lab at all. */
  | { type: 'state'; state: ClusterState; cluster: string; isLab: boolean }
  /** new figures and the rate points since the last message. */
  | { type: 'stats'; stats: StoreStatsView; rate: RatePoint[] }
  /** one level of the tree under prefix, as of `at` (null: live); reset replaces the level, otherwise a delta. */
  | { type: 'children'; prefix: string; at: number | null; reset: boolean; nodes: Delta<StoreNodeView>; omitted: number }
  /** the selected key's history, undefined when none is selected. */
  | { type: 'history'; history: StoreKeyHistoryView | undefined }
  /** a diff the panel asked for, between two revisions of key. */
  | { type: 'diff'; key: string; from: number; to: number; lines: DiffLine[] }
  /** the outcome of a panel action (compact, defrag, time travel): error when it failed. */
  | { type: 'notice'; message: string; error: boolean }
  /** the revision every panel shows (shared time travel): the banner's; the tree's own `at` says what was read. */
  | { type: 'travel'; travel: TravelView };

/** The Store panel's intents. */
export type StoreFromPanel =
  /** the page is loaded, with what it kept (expanded folders, selected key, revision, diff). */
  | { type: 'ready'; view: StorePanelState }
  | { type: 'expand'; prefix: string }
  | { type: 'collapse'; prefix: string }
  | { type: 'select'; key: string | undefined }
  | { type: 'diff'; key: string; from: number; to: number }
  /** travel shows the store as of revision (null: live again). */
  | { type: 'travel'; revision: number | null }
  | { type: 'compact' }
  | { type: 'defrag' }
  | { type: 'saveSnapshot' }
  | { type: 'restoreSnapshot' }
  | { type: 'startLab' };

/** StorePanelState is what the Store panel keeps across hiding and window reloads. */
export interface StorePanelState {
  expanded: string[];
  selected?: string;
  /** at is the revision shown (time travel), absent when live. */
  at?: number;
  diff?: { from: number; to: number };
}
