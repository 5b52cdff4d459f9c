/**
 * nftablesProxier renders a node's Services as kube-proxy's nftables proxier
 * (pkg/proxy/nftables/proxier.go) writes them into `table ip kube-proxy`: base
 * chains at the netfilter hooks, dispatch through the verdict maps service-ips
 * and service-nodeports, a service-<hash>-ns/svc/proto/port chain per service
 * port choosing an endpoint with `numgen random mod N vmap`, an endpoint chain
 * per endpoint that DNATs. It prints the table as knftables' transaction
 * (what kube-proxy runs, and upstream's tests compare) and as `nft list ruleset`.
 */
import { nftEndpointChainBase, nftServiceChainBase } from './chainNames';
import type { ProxierConfig } from './iptablesProxier';
import { cidrContains } from './iptablesProxier';
import { SERVICE_CIDR } from '../apiserver/registry/serviceAlloc';
import { type Endpoint, type ProxyState, categorizeEndpoints, externallyAccessible, usesClusterEndpoints, usesLocalEndpoints } from './serviceInfo';

/** NftRule is one rule: its text as kube-proxy writes it, with the parts a tracer needs as data. */
export interface NftRule {
  rule: string;
  comment?: string;
  /** verdict is where the rule sends a matching packet (jump returns, goto does not). */
  verdict?: { kind: 'jump' | 'goto'; chain: string };
  /** numgen is the load-balancing rule: an endpoint chain for each value of `numgen random mod N`. */
  numgen?: { mod: number; chains: string[] };
  /** dnat is the destination an endpoint chain rewrites to. */
  dnat?: string;
}

/** NftChain is a chain, a base chain when hooked. */
export interface NftChain {
  name: string;
  base?: { type: 'filter' | 'nat'; hook: string; priority: number };
  comment?: string;
  rules: NftRule[];
}

/** NftElement is a set or map element: key parts, value parts (maps), comment. */
export interface NftElement {
  key: string[];
  value?: string[];
  comment?: string;
}

/** NftSet is a set or a verdict map. */
export interface NftSet {
  kind: 'set' | 'map';
  name: string;
  type: string;
  comment?: string;
  flags?: string[];
  timeoutSeconds?: number;
  elements: NftElement[];
}

/** NftTable is `table ip kube-proxy`. */
export interface NftTable {
  family: 'ip';
  name: 'kube-proxy';
  comment: string;
  sets: NftSet[];
  chains: NftChain[];
}

const TABLE = 'ip kube-proxy';

/** NftablesProxier keeps one node's nftables table in step with a ProxyState, rebuilding it on each sync. */
export class NftablesProxier {
  private table: NftTable = emptyTable();

  constructor(private readonly state: ProxyState, private readonly config: ProxierConfig, private readonly serviceCIDR = SERVICE_CIDR) {}

  sync(full: boolean): { full: boolean; services: number; rewritten: number } {
    const changed = this.state.takeChanges();
    this.table = this.build();
    return { full, services: this.state.services.size, rewritten: full ? this.state.services.size : changed.size };
  }

  rules(): NftTable {
    return this.table;
  }

  text(): string {
    return listRuleset(this.table);
  }

  /** transaction is the table as knftables writes it (`add table …`, `add chain …`, `add rule …`, `add element …`). */
  transaction(): string {
    return dump(this.table);
  }

  private build(): NftTable {
    const c = this.config;
    const t = emptyTable();
    const set = (kind: 'set' | 'map', name: string, type: string, comment: string): NftSet => {
      const s: NftSet = { kind, name, type, comment, elements: [] };
      t.sets.push(s);
      return s;
    };
    const clusterIPs = set('set', 'cluster-ips', 'ipv4_addr', 'Active ClusterIPs');
    const nodePortIPs = set('set', 'nodeport-ips', 'ipv4_addr', 'IPs that accept NodePort traffic');
    const firewallIPs = set('map', 'firewall-ips', 'ipv4_addr . inet_proto . inet_service : verdict', 'destinations that are subject to LoadBalancerSourceRanges');
    const noEndpointNodePorts = set('map', 'no-endpoint-nodeports', 'inet_proto . inet_service : verdict', 'vmap to drop or reject packets to service nodeports with no endpoints');
    const noEndpointServices = set('map', 'no-endpoint-services', 'ipv4_addr . inet_proto . inet_service : verdict', 'vmap to drop or reject packets to services with no endpoints');
    const serviceIPs = set('map', 'service-ips', 'ipv4_addr . inet_proto . inet_service : verdict', 'ClusterIP, ExternalIP and LoadBalancer IP traffic');
    const serviceNodePorts = set('map', 'service-nodeports', 'inet_proto . inet_service : verdict', 'NodePort traffic');
    nodePortIPs.elements.push({ key: [c.nodeIP] });

    const chains = new Map<string, NftChain>();
    const chain = (name: string, extra: Partial<NftChain> = {}): NftChain => {
      let ch = chains.get(name);
      if (!ch) chains.set(name, (ch = { name, rules: [], ...extra }));
      return ch;
    };
    const add = (name: string, r: NftRule): void => void chain(name).rules.push(r);
    const to = (kind: 'jump' | 'goto', target: string): Pick<NftRule, 'verdict'> => ({ verdict: { kind, chain: target } });
    for (const [name, hook, type, priority] of [
      ['filter-prerouting-pre-dnat', 'prerouting', 'filter', -110], ['filter-output-pre-dnat', 'output', 'filter', -110],
      ['filter-forward', 'forward', 'filter', 0], ['filter-input', 'input', 'filter', 0], ['filter-output', 'output', 'filter', 0],
      ['nat-output', 'output', 'nat', -100], ['nat-postrouting', 'postrouting', 'nat', 100], ['nat-prerouting', 'prerouting', 'nat', -100],
    ] as const) chain(name, { base: { type, hook, priority } });
    for (const [dst, src, extra] of [
      ['firewall-check', 'filter-prerouting-pre-dnat', 'ct state new '], ['service-endpoints-check', 'filter-forward', 'ct state new '], ['cluster-ips-check', 'filter-forward', 'ct state new '],
      ['nodeport-endpoints-check', 'filter-input', 'ct state new '], ['service-endpoints-check', 'filter-input', 'ct state new '], ['service-endpoints-check', 'filter-output', 'ct state new '],
      ['firewall-check', 'filter-output-pre-dnat', 'ct state new '], ['cluster-ips-check', 'filter-output', 'ct state new '],
      ['services', 'nat-output', ''], ['masquerading', 'nat-postrouting', ''], ['services', 'nat-prerouting', ''],
    ] as const) {
      chain(dst);
      add(src, { rule: `${extra}jump ${dst}`, ...to('jump', dst) });
    }
    add('cluster-ips-check', { rule: 'ip daddr @cluster-ips reject', comment: 'Reject traffic to invalid ports of ClusterIPs' });
    add('cluster-ips-check', { rule: `ip daddr { ${this.serviceCIDR} } drop`, comment: 'Drop traffic to unallocated ClusterIPs' });
    add('firewall-check', { rule: 'ip daddr . meta l4proto . th dport vmap @firewall-ips' });
    add('mark-for-masquerade', { rule: `mark set mark or ${c.masqueradeMark}` });
    add('masquerading', { rule: `mark and ${c.masqueradeMark} == 0 return` });
    add('masquerading', { rule: `mark set mark xor ${c.masqueradeMark}` });
    add('masquerading', { rule: 'masquerade fully-random' });
    add('nodeport-endpoints-check', { rule: 'ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports' });
    chain('reject-chain', { comment: 'helper for @no-endpoint-services / @no-endpoint-nodeports' });
    add('reject-chain', { rule: 'reject' });
    add('services', { rule: 'ip daddr . meta l4proto . th dport vmap @service-ips' });
    add('services', { rule: 'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports' });
    add('service-endpoints-check', { rule: 'ip daddr . meta l4proto . th dport vmap @no-endpoint-services' });

    const affinitySets: NftSet[] = [];
    for (const key of [...this.state.services.keys()].sort()) {
      for (const svc of this.state.services.get(key) ?? []) {
        const base = nftServiceChainBase(svc.namespace, svc.name, svc.protocol, svc.port);
        const clusterPolicyChain = `service-${base}`;
        const localPolicyChain = `local-${base}`;
        const externalTrafficChain = `external-${base}`;
        const fwChain = `firewall-${base}`;
        const epBase = (e: Endpoint): string => nftEndpointChainBase(svc.namespace, svc.name, svc.protocol, svc.port, e.ip, e.port);
        const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(this.state.endpoints(svc), svc);
        for (const e of allReachableEndpoints) chain(`endpoint-${epBase(e)}`);
        const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc);
        if (usesClusterPolicyChain) chain(clusterPolicyChain);
        const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(svc);
        if (usesLocalPolicyChain) chain(localPolicyChain);
        let internalTrafficChain = clusterPolicyChain;
        let hasInternalEndpoints = hasEndpoints;
        if (svc.internalPolicyLocal) {
          internalTrafficChain = localPolicyChain;
          if (localEndpoints.length === 0) hasInternalEndpoints = false;
        }
        let externalPolicyChain = clusterPolicyChain;
        let hasExternalEndpoints = hasEndpoints;
        if (svc.externalPolicyLocal) {
          externalPolicyChain = localPolicyChain;
          if (localEndpoints.length === 0) hasExternalEndpoints = false;
        }
        const usesExternalTrafficChain = hasEndpoints && externallyAccessible(svc);
        if (usesExternalTrafficChain) chain(externalTrafficChain);
        let internalVerdict = 'goto reject-chain';
        let externalVerdict = 'goto reject-chain';
        if (hasEndpoints) {
          if (!hasInternalEndpoints) internalVerdict = 'drop';
          if (!hasExternalEndpoints) externalVerdict = 'drop';
        }
        const k = (ip: string, port: number): string[] => [ip, svc.protocol, String(port)];
        clusterIPs.elements.push({ key: [svc.clusterIP] });
        if (hasInternalEndpoints) serviceIPs.elements.push({ key: k(svc.clusterIP, svc.portNumber), value: [`goto ${internalTrafficChain}`] });
        else noEndpointServices.elements.push({ key: k(svc.clusterIP, svc.portNumber), value: [internalVerdict], comment: svc.nameString });
        for (const ip of svc.externalIPs) {
          if (hasEndpoints) serviceIPs.elements.push({ key: k(ip, svc.portNumber), value: [`goto ${externalTrafficChain}`] });
          if (!hasExternalEndpoints) noEndpointServices.elements.push({ key: k(ip, svc.portNumber), value: [externalVerdict], comment: svc.nameString });
        }
        const usesFWChain = svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
        if (usesFWChain) chain(fwChain);
        for (const ip of svc.loadBalancerVIPs) {
          if (hasEndpoints) serviceIPs.elements.push({ key: k(ip, svc.portNumber), value: [`goto ${externalTrafficChain}`] });
          if (usesFWChain) firewallIPs.elements.push({ key: k(ip, svc.portNumber), value: [`goto ${fwChain}`] });
        }
        if (!hasExternalEndpoints) for (const ip of svc.loadBalancerVIPs) noEndpointServices.elements.push({ key: k(ip, svc.portNumber), value: [externalVerdict], comment: svc.nameString });
        if (svc.nodePort !== 0) {
          if (hasEndpoints) serviceNodePorts.elements.push({ key: [svc.protocol, String(svc.nodePort)], value: [`goto ${externalTrafficChain}`] });
          if (!hasExternalEndpoints) noEndpointNodePorts.elements.push({ key: [svc.protocol, String(svc.nodePort)], value: [externalVerdict], comment: svc.nameString });
        }
        if (hasInternalEndpoints) {
          if (c.masqueradeAll) add(internalTrafficChain, { rule: `ip daddr ${svc.clusterIP} jump mark-for-masquerade`, ...to('jump', 'mark-for-masquerade') });
          else if (c.clusterCIDR) add(internalTrafficChain, { rule: `ip daddr ${svc.clusterIP} ip saddr != ${c.clusterCIDR} jump mark-for-masquerade`, ...to('jump', 'mark-for-masquerade') });
        }
        if (usesExternalTrafficChain) {
          if (!svc.externalPolicyLocal) {
            add(externalTrafficChain, { rule: 'jump mark-for-masquerade', ...to('jump', 'mark-for-masquerade') });
          } else {
            if (c.clusterCIDR) add(externalTrafficChain, { rule: `ip saddr ${c.clusterCIDR} goto ${clusterPolicyChain}`, comment: 'short-circuit pod traffic', ...to('goto', clusterPolicyChain) });
            add(externalTrafficChain, { rule: 'fib saddr type local jump mark-for-masquerade', comment: 'masquerade local traffic', ...to('jump', 'mark-for-masquerade') });
            add(externalTrafficChain, { rule: `fib saddr type local goto ${clusterPolicyChain}`, comment: 'short-circuit local traffic', ...to('goto', clusterPolicyChain) });
          }
          if (hasExternalEndpoints) add(externalTrafficChain, { rule: `goto ${externalPolicyChain}`, ...to('goto', externalPolicyChain) });
        }
        if (usesFWChain) {
          const sources = [...svc.loadBalancerSourceRanges];
          if (sources.some((r) => cidrContains(r, c.nodeIP))) sources.push(...svc.loadBalancerVIPs);
          add(fwChain, { rule: `ip saddr != { ${sources.join(', ')} } drop` });
        }
        if (svc.sessionAffinityClientIP) {
          for (const e of allReachableEndpoints) {
            affinitySets.push({ kind: 'set', name: `affinity-${epBase(e)}`, type: 'ipv4_addr', flags: ['dynamic', 'timeout'], timeoutSeconds: svc.stickyMaxAgeSeconds, elements: [] });
          }
        }
        const lb = (target: string, eps: Endpoint[]): void => {
          if (svc.sessionAffinityClientIP) for (const e of eps) add(target, { rule: `ip saddr @affinity-${epBase(e)} goto endpoint-${epBase(e)}`, ...to('goto', `endpoint-${epBase(e)}`) });
          const targets = eps.map((e) => `endpoint-${epBase(e)}`);
          add(target, { rule: `numgen random mod ${eps.length} vmap { ${targets.map((ch, i) => `${i} : goto ${ch}`).join(' , ')} }`, numgen: { mod: eps.length, chains: targets } });
        };
        if (usesClusterPolicyChain) lb(clusterPolicyChain, clusterEndpoints);
        if (usesLocalPolicyChain) lb(localPolicyChain, localEndpoints);
        for (const e of allReachableEndpoints) {
          const ch = `endpoint-${epBase(e)}`;
          add(ch, { rule: `ip saddr ${e.ip} jump mark-for-masquerade`, ...to('jump', 'mark-for-masquerade') });
          if (svc.sessionAffinityClientIP) add(ch, { rule: `update @affinity-${epBase(e)} { ip saddr }` });
          add(ch, { rule: `meta l4proto ${svc.protocol} dnat to ${e.endpoint}`, dnat: e.endpoint });
        }
      }
    }
    t.sets.push(...affinitySets);
    t.chains = [...chains.values()];
    return t;
  }
}

function emptyTable(): NftTable {
  return { family: 'ip', name: 'kube-proxy', comment: 'rules for kube-proxy', sets: [], chains: [] };
}

const q = (s: string): string => `"${s}"`;

function elementText(e: NftElement): string {
  return `${e.key.join(' . ')}${e.comment ? ` comment ${q(e.comment)}` : ''}${e.value ? ` : ${e.value.join(' . ')}` : ''}`;
}

/** dump prints the table as knftables' Fake.Dump (the transaction kube-proxy runs). */
export function dump(t: NftTable): string {
  const out = [`add table ${TABLE} { comment ${q(t.comment)} ; }`];
  for (const c of t.chains) {
    const props = [c.base ? `type ${c.base.type} hook ${c.base.hook} priority ${c.base.priority}` : '', c.comment ? `comment ${q(c.comment)}` : ''].filter(Boolean);
    out.push(`add chain ${TABLE} ${c.name}${props.length ? ` { ${props.join(' ; ')} ; }` : ''}`);
  }
  for (const s of t.sets) {
    const props = [`type ${s.type}`, s.flags ? `flags ${s.flags.join(',')}` : '', s.timeoutSeconds !== undefined ? `timeout ${s.timeoutSeconds}s` : '', s.comment ? `comment ${q(s.comment)}` : ''].filter(Boolean);
    out.push(`add ${s.kind} ${TABLE} ${s.name} { ${props.join(' ; ')} ; }`);
  }
  for (const c of t.chains) for (const r of c.rules) out.push(`add rule ${TABLE} ${c.name} ${r.rule}${r.comment ? ` comment ${q(r.comment)}` : ''}`);
  for (const s of t.sets) for (const e of s.elements) out.push(`add element ${TABLE} ${s.name} { ${elementText(e)} }`);
  return `${out.join('\n')}\n`;
}

/** PRIORITY_NAMES are the names nft lists standard priorities by. */
function priorityName(type: 'filter' | 'nat', p: number): string {
  const named: [number, string][] = [[-100, 'dstnat'], [0, 'filter'], [100, 'srcnat']];
  if (type === 'filter' && p === 0) return 'filter';
  for (const [v, n] of named) {
    if (p === v) return n;
    if (Math.abs(p - v) <= 10 && v !== 0) return `${n} ${p < v ? '-' : '+'} ${Math.abs(p - v)}`;
  }
  return String(p);
}

/** nftDuration prints seconds as nft lists timeouts (3h, 1h30m, 45s). */
function nftDuration(s: number): string {
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.join('') || '0s';
}

/** listed is a rule as `nft list` prints it back: marks as meta mark expressions, one-element anonymous sets bare. */
function listed(rule: string): string {
  const hex = (v: string): string => `0x${Number(v).toString(16).padStart(8, '0')}`;
  return rule
    .replace(/^mark set mark (or|xor) (0x[0-9a-f]+)$/, (_, op: string, v: string) => `meta mark set meta mark ${op === 'or' ? '|' : '^'} ${hex(v)}`)
    .replace(/^mark and (0x[0-9a-f]+) == 0 return$/, (_, v: string) => `meta mark & ${hex(v)} == 0x00000000 return`)
    .replace(/(!= |daddr |saddr )\{ ([^,{}]+) \}/g, '$1$2')
    .replace(/ , /g, ', ');
}

/** listRuleset prints the table as `nft list ruleset` does. */
export function listRuleset(t: NftTable): string {
  const out = [`table ${t.family} ${t.name} {`, `\tcomment ${q(t.comment)}`];
  for (const s of t.sets) {
    out.push(`\t${s.kind} ${s.name} {`, `\t\ttype ${s.type}`);
    if (s.flags) out.push(`\t\tflags ${s.flags.join(',')}`);
    if (s.timeoutSeconds !== undefined) out.push(`\t\ttimeout ${nftDuration(s.timeoutSeconds)}`);
    if (s.comment) out.push(`\t\tcomment ${q(s.comment)}`);
    if (s.elements.length) out.push(`\t\telements = { ${s.elements.map(elementText).join(',\n\t\t\t     ')} }`);
    out.push('\t}');
  }
  for (const c of t.chains) {
    out.push(`\tchain ${c.name} {`);
    if (c.comment) out.push(`\t\tcomment ${q(c.comment)}`);
    if (c.base) out.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${priorityName(c.base.type, c.base.priority)}; policy accept;`);
    for (const r of c.rules) out.push(`\t\t${listed(r.rule)}${r.comment ? ` comment ${q(r.comment)}` : ''}`);
    out.push('\t}');
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

