/**
 * StoreMetrics is what etcd 3.5 serves at /metrics about its keyspace, for the
 * lab's store: the keys, revisions, watchers and sizes (read from the store at
 * each scrape, as etcd's GaugeFuncs read its backend), the ranges, puts,
 * deletes and transactions applied (mvcc/metrics_txn.go's counting), slow
 * applies and the write-ahead log's fsync latency. Names, help and buckets are
 * etcd's (server/mvcc/metrics.go, server/etcdserver/metrics.go,
 * server/storage/wal/metrics.go); etcd uses plain client_golang, so the help
 * carries no stability level.
 */
import type { AlarmType, Store, StoreAdmin, StoreStatus, TxnRequest, TxnResponse } from '../store/store';
import type { StoreObserver } from '../store/storeObserver';
import { CounterVec, type Family, GaugeVec, HistogramVec } from './exposition';

/** exponentialBuckets is prometheus.ExponentialBuckets: count bounds from start, each factor times the last. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let b = start, i = 0; i < count; i++, b *= factor) out.push(b);
  return out;
}

/** WAL_FSYNC_BUCKETS are etcd_disk_wal_fsync_duration_seconds' buckets: 1 ms doubling to 8.192 s. */
export const WAL_FSYNC_BUCKETS = exponentialBuckets(0.001, 2, 14);
/** SLOW_APPLY_SECONDS is etcd's default --experimental-warning-apply-duration: an apply longer than this is slow. */
export const SLOW_APPLY_SECONDS = 0.1;

/** StoreMetricValues are the store's figures as a panel shows them, read at one moment. */
export interface StoreMetricValues {
  revision: number;
  compactRevision: number;
  keys: number;
  /** watchers are the store watches open now. */
  watchers: number;
  /** dbSize, dbSizeInUse and quotaBytes are known only for a store with etcd's maintenance API (StoreAdmin). */
  dbSize?: number;
  dbSizeInUse?: number;
  quotaBytes?: number;
  alarms: AlarmType[];
  ranges: number;
  puts: number;
  deletes: number;
  txns: number;
  putBytes: number;
  slowApplies: number;
  /** walFsyncs counts the write-ahead log's fsyncs and their total seconds; zero for a store without a WAL. */
  walFsyncs: { count: number; seconds: number };
}

const NO_LABELS: readonly string[] = [];

/** hasAdmin tells whether a store answers etcd's maintenance status. */
function hasAdmin(store: Store): store is Store & StoreAdmin {
  return typeof (store as Partial<StoreAdmin>).status === 'function';
}

/** StoreMetrics holds etcd's metric families for one store and records into them as the API server uses the store. */
export class StoreMetrics implements StoreObserver {
  private readonly keysTotal = gauge('etcd_debugging_mvcc_keys_total', 'Total number of keys.');
  private readonly watcherTotal = gauge('etcd_debugging_mvcc_watcher_total', 'Total number of watchers.');
  private readonly currentRevision = gauge('etcd_debugging_mvcc_current_revision', 'The current revision of store.');
  private readonly compactRevision = gauge('etcd_debugging_mvcc_compact_revision', 'The revision of the last compaction in store.');
  private readonly dbTotalSize = gauge('etcd_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.');
  private readonly dbTotalSizeInUse = gauge('etcd_mvcc_db_total_size_in_use_in_bytes', 'Total size of the underlying database logically in use in bytes.');
  private readonly quotaBackendBytes = gauge('etcd_server_quota_backend_bytes', 'Current backend storage quota size in bytes.');
  private readonly totalPutSize = gauge('etcd_debugging_mvcc_total_put_size_in_bytes', 'The total size of put kv pairs seen by this member.');
  private readonly rangeTotal = counter('etcd_mvcc_range_total', 'Total number of ranges seen by this member.');
  private readonly putTotal = counter('etcd_mvcc_put_total', 'Total number of puts seen by this member.');
  private readonly deleteTotal = counter('etcd_mvcc_delete_total', 'Total number of deletes seen by this member.');
  private readonly txnTotal = counter('etcd_mvcc_txn_total', 'Total number of txns seen by this member.');
  private readonly slowApplyTotal = counter('etcd_server_slow_apply_total', 'The total number of slow apply requests (likely overloaded from slow disk).');
  private readonly walFsyncDuration = new HistogramVec({ name: 'etcd_disk_wal_fsync_duration_seconds', help: 'The latency distributions of fsync called by WAL.' }, WAL_FSYNC_BUCKETS);

  /** openWatches counts the watches opened through the API server and not yet ended. */
  private openWatches = 0;
  /** compactedTo is the highest compaction asked for, the compact revision of a store that cannot say its own. */
  private compactedTo = 0;
  /** reportsApplies is set once the store reports its own applies; the API server's timing of writes stops counting then. */
  private reportsApplies = false;

  constructor(private readonly store: Store) {
    this.zeroCounters();
  }

  /** walFsync observes one fsync of the store's write-ahead log. */
  walFsync(seconds: number): void {
    this.walFsyncDuration.observe(NO_LABELS, seconds);
  }

  /** applied counts a write the store applied, and a slow apply when it took longer than etcd's warning duration. */
  applied(seconds: number): void {
    this.reportsApplies = true;
    this.countApply(seconds);
  }

  /** ranged counts one range (or get) the API server made, as etcd counts a Range outside a transaction. */
  ranged(): void {
    this.rangeTotal.inc(NO_LABELS);
  }

  /**
   * transacted counts a transaction as etcd's metricsTxnWrite does: each compare
   * and get is a range, the executed branch's puts and deletes are counted with
   * the puts' bytes, and the transaction itself when it did more than one thing.
   * applySeconds is how long it took to apply, counted unless the store reports
   * its own applies.
   */
  transacted(request: TxnRequest, response: TxnResponse, applySeconds: number): void {
    const ops = response.succeeded ? request.success : request.failure;
    let ranges = request.compare.length;
    let puts = 0;
    let deletes = 0;
    let putBytes = 0;
    for (const op of ops) {
      if (op.type === 'get') ranges++;
      else if (op.type === 'delete') deletes++;
      else {
        puts++;
        putBytes += Buffer.byteLength(op.key) + Buffer.byteLength(op.value);
      }
    }
    if (ranges + puts + deletes > 1) this.txnTotal.inc(NO_LABELS);
    if (ranges) this.rangeTotal.inc(NO_LABELS, ranges);
    if (puts) this.putTotal.inc(NO_LABELS, puts);
    if (deletes) this.deleteTotal.inc(NO_LABELS, deletes);
    if (putBytes) this.totalPutSize.add(NO_LABELS, putBytes);
    if (!this.reportsApplies && (puts || deletes)) this.countApply(applySeconds);
  }

  /** watchOpened and watchClosed keep the count of open watches. */
  watchOpened(): void {
    this.openWatches++;
  }

  watchClosed(): void {
    this.openWatches = Math.max(0, this.openWatches - 1);
  }

  /** compacted notes a compaction the store carried out up to revision. */
  compacted(revision: number): void {
    this.compactedTo = Math.max(this.compactedTo, revision);
  }

  /** values reads the store's figures now, for a panel. */
  async values(): Promise<StoreMetricValues> {
    const status = await this.status();
    return {
      revision: status.revision,
      compactRevision: status.compactRevision,
      keys: status.keys,
      watchers: this.openWatches,
      ...(status.admin ? { dbSize: status.admin.dbSize, dbSizeInUse: status.admin.dbSizeInUse, quotaBytes: status.admin.quotaBytes } : {}),
      alarms: status.admin?.alarms ?? [],
      ranges: this.rangeTotal.value(NO_LABELS),
      puts: this.putTotal.value(NO_LABELS),
      deletes: this.deleteTotal.value(NO_LABELS),
      txns: this.txnTotal.value(NO_LABELS),
      putBytes: this.totalPutSize.value(NO_LABELS),
      slowApplies: this.slowApplyTotal.value(NO_LABELS),
      walFsyncs: { count: this.walFsyncDuration.count(NO_LABELS), seconds: this.walFsyncDuration.sum(NO_LABELS) },
    };
  }

  /** collect reads the store into the gauges, as a scrape calls etcd's GaugeFuncs. */
  async collect(): Promise<void> {
    const v = await this.values();
    this.keysTotal.set(NO_LABELS, v.keys);
    this.watcherTotal.set(NO_LABELS, v.watchers);
    this.currentRevision.set(NO_LABELS, v.revision);
    this.compactRevision.set(NO_LABELS, v.compactRevision);
    if (v.dbSize !== undefined) this.dbTotalSize.set(NO_LABELS, v.dbSize);
    if (v.dbSizeInUse !== undefined) this.dbTotalSizeInUse.set(NO_LABELS, v.dbSizeInUse);
    if (v.quotaBytes !== undefined) this.quotaBackendBytes.set(NO_LABELS, v.quotaBytes);
  }

  /** families are the families to expose; the WAL histogram only once a WAL has reported, the sizes only for a store that says them. */
  families(): Family[] {
    return [
      this.keysTotal, this.watcherTotal, this.currentRevision, this.compactRevision, this.dbTotalSize, this.dbTotalSizeInUse,
      this.quotaBackendBytes, this.totalPutSize, this.rangeTotal, this.putTotal, this.deleteTotal, this.txnTotal, this.slowApplyTotal,
      this.walFsyncDuration,
    ];
  }

  /** reset starts the counters and the histogram over (DELETE /metrics); the gauges keep their readings. */
  reset(): void {
    for (const f of [this.rangeTotal, this.putTotal, this.deleteTotal, this.txnTotal, this.slowApplyTotal, this.walFsyncDuration]) f.reset();
    this.zeroCounters();
  }

  /** zeroCounters gives each counter its child at 0, so it is exposed before its first count, as a client_golang Counter is. */
  private zeroCounters(): void {
    for (const c of [this.rangeTotal, this.putTotal, this.deleteTotal, this.txnTotal, this.slowApplyTotal]) c.inc(NO_LABELS, 0);
  }

  private countApply(seconds: number): void {
    if (seconds > SLOW_APPLY_SECONDS) this.slowApplyTotal.inc(NO_LABELS);
  }

  /** status is the store's maintenance status where it has one; otherwise the revision, the keys counted, and the compactions seen. */
  private async status(): Promise<{ revision: number; compactRevision: number; keys: number; admin?: StoreStatus }> {
    if (hasAdmin(this.store)) {
      const admin = await this.store.status();
      return { revision: admin.revision, compactRevision: admin.compactRevision, keys: admin.keys, admin };
    }
    const { kvs, revision } = await this.store.range('');
    return { revision, compactRevision: Math.min(this.compactedTo, revision), keys: kvs.length };
  }
}

function gauge(name: string, help: string): GaugeVec {
  return new GaugeVec({ name, help });
}

function counter(name: string, help: string): CounterVec {
  return new CounterVec({ name, help });
}
