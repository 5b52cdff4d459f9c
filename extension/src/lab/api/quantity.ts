/**
 * quantity parses Kubernetes resource quantities ("100m", "1.5", "128Mi", "2G",
 * "1e3") into plain numbers of base units (cores, bytes, counts).
 */

const SUFFIXES: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** parseQuantity returns the value of s in base units, or undefined if s is not a quantity. */
export function parseQuantity(s: string | number | undefined): number | undefined {
  if (typeof s === 'number') return s;
  if (typeof s !== 'string') return undefined;
  const m = QUANTITY.exec(s.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIXES[m[3] ?? ''];
}

/** isQuantity reports whether s parses as a quantity. */
export function isQuantity(s: unknown): boolean {
  return (typeof s === 'string' || typeof s === 'number') && parseQuantity(s) !== undefined;
}

/** milliValue is a quantity in thousandths, rounded up as resource.Quantity.MilliValue does. */
export function milliValue(s: string | number | undefined): number {
  return Math.ceil((parseQuantity(s) ?? 0) * 1000 - 1e-9);
}

/** value is a quantity rounded up to a whole number, as resource.Quantity.Value does. */
export function value(s: string | number | undefined): number {
  return Math.ceil((parseQuantity(s) ?? 0) - 1e-9);
}


/** QuantityFormat is resource.Format: how a quantity prints, remembered from how it was written. */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/**
 * Quantity is resource.Quantity held exactly, as admission messages and quota
 * usage need it (`requests.cpu=500m`, `limits.memory=1536Mi`): the value in
 * nano-units and the format it prints in.
 */
export interface Quantity {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_SUFFIXES = new Map(Object.entries(DECIMAL_EXPONENTS).map(([suffix, exp]) => [exp, suffix]));
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const EXACT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** scaleBy10 multiplies by 10^exp, rounding a fraction away from zero as resource.ParseQuantity rounds to nano precision. */
function scaleBy10(v: bigint, exp: number): bigint {
  if (exp >= 0) return v * 10n ** BigInt(exp);
  const d = 10n ** BigInt(-exp);
  const q = v / d;
  return v % d === 0n ? q : q + (v < 0n ? -1n : 1n);
}

/** toQuantity parses s exactly as resource.ParseQuantity does, or returns undefined if s is not a quantity. */
export function toQuantity(s: string | number | undefined): Quantity | undefined {
  if (typeof s === 'number') return Number.isFinite(s) ? toQuantity(String(s)) : undefined;
  if (typeof s !== 'string') return undefined;
  const m = EXACT.exec(s);
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const [, sign, whole, fraction = '', exponent, suffix = ''] = m;
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') mantissa = -mantissa;
  const scale = 9 - fraction.length;
  if (exponent !== undefined) return { nanos: scaleBy10(mantissa, scale + Number(exponent)), format: 'DecimalExponent' };
  if (suffix in BINARY_EXPONENTS) return { nanos: scaleBy10(mantissa << BINARY_EXPONENTS[suffix], scale), format: 'BinarySI' };
  return { nanos: scaleBy10(mantissa, scale + DECIMAL_EXPONENTS[suffix]), format: 'DecimalSI' };
}

/** newQuantity is resource.NewQuantity(value, format). */
export function newQuantity(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(value) * NANO, format };
}

/** newMilliQuantity is resource.NewMilliQuantity(milli, format). */
export function newMilliQuantity(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(milli) * 1_000_000n, format };
}

/** formatQuantity is Quantity.String(): the canonical form in the quantity's format (`0.5` prints `500m`, `1.5Gi` prints `1536Mi`). */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const sign = q.nanos < 0n ? '-' : '';
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  // Binary suffixes only for whole values of at least 1Ki; anything else would round, so it prints as decimal.
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let m = abs / NANO;
    let e = 0;
    while (m % 1024n === 0n && e < BINARY_SUFFIXES.length - 1) {
      m /= 1024n;
      e++;
    }
    return `${sign}${m}${BINARY_SUFFIXES[e]}`;
  }
  let m = abs;
  let e = -9;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const r = ((e % 3) + 3) % 3;
  if (r !== 0) {
    m *= r === 1 ? 10n : 100n;
    e -= r;
  }
  if (q.format === 'DecimalExponent') return `${sign}${m}${e === 0 ? '' : `e${e}`}`;
  return `${sign}${m}${DECIMAL_SUFFIXES.get(e) ?? `e${e}`}`;
}

/** addQuantity is Quantity.Add: a zero receiver takes the other's format. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** subtractQuantity is Quantity.Sub: a zero receiver takes the other's format. */
export function subtractQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** cmpQuantity is Quantity.Cmp: -1, 0 or 1. */
export function cmpQuantity(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

function ceilDiv(v: bigint, d: bigint): bigint {
  const q = v / d;
  return v % d === 0n ? q : q + (v < 0n ? -1n : 1n);
}

/** quantityMilliValue is Quantity.MilliValue: thousandths, rounded away from zero. */
export function quantityMilliValue(q: Quantity): bigint {
  return ceilDiv(q.nanos, 1_000_000n);
}

/** quantityValue is Quantity.Value: whole units, rounded away from zero. */
export function quantityValue(q: Quantity): bigint {
  return ceilDiv(q.nanos, NANO);
}
