/**
 * SchedulerFeed turns the cluster's API into the Scheduler panel's messages:
 * the pending pods by queue (from the pods informer and each pod's
 * SchedulingDecisions, schedulerQueue.ts), the recently bound pods, the
 * scheduler's configuration (the kube-system/kube-scheduler-config ConfigMap
 * and the scheduler's Warning events about it), and the selected pod's
 * decisions. One snapshot, then deltas at most once per flush interval, each
 * carrying only what changed. Edits of the configuration are written through
 * the API like any other client's. Travelling to a past revision
 * (timeTravel.ts), the feed stops applying live events and shows the pods, the
 * ConfigMap and its events read as of that revision; edits are refused.
 * SchedulingDecisions are kept in the API server's memory, not in the store, so
 * a past revision shows the kept ones made no later than the newest time its
 * objects record (decisionsAsOf). No `vscode` here, so it is tested in plain Node.
 */
import { keyOf } from '../../lab/api/meta';
import type { KubeObject, Pod } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import { type Clock, RealClock } from '../../lab/clock';
import { type EventHandler, Informer } from '../../lab/client/informer';
import type { KubeClient } from '../../lab/client/kubeClient';
import { CONFIGMAPS, EVENTS, PODS, type ResourceRef } from '../../lab/client/resources';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION, type SchedulingDecision } from '../../lab/scheduler/decision';
import type {
  ClusterState, EventView, QueuedPodView, RecentBindingView, SchedulerConfigView, SchedulerToPanel,
} from '../../../../webview/src/shared/protocol';
import { podSchedulingDetail } from './schedulerDecision';
import { CONFIG_KEY, CONFIG_NAME, CONFIG_NAMESPACE, type ConfigEdit, type ConfigMap, configView, editConfig } from './schedulerProfile';
import { queuedPodView } from './schedulerQueue';
import { FLUSH_MS, type Schedule } from './podsFeed';
import { FeedTravel } from './feedTravel';
import { type ObjectCache, RevisionCache, type TravelFailure, isFailure, readAt } from './revisionCache';
import { type Revision, readOnlyNotice } from './timeTravel';

export const DECISIONS: ResourceRef = { group: DECISION_GROUP, version: DECISION_VERSION, resource: DECISION_RESOURCE, namespaced: true };

/** RECENT is how many recent bindings the panel lists. */
export const RECENT = 20;

/** INVALID_CONFIGURATION is the reason of the scheduler's Warning event when it refuses a configuration. */
export const INVALID_CONFIGURATION = 'InvalidConfiguration';

const BY_POD = 'podUID';

/** CONFIG_MAP and CONFIG_EVENTS select the scheduler's ConfigMap and the events about it. */
const CONFIG_MAP = { namespace: CONFIG_NAMESPACE, fieldSelector: `metadata.name=${CONFIG_NAME}` };
const CONFIG_EVENTS = { namespace: CONFIG_NAMESPACE, fieldSelector: `involvedObject.kind=ConfigMap,involvedObject.name=${CONFIG_NAME}` };

interface EventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  firstTimestamp?: string | null;
  source?: { component?: string };
  reportingComponent?: string;
}

function eventTime(e: EventObject): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

function eventView(e: EventObject): EventView {
  return { type: e.type ?? 'Normal', reason: e.reason ?? '', message: e.message ?? '', count: e.count ?? 1, lastTimestamp: eventTime(e), source: e.source?.component ?? e.reportingComponent ?? '' };
}

/** latestTime is the newest time the objects record (created, deleted, a condition's transition, an event's last time, a field manager's write): RFC 3339 whole seconds compare as text. */
export function latestTime(objects: readonly KubeObject[]): string {
  let latest = '';
  const see = (t: unknown): void => {
    if (typeof t === 'string' && t > latest) latest = t;
  };
  for (const o of objects) {
    see(o.metadata.creationTimestamp);
    see(o.metadata.deletionTimestamp);
    for (const m of (o.metadata as { managedFields?: { time?: unknown }[] }).managedFields ?? []) see(m.time);
    const status = (o as { status?: { startTime?: unknown; conditions?: { lastTransitionTime?: unknown }[] } }).status;
    see(status?.startTime);
    for (const c of status?.conditions ?? []) see(c.lastTransitionTime);
    const e = o as EventObject;
    see(e.lastTimestamp);
    see(e.eventTime);
  }
  return latest;
}

/**
 * decisionsAsOf are the kept decisions made no later than asOf (latestTime of a
 * past revision's objects): the decisions are not in the store, so their time
 * stands in for the revision — to the second, so one made in the same second
 * just after the revision is counted in.
 */
export function decisionsAsOf(decisions: readonly SchedulingDecision[], asOf: string): SchedulingDecision[] {
  return decisions.filter((d) => (d.metadata.creationTimestamp ?? '') <= asOf);
}

/** SchedulerFeedView is what the feed draws from: the informers live, caches read at a revision when travelling. */
interface SchedulerFeedView {
  pods: ObjectCache<Pod>;
  decisions: ObjectCache<SchedulingDecision>;
  configMaps: ObjectCache<ConfigMap>;
  events: ObjectCache<EventObject>;
}

export interface SchedulerFeedOptions {
  client: KubeClient;
  /** pods is the editor's shared pods informer, already running. */
  pods: Informer<Pod>;
  post: (message: SchedulerToPanel) => void;
  schedule: Schedule;
  clock?: Clock;
}

export class SchedulerFeed {
  readonly decisions: Informer<SchedulingDecision>;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly events: Informer<EventObject>;
  /** sent maps a pending pod's key to the uid and signature of the entry the panel has. */
  private readonly sent = new Map<string, { uid: string; signature: string }>();
  private readonly dirty = new Set<string>();
  private recentSignature = '';
  private recentDirty = false;
  private configSignature = '';
  private configDirty = false;
  private config?: SchedulerConfigView;
  /** served are the schedulerNames of the last configuration the scheduler accepted (the defaults' until one is). */
  private served = new Set<string>(['default-scheduler']);
  private selected?: { namespace: string; name: string; decision?: string };
  private detailDirty = false;
  private cancelFlush?: () => void;
  private started = false;
  private disposed = false;
  private readonly live: SchedulerFeedView;
  private readonly travelling: FeedTravel<SchedulerFeedView>;
  private last?: { state: ClusterState; cluster: string };
  private readonly podHandler: EventHandler<Pod> = {
    onAdd: (p) => this.mark(keyOf(p)),
    onUpdate: (_, p) => this.mark(keyOf(p)),
    onDelete: (p) => this.mark(keyOf(p)),
  };

  constructor(private readonly options: SchedulerFeedOptions) {
    const clock = options.clock ?? new RealClock();
    this.decisions = new Informer<SchedulingDecision>(options.client, DECISIONS, clock);
    this.decisions.addIndexer(BY_POD, (d) => [d.pod.uid]);
    this.configMaps = new Informer<ConfigMap>(options.client, CONFIGMAPS, clock, CONFIG_MAP);
    this.events = new Informer<EventObject>(options.client, EVENTS, clock, CONFIG_EVENTS);
    this.live = { pods: options.pods, decisions: this.decisions, configMaps: this.configMaps, events: this.events };
    this.travelling = new FeedTravel<SchedulerFeedView>(this.live, options.post, {
      stop: () => {
        this.cancelFlush?.();
        this.cancelFlush = undefined;
        this.dirty.clear();
        this.configDirty = false;
        this.recentDirty = false;
        this.detailDirty = false;
      },
      read: (revision) => this.readAt(revision),
      resnapshot: () => {
        if (this.last) this.snapshot(this.last.state, this.last.cluster);
      },
    });
  }

  /** view is what the feed draws from: the informers live, caches read at the revision shown. */
  private get view(): SchedulerFeedView {
    return this.travelling.view;
  }

  /** revision is the revision the feed shows, null when live. */
  get revision(): Revision {
    return this.travelling.revision;
  }

  /** travel shows the scheduler as of revision, or live again (null): see FeedTravel. */
  travel(revision: Revision): Promise<void> {
    return this.travelling.to(revision);
  }

  /** readAt reads the pods, the ConfigMap and its events as of revision, and the decisions kept until then. */
  private async readAt(revision: number): Promise<SchedulerFeedView | TravelFailure> {
    const client = this.options.client;
    const [pods, configMaps, events] = await Promise.all([
      // The kept decisions are filtered below: wait for them the first time.
      this.decisions.waitForSync().then(() => readAt<Pod>(client, PODS, revision)),
      readAt<ConfigMap>(client, CONFIGMAPS, revision, CONFIG_MAP),
      readAt<EventObject>(client, EVENTS, revision, CONFIG_EVENTS),
    ]);
    if (isFailure(pods)) return pods;
    if (isFailure(configMaps)) return configMaps;
    if (isFailure(events)) return events;
    const asOf = latestTime([...pods.list(), ...configMaps.list(), ...events.list()]);
    const decisions = new RevisionCache(decisionsAsOf(this.decisions.list(), asOf), revision).addIndexer(BY_POD, (d) => [d.pod.uid]);
    return { pods, decisions, configMaps, events };
  }

  /** start lists and watches the decisions, the ConfigMap and its events, then sends the snapshot. */
  async start(state: ClusterState, cluster: string): Promise<void> {
    await Promise.all([this.decisions.start(), this.configMaps.start(), this.events.start(), this.options.pods.waitForSync()]);
    if (this.disposed) return;
    this.snapshot(state, cluster);
  }

  /** snapshot sends the queue, the recent bindings and the configuration as they are now, then keeps the panel up to date. */
  snapshot(state: ClusterState, cluster: string): void {
    this.last = { state, cluster };
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.dirty.clear();
    this.sent.clear();
    this.refreshConfig();
    const queue: QueuedPodView[] = [];
    for (const pod of this.view.pods.list()) {
      const v = this.viewOf(pod);
      if (!v) continue;
      this.sent.set(keyOf(pod), { uid: v.uid, signature: JSON.stringify(v) });
      queue.push(v);
    }
    const recent = this.recent();
    this.recentSignature = JSON.stringify(recent);
    this.options.post({ type: 'snapshot', state, cluster, queue, recent, config: this.config as SchedulerConfigView });
    this.travelling.snapshotSent();
    if (this.selected) this.sendDetail();
    if (this.started) return;
    this.started = true;
    // Handlers added to synced informers replay every object as an add: those match what was just sent, and send nothing.
    this.options.pods.addEventHandler(this.podHandler);
    this.decisions.addEventHandler({
      onAdd: (d) => this.decisionChanged(d),
      onUpdate: (_, d) => this.decisionChanged(d),
      onDelete: (d) => this.decisionChanged(d),
    });
    const configChanged = (): void => {
      if (this.travelling.revision !== null) return;
      this.configDirty = true;
      this.arm();
    };
    this.configMaps.addEventHandler({ onAdd: configChanged, onUpdate: configChanged, onDelete: configChanged });
    this.events.addEventHandler({ onAdd: configChanged, onUpdate: configChanged, onDelete: configChanged });
  }

  /** select chooses the pod (and optionally which of its decisions) the panel details. */
  select(pod: { namespace: string; name: string } | undefined, decision?: string): void {
    this.selected = pod && { ...pod, ...(decision ? { decision } : {}) };
    // Before the snapshot the selection only waits: the snapshot sends its detail.
    if (this.started) this.sendDetail();
  }

  /** edit applies one change to a profile and writes the configuration back to the ConfigMap (creating it the first time). */
  async edit(profile: string, change: ConfigEdit): Promise<void> {
    if (this.travelling.revision !== null) return this.notice(readOnlyNotice(this.travelling.revision), true);
    const client = this.options.client;
    const current = await client.get<ConfigMap>(CONFIGMAPS, CONFIG_NAMESPACE, CONFIG_NAME);
    if (isStatus(current) && current.code !== 404) return this.notice(current.message ?? 'reading the ConfigMap failed', true);
    const cm = isStatus(current) ? undefined : current;
    const next = editConfig(cm?.data?.[CONFIG_KEY], profile, change);
    if ('error' in next) return this.notice(next.error, true);
    const written = cm
      ? await client.update<ConfigMap>(CONFIGMAPS, { ...cm, data: { ...cm.data, [CONFIG_KEY]: next.text } })
      : await client.create<ConfigMap>(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIG_NAME, namespace: CONFIG_NAMESPACE }, data: { [CONFIG_KEY]: next.text } });
    if (isStatus(written)) return this.notice(written.message ?? 'writing the ConfigMap failed', true);
    const what = change.type === 'setWeight' ? `${change.plugin} weighs ${change.weight}` : `${change.plugin} ${change.enabled ? 'enabled' : 'disabled'}`;
    this.notice(`${what} in profile ${profile}: configmap/${CONFIG_NAME} ${cm ? 'configured' : 'created'}`, false);
  }

  /** reset deletes the ConfigMap, so the scheduler goes back to its defaults. */
  async reset(): Promise<void> {
    if (this.travelling.revision !== null) return this.notice(readOnlyNotice(this.travelling.revision), true);
    const done = await this.options.client.delete(CONFIGMAPS, CONFIG_NAMESPACE, CONFIG_NAME);
    if (isStatus(done) && done.status === 'Failure') return this.notice(done.code === 404 ? 'The scheduler already runs its defaults: there is no configmap/kube-scheduler-config.' : (done.message ?? 'delete failed'), done.code !== 404);
    this.notice(`configmap "${CONFIG_NAME}" deleted: the scheduler goes back to its defaults`, false);
  }

  dispose(): void {
    this.disposed = true;
    this.travelling.dispose();
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.options.pods.removeEventHandler(this.podHandler);
    this.decisions.stop();
    this.configMaps.stop();
    this.events.stop();
  }

  /** decisionsOf lists the kept decisions about a pod. */
  decisionsOf(pod: Pod): SchedulingDecision[] {
    return this.view.decisions.byIndex(BY_POD, pod.metadata.uid ?? '');
  }

  private notice(message: string, error: boolean): void {
    if (!this.disposed) this.options.post({ type: 'notice', message, error });
  }

  private viewOf(pod: Pod): QueuedPodView | undefined {
    return queuedPodView(pod, this.decisionsOf(pod), (name) => this.served.has(name));
  }

  private decisionChanged(d: SchedulingDecision): void {
    this.mark(`${d.pod.namespace}/${d.pod.name}`);
  }

  private mark(key: string): void {
    if (this.travelling.revision !== null) return;
    this.dirty.add(key);
    this.recentDirty = true;
    if (this.selected && key === `${this.selected.namespace}/${this.selected.name}`) this.detailDirty = true;
    this.arm();
  }

  private arm(): void {
    if (this.disposed) return;
    this.cancelFlush ??= this.options.schedule(() => {
      this.cancelFlush = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  /** flush sends what changed since the last message. */
  flush(): void {
    if (this.configDirty) {
      this.configDirty = false;
      const before = [...this.served].join('\n');
      if (this.refreshConfig()) this.options.post({ type: 'config', config: this.config as SchedulerConfigView });
      // Pods for a profile that came or went change queue.
      if ([...this.served].join('\n') !== before) for (const p of this.view.pods.list()) this.dirty.add(keyOf(p));
    }
    const queue = { upsert: [] as QueuedPodView[], remove: [] as string[] };
    for (const key of this.dirty) {
      const pod = this.view.pods.get(key);
      const v = pod && this.viewOf(pod);
      const sent = this.sent.get(key);
      if (!v) {
        if (sent) {
          queue.remove.push(sent.uid);
          this.sent.delete(key);
        }
        continue;
      }
      const signature = JSON.stringify(v);
      if (sent?.uid === v.uid && sent.signature === signature) continue;
      if (sent && sent.uid !== v.uid) queue.remove.push(sent.uid);
      this.sent.set(key, { uid: v.uid, signature });
      queue.upsert.push(v);
    }
    this.dirty.clear();
    let recent: RecentBindingView[] | undefined;
    if (this.recentDirty) {
      this.recentDirty = false;
      const r = this.recent();
      const signature = JSON.stringify(r);
      if (signature !== this.recentSignature) {
        this.recentSignature = signature;
        recent = r;
      }
    }
    if (queue.upsert.length || queue.remove.length || recent) this.options.post({ type: 'delta', queue, ...(recent ? { recent } : {}) });
    if (this.detailDirty) {
      this.detailDirty = false;
      this.sendDetail();
    }
  }

  /** refreshConfig reads the configuration again and says whether it changed. */
  private refreshConfig(): boolean {
    const cm = this.view.configMaps.get(`${CONFIG_NAMESPACE}/${CONFIG_NAME}`);
    const warnings = this.view.events.list().filter((e) => e.type === 'Warning' && e.reason === INVALID_CONFIGURATION).sort((a, b) => (eventTime(a) < eventTime(b) ? -1 : 1));
    const latest = warnings[warnings.length - 1];
    const view = configView(cm, latest && eventView(latest), this.options.client);
    if (!view.error) this.served = new Set(view.profiles.map((p) => p.schedulerName));
    const signature = JSON.stringify(view);
    const changed = signature !== this.configSignature;
    this.config = view;
    this.configSignature = signature;
    return changed;
  }

  /** recent lists the newest decisions that bound a pod still on the node they chose. */
  private recent(): RecentBindingView[] {
    const out: RecentBindingView[] = [];
    const scheduled = this.view.decisions.list().filter((d) => d.result === 'Scheduled').sort((a, b) => Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion));
    for (const d of scheduled) {
      if (out.length >= RECENT) break;
      const pod = this.view.pods.get(`${d.pod.namespace}/${d.pod.name}`);
      if (!pod || pod.metadata.uid !== d.pod.uid || pod.spec.nodeName !== d.node) continue;
      out.push({ namespace: d.pod.namespace, name: d.pod.name, node: d.node ?? '', time: d.metadata.creationTimestamp ?? '', decision: d.metadata.name ?? '' });
    }
    return out;
  }

  private sendDetail(): void {
    const s = this.selected;
    const pod = s && this.view.pods.get(`${s.namespace}/${s.name}`);
    if (!s || !pod) {
      this.options.post({ type: 'detail', detail: undefined });
      return;
    }
    const queue = this.viewOf(pod)?.queue;
    this.options.post({ type: 'detail', detail: podSchedulingDetail(pod, this.decisionsOf(pod), queue, s.decision) });
  }
}
