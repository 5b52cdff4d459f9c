/**
 * quantity is Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go):
 * `quantity(string)`, `isQuantity(string)` and the Quantity methods. Quantities are
 * exact decimals held as nano-units in a bigint, as resource.Quantity keeps them
 * at nano precision, so `quantity("1") == quantity("1000m")`.
 */
import type { Environment } from '../celJs';

const FORMAT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
/** ErrFormatWrong and ErrSuffix of k8s.io/apimachinery/pkg/api/resource. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const NANO = 1_000_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** Quantity is a resource.Quantity value: an exact count of nano-units. */
export class Quantity {
  constructor(readonly nanos: bigint) {}

  compareTo(other: Quantity): number {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }
}

/** divideAwayFromZero divides and rounds up in magnitude, as inf.Dec's RoundUp does when a quantity is narrowed to nano precision. */
function divideAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : n < 0n ? q - 1n : q + 1n;
}

/** parseQuantity parses s as resource.ParseQuantity does; it throws upstream's errors. */
export function parseQuantity(s: string): Quantity {
  const m = FORMAT.exec(s);
  if (!m) throw new Error(QUANTITY_FORMAT_ERROR);
  const [, num, suffix] = m;
  const numMatch = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(num);
  if (!numMatch || (numMatch[2] === '' && (numMatch[3] ?? '') === '')) throw new Error(QUANTITY_FORMAT_ERROR);
  const negative = numMatch[1] === '-';
  const fraction = numMatch[3] ?? '';
  let mantissa = BigInt(`${numMatch[2] || '0'}${fraction}`);
  let scale = -fraction.length;
  if (suffix in DECIMAL) {
    scale += DECIMAL[suffix];
  } else if (suffix in BINARY) {
    mantissa *= 1n << BigInt(BINARY[suffix]);
  } else {
    const exp = /^[eE]([-+]?\d+)$/.exec(suffix);
    if (!exp) throw new Error(QUANTITY_SUFFIX_ERROR);
    scale += Number(exp[1]);
  }
  // Bring the value to nano-units (scale -9), rounding up as upstream does.
  const shift = scale + 9;
  const nanos = shift >= 0 ? mantissa * 10n ** BigInt(shift) : divideAwayFromZero(mantissa, 10n ** BigInt(-shift));
  return new Quantity(negative ? -nanos : nanos);
}

function isQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

/** asInteger is Quantity.AsInt64 failing as the library does when the value is fractional or out of int64 range. */
function asInteger(q: Quantity): bigint {
  if (q.nanos % NANO !== 0n) throw new Error('cannot convert value to integer');
  const v = q.nanos / NANO;
  if (v > INT64_MAX || v < INT64_MIN) throw new Error('cannot convert value to integer');
  return v;
}

/** registerQuantity adds the quantity library to env. */
export function registerQuantity(env: Environment): void {
  env
    .registerType('Quantity', Quantity)
    .registerFunction('quantity(string): Quantity', (s: string) => parseQuantity(s))
    .registerFunction('isQuantity(string): bool', (s: string) => isQuantity(s))
    .registerFunction('Quantity.sign(): int', (q: Quantity) => BigInt(q.compareTo(new Quantity(0n))))
    .registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) > 0)
    .registerFunction('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) < 0)
    .registerFunction('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => BigInt(a.compareTo(b)))
    .registerFunction('Quantity.asApproximateFloat(): double', (q: Quantity) => Number(q.nanos) / 1e9)
    .registerFunction('Quantity.asInteger(): int', (q: Quantity) => asInteger(q))
    .registerFunction('Quantity.isInteger(): bool', (q: Quantity) => q.nanos % NANO === 0n && q.nanos / NANO <= INT64_MAX && q.nanos / NANO >= INT64_MIN)
    .registerFunction('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => new Quantity(a.nanos + b.nanos))
    .registerFunction('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => new Quantity(a.nanos + b * NANO))
    .registerFunction('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => new Quantity(a.nanos - b.nanos))
    .registerFunction('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => new Quantity(a.nanos - b * NANO))
    .registerOperator('Quantity == Quantity', (a: Quantity, b: Quantity) => a.nanos === b.nanos);
}
