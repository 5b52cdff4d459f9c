/**
 * EventRecorder writes core/v1 Events about objects, as client-go's recorder:
 * repeats of the same event bump its count instead of creating a new one.
 */
import type { Clock } from '../clock';
import { timestamp } from '../api/meta';
import type { Event, KubeObject, ObjectReference } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import { EVENTS } from './resources';

/** Aggregation remembers this many distinct events per recorder, as the correlator's LRU cache. */
const CACHE_SIZE = 4096;

/** sequence keeps names unique when events about one object share a clock tick (upstream's clock has nanoseconds). */
let sequence = 0;

export class EventRecorder {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private readonly client: KubeClient,
    private readonly clock: Clock,
    private readonly source: { component: string; host?: string },
  ) {}

  /** event records reason and message about obj; it never fails the caller. */
  async event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const ref: ObjectReference = {
      kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid,
      apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}),
    };
    const namespace = obj.metadata.namespace || 'default';
    const now = timestamp(this.clock.now());
    const key = [ref.uid, ref.fieldPath, type, reason, message, this.source.component, this.source.host].join('|');
    const prior = this.seen.get(key);
    if (prior) {
      prior.count++;
      const patched = await this.client.patch(EVENTS, prior.namespace, prior.name, { count: prior.count, lastTimestamp: now });
      if (!isStatus(patched)) return;
      this.seen.delete(key);
    }
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.metadata.name ?? 'unknown'}.${(BigInt(Math.floor(this.clock.now())) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)}`, namespace },
      involvedObject: ref,
      reason, message, type,
      source: { ...this.source },
      firstTimestamp: now,
      lastTimestamp: now,
      eventTime: null,
      count: 1,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    };
    // The event is made for this write alone: it is handed over, not copied.
    const created = await this.client.create(EVENTS, event, { handOver: true });
    if (isStatus(created)) return;
    if (this.seen.size >= CACHE_SIZE) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name: created.metadata.name ?? '', namespace, count: 1 });
  }
}
