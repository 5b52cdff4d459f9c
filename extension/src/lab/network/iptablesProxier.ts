/**
 * iptablesProxier renders a node's Services as kube-proxy's iptables proxier
 * (pkg/proxy/iptables/proxier.go syncProxyRules) writes them: the filter and
 * nat tables with KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING,
 * KUBE-MARK-MASQ, per service port KUBE-SVC/SVL/EXT/FW chains and per endpoint
 * KUBE-SEP chains. Each Service's rules are kept as a fragment, so a partial
 * sync rebuilds only the Services that changed, as upstream's does.
 */
import { IPT_PREFIX } from './chainNames';
import { type IptChain, type IptJump, type IptMatch, type IptRule, type IptTable, chainOrder, jump, rule, verdict } from './iptablesRules';
import { type Endpoint, type ProxyState, type ServicePort, categorizeEndpoints, externallyAccessible, usesClusterEndpoints, usesLocalEndpoints } from './serviceInfo';

/** ProxierConfig is what kube-proxy's flags and its node give every proxier. */
export interface ProxierConfig {
  nodeName: string;
  nodeIP: string;
  /** clusterCIDR is --cluster-cidr, the local-traffic detector's range; none, no detector. */
  clusterCIDR?: string;
  /** masqueradeMark is 1 << --iptables-masquerade-bit (14): 0x4000. */
  masqueradeMark: string;
  masqueradeAll: boolean;
  /** localhostNodePorts is --iptables-localhost-nodeports (true by default). */
  localhostNodePorts: boolean;
  /** nfacct: the kernel has nfacct, so the counting rules are written. */
  nfacct: boolean;
  /** randomFully: iptables supports MASQUERADE --random-fully. */
  randomFully: boolean;
}

/** LARGE_CLUSTER_ENDPOINTS is largeClusterEndpointsThreshold: past it endpoint rules lose their comments. */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

const KUBE_SERVICES = 'KUBE-SERVICES';
const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
const KUBE_FORWARD = 'KUBE-FORWARD';
const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
const KUBE_FIREWALL = 'KUBE-FIREWALL';
const LOCALHOST_NODEPORT_COUNTER = 'localhost_nps_accepted_pkts';
const INVALID_COUNTER = 'ct_state_invalid_dropped_pkts';

/** Fragment is one Service's share of the rule set. */
interface Fragment {
  filterServices: IptRule[];
  filterExternal: IptRule[];
  filterNodePorts: IptRule[];
  filterFirewall: IptRule[];
  natServices: IptRule[];
  natNodePorts: IptRule[];
  natChains: IptChain[];
  /** lines are the fragment's rules in each top-level chain, rendered once: a sync that keeps them reuses the chain's text. */
  lines: Record<TopChain, string>;
  /** rendered are its nat chains with their rules rendered once. */
  rendered: RenderedChain[];
}

const TOP_CHAINS = ['filterNodePorts', 'filterServices', 'filterExternal', 'filterFirewall', 'natServices', 'natNodePorts'] as const;
type TopChain = typeof TOP_CHAINS[number];

/** ruleLines renders rules as iptables-restore lines. */
function ruleLines(rules: readonly IptRule[]): string {
  let out = '';
  for (const r of rules) out += `${r.text}\n`;
  return out;
}

/** RenderedChain is a chain's name and its rules' text. */
interface RenderedChain {
  name: string;
  text: string;
}

/** renderTable prints one table as iptables-save does, from already rendered chains. */
function renderTable(name: string, chains: readonly RenderedChain[], stale: readonly string[] = []): string {
  let out = `*${name}\n`;
  for (const c of chains) out += `:${c.name} - [0:0]\n`;
  for (const c of chains) out += c.text;
  if (stale.length) out += `${stale.map((c) => `:${c} - [0:0]\n`).join('')}${stale.map((c) => `-X ${c}\n`).join('')}`;
  return `${out}COMMIT\n`;
}

/** SyncResult tells what one sync did: full or partial, the Services it rewrote, and the iptables-restore input it wrote. */
export interface SyncResult {
  full: boolean;
  services: number;
  rewritten: number;
  restore: string;
}

/** IptablesProxier keeps one node's iptables rule set in step with a ProxyState. */
export class IptablesProxier {
  private readonly fragments = new Map<string, Fragment>();
  private order: string[] = [];
  private readonly endpointCounts = new Map<string, number>();
  private totalEndpoints = 0;
  private largeClusterMode = false;
  /** topLines caches each top-level chain's Service rules in Service order; undefined once a fragment's share changes. */
  private topLines: Record<TopChain, string> | undefined;

  constructor(private readonly state: ProxyState, private readonly config: ProxierConfig) {}

  /** sync applies the state's changes: every Service when full, else only the changed ones. */
  sync(full: boolean): SyncResult {
    const changed = this.state.takeChanges();
    for (const key of changed) this.countEndpoints(key);
    const large = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS;
    if (large !== this.largeClusterMode) full = true;
    this.largeClusterMode = large;
    const rebuild = full ? [...this.state.services.keys()] : [...changed];
    const stale: string[] = [];
    let reordered = full;
    for (const key of rebuild) {
      const before = this.fragments.get(key);
      const ports = this.state.services.get(key);
      if (!ports) {
        if (before) {
          stale.push(...before.natChains.map((c) => c.name));
          this.fragments.delete(key);
          reordered = true;
        }
        continue;
      }
      const after = this.fragment(ports);
      if (before) {
        const kept = new Set(after.natChains.map((c) => c.name));
        for (const c of before.natChains) if (!kept.has(c.name)) stale.push(c.name);
        if (TOP_CHAINS.some((t) => before.lines[t] !== after.lines[t])) this.topLines = undefined;
      } else {
        reordered = true;
      }
      this.fragments.set(key, after);
    }
    if (full) for (const key of [...this.fragments.keys()]) if (!this.state.services.has(key)) this.fragments.delete(key);
    if (reordered) {
      this.order = [...this.fragments.keys()].sort();
      this.topLines = undefined;
    }
    const restore = full ? this.text() : this.partialRestore(rebuild.filter((k) => this.fragments.has(k)), stale);
    return { full, services: this.fragments.size, rewritten: rebuild.length, restore };
  }

  private countEndpoints(key: string): void {
    const before = this.endpointCounts.get(key) ?? 0;
    let now = 0;
    for (const p of this.state.services.get(key) ?? []) now += this.state.endpoints(p).length;
    this.totalEndpoints += now - before;
    if (now) this.endpointCounts.set(key, now);
    else this.endpointCounts.delete(key);
  }

  /** jumps are the rules kube-proxy inserts into the built-in chains (iptablesJumpChains and the kubelet's KUBE-FIREWALL jumps). */
  jumps(): IptJump[] {
    const j = (table: 'filter' | 'nat', chain: string, target: string, comment: string, extra: IptMatch[]): IptJump => ({
      table, chain, rule: rule(chain, [...extra, ...(comment ? [{ kind: 'comment', text: comment } as const] : [])], jump(target)),
    });
    const fresh: IptMatch[] = [{ kind: 'conntrack', states: ['NEW'] }];
    return [
      j('filter', 'INPUT', KUBE_EXTERNAL_SERVICES, 'kubernetes externally-visible service portals', fresh),
      j('filter', 'FORWARD', KUBE_EXTERNAL_SERVICES, 'kubernetes externally-visible service portals', fresh),
      j('filter', 'INPUT', KUBE_NODEPORTS, 'kubernetes health check service ports', []),
      j('filter', 'FORWARD', KUBE_SERVICES, 'kubernetes service portals', fresh),
      j('filter', 'OUTPUT', KUBE_SERVICES, 'kubernetes service portals', fresh),
      j('filter', 'FORWARD', KUBE_FORWARD, 'kubernetes forwarding rules', []),
      j('filter', 'INPUT', KUBE_PROXY_FIREWALL, 'kubernetes load balancer firewall', fresh),
      j('filter', 'OUTPUT', KUBE_PROXY_FIREWALL, 'kubernetes load balancer firewall', fresh),
      j('filter', 'FORWARD', KUBE_PROXY_FIREWALL, 'kubernetes load balancer firewall', fresh),
      j('nat', 'OUTPUT', KUBE_SERVICES, 'kubernetes service portals', []),
      j('nat', 'PREROUTING', KUBE_SERVICES, 'kubernetes service portals', []),
      j('nat', 'POSTROUTING', KUBE_POSTROUTING, 'kubernetes postrouting rules', []),
      j('filter', 'INPUT', KUBE_FIREWALL, '', []),
      j('filter', 'OUTPUT', KUBE_FIREWALL, '', []),
    ];
  }

  /** tables is the whole rule set, chains in the order upstream's tests print a dump. */
  tables(): IptTable[] {
    const frags = this.order.map((k) => this.fragments.get(k) as Fragment);
    const top = this.topLevel(frags);
    const filter = [...top.filter].sort((a, b) => chainOrder(a.name, b.name));
    const nat: IptChain[] = [...top.nat];
    for (const f of frags) for (const ch of f.natChains) nat.push(ch);
    nat.sort((a, b) => chainOrder(a.name, b.name));
    return [{ name: 'filter', chains: filter }, { name: 'nat', chains: nat }];
  }

  /** rules is the rule set as data: the jumps from the built-in chains, then the restored tables. */
  rules(): { jumps: IptJump[]; tables: IptTable[] } {
    return { jumps: this.jumps(), tables: this.tables() };
  }

  /** text is the rule set as iptables-save prints the filter and nat tables. */
  text(): string {
    const top = this.renderedTop();
    const filter = [...top.filter].sort((a, b) => chainOrder(a.name, b.name));
    // chainOrder puts KUBE-NODEPORTS and KUBE-SERVICES first, the rest by name: sort the
    // names natively (a comparator over every Service's chains is the costliest step).
    const texts = new Map<string, string>();
    for (const ch of top.nat) texts.set(ch.name, ch.text);
    for (const k of this.order) for (const ch of (this.fragments.get(k) as Fragment).rendered) texts.set(ch.name, ch.text);
    const first = [KUBE_NODEPORTS, KUBE_SERVICES].filter((n) => texts.has(n));
    const rest = [...texts.keys()].filter((n) => n !== KUBE_NODEPORTS && n !== KUBE_SERVICES).sort();
    const nat = [...first, ...rest].map((name) => ({ name, text: texts.get(name) as string }));
    return renderTable('filter', filter) + renderTable('nat', nat);
  }

  /** renderedTop is topLevel as text, the Services' shares taken from the cache (rebuilt when a share changed). */
  private renderedTop(): { filter: RenderedChain[]; nat: RenderedChain[] } {
    let lines = this.topLines;
    if (!lines) {
      const parts: Record<TopChain, string[]> = { filterNodePorts: [], filterServices: [], filterExternal: [], filterFirewall: [], natServices: [], natNodePorts: [] };
      for (const k of this.order) {
        const f = this.fragments.get(k) as Fragment;
        for (const t of TOP_CHAINS) if (f.lines[t]) parts[t].push(f.lines[t]);
      }
      lines = this.topLines = {
        filterNodePorts: parts.filterNodePorts.join(''), filterServices: parts.filterServices.join(''), filterExternal: parts.filterExternal.join(''),
        filterFirewall: parts.filterFirewall.join(''), natServices: parts.natServices.join(''), natNodePorts: parts.natNodePorts.join(''),
      };
    }
    const top = this.topLevel([]);
    const withShare = (c: IptChain, share: string): RenderedChain => ({ name: c.name, text: share + ruleLines(c.rules) });
    const filterShare: Record<string, string> = { [KUBE_NODEPORTS]: lines.filterNodePorts, [KUBE_SERVICES]: lines.filterServices, [KUBE_EXTERNAL_SERVICES]: lines.filterExternal, [KUBE_PROXY_FIREWALL]: lines.filterFirewall };
    const natShare: Record<string, string> = { [KUBE_SERVICES]: lines.natServices, [KUBE_NODEPORTS]: lines.natNodePorts };
    return {
      filter: top.filter.map((c) => withShare(c, filterShare[c.name] ?? '')),
      nat: top.nat.map((c) => withShare(c, natShare[c.name] ?? '')),
    };
  }

  /** partialRestore is what a partial sync writes: every top-level chain, the rewritten Services' chains, and deletions of stale ones. */
  private partialRestore(rewritten: string[], stale: string[]): string {
    const top = this.renderedTop();
    const nat: RenderedChain[] = [...top.nat];
    for (const k of rewritten) {
      const f = this.fragments.get(k) as Fragment;
      for (const ch of f.rendered) nat.push(ch);
    }
    return renderTable('filter', top.filter) + renderTable('nat', nat, stale);
  }

  /** topLevel assembles the chains every sync rewrites from the fragments in Service order. */
  private topLevel(frags: Fragment[]): { filter: IptChain[]; nat: IptChain[] } {
    const c = this.config;
    const collect = (pick: (f: Fragment) => IptRule[]): IptRule[] => {
      const out: IptRule[] = [];
      for (const f of frags) for (const r of pick(f)) out.push(r);
      return out;
    };
    const filter: IptChain[] = [
      { name: KUBE_NODEPORTS, rules: collect((f) => f.filterNodePorts) },
      { name: KUBE_SERVICES, rules: collect((f) => f.filterServices) },
      { name: KUBE_EXTERNAL_SERVICES, rules: collect((f) => f.filterExternal) },
      { name: KUBE_FORWARD, rules: this.forwardRules() },
      { name: KUBE_PROXY_FIREWALL, rules: collect((f) => f.filterFirewall) },
    ];
    if (c.localhostNodePorts) {
      filter.push({ name: KUBE_FIREWALL, rules: [rule(KUBE_FIREWALL, [
        { kind: 'comment', text: 'block incoming localnet connections' }, { kind: 'destination', cidr: '127.0.0.0/8' }, { kind: 'source', cidr: '127.0.0.0/8', negated: true },
        { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED', 'DNAT'], negated: true },
      ], verdict('DROP'))] });
    }
    const services = collect((f) => f.natServices);
    const last: IptMatch[] = [{ kind: 'comment', text: 'kubernetes service nodeports; NOTE: this must be the last rule in this chain' }, { kind: 'addrtype', direction: 'dst', type: 'LOCAL' }];
    if (!c.localhostNodePorts) last.push({ kind: 'destination', cidr: '127.0.0.0/8', negated: true });
    services.push(rule(KUBE_SERVICES, last, jump(KUBE_NODEPORTS)));
    const mark = `${c.masqueradeMark}/${c.masqueradeMark}`;
    const nat: IptChain[] = [
      { name: KUBE_SERVICES, rules: services },
      { name: KUBE_NODEPORTS, rules: collect((f) => f.natNodePorts) },
      { name: KUBE_POSTROUTING, rules: [
        rule(KUBE_POSTROUTING, [{ kind: 'mark', mark, negated: true }], verdict('RETURN')),
        rule(KUBE_POSTROUTING, [], { kind: 'mark', op: 'xor', value: c.masqueradeMark }),
        rule(KUBE_POSTROUTING, [{ kind: 'comment', text: 'kubernetes service traffic requiring SNAT' }], { kind: 'masquerade', randomFully: c.randomFully }),
      ] },
      { name: KUBE_MARK_MASQ, rules: [rule(KUBE_MARK_MASQ, [], { kind: 'mark', op: 'or', value: c.masqueradeMark })] },
    ];
    return { filter, nat };
  }

  private forwardRules(): IptRule[] {
    const c = this.config;
    return [
      rule(KUBE_FORWARD, [{ kind: 'conntrack', states: ['INVALID'] }, ...(c.nfacct ? [{ kind: 'nfacct', name: INVALID_COUNTER } as const] : [])], verdict('DROP')),
      rule(KUBE_FORWARD, [{ kind: 'comment', text: 'kubernetes forwarding rules' }, { kind: 'mark', mark: `${c.masqueradeMark}/${c.masqueradeMark}` }], verdict('ACCEPT')),
      rule(KUBE_FORWARD, [{ kind: 'comment', text: 'kubernetes forwarding conntrack rule' }, { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] }], verdict('ACCEPT')),
    ];
  }

  /** fragment renders one Service's ports (ordered by port name, then protocol). */
  private fragment(ports: ServicePort[]): Fragment {
    const f: Fragment = {
      filterServices: [], filterExternal: [], filterNodePorts: [], filterFirewall: [], natServices: [], natNodePorts: [], natChains: [],
      lines: { filterNodePorts: '', filterServices: '', filterExternal: '', filterFirewall: '', natServices: '', natNodePorts: '' }, rendered: [],
    };
    const sorted = [...ports].sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
    for (const p of sorted) this.servicePort(p, f);
    for (const t of TOP_CHAINS) f.lines[t] = ruleLines(f[t]);
    for (const ch of f.natChains) f.rendered.push({ name: ch.name, text: ruleLines(ch.rules) });
    return f;
  }

  private servicePort(svc: ServicePort, f: Fragment): void {
    const c = this.config;
    const protocol = svc.protocol;
    const name = svc.nameString;
    const hash = svc.hash;
    const clusterPolicyChain = IPT_PREFIX.cluster + hash;
    const localPolicyChain = IPT_PREFIX.local + hash;
    const externalTrafficChain = IPT_PREFIX.external + hash;
    const fwChain = IPT_PREFIX.firewall + hash;
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(this.state.endpoints(svc), svc);
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc);
    const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(svc);
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
    const usesFWChain = hasEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;
    let internalFilterTarget: 'REJECT' | 'DROP' = 'REJECT';
    let internalFilterComment = '';
    let externalFilterTarget: 'REJECT' | 'DROP' = 'REJECT';
    let externalFilterComment = '';
    if (!hasEndpoints) {
      internalFilterComment = externalFilterComment = `${name} has no endpoints`;
    } else {
      if (!hasInternalEndpoints) [internalFilterTarget, internalFilterComment] = ['DROP', `${name} has no local endpoints`];
      if (!hasExternalEndpoints) [externalFilterTarget, externalFilterComment] = ['DROP', `${name} has no local endpoints`];
    }
    const proto: IptMatch = { kind: 'protocol', protocol };

    // Capture the cluster IP.
    if (hasInternalEndpoints) f.natServices.push(rule(KUBE_SERVICES, [comment(`${name} cluster IP`), ...to(proto, svc.clusterIP, svc.portNumber)], jump(internalTrafficChain)));
    else f.filterServices.push(rule(KUBE_SERVICES, [comment(internalFilterComment), ...to(proto, svc.clusterIP, svc.portNumber)], verdict(internalFilterTarget)));
    // Capture external IPs.
    for (const ip of svc.externalIPs) {
      if (hasEndpoints) f.natServices.push(rule(KUBE_SERVICES, [comment(`${name} external IP`), ...to(proto, ip, svc.portNumber)], jump(externalTrafficChain)));
      if (!hasExternalEndpoints) f.filterExternal.push(rule(KUBE_EXTERNAL_SERVICES, [comment(externalFilterComment), ...to(proto, ip, svc.portNumber)], verdict(externalFilterTarget)));
    }
    // Capture load-balancer ingress.
    for (const ip of svc.loadBalancerVIPs) {
      if (hasEndpoints) f.natServices.push(rule(KUBE_SERVICES, [comment(`${name} loadbalancer IP`), ...to(proto, ip, svc.portNumber)], jump(loadBalancerTrafficChain)));
      if (usesFWChain) f.filterFirewall.push(rule(KUBE_PROXY_FIREWALL, [comment(`${name} traffic not accepted by ${fwChain}`), ...to(proto, ip, svc.portNumber)], verdict('DROP')));
    }
    if (!hasExternalEndpoints) for (const ip of svc.loadBalancerVIPs) f.filterExternal.push(rule(KUBE_EXTERNAL_SERVICES, [comment(externalFilterComment), ...to(proto, ip, svc.portNumber)], verdict(externalFilterTarget)));
    // Capture node ports.
    if (svc.nodePort !== 0) {
      if (hasEndpoints) {
        if (c.localhostNodePorts && c.nfacct) {
          f.natNodePorts.push(rule(KUBE_NODEPORTS, [comment(name), proto, { kind: 'destination', cidr: '127.0.0.0/8' }, { kind: 'dport', port: svc.nodePort }, { kind: 'nfacct', name: LOCALHOST_NODEPORT_COUNTER }], jump(externalTrafficChain)));
        }
        f.natNodePorts.push(rule(KUBE_NODEPORTS, [comment(name), proto, { kind: 'dport', port: svc.nodePort }], jump(externalTrafficChain)));
      }
      if (!hasExternalEndpoints) {
        f.filterExternal.push(rule(KUBE_EXTERNAL_SERVICES, [comment(externalFilterComment), { kind: 'addrtype', direction: 'dst', type: 'LOCAL' }, proto, { kind: 'dport', port: svc.nodePort }], verdict(externalFilterTarget)));
      }
    }
    // Capture health check node ports.
    if (svc.healthCheckNodePort !== 0) {
      f.filterNodePorts.push(rule(KUBE_NODEPORTS, [comment(`${name} health check node port`), { kind: 'protocol', protocol: 'tcp' }, { kind: 'dport', port: svc.healthCheckNodePort }], verdict('ACCEPT')));
    }

    const chains = new ChainSet();
    const add = chains.add;
    const chainOf = chains.ensure;
    // Internal traffic: masquerade what comes from outside the cluster.
    if (hasInternalEndpoints) {
      const m = [comment(`${name} cluster IP`), ...to(proto, svc.clusterIP, svc.portNumber)];
      if (c.masqueradeAll) add(internalTrafficChain, rule(internalTrafficChain, m, jump(KUBE_MARK_MASQ)));
      else if (c.clusterCIDR) add(internalTrafficChain, rule(internalTrafficChain, [...m, { kind: 'source', cidr: c.clusterCIDR, negated: true }], jump(KUBE_MARK_MASQ)));
    }
    // External traffic.
    if (usesExternalTrafficChain) {
      chainOf(externalTrafficChain);
      if (!svc.externalPolicyLocal) {
        add(externalTrafficChain, rule(externalTrafficChain, [comment(`masquerade traffic for ${name} external destinations`)], jump(KUBE_MARK_MASQ)));
      } else {
        if (c.clusterCIDR) add(externalTrafficChain, rule(externalTrafficChain, [comment(`pod traffic for ${name} external destinations`), { kind: 'source', cidr: c.clusterCIDR }], jump(clusterPolicyChain)));
        add(externalTrafficChain, rule(externalTrafficChain, [comment(`masquerade LOCAL traffic for ${name} external destinations`), { kind: 'addrtype', direction: 'src', type: 'LOCAL' }], jump(KUBE_MARK_MASQ)));
        add(externalTrafficChain, rule(externalTrafficChain, [comment(`route LOCAL traffic for ${name} external destinations`), { kind: 'addrtype', direction: 'src', type: 'LOCAL' }], jump(clusterPolicyChain)));
      }
      if (hasExternalEndpoints) add(externalTrafficChain, rule(externalTrafficChain, [], jump(externalPolicyChain)));
    }
    // The LoadBalancerSourceRanges firewall.
    if (usesFWChain) {
      const head = comment(`${name} loadbalancer IP`);
      let allowFromNode = false;
      for (const cidr of svc.loadBalancerSourceRanges) {
        add(fwChain, rule(fwChain, [head, { kind: 'source', cidr }], jump(externalTrafficChain)));
        if (cidrContains(cidr, c.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode) for (const ip of svc.loadBalancerVIPs) add(fwChain, rule(fwChain, [head, { kind: 'source', cidr: ip }], jump(externalTrafficChain)));
      add(fwChain, rule(fwChain, [comment(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)]));
    }
    if (usesClusterPolicyChain) this.serviceToEndpointRules(svc, clusterPolicyChain, clusterEndpoints, chains);
    if (usesLocalPolicyChain) this.serviceToEndpointRules(svc, localPolicyChain, localEndpoints, chains);
    // Endpoint chains.
    for (const e of allReachableEndpoints) {
      const chain = e.chain;
      const head: IptMatch[] = this.largeClusterMode ? [] : [comment(name)];
      add(chain, rule(chain, [...head, { kind: 'source', cidr: e.ip }], jump(KUBE_MARK_MASQ)));
      const m: IptMatch[] = [...head];
      if (svc.sessionAffinityClientIP) m.push({ kind: 'recent', name: chain, set: true });
      m.push(proto);
      add(chain, rule(chain, m, { kind: 'dnat', to: e.endpoint }));
    }
    for (const [n, rules] of chains.chains) f.natChains.push({ name: n, rules });
  }

  /** serviceToEndpointRules is writeServiceToEndpointRules: affinity checks first, then the probability ladder. */
  private serviceToEndpointRules(svc: ServicePort, chain: string, endpoints: Endpoint[], chains: ChainSet): void {
    chains.ensure(chain);
    const large = this.largeClusterMode;
    if (svc.sessionAffinityClientIP) {
      for (const e of endpoints) {
        const m: IptMatch[] = large ? [] : [comment(`${svc.nameString} -> ${e.endpoint}`)];
        m.push({ kind: 'recent', name: e.chain, rcheck: true, seconds: svc.stickyMaxAgeSeconds, reap: true });
        chains.add(chain, rule(chain, m, jump(e.chain)));
      }
    }
    const n = endpoints.length;
    for (let i = 0; i < n; i++) {
      const e = endpoints[i];
      const m: IptMatch[] = large ? [] : [comment(`${svc.nameString} -> ${e.endpoint}`)];
      if (i < n - 1) m.push({ kind: 'statistic', mode: 'random', probability: 1 / (n - i) });
      chains.add(chain, rule(chain, m, jump(e.chain)));
    }
  }
}

/** ChainSet collects a Service's nat chains in the order they are first used. */
class ChainSet {
  readonly chains = new Map<string, IptRule[]>();

  readonly add = (chain: string, r: IptRule): void => {
    let list = this.chains.get(chain);
    if (!list) this.chains.set(chain, (list = []));
    list.push(r);
  };

  readonly ensure = (chain: string): void => {
    if (!this.chains.has(chain)) this.chains.set(chain, []);
  };
}

function comment(text: string): IptMatch {
  return { kind: 'comment', text };
}

/** to matches a protocol, destination address and port, in upstream's order. */
function to(proto: IptMatch, ip: string, port: number): IptMatch[] {
  return [proto, { kind: 'destination', cidr: ip }, { kind: 'dport', port }];
}

/** cidrContains tells whether an IPv4 CIDR holds an address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(base) / size) === Math.floor(n(ip) / size);
}
