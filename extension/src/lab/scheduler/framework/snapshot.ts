/**
 * Snapshot is the cluster as one scheduling cycle sees it (internal/cache.Snapshot):
 * the nodes in the cache's zone-interleaved order, lookups by name, the nodes
 * with pods that carry affinity terms (for InterPodAffinity), and the images
 * across nodes (for ImageLocality). The cache refreshes it before each cycle.
 */
import type { ImageStateSummary, NodeInfo } from '../nodeInfo';

export class Snapshot {
  /** nodeInfoList is every node, in the order filters visit them (nodeTree's zone round-robin). */
  nodeInfoList: NodeInfo[] = [];
  /** havePodsWithAffinityList are the nodes running a pod with pod affinity or anti-affinity. */
  havePodsWithAffinityList: NodeInfo[] = [];
  /** havePodsWithRequiredAntiAffinityList are the nodes running a pod with required anti-affinity. */
  havePodsWithRequiredAntiAffinityList: NodeInfo[] = [];
  readonly nodeInfoMap = new Map<string, NodeInfo>();
  /** imageStates maps an image name to its size and how many nodes hold it. */
  imageStates: ReadonlyMap<string, ImageStateSummary> = new Map();

  /** get is NodeInfos().Get: the node's info, or undefined when the snapshot has no such node. */
  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }

  list(): readonly NodeInfo[] {
    return this.nodeInfoList;
  }

  get numNodes(): number {
    return this.nodeInfoList.length;
  }
}

/** snapshotOf builds a snapshot of a fixed list of nodes in the order given, for tests and pure callers. */
export function snapshotOf(nodes: readonly NodeInfo[]): Snapshot {
  const s = new Snapshot();
  s.nodeInfoList = [...nodes];
  for (const n of nodes) s.nodeInfoMap.set(n.name, n);
  s.havePodsWithAffinityList = nodes.filter((n) => n.podsWithAffinity.size > 0);
  s.havePodsWithRequiredAntiAffinityList = nodes.filter((n) => n.podsWithRequiredAntiAffinity.size > 0);
  const images = new Map<string, ImageStateSummary>();
  for (const n of nodes) for (const [name, st] of n.imageStates) images.set(name, st);
  s.imageStates = images;
  return s;
}
