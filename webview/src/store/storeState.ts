/**
 * StoreState is the Store panel's data apart from the DOM: the levels of the
 * keyspace tree the host sent (each a map of rows by path), flattened into the
 * rows on screen for the open folders; which revision of a key's history is in
 * effect at a revision (time travel); and a diff's unchanged runs folded to
 * their context. Tested in Node.
 */
import type { DiffLine, StoreKeyHistoryView, StoreNodeView, StoreRevisionView, StoreToPanel } from '../shared/protocol';

/** ROOT is the tree's top level, the API server's keyspace. */
export const ROOT = '/registry/';

/** Row is one line of the tree on screen. */
export interface Row {
  node: StoreNodeView;
  depth: number;
  /** name is the row's own segment: `pods`, `default`, `web-1`. */
  name: string;
}

export class StoreTree {
  readonly levels = new Map<string, Map<string, StoreNodeView>>();
  readonly omitted = new Map<string, number>();
  /** changed are the rows the last messages touched, for the view to flash. */
  readonly changed = new Set<string>();

  /** apply takes one level (a reset, or a delta of its rows). */
  apply(m: Extract<StoreToPanel, { type: 'children' }>): void {
    let level = this.levels.get(m.prefix);
    if (m.reset || !level) {
      level = new Map();
      this.levels.set(m.prefix, level);
    }
    for (const path of m.nodes.remove) level.delete(path);
    for (const n of m.nodes.upsert) {
      if (!m.reset) this.changed.add(n.path);
      level.set(n.path, n);
    }
    this.omitted.set(m.prefix, m.omitted);
  }

  clear(): void {
    this.levels.clear();
    this.omitted.clear();
    this.changed.clear();
  }

  /** rows flattens the tree from the root, going into the folders that are open and whose level has arrived. */
  rows(expanded: ReadonlySet<string>): Row[] {
    const out: Row[] = [];
    const walk = (prefix: string, depth: number): void => {
      const level = this.levels.get(prefix);
      if (!level) return;
      for (const node of [...level.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
        out.push({ node, depth, name: nameOf(node.path, prefix) });
        if (!node.leaf && expanded.has(node.path)) walk(node.path, depth + 1);
      }
    };
    walk(ROOT, 0);
    return out;
  }
}

/** nameOf is a row's segment below its parent's prefix. */
export function nameOf(path: string, prefix: string): string {
  const rest = path.slice(prefix.length);
  return rest.endsWith('/') ? rest.slice(0, -1) : rest;
}

/** parentOf is the prefix of the level a path is a row of. */
export function parentOf(path: string): string {
  const cut = path.endsWith('/') ? path.slice(0, -1) : path;
  return cut.slice(0, cut.lastIndexOf('/') + 1);
}

/**
 * ValueAt is a key at a revision: the change in effect (a put, or the delete
 * that removed it), none (absent then, within the history), or unknown (before
 * the history the store keeps).
 */
export type ValueAt = { state: 'value' | 'deleted'; change: StoreRevisionView } | { state: 'absent' } | { state: 'unknown' };

export function valueAt(h: StoreKeyHistoryView, revision: number): ValueAt {
  let found: StoreRevisionView | undefined;
  for (const r of h.revisions) if (r.revision <= revision) found = r;
  if (found) return { state: found.type === 'delete' ? 'deleted' : 'value', change: found };
  return revision >= h.from ? { state: 'absent' } : { state: 'unknown' };
}

/** Folded is a diff's line or a run of unchanged lines left out. */
export type Folded = DiffLine | { skipped: number };

/** fold keeps context unchanged lines around each change and folds longer unchanged runs into one marker. */
export function fold(lines: readonly DiffLine[], context = 3): Folded[] {
  const near = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.op === ' ') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) near[j] = true;
  });
  const out: Folded[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (near[i]) {
      if (skipped) out.push({ skipped });
      skipped = 0;
      out.push(l);
    } else {
      skipped++;
    }
  });
  if (skipped) out.push({ skipped });
  return out;
}

/** formatBytes is a size as people read it: B, KiB, MiB, GiB. */
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
