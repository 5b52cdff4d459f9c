/**
 * stubResolver is what a container's C library does with a name before
 * asking DNS (resolv.conf(5), glibc's res_search): read /etc/resolv.conf
 * (nameservers, search list, ndots, timeout, attempts) and /etc/hosts, and
 * decide in which order to try the name and its search-list expansions.
 */

/** ResolvConf is a parsed /etc/resolv.conf. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
  /** timeoutMs and attempts are how long to wait for each server and how many rounds to make. */
  timeoutMs: number;
  attempts: number;
}

/** MAX_NAMESERVERS is MAXNS: the resolver uses the first three. */
const MAX_NAMESERVERS = 3;

/** parseResolvConf reads resolv.conf as glibc does: the last `search` or `domain` wins, options add up, defaults ndots:1 timeout:5 attempts:2. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1, timeoutMs: 5000, attempts: 2 };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, ...args] = line.split(/\s+/);
    if (keyword === 'nameserver' && args[0] && conf.nameservers.length < MAX_NAMESERVERS) conf.nameservers.push(args[0]);
    else if (keyword === 'search' || keyword === 'domain') conf.search = keyword === 'domain' ? args.slice(0, 1) : args;
    else if (keyword === 'options') {
      for (const o of args) {
        const [name, value] = o.split(':');
        const n = Number(value);
        if (name === 'ndots' && Number.isInteger(n) && n >= 0) conf.ndots = Math.min(n, 15);
        else if (name === 'timeout' && Number.isInteger(n) && n >= 1) conf.timeoutMs = Math.min(n, 30) * 1000;
        else if (name === 'attempts' && Number.isInteger(n) && n >= 1) conf.attempts = Math.min(n, 5);
      }
    }
  }
  return conf;
}

/** HostsEntry is a line of /etc/hosts: an address, its canonical name and aliases. */
export interface HostsEntry {
  address: string;
  name: string;
  aliases: string[];
}

/** parseHosts reads /etc/hosts, skipping comments and malformed lines. */
export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const [address, name, ...aliases] = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (address && name) out.push({ address, name, aliases });
  }
  return out;
}

/** hostsByName finds the /etc/hosts entries for a name (any of its names, case-insensitively) of one address family. */
export function hostsByName(entries: HostsEntry[], name: string, family: 4 | 6): HostsEntry[] {
  const want = name.toLowerCase().replace(/\.$/, '');
  return entries.filter((e) => (family === 6) === e.address.includes(':') && [e.name, ...e.aliases].some((n) => n.toLowerCase() === want));
}

/**
 * searchOrder is the order res_search tries names in: a name ending in a dot
 * as it is only; with at least ndots dots, as it is first and then with each
 * search domain; with fewer, each search domain first and the name as it is
 * last.
 */
export function searchOrder(name: string, conf: Pick<ResolvConf, 'search' | 'ndots'>): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const expanded = conf.search.map((d) => `${name}.${d.replace(/\.$/, '')}`);
  return dots >= conf.ndots ? [name, ...expanded] : [...expanded, name];
}
