/**
 * networkViews turns the cluster's objects into what the Network panel draws:
 * the lab's network model (networkModel: nodes, bridges, veths, routes) with
 * each node's kube-proxy mode, Services with their ports, host mappings and
 * endpoints, a node's published rule set in sections of monospace text, and
 * packet traces with their hops. Pure functions, no `vscode`: tested in Node.
 */
import type { Node, Pod } from '../../lab/api/types';
import { networkModel } from '../../lab/network/networkModel';
import { HOST_PORT_ANNOTATION } from '../../lab/network/hostPorts';
import type { PacketTrace, PacketTraceSource } from '../../lab/network/packetTrace';
import type { ProxyRuleSet } from '../../lab/network/proxyRuleSet';
import type { EndpointSlice, Service } from '../../lab/network/serviceInfo';
import type {
  NetworkEndpointView, NetworkHopView, NetworkNodeView, NetworkRulesSection, NetworkRulesView, NetworkServicePortView, NetworkServiceView, NetworkTraceView,
} from '../../../../webview/src/shared/protocol';

/** MAX_DRAWN_NODES is how many nodes the drawing holds: past that a picture of the network stops being readable. */
export const MAX_DRAWN_NODES = 32;

/** PANEL_LABEL marks the traces the panel created, with their purpose (trace or lookup). */
export const PANEL_LABEL = 'lab.kubelab.dev/network-panel';

/** TopologyView is the drawing's part of the network: the node network and the nodes drawn. */
export interface TopologyView {
  gateway: string;
  nodeNetwork: string;
  nodes: NetworkNodeView[];
  omitted: number;
}

/** byName orders node names as networkModel does. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * topologyView is the network model of the first MAX_DRAWN_NODES nodes (by
 * name) and their pods (podsOn: a node's pods, from an index). Routes to nodes left out of the drawing are left out
 * too, and omitted says how many nodes that is.
 */
export function topologyView(nodes: readonly Node[], podsOn: (node: string) => readonly Pod[], modeOf: (node: string) => string, max = MAX_DRAWN_NODES): TopologyView {
  const drawn = [...nodes].sort((a, b) => byName(a.metadata.name ?? '', b.metadata.name ?? '')).slice(0, max);
  const onDrawn = drawn.flatMap((n) => podsOn(n.metadata.name ?? ''));
  const byKey = new Map(onDrawn.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`, p]));
  const model = networkModel(drawn, onDrawn);
  return {
    gateway: model.gateway,
    nodeNetwork: model.nodeNetwork,
    omitted: nodes.length - drawn.length,
    nodes: model.nodes.map((n) => ({
      name: n.name,
      internalIP: n.internalIP,
      podCIDR: n.podCIDR,
      bridge: { ...n.bridge },
      proxyMode: modeOf(n.name),
      routes: n.routes.map((r) => ({ destination: r.destination, ...(r.via ? { via: r.via } : {}), dev: r.dev, kind: r.kind, ...(r.node ? { node: r.node } : {}), text: r.text })),
      pods: n.pods.map((p) => ({ uid: p.uid, namespace: p.namespace, name: p.name, ip: p.podIP, veth: p.hostVeth, ports: containerPorts(byKey.get(`${p.namespace}/${p.name}`)) })),
    })),
  };
}

/** containerPorts are a pod's declared TCP container ports, in order, without repeats. */
function containerPorts(pod: Pod | undefined): number[] {
  const out: number[] = [];
  for (const c of pod?.spec.containers ?? []) {
    for (const p of c.ports ?? []) if ((p.protocol ?? 'TCP') === 'TCP' && !out.includes(p.containerPort)) out.push(p.containerPort);
  }
  return out;
}

/** SliceWithRefs is an EndpointSlice with the endpoints' targetRefs, which the panel follows to pods. */
type SliceWithRefs = EndpointSlice & { endpoints?: { targetRef?: { kind?: string; namespace?: string; name?: string } }[] };

/**
 * serviceView is a Service as the drawing shows it. A node port's host mapping
 * comes from the `lab.kubelab.dev/host-port` annotation, one address per TCP
 * node port in the order of spec.ports (an address at port 0 could not listen).
 */
export function serviceView(svc: Service, slices: readonly EndpointSlice[]): NetworkServiceView {
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const type = svc.spec?.type ?? 'ClusterIP';
  const hostPorts = (svc.metadata.annotations?.[HOST_PORT_ANNOTATION] ?? '').split(',').filter(Boolean);
  const exposes = type === 'NodePort' || type === 'LoadBalancer';
  let mapped = 0;
  const ports: NetworkServicePortView[] = (svc.spec?.ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    const view: NetworkServicePortView = { name: p.name ?? '', port: p.port, protocol, targetPort: String(p.targetPort ?? p.port) };
    if (p.nodePort) view.nodePort = p.nodePort;
    if (exposes && p.nodePort && protocol === 'TCP') {
      const host = hostPorts[mapped++];
      if (host && !host.endsWith(':0')) view.hostPort = host;
    }
    return view;
  });
  const endpoints = new Map<string, NetworkEndpointView>();
  for (const s of slices as readonly SliceWithRefs[]) {
    for (const e of s.endpoints ?? []) {
      const ref = e.targetRef;
      for (const ip of e.addresses ?? []) {
        if (endpoints.has(ip)) continue;
        endpoints.set(ip, {
          ip,
          ready: e.conditions?.ready !== false,
          pod: ref?.kind === 'Pod' ? `${ref.namespace ?? namespace}/${ref.name ?? ''}` : '',
          node: (e as { nodeName?: string | null }).nodeName ?? '',
        });
      }
    }
  }
  return { key: `${namespace}/${name}`, namespace, name, type, clusterIP: svc.spec?.clusterIP ?? '', ports, endpoints: [...endpoints.values()] };
}

/** IptablesJump is a jump kube-proxy inserts into a built-in chain, as its rule set's data holds it. */
interface IptablesJump {
  table?: string;
  chain?: string;
  rule?: { text?: string };
}

/**
 * rulesView is a node's ProxyRuleSet in sections: the text kube-proxy wrote,
 * split by table for iptables (iptables-restore input starts each with
 * `*table`), with the jumps it inserts into the built-in chains before them,
 * which iptables-save prints too; IPVS's ipsets after ipvsadm's list.
 */
export function rulesView(rs: ProxyRuleSet): NetworkRulesView {
  const st = rs.status ?? {};
  const mode = rs.spec?.mode ?? '';
  const text = st.text ?? '';
  const sections: NetworkRulesSection[] = [];
  if (mode === 'iptables') {
    const jumps = ((st.rules as { jumps?: IptablesJump[] } | undefined)?.jumps ?? []).filter((j) => j.rule?.text);
    for (const table of [...new Set(jumps.map((j) => j.table ?? ''))]) {
      sections.push({ title: `${table}: jumps from the built-in chains`, table, text: jumps.filter((j) => j.table === table).map((j) => j.rule?.text ?? '').join('\n') });
    }
    for (const block of text.split(/^(?=\*)/m)) {
      const table = /^\*(\S+)/.exec(block)?.[1];
      if (block.trim()) sections.push({ title: table ? `${table}: iptables-save` : 'iptables-save', ...(table ? { table } : {}), text: block.replace(/\n$/, '') });
    }
  } else {
    sections.push({ title: mode === 'ipvs' ? 'ipvsadm -Ln' : mode === 'nftables' ? 'nft list table ip kube-proxy' : mode, text: text.replace(/\n$/, '') });
    const ipsets = (st.rules as { ipsets?: Record<string, { type: string; members: string[] }> } | undefined)?.ipsets;
    if (mode === 'ipvs' && ipsets && Object.keys(ipsets).length) {
      sections.push({
        title: 'ipset list',
        text: Object.entries(ipsets).map(([name, s]) => `Name: ${name}\nType: ${s.type}\nMembers:${s.members.length ? `\n${s.members.join('\n')}` : ''}`).join('\n\n'),
      });
    }
  }
  return {
    node: rs.metadata.name ?? '', mode, sections, truncated: st.truncated === true, syncs: st.syncs ?? 0,
    lastSyncTime: st.lastSyncTime ?? '', services: st.services ?? 0, endpoints: st.endpoints ?? 0,
  };
}

/** sourceText prints a trace's source as `kubectl get packettraces` does. */
export function sourceText(s: PacketTraceSource | undefined): string {
  if (!s) return '';
  if (s.pod) return `pod/${s.pod}`;
  if (s.node) return `node/${s.node}`;
  return `external${s.external?.node ? `/${s.external.node}` : ''}`;
}

/** traceView is a PacketTrace as the panel lists and animates it. */
export function traceView(t: PacketTrace): NetworkTraceView {
  const d = t.spec?.destination;
  const st = t.status;
  const purpose = t.metadata.labels?.[PANEL_LABEL];
  return {
    name: t.metadata.name ?? '',
    created: t.metadata.creationTimestamp ?? '',
    purpose: purpose === 'trace' || purpose === 'lookup' ? purpose : '',
    source: sourceText(t.spec?.source),
    destination: `${d?.dnsName ?? d?.ip ?? ''}:${d?.port ?? ''}`,
    done: !!st?.completionTime && (st.observedGeneration ?? 0) >= (t.metadata.generation ?? 1),
    outcome: st?.outcome ?? '',
    message: st?.message ?? '',
    ...(st?.resolution ? { resolution: { ...st.resolution, ...(st.resolution.queries ? { queries: [...st.resolution.queries] } : {}) } } : {}),
    client: st?.client ?? '',
    endpoint: st?.endpoint ?? '',
    pod: st?.pod ?? '',
    node: st?.node ?? '',
    proxyMode: st?.proxyMode ?? '',
    hops: (st?.hops ?? []).map((h): NetworkHopView => ({ ...h })),
  };
}
