/**
 * StoreFeed feeds the Store panel from the lab's store control ops. It polls:
 * the host cannot watch the store itself (only the API above it), and a poll
 * at POLL_MS while the panel is visible costs one small status read when
 * nothing changed. The figures go out when they change, with the write rate
 * measured between polls; each open level of the keyspace tree is read again
 * only when the revision moved, and sent as a delta of the rows that changed;
 * the selected key's history likewise. Time travel reads the levels at a past
 * revision once (history does not change) and goes back to live, with a
 * notice, if a compaction passes it. Every step runs in one queue, so replies
 * never cross. No `vscode` here, so it is tested in plain Node.
 */
import type { ControlResults, LabControl } from '../../lab/labControl';
import type { StoreChild, StoreStats } from '../../lab/storeControl';
import type { KeyHistory } from '../../lab/store/store';
import type {
  RatePoint, StoreKeyHistoryView, StoreNodeView, StorePanelState, StoreStatsView, StoreToPanel,
} from '../../../../webview/src/shared/protocol';
import { lineDiff } from './lineDiff';
import type { Schedule } from './podsFeed';
import { storedValue } from './storeValue';

/** POLL_MS is how often a visible panel reads the store: once a second is live enough for a chart and cheap for the lab. */
export const POLL_MS = 1000;
/** RATE_WINDOW_MS is how much of the write rate the chart keeps: the last five minutes of lab time. */
export const RATE_WINDOW_MS = 5 * 60_000;
/** ROOT is the tree's top: the API server's keyspace. */
export const ROOT = '/registry/';

/** StoreControl runs one lab control op; it rejects with the lab's reason. */
export type StoreControl = <O extends LabControl>(op: O) => Promise<ControlResults[O['op']]>;

/** RateSeries turns samples of the revision into writes a second, kept for the chart's window; it outlives a hidden panel's feed. */
export class RateSeries {
  private points: RatePoint[] = [];
  private last?: { t: number; revision: number };

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  /** add samples the revision at lab time t and answers the rate since the last sample, if time moved and the store did not go back (a restore). */
  add(t: number, revision: number): RatePoint | undefined {
    const last = this.last;
    this.last = { t, revision };
    if (last && t < last.t) this.points = [];
    if (!last || t <= last.t || revision < last.revision) return undefined;
    const point = { t, rate: ((revision - last.revision) * 1000) / (t - last.t) };
    this.points.push(point);
    while (this.points.length && this.points[0].t < t - this.windowMs) this.points.shift();
    return point;
  }

  all(): RatePoint[] {
    return [...this.points];
  }
}

/** statsView is the panel's header from the store's figures. */
export function statsView(s: StoreStats): StoreStatsView {
  return {
    backend: s.backend, revision: s.revision, compactRevision: s.compactRevision, keys: s.keys, watchers: s.watchers,
    dbSize: s.dbSize ?? 0, dbSizeInUse: s.dbSizeInUse ?? 0, quotaBytes: s.quotaBytes ?? 0, alarms: s.alarms,
  };
}

/** historyView is the panel's view of a key's history: each change with its value decoded as the API server stored it. */
export function historyView(h: KeyHistory, backend: string): StoreKeyHistoryView {
  const view: StoreKeyHistoryView = {
    key: h.key,
    from: h.from,
    revisions: h.changes.map((c) => ({
      revision: c.kv.modRevision, type: c.type, createRevision: c.kv.createRevision, version: c.kv.version,
      value: storedValue(c.kv.value, c.type === 'delete'),
    })),
  };
  if (backend === 'etcd') view.note = 'etcd\'s API reads a key at a revision, not its deletions: the history starts at the key\'s latest creation.';
  return view;
}

function signature(c: StoreChild): string {
  return `${c.count}|${c.bytes}|${c.modRevision}|${c.createRevision}|${c.version}`;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class StoreFeed {
  private readonly expanded = new Set<string>();
  /** sent holds, per open level, each row's signature as the panel has it. */
  private readonly sent = new Map<string, Map<string, string>>();
  private at: number | null = null;
  private selected?: string;
  private history?: { key: string; signature: string; view: StoreKeyHistoryView };
  private lastStats?: StoreStats;
  private lastStatsSent = '';
  /** readRevision is the revision the open levels were last read at (live). */
  private readRevision = 0;
  private queue: Promise<void> = Promise.resolve();
  private cluster = '';
  /** wantedAt is the revision the page showed when it was last open; opened says the snapshot went out. */
  private wantedAt?: number;
  private opened = false;
  private cancelTick?: () => void;
  private disposed = false;

  constructor(
    private readonly control: StoreControl,
    private readonly post: (message: StoreToPanel) => void,
    private readonly schedule: Schedule,
    private readonly rate: RateSeries,
  ) {}

  /** start sends the snapshot for the page's kept view (its open folders, selection and revision), then polls. */
  start(cluster: string, view: StorePanelState): Promise<void> {
    this.cluster = cluster;
    for (const p of view.expanded) if (p.startsWith(ROOT) && p.endsWith('/') && p !== ROOT) this.expanded.add(p);
    this.selected = view.selected;
    this.wantedAt = view.at;
    return this.run(() => this.open()).then(() => this.arm());
  }

  /** open sends the snapshot; until it could (a lab busy restoring refuses), each poll tries again. */
  private async open(): Promise<void> {
    const stats = await this.control({ op: 'storeStats' });
    this.lastStats = stats;
    this.rate.add(stats.now, stats.revision);
    const wanted = this.wantedAt;
    this.at = wanted !== undefined && wanted >= stats.compactRevision && wanted <= stats.revision ? wanted : null;
    this.lastStatsSent = JSON.stringify(statsView(stats));
    this.opened = true;
    this.post({ type: 'snapshot', cluster: this.cluster, stats: statsView(stats), rate: this.rate.all(), at: this.at });
    if (wanted !== undefined && this.at === null) this.notice(`Revision ${wanted} is not in the store's history (it keeps revisions ${stats.compactRevision} to ${stats.revision}): showing the store live.`, true);
    await this.readLevels(true, stats.revision);
    await this.readHistory(true);
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  /** expand opens a folder: its level is read and kept up to date. */
  expand(prefix: string): Promise<void> {
    return this.run(async () => {
      if (!prefix.startsWith(ROOT) || !prefix.endsWith('/')) return;
      this.expanded.add(prefix);
      await this.readLevel(prefix, true);
    });
  }

  /** collapse closes a folder and the ones open inside it: they are no longer read. */
  collapse(prefix: string): void {
    for (const p of [...this.expanded]) {
      if (!p.startsWith(prefix)) continue;
      this.expanded.delete(p);
      this.sent.delete(p);
    }
  }

  /** select shows a key's history (undefined: none). */
  select(key: string | undefined): Promise<void> {
    return this.run(async () => {
      this.selected = key;
      this.history = undefined;
      await this.readHistory(true);
    });
  }

  /** travel shows the keyspace as of revision, or live again (null). */
  travel(revision: number | null): Promise<void> {
    return this.run(async () => {
      if (revision !== null && (!Number.isSafeInteger(revision) || revision < 1)) {
        this.notice(`Revision ${JSON.stringify(revision)} is not a revision.`, true);
        return;
      }
      const before = this.at;
      this.at = revision;
      try {
        await this.readLevels(true, this.lastStats?.revision ?? 0, true);
      } catch (err) {
        this.notice(`Cannot show revision ${revision}: ${message(err)}`, true);
        this.at = before;
        await this.readLevels(true, this.lastStats?.revision ?? 0);
      }
    });
  }

  /** diff sends the line diff of key's values at two revisions of its history. */
  diff(key: string, from: number, to: number): Promise<void> {
    return this.run(() => {
      const h = this.history;
      const a = h?.key === key ? h.view.revisions.find((r) => r.revision === from) : undefined;
      const b = h?.key === key ? h.view.revisions.find((r) => r.revision === to) : undefined;
      if (!a || !b) {
        this.notice(`Revision ${a ? to : from} of ${key} is not in its history.`, true);
        return Promise.resolve();
      }
      this.post({ type: 'diff', key, from, to, lines: lineDiff(a.value.text, b.value.text) });
      return Promise.resolve();
    });
  }

  /** compact compacts the store to its current revision; refused while the panel shows a past revision. */
  compact(): Promise<void> {
    return this.run(async () => {
      if (this.at !== null) {
        this.notice('Go back to live before compacting: compaction would remove the revision shown.', true);
        return;
      }
      try {
        const r = await this.control({ op: 'storeCompact' });
        this.notice(`Compacted the store's history up to revision ${r.compactRevision}.`, false);
        await this.poll();
      } catch (err) {
        this.notice(`Compaction failed: ${message(err)}`, true);
      }
    });
  }

  /** defrag gives the space compaction freed back to the backend. */
  defrag(): Promise<void> {
    return this.run(async () => {
      try {
        const r = await this.control({ op: 'storeDefrag' });
        this.notice(`Defragmented the store: ${formatBytes(r.before)} → ${formatBytes(r.after)}.`, false);
        await this.poll();
      } catch (err) {
        this.notice(`Defrag failed: ${message(err)}`, true);
      }
    });
  }

  /** tick is one poll, run in the queue; the next is armed when it is done. */
  tick(): Promise<void> {
    this.cancelTick = undefined;
    return this.run(() => this.poll()).then(() => this.arm());
  }

  private arm(): void {
    if (this.disposed || this.cancelTick) return;
    this.cancelTick = this.schedule(() => void this.tick(), POLL_MS);
  }

  private run(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => (this.disposed ? undefined : step()));
    // A failed step (the lab stopping under it) is reported by the panel's state; the queue goes on.
    this.queue = next.catch(() => undefined);
    return this.queue;
  }

  private notice(text: string, error: boolean): void {
    if (!this.disposed) this.post({ type: 'notice', message: text, error });
  }

  /** poll reads the figures, and the levels and history when the store moved. */
  private async poll(): Promise<void> {
    if (!this.opened) return this.open();
    const stats = await this.control({ op: 'storeStats' });
    const previous = this.lastStats;
    this.lastStats = stats;
    const point = this.rate.add(stats.now, stats.revision);
    const view = statsView(stats);
    const json = JSON.stringify(view);
    if (point || json !== this.lastStatsSent) {
      this.lastStatsSent = json;
      if (!this.disposed) this.post({ type: 'stats', stats: view, rate: point ? [point] : [] });
    }
    if (this.at !== null && this.at < stats.compactRevision) {
      const at = this.at;
      this.at = null;
      this.notice(`Revision ${at} has been compacted (the store keeps revisions ${stats.compactRevision} to ${stats.revision}): showing the store live.`, true);
      await this.readLevels(true, stats.revision);
    } else if (this.at === null && stats.revision !== this.readRevision) {
      await this.readLevels(false, stats.revision);
    }
    if (!previous || previous.revision !== stats.revision || previous.compactRevision !== stats.compactRevision) await this.readHistory(false);
  }

  /** readLevels reads every open level; strict lets a failure through (time travel to a revision the store refuses). */
  private async readLevels(reset: boolean, revision: number, strict = false): Promise<void> {
    for (const prefix of [ROOT, ...[...this.expanded].sort()]) await this.readLevel(prefix, reset, strict);
    if (this.at === null) this.readRevision = revision;
  }

  private async readLevel(prefix: string, reset: boolean, strict = false): Promise<void> {
    let keys;
    try {
      keys = await this.control(this.at === null ? { op: 'storeKeys', prefix } : { op: 'storeKeys', prefix, revision: this.at });
    } catch (err) {
      if (strict) throw err;
      return;
    }
    const sent = reset ? new Map<string, string>() : (this.sent.get(prefix) ?? new Map<string, string>());
    const upsert: StoreNodeView[] = [];
    const seen = new Set<string>();
    for (const c of keys.children) {
      seen.add(c.path);
      const sig = signature(c);
      if (sent.get(c.path) === sig) continue;
      sent.set(c.path, sig);
      upsert.push({ ...c });
    }
    const remove = [...sent.keys()].filter((p) => !seen.has(p));
    for (const p of remove) sent.delete(p);
    const had = this.sent.has(prefix);
    this.sent.set(prefix, sent);
    if (this.disposed || (!reset && had && !upsert.length && !remove.length)) return;
    this.post({ type: 'children', prefix, at: this.at, reset: reset || !had, nodes: { upsert, remove }, omitted: keys.omitted });
  }

  /** readHistory reads the selected key's history and sends it when it changed (always when forced). */
  private async readHistory(force: boolean): Promise<void> {
    const key = this.selected;
    if (!key) {
      if (force && !this.disposed) this.post({ type: 'history', history: undefined });
      return;
    }
    let read: KeyHistory;
    try {
      read = await this.control({ op: 'storeHistory', key });
    } catch (err) {
      if (force) this.notice(`Cannot read the history of ${key}: ${message(err)}`, true);
      return;
    }
    if (this.selected !== key) return;
    const last = read.changes[read.changes.length - 1];
    const sig = `${read.from}|${read.changes.length}|${last?.kv.modRevision ?? 0}`;
    if (!force && this.history?.key === key && this.history.signature === sig) return;
    const view = historyView(read, this.lastStats?.backend ?? '');
    this.history = { key, signature: sig, view };
    if (!this.disposed) this.post({ type: 'history', history: view });
  }
}

/** formatBytes is a size in KiB, MiB or GiB for a notice. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
