/**
 * waitingPod holds the pods Permit plugins told to wait (frameworkruntime's
 * waitingPod), each until its plugins allow it, one rejects it or a timeout passes.
 */
import type { Clock, Timer } from '../../clock';
import type { Pod } from '../../api/types';
import { SUCCESS, type Status, type WaitingPod } from './interfaces';

/** MAX_PERMIT_TIMEOUT_MS is maxTimeout: no Permit waits longer than 15 minutes. */
export const MAX_PERMIT_TIMEOUT_MS = 15 * 60_000;

/** WaitingPodImpl is a pod held at Permit, released when all plugins allow it, or rejected by one or by a timeout. */
export class WaitingPodImpl implements WaitingPod {
  readonly done: Promise<Status>;
  private settle!: (s: Status) => void;
  private readonly pending: Map<string, Timer>;
  private finished = false;

  constructor(readonly pod: Pod, waits: Map<string, number>, clock: Clock) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.pending = new Map([...waits].map(([plugin, ms]) => [plugin, clock.setTimer(ms, () => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`))]));
  }

  get pendingPlugins(): string[] {
    return [...this.pending.keys()];
  }

  allow(plugin: string): void {
    const t = this.pending.get(plugin);
    if (!t || this.finished) return;
    t.cancel();
    this.pending.delete(plugin);
    if (this.pending.size === 0) this.finish(SUCCESS);
  }

  reject(plugin: string, message: string): void {
    if (this.finished) return;
    this.finish({ code: 'Unschedulable', reasons: [message], plugin });
  }

  private finish(s: Status): void {
    this.finished = true;
    for (const t of this.pending.values()) t.cancel();
    this.pending.clear();
    this.settle(s);
  }
}
