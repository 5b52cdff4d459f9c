/**
 * InstrumentedStore times the API server's calls to its store, as the etcd3
 * storage layer records etcd_request_duration_seconds around each call: the
 * operation (`get`, `list`, `create`, `update`, `delete`) and the object type,
 * the group-resource the key belongs to (`pods`, `deployments.apps`), read off
 * upstream's key layout (storagePrefix.ts).
 */
import type { KeyValue, OnEvents, RangeOptions, RangeResponse, Store, TxnRequest, TxnResponse, Watch, WatchError, WatchOptions } from '../store/store';
import type { StoreMetrics } from './storeMetrics';
import { builtinResources } from '../apiserver/registry';
import { KeyResolver } from '../apiserver/storagePrefix';

/** StoreObserver receives one timed store call. */
export type StoreObserver = (operation: string, type: string, seconds: number) => void;

/** builtinKeys resolves keys to the built-in resources, made on first use. */
let builtinKeys: KeyResolver | undefined;

/**
 * InstrumentedStore is a Store that reports each get, range and transaction to
 * its observer, with the time it took, and, given etcd's store metrics, counts
 * there the ranges, puts, deletes and transactions, the writes' apply time (the
 * synchronous part of the call), the open watches and the compactions.
 */
export class InstrumentedStore implements Store {
  constructor(private readonly inner: Store, private readonly observe: StoreObserver, private readonly stopwatch: () => number, private readonly mvcc?: StoreMetrics) {}

  revision(): Promise<number> {
    return this.inner.revision();
  }

  get(key: string): Promise<KeyValue | undefined> {
    this.mvcc?.ranged();
    return this.timed('get', key, () => this.inner.get(key)).call;
  }

  range(prefix: string, options?: RangeOptions): Promise<RangeResponse> {
    this.mvcc?.ranged();
    return this.timed('list', prefix, () => this.inner.range(prefix, options)).call;
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    const key = request.success[0]?.key ?? request.compare[0]?.key ?? '';
    const { call, syncSeconds } = this.timed(txnOperation(request), key, () => this.inner.txn(request));
    const mvcc = this.mvcc;
    if (!mvcc) return call;
    return call.then((response) => {
      mvcc.transacted(request, response, syncSeconds);
      return response;
    });
  }

  watch(prefix: string, fromRevision: number, onEvents: OnEvents, onError: (error: WatchError) => void, options?: WatchOptions): Watch {
    const mvcc = this.mvcc;
    if (!mvcc) return this.inner.watch(prefix, fromRevision, onEvents, onError, options);
    let open = true;
    const close = (): void => {
      if (open) mvcc.watchClosed();
      open = false;
    };
    mvcc.watchOpened();
    const inner = this.inner.watch(prefix, fromRevision, onEvents, (error) => {
      close();
      onError(error);
    }, options);
    const watch: Watch = {
      cancel: () => {
        close();
        inner.cancel();
      },
    };
    if (inner.requestProgress) watch.requestProgress = () => inner.requestProgress?.();
    return watch;
  }

  async compact(revision: number): Promise<void> {
    await this.inner.compact(revision);
    // The store compacts no further than its revision, as etcd refuses a future one.
    this.mvcc?.compacted(Math.min(revision, await this.inner.revision()));
  }

  /** timed starts the stopwatch before making the call, so a store that does its work synchronously is timed too (syncSeconds is that part). */
  private timed<T>(operation: string, key: string, make: () => Promise<T>): { call: Promise<T>; syncSeconds: number } {
    const started = this.stopwatch();
    const call = make();
    const syncSeconds = (this.stopwatch() - started) / 1000;
    const record = (): void => this.observe(operation, groupResourceOfKey(key), (this.stopwatch() - started) / 1000);
    return { call: call.finally(record), syncSeconds };
  }
}

/** txnOperation names a transaction as the storage layer's call that made it: a put guarded by "absent" creates, another put updates. */
export function txnOperation(request: TxnRequest): string {
  const write = request.success.find((op) => op.type !== 'get');
  if (!write) return 'get';
  if (write.type === 'delete') return 'delete';
  return request.compare.some((c) => c.key === write.key && c.target === 'mod' && c.result === '=' && c.value === 0) ? 'create' : 'update';
}

/** groupResourceOfKey is schema.GroupResource.String() of a key's resource: `pods`, `deployments.apps`, or '' outside /registry. */
export function groupResourceOfKey(key: string): string {
  builtinKeys ??= new KeyResolver(builtinResources);
  return builtinKeys.resourceOf(key);
}
