/**
 * metricsServer serves metrics.k8s.io/v1beta1 as metrics-server does, from the
 * kubelets' resource usage. metrics-server scrapes every kubelet each metric
 * resolution (15 s in its manifests) and keeps the last two points of each node
 * and container; the kubelet's figures are cAdvisor's, sampled each 10 s
 * housekeeping. So the lab computes the same two points from the clock: the
 * last scrape, the one before it, and the stats each read; usage is the CPU
 * used between them over the time between them (the `window`: 10 s or 20 s), the
 * working set at the last (its `timestamp`). A container started less than a
 * resolution ago, but at least 10 s, is measured from its start; a node or pod
 * without both points has no metrics yet, as with metrics-server. Pods are
 * those metrics-server's informer sees: Running ones.
 */
import { timestamp } from '../api/meta';
import { formatQuantity } from '../api/quantity';
import type { KubeList, KubeObject, Node, Pod, Status } from '../api/types';
import type { HandlerContext } from '../apiserver/apiServer';
import { methodNotSupported, notFound } from '../apiserver/errors';
import { dialKubelet } from '../apiserver/kubeletDial';
import { type ObjectFilter, filterMatches, parseFilter } from '../apiserver/selectors';
import { HOUSEKEEPING_MS, type NodeUsage } from './nodeUsage';

/** METRIC_RESOLUTION_MS is metrics-server's --metric-resolution in its manifests. */
export const METRIC_RESOLUTION_MS = 15_000;
/** FRESH_CONTAINER_MIN_MS is freshContainerMinMetricsResolution: a younger container has no usage yet. */
const FRESH_CONTAINER_MIN_MS = 10_000;
/** METRICS_API_VERSION is the served group version. */
const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

/** ResourceMetricsSource is a kubelet that serves resource usage (its /metrics/resource); a kubelet without it cannot be scraped. */
export interface ResourceMetricsSource {
  resourceUsage(from: number, to: number): NodeUsage | undefined;
}

/** hasResourceMetrics tells a kubelet connection that serves resource usage from one that does not. */
export function hasResourceMetrics(kubelet: unknown): kubelet is ResourceMetricsSource {
  return typeof (kubelet as Partial<ResourceMetricsSource> | undefined)?.resourceUsage === 'function';
}

/** ScrapeTimes are metrics-server's last two scrapes and the stats times each read. */
export interface ScrapeTimes {
  last: number;
  prev: number;
  lastStats: number;
  prevStats: number;
}

/** scrapeTimes are the scrapes before now: on the resolution's grid, each reading the latest housekeeping's stats. */
export function scrapeTimes(now: number): ScrapeTimes {
  const last = Math.floor(now / METRIC_RESOLUTION_MS) * METRIC_RESOLUTION_MS;
  const prev = last - METRIC_RESOLUTION_MS;
  return { last, prev, lastStats: Math.floor(last / HOUSEKEEPING_MS) * HOUSEKEEPING_MS, prevStats: Math.floor(prev / HOUSEKEEPING_MS) * HOUSEKEEPING_MS };
}

/** Usage is one point's CPU rate and working set. */
export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
}

/** NodePoint is a node's metrics: its usage, when it was measured and over how long. */
export interface NodePoint extends Usage {
  timestamp: number;
  windowMs: number;
}

/** PodPoint is a pod's metrics: each container's usage, measured at timestamp over windowMs. */
export interface PodPoint {
  namespace: string;
  name: string;
  timestamp: number;
  windowMs: number;
  containers: (Usage & { name: string })[];
}

/** NodeScrape is what metrics-server holds for one node: its point, if it has two, and its pods'. */
export interface NodeScrape {
  node?: NodePoint;
  pods: Map<string, PodPoint>;
}

/**
 * scrapeNode is metrics-server's storage for one kubelet: the node's usage
 * between the two stats times, and each pod whose every scraped container has
 * a previous point (the one before, or its start when fresh).
 */
export function scrapeNode(kubelet: ResourceMetricsSource, t: ScrapeTimes): NodeScrape {
  const scrape: NodeScrape = { pods: new Map() };
  const usage = kubelet.resourceUsage(t.prevStats, t.lastStats);
  if (!usage || usage.startTime > t.last) return scrape;
  const windowMs = t.lastStats - t.prevStats;
  if (usage.startTime <= t.prevStats) {
    scrape.node = { timestamp: t.lastStats, windowMs, ...rate(usage.node.cpuCoreSeconds, windowMs, usage.node.memoryWorkingSetBytes) };
  }
  let sinceStart: NodeUsage | undefined;
  for (const pod of usage.pods) {
    const containers: PodPoint['containers'] = [];
    let window: { timestamp: number; windowMs: number } | undefined;
    let complete = true;
    for (const c of pod.containers) {
      // The last scrape saw a container that had stats then and still ran.
      if (c.startTime >= t.lastStats || (c.endTime !== undefined && c.endTime <= t.last)) continue;
      const age = t.lastStats - c.startTime;
      let from: number;
      let cpuCoreSeconds: number;
      if (age < METRIC_RESOLUTION_MS && age >= FRESH_CONTAINER_MIN_MS) {
        // A fresh container's previous point is its start, with no CPU used yet.
        from = c.startTime;
        cpuCoreSeconds = c.cpuCoreSeconds;
        if (c.startTime < t.prevStats) {
          // The window began after the start: ask again from before it.
          sinceStart ??= kubelet.resourceUsage(t.lastStats - METRIC_RESOLUTION_MS, t.lastStats);
          const again = sinceStart?.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name)?.containers.find((x) => x.name === c.name && x.startTime === c.startTime);
          cpuCoreSeconds = again?.cpuCoreSeconds ?? cpuCoreSeconds;
        }
      } else if (c.startTime < t.prevStats && (c.endTime === undefined || c.endTime > t.prev)) {
        from = t.prevStats;
        cpuCoreSeconds = c.cpuCoreSeconds;
      } else {
        complete = false;
        break;
      }
      const ms = t.lastStats - from;
      containers.push({ name: c.name, ...rate(cpuCoreSeconds, ms, c.memoryWorkingSetBytes) });
      window ??= { timestamp: t.lastStats, windowMs: ms };
    }
    if (complete && window) scrape.pods.set(`${pod.namespace}/${pod.name}`, { namespace: pod.namespace, name: pod.name, ...window, containers });
  }
  return scrape;
}

/** handleResourceMetrics answers get and list of nodes.metrics.k8s.io and pods.metrics.k8s.io. */
export async function handleResourceMetrics(ctx: HandlerContext): Promise<KubeObject | KubeList | Status> {
  const { type, info } = ctx;
  if (info.verb !== 'get' && info.verb !== 'list') return methodNotSupported({ group: type.group, resource: type.resource }, info.verb);
  const now = ctx.clock.now();
  const scrapes = new Scrapes(ctx, scrapeTimes(now));
  if (type.kind === 'NodeMetrics') {
    if (info.verb === 'get') {
      const node = ctx.server.cache.get('', 'nodes', '', info.name) as Node | undefined;
      if (!node) return notFound({ group: '', resource: 'node' }, info.name);
      const point = scrapes.node(node.metadata.name ?? '').node;
      return point ? nodeMetrics(node, point, now) : notFound({ group: type.group, resource: 'nodemetrics' }, info.name);
    }
    const filter = parseFilter(type, ctx.query.labelSelector, ctx.query.fieldSelector);
    if ('code' in filter) return filter;
    const nodes = (ctx.server.cache.list('', 'nodes') as Node[]).filter((n) => filterMatches(filter, metadataOnly(n)));
    const items: KubeObject[] = [];
    for (const node of [...nodes].sort((a, b) => compare(a.metadata.name ?? '', b.metadata.name ?? ''))) {
      const point = scrapes.node(node.metadata.name ?? '').node;
      if (point) items.push(nodeMetrics(node, point, now));
    }
    return { kind: 'NodeMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items };
  }
  const pods = ctx.storageFor('', 'pods');
  if (!pods) return notFound({ group: '', resource: 'pods' }, info.name);
  if (info.verb === 'get') {
    const pod = (await pods.get(info.namespace, info.name)) as Pod | undefined;
    if (!pod || pod.status?.phase !== 'Running') return notFound({ group: '', resource: 'pods' }, info.name);
    const point = scrapes.pod(pod);
    return point ? podMetrics(pod, point, now) : notFound({ group: type.group, resource: 'podmetrics' }, `${info.namespace}/${info.name}`);
  }
  const filter = parseFilter(type, ctx.query.labelSelector, ctx.query.fieldSelector);
  if ('code' in filter) return filter;
  const listed = (await pods.list(info.namespace, { labels: filter.labels, fields: [] }, 0)).items as Pod[];
  const items: KubeObject[] = [];
  for (const pod of listed.filter((p) => p.status?.phase === 'Running' && matchesFields(filter, p)).sort(byNamespaceAndName)) {
    const point = scrapes.pod(pod);
    if (point) items.push(podMetrics(pod, point, now));
  }
  return { kind: 'PodMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items };
}

/** Scrapes scrapes each node at most once per request. */
class Scrapes {
  private readonly byNode = new Map<string, NodeScrape>();

  constructor(private readonly ctx: HandlerContext, private readonly times: ScrapeTimes) {}

  node(name: string): NodeScrape {
    let scrape = this.byNode.get(name);
    if (!scrape) {
      const dialed = dialKubelet(this.ctx.server, name);
      scrape = 'kubelet' in dialed && hasResourceMetrics(dialed.kubelet) ? scrapeNode(dialed.kubelet, this.times) : { pods: new Map() };
      this.byNode.set(name, scrape);
    }
    return scrape;
  }

  pod(pod: Pod): PodPoint | undefined {
    const node = pod.spec.nodeName;
    return node ? this.node(node).pods.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`) : undefined;
  }
}

/** nodeMetrics is a v1beta1 NodeMetrics, its metadata the node's name and labels stamped now, as metrics-server builds it. */
function nodeMetrics(node: Node, p: NodePoint, now: number): KubeObject {
  return {
    kind: 'NodeMetrics', apiVersion: METRICS_API_VERSION,
    metadata: { name: node.metadata.name, creationTimestamp: timestamp(now), ...(node.metadata.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: timestamp(p.timestamp), window: goDuration(p.windowMs), usage: usage(p),
  };
}

/** podMetrics is a v1beta1 PodMetrics with each container's usage. */
function podMetrics(pod: Pod, p: PodPoint, now: number): KubeObject {
  return {
    kind: 'PodMetrics', apiVersion: METRICS_API_VERSION,
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: timestamp(now), ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}) },
    timestamp: timestamp(p.timestamp), window: goDuration(p.windowMs),
    containers: p.containers.map((c) => ({ name: c.name, usage: usage(c) })),
  };
}

/** usage is the ResourceList metrics-server writes: CPU in nanocores (DecimalSI), memory in bytes (BinarySI), both canonical. */
function usage(u: Usage): { cpu: string; memory: string } {
  return {
    cpu: formatQuantity({ nanos: BigInt(u.cpuNanoCores), format: 'DecimalSI' }),
    memory: formatQuantity({ nanos: BigInt(u.memoryBytes) * 1_000_000_000n, format: 'BinarySI' }),
  };
}

/** rate is resourceUsage: the CPU used over the window as nanocores (truncated, as uint64 does), and the working set. */
function rate(cpuCoreSeconds: number, windowMs: number, memoryBytes: number): Usage {
  return { cpuNanoCores: Math.max(0, Math.floor((cpuCoreSeconds * 1e9) / (windowMs / 1000))), memoryBytes: Math.max(0, Math.floor(memoryBytes)) };
}

/**
 * goDuration is Go's time.Duration.String() of whole milliseconds, as
 * metav1.Duration marshals: `500ms`, `20s`, `12.5s`, `1m5s`, `2h0m0s`.
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const whole = Math.floor(rest / 1000);
  const frac = String(rest % 1000).padStart(3, '0').replace(/0+$/, '');
  const seconds = `${whole}${frac ? `.${frac}` : ''}s`;
  if (hours) return `${sign}${hours}h${minutes}m${seconds}`;
  return `${sign}${minutes ? `${minutes}m` : ''}${seconds}`;
}

/** metadataOnly is what metrics-server's field selectors see of an object: its name and namespace (AddObjectMetaFieldsSet). */
function metadataOnly(obj: KubeObject): KubeObject {
  return { metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, labels: obj.metadata.labels } };
}

function matchesFields(filter: ObjectFilter, pod: Pod): boolean {
  return filterMatches(filter, metadataOnly(pod));
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name ?? '', b.metadata.name ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
