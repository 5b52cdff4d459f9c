/**
 * PodWorkers serialize the kubelet's pod syncs, as pod_workers.go: one sync per
 * pod at a time, a change during a sync triggering one more, a deletion ending
 * the sync in flight; and they sync a pod again later when asked (a back-off,
 * a mirror pod the API server did not take).
 */
import type { Clock, Timer } from '../clock';
import { keyOf } from '../api/meta';
import type { Pod } from '../api/types';
import { Interrupt } from './process';

/** PodWorkersHost is what the pod workers need of their kubelet. */
export interface PodWorkersHost {
  clock: Clock;
  /** podFor is the current pod of a key, the one to sync. */
  podFor(key: string): Pod | undefined;
  /** syncPod is one sync of a pod. */
  syncPod(pod: Pod): Promise<void>;
  /** running tells whether the kubelet is started; stopped whether it was stopped since (not merely never started). */
  running(): boolean;
  stopped(): boolean;
}

export class PodWorkers {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  /** cancels end a pod's sync in flight (its postStart hook) when the pod is deleted, as the pod worker's context. */
  private readonly cancels = new Map<string, Interrupt>();
  /** resyncTimers sync a pod again when a container's back-off is over. */
  private readonly resyncTimers = new Map<string, Timer>();

  constructor(private readonly host: PodWorkersHost) {}

  /** enqueue runs one sync per pod at a time; a change during a sync triggers one more. */
  enqueue(pod: Pod): void {
    const key = keyOf(pod);
    if (this.workers.has(key)) {
      this.pending.add(key);
      if (pod.metadata.deletionTimestamp) this.cancels.get(key)?.fire();
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.pending.delete(key);
        const current = this.host.podFor(key);
        this.cancels.set(key, new Interrupt());
        if (current && !this.host.stopped()) await this.host.syncPod(current);
      } while (this.pending.has(key) && !this.host.stopped());
      this.cancels.delete(key);
      this.workers.delete(key);
    };
    this.workers.set(key, run());
  }

  /** cancel is what ends the sync in flight of the pod of key. */
  cancel(key: string): Interrupt | undefined {
    return this.cancels.get(key);
  }

  /** resyncLater syncs the pod of key again after ms. */
  resyncLater(key: string, ms: number): void {
    this.resyncTimers.get(key)?.cancel();
    this.resyncTimers.set(key, this.host.clock.setTimer(ms, () => {
      this.resyncTimers.delete(key);
      const current = this.host.podFor(key);
      if (current && this.host.running()) this.enqueue(current);
    }));
  }

  /** forget cancels the pending resync of the pod of key. */
  forget(key: string): void {
    this.resyncTimers.get(key)?.cancel();
    this.resyncTimers.delete(key);
  }

  /** stopResyncs cancels every pending resync, as the kubelet stops. */
  stopResyncs(): void {
    for (const t of this.resyncTimers.values()) t.cancel();
    this.resyncTimers.clear();
  }
}
