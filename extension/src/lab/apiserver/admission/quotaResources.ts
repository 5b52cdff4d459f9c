/**
 * quotaResources is k8s.io/apiserver/pkg/quota/v1's resource-list arithmetic
 * over exact quantities: what ResourceQuota admission adds, subtracts, masks
 * and compares, and how its messages print a list (`pods=1,requests.cpu=500m`).
 */
import { type Quantity, addQuantity, cmpQuantity, formatQuantity, subtractQuantity } from '../../api/quantity';
import type { Quantities } from './podResources';

const ZERO: Quantity = { nanos: 0n, format: 'DecimalSI' };

/** add is quota.Add: every key of either list, summed where both have it. */
export function add(a: Quantities, b: Quantities): Quantities {
  const out: Quantities = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? addQuantity(a[k], v) : v;
  return out;
}

/** subtractNonNegative is quota.SubtractWithNonNegativeResult: a − b, clamped at zero, over every key of either. */
export function subtractNonNegative(a: Quantities, b: Quantities): Quantities {
  const out: Quantities = {};
  for (const [k, v] of Object.entries(a)) {
    const diff = k in b ? subtractQuantity(v, b[k]) : v;
    out[k] = cmpQuantity(diff, ZERO) > 0 ? diff : ZERO;
  }
  for (const k of Object.keys(b)) if (!(k in out)) out[k] = ZERO;
  return out;
}

/** mask is quota.Mask: only the named keys. */
export function mask(list: Quantities, names: readonly string[]): Quantities {
  const out: Quantities = {};
  for (const k of names) if (k in list) out[k] = list[k];
  return out;
}

/** removeZeros is quota.RemoveZeros. */
export function removeZeros(list: Quantities): Quantities {
  const out: Quantities = {};
  for (const [k, v] of Object.entries(list)) if (v.nanos !== 0n) out[k] = v;
  return out;
}

/** negatives is quota.IsNegative: the keys below zero. */
export function negatives(list: Quantities): string[] {
  return Object.entries(list).filter(([, v]) => v.nanos < 0n).map(([k]) => k);
}

/** equals is quota.Equals. */
export function equals(a: Quantities, b: Quantities): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && cmpQuantity(a[k], b[k]) === 0);
}

/** exceeded is quota.LessThanOrEqual's failures: the keys of b that a goes over. */
export function exceeded(a: Quantities, b: Quantities): string[] {
  return Object.entries(b).filter(([k, limit]) => k in a && cmpQuantity(a[k], limit) > 0).map(([k]) => k);
}

/** prettyPrint prints `name=value` pairs sorted by name and joined by commas. */
export function prettyPrint(list: Quantities): string {
  return Object.keys(list).sort().map((k) => `${k}=${formatQuantity(list[k])}`).join(',');
}

/** prettyPrintNames prints resource names sorted and joined by commas. */
export function prettyPrintNames(names: readonly string[]): string {
  return [...names].sort().join(',');
}

/** serialize prints a list as the API stores it. */
export function serialize(list: Quantities): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(list)) out[k] = formatQuantity(v);
  return out;
}
