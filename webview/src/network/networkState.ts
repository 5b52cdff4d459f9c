/**
 * NetworkState is the Network panel's data, apart from the DOM: the nodes,
 * Services and traces the host sent, kept up to date by deltas; and the pure
 * pieces the page is built from — where a hop happens in the drawing, which
 * lines of a node's rules a hop matched, the trace tool's choices read back
 * into a PacketTrace's source and destination. Tested in Node.
 */
import type {
  Delta, NetworkHopView, NetworkNodeView, NetworkRulesView, NetworkServiceView, NetworkTraceDestination, NetworkTraceSource, NetworkTraceView,
} from '../shared/protocol';

export class NetworkState {
  readonly nodes = new Map<string, NetworkNodeView>();
  readonly services = new Map<string, NetworkServiceView>();
  readonly traces = new Map<string, NetworkTraceView>();
  gateway = '';
  nodeNetwork = '';
  omittedNodes = 0;

  snapshot(m: { gateway: string; nodeNetwork: string; nodes: NetworkNodeView[]; services: NetworkServiceView[]; traces: NetworkTraceView[]; omittedNodes: number }): void {
    this.gateway = m.gateway;
    this.nodeNetwork = m.nodeNetwork;
    this.omittedNodes = m.omittedNodes;
    replace(this.nodes, m.nodes, (n) => n.name);
    replace(this.services, m.services, (s) => s.key);
    replace(this.traces, m.traces, (t) => t.name);
  }

  clear(): void {
    this.snapshot({ gateway: '', nodeNetwork: '', nodes: [], services: [], traces: [], omittedNodes: 0 });
  }

  /** apply takes a delta; it answers whether the drawing (nodes, Services) changed, and the traces touched. */
  apply(m: { nodes: Delta<NetworkNodeView>; services: Delta<NetworkServiceView>; traces: Delta<NetworkTraceView>; omittedNodes: number }): { drawing: boolean; traces: string[] } {
    patch(this.nodes, m.nodes, (n) => n.name);
    patch(this.services, m.services, (s) => s.key);
    patch(this.traces, m.traces, (t) => t.name);
    const drawing = m.nodes.upsert.length + m.nodes.remove.length + m.services.upsert.length + m.services.remove.length > 0 || m.omittedNodes !== this.omittedNodes;
    this.omittedNodes = m.omittedNodes;
    return { drawing, traces: [...m.traces.upsert.map((t) => t.name), ...m.traces.remove] };
  }

  /** sortedNodes are the nodes in the order the drawing lays them out. */
  sortedNodes(): NetworkNodeView[] {
    return [...this.nodes.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }

  /** visibleServices are the Services of a namespace ('' for all), by namespace then name. */
  visibleServices(namespace: string): NetworkServiceView[] {
    return [...this.services.values()].filter((s) => !namespace || s.namespace === namespace).sort((a, b) => a.key.localeCompare(b.key));
  }

  /** namespaces are those with Services or pods drawn, sorted. */
  namespaces(): string[] {
    const out = new Set<string>();
    for (const s of this.services.values()) out.add(s.namespace);
    for (const n of this.nodes.values()) for (const p of n.pods) out.add(p.namespace);
    return [...out].sort();
  }

  /** sortedTraces are the traces newest first, as the host keeps them. */
  sortedTraces(): NetworkTraceView[] {
    return [...this.traces.values()].sort((a, b) => b.created.localeCompare(a.created) || b.name.localeCompare(a.name));
  }

  /** podByIP finds the drawn pod with an address, and its node. */
  podByIP(ip: string): { node: string; pod: string } | undefined {
    for (const n of this.nodes.values()) {
      const p = n.pods.find((x) => x.ip === ip);
      if (p) return { node: n.name, pod: `${p.namespace}/${p.name}` };
    }
    return undefined;
  }

  /** nodeByIP finds the drawn node with an InternalIP. */
  nodeByIP(ip: string): string | undefined {
    for (const n of this.nodes.values()) if (n.internalIP === ip) return n.name;
    return undefined;
  }
}

function replace<T>(map: Map<string, T>, items: readonly T[], key: (t: T) => string): void {
  map.clear();
  for (const t of items) map.set(key(t), t);
}

function patch<T>(map: Map<string, T>, d: Delta<T>, key: (t: T) => string): void {
  for (const k of d.remove) map.delete(k);
  for (const t of d.upsert) map.set(key(t), t);
}

/** Anchor is where in the drawing a hop happens. */
export type Anchor =
  | { kind: 'pod'; node: string; pod: string }
  | { kind: 'veth'; node: string; pod: string }
  | { kind: 'bridge'; node: string }
  | { kind: 'proxy'; node: string }
  | { kind: 'eth0'; node: string }
  | { kind: 'gateway' }
  | { kind: 'service'; service: string };

/** hostOf is the address part of `ip:port`. */
const hostOf = (addr: string | undefined): string => (addr ?? '').replace(/:\d+$/, '');

/** sourceAnchor is where the trace's packet starts: the source pod, node, or the gateway for outside. */
export function sourceAnchor(trace: NetworkTraceView, state: NetworkState): Anchor | undefined {
  const [kind, ...rest] = trace.source.split('/');
  const name = rest.join('/');
  if (kind === 'pod') {
    for (const n of state.nodes.values()) if (n.pods.some((p) => `${p.namespace}/${p.name}` === name)) return { kind: 'pod', node: n.name, pod: name };
    return undefined;
  }
  if (kind === 'node') return state.nodes.has(name) ? { kind: 'eth0', node: name } : undefined;
  return { kind: 'gateway' };
}

/**
 * hopAnchor is where a hop happens: a pod's veth, a node's bridge, its
 * kube-proxy (rules, IPVS, NAT, a refusal), its eth0 (a route leaving for
 * another node, or arriving from outside), the pod a packet is delivered to;
 * the DNS Service for a name's resolution; the reply back at the source.
 */
export function hopAnchor(hop: NetworkHopView, trace: NetworkTraceView, state: NetworkState): Anchor | undefined {
  const node = hop.node ?? '';
  switch (hop.type) {
    case 'resolve': {
      const server = hostOf(trace.resolution?.server);
      const svc = [...state.services.values()].find((s) => server && s.clusterIP === server);
      return svc ? { kind: 'service', service: svc.key } : sourceAnchor(trace, state);
    }
    case 'veth':
      return hop.pod ? { kind: 'veth', node, pod: hop.pod } : { kind: 'bridge', node };
    case 'bridge':
      return { kind: 'bridge', node };
    case 'rule':
    case 'ipvs':
    case 'nat':
      return { kind: 'proxy', node };
    case 'reject':
    case 'drop':
      return hop.pod ? { kind: 'pod', node, pod: hop.pod } : hop.device === 'cni0' ? { kind: 'bridge', node } : { kind: 'proxy', node };
    case 'route': {
      if (hop.device === 'cni0') return { kind: 'bridge', node };
      // Leaving for another node: the packet is at the next node's eth0 once the hop is done.
      const peer = hop.to ? state.nodeByIP(hop.to) : undefined;
      if (peer && peer !== node) return { kind: 'eth0', node: peer };
      return { kind: 'eth0', node };
    }
    case 'deliver':
      return hop.pod ? { kind: 'pod', node, pod: hop.pod } : { kind: 'eth0', node };
    case 'response': {
      if (hop.node) return { kind: 'proxy', node: hop.node };
      const to = hostOf(hop.to);
      const pod = state.podByIP(to);
      if (pod) return { kind: 'pod', ...pod };
      const peer = state.nodeByIP(to);
      if (peer) return { kind: 'eth0', node: peer };
      return to === state.gateway || !to ? sourceAnchor(trace, state) ?? { kind: 'gateway' } : { kind: 'gateway' };
    }
  }
}

/** RuleLines are the lines of one section of a node's rules that a hop matched. */
export interface RuleLines {
  section: number;
  lines: number[];
}

const squeeze = (s: string): string => s.replace(/\s+/g, '');

/**
 * ruleLines finds the rule a hop matched in a node's published rules: an
 * iptables rule as iptables-save prints it in its table; an nftables rule in
 * its chain, which nft may wrap over several lines; an IPVS virtual server
 * with the real server the packet was sent to. Undefined when the rules no
 * longer hold it (they changed since the trace) or never printed it (the
 * iptables rules beside IPVS).
 */
export function ruleLines(rules: NetworkRulesView, hop: NetworkHopView): RuleLines | undefined {
  if (!hop.rule || (hop.node && hop.node !== rules.node)) return undefined;
  const rule = hop.rule;
  const sections = rules.sections.map((s) => s.text.split('\n'));
  if (rules.mode === 'nftables' && hop.chain) {
    const want = squeeze(rule);
    for (let si = 0; si < sections.length; si++) {
      const lines = sections[si];
      const head = lines.findIndex((l) => l.trim() === `chain ${hop.chain ?? ''} {`);
      if (head < 0) continue;
      for (let i = head + 1; i < lines.length && lines[i].trim() !== '}'; i++) {
        let joined = '';
        for (let j = i; j < lines.length && lines[j].trim() !== '}'; j++) {
          joined += squeeze(lines[j]);
          if (joined === want) return { section: si, lines: range(i, j) };
          if (joined.length >= want.length || !want.startsWith(joined)) break;
        }
      }
    }
    return undefined;
  }
  if (rules.mode === 'ipvs' && (hop.type === 'ipvs' || hop.type === 'reject')) {
    const want = squeeze(rule);
    for (let si = 0; si < sections.length; si++) {
      const lines = sections[si];
      const head = lines.findIndex((l) => !l.startsWith(' ') && squeeze(l) === want);
      if (head < 0) continue;
      const out = [head];
      if (hop.to) {
        for (let j = head + 1; j < lines.length && lines[j].startsWith('  ->'); j++) {
          if (lines[j].trim().split(/\s+/)[1] === hop.to) out.push(j);
        }
      }
      return { section: si, lines: out };
    }
    return undefined;
  }
  for (let si = 0; si < sections.length; si++) {
    if (hop.table && rules.sections[si].table && rules.sections[si].table !== hop.table) continue;
    const i = sections[si].findIndex((l) => l === rule);
    if (i >= 0) return { section: si, lines: [i] };
  }
  return undefined;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/;

/** parseDestination reads what a user typed as a destination: `10.96.0.1:443`, `web:80`, `web.default.svc.cluster.local:80`. */
export function parseDestination(text: string): NetworkTraceDestination | { error: string } {
  const t = text.trim().toLowerCase();
  const m = /^(.+):(\d{1,5})$/.exec(t);
  if (!m) return { error: 'Type an address or DNS name and a port: 10.96.0.1:443, web:80.' };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { error: `Port ${m[2]} is not between 1 and 65535.` };
  if (IPV4.test(m[1])) return { ip: m[1], port };
  if (/^[\d.]+$/.test(m[1])) return { error: `${m[1]} is not an IPv4 address.` };
  if (m[1].length > 253 || !DNS_NAME.test(m[1])) return { error: `${m[1]} is not a DNS name.` };
  return { dnsName: m[1], port };
}

/** parseDnsName reads a name typed into the DNS box. */
export function parseDnsName(text: string): string | { error: string } {
  const t = text.trim().toLowerCase();
  if (!t) return { error: 'Type a name to look up: web, kube-dns.kube-system, kubernetes.default.svc.cluster.local.' };
  if (t.length > 253 || !DNS_NAME.test(t)) return { error: `${t} is not a DNS name.` };
  return t;
}

/** sourceKey writes a trace source as the source picker's value: `pod:ns/name`, `node:name`, `external:node`. */
export function sourceKey(s: NetworkTraceSource): string {
  if ('pod' in s) return `pod:${s.pod}`;
  if ('node' in s) return `node:${s.node}`;
  return `external:${s.external.node ?? ''}`;
}

/** parseSource reads the source picker's value back. */
export function parseSource(key: string): NetworkTraceSource | undefined {
  const i = key.indexOf(':');
  const kind = key.slice(0, i);
  const rest = key.slice(i + 1);
  if (kind === 'pod' && rest.includes('/')) return { pod: rest };
  if (kind === 'node' && rest) return { node: rest };
  if (kind === 'external') return { external: rest ? { node: rest } : {} };
  return undefined;
}

/** DestinationChoice is one entry of the destination picker. */
export interface DestinationChoice {
  key: string;
  label: string;
  destination: NetworkTraceDestination;
}

/**
 * destinationChoices are the picker's ready-made destinations: each Service
 * port at its ClusterIP and by its DNS name, each node port at the first node,
 * each pod at its declared ports (80 when it declares none).
 */
export function destinationChoices(state: NetworkState, namespace: string): DestinationChoice[] {
  const out: DestinationChoice[] = [];
  const first = state.sortedNodes()[0];
  for (const s of state.visibleServices(namespace)) {
    for (const p of s.ports) {
      if (p.protocol !== 'TCP') continue;
      if (s.clusterIP && s.clusterIP !== 'None') out.push({ key: `svc:${s.key}:${p.port}`, label: `Service ${s.key} ${s.clusterIP}:${p.port}`, destination: { ip: s.clusterIP, port: p.port } });
      out.push({ key: `dns:${s.key}:${p.port}`, label: `${s.name}.${s.namespace}:${p.port} (DNS name)`, destination: { dnsName: `${s.name}.${s.namespace}`, port: p.port } });
      if (p.nodePort && first?.internalIP) out.push({ key: `nodeport:${s.key}:${p.nodePort}`, label: `NodePort ${s.key} ${first.internalIP}:${p.nodePort}`, destination: { ip: first.internalIP, port: p.nodePort } });
    }
  }
  for (const n of state.sortedNodes()) {
    for (const p of n.pods) {
      if (namespace && p.namespace !== namespace) continue;
      for (const port of p.ports.length ? p.ports : [80]) out.push({ key: `pod:${p.namespace}/${p.name}:${port}`, label: `Pod ${p.namespace}/${p.name} ${p.ip}:${port}`, destination: { ip: p.ip, port } });
    }
  }
  return out;
}

/** outcomeClass is the colour class of a trace's outcome. */
export function outcomeClass(t: NetworkTraceView): string {
  if (!t.done) return 'pending';
  return t.outcome === 'Delivered' ? 'ok' : 'failed';
}

/** lookupAnswer is a DNS lookup's answer in a line, as nslookup would say it. */
export function lookupAnswer(t: NetworkTraceView): string {
  if (!t.done) return 'Looking up…';
  const r = t.resolution;
  if (r) return `${r.name} → ${r.address}${r.via === 'dns' ? ` (A record from ${r.server ?? 'cluster DNS'})` : ' (Service cluster IP)'}`;
  return t.message || t.outcome;
}
