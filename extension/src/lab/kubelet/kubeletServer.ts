/**
 * kubeletServer is the kubelet's read-only HTTPS endpoints as pkg/kubelet/server/server.go
 * serves them: /healthz, /pods, /stats/summary, /metrics/resource and /configz.
 * Stats are cAdvisor's, sampled each housekeeping interval, so every figure is
 * read at the latest housekeeping before now; CPU rates are over the interval
 * that ends there. Paths under a go-restful web service and paths on the plain
 * mux fail as each does: `404: Page Not Found` and `405: Method Not Allowed`
 * from go-restful, `404 page not found` from http.NotFound.
 */
import { timestamp } from '../api/meta';
import { parseQuantity } from '../api/quantity';
import type { Pod } from '../api/types';
import type { Clock } from '../clock';
import { formatFloat, PROMETHEUS_TEXT } from '../metrics/exposition';
import { HOUSEKEEPING_MS, type NodeUsage, type UsageSample } from '../metrics/nodeUsage';
import { CLUSTER_DNS, CLUSTER_DOMAIN } from './containerRoot';

/** KubeletHttpAnswer is one HTTP answer of the kubelet: status, body and Content-Type. */
export interface KubeletHttpAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** KubeletServerSource is what the endpoints read from their kubelet. */
export interface KubeletServerSource {
  nodeName: string;
  podCIDR: string;
  capacity: { memory: string; pods: string };
  /** nodeStatusUpdateMs is the kubelet's nodeStatusUpdateFrequency. */
  nodeStatusUpdateMs: number;
  clock: Clock;
  /** startedAt is when the kubelet started; undefined before then. */
  startedAt(): number | undefined;
  pods(): readonly Pod[];
  resourceUsage(from: number, to: number): NodeUsage | undefined;
}

/** The kubelet's --port. */
export const KUBELET_PORT = 10250;
const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';
/** go-restful's answers for a path its web service has no route for, and a route without the method. */
const RESTFUL_NOT_FOUND: KubeletHttpAnswer = { status: 404, body: '404: Page Not Found', contentType: TEXT };
const RESTFUL_METHOD_NOT_ALLOWED: KubeletHttpAnswer = { status: 405, body: '405: Method Not Allowed', contentType: TEXT };
/** http.NotFound's answer, the mux's for any other path. */
const MUX_NOT_FOUND: KubeletHttpAnswer = { status: 404, body: '404 page not found\n', contentType: TEXT };
/** The web services' roots: a path under one is go-restful's to route. */
const RESTFUL_ROOTS = ['/pods', '/stats'];

/** serveKubelet answers one request to the kubelet's read-only endpoints; path is the URL path, without the query. */
export function serveKubelet(source: KubeletServerSource, method: string, path: string): KubeletHttpAnswer {
  switch (path) {
    case '/healthz': return { status: 200, body: 'ok', contentType: TEXT };
    case '/configz': return { status: 200, body: JSON.stringify({ kubeletconfig: kubeletConfiguration(source) }), contentType: JSON_TYPE };
    case '/metrics/resource': return { status: 200, body: resourceMetrics(source), contentType: PROMETHEUS_TEXT };
    case '/pods':
      if (method !== 'GET') return RESTFUL_METHOD_NOT_ALLOWED;
      return { status: 200, body: JSON.stringify(podList(source.pods())), contentType: JSON_TYPE };
    case '/stats/summary':
      if (method !== 'GET') return RESTFUL_METHOD_NOT_ALLOWED;
      // go-restful's WriteAsJson indents (PrettyPrintResponses).
      return { status: 200, body: JSON.stringify(statsSummary(source), null, 2), contentType: JSON_TYPE };
  }
  return RESTFUL_ROOTS.some((root) => path === root || path.startsWith(`${root}/`)) ? RESTFUL_NOT_FOUND : MUX_NOT_FOUND;
}

/** podList is encodePods' v1.PodList of the pods bound to the node, their items without type meta. */
export function podList(pods: readonly Pod[]): { kind: 'PodList'; apiVersion: 'v1'; metadata: object; items: Pod[] } {
  const items = pods.map(({ kind: _k, apiVersion: _a, ...pod }) => pod as Pod);
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items };
}

/** Stats are the latest housekeeping's cumulative usage and the rate over the interval before it. */
interface Stats {
  time: number;
  cumulative: NodeUsage;
  /** recent covers the interval ending at time; its length is windowMs (0 when the kubelet just started). */
  recent: NodeUsage;
  windowMs: number;
}

function readStats(source: KubeletServerSource): Stats | undefined {
  const startedAt = source.startedAt();
  if (startedAt === undefined) return undefined;
  const time = Math.max(startedAt, Math.floor(source.clock.now() / HOUSEKEEPING_MS) * HOUSEKEEPING_MS);
  const from = Math.max(startedAt, time - HOUSEKEEPING_MS);
  const cumulative = source.resourceUsage(startedAt, time);
  const recent = source.resourceUsage(from, time);
  return cumulative && recent ? { time, cumulative, recent, windowMs: time - from } : undefined;
}

/** CpuStats is stats/v1alpha1 CPUStats; usageNanoCores needs two samples. */
interface CpuStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds: number }

function cpuStats(time: number, total: UsageSample, recent: UsageSample | undefined, windowMs: number): CpuStats {
  const rate = recent && windowMs > 0 ? { usageNanoCores: Math.round((recent.cpuCoreSeconds * 1e9 * 1000) / windowMs) } : {};
  return { time: timestamp(time), ...rate, usageCoreNanoSeconds: Math.round(total.cpuCoreSeconds * 1e9) };
}

/** statsSummary is stats/v1alpha1's Summary: the node's and each pod's (and container's) CPU and working set. */
export function statsSummary(source: KubeletServerSource): object {
  const stats = readStats(source);
  const startedAt = source.startedAt() ?? source.clock.now();
  const node: Record<string, unknown> = { nodeName: source.nodeName, startTime: timestamp(startedAt) };
  if (!stats) return { node, pods: [] };
  const { time, cumulative, recent, windowMs } = stats;
  const capacity = parseQuantity(source.capacity.memory) ?? 0;
  const working = cumulative.node.memoryWorkingSetBytes;
  node.cpu = cpuStats(time, cumulative.node, recent.node, windowMs);
  node.memory = { time: timestamp(time), availableBytes: Math.max(0, capacity - working), workingSetBytes: working };
  const byKey = new Map(source.pods().map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`, p]));
  const pods = [];
  for (const pod of [...cumulative.pods].sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`))) {
    const recentPod = recent.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
    // cAdvisor sees a container from its first housekeeping until its cgroup is gone.
    const live = pod.containers.filter((c) => c.startTime <= time && (c.endTime === undefined || c.endTime > time));
    if (!live.length) continue;
    const object = byKey.get(`${pod.namespace}/${pod.name}`);
    const containers = live.map((c) => ({
      name: c.name,
      startTime: timestamp(c.startTime),
      cpu: cpuStats(time, c, recentPod?.containers.find((r) => r.name === c.name && r.startTime === c.startTime), windowMs),
      memory: { time: timestamp(time), workingSetBytes: c.memoryWorkingSetBytes },
    }));
    const sum = (f: (c: { cpu: CpuStats; memory: { workingSetBytes: number } }) => number | undefined): number => containers.reduce((n, c) => n + (f(c) ?? 0), 0);
    pods.push({
      podRef: { name: pod.name, namespace: pod.namespace, uid: object?.metadata.uid ?? '' },
      startTime: object?.status?.startTime ?? timestamp(Math.min(...live.map((c) => c.startTime))),
      containers,
      cpu: { time: timestamp(time), ...(windowMs > 0 ? { usageNanoCores: sum((c) => c.cpu.usageNanoCores) } : {}), usageCoreNanoSeconds: sum((c) => c.cpu.usageCoreNanoSeconds) },
      memory: { time: timestamp(time), workingSetBytes: sum((c) => c.memory.workingSetBytes) },
    });
  }
  return { node, pods };
}

/** Metric is one family as the resource metrics collector describes it (pkg/kubelet/metrics/collectors/resource_metrics.go). */
interface Metric { name: string; help: string; type: 'counter' | 'gauge'; samples: { labels: [string, string][]; value: number; at?: number }[] }

/**
 * resourceMetrics is /metrics/resource: the collector's families, sorted by
 * name, each sample with the stats' time in milliseconds as its timestamp
 * (container_start_time_seconds has none), children sorted by label values.
 */
export function resourceMetrics(source: KubeletServerSource): string {
  const stats = readStats(source);
  const families: Metric[] = [];
  const family = (name: string, help: string, type: Metric['type']): Metric => {
    const m: Metric = { name, help, type, samples: [] };
    families.push(m);
    return m;
  };
  const containerCpu = family('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the container in core-seconds', 'counter');
  const containerMemory = family('container_memory_working_set_bytes', 'Current working set of the container in bytes', 'gauge');
  const containerStart = family('container_start_time_seconds', 'Start time of the container since unix epoch in seconds', 'gauge');
  const nodeCpu = family('node_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the node in core-seconds', 'counter');
  const nodeMemory = family('node_memory_working_set_bytes', 'Current working set of the node in bytes', 'gauge');
  const podCpu = family('pod_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the pod in core-seconds', 'counter');
  const podMemory = family('pod_memory_working_set_bytes', 'Current working set of the pod in bytes', 'gauge');
  const scrapeError = family('resource_scrape_error', '1 if there was an error while getting container metrics, 0 otherwise', 'gauge');
  scrapeError.samples.push({ labels: [], value: stats ? 0 : 1 });
  if (stats) {
    const { time, cumulative } = stats;
    // The collector's value is float64(usageCoreNanoSeconds) / float64(time.Second).
    const seconds = (s: UsageSample): number => Math.round(s.cpuCoreSeconds * 1e9) / 1e9;
    nodeCpu.samples.push({ labels: [], value: seconds(cumulative.node), at: time });
    nodeMemory.samples.push({ labels: [], value: cumulative.node.memoryWorkingSetBytes, at: time });
    for (const pod of cumulative.pods) {
      const live = pod.containers.filter((c) => c.startTime <= time && (c.endTime === undefined || c.endTime > time));
      if (!live.length) continue;
      const podLabels: [string, string][] = [['namespace', pod.namespace], ['pod', pod.name]];
      for (const c of live) {
        const labels: [string, string][] = [['container', c.name], ...podLabels];
        containerCpu.samples.push({ labels, value: seconds(c), at: time });
        containerMemory.samples.push({ labels, value: c.memoryWorkingSetBytes, at: time });
        containerStart.samples.push({ labels, value: c.startTime / 1000 });
      }
      const cpu = live.reduce((n, c) => n + Math.round(c.cpuCoreSeconds * 1e9), 0) / 1e9;
      podCpu.samples.push({ labels: podLabels, value: cpu, at: time });
      podMemory.samples.push({ labels: podLabels, value: live.reduce((n, c) => n + c.memoryWorkingSetBytes, 0), at: time });
    }
  }
  const out: string[] = [];
  for (const m of families) {
    if (!m.samples.length) continue;
    out.push(`# HELP ${m.name} [STABLE] ${m.help}`, `# TYPE ${m.name} ${m.type}`);
    const lines = m.samples.map((s) => ({ key: s.labels.map(([, v]) => v), line: `${m.name}${labelText(s.labels)} ${formatFloat(s.value)}${s.at !== undefined ? ` ${s.at}` : ''}` }));
    lines.sort((a, b) => compareKeys(a.key, b.key));
    out.push(...lines.map((l) => l.line));
  }
  return out.map((l) => `${l}\n`).join('');
}

function labelText(labels: [string, string][]): string {
  if (!labels.length) return '';
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i], b[i]);
    if (c) return c;
  }
  return a.length - b.length;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** goDuration is time.Duration's String for whole seconds or milliseconds (`10s`, `1m0s`, `4h0m0s`, `100ms`). */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h${m}m${sec}s` : m ? `${m}m${sec}s` : `${sec}s`;
}

/**
 * kubeletConfiguration is the lab kubelet's KubeletConfiguration as /configz
 * prints it: kubeadm's defaults, with the lab node's own pod CIDR, pod limit,
 * cluster DNS and status update period.
 */
export function kubeletConfiguration(source: KubeletServerSource): Record<string, unknown> {
  return {
    enableServer: true,
    staticPodPath: '/etc/kubernetes/manifests',
    syncFrequency: goDuration(60_000),
    fileCheckFrequency: goDuration(20_000),
    httpCheckFrequency: goDuration(20_000),
    address: '0.0.0.0',
    port: KUBELET_PORT,
    tlsCertFile: '/var/lib/kubelet/pki/kubelet.crt',
    tlsPrivateKeyFile: '/var/lib/kubelet/pki/kubelet.key',
    rotateCertificates: true,
    authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' }, webhook: { enabled: true, cacheTTL: goDuration(120_000) }, anonymous: { enabled: false } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: goDuration(300_000), cacheUnauthorizedTTL: goDuration(30_000) } },
    registryPullQPS: 5,
    registryBurst: 10,
    eventRecordQPS: 50,
    eventBurst: 100,
    enableDebuggingHandlers: true,
    healthzPort: 10248,
    healthzBindAddress: '127.0.0.1',
    oomScoreAdj: -999,
    clusterDomain: CLUSTER_DOMAIN,
    clusterDNS: [CLUSTER_DNS],
    streamingConnectionIdleTimeout: goDuration(4 * 3_600_000),
    nodeStatusUpdateFrequency: goDuration(source.nodeStatusUpdateMs),
    nodeStatusReportFrequency: goDuration(300_000),
    nodeLeaseDurationSeconds: 40,
    imageMinimumGCAge: goDuration(120_000),
    imageGCHighThresholdPercent: 85,
    imageGCLowThresholdPercent: 80,
    volumeStatsAggPeriod: goDuration(60_000),
    cgroupsPerQOS: true,
    cgroupDriver: 'systemd',
    cpuManagerPolicy: 'none',
    memoryManagerPolicy: 'None',
    topologyManagerPolicy: 'none',
    topologyManagerScope: 'container',
    runtimeRequestTimeout: goDuration(120_000),
    hairpinMode: 'promiscuous-bridge',
    maxPods: Number(source.capacity.pods),
    // --pod-cidr, omitted (omitempty) when the range comes from the Node.
    ...(source.podCIDR ? { podCIDR: source.podCIDR } : {}),
    podPidsLimit: -1,
    resolvConf: '/etc/resolv.conf',
    cpuCFSQuota: true,
    cpuCFSQuotaPeriod: goDuration(100),
    maxOpenFiles: 1000000,
    contentType: 'application/vnd.kubernetes.protobuf',
    kubeAPIQPS: 50,
    kubeAPIBurst: 100,
    serializeImagePulls: true,
    evictionHard: { 'imagefs.available': '15%', 'memory.available': '100Mi', 'nodefs.available': '10%', 'nodefs.inodesFree': '5%' },
    evictionPressureTransitionPeriod: goDuration(300_000),
    enableControllerAttachDetach: true,
    makeIPTablesUtilChains: true,
    iptablesMasqueradeBit: 14,
    iptablesDropBit: 15,
    failSwapOn: true,
    memorySwap: {},
    containerLogMaxSize: '10Mi',
    containerLogMaxFiles: 5,
    configMapAndSecretChangeDetectionStrategy: 'Watch',
    enforceNodeAllocatable: ['pods'],
    volumePluginDir: '/usr/libexec/kubernetes/kubelet-plugins/volume/exec/',
    logging: { format: 'text', flushFrequency: goDuration(5000), verbosity: 0, options: { text: { infoBufferSize: '0' }, json: { infoBufferSize: '0' } } },
    enableSystemLogHandler: true,
    enableSystemLogQuery: false,
    shutdownGracePeriod: '0s',
    shutdownGracePeriodCriticalPods: '0s',
    enableProfilingHandler: true,
    enableDebugFlagsHandler: true,
    seccompDefault: false,
    memoryThrottlingFactor: 0.9,
    registerNode: true,
    localStorageCapacityIsolation: true,
    containerRuntimeEndpoint: 'unix:///var/run/containerd/containerd.sock',
  };
}
