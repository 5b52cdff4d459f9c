/**
 * KubeProxy is a node's kube-proxy: an API client (system:kube-proxy) with
 * informers on Services, EndpointSlices and its own Node, feeding a proxier in
 * the configured mode and syncing its rules as upstream's BoundedFrequencyRunner
 * paces syncProxyRules — at most a burst of two within minSyncPeriod (1 s),
 * at least every syncPeriod (30 s), a full sync at start, on node label changes
 * and once an hour, partial syncs otherwise. After each sync it publishes the
 * node's rule set as its ProxyRuleSet (see proxyRuleSet.ts).
 */
import { createHash } from 'node:crypto';
import { isStatus, type KubeObject, type Node } from '../api/types';
import { timestamp } from '../api/meta';
import type { Clock, Timer } from '../clock';
import type { KubeClient } from '../client/kubeClient';
import { Informer } from '../client/informer';
import { NODES } from '../client/resources';
import { ENDPOINTSLICES, SERVICES } from '../controllers/kubernetesService';
import type { KubeProxyMode } from '../lab';
import { IptablesProxier, type ProxierConfig } from './iptablesProxier';
import { IpvsProxier } from './ipvsProxier';
import { NftablesProxier } from './nftablesProxier';
import { LAB_GROUP, LAB_VERSION, PROXYRULESETS, type ProxyRuleSet } from './proxyRuleSet';
import { ProxyState, type EndpointSlice, type Service } from './serviceInfo';

/** ModeProxier is what each mode's proxier offers the component. */
export interface ModeProxier {
  sync(full: boolean): { full: boolean; services: number; rewritten: number };
  /** text is the rule set as the node's tools print it. */
  text(): string;
  /** rules is the rule set as data. */
  rules(): unknown;
}

/** KubeProxyOptions are a node's kube-proxy flags. */
export interface KubeProxyOptions {
  nodeName: string;
  nodeIP: string;
  mode: KubeProxyMode;
  /** clusterCIDR is --cluster-cidr (the local-traffic detector). */
  clusterCIDR?: string;
  /** minSyncPeriodMs is --iptables-min-sync-period (1 s). */
  minSyncPeriodMs?: number;
  /** syncPeriodMs is --iptables-sync-period (30 s). */
  syncPeriodMs?: number;
}

/** FULL_SYNC_PERIOD_MS is proxyutil.FullSyncPeriod: a partial-syncing proxier still rewrites everything hourly. */
export const FULL_SYNC_PERIOD_MS = 3_600_000;
/** BURST_SYNCS is the sync runner's burst. */
const BURST_SYNCS = 2;
/**
 * STATUS_REPORT_MS is how often a rule set whose rules did not change is written
 * anyway, to refresh its sync count and time (as the kubelet's
 * nodeStatusReportFrequency does for an unchanged NodeStatus). Every sync used to
 * write it: with a periodic sync every 30 s and one per Node heartbeat, 5,000
 * kube-proxies wrote hundreds of large objects a second into the store.
 */
export const STATUS_REPORT_MS = 5 * 60_000;
/** MAX_STATUS_CHARS bounds what a rule set puts in its object, under etcd's 1.5 MiB request limit. */
export const MAX_STATUS_CHARS = 1_000_000;

/** newProxier makes the proxier of a mode. */
export function newProxier(mode: KubeProxyMode, state: ProxyState, config: ProxierConfig): ModeProxier {
  switch (mode) {
    case 'iptables': return new IptablesProxier(state, config);
    case 'ipvs': return new IpvsProxier(state, config);
    case 'nftables': return new NftablesProxier(state, config);
  }
}

/** labProxierConfig is how the lab's nodes run kube-proxy: kind's defaults (nfacct, --random-fully, localhost node ports). */
export function labProxierConfig(o: KubeProxyOptions): ProxierConfig {
  return { nodeName: o.nodeName, nodeIP: o.nodeIP, ...(o.clusterCIDR ? { clusterCIDR: o.clusterCIDR } : {}), masqueradeMark: '0x4000', masqueradeAll: false, localhostNodePorts: true, nfacct: true, randomFully: true };
}

export class KubeProxy {
  readonly nodeName: string;
  readonly state: ProxyState;
  readonly proxier: ModeProxier;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly nodes: Informer<Node>;
  private readonly minSyncMs: number;
  private readonly syncPeriodMs: number;
  private running = false;
  private synced = false;
  private node?: Node;
  private needFullSync = true;
  private lastFullSync = -Infinity;
  private lastSync?: number;
  /** tokens is the runner's bucket: BURST_SYNCS at most, one back per minSyncPeriod. */
  private tokens = BURST_SYNCS;
  private tokensAt = 0;
  private pending?: Timer;
  private periodic?: Timer;
  private syncs = 0;
  private publishing = false;
  private publishAgain = false;
  /** stored is the ProxyRuleSet last written, without its status: the next write replaces the status whole. */
  private stored?: ProxyRuleSet;
  /**
   * reported is a digest of what the last written status said apart from its sync
   * count and times (counts and text), and reportedAt when (lab time). A digest,
   * not the text: at 5,000 nodes the texts kept only to compare were ~28 MB.
   */
  private reported?: string;
  private reportedAt = -Infinity;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, private readonly options: KubeProxyOptions) {
    this.nodeName = options.nodeName;
    this.minSyncMs = options.minSyncPeriodMs ?? 1000;
    this.syncPeriodMs = options.syncPeriodMs ?? 30_000;
    this.state = new ProxyState(options.nodeName);
    this.proxier = newProxier(options.mode, this.state, labProxierConfig(options));
    this.services = new Informer<Service>(client, SERVICES, clock);
    this.slices = new Informer<EndpointSlice>(client, ENDPOINTSLICES, clock);
    this.nodes = new Informer<Node>(client, NODES, clock, { fieldSelector: `metadata.name=${options.nodeName}` });
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    this.services.addEventHandler({
      onAdd: (s) => this.changed(this.state.setService(key(s), s)),
      onUpdate: (_, s) => this.changed(this.state.setService(key(s), s)),
      onDelete: (s) => this.changed(this.state.setService(key(s), undefined)),
    });
    this.slices.addEventHandler({
      onAdd: (s) => this.changed(this.state.setSlice(key(s), s)),
      onUpdate: (_, s) => this.changed(this.state.setSlice(key(s), s)),
      onDelete: (s) => this.changed(this.state.setSlice(key(s), undefined)),
    });
    this.nodes.addEventHandler({ onAdd: (n) => this.nodeSeen(n), onUpdate: (_, n) => this.nodeSeen(n), onDelete: () => (this.node = undefined) });
  }

  /** start runs the informers; the first sync follows once they have synced and the Node exists. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.tokensAt = this.clock.now();
    await Promise.all([this.services.start(), this.slices.start(), this.nodes.start()]);
    this.synced = true;
    this.requestSync();
  }

  stop(): void {
    this.running = false;
    this.pending?.cancel();
    this.periodic?.cancel();
    this.pending = this.periodic = undefined;
    this.services.stop();
    this.slices.stop();
    this.nodes.stop();
  }

  /** syncCount is how many syncs have run. */
  get syncCount(): number {
    return this.syncs;
  }

  private changed(yes: boolean): void {
    if (yes) this.requestSync();
  }

  private nodeSeen(n: Node): void {
    const labelsChanged = this.node && JSON.stringify(this.node.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {});
    this.node = n;
    if (labelsChanged) this.needFullSync = true;
    this.requestSync();
  }

  /** requestSync is the runner's Run: sync now if the bucket has a token, else when it next has one. */
  private requestSync(): void {
    if (!this.running || !this.synced || !this.node || this.pending) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : this.minSyncMs - (this.clock.now() - this.tokensAt);
    this.pending = this.clock.setTimer(wait, () => {
      this.pending = undefined;
      this.runSync();
    });
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.tokens >= BURST_SYNCS) {
      this.tokensAt = now;
      return;
    }
    const earned = Math.floor((now - this.tokensAt) / this.minSyncMs);
    if (earned > 0) {
      this.tokens = Math.min(BURST_SYNCS, this.tokens + earned);
      this.tokensAt += earned * this.minSyncMs;
    }
  }

  /** runSync is syncProxyRules, then the next periodic sync and the publication. */
  private runSync(): void {
    if (!this.running) return;
    this.refill();
    this.tokens = Math.max(0, this.tokens - 1);
    const now = this.clock.now();
    const full = this.needFullSync || now - this.lastFullSync > FULL_SYNC_PERIOD_MS;
    this.proxier.sync(full);
    this.needFullSync = false;
    if (full) this.lastFullSync = now;
    this.lastSync = now;
    this.syncs++;
    this.periodic?.cancel();
    this.periodic = this.clock.setTimer(this.syncPeriodMs, () => {
      this.periodic = undefined;
      this.requestSync();
    });
    void this.publish();
  }

  /** publish writes the rule set to this node's ProxyRuleSet: created on first use, then its status. */
  private async publish(): Promise<void> {
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = true;
    try {
      do {
        this.publishAgain = false;
        await this.writeStatus();
      } while (this.publishAgain && this.running);
    } finally {
      this.publishing = false;
    }
  }

  private async writeStatus(): Promise<void> {
    // An object read afresh (first use, or after a conflict or a delete) always gets the status written.
    const fresh = this.stored === undefined;
    const current = this.stored ?? (await this.ensureObject());
    if (!current) return;
    const text = this.proxier.text();
    let endpoints = 0;
    for (const ports of this.state.services.values()) for (const p of ports) endpoints += this.state.endpoints(p).length;
    // The rules are the text's structured form: the same text, services and endpoints say the same.
    const said = createHash('sha1').update(`${this.state.services.size} ${endpoints} `).update(text).digest('base64');
    const now = this.clock.now();
    if (!fresh && said === this.reported && now - this.reportedAt < STATUS_REPORT_MS) return;
    const fits = text.length <= MAX_STATUS_CHARS;
    let rules: unknown;
    if (fits) {
      rules = this.proxier.rules();
      if (JSON.stringify(rules).length + text.length > MAX_STATUS_CHARS) rules = undefined;
    }
    const status: NonNullable<ProxyRuleSet['status']> = {
      text: fits ? text : truncate(text),
      ...(rules === undefined ? {} : { rules }),
      ...(fits && rules !== undefined ? {} : { truncated: true }),
      lastSyncTime: timestamp(this.lastSync ?? this.clock.now()),
      ...(Number.isFinite(this.lastFullSync) ? { lastFullSyncTime: timestamp(this.lastFullSync) } : {}),
      syncs: this.syncs,
      services: this.state.services.size,
      endpoints,
    };
    const res = await this.client.updateStatus<ProxyRuleSet>(PROXYRULESETS, { ...current, status });
    if (isStatus(res)) {
      // A conflict or a deleted object: read it again on the next publication.
      this.stored = undefined;
      if (res.code === 409 || res.code === 404) this.publishAgain = true;
      return;
    }
    this.stored = { apiVersion: res.apiVersion, kind: res.kind, metadata: res.metadata, spec: res.spec };
    this.reported = said;
    this.reportedAt = now;
  }

  /** ensureObject reads this node's ProxyRuleSet, creating it (owned by the Node) or correcting its mode. */
  private async ensureObject(): Promise<ProxyRuleSet | undefined> {
    const got = await this.client.get<ProxyRuleSet>(PROXYRULESETS, '', this.nodeName);
    if (!isStatus(got)) {
      if (got.spec?.mode === this.options.mode) return got;
      const fixed = await this.client.update<ProxyRuleSet>(PROXYRULESETS, { ...got, spec: { ...got.spec, mode: this.options.mode } });
      return isStatus(fixed) ? undefined : fixed;
    }
    if (got.code !== 404) return undefined;
    const node = this.node;
    const created = await this.client.create<ProxyRuleSet>(PROXYRULESETS, {
      apiVersion: `${LAB_GROUP}/${LAB_VERSION}`, kind: 'ProxyRuleSet',
      metadata: {
        name: this.nodeName,
        ...(node?.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node.metadata.uid }] } : {}),
      },
      spec: { mode: this.options.mode },
    });
    return isStatus(created) ? undefined : created;
  }
}

/** truncate cuts text at a line boundary under the limit and says how much is left out. */
function truncate(text: string): string {
  const cut = text.lastIndexOf('\n', MAX_STATUS_CHARS - 200) + 1;
  let rest = 0;
  for (let i = cut; i < text.length; i++) if (text.charCodeAt(i) === 10) rest++;
  return `${text.slice(0, cut)}# ... ${rest} more lines: the rule set is larger than one API object may hold\n`;
}
