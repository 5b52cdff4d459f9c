/**
 * SchedulerCache is the scheduler's picture of the cluster (internal/cache):
 * nodes with their bound and assumed pods, a node tree that interleaves zones
 * so filters spread their search, the images held across nodes, and assumed
 * pods that expire if their binding is never confirmed.
 */
import { keyOf } from '../api/meta';
import type { Node, Pod } from '../api/types';
import { Snapshot } from './framework/snapshot';
import { NodeChangeFeed } from './nodeChangeFeed';
import { type ImageStateSummary, NO_IMAGES, NodeInfo } from './nodeInfo';

/** Labels nodeTree groups nodes by (utilnode.GetZoneKey: region and zone). */
const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';

/** ASSUMED_POD_TTL_MS is durationToExpireAssumedPod: an assumed pod whose binding finished but never showed up is forgotten after it. */
export const ASSUMED_POD_TTL_MS = 15 * 60_000;

interface Assumed {
  pod: Pod;
  node: string;
  /** deadline is set once binding finished; until then the pod never expires. */
  deadline?: number;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** zones holds node names per zone key, in arrival order, for nodeTree's round-robin. */
  private readonly zones = new Map<string, string[]>();
  private readonly zoneOf = new Map<string, string>();
  private readonly images = new Map<string, ImageStateSummary>();
  private readonly imagesOf = new Map<string, Map<string, ImageStateSummary>>();
  private readonly assumed = new Map<string, Assumed>();
  /** podNode is where the cache holds each pod (bound or assumed). */
  private readonly podNode = new Map<string, string>();
  private listDirty = true;
  /** affinityChanged are the nodes that gained their first, or lost their last, pod with affinity terms since the last snapshot. */
  private readonly affinityChanged = new Set<NodeInfo>();
  /** treeIndex is each node's position in the snapshot's node list, to keep the affinity lists in that order. */
  private readonly treeIndex = new Map<NodeInfo, number>();
  /** synced is the snapshot the lists were last brought up to date in; another one is rebuilt whole. */
  private synced?: Snapshot;
  /** feed records which nodes of the synced snapshot's list change, for what plugins keep across cycles. */
  private feed?: NodeChangeFeed;

  get nodeCount(): number {
    return this.nodes.size;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let info = this.nodes.get(name);
    if (info) {
      info.node = node;
      this.feed?.record(info, this.nodes.size);
    } else {
      info = new NodeInfo(node);
      this.nodes.set(name, info);
      this.listDirty = true;
    }
    const zone = `${node.metadata.labels?.[REGION] ?? ''}:\x00:${node.metadata.labels?.[ZONE] ?? ''}`;
    if (this.zoneOf.get(name) !== zone) {
      this.removeFromZone(name);
      this.zoneOf.set(name, zone);
      let list = this.zones.get(zone);
      if (!list) this.zones.set(zone, (list = []));
      list.push(name);
      this.listDirty = true;
    }
    this.setImages(info, node.status?.images ?? []);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const info = this.nodes.get(name);
    if (!info) return;
    this.setImages(info, []);
    this.nodes.delete(name);
    this.removeFromZone(name);
    this.zoneOf.delete(name);
    this.listDirty = true;
  }

  /** addPod records a bound pod: confirms an assumption, or moves it to the node it is bound to. */
  addPod(pod: Pod): void {
    const key = keyOf(pod);
    const node = pod.spec.nodeName ?? '';
    this.assumed.delete(key);
    const held = this.podNode.get(key);
    if (held && held !== node) {
      const from = this.nodes.get(held);
      if (from) this.withAffinityWatch(from, () => from.removePod(pod));
    }
    this.place(key, node, pod);
  }

  /** removePod forgets a pod (deleted, or finished). */
  removePod(pod: Pod): void {
    const key = keyOf(pod);
    const held = this.podNode.get(key);
    this.assumed.delete(key);
    this.podNode.delete(key);
    if (!held) return;
    const info = this.nodes.get(held);
    if (info?.pods.has(key)) this.withAffinityWatch(info, () => info.removePod(pod));
  }

  /** assumePod places a pod on node before the API confirms it, so the next cycle counts it. */
  assumePod(pod: Pod, node: string): void {
    const key = keyOf(pod);
    this.assumed.set(key, { pod, node });
    this.place(key, node, pod);
  }

  /** finishBinding starts the assumed pod's expiry clock. */
  finishBinding(pod: Pod, now: number): void {
    const a = this.assumed.get(keyOf(pod));
    if (a) a.deadline = now + ASSUMED_POD_TTL_MS;
  }

  /** forgetPod drops an assumption whose binding failed. */
  forgetPod(pod: Pod): void {
    if (this.assumed.has(keyOf(pod))) this.removePod(pod);
  }

  isAssumed(pod: Pod): boolean {
    return this.assumed.has(keyOf(pod));
  }

  /** cleanupAssumedPods expires assumptions whose binding finished long ago without the pod showing up bound. */
  cleanupAssumedPods(now: number): Pod[] {
    const expired: Pod[] = [];
    for (const a of [...this.assumed.values()]) {
      if (a.deadline !== undefined && now >= a.deadline) {
        this.removePod(a.pod);
        expired.push(a.pod);
      }
    }
    return expired;
  }

  /**
   * updateSnapshot refreshes snapshot in place: the node list is rebuilt only
   * when nodes came, went or changed zone, and the affinity lists only change
   * at the nodes that joined or left them (kept in node-list order).
   */
  updateSnapshot(snapshot: Snapshot): void {
    if (this.listDirty || this.synced !== snapshot) {
      snapshot.nodeInfoList = this.treeOrder();
      snapshot.nodeInfoMap.clear();
      this.treeIndex.clear();
      snapshot.nodeInfoList.forEach((n, i) => {
        snapshot.nodeInfoMap.set(n.name, n);
        this.treeIndex.set(n, i);
      });
      snapshot.imageStates = this.images;
      snapshot.havePodsWithAffinityList = snapshot.nodeInfoList.filter((n) => n.podsWithAffinity.size > 0);
      snapshot.havePodsWithRequiredAntiAffinityList = snapshot.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.size > 0);
      this.listDirty = false;
      this.affinityChanged.clear();
      this.synced = snapshot;
      this.feed = new NodeChangeFeed(snapshot.nodeInfoList, (n) => this.treeIndex.get(n));
      return;
    }
    for (const n of this.affinityChanged) {
      const at = this.treeIndex.get(n);
      if (at === undefined) continue;
      this.setMember(snapshot.havePodsWithAffinityList, n, at, n.podsWithAffinity.size > 0);
      this.setMember(snapshot.havePodsWithRequiredAntiAffinityList, n, at, n.podsWithRequiredAntiAffinity.size > 0);
    }
    this.affinityChanged.clear();
  }

  /** setMember adds n to (or drops it from) list, which is in node-list order; at is n's position in the node list. */
  private setMember(list: NodeInfo[], n: NodeInfo, at: number, member: boolean): void {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.treeIndex.get(list[mid]) ?? -1) < at) lo = mid + 1;
      else hi = mid;
    }
    const present = list[lo] === n;
    if (member && !present) list.splice(lo, 0, n);
    else if (!member && present) list.splice(lo, 1);
  }

  /** withAffinityWatch runs change on info and notes whether the node joined or left the affinity lists. */
  private withAffinityWatch(info: NodeInfo, change: () => void): void {
    const had = info.podsWithAffinity.size > 0;
    const hadAnti = info.podsWithRequiredAntiAffinity.size > 0;
    change();
    this.feed?.record(info, this.nodes.size);
    if (had !== info.podsWithAffinity.size > 0 || hadAnti !== info.podsWithRequiredAntiAffinity.size > 0) this.affinityChanged.add(info);
  }

  /** treeOrder is nodeTree.list(): one node from each zone in turn, zones in the order they appeared. */
  private treeOrder(): NodeInfo[] {
    const out: NodeInfo[] = [];
    const lists = [...this.zones.values()];
    for (let i = 0, added = true; added; i++) {
      added = false;
      for (const l of lists) {
        if (i < l.length) {
          out.push(this.nodes.get(l[i]) as NodeInfo);
          added = true;
        }
      }
    }
    return out;
  }

  private place(key: string, node: string, pod: Pod): void {
    this.podNode.set(key, node);
    const info = this.nodes.get(node);
    if (info) this.withAffinityWatch(info, () => info.addPod(pod));
  }

  private removeFromZone(name: string): void {
    const zone = this.zoneOf.get(name);
    if (zone === undefined) return;
    const list = this.zones.get(zone) ?? [];
    const i = list.indexOf(name);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.zones.delete(zone);
  }

  /** setImages keeps the image summaries (size, how many nodes) in step with node.status.images. */
  private setImages(info: NodeInfo, images: readonly { names?: string[]; sizeBytes: number }[]): void {
    const name = info.name;
    const old = this.imagesOf.get(name) ?? new Map<string, ImageStateSummary>();
    const next = new Map<string, ImageStateSummary>();
    for (const img of images) {
      for (const n of img.names ?? []) {
        let s = this.images.get(n);
        if (!s) this.images.set(n, (s = { size: img.sizeBytes, numNodes: 0 }));
        if (!old.has(n)) s.numNodes++;
        next.set(n, s);
      }
    }
    for (const [n, s] of old) {
      if (next.has(n)) continue;
      s.numNodes--;
      if (s.numNodes <= 0) this.images.delete(n);
    }
    this.imagesOf.set(name, next);
    // A node without images shares one empty map with the others: ImageLocality reads it for every node it scores.
    info.imageStates = next.size ? next : NO_IMAGES;
  }
}
