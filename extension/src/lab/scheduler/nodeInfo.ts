/**
 * NodeInfo is the scheduler's view of one node: the node, the pods on it (bound or
 * assumed) and what they request, as framework.NodeInfo.
 */
import { keyOf } from '../api/meta';
import { value } from '../api/quantity';
import type { Node, Pod, Taint } from '../api/types';
import { type HostPort, HostPortInfo, type Resource, hostPorts, podResourceRequests, toRequests, toResource } from './podResources';

/** Resources is what a node can allocate: a full Resource and how many pods. */
export type Resources = Resource & { pods: number };

/** ImageStateSummary is one image on a node with how many nodes hold it (framework.ImageStateSummary). */
export interface ImageStateSummary {
  size: number;
  numNodes: number;
}

/** hasAffinityTerms tells whether a pod carries pod affinity or anti-affinity (InterPodAffinity must look at it). */
function hasAffinityTerms(pod: Pod): boolean {
  const a = affinityOf(pod);
  return !!(a?.podAffinity || a?.podAntiAffinity);
}

function hasRequiredAntiAffinity(pod: Pod): boolean {
  return (affinityOf(pod)?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

/** affinityOf reads spec.affinity as far as the bookkeeping needs it. */
function affinityOf(pod: Pod): { podAffinity?: unknown; podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown[] } } | undefined {
  return pod.spec.affinity as ReturnType<typeof affinityOf>;
}

/** PodUsage is what one pod adds to a node's sums. */
interface PodUsage {
  requested: Resource;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
  ports: HostPort[];
}

/** frozenPodUsage remembers the usage of frozen pods (the informers' objects are): preemption adds the same pods to many node copies. */
const frozenPodUsage = new WeakMap<Pod, PodUsage>();

/** podUsage works out what pod adds to a node: resource.PodRequests, with scoring's defaults, and its host ports. */
function podUsage(pod: Pod): PodUsage {
  const frozen = Object.isFrozen(pod);
  const known = frozen ? frozenPodUsage.get(pod) : undefined;
  if (known) return known;
  const nz = podResourceRequests(pod, true);
  const usage = { requested: toResource(podResourceRequests(pod)), nonZeroMilliCPU: nz.cpu ?? 0, nonZeroMemory: nz.memory ?? 0, ports: hostPorts(pod) };
  if (frozen) frozenPodUsage.set(pod, usage);
  return usage;
}

/**
 * NodeInfo keeps, as upstream's does, the sums filters and scores read for every
 * pod — requested resources, requests with scoring's defaults, host ports in use —
 * updated as pods come and go rather than summed per cycle. The hot ones are plain
 * number fields (NodeResourcesFit and BalancedAllocation read them for every node
 * of every cycle); requested and nonZeroRequested are copies built from them.
 */
export class NodeInfo {
  readonly pods = new Map<string, Pod>();
  /** allocMilliCPU…allocPods are node.status.allocatable, parsed once per node update. */
  allocMilliCPU = 0;
  allocMemory = 0;
  allocEphemeralStorage = 0;
  allocPods = 0;
  /** reqMilliCPU…reqScalar are resource.PodRequests summed over the pods (init containers, sidecars, overhead). */
  reqMilliCPU = 0;
  reqMemory = 0;
  reqEphemeralStorage = 0;
  /** reqScalar is replaced, never changed in place. */
  reqScalar: Readonly<Record<string, number>> = {};
  /** nonZeroMilliCPU and nonZeroMemory count 100m CPU / 200 MiB for a container that requests none, as scoring does. */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /** usedPorts are the host ports the pods claim; replaced, never changed in place. */
  usedPorts = new HostPortInfo();
  /** podsWithAffinity are the pods here with pod affinity or anti-affinity terms. */
  readonly podsWithAffinity = new Map<string, Pod>();
  /** podsWithRequiredAntiAffinity are the pods here with required anti-affinity terms. */
  readonly podsWithRequiredAntiAffinity = new Map<string, Pod>();
  /** imageStates are the node's images (node.status.images) with how many nodes hold each, kept (and replaced) by the cache. */
  imageStates: ReadonlyMap<string, ImageStateSummary> = NO_IMAGES;
  /** generation grows with every change, so a snapshot can tell what moved. */
  generation = 0;
  /**
   * name, unschedulable and taints are the node's, read by filters for every node a
   * cycle visits: kept here, beside the sums, they cost no trip to the Node object.
   */
  name: string;
  unschedulable: boolean;
  taints: readonly Taint[] | undefined;
  private current: Node;
  private alloc: Resources;
  /** usages are what each pod added, taken away again when it goes. */
  private readonly usages = new Map<string, PodUsage>();

  constructor(node: Node, alloc: Resources = allocatableOf(node)) {
    this.current = node;
    this.name = node.metadata.name ?? '';
    this.unschedulable = node.spec?.unschedulable ?? false;
    this.taints = node.spec?.taints;
    this.alloc = alloc;
    this.setAllocatable();
  }

  get node(): Node {
    return this.current;
  }

  set node(node: Node) {
    this.current = node;
    this.name = node.metadata.name ?? '';
    this.unschedulable = node.spec?.unschedulable ?? false;
    this.taints = node.spec?.taints;
    this.alloc = allocatableOf(node);
    this.setAllocatable();
    this.generation++;
  }


  /** allocatable is parsed once per node update: filters read it for every pod. */
  get allocatable(): Resources {
    return this.alloc;
  }

  /** requested is framework.NodeInfo.Requested as a Resource. */
  get requested(): Resource {
    return { milliCPU: this.reqMilliCPU, memory: this.reqMemory, ephemeralStorage: this.reqEphemeralStorage, scalar: { ...this.reqScalar } };
  }

  /** nonZeroRequested is framework.NodeInfo.NonZeroRequested: CPU and memory with scoring's defaults. */
  get nonZeroRequested(): { milliCPU: number; memory: number } {
    return { milliCPU: this.nonZeroMilliCPU, memory: this.nonZeroMemory };
  }

  addPod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.pods.has(key)) this.removePod(pod);
    this.pods.set(key, pod);
    if (hasAffinityTerms(pod)) this.podsWithAffinity.set(key, pod);
    if (hasRequiredAntiAffinity(pod)) this.podsWithRequiredAntiAffinity.set(key, pod);
    const usage = podUsage(pod);
    this.usages.set(key, usage);
    this.account(usage, 1);
  }

  removePod(pod: Pod): void {
    const key = keyOf(pod);
    const old = this.pods.get(key);
    if (!old) return;
    this.pods.delete(key);
    this.podsWithAffinity.delete(key);
    this.podsWithRequiredAntiAffinity.delete(key);
    const usage = this.usages.get(key) as PodUsage;
    this.usages.delete(key);
    this.account(usage, -1);
  }

  /**
   * clone copies the node's bookkeeping, for what-if evaluation (nominated pods,
   * preemption): the pods and the sums as they are, nothing worked out again.
   */
  clone(): NodeInfo {
    const c = new NodeInfo(this.current, this.alloc);
    for (const [key, pod] of this.pods) c.pods.set(key, pod);
    for (const [key, pod] of this.podsWithAffinity) c.podsWithAffinity.set(key, pod);
    for (const [key, pod] of this.podsWithRequiredAntiAffinity) c.podsWithRequiredAntiAffinity.set(key, pod);
    for (const [key, usage] of this.usages) c.usages.set(key, usage);
    c.reqMilliCPU = this.reqMilliCPU;
    c.reqMemory = this.reqMemory;
    c.reqEphemeralStorage = this.reqEphemeralStorage;
    c.reqScalar = this.reqScalar;
    c.nonZeroMilliCPU = this.nonZeroMilliCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    c.usedPorts = this.usedPorts;
    c.imageStates = this.imageStates;
    c.generation = this.pods.size;
    return c;
  }

  private setAllocatable(): void {
    this.allocMilliCPU = this.alloc.milliCPU;
    this.allocMemory = this.alloc.memory;
    this.allocEphemeralStorage = this.alloc.ephemeralStorage;
    this.allocPods = this.alloc.pods;
  }

  private account(usage: PodUsage, sign: 1 | -1): void {
    const r = usage.requested;
    this.reqMilliCPU += sign * r.milliCPU;
    this.reqMemory += sign * r.memory;
    this.reqEphemeralStorage += sign * r.ephemeralStorage;
    // Preemption's dry run removes and re-adds pods by the hundred: no entry arrays unless there are scalars.
    let sums: Record<string, number> | undefined;
    for (const name in r.scalar) {
      sums ??= { ...this.reqScalar };
      sums[name] = (sums[name] ?? 0) + sign * r.scalar[name];
    }
    if (sums) this.reqScalar = sums;
    this.nonZeroMilliCPU += sign * usage.nonZeroMilliCPU;
    this.nonZeroMemory += sign * usage.nonZeroMemory;
    const ports = usage.ports;
    if (ports.length) {
      const used = this.usedPorts.clone();
      for (const p of ports) used.add(p, sign);
      this.usedPorts = used;
    }
    this.generation++;
  }
}

/** NO_IMAGES is the imageStates of every node that reports no images. */
export const NO_IMAGES: ReadonlyMap<string, ImageStateSummary> = new Map();

function allocatableOf(node: Node): Resources {
  const a = node.status?.allocatable ?? {};
  return { ...toResource(toRequests(a)), pods: value(a.pods) };
}
