/**
 * dnsMessage holds the DNS messages that cross the lab's pod network: a query
 * (one question, as stub resolvers send them) and a reply with its response
 * code, authoritative flag and answer records. Names are absolute and
 * lower-case, without the trailing dot; rdata is kept as the fields the tools
 * print rather than as wire bytes.
 */

/** DnsType is a query or record type the lab's servers and tools know. */
export type DnsType = 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'SRV' | 'NS' | 'SOA' | 'MX' | 'TXT' | 'ANY';

/** Rcode is a response code, named as dig and nslookup print it. */
export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** DnsQuery is one question. */
export interface DnsQuery {
  name: string;
  type: DnsType;
}

/** DnsRecord is an answer record. */
export type DnsRecord =
  | { name: string; ttl: number; type: 'A' | 'AAAA'; address: string }
  | { name: string; ttl: number; type: 'CNAME' | 'PTR' | 'NS'; target: string }
  | { name: string; ttl: number; type: 'SRV'; priority: number; weight: number; port: number; target: string };

/** DnsReply is a server's answer to a query. */
export interface DnsReply {
  rcode: Rcode;
  /** authoritative is the AA bit: the server owns the zone (CoreDNS's kubernetes plugin) rather than relaying an answer. */
  authoritative: boolean;
  answers: DnsRecord[];
}

/** DnsHandler is a DNS server bound to a port: it answers a query sent from the client address. */
export type DnsHandler = (query: DnsQuery, client: string) => Promise<DnsReply>;

/** canonicalName lower-cases a name and drops its trailing dot, as names are compared in DNS. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** isIPv4 tells whether s is a dotted-quad IPv4 address (inet_pton's rules: no leading zeros beyond one digit). */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** reverseName is an IPv4 address's in-addr.arpa name, as resolvers build PTR queries. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** addressOfReverse reads the IPv4 address back from an in-addr.arpa name; undefined when it is not one. */
export function addressOfReverse(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(canonicalName(name));
  if (!m) return undefined;
  const ip = [m[4], m[3], m[2], m[1]].join('.');
  return isIPv4(ip) ? ip : undefined;
}
