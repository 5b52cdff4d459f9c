/**
 * cidr is Kubernetes' CEL CIDR library (k8s.io/apiserver/pkg/cel/library/cidr.go):
 * `cidr(string)`, `isCIDR`, `string(cidr)`, containsIP, containsCIDR, ip,
 * prefixLength and masked.
 */
import type { Environment } from '../celJs';
import { IP, parseIP } from './ip';
import { type Addr, formatAddr, inRange, mask, parseAddr, width } from './netaddr';

/** CIDR is a parsed prefix: the address as written and the prefix length. */
export class CIDR {
  constructor(readonly addr: Addr, readonly prefix: number) {}
}

function parse(raw: string): CIDR {
  const fail = () => new Error(`network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(raw)}): no '/'`);
  const slash = raw.indexOf('/');
  if (slash < 0) throw fail();
  const a = parseAddr(raw.slice(0, slash));
  if (a === 'mapped') throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  const bits = raw.slice(slash + 1);
  if (typeof a === 'string' || !/^(0|[1-9]\d*)$/.test(bits) || Number(bits) > width(a)) {
    throw new Error(`network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(raw)}): bad prefix`);
  }
  return new CIDR(a, Number(bits));
}

function isCIDR(s: string): boolean {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
}

function containsCIDR(outer: CIDR, inner: CIDR): boolean {
  return inner.prefix >= outer.prefix && inRange(inner.addr, outer.addr, outer.prefix);
}

/** registerCIDR adds the CIDR library to env. */
export function registerCIDR(env: Environment): void {
  env
    .registerType('net.CIDR', CIDR)
    .registerFunction('cidr(string): net.CIDR', (s: string) => parse(s))
    .registerFunction('isCIDR(string): bool', (s: string) => isCIDR(s))
    .registerFunction('string(net.CIDR): string', (c: CIDR) => `${formatAddr(c.addr)}/${c.prefix}`)
    .registerFunction('net.CIDR.containsIP(string): bool', (c: CIDR, s: string) => inRange(parseIP(s), c.addr, c.prefix))
    .registerFunction('net.CIDR.containsIP(net.IP): bool', (c: CIDR, ip: IP) => inRange(ip.addr, c.addr, c.prefix))
    .registerFunction('net.CIDR.containsCIDR(string): bool', (c: CIDR, s: string) => containsCIDR(c, parse(s)))
    .registerFunction('net.CIDR.containsCIDR(net.CIDR): bool', (c: CIDR, o: CIDR) => containsCIDR(c, o))
    .registerFunction('net.CIDR.ip(): net.IP', (c: CIDR) => new IP(c.addr))
    .registerFunction('net.CIDR.prefixLength(): int', (c: CIDR) => BigInt(c.prefix))
    .registerFunction('net.CIDR.masked(): net.CIDR', (c: CIDR) => new CIDR(mask(c.addr, c.prefix), c.prefix))
    .registerOperator('net.CIDR == net.CIDR', (a: CIDR, b: CIDR) => a.prefix === b.prefix && a.addr.family === b.addr.family && a.addr.bits === b.addr.bits);
}
