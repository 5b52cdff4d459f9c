/**
 * quantities is apimachinery's resource.Quantity, exactly: ParseQuantity with its
 * three errors, the canonical String() the API server stores and prints in
 * messages ("1000m" is "1", "1024Mi" is "1Gi", "0.5" is "500m"), comparison and
 * RoundUp. Values are kept as an unscaled bigint and a power of ten, so nothing is
 * lost to floating point.
 */
import { Memo } from './memo';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** Quantity is value × 10^scale, with the format its suffix chose. */
export interface Quantity {
  value: bigint;
  scale: number;
  format: QuantityFormat;
}

/** The three errors of ParseQuantity, as decoding and validation print them. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const SUFFIX_CHARS = 'eEinumkKMGTP';
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_DIGITS = 4096;

interface Parts {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** split is parseQuantityString: sign, numerator, denominator and suffix, or undefined on a malformed string. */
function split(s: string): Parts | undefined {
  const parts: Parts = { positive: true, num: '0', denom: '', suffix: '' };
  let pos = 0;
  if (s[0] === '-') {
    parts.positive = false;
    pos++;
  } else if (s[0] === '+') pos++;
  while (s[pos] === '0') pos++;
  if (pos >= s.length) return parts;
  let i = pos;
  while (isDigit(s[i])) i++;
  parts.num = s.slice(pos, i) || '0';
  if (i >= s.length) return parts;
  pos = i;
  if (s[pos] === '.') {
    i = ++pos;
    while (isDigit(s[i])) i++;
    parts.denom = s.slice(pos, i);
    if (i >= s.length) return parts;
    pos = i;
  }
  const suffixStart = pos;
  while (pos < s.length && SUFFIX_CHARS.includes(s[pos])) pos++;
  if (s[pos] === '-' || s[pos] === '+') pos++;
  while (pos < s.length) if (!isDigit(s[pos++])) return undefined;
  parts.suffix = s.slice(suffixStart);
  return parts;
}

/** interpret maps a suffix to its base, exponent and format (quantitySuffixer.interpret). */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Number.isSafeInteger(exponent) && Math.abs(exponent) <= 2 ** 31) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

const digits = (v: bigint) => (v < 0n ? -v : v).toString().length;
const pow10 = (n: number) => 10n ** BigInt(n);

/** roundUp rescales q to at least scale, rounding away from zero as inf.RoundUp does. */
export function roundUp(q: Quantity, scale: number): Quantity {
  if (q.scale >= scale || q.value === 0n) return q;
  const sign = q.value < 0n ? -1n : 1n;
  const magnitude = q.value * sign;
  // Anything below one unit of the new scale rounds up to exactly one unit.
  if (digits(magnitude) + q.scale <= scale) return { ...q, value: sign, scale };
  const divisor = pow10(scale - q.scale);
  const quotient = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
  return { ...q, value: quotient * sign, scale };
}

/** parsed memoizes parseQuantity; its answers are frozen, as every caller shares them. */
const parsed = new Memo((s: string): Quantity | { error: string } => Object.freeze(parseText(s)));

/** parseQuantity is ParseQuantity; it returns the error message for a string that is not a quantity. */
export function parseQuantity(input: string | number): Quantity | { error: string } {
  return parsed.get(typeof input === 'number' ? String(input) : input);
}

function parseText(s: string): Quantity | { error: string } {
  if (s === '') return { error: QUANTITY_FORMAT_ERROR };
  const parts = split(s);
  if (!parts) return { error: QUANTITY_FORMAT_ERROR };
  const suffix = interpret(parts.suffix);
  if (!suffix) return { error: QUANTITY_SUFFIX_ERROR };
  // Go parses any length; thousands of significant digits only serve to make the server slow.
  if (parts.num.length + parts.denom.length > MAX_DIGITS) return { error: QUANTITY_NUMERIC_ERROR };
  let value = BigInt(parts.num + parts.denom);
  let scale = -parts.denom.length;
  if (suffix.base === 10) scale += suffix.exponent;
  else value *= 1n << BigInt(suffix.exponent);
  let q: Quantity = roundUp({ value, scale, format: suffix.format }, -9);
  if (q.format === 'BinarySI') {
    if (compareMagnitude(q, { value: MAX_INT64, scale: 0, format: 'DecimalSI' }) > 0) q = { value: MAX_INT64, scale: 0, format: 'BinarySI' };
    // Fractions of a byte cannot be shown in binary units.
    if (q.value !== 0n && compareMagnitude(q, ONE) < 0) q = { ...q, format: 'DecimalSI' };
  }
  if (!parts.positive) q = { ...q, value: -q.value };
  return q;
}

const ONE: Quantity = { value: 1n, scale: 0, format: 'DecimalSI' };

/** compareMagnitude compares |a| and |b| without building huge powers of ten. */
function compareMagnitude(a: Quantity, b: Quantity): number {
  const ma = a.value < 0n ? -a.value : a.value;
  const mb = b.value < 0n ? -b.value : b.value;
  if (ma === 0n || mb === 0n) return ma === mb ? 0 : ma === 0n ? -1 : 1;
  const oa = digits(ma) + a.scale;
  const ob = digits(mb) + b.scale;
  if (oa !== ob) return oa < ob ? -1 : 1;
  const scale = Math.min(a.scale, b.scale);
  const x = ma * pow10(a.scale - scale);
  const y = mb * pow10(b.scale - scale);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** cmpQuantity is Quantity.Cmp: -1, 0 or 1. */
export function cmpQuantity(a: Quantity, b: Quantity): number {
  const sa = a.value === 0n ? 0 : a.value < 0n ? -1 : 1;
  const sb = b.value === 0n ? 0 : b.value < 0n ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  const m = compareMagnitude(a, b);
  return sa < 0 ? -m : m;
}

/** isIntegral tells a quantity with no fractional part, as `MilliValue() % 1000 == 0` does. */
export function isIntegral(q: Quantity): boolean {
  return q.scale >= 0 || q.value % pow10(-q.scale) === 0n;
}

/** stripTens moves a value's trailing decimal zeros into its exponent. */
function stripTens(value: bigint, exponent: number): [bigint, number] {
  const text = value.toString();
  const zeros = text.length - text.replace(/0+$/, '').length;
  if (value === 0n || zeros === 0) return [value, exponent];
  return [BigInt(text.slice(0, -zeros)), exponent + zeros];
}

/** formatQuantity is Quantity.String(): the canonical form the API server stores and prints. */
export function formatQuantity(q: Quantity): string {
  if (q.value === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI' && (compareMagnitude(q, { value: 1024n, scale: 0, format }) < 0 || !isIntegral(q))) {
    format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let value = q.scale >= 0 ? q.value * pow10(q.scale) : q.value / pow10(-q.scale);
    let power = 0;
    while (value % 1024n === 0n && power < BINARY_BY_POWER.length - 1) {
      value /= 1024n;
      power++;
    }
    return `${value}${BINARY_BY_POWER[power]}`;
  }
  let [value, exponent] = stripTens(q.value, q.scale);
  // Go's % keeps the dividend's sign, as JavaScript's does.
  switch (exponent % 3) {
    case 1:
    case -2:
      value *= 10n;
      exponent -= 1;
      break;
    case 2:
    case -1:
      value *= 100n;
      exponent -= 2;
      break;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${value}` : `${value}e${exponent}`;
  return `${value}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** canonical memoizes canonicalQuantity for strings. */
const canonical = new Memo((s: string) => canonicalOf(s.trim()));

/** canonicalQuantity parses a ResourceList value and returns it rounded up to milli units, as SetDefaults_ResourceList stores it. */
export function canonicalQuantity(x: unknown): string | undefined {
  if (typeof x === 'string') return canonical.get(x);
  return typeof x === 'number' ? canonicalOf(x) : undefined;
}

function canonicalOf(x: string | number): string | undefined {
  const q = parseQuantity(x);
  return 'error' in q ? undefined : formatQuantity(roundUp(q, -3));
}

/** asQuantity parses a field value, or returns undefined when it is not a quantity. */
export function asQuantity(x: unknown): Quantity | undefined {
  if (typeof x !== 'string' && typeof x !== 'number') return undefined;
  const q = parseQuantity(typeof x === 'string' ? x.trim() : x);
  return 'error' in q ? undefined : q;
}
