/**
 * netaddr parses and prints IP addresses and prefixes as Go's net/netip does,
 * for the ip and cidr CEL libraries: strict dotted quads (no leading zeros),
 * RFC 4291 IPv6 text, RFC 5952 canonical output.
 */

/** Addr is an IPv4 or IPv6 address as a 32- or 128-bit unsigned integer. */
export interface Addr {
  readonly family: 4 | 6;
  readonly bits: bigint;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let bits = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    bits = (bits << 8n) | BigInt(p);
  }
  return bits;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    const before = text.slice(0, lastColon);
    text = before.endsWith(':') ? `${before}:` : before;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const all = [...head, ...Array<bigint>(8 - known).fill(0n), ...rest, ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** parseAddr parses an address or returns the reason it is not one. */
export function parseAddr(s: string): Addr | 'zone' | 'mapped' | 'invalid' {
  if (s.includes('%')) return 'zone';
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, bits: v4 };
  if (s.includes(':')) {
    const v6 = parseV6(s);
    if (v6 !== undefined) return (v6 >> 32n) === 0xffffn ? 'mapped' : { family: 6, bits: v6 };
  }
  return 'invalid';
}

/** formatAddr prints an address canonically (RFC 5952 for IPv6). */
export function formatAddr(a: Addr): string {
  if (a.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((a.bits >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (a.bits >> BigInt((7 - i) * 16)) & 0xffffn);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0n) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** width is the address length in bits. */
export function width(a: Addr): number {
  return a.family === 4 ? 32 : 128;
}

/** mask keeps the first `prefix` bits of an address. */
export function mask(a: Addr, prefix: number): Addr {
  const w = BigInt(width(a));
  const m = ((1n << BigInt(prefix)) - 1n) << (w - BigInt(prefix));
  return { family: a.family, bits: a.bits & m };
}

/** inRange reports whether a lies in base/prefix. */
export function inRange(a: Addr, base: Addr, prefix: number): boolean {
  return a.family === base.family && mask(a, prefix).bits === mask(base, prefix).bits;
}
