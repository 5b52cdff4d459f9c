/**
 * goTime parses timestamps as metav1.Time and metav1.MicroTime do (Go's time.Parse with
 * RFC3339 and RFC3339Micro layouts), with Go's error text, and prints them as their
 * MarshalJSON does: in UTC, Time to the second and MicroTime to the microsecond.
 */

/** Go's layouts, split into time.Parse's chunks: literal prefixes and std elements. */
const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Element = '2006' | '01' | '02' | '15' | '04' | '05' | '.000000' | 'Z07:00';
const CHUNKS: Record<string, readonly (readonly [prefix: string, element: Element])[]> = {
  [RFC3339]: [['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'], ['', 'Z07:00']],
  [RFC3339_MICRO]: [['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'], ['', '.000000'], ['', 'Z07:00']],
};

/** ParsedTime is a valid timestamp printed as its type's MarshalJSON prints it. */
export type ParsedTime = { ok: true; text: string } | { ok: false; error: string };

/** parseTime is metav1.Time's (micro = false) or metav1.MicroTime's (micro = true) parse of a JSON string. */
export function parseTime(value: string, micro: boolean): ParsedTime {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  let rest = value;
  let year = 0; let month = 0; let day = 0; let hour = 0; let minute = 0; let second = 0;
  let fraction = '';
  let offsetSeconds = 0;
  const fail = (layoutElem: string, valueElem: string): ParsedTime => ({
    ok: false,
    error: `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`,
  });
  const outOfRange = (what: string): ParsedTime => ({ ok: false, error: `parsing time ${quote(value)}: ${what} out of range` });

  for (const [prefix, element] of CHUNKS[layout]) {
    for (let i = 0; i < prefix.length; i++) {
      if (rest[0] !== prefix[i]) return fail(prefix, rest);
      rest = rest.slice(1);
    }
    const hold = rest;
    switch (element) {
      case '2006': {
        if (rest.length < 4 || !isDigit(rest, 0) || !/^\d{4}/.test(rest)) return fail(element, hold);
        year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      }
      case '01': case '02': case '15': case '04': case '05': {
        const n = getNum(rest, element !== '15');
        if (!n) return fail(element, hold);
        rest = n.rest;
        if (element === '01') {
          month = n.value;
          if (month <= 0 || month > 12) return outOfRange('month');
        } else if (element === '02') {
          day = n.value;
        } else if (element === '15') {
          hour = n.value;
          if (hour >= 24) return outOfRange('hour');
        } else if (element === '04') {
          minute = n.value;
          if (minute >= 60) return outOfRange('minute');
        } else {
          second = n.value;
          if (second >= 60) return outOfRange('second');
          // A fractional second the layout does not name is accepted after the seconds.
          if (!micro && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
            let end = 2;
            while (end < rest.length && isDigit(rest, end)) end++;
            fraction = rest.slice(1, end);
            rest = rest.slice(end);
          }
        }
        break;
      }
      case '.000000': {
        if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',') || !/^.\d{6}/.test(rest)) return fail(element, hold);
        fraction = rest.slice(1, 7);
        rest = rest.slice(7);
        break;
      }
      case 'Z07:00': {
        if (rest[0] === 'Z') {
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ':') return fail(element, hold);
        const hh = getNum(rest.slice(1, 3), true);
        const mm = getNum(rest.slice(4, 6), true);
        if (!hh || !mm || (rest[0] !== '+' && rest[0] !== '-')) return fail(element, hold);
        if (hh.value > 24) return outOfRange('time zone offset hour');
        if (mm.value > 60) return outOfRange('time zone offset minute');
        offsetSeconds = (rest[0] === '-' ? -1 : 1) * (hh.value * 3600 + mm.value * 60);
        rest = rest.slice(6);
        break;
      }
    }
  }
  if (rest.length > 0) return { ok: false, error: `parsing time ${quote(value)}: extra text: ${quote(rest)}` };
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');

  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second - offsetSeconds, 0);
  const iso = utc.toISOString();
  const base = iso.startsWith('+') || iso.startsWith('-') ? iso.slice(0, 20) : iso.slice(0, 19);
  return { ok: true, text: micro ? `${base}.${fraction.padEnd(6, '0').slice(0, 6)}Z` : `${base}Z` };
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** getNum is time's getnum: one or two digits, exactly two when fixed. */
function getNum(s: string, fixed: boolean): { value: number; rest: string } | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : { value: s.charCodeAt(0) - 48, rest: s.slice(1) };
  return { value: (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), rest: s.slice(2) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** quote is the time package's quote: double quotes, with quotes, backslashes and control characters escaped. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
