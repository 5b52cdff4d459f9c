/**
 * lists is Kubernetes' CEL list library (k8s.io/apiserver/pkg/cel/library/lists.go):
 * isSorted, sum, min, max, indexOf and lastIndexOf over lists of comparable
 * elements.
 */
import type { Environment } from '../celJs';
import { celCompare, celEquals } from '../equality';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const COMPARABLE = ['int', 'uint', 'double', 'bool', 'string', 'bytes', 'google.protobuf.Duration', 'google.protobuf.Timestamp'] as const;

function isSorted(list: readonly unknown[]): boolean {
  for (let i = 1; i < list.length; i++) if (celCompare(list[i - 1], list[i]) > 0) return false;
  return true;
}

function extreme(list: readonly unknown[], name: 'min' | 'max'): unknown {
  if (list.length === 0) throw new Error(`${name} called on empty list`);
  let best = list[0];
  for (const v of list.slice(1)) {
    const c = celCompare(v, best);
    if (name === 'min' ? c < 0 : c > 0) best = v;
  }
  return best;
}

function sumInts(list: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of list) {
    total += v;
    if (total > INT64_MAX || total < INT64_MIN) throw new Error('integer overflow');
  }
  return total;
}

function indexOf(list: readonly unknown[], item: unknown, last: boolean): bigint {
  if (last) {
    for (let i = list.length - 1; i >= 0; i--) if (celEquals(list[i], item)) return BigInt(i);
  } else {
    for (let i = 0; i < list.length; i++) if (celEquals(list[i], item)) return BigInt(i);
  }
  return -1n;
}

/** registerLists adds the list library to env. */
export function registerLists(env: Environment): void {
  for (const t of COMPARABLE) {
    env
      .registerFunction(`list<${t}>.isSorted(): bool`, (l: unknown[]) => isSorted(l))
      .registerFunction(`list<${t}>.min(): ${t}`, (l: unknown[]) => extreme(l, 'min'))
      .registerFunction(`list<${t}>.max(): ${t}`, (l: unknown[]) => extreme(l, 'max'));
  }
  env
    .registerFunction('list<int>.sum(): int', (l: bigint[]) => sumInts(l))
    .registerFunction('list<double>.sum(): double', (l: number[]) => l.reduce((a, b) => a + b, 0))
    .registerFunction('list<A>.indexOf(A): int', (l: unknown[], x: unknown) => indexOf(l, x, false))
    .registerFunction('list<A>.lastIndexOf(A): int', (l: unknown[], x: unknown) => indexOf(l, x, true));
}
