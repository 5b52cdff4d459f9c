/**
 * nodeUsage is the resource usage a node's kubelet reports (what cAdvisor
 * measures and /metrics/resource serves): for each running container, the CPU
 * time it used over a window and its working set at the window's end, and the
 * same for the node — its containers plus the system's own overhead (kubelet,
 * container runtime, the OS). Demand follows each container's usage profile,
 * varies from one housekeeping interval to the next by noise drawn from the
 * container's ID (itself drawn from the lab's seeded Random), so a replayed lab
 * reports the same figures. A CPU limit caps demand as CFS quota throttles it;
 * when the node's CPUs are oversubscribed they are shared in proportion to the
 * containers' requests, as cpu.shares divide them; the working set stays under
 * the memory limit. Pure: the kubelet passes what it runs.
 */
import type { UsageProfile } from './usageProfile';

/** HOUSEKEEPING_MS is cAdvisor's housekeeping interval: stats are sampled, and demand varies, at this period. */
export const HOUSEKEEPING_MS = 10_000;
/** PAGE is the granularity of a working set. */
const PAGE = 4096;
const MiB = 1024 * 1024;
/** The node's own use when idle: kubelet, containerd and the OS, and what each running pod adds (its shim and sandbox). */
const SYSTEM_CPU_MILLI = 38;
const SYSTEM_CPU_PER_POD_MILLI = 0.5;
const SYSTEM_MEMORY = 390 * MiB;
const SYSTEM_MEMORY_PER_POD = 3 * MiB;
/** The smallest cpu.shares a container gets (a container without a CPU request). */
const MIN_SHARES = 2;

/** ContainerUsageInput is one container instance the kubelet runs. */
export interface ContainerUsageInput {
  name: string;
  /** id is the runtime's container ID; its digits seed the container's noise. */
  id: string;
  startedAt?: number;
  finishedAt?: number;
  profile: UsageProfile;
  /** cpuLimitMilli and memoryLimitBytes are the container's limits, when it has them. */
  cpuLimitMilli?: number;
  memoryLimitBytes?: number;
  /** cpuRequestMilli weighs the container when CPUs are short. */
  cpuRequestMilli?: number;
}

/** PodUsageInput is one pod's containers. */
export interface PodUsageInput {
  namespace: string;
  name: string;
  containers: ContainerUsageInput[];
}

/** NodeUsageInput is the node: when its kubelet started, its CPUs in millicores, its pods. */
export interface NodeUsageInput {
  name: string;
  startedAt: number;
  cpuMilli: number;
  pods: PodUsageInput[];
}

/** UsageSample is CPU time used over a window and the working set at its end. */
export interface UsageSample {
  cpuCoreSeconds: number;
  memoryWorkingSetBytes: number;
}

/** ContainerUsage is one container's sample, with when it started (and ended). */
export interface ContainerUsage extends UsageSample {
  name: string;
  startTime: number;
  endTime?: number;
}

/** PodUsage is one pod's started containers' samples. */
export interface PodUsage {
  namespace: string;
  name: string;
  containers: ContainerUsage[];
}

/** NodeUsage is the kubelet's answer for a window [from, to]. */
export interface NodeUsage {
  startTime: number;
  node: UsageSample;
  pods: PodUsage[];
}

interface Running {
  input: ContainerUsageInput;
  /** pod is the index of the container's pod among the node's. */
  pod: number;
  seed: number;
  start: number;
  end: number;
  usage: ContainerUsage;
}

/** nodeUsage integrates every container's and the node's CPU over [from, to] and reads the working sets at to. */
export function nodeUsage(node: NodeUsageInput, from: number, to: number): NodeUsage {
  const nodeSeed = seedOf(node.name);
  const running: Running[] = [];
  const pods: PodUsage[] = [];
  node.pods.forEach((pod, podIndex) => {
    const containers: ContainerUsage[] = [];
    for (const c of pod.containers) {
      if (c.startedAt === undefined) continue;
      const usage: ContainerUsage = { name: c.name, startTime: c.startedAt, cpuCoreSeconds: 0, memoryWorkingSetBytes: 0, ...(c.finishedAt !== undefined ? { endTime: c.finishedAt } : {}) };
      containers.push(usage);
      running.push({ input: c, pod: podIndex, seed: seedOf(c.id), start: c.startedAt, end: c.finishedAt ?? Infinity, usage });
    }
    if (containers.length) pods.push({ namespace: pod.namespace, name: pod.name, containers });
  });
  let nodeCpuSeconds = 0;
  const first = Math.floor(from / HOUSEKEEPING_MS);
  for (let k = first; k * HOUSEKEEPING_MS < to; k++) {
    const a = Math.max(from, k * HOUSEKEEPING_MS);
    const b = Math.min(to, (k + 1) * HOUSEKEEPING_MS);
    if (b <= a) continue;
    const alive = running.filter((r) => r.start < b && r.end > a);
    const podsAlive = new Set(alive.map((r) => r.pod)).size;
    const systemMilli = SYSTEM_CPU_MILLI * vary(nodeSeed, k, 1, 0.25) + SYSTEM_CPU_PER_POD_MILLI * podsAlive;
    const demands = alive.map((r) => cpuDemand(r.input, r.seed, k, node.cpuMilli));
    const shares = alive.map((r) => Math.max(MIN_SHARES, Math.floor(((r.input.cpuRequestMilli ?? 0) * 1024) / 1000)));
    const granted = shareCpu(demands, shares, node.cpuMilli - systemMilli);
    nodeCpuSeconds += (systemMilli / 1000) * ((b - a) / 1000);
    alive.forEach((r, i) => {
      const seconds = (Math.min(b, r.end) - Math.max(a, r.start)) / 1000;
      const used = (granted[i] / 1000) * seconds;
      r.usage.cpuCoreSeconds += used;
      nodeCpuSeconds += used;
    });
  }
  const k = Math.floor(to / HOUSEKEEPING_MS);
  let nodeMemory = SYSTEM_MEMORY * vary(nodeSeed, k, 2, 0.02);
  const podsAtEnd = new Set<number>();
  for (const r of running) {
    r.usage.memoryWorkingSetBytes = workingSet(r.input, r.seed, Math.floor(Math.min(to, r.end) / HOUSEKEEPING_MS));
    if (r.start <= to && r.end > to) {
      podsAtEnd.add(r.pod);
      nodeMemory += r.usage.memoryWorkingSetBytes;
    }
  }
  nodeMemory += SYSTEM_MEMORY_PER_POD * podsAtEnd.size;
  return { startTime: node.startedAt, node: { cpuCoreSeconds: nodeCpuSeconds, memoryWorkingSetBytes: pageAligned(nodeMemory) }, pods };
}

/** cpuDemand is what a container wants in interval k, in millicores: its profile's average, varied, within its limit and the node. */
export function cpuDemand(c: ContainerUsageInput, seed: number, k: number, nodeCpuMilli: number): number {
  const wanted = c.profile.cpuMilli * vary(seed, k, 3, c.profile.cpuJitter);
  return Math.min(wanted, c.cpuLimitMilli ?? Infinity, nodeCpuMilli);
}

/** workingSet is a container's working set in interval k: its profile's, varied by a few percent, page-aligned, under its limit. */
export function workingSet(c: ContainerUsageInput, seed: number, k: number): number {
  const bytes = c.profile.memoryBytes * vary(seed, k, 4, 0.04);
  const limit = c.memoryLimitBytes !== undefined ? c.memoryLimitBytes - PAGE : Infinity;
  return pageAligned(Math.max(PAGE, Math.min(bytes, limit)));
}

/**
 * shareCpu divides capacity among demands by weight, as CFS divides a busy
 * node's CPUs by cpu.shares: each gets its share of what is left, and whoever
 * wants less than that gets what it wants, its unused share going to the rest.
 */
export function shareCpu(demands: readonly number[], weights: readonly number[], capacity: number): number[] {
  const granted = demands.map(() => 0);
  let left = Math.max(0, capacity);
  let active = demands.map((_, i) => i).filter((i) => demands[i] > 0);
  while (active.length) {
    const total = active.reduce((s, i) => s + weights[i], 0);
    const content = active.filter((i) => demands[i] <= (left * weights[i]) / total);
    if (!content.length) {
      for (const i of active) granted[i] = (left * weights[i]) / total;
      break;
    }
    for (const i of content) {
      granted[i] = demands[i];
      left -= demands[i];
    }
    active = active.filter((i) => !content.includes(i));
  }
  return granted;
}

/** seedOf turns a container ID (hex) or a name into a 32-bit seed. */
export function seedOf(idOrName: string): number {
  if (/^[0-9a-f]{8}/.test(idOrName)) return parseInt(idOrName.slice(0, 8), 16) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < idOrName.length; i++) h = Math.imul(h ^ idOrName.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** vary is 1 ± jitter, fixed for (seed, interval, stream): the same answer however often it is asked. */
function vary(seed: number, k: number, stream: number, jitter: number): number {
  return 1 + jitter * (2 * unit(seed, k, stream) - 1);
}

/** unit hashes (seed, k, stream) to [0, 1) with murmur3's finalizer. */
function unit(seed: number, k: number, stream: number): number {
  let h = (seed ^ Math.imul(k, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function pageAligned(bytes: number): number {
  return Math.floor(bytes / PAGE) * PAGE;
}
