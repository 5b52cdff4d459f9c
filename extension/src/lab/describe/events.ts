/**
 * events is how describe finds and prints an object's events: searchEvents
 * lists core/v1 events with the involvedObject field selector client-go's
 * GetFieldSelector builds, and describeEvents prints kubectl's
 * `Type Reason Age From Message` table, oldest last-seen first.
 */
import type { KubeObject, Status } from '../api/types';
import { isStatus } from '../api/types';
import { get, num, str } from '../apiserver/printers/fields';
import { parseTime, since } from '../apiserver/printers/format';
import { EVENTS } from '../client/resources';
import { type DescribeContext, listAll } from './context';
import { goSort } from './goSort';
import type { PrefixWriter } from './prefixWriter';

/** EventRef is the part of an ObjectReference the event search uses; kind and uid are left out when empty. */
export interface EventRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** refOf is reference.GetReference for a stored object. */
export function refOf(obj: KubeObject, kind: string): EventRef {
  return { kind: obj.kind ?? kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}

/** escapeFieldValue is fields.EscapeValue: backslash, comma and equals are escaped. */
function escapeFieldValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

/** eventFieldSelector is GetFieldSelector(&name, &namespace, kind, uid): name and namespace always, kind and uid when set. */
export function eventFieldSelector(ref: EventRef): string {
  const terms: [string, string][] = [];
  if (ref.kind) terms.push(['involvedObject.kind', ref.kind]);
  terms.push(['involvedObject.name', ref.name], ['involvedObject.namespace', ref.namespace]);
  if (ref.uid) terms.push(['involvedObject.uid', ref.uid]);
  return terms.map(([k, v]) => `${k}=${escapeFieldValue(v)}`).join(',');
}

/**
 * searchEvents lists the events about ref in its namespace (all namespaces for a
 * cluster-scoped object). Like kubectl, a failed list still yields what was read
 * (nothing), so the section prints `<none>`.
 */
export async function searchEvents(ctx: DescribeContext, ref: EventRef): Promise<KubeObject[]> {
  const res = await listEvents(ctx, ref);
  return isStatus(res) ? [] : res;
}

/** listEvents is the event search itself, answering the Status of a failed list. */
export function listEvents(ctx: DescribeContext, ref: EventRef): Promise<KubeObject[] | Status> {
  return listAll(ctx, EVENTS, ref.namespace, { fieldSelector: eventFieldSelector(ref) });
}

function lastTimestamp(e: unknown): number {
  return parseTime(get(e, 'lastTimestamp')) ?? Number.NEGATIVE_INFINITY;
}

/** eventAge is the Age cell: `5s`, or `2m (x3 over 10m)` for a repeated event or series. */
function eventAge(e: unknown, now: number): string {
  const eventTime = parseTime(get(e, 'eventTime'));
  const first = eventTime === undefined ? since(get(e, 'firstTimestamp'), now) : since(get(e, 'eventTime'), now);
  const series = get(e, 'series');
  if (series !== undefined && series !== null) return `${since(get(series, 'lastObservedTime'), now)} (x${num(series, 'count')} over ${first})`;
  const count = num(e, 'count');
  if (count > 1) return `${since(get(e, 'lastTimestamp'), now)} (x${count} over ${first})`;
  return first;
}

/** describeEvents is DescribeEvents: `Events:\t<none>`, or a table aligned on its own (the writer is flushed first). */
export function describeEvents(events: KubeObject[], w: PrefixWriter, now: number): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = goSort([...events], (a, b) => lastTimestamp(a) < lastTimestamp(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const source = str(e, 'source', 'component') || str(e, 'reportingComponent');
    w.write(1, `${str(e, 'type')}\t${str(e, 'reason')}\t${eventAge(e, now)}\t${source}\t${str(e, 'message').trim()}\n`);
  }
}
