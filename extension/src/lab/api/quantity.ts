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

