/**
 * dnsTools are the images' name lookup tools, talking to DNS servers over the
 * pod network (ContainerSystem.network): busybox's `nslookup` (the
 * LEDE/OpenWrt implementation busybox builds with FEATURE_NSLOOKUP_BIG, its
 * output and exit status to the byte) and glibc's `getent hosts` in Debian
 * images, which resolves as the C library does — /etc/hosts first, then DNS
 * with the search list and ndots of /etc/resolv.conf.
 */
import { type DnsQuery, type DnsReply, type DnsType, isIPv4, reverseName } from '../network/dns/dnsMessage';
import type { DnsExchange } from '../network/dns/podNetwork';
import { type HostsEntry, type ResolvConf, hostsByName, parseHosts, parseResolvConf, searchOrder } from '../network/dns/stubResolver';
import type { ProgramTable } from './coreutils';
import { type Proc, sleepFor } from './process';

/** BUSYBOX_BANNER is the first line busybox prints above an applet's usage. */
const BUSYBOX_BANNER = 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.';

/** NSLOOKUP_TYPES are the query types nslookup knows, in the order it sends them. */
const NSLOOKUP_TYPES: DnsType[] = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'PTR', 'SRV', 'ANY'];

/** dnsTools are nslookup (busybox and Alpine) and getent (Debian). */
export function dnsTools(): ProgramTable {
  return { nslookup, getent };
}

/** exchange sends a query from the container; a container with no network hears nothing back. */
function exchange(p: Proc, server: string, port: number, query: DnsQuery): Promise<DnsExchange> {
  return p.system.network?.exchangeDns(server, port, query) ?? Promise.resolve({ timeout: true });
}

function readText(p: Proc, path: string): string {
  const data = p.system.fs.read(path);
  return typeof data === 'string' ? '' : data.toString();
}

function nslookupUsage(p: Proc): number {
  p.stderr.write(`${BUSYBOX_BANNER}\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n`);
  return 1;
}

/** NsTarget is a server nslookup asks: the name it was given and its address and port. */
interface NsTarget {
  name: string;
  ip: string;
  port: number;
}

/**
 * nslookup sends every query (the name with each search domain when it has
 * no dot, as A then AAAA, or a PTR for an address) to the first server, and
 * prints each reply as it arrives; a server that does not answer within the
 * timeout gives way to the next. Any reply but NOERROR makes the exit status 1.
 */
async function nslookup(p: Proc, argv: string[]): Promise<number> {
  let i = 1;
  let types = new Set<DnsType>();
  let port = 53;
  let retry = 2;
  let timeout = 5;
  let debug = false;
  const number = (val: string, max: number): number | string => {
    if (!/^\d+$/.test(val)) return `invalid number '${val}'`;
    const n = Number(val);
    return n < 1 || n > max ? `number ${val} is not in 1..${max} range` : n;
  };
  for (; ; i++) {
    const arg = argv[i];
    if (arg === undefined) return nslookupUsage(p);
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(1) : arg.slice(1, eq);
    const val = eq < 0 ? '' : arg.slice(eq + 1);
    if (name === 'type' || name === 'querytype') {
      const t = NSLOOKUP_TYPES.find((q) => q.toLowerCase() === val.toLowerCase());
      if (!t) {
        p.stderr.write(`nslookup: invalid query type "${val}"\n`);
        return 1;
      }
      types = new Set([...types, t]);
      continue;
    }
    if (name === 'debug') {
      debug = true;
      continue;
    }
    if (!['port', 'retry', 't', 'timeout'].includes(name)) return nslookupUsage(p);
    const n = number(val, name === 'port' ? 0xffff : name === 'retry' ? 2 ** 31 - 1 : Math.floor((2 ** 31 - 1) / 1000));
    if (typeof n === 'string') {
      p.stderr.write(`nslookup: ${n}\n`);
      return 1;
    }
    if (name === 'port') port = n;
    else if (name === 'retry') retry = n;
    else timeout = n;
  }
  const host = argv[i];
  if (argv[i + 2] !== undefined) return nslookupUsage(p);
  const servers: NsTarget[] = [];
  let search: string[] = [];
  const target = (addr: string): NsTarget | undefined => {
    const m = /^(.+?)(?::(\d+))?$/.exec(addr);
    const ip = m?.[1] === 'localhost' ? '127.0.0.1' : m?.[1] ?? '';
    return isIPv4(ip) ? { name: addr, ip, port: m?.[2] ? Number(m[2]) : port } : undefined;
  };
  if (argv[i + 1] !== undefined) {
    const t = target(argv[i + 1]);
    if (!t) {
      p.stderr.write(`nslookup: bad address '${argv[i + 1]}'\n`);
      return 1;
    }
    servers.push(t);
  } else {
    let haveSearch = false;
    for (const line of readText(p, '/etc/resolv.conf').split('\n')) {
      const m = /^[ \t]*(\S+)[ \t]+(.+)$/.exec(line);
      if (!m) continue;
      const [, key, arg] = m;
      if (key === 'search' || (key === 'domain' && !haveSearch)) {
        haveSearch ||= key === 'search';
        search = arg.trim().split(/[ \t]+/);
      } else if (key === 'nameserver') {
        const t = target(arg.trim());
        if (t) servers.push(t);
      }
    }
    if (!search.length && p.system.hostname.includes('.')) search = [p.system.hostname.slice(p.system.hostname.indexOf('.') + 1)];
    if (search.length === 1 && search[0] === '.') search = [];
    if (!servers.length) servers.push({ name: '127.0.0.1', ip: '127.0.0.1', port });
  }
  const queries: DnsQuery[] = [];
  const withSearch = (type: DnsType, name: string): void => {
    if (type === 'PTR' || !search.length || name.includes('.')) queries.push({ name, type });
    else for (const d of search) queries.push({ name: `${name}.${d}`, type });
  };
  if (types.size === 0) {
    if (isIPv4(host)) queries.push({ name: reverseName(host), type: 'PTR' });
    else {
      withSearch('A', host);
      withSearch('AAAA', host);
    }
  } else {
    for (const t of NSLOOKUP_TYPES) if (types.has(t)) withSearch(t, host);
  }
  const state = { exitCode: 0 };
  for (const server of servers) {
    const answered = await sendQueries(p, server, queries, { retry, timeoutMs: timeout * 1000, debug }, state);
    if (answered === undefined) return 130;
    if (answered.size > 0) {
      const missing = queries.filter((_, qn) => !answered.has(qn));
      for (const q of missing) p.stdout.write(`*** Can't find ${q.name}: No answer\n`);
      if (missing.length) p.stdout.write('\n');
      return state.exitCode;
    }
  }
  p.stdout.write(';; connection timed out; no servers could be reached\n\n');
  return 1;
}

/**
 * sendQueries is send_queries: every unanswered query goes out at the start
 * and again at each retry interval; replies print as they come, a SERVFAIL
 * is asked again at once while the round's retries last. It resolves with
 * the queries answered, or undefined when interrupted.
 */
async function sendQueries(p: Proc, server: NsTarget, queries: DnsQuery[], opts: { retry: number; timeoutMs: number; debug: boolean }, state: { exitCode: number }): Promise<Set<number> | undefined> {
  const answered = new Set<number>();
  const interval = Math.floor(opts.timeoutMs / opts.retry);
  let replies = 0;
  const started = p.system.clock.now();
  while (p.system.clock.now() - started < opts.timeoutMs) {
    let servfailRetry = 2 * queries.length;
    let refused = false;
    const inFlight = queries.map((q, qn) => ({ q, qn })).filter(({ qn }) => !answered.has(qn));
    while (inFlight.length) {
      const { q, qn } = inFlight.shift() as { q: DnsQuery; qn: number };
      const got = await exchange(p, server.ip, server.port, q);
      if ('refused' in got) refused = true;
      if (!('reply' in got)) continue;
      if (replies++ === 0) p.stdout.write(`Server:\t\t${server.name}\nAddress:\t${server.ip}:${server.port}\n\n`);
      if (got.reply.rcode === 'SERVFAIL' && servfailRetry > 0) {
        servfailRetry--;
        inFlight.push({ q, qn });
        continue;
      }
      answered.add(qn);
      if (opts.debug) p.stdout.write(`Query #${qn} completed in 0ms:\n`);
      if (got.reply.rcode !== 'NOERROR') {
        p.stdout.write(`** server can't find ${q.name}: ${got.reply.rcode}\n`);
        state.exitCode = 1;
      } else {
        p.stdout.write(formatReply(got.reply, opts.debug));
      }
      p.stdout.write('\n');
      if (answered.size === queries.length) return answered;
    }
    // An ICMP refusal surfaces as one failed read per round.
    if (refused) p.stderr.write('nslookup: read: Connection refused\n');
    const left = opts.timeoutMs - (p.system.clock.now() - started);
    if (!(await sleepFor(p, Math.min(interval, left)))) return undefined;
  }
  return answered;
}

/** formatReply is parse_reply: the answer section as nslookup prints it. */
function formatReply(reply: DnsReply, debug: boolean): string {
  let out = reply.authoritative ? (debug ? 'authoritative answer:\n' : '') : 'Non-authoritative answer:\n';
  for (const r of reply.answers) {
    switch (r.type) {
      case 'A':
      case 'AAAA': out += `Name:\t${r.name}\nAddress: ${r.address}\n`; break;
      case 'NS': out += `${r.name}\tnameserver = ${r.target}\n`; break;
      case 'CNAME': out += `${r.name}\tcanonical name = ${r.target}\n`; break;
      case 'PTR': out += `${r.name}\tname = ${r.target}\n`; break;
      case 'SRV': out += `${r.name}\tservice = ${r.priority} ${r.weight} ${r.port} ${r.target}\n`; break;
    }
  }
  return out;
}

/** HostEnt is a struct hostent: the canonical name, its aliases and addresses. */
interface HostEnt {
  name: string;
  aliases: string[];
  addresses: string[];
}

/**
 * getent prints entries of a name service database; `hosts` is the one the
 * lab's images resolve (nsswitch's `hosts: files dns`). A key not found
 * makes the exit status 2.
 */
async function getent(p: Proc, argv: string[]): Promise<number> {
  const db = argv[1];
  if (db === undefined) {
    p.stderr.write('getent: wrong number of arguments\nTry `getent --help\' or `getent --usage\' for more information.\n');
    return 1;
  }
  if (db !== 'hosts') {
    p.stderr.write(`getent: Unknown database: ${db}\n`);
    p.stdout.write('Try `getent --help\' or `getent --usage\' for more information.\n');
    return 1;
  }
  const hosts = parseHosts(readText(p, '/etc/hosts'));
  if (argv.length === 2) {
    for (const e of hosts) p.stdout.write(hostLine(e.address, e.name, e.aliases));
    return 0;
  }
  const conf = parseResolvConf(readText(p, '/etc/resolv.conf'));
  let status = 0;
  for (const key of argv.slice(2)) {
    const found = await lookupHost(p, key, hosts, conf);
    if (found === undefined) return 130;
    if (!found) {
      status = 2;
      continue;
    }
    for (const a of found.addresses) p.stdout.write(hostLine(a, found.name, found.aliases));
  }
  return status;
}

/** hostLine is getent's print_hosts: the address padded to 15, the name, the aliases. */
function hostLine(address: string, name: string, aliases: string[]): string {
  return `${address.padEnd(15)} ${name}${aliases.map((a) => ` ${a}`).join('')}\n`;
}

/**
 * lookupHost is getent's hosts_keys: an address by gethostbyaddr, a name by
 * gethostbyname2 for IPv6 and then IPv4 — each /etc/hosts first, then DNS.
 * It resolves with null when not found, undefined when interrupted.
 */
async function lookupHost(p: Proc, key: string, hosts: HostsEntry[], conf: ResolvConf): Promise<HostEnt | null | undefined> {
  if (isIPv4(key)) {
    const e = hosts.find((h) => h.address === key);
    if (e) return { name: e.name, aliases: e.aliases, addresses: [key] };
    const answer = await resolve(p, [reverseName(key)], 'PTR', conf);
    if (answer === undefined) return undefined;
    const ptr = answer?.records.find((r) => r.type === 'PTR');
    return ptr && ptr.type === 'PTR' ? { name: ptr.target, aliases: [], addresses: [key] } : null;
  }
  for (const [family, type] of [[6, 'AAAA'], [4, 'A']] as const) {
    const local = hostsByName(hosts, key, family);
    if (local.length) return { name: local[0].name, aliases: local[0].aliases, addresses: local.map((e) => e.address) };
    const answer = await resolve(p, searchOrder(key, conf), type, conf);
    if (answer === undefined) return undefined;
    if (!answer) continue;
    const addresses = answer.records.flatMap((r) => ((r.type === 'A' || r.type === 'AAAA') && r.type === type ? [r] : []));
    if (!addresses.length) continue;
    // The canonical name owns the addresses, at the end of any CNAME chain; the names on the way are its aliases.
    const aliases = answer.records.flatMap((r) => (r.type === 'CNAME' ? [r.name] : []));
    return { name: addresses[0].name, aliases, addresses: addresses.map((r) => r.address) };
  }
  return null;
}

/** Resolved is the first name of the search order that had records of the type. */
interface Resolved {
  name: string;
  records: DnsReply['answers'];
}

/**
 * resolve is res_search over res_send: each candidate name in turn, each
 * asked of the nameservers in order for the configured attempts, a server
 * that does not answer costing its timeout. A name error or an empty answer
 * moves on to the next candidate.
 */
async function resolve(p: Proc, names: string[], type: DnsType, conf: ResolvConf): Promise<Resolved | null | undefined> {
  for (const name of names) {
    let settled = false;
    for (let attempt = 0; attempt < conf.attempts && !settled; attempt++) {
      for (const ns of conf.nameservers) {
        const got = await exchange(p, ns, 53, { name, type });
        if ('timeout' in got) {
          if (!(await sleepFor(p, conf.timeoutMs))) return undefined;
          continue;
        }
        if ('refused' in got || got.reply.rcode === 'SERVFAIL') continue;
        settled = true;
        if (got.reply.rcode === 'NOERROR' && got.reply.answers.some((r) => r.type === type)) return { name, records: got.reply.answers };
        break;
      }
    }
  }
  return null;
}
