/**
 * QueueState holds the Scheduler panel's queue as the host's messages build
 * it — a snapshot, then deltas keyed by uid — and lists each queue in
 * PrioritySort's order: higher priority first, then who got there first.
 */
import type { Delta, QueuedPodView, SchedulerQueueName } from '../shared/protocol';

/** QUEUES are the queues in the order the panel lists them, with their headings. */
export const QUEUES: readonly { name: SchedulerQueueName; title: string; icon: string }[] = [
  { name: 'active', title: 'Active', icon: 'play-circle' },
  { name: 'backoff', title: 'Backoff', icon: 'history' },
  { name: 'unschedulable', title: 'Unschedulable', icon: 'error' },
  { name: 'gated', title: 'Gated', icon: 'lock' },
  { name: 'other', title: 'Other schedulers', icon: 'question' },
];

/** queueLess orders one queue as PrioritySort does. */
export function queueLess(a: QueuedPodView, b: QueuedPodView): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.since !== b.since) return a.since < b.since ? -1 : 1;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export class QueueState {
  readonly pods = new Map<string, QueuedPodView>();

  snapshot(queue: readonly QueuedPodView[]): void {
    this.pods.clear();
    for (const p of queue) this.pods.set(p.uid, p);
  }

  apply(delta: Delta<QueuedPodView>): void {
    for (const uid of delta.remove) this.pods.delete(uid);
    for (const p of delta.upsert) this.pods.set(p.uid, p);
  }

  /** byQueue lists each queue's pods in order. */
  byQueue(): Map<SchedulerQueueName, QueuedPodView[]> {
    const out = new Map<SchedulerQueueName, QueuedPodView[]>(QUEUES.map((q) => [q.name, []]));
    for (const p of this.pods.values()) out.get(p.queue)?.push(p);
    for (const list of out.values()) list.sort(queueLess);
    return out;
  }
}
