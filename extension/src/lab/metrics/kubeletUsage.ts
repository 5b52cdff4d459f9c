/**
 * kubeletUsage gathers what a kubelet runs — its pods' sandboxes and their
 * container instances, each container's image, command and resources from the
 * pod spec — into nodeUsage's input, and answers a resource-usage query for it.
 */
import { milliValue, parseQuantity } from '../api/quantity';
import type { Pod } from '../api/types';
import type { Sandbox } from '../kubelet/runtime';
import { type ContainerUsageInput, type NodeUsage, type PodUsageInput, nodeUsage } from './nodeUsage';
import { annotatedProfile, usageProfile } from './usageProfile';

/** KubeletNode is the node as its kubelet knows it: name, start and CPU capacity. */
export interface KubeletNode {
  name: string;
  startedAt: number;
  /** cpu is the node's CPU capacity as a quantity (`4`, `3500m`). */
  cpu: string;
}

/** kubeletUsage is the node's and its running containers' usage over [from, to]. */
export function kubeletUsage(node: KubeletNode, pods: readonly Pod[], sandboxOf: (podUID: string) => Sandbox | undefined, from: number, to: number): NodeUsage {
  const cpuMilli = milliValue(node.cpu);
  const cpus = Math.max(1, Math.floor(cpuMilli / 1000));
  const inputs: PodUsageInput[] = [];
  for (const pod of pods) {
    const sandbox = sandboxOf(pod.metadata.uid ?? '');
    if (!sandbox) continue;
    const containers = [...sandbox.containers.values()].map((c): ContainerUsageInput => {
      const resources = pod.spec.containers.find((s) => s.name === c.name)?.resources;
      const cpuLimit = resources?.limits?.cpu;
      const memoryLimit = parseQuantity(resources?.limits?.memory);
      return {
        name: c.name, id: c.id, startedAt: c.startedAt, finishedAt: c.finishedAt,
        profile: annotatedProfile(usageProfile(c.image.ref, c.process, cpus, resources), pod.metadata.annotations, c.name),
        cpuRequestMilli: milliValue(resources?.requests?.cpu),
        ...(cpuLimit !== undefined ? { cpuLimitMilli: milliValue(cpuLimit) } : {}),
        ...(memoryLimit !== undefined ? { memoryLimitBytes: memoryLimit } : {}),
      };
    });
    inputs.push({ namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', containers });
  }
  return nodeUsage({ name: node.name, startedAt: node.startedAt, cpuMilli, pods: inputs }, from, to);
}
