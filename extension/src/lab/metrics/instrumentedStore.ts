/**
 * InstrumentedStore times the API server's calls to its store, as the etcd3
 * storage layer records etcd_request_duration_seconds around each call: the
 * operation (`get`, `list`, `create`, `update`, `delete`) and the object type,
 * the group-resource the key belongs to (`pods`, `deployments.apps`), read off
 * the `/registry/<group>/<resource>/` key layout.
 */
import type { KeyValue, RangeOptions, RangeResponse, Store, StoreEvent, TxnRequest, TxnResponse, Watch, WatchError } from '../store/store';

/** StoreObserver receives one timed store call. */
export type StoreObserver = (operation: string, type: string, seconds: number) => void;

const REGISTRY = '/registry/';
/** The API groups whose names have no dot; any other first key segment without one is a core resource. */
const DOTLESS_GROUPS = new Set(['apps', 'autoscaling', 'batch', 'extensions', 'policy']);

/** InstrumentedStore is a Store that reports each get, range and transaction to its observer, with the time it took. */
export class InstrumentedStore implements Store {
  constructor(private readonly inner: Store, private readonly observe: StoreObserver, private readonly stopwatch: () => number) {}

  revision(): Promise<number> {
    return this.inner.revision();
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.timed('get', key, this.inner.get(key));
  }

  range(prefix: string, options?: RangeOptions): Promise<RangeResponse> {
    return this.timed('list', prefix, this.inner.range(prefix, options));
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    const key = request.success[0]?.key ?? request.compare[0]?.key ?? '';
    return this.timed(txnOperation(request), key, this.inner.txn(request));
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: StoreEvent[]) => void, onError: (error: WatchError) => void): Watch {
    return this.inner.watch(prefix, fromRevision, onEvents, onError);
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  private timed<T>(operation: string, key: string, call: Promise<T>): Promise<T> {
    const started = this.stopwatch();
    const record = (): void => this.observe(operation, groupResourceOfKey(key), (this.stopwatch() - started) / 1000);
    return call.finally(record);
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
  if (!key.startsWith(REGISTRY)) return '';
  const first = segment(key, REGISTRY.length);
  if (!first.includes('.') && !DOTLESS_GROUPS.has(first)) return first;
  const second = segment(key, REGISTRY.length + first.length + 1);
  return second ? `${second}.${first}` : first;
}

function segment(key: string, from: number): string {
  if (from >= key.length) return '';
  const end = key.indexOf('/', from);
  return end < 0 ? key.slice(from) : key.slice(from, end);
}
