/**
 * watchGroups keeps a watch cache's groups of watchers, indexed as upstream's
 * cacher indexes its watchers by trigger value: a group whose field selector
 * requires a field to equal a value (`spec.nodeName=node-7`, `metadata.name=web`)
 * is found by that value, so a change reaches the groups its old or new object
 * names and the groups without such a requirement — not every kubelet's watch.
 */
import type { KubeObject, WatchEvent } from '../api/types';
import { type ObjectFilter, selectedFieldValue } from './selectors';

/** A decoded change: the object after it (or the deleted object) and before it. */
export interface CachedEvent {
  revision: number;
  key: string;
  deleted: boolean;
  cur?: KubeObject;
  prev?: KubeObject;
}

/** WatchFail ends a watch: with a message, the watch's last event is an error (410 Gone for a compacted revision); without one, the watch just ends, as the cacher's terminated watchers do, and the client watches again or relists. */
export type WatchFail = (message?: string) => void;

export interface Watcher {
  /** seq orders watchers by when they joined: a group emits to them in that order. */
  seq: number;
  prefix: string;
  from: number;
  filter: ObjectFilter;
  emit: (e: WatchEvent) => void;
  fail: WatchFail;
  cancelled: boolean;
}

/**
 * Group gathers watchers with the same scope and selectors, so each change is
 * matched once per group and handed to the group's emit functions, an array
 * walked with nothing to check per watcher. A new watcher is pushed (a fan-out
 * under way reaches it, as it would a Set's new member); a cancelled one's emit
 * becomes a no-op where it stands (a fan-out under way skips it) and the arrays
 * are compacted before the group's next change.
 */
export interface Group {
  /** seq orders groups by creation: a change is fanned out to them in that order. */
  seq: number;
  prefix: string;
  filter: ObjectFilter;
  /** trigger is the field and value the filter requires, by which the group is indexed. */
  trigger?: { field: string; value: string };
  /** live are the watchers that started at or before the cache's revision, so every change from here on is theirs; emits are their emit functions, index for index. */
  live: Watcher[];
  emits: ((e: WatchEvent) => void)[];
  /** early are watchers that start after the cache's revision (a resourceVersion still to come): each goes live once a change passes its start. */
  early: Watcher[];
  /** cancelled counts the no-ops compact has to remove. */
  cancelled: number;
}

/** NOOP stands in a group's emits for a watcher cancelled since the last compaction. */
export const NOOP = (): void => undefined;

interface TriggerIndex {
  /** filter reads the field's value (a computed selectable field goes through the resource's function). */
  filter: ObjectFilter;
  byValue: Map<string, Group[]>;
}

export class WatchGroups {
  private readonly byKey = new Map<string, Group>();
  /** plain are the groups without a trigger, in creation order. */
  private readonly plain = new Set<Group>();
  private readonly indexes = new Map<string, TriggerIndex>();
  /** withEarly are the groups holding watchers that have not gone live. */
  readonly withEarly = new Set<Group>();
  private seq = 0;

  get(key: string): Group | undefined {
    return this.byKey.get(key);
  }

  /** open returns the group for key, creating it (indexed by its filter's trigger) if there is none. */
  open(key: string, prefix: string, filter: ObjectFilter): Group {
    let g = this.byKey.get(key);
    if (g) return g;
    g = { seq: this.seq++, prefix, filter, live: [], emits: [], early: [], cancelled: 0 };
    const trigger = filter.fields.find((f) => !f.negate);
    if (trigger) {
      g.trigger = { field: trigger.field, value: trigger.value };
      let index = this.indexes.get(trigger.field);
      if (!index) this.indexes.set(trigger.field, (index = { filter, byValue: new Map() }));
      const list = index.byValue.get(trigger.value);
      if (list) list.push(g);
      else index.byValue.set(trigger.value, [g]);
    } else {
      this.plain.add(g);
    }
    this.byKey.set(key, g);
    return g;
  }

  delete(key: string): void {
    const g = this.byKey.get(key);
    if (!g) return;
    this.byKey.delete(key);
    this.withEarly.delete(g);
    if (!g.trigger) {
      this.plain.delete(g);
      return;
    }
    const index = this.indexes.get(g.trigger.field);
    const list = index?.byValue.get(g.trigger.value);
    if (!index || !list) return;
    const at = list.indexOf(g);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) index.byValue.delete(g.trigger.value);
    if (index.byValue.size === 0) this.indexes.delete(g.trigger.field);
  }

  all(): IterableIterator<Group> {
    return this.byKey.values();
  }

  clear(): void {
    this.byKey.clear();
    this.plain.clear();
    this.indexes.clear();
    this.withEarly.clear();
  }

  /**
   * candidates are the groups a change can concern, in creation order: those without
   * a trigger, and those whose trigger value the object names before or after the change.
   */
  candidates(c: CachedEvent): Iterable<Group> {
    if (this.indexes.size === 0) return this.plain;
    let hits: Group[] | undefined;
    for (const [field, index] of this.indexes) {
      const now = c.cur ? selectedFieldValue(index.filter, c.cur, field) : undefined;
      const before = c.prev ? selectedFieldValue(index.filter, c.prev, field) : undefined;
      const a = now === undefined ? undefined : index.byValue.get(now);
      if (a) (hits ??= []).push(...a);
      const b = before === undefined || before === now ? undefined : index.byValue.get(before);
      if (b) (hits ??= []).push(...b);
    }
    if (!hits) return this.plain;
    hits.sort((x, y) => x.seq - y.seq);
    return this.plain.size === 0 ? hits : mergeBySeq(this.plain, hits);
  }
}

/** mergeBySeq merges two lists of groups, each in creation order, into one. */
function mergeBySeq(a: Iterable<Group>, b: Group[]): Group[] {
  const out: Group[] = [];
  let j = 0;
  for (const g of a) {
    while (j < b.length && b[j].seq < g.seq) out.push(b[j++]);
    out.push(g);
  }
  while (j < b.length) out.push(b[j++]);
  return out;
}
