/**
 * ApiServerMetrics is what kube-apiserver 1.32 serves at /metrics, for what the
 * lab's API server really does: requests by verb, group, version, resource,
 * scope and code (apiserver_request_total) and their latency
 * (apiserver_request_duration_seconds), the in-flight and long-running
 * requests, each admission plugin's and step's latency from the request's
 * trace, the store calls (etcd_request_duration_seconds) and the objects kept
 * (apiserver_storage_objects), and process_start_time_seconds. Names, help,
 * labels and buckets are upstream's (endpoints/metrics/metrics.go,
 * admission/metrics/metrics.go, storage/etcd3/metrics/metrics.go).
 */
import type { Clock } from '../clock';
import type { ApiRequest } from '../apiserver/apiServer';
import type { RequestInfo } from '../apiserver/requestInfo';
import type { RequestTrace } from '../apiserver/trace';
import type { Store } from '../store/store';
import { CounterVec, type Family, GaugeVec, HistogramVec, PROMETHEUS_TEXT, render } from './exposition';
import { InstrumentedStore } from './instrumentedStore';
import { StoreMetrics } from './storeMetrics';
import { isObservedStore } from '../store/storeObserver';

/** REQUEST_DURATION_BUCKETS are apiserver_request_duration_seconds' buckets (and etcd_request_duration_seconds', kept consistent with them). */
export const REQUEST_DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60] as const;
/** ADMISSION_BUCKETS are the admission controller and step histograms' buckets: 5 ms to 2.5 s. */
export const ADMISSION_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5] as const;

/** APISERVER_COMPONENT is the `component` label of the API server's own requests. */
const APISERVER_COMPONENT = 'apiserver';
/** validRequestMethods: any other reported verb is `other`. */
const VALID_VERBS = new Set(['APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST', 'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST']);
const APPLY_PATCH = 'application/apply-patch+yaml';
const READ_ONLY = 0;
const MUTATING = 1;

/** ApiServerMetricsOptions connect the metrics to the server they measure. */
export interface ApiServerMetricsOptions {
  clock: Clock;
  /** stopwatch is the monotonic millisecond counter request traces use. */
  stopwatch: () => number;
  /** store is where the objects are counted, read directly so a scrape does not count as the server's own store calls. */
  store: Store;
  /** storedResources lists the stored group/resources, each counted under its key prefix (`/registry/deployments/`). */
  storedResources: () => Iterable<{ group: string; resource: string; prefix: string }>;
}

/** LongRunning is one open long-running request; end it when its stream closes. */
export interface LongRunning {
  end(): void;
}

/** ApiServerMetrics holds the API server's metric families and records into them as requests are answered. */
export class ApiServerMetrics {
  private readonly requestTotal = new CounterVec({
    name: 'apiserver_request_total', stability: 'STABLE',
    help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    labels: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
  });

  private readonly requestDuration = new HistogramVec({
    name: 'apiserver_request_duration_seconds', stability: 'STABLE',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labels: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
  }, REQUEST_DURATION_BUCKETS);

  private readonly longRunningRequests = new GaugeVec({
    name: 'apiserver_longrunning_requests', stability: 'STABLE',
    help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
    labels: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
  });

  private readonly currentInflight = new GaugeVec({
    name: 'apiserver_current_inflight_requests', stability: 'STABLE',
    help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
    labels: ['request_kind'],
  });

  private readonly admissionController = new HistogramVec({
    name: 'apiserver_admission_controller_admission_duration_seconds', stability: 'STABLE',
    help: 'Admission controller latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).',
    labels: ['name', 'type', 'operation', 'rejected'],
  }, ADMISSION_BUCKETS);

  private readonly admissionStep = new HistogramVec({
    name: 'apiserver_admission_step_admission_duration_seconds', stability: 'STABLE',
    help: 'Admission sub-step latency histogram in seconds, broken out for each operation and API resource and step type (validate or admit).',
    labels: ['type', 'operation', 'rejected'],
  }, ADMISSION_BUCKETS);

  private readonly etcdRequestDuration = new HistogramVec({
    name: 'etcd_request_duration_seconds', stability: 'ALPHA',
    help: 'Etcd request latency in seconds for each operation and object type.',
    labels: ['operation', 'type'],
  }, REQUEST_DURATION_BUCKETS);

  private readonly etcdRequests = new CounterVec({
    name: 'etcd_requests_total', stability: 'ALPHA',
    help: 'Etcd request counts for each operation and object type.',
    labels: ['operation', 'type'],
  });

  private readonly storageObjects = new GaugeVec({
    name: 'apiserver_storage_objects', stability: 'STABLE',
    help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
    labels: ['resource'],
  });

  /** transformations counts the encryption-at-rest transformer's work (storage/value/metrics.go). */
  private readonly transformations = new CounterVec({
    name: 'apiserver_storage_transformation_operations_total', stability: 'ALPHA',
    help: 'Total number of transformations.',
    labels: ['transformation_type', 'transformer_prefix', 'status'],
  });

  /** processStart is client_golang's process collector's gauge, which carries no stability level. */
  private readonly processStart = new GaugeVec({ name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.' });

  /** inflight counts the requests in flight now, [readOnly, mutating]; peak and lastPeak are their high-water marks this second and last. */
  private readonly inflight = [0, 0];
  private peak = [0, 0];
  private lastPeak = [0, 0];
  private second: number;

  /** etcd is etcd's own metrics about the store: keys, revisions, watchers, sizes, slow applies, the WAL's fsyncs. A panel reads them with values(). */
  readonly etcd: StoreMetrics;

  constructor(private readonly options: ApiServerMetricsOptions) {
    this.etcd = new StoreMetrics(options.store);
    if (isObservedStore(options.store)) options.store.observe(this.etcd);
    // The process's start time, in the clock ticks (1/100 s) /proc reports it in.
    this.processStart.set([], Math.floor(options.clock.now() / 10) / 100);
    this.second = Math.floor(options.clock.now() / 1000);
    this.publishInflight();
  }

  /** instrumentStore wraps the server's store so each call it makes is timed. */
  instrumentStore(store: Store): Store {
    return new InstrumentedStore(store, (operation, type, seconds) => {
      this.etcdRequestDuration.observe([operation, type], seconds);
      this.etcdRequests.inc([operation, type]);
    }, this.options.stopwatch, this.etcd);
  }

  /** requestStarted counts a request in flight, read-only or mutating as WithMaxInFlightLimit tells them apart. */
  requestStarted(method: string): void {
    const kind = method === 'GET' ? READ_ONLY : MUTATING;
    this.roll();
    this.inflight[kind]++;
    this.peak[kind] = Math.max(this.peak[kind], this.inflight[kind]);
  }

  /**
   * requestFinished ends a request started with requestStarted. A request that
   * reached a resource's handler (info) is counted with its code and latency,
   * and its admission plugins' verdicts observed, as MonitorRequest and the
   * admission metrics decorator do.
   */
  requestFinished(req: ApiRequest, info: RequestInfo | undefined, code: number, trace: RequestTrace): void {
    const kind = req.method === 'GET' ? READ_ONLY : MUTATING;
    this.roll();
    this.inflight[kind] = Math.max(0, this.inflight[kind] - 1);
    if (!info) return;
    this.record(req, info, code, trace.status.durationMs / 1000);
    const operation = admissionOperation(info);
    if (!operation) return;
    for (const stage of trace.status.stages) {
      const type = stage.name === 'mutating admission' ? 'admit' : stage.name === 'validating admission' ? 'validate' : undefined;
      if (!type) continue;
      this.admissionStep.observe([type, operation, String(stage.result === 'rejected')], stage.durationMs / 1000);
      for (const p of stage.plugins ?? []) this.admissionController.observe([p.name, type, operation, String(p.verdict === 'denied')], p.durationMs / 1000);
    }
  }

  /** record counts one answered resource request, as MonitorRequest does. */
  record(req: ApiRequest, info: RequestInfo, code: number, seconds: number): void {
    const scope = cleanScope(info);
    const verb = reportedVerb(req, info, scope);
    const dryRun = cleanDryRun(req);
    this.requestTotal.inc([verb, dryRun, info.group, info.version, info.resource, info.subresource, scope, APISERVER_COMPONENT, String(code)]);
    this.requestDuration.observe([verb, dryRun, info.group, info.version, info.resource, info.subresource, scope, APISERVER_COMPONENT], seconds);
  }

  /** longRunning tracks a watch while it is open (RecordLongRunning); when it ends it is counted as a request answered 200. */
  longRunning(req: ApiRequest, info: RequestInfo): LongRunning {
    const scope = cleanScope(info);
    const labels = [reportedVerb(req, info, scope), info.group, info.version, info.resource, info.subresource, scope, APISERVER_COMPONENT];
    const started = this.options.stopwatch();
    this.longRunningRequests.add(labels, 1);
    let ended = false;
    return {
      end: () => {
        if (ended) return;
        ended = true;
        this.longRunningRequests.add(labels, -1);
        this.record(req, info, 200, (this.options.stopwatch() - started) / 1000);
      },
    };
  }

  /** expose renders the exposition; the scrape is itself a read-only request in flight, as the max-in-flight filter counts it. */
  async expose(): Promise<string> {
    this.requestStarted('GET');
    try {
      await this.countObjects();
      await this.etcd.collect();
      this.publishInflight();
      return render(this.families());
    } finally {
      this.inflight[READ_ONLY] = Math.max(0, this.inflight[READ_ONLY] - 1);
    }
  }

  /** reset is DELETE /metrics (legacyregistry.Reset): counters and histograms start over; gauges keep their readings. */
  reset(): void {
    for (const f of [this.requestTotal, this.requestDuration, this.admissionController, this.admissionStep, this.etcdRequestDuration, this.etcdRequests, this.transformations]) f.reset();
    this.etcd.reset();
  }

  private families(): Family[] {
    return [
      this.requestTotal, this.requestDuration, this.longRunningRequests, this.currentInflight, this.admissionController, this.admissionStep,
      this.etcdRequestDuration, this.etcdRequests, this.storageObjects, this.transformations, this.processStart,
      ...this.etcd.families(),
    ];
  }

  /** recordTransformation counts one value transformed to or from storage, as value.RecordTransformation. */
  recordTransformation(type: 'to_storage' | 'from_storage', prefix: string, status: string): void {
    this.transformations.inc([type, prefix, status]);
  }

  /** countObjects is the storage object counter's check: each stored resource's keys, -1 where the count failed. */
  private async countObjects(): Promise<void> {
    const seen = new Set<string>();
    for (const { group, resource, prefix } of this.options.storedResources()) {
      const label = group ? `${resource}.${group}` : resource;
      if (seen.has(label)) continue;
      seen.add(label);
      try {
        const { kvs } = await this.options.store.range(prefix);
        this.storageObjects.set([label], kvs.length);
      } catch {
        this.storageObjects.set([label], -1);
      }
    }
  }

  /** roll starts a new second of high-water marks, keeping the one that ended. */
  private roll(): void {
    const second = Math.floor(this.options.clock.now() / 1000);
    if (second === this.second) return;
    this.lastPeak = second === this.second + 1 ? this.peak : [...this.inflight];
    this.peak = [...this.inflight];
    this.second = second;
  }

  private publishInflight(): void {
    this.roll();
    this.currentInflight.set(['readOnly'], Math.max(this.lastPeak[READ_ONLY], this.peak[READ_ONLY]));
    this.currentInflight.set(['mutating'], Math.max(this.lastPeak[MUTATING], this.peak[MUTATING]));
  }
}

/** cleanScope is CleanScope: a named object or a create is `resource`, then `namespace`, then `cluster`. */
export function cleanScope(info: RequestInfo): string {
  if (info.name || info.verb === 'create') return 'resource';
  if (info.namespace) return 'namespace';
  return info.isResourceRequest ? 'cluster' : '';
}

/**
 * reportedVerb is MonitorRequest's verb: the HTTP method made canonical (a GET
 * of a collection is LIST), WATCH for a watch, APPLY for a server-side apply
 * patch, and `other` for anything unknown.
 */
export function reportedVerb(req: Pick<ApiRequest, 'method' | 'contentType'>, info: RequestInfo, scope: string): string {
  let verb: string = req.method;
  if (verb === 'GET' && scope !== 'resource' && scope !== '') verb = 'LIST';
  if (info.verb === 'watch') verb = 'WATCH';
  if (verb === 'PATCH' && (req.contentType ?? '').split(';')[0].trim() === APPLY_PATCH) verb = 'APPLY';
  return VALID_VERBS.has(verb) ? verb : 'other';
}

/** cleanDryRun is the dry_run label: '' without ?dryRun, its value when valid (All), else `invalid`. */
export function cleanDryRun(req: Pick<ApiRequest, 'path' | 'query'>): string {
  // Most requests are not dry runs: answer them without allocating, as cleanDryRun avoids parsing the query.
  if (req.query?.dryRun === undefined && !req.path.includes('dryRun')) return '';
  const q = req.path.indexOf('?');
  const fromPath = q >= 0 && req.path.includes('dryRun', q) ? new URLSearchParams(req.path.slice(q + 1)).getAll('dryRun') : [];
  const values = [...new Set([...fromPath, ...(req.query?.dryRun !== undefined ? [req.query.dryRun] : [])])].sort();
  if (!values.length) return '';
  return values.every((v) => v === 'All') ? values.join(',') : 'invalid';
}

/** admissionOperation is the admission attributes' operation of a request, or undefined when admission does not run. */
function admissionOperation(info: RequestInfo): string | undefined {
  switch (info.verb) {
    case 'create': return 'CREATE';
    case 'update': case 'patch': return 'UPDATE';
    case 'delete': case 'deletecollection': return 'DELETE';
    default: return undefined;
  }
}

/** MetricsAnswer is /metrics' reply: the exposition, or the acknowledgement of a reset. */
export interface MetricsAnswer {
  body: string;
  contentType: string;
}

/** serveMetrics is kube-apiserver's /metrics handler (MetricsWithReset, installed with --profiling): DELETE resets, any other method reads. */
export async function serveMetrics(metrics: ApiServerMetrics, method: string): Promise<MetricsAnswer> {
  if (method === 'DELETE') {
    metrics.reset();
    return { body: 'metrics reset\n', contentType: 'text/plain; charset=utf-8' };
  }
  return { body: await metrics.expose(), contentType: PROMETHEUS_TEXT };
}
