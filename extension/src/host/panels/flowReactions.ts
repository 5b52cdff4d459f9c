/**
 * FlowReactions follows what the cluster does because of a request, down the
 * seeds' chain — controller → ReplicaSet → pods → scheduler → kubelet →
 * endpoints → kube-proxy — as it happens. It watches, from the revision the
 * request wrote, the objects owned (ownerReferences, transitively) by what was
 * written, the Events about any of them, and the EndpointSlices that come to
 * point at their pods. Every reaction carries the cluster's own timestamp. No
 * `vscode` here: it is tested in plain Node against a lab on a manual clock.
 */
import type { KubeObject, Pod, Status, WatchEvent } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import { timestamp } from '../../lab/api/meta';
import type { KubeClient } from '../../lab/client/kubeClient';
import type { WatchHandle } from '../../lab/client/transport';
import { EVENTS, JOBS, PODS, REPLICASETS, type ResourceRef } from '../../lab/client/resources';
import { ENDPOINTSLICES } from '../../lab/controllers/kubernetesService';
import { type EndpointSlice, SERVICE_NAME_LABEL } from '../../lab/network/serviceInfo';
import type { FlowReaction, FlowStep } from '../../../../webview/src/shared/protocol';
import type { Written } from './flowRequest';
import type { Schedule } from './podsFeed';

/** FLUSH_MS batches reactions as the Pods panel batches deltas: ten a second. */
export const FLUSH_MS = 100;

/** MAX_REACTIONS bounds one flow's timeline: a Deployment of a thousand replicas tells its story in the first few hundred. */
export const MAX_REACTIONS = 1000;

/** OWNED are the kinds a written object's chain runs through: Deployment → ReplicaSet → Pod, CronJob → Job → Pod, StatefulSet/DaemonSet/Job → Pod. */
const OWNED: readonly ResourceRef[] = [REPLICASETS, JOBS, PODS];

interface EventObject extends KubeObject {
  involvedObject?: { kind?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingController?: string;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  firstTimestamp?: string | null;
}

/** SliceEndpoint is an EndpointSlice's endpoint with the pod it stands for. */
interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null };
  targetRef?: { uid?: string; name?: string };
}

/** Tracked is an object in the chain: what the reactions name it, and (for a pod) what the panel has told of it. */
interface Tracked {
  kind: string;
  name: string;
  scheduled?: boolean;
  running?: boolean;
  ready?: boolean;
}

/** stepOfComponent places an Event's reporter in the chain. */
export function stepOfComponent(component: string): FlowStep {
  if (component === 'replicaset-controller') return 'replicaset';
  if (component === 'kubelet') return 'kubelet';
  if (/scheduler$/.test(component)) return 'scheduler';
  if (component.startsWith('endpoint')) return 'endpoints';
  return 'controller';
}

export class FlowReactions {
  private readonly tracked = new Map<string, Tracked>();
  /** pending holds Events about objects not (yet) known to be in the chain: their object's watch may come later. */
  private readonly pending = new Map<string, EventObject[]>();
  /** endpoints remembers, per slice and address, whether it was ready, so only changes are told. */
  private readonly endpoints = new Map<string, boolean>();
  private readonly watches: WatchHandle[] = [];
  private queued: FlowReaction[] = [];
  private cancelFlush?: () => void;
  private seq = 0;
  private disposed = false;

  constructor(
    private readonly client: KubeClient,
    private readonly roots: readonly Written[],
    private readonly emit: (reactions: FlowReaction[]) => void,
    private readonly schedule: Schedule,
    /** now is the cluster clock, for what carries no timestamp of its own (an EndpointSlice's endpoints). */
    private readonly now: () => number,
  ) {
    for (const r of roots) this.tracked.set(r.uid, { kind: r.kind, name: r.name });
  }

  /**
   * start watches each root's namespace from the revision its request wrote: the
   * watch replays every change since, so what the controllers did before the
   * watch began is told too. An object owned before the request (an update's
   * ReplicaSet) first shows up changed, not added: it joins the chain quietly.
   */
  async start(): Promise<void> {
    const namespaces = new Map<string, number>();
    for (const r of this.roots) {
      const ns = r.namespace || 'default';
      namespaces.set(ns, Math.min(namespaces.get(ns) ?? Infinity, r.revision));
    }
    for (const [ns, revision] of namespaces) {
      for (const ref of [...OWNED, ENDPOINTSLICES, EVENTS]) await this.follow(ref, ns, String(revision));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    for (const w of this.watches.splice(0)) w.cancel();
  }

  private async follow(ref: ResourceRef, namespace: string, resourceVersion: string): Promise<void> {
    if (this.disposed) return;
    const handle = await this.client.watch<KubeObject>(ref, namespace, { resourceVersion }, (e) => this.onEvent(ref, e), (error?: Status) => {
      // A watch from a revision the cache no longer holds (410) starts again from now: what happened in between is not told.
      if (error && !this.disposed) void this.restart(ref, namespace);
    });
    if (this.disposed) handle.cancel();
    else this.watches.push(handle);
  }

  private async restart(ref: ResourceRef, namespace: string): Promise<void> {
    const list = await this.client.list<KubeObject>(ref, namespace, { limit: 1 });
    if (!isStatus(list)) await this.follow(ref, namespace, list.metadata?.resourceVersion ?? '');
  }

  private onEvent(ref: ResourceRef, e: WatchEvent<KubeObject>): void {
    if (this.disposed || e.type === 'BOOKMARK' || e.type === 'ERROR' || isStatus(e.object)) return;
    const obj: KubeObject = e.object;
    if (ref === EVENTS) this.onKubeEvent(obj);
    else if (ref === ENDPOINTSLICES) this.onSlice(obj, e.type === 'DELETED');
    else this.onOwned(ref, obj, e.type);
  }

  private ownedByChain(obj: KubeObject): boolean {
    return (obj.metadata.ownerReferences ?? []).some((o) => this.tracked.has(o.uid));
  }

  private onOwned(ref: ResourceRef, obj: KubeObject, type: WatchEvent['type']): void {
    const uid = obj.metadata.uid ?? '';
    const name = obj.metadata.name ?? '';
    const kind = kindOf(ref);
    let t = this.tracked.get(uid);
    if (!t) {
      if (type === 'DELETED' || !this.ownedByChain(obj)) return;
      t = { kind, name };
      this.tracked.set(uid, t);
      if (type === 'MODIFIED') {
        // Owned before the request: known as it is now, so only what changes from here is told.
        if (ref === PODS) Object.assign(t, podState(obj as Pod));
        this.release(uid);
        return;
      }
      const owner = (obj.metadata.ownerReferences ?? []).find((o) => this.tracked.has(o.uid));
      const step: FlowStep = ref === PODS ? 'pods' : 'controller';
      // Upstream's controllers are named for what they control: the ReplicaSet's owner is the deployment-controller.
      this.add(step, obj.metadata.creationTimestamp ?? '', `${(owner?.kind ?? '').toLowerCase()}-controller`, `${kind}/${name}`, 'Created', `${kind} ${name} created, owned by ${owner?.kind ?? ''} ${owner?.name ?? ''}`, false);
      this.release(uid);
    }
    if (ref !== PODS) return;
    if (type === 'DELETED') {
      this.add('kubelet', timestamp(this.now()), 'kubelet', `Pod/${name}`, 'Deleted', `Pod ${name} is gone from the API`, false);
      return;
    }
    this.podChanged(obj as Pod, t);
  }

  /** podChanged tells a pod's steps the Events do not: bound to a node, its phase Running, Ready. */
  private podChanged(pod: Pod, t: Tracked): void {
    const now = podState(pod);
    const name = pod.metadata.name ?? '';
    const conditions = pod.status?.conditions ?? [];
    const node = pod.spec.nodeName ?? '';
    if (now.scheduled && !t.scheduled) {
      const at = conditions.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? timestamp(this.now());
      this.add('scheduler', at, 'default-scheduler', `Pod/${name}`, 'Bound', `Pod ${name} bound to ${node} (spec.nodeName)`, false);
    }
    if (now.running && !t.running) {
      const at = pod.status?.startTime ?? timestamp(this.now());
      this.add('kubelet', at, `kubelet (${node})`, `Pod/${name}`, 'Running', `Pod ${name} is Running on ${node}${pod.status?.podIP ? `, IP ${pod.status.podIP}` : ''}`, false);
    }
    if (now.ready && !t.ready) {
      const at = conditions.find((c) => c.type === 'Ready')?.lastTransitionTime ?? timestamp(this.now());
      this.add('kubelet', at, `kubelet (${node})`, `Pod/${name}`, 'Ready', `Pod ${name} is Ready`, false);
    }
    Object.assign(t, now);
  }

  private onKubeEvent(ev: EventObject): void {
    const uid = ev.involvedObject?.uid ?? '';
    if (!uid) return;
    if (!this.tracked.has(uid)) {
      // The Event may come before the watch of the object it is about: keep it until that object joins the chain.
      const waiting = this.pending.get(uid) ?? [];
      if (waiting.length < 50) waiting.push(ev);
      this.pending.set(uid, waiting);
      if (this.pending.size > 1000) this.pending.delete(this.pending.keys().next().value as string);
      return;
    }
    this.tellEvent(ev);
  }

  private release(uid: string): void {
    const waiting = this.pending.get(uid);
    if (!waiting) return;
    this.pending.delete(uid);
    for (const ev of waiting) this.tellEvent(ev);
  }

  private tellEvent(ev: EventObject): void {
    const component = ev.source?.component || ev.reportingController || ev.reportingComponent || '';
    const host = ev.source?.host;
    const at = ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp ?? '';
    const object = `${ev.involvedObject?.kind ?? ''}/${ev.involvedObject?.name ?? ''}`;
    this.add(stepOfComponent(component), at, host ? `${component} (${host})` : component, object, ev.reason ?? '', ev.message ?? '', ev.type === 'Warning');
  }

  /**
   * onSlice tells each endpoint of a chain's pod (or of a slice the chain owns)
   * that appears, turns ready or not ready; and, for each, what kube-proxy on
   * every node does with it — kube-proxy watches EndpointSlices and writes no
   * API object, so its step is told from the slice it reads.
   */
  private onSlice(slice: EndpointSlice, deleted: boolean): void {
    const sliceOwned = this.ownedByChain(slice);
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? '';
    const namespace = slice.metadata.namespace ?? '';
    const ports = (slice.ports ?? []).map((p) => `${p.port ?? ''}/${p.protocol ?? 'TCP'}`).join(', ');
    const at = slice.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] ?? timestamp(this.now());
    for (const e of (slice.endpoints ?? []) as SliceEndpoint[]) {
      const pod = e.targetRef?.uid ? this.tracked.get(e.targetRef.uid) : undefined;
      if (!pod && !sliceOwned) continue;
      const address = e.addresses?.[0] ?? '';
      const key = `${slice.metadata.uid ?? ''}/${address}`;
      const ready = !deleted && e.conditions?.ready !== false;
      if (this.endpoints.get(key) === ready) continue;
      this.endpoints.set(key, ready);
      const who = e.targetRef?.name ? ` (pod ${e.targetRef.name})` : '';
      const object = `EndpointSlice/${slice.metadata.name ?? ''}`;
      this.add('endpoints', at, 'endpointslice-controller', object, ready ? 'EndpointReady' : 'EndpointNotReady',
        `${address}${who} is ${ready ? 'ready' : 'not ready'} in EndpointSlice ${slice.metadata.name ?? ''} of Service ${namespace}/${service}`, false);
      this.add('kube-proxy', at, 'kube-proxy (every node)', `Service/${service}`, ready ? 'EndpointAdded' : 'EndpointRemoved',
        `kube-proxy ${ready ? 'adds' : 'removes'} ${address}${ports ? ` (${ports})` : ''} ${ready ? 'to' : 'from'} Service ${namespace}/${service}'s rules`, false);
    }
  }

  private add(step: FlowStep, at: string, component: string, object: string, reason: string, message: string, warning: boolean): void {
    if (this.seq >= MAX_REACTIONS) return;
    this.queued.push({ seq: ++this.seq, at, step, component, object, reason, message, warning });
    this.cancelFlush ??= this.schedule(() => {
      this.cancelFlush = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  /** flush sends the reactions seen since the last flush. */
  flush(): void {
    if (!this.queued.length || this.disposed) return;
    const out = this.queued;
    this.queued = [];
    this.emit(out);
  }
}

function kindOf(ref: ResourceRef): string {
  if (ref === REPLICASETS) return 'ReplicaSet';
  if (ref === JOBS) return 'Job';
  return 'Pod';
}

function podState(pod: Pod): Pick<Tracked, 'scheduled' | 'running' | 'ready'> {
  return {
    scheduled: Boolean(pod.spec.nodeName),
    running: pod.status?.phase === 'Running',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  };
}
