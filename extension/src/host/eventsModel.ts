/**
 * EventsModel is the Events view without the editor: the cluster's core/v1
 * Events from an informer the model starts when the view first asks, newest
 * first (by when each was last seen), capped so a busy cluster cannot flood
 * the view. Each row reads `Reason · kind/name` with the message beside it,
 * Warnings marked, and a tooltip with kubectl's wide columns.
 */
import type { Event } from '../lab/api/types';
import { EVENTS } from '../lab/client/resources';
import type { ClusterModel } from './clusterModel';
import type { ItemView } from './clusterTreeModel';
import { escapeMarkdown, printedCells } from './objectSummary';
import { contextValueOf, type ResourceItem } from './resourceItem';

/** EVENTS_LIMIT is how many events the view lists at most. */
export const EVENTS_LIMIT = 500;

/** EventNode stands for one Event; it carries ResourceItem's fields. */
export interface EventNode extends ResourceItem {
  type: 'event';
  id: string;
  key: string;
}

/** MoreNode says how many older events the cap leaves out. */
export interface MoreNode {
  type: 'more';
  id: string;
  hidden: number;
}

export type EventsNode = EventNode | MoreNode;

/** lastSeen is when an event last happened, in ms: series, lastTimestamp, eventTime, firstTimestamp, then creation. */
export function lastSeen(ev: Event): number {
  const series = (ev as { series?: { lastObservedTime?: string } }).series?.lastObservedTime;
  const t = series || ev.lastTimestamp || ev.eventTime || ev.firstTimestamp || ev.metadata.creationTimestamp;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/** newest returns the limit most recently seen events, newest first, without sorting all of them. */
export function newest(events: Iterable<Event>, limit: number): Event[] {
  // A min-heap of the newest seen so far: each event costs O(log limit), not a sort of every event.
  const heap: { t: number; ev: Event }[] = [];
  const less = (a: { t: number; ev: Event }, b: { t: number; ev: Event }) => a.t < b.t || (a.t === b.t && (a.ev.metadata.name ?? '') < (b.ev.metadata.name ?? ''));
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  if (limit <= 0) return [];
  for (const ev of events) {
    const e = { t: lastSeen(ev), ev };
    if (heap.length < limit) {
      heap.push(e);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!less(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (less(heap[0], e)) {
      heap[0] = e;
      down(0);
    }
  }
  return heap.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0)).map((e) => e.ev);
}

export class EventsModel {
  private rows?: EventsNode[];

  constructor(readonly model: ClusterModel, readonly limit = EVENTS_LIMIT) {}

  /** invalidate forgets the listed rows; the next children() reads the informer afresh. */
  invalidate(): void {
    this.rows = undefined;
  }

  children(): EventsNode[] {
    if (this.rows) return this.rows;
    const all = this.model.informer<Event>(EVENTS).list();
    const shown = newest(all, this.limit);
    const rows: EventsNode[] = shown.map((ev) => {
      const namespace = ev.metadata.namespace ?? '';
      const name = ev.metadata.name ?? '';
      const key = namespace ? `${namespace}/${name}` : name;
      return { type: 'event', id: `event/${key}`, key, ref: EVENTS, kind: 'Event', namespace, name };
    });
    if (all.length > shown.length) rows.push({ type: 'more', id: 'events/more', hidden: all.length - shown.length });
    return (this.rows = rows);
  }

  item(node: EventsNode): ItemView {
    if (node.type === 'more') {
      return { id: node.id, label: `${node.hidden} older ${node.hidden === 1 ? 'event' : 'events'} not shown`, collapsible: 'none', icon: { id: 'ellipsis' } };
    }
    const ev = this.event(node);
    if (!ev) return { id: node.id, label: node.name, description: 'expired', collapsible: 'none', contextValue: contextValueOf('Event') };
    const warning = ev.type === 'Warning';
    return {
      id: node.id,
      label: `${ev.reason ?? ''} · ${involved(ev)}`,
      description: (ev.message ?? '').trim(),
      icon: warning ? { id: 'warning', color: 'list.warningForeground' } : { id: 'info' },
      collapsible: 'none',
      contextValue: contextValueOf('Event', warning ? ['warning'] : []),
    };
  }

  /** tooltip is kubectl's wide columns for the event (count, first and last seen, source) and its message. */
  tooltip(node: EventsNode, now: number): string | undefined {
    if (node.type !== 'event') return undefined;
    const ev = this.event(node);
    if (!ev) return undefined;
    const { cells } = printedCells('', 'events', ev, now);
    const lines = [
      `**${escapeMarkdown(ev.type ?? 'Normal')}** ${escapeMarkdown(ev.reason ?? '')} · \`${involved(ev)}\`${ev.metadata.namespace ? ` in \`${ev.metadata.namespace}\`` : ''}`,
      '',
      escapeMarkdown((ev.message ?? '').trim()),
      '',
      `Count: ${cells('Count')}  `,
      `First seen: ${cells('First Seen')} ago (${ev.firstTimestamp ?? ev.eventTime ?? '—'})  `,
      `Last seen: ${cells('Last Seen')} ago (${ev.lastTimestamp ?? ev.eventTime ?? '—'})  `,
      `Source: ${escapeMarkdown(cells('Source') || '<none>')}  `,
    ];
    if (ev.involvedObject.fieldPath) lines.push(`Subobject: \`${ev.involvedObject.fieldPath}\`  `);
    return lines.join('\n');
  }

  private event(node: EventNode): Event | undefined {
    return this.model.informer<Event>(EVENTS).get(node.key);
  }
}

/** involved is kubectl's OBJECT column: the kind in lower case, a slash, the name. */
function involved(ev: Event): string {
  const kind = (ev.involvedObject.kind ?? '').toLowerCase();
  return ev.involvedObject.name ? `${kind}/${ev.involvedObject.name}` : kind;
}
