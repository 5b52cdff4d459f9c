/**
 * SchedulerCache is the scheduler's picture of the cluster (internal/cache):
 * nodes with their bound and assumed pods, a node tree that interleaves zones
 * so filters spread their search, the images held across nodes, and assumed
 * pods that expire if their binding is never confirmed.
 */
import { keyOf } from '../api/meta';
import type { Node, Pod } from '../api/types';
import { Snapshot } from './framework/snapshot';
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
  private affinityDirty = true;

  get nodeCount(): number {
    return this.nodes.size;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let info = this.nodes.get(name);
    if (info) info.node = node;
    else {
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
    this.affinityDirty = true;
  }

  /** addPod records a bound pod: confirms an assumption, or moves it to the node it is bound to. */
  addPod(pod: Pod): void {
    const key = keyOf(pod);
    const node = pod.spec.nodeName ?? '';
    this.assumed.delete(key);
    const held = this.podNode.get(key);
    if (held && held !== node) this.nodes.get(held)?.removePod(pod);
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
    if (info?.pods.has(key)) {
      if (info.podsWithAffinity.has(key)) this.affinityDirty = true;
      info.removePod(pod);
    }
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

  /** updateSnapshot refreshes snapshot in place: node list and affinity lists are rebuilt only when they changed. */
  updateSnapshot(snapshot: Snapshot): void {
    if (this.listDirty) {
      snapshot.nodeInfoList = this.treeOrder();
      snapshot.nodeInfoMap.clear();
      for (const n of snapshot.nodeInfoList) snapshot.nodeInfoMap.set(n.name, n);
      snapshot.imageStates = this.images;
      this.listDirty = false;
      this.affinityDirty = true;
    }
    if (this.affinityDirty) {
      snapshot.havePodsWithAffinityList = snapshot.nodeInfoList.filter((n) => n.podsWithAffinity.size > 0);
      snapshot.havePodsWithRequiredAntiAffinityList = snapshot.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.size > 0);
      this.affinityDirty = false;
    }
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
    if (!info) return;
    const hadAffinity = info.podsWithAffinity.has(key);
    info.addPod(pod);
    if (hadAffinity || info.podsWithAffinity.has(key)) this.affinityDirty = true;
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
