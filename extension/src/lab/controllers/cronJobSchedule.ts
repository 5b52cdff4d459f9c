/**
 * cronJobSchedule turns a CronJob's schedule into run times as the CronJob
 * controller does with github.com/robfig/cron/v3's ParseStandard and
 * SpecSchedule.Next. croner parses the fields and walks wall-clock time; this
 * file adapts it where robfig differs: `?` is `*`, a day field that starts with
 * `*` makes day-of-month AND day-of-week, a wall time skipped by a DST jump
 * does not run that day, a wall time repeated when clocks fall back runs
 * twice, and `@every <duration>` is a constant delay.
 */
import { Cron } from 'croner';
import { cronScheduleError } from '../apiserver/validation/cronSchedule';
import { isKnownTimeZone } from '../apiserver/validation/batch';

/** Schedule is cron.Schedule: the first run strictly after a time (whole seconds), undefined if none within croner's horizon. */
export interface Schedule {
  next(ms: number): number | undefined;
}

/** The lab's kube-controller-manager runs in UTC: a schedule without a time zone is read there (time.Local). */
export const CONTROLLER_TIME_ZONE = 'UTC';

const SECOND = 1000;
const DAY = 86_400_000;

/** robfig's descriptors as five fields; @weekly's `*` day-of-month makes Sunday the only day. */
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

/**
 * parseSchedule is cron.ParseStandard over a schedule formatted by formatSchedule:
 * an optional `TZ=zone ` prefix, then a descriptor or five fields. It returns the
 * schedule, or robfig's error text when it does not parse.
 */
export function parseSchedule(spec: string): Schedule | string {
  const error = cronScheduleError(spec, isKnownTimeZone);
  if (error) return error;
  let zone = CONTROLLER_TIME_ZONE;
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const named = rest.slice(rest.indexOf('=') + 1, space < 0 ? undefined : space);
    zone = named === 'Local' ? CONTROLLER_TIME_ZONE : named;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@every ')) return everySchedule(rest.slice('@every '.length));
  const pattern = DESCRIPTORS[rest] ?? croneredFields(rest);
  try {
    return new WallClockSchedule(pattern, zone);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * croneredFields rewrites robfig's five fields into croner's dialect: `?` means `*`,
 * a range whose start is `*` spans the field, and a day field robfig marks as a star
 * (starts with `*`, step at most 1) becomes exactly `*`, which is what croner reads
 * as "AND the other day field".
 */
function croneredFields(fields: string): string {
  return fields.split(/\s+/).filter((f) => f !== '').map((field, i) => {
    const parts = field.replaceAll('?', '*').split(',').map((part) => {
      const [range, step] = part.split('/');
      return range.split('-')[0] === '*' ? (step === undefined ? '*' : `*/${step}`) : part;
    });
    const isDayField = i === 2 || i === 4;
    if (isDayField && parts.some((p) => p === '*' || (p.startsWith('*/') && Number(p.slice(2)) <= 1))) return '*';
    return parts.join(',');
  }).join(' ');
}

/** Falling or springing clocks move wall time by at most this much (Lord Howe's half hour to Troll's two hours). */
const MAX_SHIFT = 3 * 3_600_000;

/**
 * WallClockSchedule is SpecSchedule: fields matched against the wall clock of a
 * time zone. croner walks wall time written as UTC (fast, and blind to zones);
 * each wall time it finds becomes the instants that show it in the zone: none
 * in a spring-forward gap, two in a fall-back hour, as robfig's walk through
 * real time gives.
 */
class WallClockSchedule implements Schedule {
  private readonly wall: Cron;

  constructor(pattern: string, private readonly zone: string) {
    this.wall = new Cron(pattern, { utcOffset: 0, legacyMode: true });
  }

  next(ms: number): number | undefined {
    const after = Math.floor(ms / SECOND) * SECOND;
    // Away from a transition, wall order is time order and the first match is the answer.
    let w = after + offsetAt(this.zone, after) - (this.nearTransition(after) ? MAX_SHIFT : 0);
    let best: number | undefined;
    for (;;) {
      const next = this.wall.nextRun(new Date(w))?.getTime();
      if (next === undefined) return best;
      w = next;
      if (best !== undefined && w >= best + offsetAt(this.zone, best) + MAX_SHIFT) return best;
      for (const t of instantsOf(w, this.zone)) if (t > after && (best === undefined || t < best)) best = t;
      if (best !== undefined && !this.nearTransition(best)) return best;
    }
  }

  private nearTransition(ms: number): boolean {
    return offsetAt(this.zone, ms - MAX_SHIFT) !== offsetAt(this.zone, ms + MAX_SHIFT);
  }
}

/** instantsOf lists the instants whose wall clock in the zone reads w (wall time written as UTC), earliest first. */
function instantsOf(w: number, zone: string): number[] {
  // The instant lies within 14 hours of w; a day and a half either side sees the offsets on both sides of any transition there.
  const before = offsetAt(zone, w - 1.5 * DAY);
  const later = offsetAt(zone, w + 1.5 * DAY);
  const out: number[] = [];
  for (const offset of before === later ? [before] : [before, later]) {
    const t = w - offset;
    if (t + offsetAt(zone, t) === w && !out.includes(t)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/** everySchedule is cron.Every: a delay of at least a second, truncated to whole seconds. */
function everySchedule(duration: string): Schedule | string {
  const ms = parseGoDuration(duration);
  if (ms === undefined) return `failed to parse duration @every ${duration}`;
  const delay = Math.max(SECOND, ms - (ms % SECOND));
  return { next: (t) => Math.floor(t / SECOND) * SECOND + delay };
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: SECOND, m: 60 * SECOND, h: 3_600_000 };

/** parseGoDuration reads a time.ParseDuration string (already validated) as milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (body === '0') return 0;
  let total = 0;
  let matched = '';
  for (const m of body.matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    if (m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched += m[0];
  }
  return matched === body && body !== '' ? sign * total : undefined;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** wallClock reads an instant's calendar fields in a time zone from the runtime's tz database. */
function wallClock(ms: number, zone: string): WallClock {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  const part = (parts: Intl.DateTimeFormatPart[], type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const parts = f.formatToParts(new Date(ms));
  return { year: part(parts, 'year'), month: part(parts, 'month'), day: part(parts, 'day'), hour: part(parts, 'hour'), minute: part(parts, 'minute'), second: part(parts, 'second') };
}

/** offsetAt is the zone's UTC offset at an instant, in milliseconds. */
function offsetAt(zone: string, ms: number): number {
  if (zone === 'UTC') return 0;
  const w = wallClock(ms, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / SECOND) * SECOND;
}

/** formatRFC3339 is Go's time.RFC3339 of an instant in a zone: `2026-01-01T09:00:00+09:00`, `Z` for offset zero. */
export function formatRFC3339(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const offsetMin = Math.round(offsetAt(zone, ms) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const offset = offsetMin === 0 ? 'Z' : `${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offset}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** formatRFC1123Z is Go's time.RFC1123Z in UTC: `Thu, 01 Jan 2026 00:05:00 +0000`. */
export function formatRFC1123Z(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
