/**
 * faultInjection is what the editor can break in a running lab to watch it
 * heal: fill a node's memory (a process outside any pod, as `stress --vm`
 * on the host) until the kubelet's eviction manager reports MemoryPressure
 * and evicts, and release it; crash a container's main process so its
 * restart policy and CrashLoopBackOff take over; kill the leading replica of
 * kube-scheduler or kube-controller-manager so another takes the lease. Each
 * answers what it did or why it did nothing.
 */
import { isStatus, type Pod } from './api/types';
import { toQuantity } from './api/quantity';
import { NODES, PODS } from './client/resources';
import type { Kubelet } from './kubelet/kubelet';
import { KILLED_STATUS } from './kubelet/runtime';
import { bytesText } from './kubelet/eviction/thresholds';
import { KUBE_CONTROLLER_MANAGER_LEASE, KUBE_SCHEDULER_LEASE, type Lab } from './lab';

/** FILL_LEAVES_BYTES is what fillNodeMemory leaves available when no amount is given: half the default hard threshold (memory.available<100Mi). */
export const FILL_LEAVES_BYTES = 50 * 1024 * 1024;

/** CONTROL_PLANE_COMPONENTS are the leader-elected components and their Leases. */
export const CONTROL_PLANE_COMPONENTS = { 'kube-scheduler': KUBE_SCHEDULER_LEASE, 'kube-controller-manager': KUBE_CONTROLLER_MANAGER_LEASE } as const;
export type ControlPlaneComponent = keyof typeof CONTROL_PLANE_COMPONENTS;

/** runningKubelet is the running kubelet of node name, or why there is none. */
async function runningKubelet(lab: Lab, name: string): Promise<Kubelet | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  const k = lab.kubelets.find((x) => x.nodeName === name);
  if (!k) {
    const node = await lab.client().get(NODES, '', name);
    return { error: isStatus(node) ? node.message ?? `nodes "${name}" not found` : `node "${name}" has no kubelet in the lab` };
  }
  return k.isRunning ? k : { error: `the kubelet of node "${name}" is stopped` };
}

/** nodeMemory is the node's memory capacity and what its stats say is available now, besides what a fill takes. */
function nodeMemory(lab: Lab, k: Kubelet): { capacity: number; available: number } {
  const capacity = bytesOf(k.config.capacity.memory) ?? 0;
  const now = lab.config.clock.now();
  const used = (k.resourceUsage(now, now)?.node.memoryWorkingSetBytes ?? 0) - k.hostMemoryBytes;
  return { capacity, available: capacity - used };
}

/** bytesOf is a quantity's whole bytes; undefined when it is not a quantity. */
function bytesOf(q: string): number | undefined {
  const parsed = toQuantity(q);
  return parsed && Number(parsed.nanos / 1_000_000_000n);
}

/**
 * fillNodeMemory takes amount of node name's memory outside any pod (in place
 * of an earlier fill); without an amount, all but FILL_LEAVES_BYTES of what
 * is available now. The kubelet's stats, `kubectl top node` and its eviction
 * manager see it from their next reading.
 */
export async function fillNodeMemory(lab: Lab, name: string, amount?: string): Promise<{ node: string; filled: string; available: string } | { error: string }> {
  const k = await runningKubelet(lab, name);
  if ('error' in k) return k;
  const { capacity, available } = nodeMemory(lab, k);
  let bytes: number;
  if (amount === undefined) {
    bytes = Math.max(0, available - FILL_LEAVES_BYTES);
  } else {
    const parsed = bytesOf(amount);
    if (parsed === undefined) return { error: `invalid amount "${amount}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'` };
    if (parsed <= 0) return { error: `invalid amount "${amount}": must be positive` };
    if (parsed > capacity) return { error: `invalid amount "${amount}": more than the node's memory capacity ${k.config.capacity.memory}` };
    bytes = parsed;
  }
  // Page-aligned, as a working set is.
  k.hostMemoryBytes = Math.floor(bytes / 4096) * 4096;
  return { node: name, filled: bytesText(k.hostMemoryBytes), available: bytesText(Math.max(0, available - k.hostMemoryBytes)) };
}

/** releaseNodeMemory gives back what fillNodeMemory took on node name. */
export async function releaseNodeMemory(lab: Lab, name: string): Promise<{ node: string; released: string } | { error: string }> {
  const k = await runningKubelet(lab, name);
  if ('error' in k) return k;
  if (k.hostMemoryBytes === 0) return { error: `node "${name}" has no memory filled` };
  const released = bytesText(k.hostMemoryBytes);
  k.hostMemoryBytes = 0;
  return { node: name, released };
}

/**
 * crashContainer ends the main process of a running container of pod
 * namespace/name (its first container when none is named) with exitCode, 137
 * (SIGKILL) when none is given: the kubelet sees it die and restarts it as
 * the pod's restartPolicy says, backing off as it keeps crashing.
 */
export async function crashContainer(lab: Lab, namespace: string, name: string, container?: string, exitCode = KILLED_STATUS): Promise<{ pod: string; container: string; containerID: string; exitCode: number } | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  if (!Number.isInteger(exitCode) || exitCode < 1 || exitCode > 255) return { error: `invalid exit code ${exitCode}: a crash exits with 1 to 255` };
  const pod = await lab.client().get<Pod>(PODS, namespace, name);
  if (isStatus(pod)) return { error: pod.message ?? `pods "${name}" not found` };
  const target = container ?? pod.spec.containers[0]?.name ?? '';
  const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === target);
  if (!spec) return { error: `container ${target} is not valid for pod ${name}` };
  const nodeName = pod.spec.nodeName;
  if (!nodeName) return { error: `pod ${name} is not scheduled to a node` };
  const k = await runningKubelet(lab, nodeName);
  if ('error' in k) return k;
  // A mirror pod stands for a static pod, whose sandbox goes by the static pod's own UID.
  const uid = k.staticPods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name)?.metadata.uid ?? pod.metadata.uid ?? '';
  const record = k.runtime.sandbox(uid)?.containers.get(target);
  if (!record || record.startedAt === undefined || record.finishedAt !== undefined) return { error: `container ${target} in pod ${name} is not running` };
  if (exitCode === KILLED_STATUS) k.runtime.kill(record);
  else k.runtime.crash(record, exitCode);
  return { pod: `${namespace}/${name}`, container: target, containerID: `containerd://${record.id}`, exitCode };
}

/**
 * killControlPlaneReplica SIGKILLs the leading replica of a leader-elected
 * component: it gives its Lease up to nobody, so another replica takes it once
 * it expires, and comes back as a new candidate (Lab.killLeader).
 */
export async function killControlPlaneReplica(lab: Lab, component: string): Promise<{ component: ControlPlaneComponent; killed: string; candidates: number } | { error: string }> {
  if (!(component in CONTROL_PLANE_COMPONENTS)) return { error: `unknown control-plane component "${component}": one of ${Object.keys(CONTROL_PLANE_COMPONENTS).join(', ')}` };
  const c = component as ControlPlaneComponent;
  const killed = await lab.killLeader(CONTROL_PLANE_COMPONENTS[c]);
  if ('error' in killed) return killed;
  return { component: c, killed: killed.identity, candidates: lab.candidates(CONTROL_PLANE_COMPONENTS[c]) };
}
