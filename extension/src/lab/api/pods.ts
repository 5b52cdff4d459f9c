/** pods holds pod helpers shared by the API server, scheduler, kubelet and views. */
import type { Pod, ResourceList } from './types';
import { milliValue, value } from './quantity';

/** qosClass is the pod's QoS class as qos.GetPodQOS computes it. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (!lim[r]) guaranteed = false;
      else if (req[r] !== undefined && milliValue(req[r]) !== milliValue(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Requests are a pod's resource requests in milli-CPU and bytes. */
export interface Requests {
  milliCPU: number;
  memory: number;
}

function containerRequests(requests: ResourceList | undefined, limits: ResourceList | undefined): Requests {
  // A limit without a request defaults the request to the limit.
  const cpu = requests?.cpu ?? limits?.cpu;
  const mem = requests?.memory ?? limits?.memory;
  return { milliCPU: milliValue(cpu), memory: value(mem) };
}

/**
 * podRequests is resourcehelper.PodRequests: the sum over app containers, at least
 * the largest init container, plus pod overhead.
 */
export function podRequests(pod: Pod): Requests {
  const sum: Requests = { milliCPU: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c.resources?.requests, c.resources?.limits);
    sum.milliCPU += r.milliCPU;
    sum.memory += r.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c.resources?.requests, c.resources?.limits);
    sum.milliCPU = Math.max(sum.milliCPU, r.milliCPU);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  if (pod.spec?.overhead) {
    sum.milliCPU += milliValue(pod.spec.overhead.cpu);
    sum.memory += value(pod.spec.overhead.memory);
  }
  return sum;
}

/**
 * podStatusText is the STATUS column of `kubectl get pods` (printers.printPod):
 * the waiting or terminated reason of a container when there is one, else the phase,
 * and Terminating once the pod is being deleted.
 */
export function podStatusText(pod: Pod): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  let hasRunning = false;
  for (const cs of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state.terminated?.reason) reason = cs.state.terminated.reason;
    else if (cs.state.terminated) reason = cs.state.terminated.exitCode ? `ExitCode:${cs.state.terminated.exitCode}` : 'Completed';
    else if (cs.ready && cs.state.running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

/** isPodReady reports the Ready condition. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * isPodAvailable is podutil.IsPodAvailable: ready, and ready for longer than
 * minReadySeconds by now (ms) when that is set.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < now;
}

/** isPodActive is controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}
