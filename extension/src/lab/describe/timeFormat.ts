/**
 * timeFormat renders timestamps as kubectl does: Go's time.RFC1123Z layout
 * (`Mon, 02 Jan 2006 15:04:05 -0700`) in kubectl's local zone, which the
 * caller supplies as a function from an instant to its UTC offset in minutes.
 */
import { parseTime } from '../apiserver/printers/format';

/** ZoneOffset gives the UTC offset, in minutes east, in force at an instant (ms since the epoch). */
export type ZoneOffset = (ms: number) => number;

/** UTC is the zone of a machine running with TZ=UTC. */
export const UTC: ZoneOffset = () => 0;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** GO_ZERO_TIME is time.Time{} formatted: what Go prints for an unset metav1.Time. */
export const GO_ZERO_TIME = 'Mon, 01 Jan 0001 00:00:00 +0000';

/** rfc1123z formats a metav1.Time field; unset reads as Go's zero time. */
export function rfc1123z(ts: unknown, zone: ZoneOffset): string {
  const ms = parseTime(ts);
  if (ms === undefined) return GO_ZERO_TIME;
  const offset = zone(ms);
  const d = new Date(ms + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const date = `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, '0')}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${date} ${time} ${sign}${pad2(Math.trunc(abs / 60))}${pad2(abs % 60)}`;
}
