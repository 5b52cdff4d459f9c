/**
 * PodStatusWriter is the kubelet's status manager: it makes a pod's status from
 * its sandbox's containers, and writes it to the API server when it changed (a
 * static pod's to its StaticPods, which mirror it), onto a fresh copy of the pod
 * when another writer got there first.
 */
import type { Clock } from '../clock';
import { keyOf } from '../api/meta';
import type { Pod, PodStatus } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { PODS } from '../client/resources';
import { mergeScheduled } from './kubeletHelpers';
import { type ContainerView, type Waiting, podStatus } from './podStatus';
import type { Prober } from './prober';
import type { Sandbox } from './runtime';
import type { StaticPods } from './staticPods';

/** PodStatusHost is what the status writer needs of its kubelet. */
export interface PodStatusHost {
  client: KubeClient;
  clock: Clock;
  prober: Prober;
  statics: StaticPods;
  /** internalIP is the node's address, the pods' hostIP. */
  internalIP: string;
  /** apiPod is the API server's pod of a key, as the kubelet's pod informer has it. */
  apiPod(key: string): Pod | undefined;
}

export class PodStatusWriter {
  constructor(private readonly host: PodStatusHost) {}

  /** statusOf is the pod's status from its sandbox's containers and what keeps others waiting. */
  statusOf(pod: Pod, sandbox: Sandbox | undefined, waiting: Map<string, Waiting>): PodStatus {
    return podStatus(pod, {
      now: this.host.clock.now(), hostIP: this.host.internalIP, ...(sandbox ? { podIP: sandbox.ip } : {}),
      view: (name): ContainerView => {
        const current = sandbox?.containers.get(name);
        const running = current !== undefined && current.finishedAt === undefined;
        return { current, previous: sandbox?.previous.get(name), waiting: waiting.get(name), ...(running ? { probe: this.host.prober.status(keyOf(pod), name, current) } : {}) };
      },
    });
  }

  /** writeStatus writes a pod's status unless the pod already has it. */
  async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    const { client, statics } = this.host;
    if (statics.get(keyOf(pod))?.metadata.uid === pod.metadata.uid) return statics.writeStatus(pod, status);
    const current = this.host.apiPod(keyOf(pod)) ?? pod;
    if (JSON.stringify(current.status) === JSON.stringify(status)) return;
    const res = await client.updateStatus(PODS, { ...current, status });
    if (isStatus(res) && res.code === 409) {
      // Someone else wrote the pod meanwhile; write our view onto the fresh copy.
      const fresh = await client.get<Pod>(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (!isStatus(fresh)) await client.updateStatus(PODS, { ...fresh, status: { ...status, conditions: mergeScheduled(fresh.status?.conditions, status.conditions) } });
    }
  }
}
