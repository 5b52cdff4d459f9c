/**
 * OomKiller is the kernel's cgroup OOM killer for the simulated containers: a
 * container whose simulated memory use (metrics/usageProfile: what its image
 * and command use, or the pod's `lab.kubelab.dev/memory-usage` annotation)
 * passes its memory limit is SIGKILLed once its working set reaches the
 * limit, and the runtime reports it OOMKilled with exit code 137; the
 * kubelet then restarts it as the pod's restartPolicy says. A process grows to
 * its working set over MEMORY_RAMP_MS from its start, so the bigger the
 * excess, the sooner the kill; a demand raised on a running container
 * (`kubectl annotate --overwrite`) takes effect at once.
 */
import { parseQuantity } from '../api/quantity';
import type { Container, Pod } from '../api/types';
import type { Clock, Timer } from '../clock';
import { annotatedProfile, usageProfile } from '../metrics/usageProfile';
import type { ContainerRecord, SimulatedRuntime } from './runtime';

/** MEMORY_RAMP_MS is how long a process takes from its start to reach its working set. */
export const MEMORY_RAMP_MS = 5_000;

/** memoryDemand is the working set a container instance settles at, on a node of cpus CPUs. */
export function memoryDemand(pod: Pod, spec: Container, record: ContainerRecord, cpus: number): number {
  return annotatedProfile(usageProfile(record.image.ref, record.process, cpus, spec.resources), pod.metadata.annotations, spec.name).memoryBytes;
}

/** oomKillAt is when a container started at startedAt and growing to demand bytes passes limit bytes; undefined if it never does. */
export function oomKillAt(startedAt: number, demand: number, limit: number | undefined): number | undefined {
  if (limit === undefined || demand <= limit) return undefined;
  return startedAt + Math.round((MEMORY_RAMP_MS * limit) / demand);
}

export class OomKiller {
  /** armed holds each watched instance's kill, by container ID, with the time it is due. */
  private readonly armed = new Map<string, { at: number; timer: Timer }>();

  constructor(private readonly clock: Clock, private readonly runtime: SimulatedRuntime, private readonly cpus: number) {}

  /** watch arms the OOM kill of a running instance whose demand passes its limit, re-arms it when they changed, and disarms it otherwise. */
  watch(pod: Pod, spec: Container, record: ContainerRecord): void {
    if (record.startedAt === undefined || record.finishedAt !== undefined) return this.forget(record.id);
    const limit = parseQuantity(spec.resources?.limits?.memory);
    const due = oomKillAt(record.startedAt, memoryDemand(pod, spec, record, this.cpus), limit);
    const current = this.armed.get(record.id);
    if (current?.at === due) return;
    this.forget(record.id);
    if (due === undefined) return;
    const timer = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => {
      this.armed.delete(record.id);
      this.runtime.oomKill(record);
    });
    this.armed.set(record.id, { at: due, timer });
  }

  /** forget disarms an instance's kill (it exited, or its pod went). */
  forget(containerID: string): void {
    this.armed.get(containerID)?.timer.cancel();
    this.armed.delete(containerID);
  }

  /** forgetAll disarms every kill of the instances in ids. */
  forgetAll(ids: Iterable<string>): void {
    for (const id of ids) this.forget(id);
  }
}
