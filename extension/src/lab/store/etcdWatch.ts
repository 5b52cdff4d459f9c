/**
 * etcdWatch holds EtcdStore's watches: each on a gRPC watch stream of its own,
 * resumed on another member when its member fails, and delivering to a consumer
 * that may be slow through a bounded queue.
 */
import type { Interceptor } from '@grpc/grpc-js';
import type { Etcd3, IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import type { Timer } from '../clock';
import type { EtcdStore } from './etcdStore';
import { keyBytes, keyValue, prefixEnd } from './etcdWire';
import { ERR_COMPACTED, ERR_WATCH_CANCELED, type OnEvents, type StoreEvent, type Watch, type WatchError, type WatchOptions } from './store';

/** Watch streams reconnect after a pause that doubles from the first to the last. */
const WATCH_RETRY_FIRST_MS = 100;
const WATCH_RETRY_LAST_MS = 2_000;

/**
 * EtcdWatch is one etcd watch on a stream of its own. When its member goes away
 * or loses its leader, it opens again on the next member from the revision
 * after the last one it delivered, so no change is lost or repeated; when that
 * revision has been compacted meanwhile, it ends with ErrCompacted as etcd says.
 */
export class EtcdWatch implements Watch {
  private stream?: IDuplexStream<IWatchRequest, IWatchResponse>;
  private member: number;
  /** next is the revision to resume from: set once etcd created the watch, 0 (now) before. */
  private next: number;
  private created = false;
  private done = false;
  private retryMs = WATCH_RETRY_FIRST_MS;
  private retryTimer?: Timer;
  private pending: { events: StoreEvent[]; revision: number }[] = [];
  private busy = false;

  constructor(
    private readonly store: EtcdStore,
    private readonly prefix: string,
    fromRevision: number,
    private readonly onEvents: OnEvents,
    private readonly onError: (error: WatchError) => void,
    private readonly options: WatchOptions,
    private readonly forget: () => void,
  ) {
    this.member = store.preferred;
    this.next = Math.max(0, fromRevision);
  }

  open(): void {
    void this.store.members().then((members) => this.attach(members), () => this.retry());
  }

  private async attach(members: { client: Etcd3 }[]): Promise<void> {
    if (this.done) return;
    const member = members[this.member % members.length];
    let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
    try {
      stream = await member.client.watchClient.watch({ interceptors: [this.store.requireLeader as Interceptor] });
    } catch {
      return this.retry();
    }
    if (this.done) return stream.cancel();
    this.stream = stream;
    this.created = false;
    stream.on('data', (res) => this.receive(stream, res));
    stream.on('error', () => this.lost(stream));
    stream.on('end', () => this.lost(stream));
    stream.write({
      create_request: {
        key: keyBytes(this.prefix), range_end: prefixEnd(this.prefix), start_revision: this.next,
        prev_kv: true, progress_notify: this.options.progressNotify === true,
      },
    });
  }

  private receive(stream: IDuplexStream<IWatchRequest, IWatchResponse>, res: IWatchResponse): void {
    if (this.done || stream !== this.stream) return;
    const compacted = Number(res.compact_revision);
    if (compacted > 0) {
      this.end({ code: 'compacted', message: ERR_COMPACTED, compactRevision: compacted });
      return;
    }
    if (res.canceled) {
      // Canceled for another reason (the member lost its leader): resume elsewhere.
      this.lost(stream);
      return;
    }
    const revision = Number(res.header.revision);
    if (res.created) {
      this.created = true;
      this.retryMs = WATCH_RETRY_FIRST_MS;
      if (this.next === 0) this.next = revision + 1;
      return;
    }
    const events = res.events.map((e): StoreEvent => ({
      type: e.type === 'Delete' || (e.type as string) === 'DELETE' ? 'delete' : 'put',
      kv: keyValue(e.kv),
      ...(e.prev_kv ? { prevKv: keyValue(e.prev_kv) } : {}),
    }));
    this.next = Math.max(this.next, events.length ? events[events.length - 1].kv.modRevision + 1 : revision + 1);
    this.deliver(events, revision);
  }

  /** deliver queues a batch for the consumer, up to the store's bound: a consumer that cannot keep up has its watch canceled, as etcd cancels a slow watcher. */
  private deliver(events: StoreEvent[], revision: number): void {
    if (this.pending.length >= this.store.watchBufferLimit) {
      this.end({ code: 'canceled', message: ERR_WATCH_CANCELED, compactRevision: 0 });
      return;
    }
    this.pending.push({ events, revision });
    this.drain();
  }

  /** drain hands the consumer its batches in order until it is busy with one (it answered a promise) or has none left. */
  private drain(): void {
    while (!this.done && !this.busy && this.pending.length > 0) {
      const batch = this.pending.shift() as { events: StoreEvent[]; revision: number };
      const settled = this.onEvents(batch.events, batch.revision) as Promise<void> | undefined;
      if (settled) {
        this.busy = true;
        const resume = (): void => {
          this.busy = false;
          this.drain();
        };
        settled.then(resume, resume);
      }
    }
  }

  /** lost drops a stream that failed or ended and tries the next member after a pause. */
  private lost(stream: IDuplexStream<IWatchRequest, IWatchResponse>): void {
    if (this.done || stream !== this.stream) return;
    this.stream = undefined;
    stream.cancel();
    this.member++;
    this.retry();
  }

  private retry(): void {
    if (this.done) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(WATCH_RETRY_LAST_MS, this.retryMs * 2);
    this.retryTimer = this.store.clock.setTimer(wait, () => {
      this.retryTimer = undefined;
      this.open();
    });
  }

  private end(error: WatchError): void {
    this.cancel();
    this.onError(error);
  }

  requestProgress(): void {
    if (this.created && !this.busy && this.pending.length === 0) this.stream?.write({ progress_request: {} });
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    this.retryTimer?.cancel();
    this.stream?.cancel();
    this.stream = undefined;
    this.forget();
  }
}
