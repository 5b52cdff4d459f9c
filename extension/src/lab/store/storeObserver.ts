/**
 * StoreObserver is the hook a store with a disk calls so etcd's disk and apply
 * metrics show what it does: each fsync of its write-ahead log
 * (etcd_disk_wal_fsync_duration_seconds) and each batch of writes applied to
 * its keyspace (etcd_server_slow_apply_total counts the ones past 100 ms). The
 * API server's metrics hand one to any store that is an ObservedStore.
 */
export interface StoreObserver {
  /** walFsync reports one fsync of the write-ahead log and how long it took, in seconds. */
  walFsync(seconds: number): void;
  /** applied reports one write applied to the keyspace and how long the apply took, in seconds, the WAL's fsync left out (as etcd times applies after commit). */
  applied(seconds: number): void;
}

/**
 * ObservedStore is a store that reports its own fsyncs and applies. A store
 * that is not one has its applies timed by the API server around each write
 * transaction's synchronous part.
 */
export interface ObservedStore {
  /** observe sets the observer to report to from now on (undefined stops reporting). */
  observe(observer: StoreObserver | undefined): void;
}

/** isObservedStore tells whether a store reports its own fsyncs and applies. */
export function isObservedStore(store: object): store is ObservedStore {
  return typeof (store as Partial<ObservedStore>).observe === 'function';
}
