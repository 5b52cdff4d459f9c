/**
 * NodeInfo is the scheduler's view of one node: the node, the pods on it (bound or
 * assumed) and what they request, as framework.NodeInfo.
 */
import { keyOf } from '../api/meta';
import { value } from '../api/quantity';
import type { Node, Pod } from '../api/types';
import { HostPortInfo, type NodeUsage, type Resource, hostPorts, podResourceRequests, toRequests, toResource } from './podResources';

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

/**
 * NodeInfo keeps, as upstream's does, the sums filters and scores read for every
 * pod — requested resources, requests with scoring's defaults, host ports in use —
 * updated as pods come and go rather than summed per cycle. The hot ones are plain
 * number fields (NodeResourcesFit and BalancedAllocation read them for every node
 * of every cycle); requested, nonZeroRequested and usage are views built from
 * them, and a view read earlier stays as it was.
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
  /** imageStates are the node's images (node.status.images) with how many nodes hold each, kept by the cache. */
  imageStates = new Map<string, ImageStateSummary>();
  /** generation grows with every change, so a snapshot can tell what moved. */
  generation = 0;
  /** name is the node's name, read for every node a cycle visits. */
  name: string;
  private current: Node;
  private alloc: Resources;
  private usageView?: NodeUsage;

  constructor(node: Node) {
    this.current = node;
    this.name = node.metadata.name ?? '';
    this.alloc = allocatableOf(node);
    this.setAllocatable();
  }

  get node(): Node {
    return this.current;
  }

  set node(node: Node) {
    this.current = node;
    this.name = node.metadata.name ?? '';
    this.alloc = allocatableOf(node);
    this.setAllocatable();
    this.usageView = undefined;
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

  /** usage is allocatable, the sums and the ports in one view. */
  get usage(): NodeUsage {
    return (this.usageView ??= { allocatable: this.alloc, requested: this.requested, nonZeroRequested: this.nonZeroRequested, usedPorts: this.usedPorts });
  }

  addPod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.pods.has(key)) this.removePod(pod);
    this.pods.set(key, pod);
    if (hasAffinityTerms(pod)) this.podsWithAffinity.set(key, pod);
    if (hasRequiredAntiAffinity(pod)) this.podsWithRequiredAntiAffinity.set(key, pod);
    this.account(pod, 1);
  }

  removePod(pod: Pod): void {
    const key = keyOf(pod);
    const old = this.pods.get(key);
    if (!old) return;
    this.pods.delete(key);
    this.podsWithAffinity.delete(key);
    this.podsWithRequiredAntiAffinity.delete(key);
    this.account(old, -1);
  }

  /** clone copies the node's bookkeeping, for what-if evaluation (nominated pods, preemption). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.current);
    for (const p of this.pods.values()) c.addPod(p);
    c.imageStates = this.imageStates;
    return c;
  }

  private setAllocatable(): void {
    this.allocMilliCPU = this.alloc.milliCPU;
    this.allocMemory = this.alloc.memory;
    this.allocEphemeralStorage = this.alloc.ephemeralStorage;
    this.allocPods = this.alloc.pods;
  }

  private account(pod: Pod, sign: 1 | -1): void {
    const r = toResource(podResourceRequests(pod));
    this.reqMilliCPU += sign * r.milliCPU;
    this.reqMemory += sign * r.memory;
    this.reqEphemeralStorage += sign * r.ephemeralStorage;
    const scalars = Object.entries(r.scalar);
    if (scalars.length) {
      const sums = { ...this.reqScalar };
      for (const [name, v] of scalars) sums[name] = (sums[name] ?? 0) + sign * v;
      this.reqScalar = sums;
    }
    const nz = podResourceRequests(pod, true);
    this.nonZeroMilliCPU += sign * (nz.cpu ?? 0);
    this.nonZeroMemory += sign * (nz.memory ?? 0);
    const ports = hostPorts(pod);
    if (ports.length) {
      const used = this.usedPorts.clone();
      for (const p of ports) used.add(p, sign);
      this.usedPorts = used;
    }
    this.usageView = undefined;
    this.generation++;
  }
}

function allocatableOf(node: Node): Resources {
  const a = node.status?.allocatable ?? {};
  return { ...toResource(toRequests(a)), pods: value(a.pods) };
}
