/**
 * NetworkFeed turns informers over Nodes, Pods, Services, EndpointSlices and
 * the lab's ProxyRuleSets and PacketTraces into the Network panel's messages:
 * one snapshot, then deltas of the nodes (with their pods and routes),
 * Services and traces whose view changed, at most once per flush interval.
 * The rule set of one node — the one the page shows — goes out on its own
 * whenever it changes: a rule set can be large, and the page reads one at a
 * time. Travelling to a past revision (timeTravel.ts), the feed stops applying
 * the informers' events and draws the objects read as of that revision; back to
 * live, the informers' current caches. No `vscode` here, so it is tested in
 * plain Node.
 */
import { keyOf } from '../../lab/api/meta';
import type { Node, Pod } from '../../lab/api/types';
import type { EventHandler, Informer } from '../../lab/client/informer';
import type { KubeClient } from '../../lab/client/kubeClient';
import { NODES, PODS } from '../../lab/client/resources';
import { ENDPOINTSLICES, SERVICES } from '../../lab/controllers/kubernetesService';
import { PACKETTRACES } from '../../lab/network/packetTrace';
import { PROXYRULESETS } from '../../lab/network/proxyRuleSet';
import type { PacketTrace } from '../../lab/network/packetTrace';
import type { ProxyRuleSet } from '../../lab/network/proxyRuleSet';
import { type EndpointSlice, SERVICE_NAME_LABEL, type Service } from '../../lab/network/serviceInfo';
import type {
  ClusterState, Delta, NetworkNodeView, NetworkServiceView, NetworkToPanel, NetworkTraceView,
} from '../../../../webview/src/shared/protocol';
import { serviceView, topologyView, traceView, rulesView } from './networkViews';
import type { Schedule } from './podsFeed';
import { FeedTravel } from './feedTravel';
import { type ObjectCache, type RevisionCache, type TravelFailure, isFailure, readAt } from './revisionCache';
import type { Revision } from './timeTravel';

/** FLUSH_MS is how often deltas go out: four a second keeps a drawing of the network current without redrawing it per event. */
export const FLUSH_MS = 250;
/** MAX_TRACES is how many traces the panel lists, newest first. */
export const MAX_TRACES = 20;
/** BY_SERVICE indexes EndpointSlices by their Service ("namespace/name"). */
const BY_SERVICE = 'network.serviceName';

export interface NetworkFeedSource {
  nodes: Informer<Node>;
  pods: Informer<Pod>;
  services: Informer<Service>;
  slices: Informer<EndpointSlice>;
  /** ruleSets and traces are the lab's own resources; another cluster has none. */
  ruleSets?: Informer<ProxyRuleSet>;
  traces?: Informer<PacketTrace>;
  /** podsOn is a node's pods from an index (the model's by node name); without it the pods are grouped at each recompute. */
  podsOn?: (node: string) => readonly Pod[];
  /** client reads past revisions (time travel); without it a travel says the cluster cannot. */
  client?: KubeClient;
}

/** NetworkFeedView is what the feed draws from: the informers live, caches read at a revision when travelling. */
interface NetworkFeedView {
  nodes: ObjectCache<Node>;
  pods: ObjectCache<Pod>;
  services: ObjectCache<Service>;
  slices: ObjectCache<EndpointSlice>;
  ruleSets?: ObjectCache<ProxyRuleSet>;
  traces?: ObjectCache<PacketTrace>;
  podsOn?: (node: string) => readonly Pod[];
}

/** sliceService is the Service ("namespace/name") an EndpointSlice belongs to, as its label names it. */
function sliceService(s: EndpointSlice): string[] {
  const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc ? [`${s.metadata.namespace ?? ''}/${svc}`] : [];
}

/** newestTraces are the traces the panel lists: the newest MAX_TRACES by creation, then name. */
export function newestTraces(traces: readonly PacketTrace[], max = MAX_TRACES): PacketTrace[] {
  const created = (t: PacketTrace): string => t.metadata.creationTimestamp ?? '';
  return [...traces].sort((a, b) => created(b).localeCompare(created(a)) || (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '')).slice(0, max);
}

export class NetworkFeed {
  private readonly sentNodes = new Map<string, string>();
  private readonly sentServices = new Map<string, string>();
  private readonly sentTraces = new Map<string, string>();
  private sentOmitted = 0;
  private drawn = new Set<string>();
  private topologyDirty = false;
  private readonly dirtyServices = new Set<string>();
  private tracesDirty = false;
  private rulesNode?: string;
  private rulesDirty = false;
  private cancelFlush?: () => void;
  private started = false;
  private readonly travelling: FeedTravel<NetworkFeedView>;
  private last?: { state: ClusterState; cluster: string; isLab: boolean };

  private readonly nodeHandler: EventHandler<Node> = {
    onAdd: () => this.markTopology(),
    onUpdate: () => this.markTopology(),
    onDelete: () => this.markTopology(),
  };
  /** Only pods on drawn nodes change the drawing; a pod's node is set once, when it is bound. */
  private readonly podHandler: EventHandler<Pod> = {
    onAdd: (p) => this.podChanged(p),
    onUpdate: (_, p) => this.podChanged(p),
    onDelete: (p) => this.podChanged(p),
  };
  private readonly serviceHandler: EventHandler<Service> = {
    onAdd: (s) => this.markService(keyOf(s)),
    onUpdate: (_, s) => this.markService(keyOf(s)),
    onDelete: (s) => this.markService(keyOf(s)),
  };
  private readonly sliceHandler: EventHandler<EndpointSlice> = {
    onAdd: (s) => this.markSlice(s),
    onUpdate: (old, s) => {
      this.markSlice(old);
      this.markSlice(s);
    },
    onDelete: (s) => this.markSlice(s),
  };
  private readonly ruleSetHandler: EventHandler<ProxyRuleSet> = {
    onAdd: (r) => this.ruleSetChanged(r, undefined),
    onUpdate: (old, r) => this.ruleSetChanged(r, old),
    onDelete: (r) => this.ruleSetChanged(r, undefined),
  };
  private readonly traceHandler: EventHandler<PacketTrace> = {
    onAdd: () => this.markTraces(),
    onUpdate: () => this.markTraces(),
    onDelete: () => this.markTraces(),
  };

  constructor(
    private readonly source: NetworkFeedSource,
    private readonly post: (message: NetworkToPanel) => void,
    private readonly schedule: Schedule,
  ) {
    source.slices.addIndexer(BY_SERVICE, sliceService);
    this.travelling = new FeedTravel<NetworkFeedView>(source, post, {
      stop: () => {
        this.cancelFlush?.();
        this.cancelFlush = undefined;
      },
      read: (revision) => this.readAt(revision),
      resnapshot: () => {
        if (this.last) this.snapshot(this.last.state, this.last.cluster, this.last.isLab);
      },
    });
  }

  /** view is what the feed draws from: the informers live, caches read at the revision shown. */
  private get view(): NetworkFeedView {
    return this.travelling.view;
  }

  /** revision is the revision the feed shows, null when live. */
  get revision(): Revision {
    return this.travelling.revision;
  }

  /** snapshot sends the whole network as it is now, then keeps the page up to date with deltas. */
  snapshot(state: ClusterState, cluster: string, isLab: boolean): void {
    this.last = { state, cluster, isLab };
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.topologyDirty = false;
    this.dirtyServices.clear();
    this.tracesDirty = false;
    this.sentNodes.clear();
    this.sentServices.clear();
    this.sentTraces.clear();
    const topology = this.topology();
    for (const n of topology.nodes) this.sentNodes.set(n.name, JSON.stringify(n));
    this.sentOmitted = topology.omitted;
    const services = this.view.services.list().map((s) => this.service(s));
    for (const s of services) this.sentServices.set(s.key, JSON.stringify(s));
    const traces = newestTraces(this.view.traces?.list() ?? []).map(traceView);
    for (const t of traces) this.sentTraces.set(t.name, JSON.stringify(t));
    this.post({
      type: 'snapshot', state, cluster, isLab, gateway: topology.gateway, nodeNetwork: topology.nodeNetwork,
      nodes: topology.nodes, services, traces, omittedNodes: topology.omitted,
    });
    if (this.rulesNode !== undefined) this.sendRules();
    this.travelling.snapshotSent();
    if (!this.started) {
      this.started = true;
      // Handlers added to synced informers replay every object as an add: those match what was just sent, and send nothing.
      this.source.nodes.addEventHandler(this.nodeHandler);
      this.source.pods.addEventHandler(this.podHandler);
      this.source.services.addEventHandler(this.serviceHandler);
      this.source.slices.addEventHandler(this.sliceHandler);
      this.source.ruleSets?.addEventHandler(this.ruleSetHandler);
      this.source.traces?.addEventHandler(this.traceHandler);
    }
  }

  /** showRules makes node's rule set the one the page follows, and sends it. */
  showRules(node: string): void {
    this.rulesNode = node;
    this.sendRules();
  }

  /** travel shows the network as of revision, or live again (null): see FeedTravel. */
  travel(revision: Revision): Promise<void> {
    return this.travelling.to(revision);
  }

  /** readAt reads every resource the feed draws as of revision (the lab's rule sets and traces only where the source has them). */
  private async readAt(revision: number): Promise<NetworkFeedView | TravelFailure> {
    const client = this.source.client;
    if (!client) return { error: 'This cluster cannot be read at a past revision.' };
    const [nodes, pods, services, slices, ruleSets, traces] = await Promise.all([
      readAt<Node>(client, NODES, revision),
      readAt<Pod>(client, PODS, revision),
      readAt<Service>(client, SERVICES, revision),
      readAt<EndpointSlice>(client, ENDPOINTSLICES, revision),
      this.source.ruleSets ? readAt<ProxyRuleSet>(client, PROXYRULESETS, revision) : undefined,
      this.source.traces ? readAt<PacketTrace>(client, PACKETTRACES, revision) : undefined,
    ]);
    for (const r of [nodes, pods, services, slices, ruleSets, traces]) if (r && isFailure(r)) return r;
    const view: NetworkFeedView = {
      nodes: nodes as RevisionCache<Node>,
      pods: pods as RevisionCache<Pod>,
      services: services as RevisionCache<Service>,
      slices: (slices as RevisionCache<EndpointSlice>).addIndexer(BY_SERVICE, sliceService),
    };
    if (ruleSets) view.ruleSets = ruleSets as RevisionCache<ProxyRuleSet>;
    if (traces) view.traces = traces as RevisionCache<PacketTrace>;
    return view;
  }

  dispose(): void {
    this.travelling.dispose();
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (!this.started) return;
    this.source.nodes.removeEventHandler(this.nodeHandler);
    this.source.pods.removeEventHandler(this.podHandler);
    this.source.services.removeEventHandler(this.serviceHandler);
    this.source.slices.removeEventHandler(this.sliceHandler);
    this.source.ruleSets?.removeEventHandler(this.ruleSetHandler);
    this.source.traces?.removeEventHandler(this.traceHandler);
  }

  /** flush sends what changed since the last message, if anything the page draws did. */
  flush(): void {
    const nodes: Delta<NetworkNodeView> = { upsert: [], remove: [] };
    let omitted = this.sentOmitted;
    if (this.topologyDirty) {
      this.topologyDirty = false;
      const topology = this.topology();
      omitted = topology.omitted;
      const seen = new Set<string>();
      for (const n of topology.nodes) {
        seen.add(n.name);
        const signature = JSON.stringify(n);
        if (this.sentNodes.get(n.name) === signature) continue;
        this.sentNodes.set(n.name, signature);
        nodes.upsert.push(n);
      }
      for (const name of [...this.sentNodes.keys()]) {
        if (seen.has(name)) continue;
        this.sentNodes.delete(name);
        nodes.remove.push(name);
      }
    }
    const services: Delta<NetworkServiceView> = { upsert: [], remove: [] };
    for (const key of this.dirtyServices) {
      const svc = this.view.services.get(key);
      if (!svc) {
        if (this.sentServices.delete(key)) services.remove.push(key);
        continue;
      }
      const view = this.service(svc);
      const signature = JSON.stringify(view);
      if (this.sentServices.get(key) === signature) continue;
      this.sentServices.set(key, signature);
      services.upsert.push(view);
    }
    this.dirtyServices.clear();
    const traces: Delta<NetworkTraceView> = { upsert: [], remove: [] };
    if (this.tracesDirty) {
      this.tracesDirty = false;
      const listed = newestTraces(this.view.traces?.list() ?? []).map(traceView);
      const names = new Set(listed.map((t) => t.name));
      for (const name of [...this.sentTraces.keys()]) {
        if (names.has(name)) continue;
        this.sentTraces.delete(name);
        traces.remove.push(name);
      }
      for (const t of listed) {
        const signature = JSON.stringify(t);
        if (this.sentTraces.get(t.name) === signature) continue;
        this.sentTraces.set(t.name, signature);
        traces.upsert.push(t);
      }
    }
    const changed = nodes.upsert.length || nodes.remove.length || services.upsert.length || services.remove.length || traces.upsert.length || traces.remove.length;
    if (changed || omitted !== this.sentOmitted) {
      this.sentOmitted = omitted;
      this.post({ type: 'delta', nodes, services, traces, omittedNodes: omitted });
    }
    if (this.rulesDirty) this.sendRules();
  }

  private topology(): ReturnType<typeof topologyView> {
    const modes = new Map((this.view.ruleSets?.list() ?? []).map((r) => [r.metadata.name ?? '', r.spec?.mode ?? '']));
    let podsOn = this.view.podsOn;
    if (!podsOn) {
      const grouped = new Map<string, Pod[]>();
      for (const p of this.view.pods.list()) {
        const node = p.spec.nodeName ?? '';
        const list = grouped.get(node);
        if (list) list.push(p);
        else grouped.set(node, [p]);
      }
      podsOn = (node) => grouped.get(node) ?? [];
    }
    const view = topologyView(this.view.nodes.list(), podsOn, (node) => modes.get(node) ?? '');
    this.drawn = new Set(view.nodes.map((n) => n.name));
    return view;
  }

  private service(svc: Service): NetworkServiceView {
    return serviceView(svc, this.view.slices.byIndex(BY_SERVICE, keyOf(svc)));
  }

  private sendRules(): void {
    this.rulesDirty = false;
    const node = this.rulesNode ?? '';
    const rs = this.view.ruleSets?.get(node);
    this.post({ type: 'rules', node, rules: rs ? rulesView(rs) : undefined });
  }

  private podChanged(p: Pod): void {
    const node = p.spec.nodeName;
    if (node && this.drawn.has(node)) this.markTopology();
  }

  private markTopology(): void {
    if (this.travelling.revision !== null) return;
    this.topologyDirty = true;
    this.arm();
  }

  private markService(key: string): void {
    if (this.travelling.revision !== null) return;
    this.dirtyServices.add(key);
    this.arm();
  }

  private markSlice(s: EndpointSlice): void {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svc) this.markService(`${s.metadata.namespace ?? ''}/${svc}`);
  }

  /** A rule set's sync changes its text (the page's rules) and perhaps its mode (the drawing). */
  private ruleSetChanged(r: ProxyRuleSet, old: ProxyRuleSet | undefined): void {
    if (this.travelling.revision !== null) return;
    const node = r.metadata.name ?? '';
    if (node === this.rulesNode) {
      this.rulesDirty = true;
      this.arm();
    }
    if (old?.spec?.mode !== r.spec?.mode && this.drawn.has(node)) this.markTopology();
  }

  private markTraces(): void {
    if (this.travelling.revision !== null) return;
    this.tracesDirty = true;
    this.arm();
  }

  private arm(): void {
    this.cancelFlush ??= this.schedule(() => {
      this.cancelFlush = undefined;
      this.flush();
    }, FLUSH_MS);
  }
}
