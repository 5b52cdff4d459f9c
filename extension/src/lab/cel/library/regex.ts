/**
 * regex is Kubernetes' CEL regex library (k8s.io/apiserver/pkg/cel/library/regex.go):
 * `find` and `findAll` on strings. Patterns are RE2 upstream; JavaScript's
 * engine accepts the RE2 syntax CRD authors use (classes, anchors, groups).
 */
import type { Environment } from '../celJs';

function compile(pattern: string, global: boolean): RegExp {
  try {
    return new RegExp(pattern, global ? 'gu' : 'u');
  } catch (err) {
    throw new Error(`Illegal regex: ${(err as Error).message}`);
  }
}

function findAll(s: string, pattern: string, limit: bigint): string[] {
  if (limit === 0n) return [];
  const out: string[] = [];
  for (const m of s.matchAll(compile(pattern, true))) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

/** registerRegex adds the regex library to env. */
export function registerRegex(env: Environment): void {
  env
    .registerFunction('string.find(string): string', (s: string, p: string) => compile(p, false).exec(s)?.[0] ?? '')
    .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => findAll(s, p, -1n))
    .registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => findAll(s, p, n));
}
