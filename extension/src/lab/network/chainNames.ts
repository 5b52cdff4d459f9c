/**
 * chainNames derives kube-proxy's chain names as upstream does: iptables chains
 * are a prefix and the first 16 characters of the base32 SHA-256 of the service
 * port name and protocol (pkg/proxy/iptables portProtoHash and
 * servicePortEndpointChainName); nftables chains carry 8 characters of that hash
 * before the readable name (pkg/proxy/nftables hashAndTruncate).
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32_CODES = [...BASE32].map((c) => c.charCodeAt(0));

/**
 * base32Prefix is the first chars characters of RFC 4648 base32 (Go's
 * base32.StdEncoding) of bytes, after an optional prefix. The name is built
 * in one piece (a flat string, not a rope of appended characters): rule sets
 * compare, sort and hash these names by the hundred thousand.
 */
export function base32Prefix(bytes: Uint8Array, chars: number, prefix = ''): string {
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  const end = prefix.length + chars;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && codes.length < end; i++) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5 && codes.length < end) {
      codes.push(BASE32_CODES[(buffer >>> (bits - 5)) & 31]);
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return String.fromCharCode(...codes);
}


/** hash16 is the 16-character base32 SHA-256 prefix iptables chain names end in, after an optional chain prefix. */
export function hash16(text: string, prefix = ''): string {
  return base32Prefix(createHash('sha256').update(text).digest(), 16, prefix);
}

/** portProtoHash is upstream's portProtoHash: the hash of a service port name ("ns/svc:port") and its lowercase protocol. */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol);
}

/** The iptables chain prefixes of a service port's chains. */
export const IPT_PREFIX = { cluster: 'KUBE-SVC-', local: 'KUBE-SVL-', firewall: 'KUBE-FW-', external: 'KUBE-EXT-', endpoint: 'KUBE-SEP-' } as const;

/** servicePortEndpointChainName is KUBE-SEP-<hash of service port name, protocol and "ip:port">. */
export function servicePortEndpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return hash16(servicePortName + protocol + endpoint, IPT_PREFIX.endpoint);
}

/** NFT_NAME_MAX is knftables.NameLengthMax less the longest prefix upstream puts before a chain name base. */
const NFT_BASE_MAX = 256 - 16;

/** hashAndTruncate is nftables' hashAndTruncate: 8 hash characters, a dash, the name, cut to fit. */
export function hashAndTruncate(name: string): string {
  const full = `${base32Prefix(createHash('sha256').update(name).digest(), 8)}-${name}`;
  return full.length > NFT_BASE_MAX ? `${full.slice(0, NFT_BASE_MAX - 3)}...` : full;
}

/** nftServiceChainBase is servicePortChainNameBase: "HASH-ns/svc/proto/port". */
export function nftServiceChainBase(namespace: string, name: string, protocol: string, port: string): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol}/${port}`);
}

/** nftEndpointChainBase is servicePortEndpointChainNameBase: "HASH-ns/svc/proto/port__ip/port" (IPv6 colons as dots). */
export function nftEndpointChainBase(namespace: string, name: string, protocol: string, port: string, ip: string, endpointPort: number): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol}/${port}__${ip.replaceAll(':', '.')}/${endpointPort}`);
}
