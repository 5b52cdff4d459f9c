/**
 * ip validates IP addresses and CIDRs as util/validation's IsValidIP and
 * IsValidCIDR do (k8s.io/utils ParseIPSloppy, then Go's stricter netip rules and
 * the canonical form), and core/validation's ValidateNonSpecialIP, for services,
 * endpoints, pod status, host aliases, DNS config and node pod CIDRs.
 */
import { type FieldError, invalidValue } from '../fieldErrors';

/** ParsedIP is an address as 4 or 16 bytes, with whether any IPv4 part had a leading zero. */
interface ParsedIP {
  bytes: number[];
  leadingZeros: boolean;
}

function parseIPv4(s: string): ParsedIP | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  let leadingZeros = false;
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    if (p.length > 1 && p[0] === '0') leadingZeros = true;
    bytes.push(n);
  }
  return { bytes, leadingZeros };
}

function parseIPv6(s: string): ParsedIP | undefined {
  let leadingZeros = false;
  let tail: number[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    leadingZeros = v4.leadingZeros;
    tail = v4.bytes;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...rest];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - all.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest].map((g) => parseInt(g, 16));
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return { bytes, leadingZeros };
}

/** parseIPSloppy is netutils.ParseIPSloppy: IPv4 parts may carry leading zeros (read as decimal). */
function parseIPSloppy(s: string): ParsedIP | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

const isV4Mapped = (b: number[]) => b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** formatIP is net.IP.String(): dotted IPv4 (also for IPv4-mapped addresses), else RFC 5952 IPv6. */
function formatIP(b: number[]): string {
  if (b.length === 4) return b.join('.');
  if (isV4Mapped(b)) return b.slice(12).join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** parsesAsIP is `netutils.ParseIPSloppy(s) != nil`. */
export function parsesAsIP(s: string): boolean {
  return parseIPSloppy(s) !== undefined;
}

/** isIPv6String is netutils.IsIPv6String. */
export function isIPv6String(s: string): boolean {
  const ip = parseIPSloppy(s);
  return ip !== undefined && ip.bytes.length === 16 && !isV4Mapped(ip.bytes);
}

/** isValidIP is IsValidIP: a strictly formed address in canonical form. */
export function isValidIP(path: string, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalidValue(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
  const errs: FieldError[] = [];
  if (ip.leadingZeros) errs.push(invalidValue(path, value, 'must not have leading 0s'));
  if (value.includes(':') && isV4Mapped(ip.bytes)) errs.push(invalidValue(path, value, 'must not be an IPv4-mapped IPv6 address'));
  if (errs.length) return errs;
  const canonical = formatIP(ip.bytes);
  return value === canonical ? [] : [invalidValue(path, value, `must be in canonical form (${JSON.stringify(canonical)})`)];
}

/** isValidCIDR is IsValidCIDR: a strictly formed CIDR with no host bits, in canonical form. */
export function isValidCIDR(path: string, value: string): FieldError[] {
  const bad = [invalidValue(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  const slash = value.indexOf('/');
  if (slash < 0) return bad;
  const ip = parseIPSloppy(value.slice(0, slash));
  const prefixText = value.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(prefixText)) return bad;
  const bits = ip.bytes.length * 8;
  const prefix = Number(prefixText);
  if (prefix > bits) return bad;
  const masked = ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  if (ip.leadingZeros || (prefixText.length > 1 && prefixText[0] === '0')) return [invalidValue(path, value, 'must not have leading 0s in IP or prefix length')];
  if (value.includes(':') && isV4Mapped(ip.bytes)) return [invalidValue(path, value, 'must not have an IPv4-mapped IPv6 address')];
  if (masked.some((b, i) => b !== ip.bytes[i])) return [invalidValue(path, value, 'must not have bits set beyond the prefix length')];
  const canonical = `${formatIP(masked)}/${prefix}`;
  return value === canonical ? [] : [invalidValue(path, value, `must be in canonical form (${JSON.stringify(canonical)})`)];
}

/**
 * validateNonSpecialIP is ValidateNonSpecialIP: endpoints and external IPs may not
 * be unspecified, loopback or link-local.
 */
export function validateNonSpecialIP(path: string, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalidValue(path, value, 'must be a valid IP address')];
  const b = isV4Mapped(ip.bytes) ? ip.bytes.slice(12) : ip.bytes;
  const errs: FieldError[] = [];
  const v4 = b.length === 4;
  if (b.every((x) => x === 0)) errs.push(invalidValue(path, value, `may not be unspecified (${value})`));
  if (v4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) {
    errs.push(invalidValue(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if (v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80) {
    errs.push(invalidValue(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02) {
    errs.push(invalidValue(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}
