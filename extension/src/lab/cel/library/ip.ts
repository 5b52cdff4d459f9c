/**
 * ip is Kubernetes' CEL IP library (k8s.io/apiserver/pkg/cel/library/ip.go):
 * `ip(string)`, `isIP`, `ip.isCanonical`, `string(ip)` and the address
 * classification methods, with upstream's parse error messages.
 */
import type { Environment } from '../celJs';
import { type Addr, formatAddr, inRange, parseAddr } from './netaddr';

/** IP is a parsed address as a CEL value. */
export class IP {
  constructor(readonly addr: Addr) {}
}

/** IPNamespace is the receiver of `ip.isCanonical(...)`. */
class IPNamespace {}

/** parseIP parses an address as the library's parseIPAddr does; it throws upstream's errors. */
export function parseIP(raw: string): Addr {
  const a = parseAddr(raw);
  if (a === 'zone') throw new Error(`IP address ${JSON.stringify(raw)} with zone value is not allowed`);
  if (a === 'mapped') throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  if (typeof a === 'string') throw new Error(`IP Address ${JSON.stringify(raw)} parse error during conversion from string: ParseAddr(${JSON.stringify(raw)}): unable to parse IP`);
  return a;
}

const range = (text: string, prefix: number) => ({ base: parseAddr(text) as Addr, prefix });
const LOOPBACK = [range('127.0.0.0', 8), range('::1', 128)];
const LINK_LOCAL_MULTICAST = [range('224.0.0.0', 24), range('ff02::', 16)];
const LINK_LOCAL_UNICAST = [range('169.254.0.0', 16), range('fe80::', 10)];
const MULTICAST = [range('224.0.0.0', 4), range('ff00::', 8)];

function inAny(a: Addr, ranges: readonly { base: Addr; prefix: number }[]): boolean {
  return ranges.some((r) => inRange(a, r.base, r.prefix));
}

/** isGlobalUnicast is netip.Addr.IsGlobalUnicast. */
function isGlobalUnicast(a: Addr): boolean {
  if (a.bits === 0n) return false;
  if (a.family === 4 && a.bits === 0xffffffffn) return false;
  return !inAny(a, LOOPBACK) && !inAny(a, MULTICAST) && !inAny(a, LINK_LOCAL_UNICAST);
}

function isIP(s: string): boolean {
  return typeof parseAddr(s) !== 'string';
}

/** registerIP adds the IP library to env. */
export function registerIP(env: Environment): void {
  env
    .registerType('net.IP', IP)
    .registerType('IPNamespace', IPNamespace)
    .registerConstant('ip', 'IPNamespace', new IPNamespace())
    .registerFunction('ip(string): net.IP', (s: string) => new IP(parseIP(s)))
    .registerFunction('isIP(string): bool', (s: string) => isIP(s))
    .registerFunction('IPNamespace.isCanonical(string): bool', (_ns: IPNamespace, s: string) => formatAddr(parseIP(s)) === s)
    .registerFunction('string(net.IP): string', (ip: IP) => formatAddr(ip.addr))
    .registerFunction('net.IP.family(): int', (ip: IP) => BigInt(ip.addr.family))
    .registerFunction('net.IP.isUnspecified(): bool', (ip: IP) => ip.addr.bits === 0n)
    .registerFunction('net.IP.isLoopback(): bool', (ip: IP) => inAny(ip.addr, LOOPBACK))
    .registerFunction('net.IP.isLinkLocalMulticast(): bool', (ip: IP) => inAny(ip.addr, LINK_LOCAL_MULTICAST))
    .registerFunction('net.IP.isLinkLocalUnicast(): bool', (ip: IP) => inAny(ip.addr, LINK_LOCAL_UNICAST))
    .registerFunction('net.IP.isGlobalUnicast(): bool', (ip: IP) => isGlobalUnicast(ip.addr))
    .registerOperator('net.IP == net.IP', (a: IP, b: IP) => a.addr.family === b.addr.family && a.addr.bits === b.addr.bits);
}
