/**
 * format holds the small formatting helpers printers.go shares between
 * resources: ages, label sets, container lists, quantities and the
 * "a,b,c + 2 more..." lists.
 */
import { formatQuantity, toQuantity } from '../../api/quantity';
import { humanDuration } from './duration';
import { arr, str } from './fields';

/** ZERO_TIME is Go's zero time.Time, 0001-01-01T00:00:00Z, which metav1.Time.IsZero reports as unset. */
const ZERO_TIME = -62135596800000;

/** parseTime reads a metav1.Time or MicroTime field; undefined when unset, null, unparseable or Go's zero time. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) || t === ZERO_TIME ? undefined : t;
}

/** since is translateTimestampSince: the HumanDuration from ts to now, or `<unknown>` for an unset timestamp. */
export function since(ts: unknown, now: number): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

/** goStringLess orders strings by bytes, as sort.Strings does. */
export function goStringLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** formatLabels is labels.FormatLabels: `k=v` pairs sorted and comma-joined, `<none>` when empty. */
export function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort(goStringLess);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/** layoutContainerCells is printers.go's layoutContainerCells: comma-joined names and images. */
export function layoutContainerCells(containers: readonly unknown[]): [string, string] {
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

/** templateContainers is a pod template's spec.containers. */
export function templateContainers(template: unknown): unknown[] {
  return arr(template, 'spec', 'containers');
}

/** quantityString is resource.Quantity.String() of a field; an unset quantity is the zero quantity, `0`. */
export function quantityString(v: unknown): string {
  const q = typeof v === 'string' || typeof v === 'number' ? toQuantity(v) : undefined;
  return q === undefined ? '0' : formatQuantity(q);
}

/** printBool is printers.go's printBool: `True` or `False`. */
function printBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** printBoolPtr is printers.go's printBoolPtr: `<unset>` for a nil pointer. */
export function printBoolPtr(v: boolean | undefined): string {
  return v === undefined ? '<unset>' : printBool(v);
}

/** listWithMoreString is printers.go's listWithMoreString: `a,b,c + 2 more...`, or `<unset>` when empty. */
export function listWithMoreString(list: readonly string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** joinHostPort is net.JoinHostPort: IPv6 hosts are bracketed. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
