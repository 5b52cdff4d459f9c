/**
 * cronSchedule checks a CronJob schedule as the API server does, with
 * github.com/robfig/cron/v3's ParseStandard: five fields (minute hour
 * day-of-month month day-of-week) or a descriptor (@daily, @every 1h30m), an
 * optional TZ=/CRON_TZ= prefix, and that library's exact error texts, which
 * upstream puts after `spec.schedule: Invalid value: "…": `. It only validates;
 * computing run times is the CronJob controller's business.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** The standard parser's fields after the implicit seconds field. */
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** cronScheduleError returns why ParseStandard rejects spec, or undefined when it parses. */
export function cronScheduleError(spec: string, isTimeZone: (name: string) => boolean): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const eq = rest.indexOf('=');
    const zone = space < 0 ? rest.slice(eq + 1) : rest.slice(eq + 1, space);
    if (!isTimeZone(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) return descriptorError(rest);
  const fields = rest.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < FIELDS.length; i++) {
    for (const expr of fields[i].split(',').filter((e) => e !== '')) {
      const err = rangeError(expr, FIELDS[i]);
      if (err) return err;
    }
  }
  return undefined;
}

function descriptorError(descriptor: string): string | undefined {
  if (DESCRIPTORS.has(descriptor)) return undefined;
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    const err = durationError(descriptor.slice(every.length));
    return err ? `failed to parse duration ${descriptor}: ${err}` : undefined;
  }
  return `unrecognized descriptor: ${descriptor}`;
}

/** rangeError is getRange: `*`, `?`, `N`, `N-M`, each with an optional `/step`. */
function rangeError(expr: string, r: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    const low = parseIntOrName(lowAndHigh[0], r.names);
    if (typeof low === 'string') return low;
    start = low;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const high = parseIntOrName(lowAndHigh[1], r.names);
      if (typeof high === 'string') return high;
      end = high;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = parseNonNegativeInt(rangeAndStep[1]);
    if (typeof s === 'string') return s;
    step = s;
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < r.min) return `beginning of range (${start}) below minimum (${r.min}): ${expr}`;
  if (end > r.max) return `end of range (${end}) above maximum (${r.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number | string {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseNonNegativeInt(expr);
}

/** parseNonNegativeInt is mustParseInt over strconv.Atoi, with both errors' words. */
function parseNonNegativeInt(expr: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(expr)) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`;
  const n = BigInt(expr);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: value out of range`;
  if (n < 0n) return `negative number (${n}) not allowed: ${expr}`;
  return Number(n);
}

const UNITS = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);

/** durationError returns time.ParseDuration's error for s, or undefined when it parses. */
function durationError(orig: string): string | undefined {
  const invalid = `time: invalid duration ${goQuote(orig)}`;
  let s = orig;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return undefined;
  if (s === '') return invalid;
  while (s !== '') {
    const number = /^([0-9]*)(\.([0-9]*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const fraction = number?.[3];
    if (!/^[0-9.]/.test(s) || (whole === '' && !fraction)) return invalid;
    s = s.slice(number?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return `time: missing unit in duration ${goQuote(orig)}`;
    if (!UNITS.has(unit)) return `time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`;
    s = s.slice(unit.length);
  }
  return undefined;
}

/** goQuote is strconv.Quote for the printable ASCII that schedules hold. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
