/**
 * logRequest is the kubelet's side of GET /containerLogs/<namespace>/<pod>/<container>
 * (server.go's getContainerLogs, then GetKubeletContainerLogs): which container
 * instance a request reads, or the plain-text refusal the kubelet writes.
 */
import type { Clock } from '../clock';
import type { ContainerStatus, Pod, PodStatus } from '../api/types';
import { type LogOptions, readLogs } from './containerLog';
import type { ContainerRecord } from './runtime';
import type { KubeletAnswer } from './streaming';

/** ContainerLogRequest is a /containerLogs request's options (v1.PodLogOptions less the container). */
export interface ContainerLogRequest extends LogOptions {
  follow: boolean;
  previous: boolean;
}

/** PodLogStatus is the pod status with every kind of container status a log request may name. */
type PodLogStatus = PodStatus & { initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };

/**
 * containerLogs answers a /containerLogs request for a pod this kubelet runs
 * (undefined: it runs no such pod): the pod must be found and the container in
 * its spec; the container's status picks the instance whose log is read.
 */
export function containerLogs(pod: Pod | undefined, name: string, container: string, options: ContainerLogRequest, find: (id: string) => ContainerRecord | undefined, clock: Clock): KubeletAnswer {
  if (!pod) return { status: 404, body: `pod "${name}" does not exist` };
  const found = logContainer(pod, container, options.previous, find);
  if ('status' in found) return found;
  return { status: 200, body: readLogs(found.log.lines(), options, clock.now()) };
}

/**
 * logContainer finds the container instance a log request reads (the pod must
 * be one this kubelet runs, the container in its spec), or the kubelet's
 * plain-text refusal; find looks a container up by its runtime ID.
 */
export function logContainer(pod: Pod, container: string, previous: boolean, find: (id: string) => ContainerRecord | undefined): KubeletAnswer | ContainerRecord {
  const name = pod.metadata.name ?? '';
  const spec = pod.spec as Pod['spec'] & { ephemeralContainers?: { name: string }[] };
  const names = [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (!names.includes(container)) return { status: 404, body: `container "${container}" not found in pod "${name}"` };
  const id = validateContainerLogStatus(pod, container, previous);
  if (typeof id !== 'string') return { status: 400, body: id.error };
  const record = find(id.slice(id.indexOf('://') + 3));
  if (!record) return { status: 400, body: `unable to retrieve container logs for ${id}` };
  return record;
}

/**
 * validateContainerLogStatus is the kubelet's choice of the container instance a log
 * request reads (kubelet_pods.go): the previous terminated one, else the running or
 * terminated one; a container still waiting has no log, and says why.
 */
export function validateContainerLogStatus(pod: Pod, container: string, previous: boolean): string | { error: string } {
  const podName = pod.metadata.name ?? '';
  const status: PodLogStatus | undefined = pod.status;
  const all = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])];
  const cs = all.find((c) => c.name === container);
  const subject = `container "${container}" in pod "${podName}"`;
  if (!cs) return { error: `${subject} is not available` };
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) return last?.containerID ? last.containerID : { error: `previous terminated ${subject} not found` };
  if (running) return cs.containerID ?? '';
  if (terminated) return terminated.containerID || last?.containerID || { error: `${subject} is terminated` };
  if (last) return last.containerID || { error: `${subject} is terminated` };
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') return { error: `${subject} is waiting to start: image can't be pulled` };
    if (waiting.reason === 'ImagePullBackOff') return { error: `${subject} is waiting to start: trying and failing to pull image` };
    return { error: `${subject} is waiting to start: ${waiting.reason ?? ''}` };
  }
  return { error: `${subject} is waiting to start - no logs yet` };
}
