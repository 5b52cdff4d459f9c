/**
 * PodsFeed turns the model's pod, node and replica set informers into the Pods
 * panel's messages: one snapshot, then deltas holding only the pods and nodes
 * whose view changed, at most once per flush interval (DESIGN.md: panels get
 * deltas, throttled to what a person can see). A status update that changes
 * nothing the panel draws (a condition's probe time) sends nothing.
 * Travelling to a past revision (timeTravel.ts), the feed stops applying the
 * informers' events and sends a snapshot of the nodes, pods and replica sets
 * read as of that revision; back to live, a snapshot of the informers' current
 * caches. No `vscode` here, so it is tested in plain Node.
 */
import { controllerOf, keyOf } from '../../lab/api/meta';
import { podRequests } from '../../lab/api/pods';
import { milliValue, value } from '../../lab/api/quantity';
import type { Node, Pod, ReplicaSet } from '../../lab/api/types';
import type { EventHandler, Informer } from '../../lab/client/informer';
import type { KubeClient } from '../../lab/client/kubeClient';
import { NODES, PODS, REPLICASETS } from '../../lab/client/resources';
import type { NodeView, PodPhase, PodView, PodsToPanel } from '../../../../webview/src/shared/protocol';
import { nodeStatus, podRow } from '../objectSummary';
import { FeedTravel } from './feedTravel';
import { type ObjectCache, type TravelFailure, isFailure, readAt } from './revisionCache';
import type { Revision } from './timeTravel';

/** FLUSH_MS is how often deltas go out: ten a second is as fast as anyone reads a cluster. */
export const FLUSH_MS = 100;

/** ZONE_LABEL is the well-known topology label the node cards group by. */
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface PodsFeedSource {
  nodes: Informer<Node>;
  pods: Informer<Pod>;
  replicaSets: Informer<ReplicaSet>;
  /** client reads past revisions (time travel); without it a travel says the cluster cannot. */
  client?: KubeClient;
}

/** PodsFeedView is what the feed draws from: the informers live, caches read at a revision when travelling. */
interface PodsFeedView {
  nodes: ObjectCache<Node>;
  pods: ObjectCache<Pod>;
  replicaSets: ObjectCache<ReplicaSet>;
}

/** NO_PAST is what a travel answers when the feed has no client to read a revision with. */
const NO_PAST = 'This cluster cannot be read at a past revision.';

/** Scheduler runs fn after ms and returns its cancel; the host passes setTimeout, tests a manual one. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const PHASES = new Set<PodPhase>(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);

/** podView is the panel's view of one pod; owner names the workload it belongs to (a ReplicaSet's Deployment). */
export function podView(pod: Pod, replicaSets: Pick<Informer<ReplicaSet>, 'get'>): PodView {
  const row = podRow(pod);
  const slash = row.ready.indexOf('/');
  const requests = podRequests(pod);
  const phase = pod.status?.phase;
  return {
    uid: pod.metadata.uid ?? keyOf(pod),
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    node: pod.spec.nodeName ?? '',
    phase: phase && PHASES.has(phase) ? phase : 'Pending',
    status: row.status,
    ready: parseInt(row.ready.slice(0, slash), 10) || 0,
    containers: parseInt(row.ready.slice(slash + 1), 10) || 0,
    restarts: row.restarts,
    owner: ownerOf(pod, replicaSets),
    labels: pod.metadata.labels ?? {},
    cpu: requests.milliCPU,
    memory: requests.memory,
  };
}

/** ownerOf is `Kind/name` of the pod's controller, followed from a ReplicaSet to the Deployment that controls it. */
export function ownerOf(pod: Pod, replicaSets: Pick<Informer<ReplicaSet>, 'get'>): string {
  const ref = controllerOf(pod);
  if (!ref) return '';
  if (ref.kind === 'ReplicaSet') {
    const rs = replicaSets.get(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    const up = rs && controllerOf(rs);
    if (up?.kind === 'Deployment') return `Deployment/${up.name}`;
  }
  return `${ref.kind}/${ref.name}`;
}

/** nodeView is the panel's view of one node card. */
export function nodeView(node: Node): NodeView {
  const status = nodeStatus(node);
  const alloc = node.status?.allocatable ?? {};
  return {
    name: node.metadata.name ?? '',
    status,
    ready: status.startsWith('Ready'),
    unschedulable: node.spec?.unschedulable === true,
    zone: node.metadata.labels?.[ZONE_LABEL] ?? '',
    cpu: milliValue(alloc.cpu),
    memory: value(alloc.memory),
    pods: value(alloc.pods),
  };
}

/** signature is what decides whether a view changed: cheaper to keep for 150,000 pods than the views themselves. */
function podSignature(v: PodView): string {
  return `${v.node}\u0000${v.phase}\u0000${v.status}\u0000${v.ready}/${v.containers}\u0000${v.restarts}\u0000${v.owner}\u0000${v.cpu}\u0000${v.memory}\u0000${JSON.stringify(v.labels)}`;
}

function nodeSignature(v: NodeView): string {
  return JSON.stringify(v);
}

export class PodsFeed {
  /** sent maps a pod's key (namespace/name) to the uid and signature of the view the panel has. */
  private readonly sentPods = new Map<string, { uid: string; signature: string }>();
  private readonly sentNodes = new Map<string, string>();
  /** dirty pods and nodes wait for the next flush; a pod's latest object, or undefined once deleted. */
  private readonly dirtyPods = new Map<string, Pod | undefined>();
  private readonly dirtyNodes = new Map<string, Node | undefined>();
  private cancelFlush?: () => void;
  private started = false;
  private readonly travelling: FeedTravel<PodsFeedView>;
  private last?: { state: Extract<PodsToPanel, { type: 'snapshot' }>['state']; cluster: string };
  private readonly podHandler: EventHandler<Pod> = {
    onAdd: (p) => this.markPod(keyOf(p), p),
    onUpdate: (_, p) => this.markPod(keyOf(p), p),
    onDelete: (p) => this.markPod(keyOf(p), undefined),
  };
  private readonly nodeHandler: EventHandler<Node> = {
    onAdd: (n) => this.markNode(n.metadata.name ?? '', n),
    onUpdate: (_, n) => this.markNode(n.metadata.name ?? '', n),
    onDelete: (n) => this.markNode(n.metadata.name ?? '', undefined),
  };
  /** A ReplicaSet that appears or changes owner may move its pods under a Deployment. */
  private readonly replicaSetHandler: EventHandler<ReplicaSet> = {
    onAdd: (rs) => this.ownerChanged(rs),
    onUpdate: (old, rs) => {
      if (controllerOf(old)?.uid !== controllerOf(rs)?.uid) this.ownerChanged(rs);
    },
  };

  constructor(
    private readonly source: PodsFeedSource,
    private readonly post: (message: PodsToPanel) => void,
    private readonly schedule: Schedule,
    private readonly podsOf: (replicaSet: ReplicaSet) => readonly Pod[] = () => [],
  ) {
    this.travelling = new FeedTravel<PodsFeedView>(source, post, {
      stop: () => {
        this.cancelFlush?.();
        this.cancelFlush = undefined;
        this.dirtyPods.clear();
        this.dirtyNodes.clear();
      },
      read: (revision) => this.readAt(revision),
      resnapshot: () => {
        if (this.last) this.snapshot(this.last.state, this.last.cluster);
      },
    });
  }

  /** view is what the feed draws from: the informers live, caches read at the revision shown. */
  private get view(): PodsFeedView {
    return this.travelling.view;
  }

  /** revision is the revision the feed shows, null when live. */
  get revision(): Revision {
    return this.travelling.revision;
  }

  /** snapshot sends every node and pod as they are now, then keeps the panel up to date with deltas. */
  snapshot(state: Extract<PodsToPanel, { type: 'snapshot' }>['state'], cluster: string): void {
    this.last = { state, cluster };
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.dirtyPods.clear();
    this.dirtyNodes.clear();
    this.sentPods.clear();
    this.sentNodes.clear();
    const nodes = this.view.nodes.list().map(nodeView);
    for (const n of nodes) this.sentNodes.set(n.name, nodeSignature(n));
    const pods = this.view.pods.list().map((p) => {
      const v = podView(p, this.view.replicaSets);
      this.sentPods.set(keyOf(p), { uid: v.uid, signature: podSignature(v) });
      return v;
    });
    this.post({ type: 'snapshot', state, cluster, nodes, pods });
    this.travelling.snapshotSent();
    if (!this.started) {
      this.started = true;
      // Handlers added to synced informers replay every object as an add: those match what was just sent, and send nothing.
      this.source.pods.addEventHandler(this.podHandler);
      this.source.nodes.addEventHandler(this.nodeHandler);
      this.source.replicaSets.addEventHandler(this.replicaSetHandler);
    }
  }

  /** travel shows the cluster as of revision, or live again (null): see FeedTravel. */
  travel(revision: Revision): Promise<void> {
    return this.travelling.to(revision);
  }

  /** readAt reads the nodes, pods and ReplicaSets as of revision. */
  private async readAt(revision: number): Promise<PodsFeedView | TravelFailure> {
    const client = this.source.client;
    if (!client) return { error: NO_PAST };
    const read = await Promise.all([readAt<Node>(client, NODES, revision), readAt<Pod>(client, PODS, revision), readAt<ReplicaSet>(client, REPLICASETS, revision)]);
    const failed = read.find(isFailure);
    if (failed) return failed;
    const [nodes, pods, replicaSets] = read as [ObjectCache<Node>, ObjectCache<Pod>, ObjectCache<ReplicaSet>];
    return { nodes, pods, replicaSets };
  }

  dispose(): void {
    this.travelling.dispose();
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (!this.started) return;
    this.source.pods.removeEventHandler(this.podHandler);
    this.source.nodes.removeEventHandler(this.nodeHandler);
    this.source.replicaSets.removeEventHandler(this.replicaSetHandler);
  }

  private markPod(key: string, pod: Pod | undefined): void {
    if (this.travelling.revision !== null) return;
    this.dirtyPods.set(key, pod);
    this.arm();
  }

  private markNode(name: string, node: Node | undefined): void {
    if (this.travelling.revision !== null) return;
    this.dirtyNodes.set(name, node);
    this.arm();
  }

  private ownerChanged(rs: ReplicaSet): void {
    for (const p of this.podsOf(rs)) this.markPod(keyOf(p), this.source.pods.get(keyOf(p)));
  }

  private arm(): void {
    this.cancelFlush ??= this.schedule(() => {
      this.cancelFlush = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  /** flush sends what changed since the last message, if anything the panel draws did. */
  flush(): void {
    const pods = { upsert: [] as PodView[], remove: [] as string[] };
    for (const [key, pod] of this.dirtyPods) {
      const sent = this.sentPods.get(key);
      if (!pod) {
        if (sent) {
          pods.remove.push(sent.uid);
          this.sentPods.delete(key);
        }
        continue;
      }
      const v = podView(pod, this.source.replicaSets);
      const signature = podSignature(v);
      if (sent?.uid === v.uid && sent.signature === signature) continue;
      // A pod deleted and created again under its name (a StatefulSet's) is a new chip.
      if (sent && sent.uid !== v.uid) pods.remove.push(sent.uid);
      this.sentPods.set(key, { uid: v.uid, signature });
      pods.upsert.push(v);
    }
    const nodes = { upsert: [] as NodeView[], remove: [] as string[] };
    for (const [name, node] of this.dirtyNodes) {
      if (!node) {
        if (this.sentNodes.delete(name)) nodes.remove.push(name);
        continue;
      }
      const v = nodeView(node);
      const signature = nodeSignature(v);
      if (this.sentNodes.get(name) === signature) continue;
      this.sentNodes.set(name, signature);
      nodes.upsert.push(v);
    }
    this.dirtyPods.clear();
    this.dirtyNodes.clear();
    if (pods.upsert.length || pods.remove.length || nodes.upsert.length || nodes.remove.length) this.post({ type: 'delta', nodes, pods });
  }
}
