/**
 * ControlPlaneModel is the Control Plane view without the editor: the API
 * server (its /version), etcd (its revision), the scheduler and the controller
 * manager, each with its health as `kubectl get componentstatuses` reports it
 * and, for the last two, its leader from the leader-election Lease in
 * kube-system when the cluster has one.
 *
 * Leases come from a watch; componentstatuses cannot be watched, so they (with
 * /version and the revision) are fetched again when the cluster changes (a
 * lease renewal alone is no change of the components), at most once per
 * MIN_INTERVAL_MS. It asks only what any cluster serves, so a kubeconfig
 * context shows the same rows; what the user may not read says so.
 */
import type { KubeObject } from '../lab/api/types';
import { isStatus } from '../lab/api/types';
import type { KubeClient } from '../lab/client/kubeClient';
import { NAMESPACES, type ResourceRef } from '../lab/client/resources';
import { type ClusterModel, refKey } from './clusterModel';
import type { ItemView } from './clusterTreeModel';
import { escapeMarkdown } from './objectSummary';
import { contextValueOf, type ResourceItem } from './resourceItem';

/** MIN_INTERVAL_MS is the least time between two fetches of componentstatuses. */
export const MIN_INTERVAL_MS = 5_000;

export const COMPONENTSTATUSES: ResourceRef = { group: '', version: 'v1', resource: 'componentstatuses', namespaced: false };
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };
export const LEASES_KEY = refKey(LEASES);

export type ComponentId = 'apiserver' | 'etcd' | 'scheduler' | 'controller-manager';

/** ComponentNode is one control-plane component; those backed by a ComponentStatus carry ResourceItem's fields. */
export interface ComponentNode extends Partial<ResourceItem> {
  type: 'component';
  id: string;
  component: ComponentId;
}

interface ComponentStatus extends KubeObject {
  conditions?: { type: string; status: string; message?: string; error?: string }[];
}

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** Health is a component's state: healthy, unhealthy, or unknown (not reported), with what was said. */
export interface Health {
  healthy: boolean | undefined;
  message: string;
}

const COMPONENTS: { id: ComponentId; label: string; icon: string; lease?: string }[] = [
  { id: 'apiserver', label: 'API server', icon: 'server-process' },
  { id: 'etcd', label: 'etcd', icon: 'database' },
  { id: 'scheduler', label: 'Scheduler', icon: 'calendar', lease: 'kube-scheduler' },
  { id: 'controller-manager', label: 'Controller manager', icon: 'gear', lease: 'kube-controller-manager' },
];

/** statusHealth reads a ComponentStatus's Healthy condition as printComponentStatus does. */
export function statusHealth(cs: ComponentStatus | undefined): Health {
  const c = cs?.conditions?.find((x) => x.type === 'Healthy');
  if (!c) return { healthy: undefined, message: 'Unknown' };
  return { healthy: c.status === 'True', message: c.status === 'True' ? (c.message ?? '') : (c.error || c.message || '') };
}

export class ControlPlaneModel {
  private statuses: ComponentStatus[] = [];
  private statusError?: string;
  private version?: string;
  private versionError?: string;
  private revision?: string;
  /** leaseError is why kube-system's Leases cannot be listed (a user without the right), while their informer has not synced. */
  private leaseError?: string;
  private fetched = false;
  private lastFetch = -Infinity;
  private timer?: ReturnType<typeof setTimeout>;
  private inFlight?: Promise<void>;
  private disposed = false;
  /** wanted turns true when the view first asks for its rows: until then nothing is fetched or watched. */
  private wanted = false;
  private readonly subscription: { dispose(): void };
  /** renewals remember, per Lease, the renewTime last shown and when it was first seen, to tell a lease being renewed from a dead one. */
  private readonly renewals = new Map<string, { renewTime: string | undefined; seenAt: number; changed: boolean }>();

  /** onUpdate is called when the rows may read differently: after a fetch, or when a Lease changed. */
  constructor(
    private readonly client: KubeClient,
    private readonly model: ClusterModel,
    private readonly onUpdate: () => void,
    private readonly minIntervalMs = MIN_INTERVAL_MS,
  ) {
    this.subscription = model.onDidChange((changed) => {
      if (!this.wanted) return;
      if (changed.has(LEASES_KEY)) this.onUpdate();
      // Leaders renew every few seconds: that alone says nothing new about the components' health.
      if ([...changed].some((key) => key !== LEASES_KEY)) this.requestRefresh();
    });
  }

  /** refresh fetches componentstatuses, /version and the store's revision now (joining a fetch under way). */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
      this.lastFetch = performance.now();
      if (!this.disposed) this.onUpdate();
    });
    return this.inFlight;
  }

  /** requestRefresh asks for a fetch, coalesced so there is at most one per minIntervalMs. */
  requestRefresh(): void {
    if (this.disposed || this.timer || this.inFlight) return;
    const wait = this.lastFetch + this.minIntervalMs - performance.now();
    if (wait <= 0) {
      void this.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.subscription.dispose();
  }

  components(): ComponentNode[] {
    if (!this.wanted) {
      this.wanted = true;
      this.model.informer(LEASES, 'kube-system');
      if (!this.fetched) this.requestRefresh();
    }
    return COMPONENTS.map((c) => {
      const node: ComponentNode = { type: 'component', id: `controlPlane/${c.id}`, component: c.id };
      const name = this.statusName(c.id);
      if (name) Object.assign(node, { ref: COMPONENTSTATUSES, kind: 'ComponentStatus', namespace: '', name });
      return node;
    });
  }

  /** health is a component's health: the API server's from answering, the others' from componentstatuses. */
  health(id: ComponentId): Health {
    if (!this.fetched) return { healthy: undefined, message: 'Checking…' };
    if (id === 'apiserver') return this.versionError ? { healthy: false, message: this.versionError } : { healthy: true, message: 'ok' };
    if (this.statusError) return { healthy: undefined, message: this.statusError };
    const members = this.members(id);
    if (!members.length) return { healthy: undefined, message: 'not reported by componentstatuses' };
    const unhealthy = members.map(statusHealth).filter((h) => h.healthy !== true);
    if (!unhealthy.length) return statusHealth(members[0]);
    return { healthy: false, message: unhealthy.map((h) => h.message).filter(Boolean).join('; ') };
  }

  /**
   * leader is the holder of a component's leader-election Lease, or why there
   * is none. A lease is expired when its renewTime is older than its duration,
   * unless it was seen renewed within that duration: the cluster's clock need
   * not be the editor's (a lab run slower than real time, a remote server's skew).
   */
  leader(id: ComponentId, now: number): { holder?: string; text: string; lease?: Lease } {
    const name = COMPONENTS.find((c) => c.id === id)?.lease;
    if (!name) return { text: '' };
    const inf = this.model.informer<Lease>(LEASES, 'kube-system');
    if (!inf.hasSynced) return { text: 'leader unknown' };
    const lease = inf.get(`kube-system/${name}`);
    if (!lease) return { text: 'no leader lease' };
    const holder = lease.spec?.holderIdentity;
    if (!holder) return { text: 'no leader', lease };
    const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    const renewTime = lease.spec?.renewTime;
    let seen = this.renewals.get(name);
    if (!seen || seen.renewTime !== renewTime) {
      seen = { renewTime, seenAt: now, changed: seen !== undefined };
      this.renewals.set(name, seen);
    }
    const renewed = renewTime ? Date.parse(renewTime) : NaN;
    const expired = !Number.isNaN(renewed) && renewed + durationMs < now && !(seen.changed && now - seen.seenAt <= durationMs);
    return { holder, text: `leader ${holder}${expired ? ' (expired)' : ''}`, lease };
  }

  item(node: ComponentNode, now: number): ItemView {
    const c = COMPONENTS.find((x) => x.id === node.component) ?? COMPONENTS[0];
    const h = this.health(node.component);
    const state = h.healthy === true ? 'Healthy' : h.healthy === false ? 'Unhealthy' : h.message;
    const members = this.members(node.component);
    const parts = [members.length > 1 ? `${state} (${members.filter((m) => statusHealth(m).healthy).length}/${members.length})` : state];
    if (node.component === 'apiserver' && this.version) parts.push(this.version);
    if (node.component === 'etcd' && this.revision) parts.push(`revision ${this.revision}`);
    const leader = this.leader(node.component, now).text;
    if (leader) parts.push(leader);
    return {
      id: node.id, label: c.label, description: parts.join(' · '), collapsible: 'none',
      icon: { id: c.icon, ...(h.healthy === true ? { color: 'testing.iconPassed' } : h.healthy === false ? { color: 'testing.iconFailed' } : {}) },
      ...(node.kind ? { contextValue: contextValueOf(node.kind) } : { contextValue: `controlPlane.${node.component}` }),
    };
  }

  tooltip(node: ComponentNode, now: number): string {
    const c = COMPONENTS.find((x) => x.id === node.component) ?? COMPONENTS[0];
    const h = this.health(node.component);
    const lines = [`**${c.label}**`, ''];
    if (node.component === 'apiserver') {
      lines.push(`Version: ${this.version ?? 'unknown'}  `, `Health: ${h.healthy ? 'answering' : escapeMarkdown(h.message)}  `);
    } else {
      for (const m of this.members(node.component)) {
        const mh = statusHealth(m);
        lines.push(`\`${m.metadata.name ?? ''}\`: ${mh.healthy ? 'Healthy' : 'Unhealthy'}${mh.message ? ` — ${escapeMarkdown(mh.message)}` : ''}  `);
      }
      if (!this.members(node.component).length) lines.push(`Health: ${escapeMarkdown(h.message)}  `);
    }
    if (node.component === 'etcd' && this.revision) lines.push(`Revision: ${this.revision} (the resourceVersion of a fresh list)  `);
    if (c.lease) {
      const l = this.leader(node.component, now);
      if (l.lease) {
        const s = l.lease.spec ?? {};
        lines.push(
          `Leader: ${escapeMarkdown(s.holderIdentity || 'none')}  `,
          `Lease: \`kube-system/${c.lease}\`, acquired ${s.acquireTime ?? '—'}, renewed ${s.renewTime ?? '—'}, ${s.leaseDurationSeconds ?? '?'} s, ${s.leaseTransitions ?? 0} transitions  `,
        );
      } else if (l.text === 'no leader lease') {
        lines.push(`No Lease \`kube-system/${c.lease}\`: this cluster runs it without leader election, or keeps its control plane out of view.  `);
      } else {
        lines.push(`Leader: ${l.text}${l.text === 'leader unknown' && this.leaseError ? ` — ${escapeMarkdown(this.leaseError)}` : ''}  `);
      }
    }
    return lines.join('\n');
  }

  private members(id: ComponentId): ComponentStatus[] {
    if (id === 'apiserver') return [];
    return this.statuses.filter((s) => (id === 'etcd' ? (s.metadata.name ?? '').startsWith('etcd-') : s.metadata.name === id));
  }

  private statusName(id: ComponentId): string | undefined {
    const members = this.members(id);
    return members.length === 1 ? members[0].metadata.name : undefined;
  }

  private async fetch(): Promise<void> {
    const [cs, version, list] = await Promise.all([
      this.client.list<ComponentStatus>(COMPONENTSTATUSES).catch((e: unknown) => errorText(e)),
      this.client.raw({ method: 'GET', path: '/version' }).catch((e: unknown) => errorText(e)),
      this.client.list(NAMESPACES, '', { limit: 1 }).catch((e: unknown) => errorText(e)),
    ]);
    if (typeof cs === 'string' || isStatus(cs)) {
      this.statusError = typeof cs === 'string' ? cs : `componentstatuses: ${cs.message ?? cs.reason ?? cs.code}`;
      this.statuses = [];
    } else {
      this.statusError = undefined;
      this.statuses = cs.items;
    }
    if (typeof version === 'string' || isStatus(version)) {
      this.versionError = typeof version === 'string' ? version : (version.message ?? 'the API server did not answer /version');
    } else {
      this.versionError = undefined;
      this.version = (version as { gitVersion?: string }).gitVersion;
    }
    if (typeof list !== 'string' && !isStatus(list)) this.revision = list.metadata.resourceVersion || this.revision;
    // The informer keeps retrying a list it may not make; one list says why.
    if (this.model.informer(LEASES, 'kube-system').hasSynced) this.leaseError = undefined;
    else {
      const leases = await this.client.list(LEASES, 'kube-system', { limit: 1 }).catch((e: unknown) => errorText(e));
      this.leaseError = typeof leases === 'string' ? leases : isStatus(leases) ? leases.message ?? leases.reason : undefined;
    }
    this.fetched = true;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
