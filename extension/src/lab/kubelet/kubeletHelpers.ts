/**
 * kubeletHelpers are the small pure decisions the kubelet's pod sync makes
 * about a pod: whether its containers are done for good, how events name a
 * container, and how its status write merges with a fresh copy.
 */
import { setCondition } from '../api/meta';
import type { Condition, Pod } from '../api/types';
import type { Sandbox } from './runtime';

/** containersDone tells whether a pod's containers have all exited for good: none is to be restarted (restartPolicy Never, or OnFailure after success). */
export function containersDone(pod: Pod, sandbox: Sandbox): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Always') return false;
  return pod.spec.containers.every((c) => {
    const r = sandbox.containers.get(c.name);
    return r?.finishedAt !== undefined && (policy === 'Never' || r.exitCode === 0);
  });
}

/** fieldPathOf is the field path events about a container name it by: spec.containers{name} or spec.initContainers{name}. */
export function fieldPathOf(pod: Pod, name: string): string {
  return `spec.${pod.spec.initContainers?.some((i) => i.name === name) ? 'initContainers' : 'containers'}{${name}}`;
}

/** mergeScheduled is our conditions with the PodScheduled condition of a fresh copy of the pod, which the scheduler owns. */
export function mergeScheduled(fresh: Condition[] | undefined, ours: Condition[] | undefined): Condition[] {
  const scheduled = fresh?.find((c) => c.type === 'PodScheduled');
  return scheduled ? setCondition(ours, scheduled) : (ours ?? []);
}
