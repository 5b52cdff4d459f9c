/**
 * iptablesProxier renders a node's Services as kube-proxy's iptables proxier
 * (pkg/proxy/iptables/proxier.go syncProxyRules) writes them: the filter and
 * nat tables with KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING,
 * KUBE-MARK-MASQ, per service port KUBE-SVC/SVL/EXT/FW chains and per endpoint
 * KUBE-SEP chains. Each Service's rules are kept as a fragment, so a partial
 * sync rebuilds only the Services that changed, as upstream's does. A sync
 * writes the rules straight to text, one flat string per chain, and the
 * restore input is joined once; the rules as objects (for the packet tracer
 * and the published rule set) are written by the same code, per Service, only
 * when first asked for.
 */
import { IPT_PREFIX } from './chainNames';
import { type IptChain, type IptJump, type IptMatch, type IptRule, type IptTable, chainOrder, jump, rule, verdict } from './iptablesRules';
import { type RenderedChain, type RuleSink, type TopChain, DataSink, TOP_CHAINS, TextSink, renderTable, ruleLines } from './iptablesRuleSink';
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

/**
 * Fragment is one Service's share of the rule set as text, with the service
 * ports and endpoints it was written from, so the same rules can be built as
 * data when the packet tracer or the published rule set first asks for them.
 */
interface Fragment {
  ports: PortInput[];
  /** large is whether it was written in large-cluster mode (endpoint rules without comments). */
  large: boolean;
  /** lines are the fragment's rules in each top-level chain, rendered once: a sync that keeps them reuses the chain's text. */
  lines: Record<TopChain, string>;
  /** rendered are its nat chains with their rules rendered once. */
  rendered: RenderedChain[];
  /** data is the same rules as objects, built on first use. */
  data?: FragmentData;
}

/** PortInput is a service port with the endpoints a sync rendered it with. */
interface PortInput {
  svc: ServicePort;
  endpoints: readonly Endpoint[];
}

/** FragmentData is a fragment's rules as objects. */
interface FragmentData {
  top: Record<TopChain, IptRule[]>;
  chains: IptChain[];
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
  /** fixed are the top-level chains without any Service's share: they depend on the config alone. */
  private fixed: { filter: IptChain[]; nat: IptChain[] } | undefined;

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
          for (const c of before.rendered) stale.push(c.name);
          this.fragments.delete(key);
          reordered = true;
        }
        continue;
      }
      const after = this.fragment(ports);
      if (before) {
        const kept = new Set(after.rendered.map((c) => c.name));
        for (const c of before.rendered) if (!kept.has(c.name)) stale.push(c.name);
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
    const data = this.order.map((k) => this.data(this.fragments.get(k) as Fragment));
    const top = this.topLevel(data);
    const filter = [...top.filter].sort((a, b) => chainOrder(a.name, b.name));
    const nat: IptChain[] = [...top.nat];
    for (const d of data) for (const ch of d.chains) nat.push(ch);
    nat.sort((a, b) => chainOrder(a.name, b.name));
    return [{ name: 'filter', chains: filter }, { name: 'nat', chains: nat }];
  }

  /** data is a fragment's rules as objects, written from the inputs of its last rendering the first time they are asked for. */
  private data(f: Fragment): FragmentData {
    if (!f.data) {
      const sink = new DataSink();
      for (const p of f.ports) this.servicePort(p.svc, p.endpoints, f.large, sink);
      f.data = { top: sink.shares, chains: sink.chains };
    }
    return f.data;
  }

  /** rules is the rule set as data: the jumps from the built-in chains, then the restored tables. */
  rules(): { jumps: IptJump[]; tables: IptTable[] } {
    return { jumps: this.jumps(), tables: this.tables() };
  }

  /** text is the rule set as iptables-save prints the filter and nat tables, its parts joined once. */
  text(): string {
    const top = this.renderedTop();
    const filter = [...top.filter].sort((a, b) => chainOrder(a.name, b.name));
    // chainOrder puts KUBE-NODEPORTS and KUBE-SERVICES first, the rest by name: sort the
    // names natively (a comparator over every Service's chains is the costliest step).
    const texts = new Map<string, string>();
    for (const ch of top.nat) texts.set(ch.name, ch.text);
    for (const k of this.order) for (const ch of (this.fragments.get(k) as Fragment).rendered) texts.set(ch.name, ch.text);
    const names: string[] = [];
    for (const n of texts.keys()) if (n !== KUBE_NODEPORTS && n !== KUBE_SERVICES) names.push(n);
    names.sort();
    if (texts.has(KUBE_SERVICES)) names.unshift(KUBE_SERVICES);
    if (texts.has(KUBE_NODEPORTS)) names.unshift(KUBE_NODEPORTS);
    const out: string[] = [];
    renderTable(out, 'filter', filter);
    out.push('*nat\n');
    for (const n of names) out.push(':', n, ' - [0:0]\n');
    for (const n of names) out.push(texts.get(n) as string);
    out.push('COMMIT\n');
    return out.join('');
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
    const fixed = this.fixed ??= this.topLevel([]);
    const withShare = (c: IptChain, share: string): RenderedChain => ({ name: c.name, text: share + ruleLines(c.rules) });
    const filterShare: Record<string, string> = { [KUBE_NODEPORTS]: lines.filterNodePorts, [KUBE_SERVICES]: lines.filterServices, [KUBE_EXTERNAL_SERVICES]: lines.filterExternal, [KUBE_PROXY_FIREWALL]: lines.filterFirewall };
    const natShare: Record<string, string> = { [KUBE_SERVICES]: lines.natServices, [KUBE_NODEPORTS]: lines.natNodePorts };
    return {
      filter: fixed.filter.map((c) => withShare(c, filterShare[c.name] ?? '')),
      nat: fixed.nat.map((c) => withShare(c, natShare[c.name] ?? '')),
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
    // A few pieces, two of them the whole cached top-level chains: concatenated, so those are not copied.
    const out: string[] = [];
    renderTable(out, 'filter', top.filter);
    renderTable(out, 'nat', nat, stale);
    let text = '';
    for (const piece of out) text += piece;
    return text;
  }

  /** topLevel assembles the chains every sync rewrites from the fragments in Service order. */
  private topLevel(frags: FragmentData[]): { filter: IptChain[]; nat: IptChain[] } {
    const c = this.config;
    const collect = (share: TopChain): IptRule[] => {
      const out: IptRule[] = [];
      for (const f of frags) for (const r of f.top[share]) out.push(r);
      return out;
    };
    const filter: IptChain[] = [
      { name: KUBE_NODEPORTS, rules: collect('filterNodePorts') },
      { name: KUBE_SERVICES, rules: collect('filterServices') },
      { name: KUBE_EXTERNAL_SERVICES, rules: collect('filterExternal') },
      { name: KUBE_FORWARD, rules: this.forwardRules() },
      { name: KUBE_PROXY_FIREWALL, rules: collect('filterFirewall') },
    ];
    if (c.localhostNodePorts) {
      filter.push({ name: KUBE_FIREWALL, rules: [rule(KUBE_FIREWALL, [
        { kind: 'comment', text: 'block incoming localnet connections' }, { kind: 'destination', cidr: '127.0.0.0/8' }, { kind: 'source', cidr: '127.0.0.0/8', negated: true },
        { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED', 'DNAT'], negated: true },
      ], verdict('DROP'))] });
    }
    const services = collect('natServices');
    const last: IptMatch[] = [{ kind: 'comment', text: 'kubernetes service nodeports; NOTE: this must be the last rule in this chain' }, { kind: 'addrtype', direction: 'dst', type: 'LOCAL' }];
    if (!c.localhostNodePorts) last.push({ kind: 'destination', cidr: '127.0.0.0/8', negated: true });
    services.push(rule(KUBE_SERVICES, last, jump(KUBE_NODEPORTS)));
    const mark = `${c.masqueradeMark}/${c.masqueradeMark}`;
    const nat: IptChain[] = [
      { name: KUBE_SERVICES, rules: services },
      { name: KUBE_NODEPORTS, rules: collect('natNodePorts') },
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
    const sorted = ports.length > 1 ? [...ports].sort(byPortNameAndProtocol) : ports;
    const inputs: PortInput[] = [];
    for (const svc of sorted) inputs.push({ svc, endpoints: this.state.endpoints(svc) });
    const sink = new TextSink();
    for (const p of inputs) this.servicePort(p.svc, p.endpoints, this.largeClusterMode, sink);
    return { ports: inputs, large: this.largeClusterMode, ...sink.finish() };
  }

  /** servicePort writes one service port's rules (syncProxyRules' loop body) to a sink. */
  private servicePort(svc: ServicePort, endpoints: readonly Endpoint[], large: boolean, out: RuleSink): void {
    const c = this.config;
    const protocol = svc.protocol;
    const name = svc.nameString;
    const { cluster: clusterPolicyChain, local: localPolicyChain, external: externalTrafficChain, firewall: fwChain } = chainsOf(svc);
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(endpoints, svc);
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
    if (hasInternalEndpoints) out.top('natServices', KUBE_SERVICES, [comment(`${name} cluster IP`), ...to(proto, svc.clusterIP, svc.portNumber)], jump(internalTrafficChain));
    else out.top('filterServices', KUBE_SERVICES, [comment(internalFilterComment), ...to(proto, svc.clusterIP, svc.portNumber)], verdict(internalFilterTarget));
    // Capture external IPs.
    for (const ip of svc.externalIPs) {
      if (hasEndpoints) out.top('natServices', KUBE_SERVICES, [comment(`${name} external IP`), ...to(proto, ip, svc.portNumber)], jump(externalTrafficChain));
      if (!hasExternalEndpoints) out.top('filterExternal', KUBE_EXTERNAL_SERVICES, [comment(externalFilterComment), ...to(proto, ip, svc.portNumber)], verdict(externalFilterTarget));
    }
    // Capture load-balancer ingress.
    for (const ip of svc.loadBalancerVIPs) {
      if (hasEndpoints) out.top('natServices', KUBE_SERVICES, [comment(`${name} loadbalancer IP`), ...to(proto, ip, svc.portNumber)], jump(loadBalancerTrafficChain));
      if (usesFWChain) out.top('filterFirewall', KUBE_PROXY_FIREWALL, [comment(`${name} traffic not accepted by ${fwChain}`), ...to(proto, ip, svc.portNumber)], verdict('DROP'));
    }
    if (!hasExternalEndpoints) for (const ip of svc.loadBalancerVIPs) out.top('filterExternal', KUBE_EXTERNAL_SERVICES, [comment(externalFilterComment), ...to(proto, ip, svc.portNumber)], verdict(externalFilterTarget));
    // Capture node ports.
    if (svc.nodePort !== 0) {
      if (hasEndpoints) {
        if (c.localhostNodePorts && c.nfacct) {
          out.top('natNodePorts', KUBE_NODEPORTS, [comment(name), proto, { kind: 'destination', cidr: '127.0.0.0/8' }, { kind: 'dport', port: svc.nodePort }, { kind: 'nfacct', name: LOCALHOST_NODEPORT_COUNTER }], jump(externalTrafficChain));
        }
        out.top('natNodePorts', KUBE_NODEPORTS, [comment(name), proto, { kind: 'dport', port: svc.nodePort }], jump(externalTrafficChain));
      }
      if (!hasExternalEndpoints) {
        out.top('filterExternal', KUBE_EXTERNAL_SERVICES, [comment(externalFilterComment), { kind: 'addrtype', direction: 'dst', type: 'LOCAL' }, proto, { kind: 'dport', port: svc.nodePort }], verdict(externalFilterTarget));
      }
    }
    // Capture health check node ports.
    if (svc.healthCheckNodePort !== 0) {
      out.top('filterNodePorts', KUBE_NODEPORTS, [comment(`${name} health check node port`), { kind: 'protocol', protocol: 'tcp' }, { kind: 'dport', port: svc.healthCheckNodePort }], verdict('ACCEPT'));
    }

    // Internal traffic: masquerade what comes from outside the cluster.
    if (hasInternalEndpoints) {
      const m = [comment(`${name} cluster IP`), ...to(proto, svc.clusterIP, svc.portNumber)];
      if (c.masqueradeAll) out.add(internalTrafficChain, m, jump(KUBE_MARK_MASQ));
      else if (c.clusterCIDR) out.add(internalTrafficChain, [...m, { kind: 'source', cidr: c.clusterCIDR, negated: true }], jump(KUBE_MARK_MASQ));
    }
    // External traffic.
    if (usesExternalTrafficChain) {
      out.ensure(externalTrafficChain);
      if (!svc.externalPolicyLocal) {
        out.add(externalTrafficChain, [comment(`masquerade traffic for ${name} external destinations`)], jump(KUBE_MARK_MASQ));
      } else {
        if (c.clusterCIDR) out.add(externalTrafficChain, [comment(`pod traffic for ${name} external destinations`), { kind: 'source', cidr: c.clusterCIDR }], jump(clusterPolicyChain));
        out.add(externalTrafficChain, [comment(`masquerade LOCAL traffic for ${name} external destinations`), { kind: 'addrtype', direction: 'src', type: 'LOCAL' }], jump(KUBE_MARK_MASQ));
        out.add(externalTrafficChain, [comment(`route LOCAL traffic for ${name} external destinations`), { kind: 'addrtype', direction: 'src', type: 'LOCAL' }], jump(clusterPolicyChain));
      }
      if (hasExternalEndpoints) out.add(externalTrafficChain, [], jump(externalPolicyChain));
    }
    // The LoadBalancerSourceRanges firewall.
    if (usesFWChain) {
      const head = comment(`${name} loadbalancer IP`);
      let allowFromNode = false;
      for (const cidr of svc.loadBalancerSourceRanges) {
        out.add(fwChain, [head, { kind: 'source', cidr }], jump(externalTrafficChain));
        if (cidrContains(cidr, c.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode) for (const ip of svc.loadBalancerVIPs) out.add(fwChain, [head, { kind: 'source', cidr: ip }], jump(externalTrafficChain));
      out.add(fwChain, [comment(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)]);
    }
    if (usesClusterPolicyChain) serviceToEndpointRules(svc, clusterPolicyChain, clusterEndpoints, large, out);
    if (usesLocalPolicyChain) serviceToEndpointRules(svc, localPolicyChain, localEndpoints, large, out);
    // Endpoint chains.
    const head = comment(name);
    for (const e of allReachableEndpoints) {
      const chain = e.chain;
      const source: IptMatch = { kind: 'source', cidr: e.ip };
      out.add(chain, large ? [source] : [head, source], jump(KUBE_MARK_MASQ));
      const m: IptMatch[] = large ? [] : [head];
      if (svc.sessionAffinityClientIP) m.push({ kind: 'recent', name: chain, set: true });
      m.push(proto);
      out.add(chain, m, { kind: 'dnat', to: e.endpoint });
    }
  }
}

/** byPortNameAndProtocol orders a Service's ports by port name, then protocol. */
function byPortNameAndProtocol(a: ServicePort, b: ServicePort): number {
  return a.port < b.port ? -1 : a.port > b.port ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0;
}

/** PortChains are a service port's chain names, as upstream's servicePortInfo keeps them. */
interface PortChains {
  cluster: string;
  local: string;
  external: string;
  firewall: string;
}

/** portChains caches each ServicePort's chain names; a changed Service brings new ServicePort objects. */
const portChains = new WeakMap<ServicePort, PortChains>();

/** chainsOf is a service port's KUBE-SVC/SVL/EXT/FW chain names, each built once (joined: flat strings, cheap to sort and hash). */
function chainsOf(svc: ServicePort): PortChains {
  let c = portChains.get(svc);
  if (!c) {
    const h = svc.hash;
    c = { cluster: [IPT_PREFIX.cluster, h].join(''), local: [IPT_PREFIX.local, h].join(''), external: [IPT_PREFIX.external, h].join(''), firewall: [IPT_PREFIX.firewall, h].join('') };
    portChains.set(svc, c);
  }
  return c;
}

/** serviceToEndpointRules is writeServiceToEndpointRules: affinity checks first, then the probability ladder. */
function serviceToEndpointRules(svc: ServicePort, chain: string, endpoints: readonly Endpoint[], large: boolean, out: RuleSink): void {
  out.ensure(chain);
  if (svc.sessionAffinityClientIP) {
    for (const e of endpoints) {
      const m: IptMatch[] = large ? [] : [comment(`${svc.nameString} -> ${e.endpoint}`)];
      m.push({ kind: 'recent', name: e.chain, rcheck: true, seconds: svc.stickyMaxAgeSeconds, reap: true });
      out.add(chain, m, jump(e.chain));
    }
  }
  const n = endpoints.length;
  for (let i = 0; i < n; i++) {
    const e = endpoints[i];
    const m: IptMatch[] = large ? [] : [comment(`${svc.nameString} -> ${e.endpoint}`)];
    if (i < n - 1) m.push({ kind: 'statistic', mode: 'random', probability: 1 / (n - i) });
    out.add(chain, m, jump(e.chain));
  }
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
