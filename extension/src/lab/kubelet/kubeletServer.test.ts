import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { ManualClock } from '../clock';
import type { NodeUsage } from '../metrics/nodeUsage';
import { type KubeletServerSource, serveKubelet } from './kubeletServer';

const START = Date.UTC(2026, 0, 1);

/** source is a kubelet started at START, now 65 s on, whose one pod web has used 2 core-seconds, 0.5 of them in the last interval. */
function source(): KubeletServerSource {
  const clock = new ManualClock(START + 65_000);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx' }] }, status: { startTime: '2026-01-01T00:00:01Z' } } as Pod;
  const usage = (cpu: number, nodeCpu: number): NodeUsage => ({
    startTime: START,
    node: { cpuCoreSeconds: nodeCpu, memoryWorkingSetBytes: 500_000_000 },
    pods: [{ namespace: 'default', name: 'web', containers: [{ name: 'main', startTime: START + 1_500, cpuCoreSeconds: cpu, memoryWorkingSetBytes: 1_048_576 }] }],
  });
  return {
    nodeName: 'node-1', podCIDR: '10.244.1.0/24', capacity: { memory: '8Gi', pods: '110' }, nodeStatusUpdateMs: 10_000, clock,
    startedAt: () => START,
    pods: () => [pod],
    resourceUsage: (from) => (from === START ? usage(2, 6) : usage(0.5, 1)),
  };
}

// pkg/kubelet/server/server.go: InstallDefaultHandlers, InstallDebuggingHandlers; go-restful's and net/http's not-found answers.
test('each endpoint answers with the kubelet\'s status and Content-Type', () => {
  const s = source();
  const cases: [string, string, number, string, string?][] = [
    ['GET', '/healthz', 200, 'text/plain; charset=utf-8', 'ok'],
    ['GET', '/pods', 200, 'application/json'],
    ['POST', '/pods', 405, 'text/plain; charset=utf-8', '405: Method Not Allowed'],
    ['GET', '/pods/x', 404, 'text/plain; charset=utf-8', '404: Page Not Found'],
    ['GET', '/stats/summary', 200, 'application/json'],
    ['GET', '/stats/nope', 404, 'text/plain; charset=utf-8', '404: Page Not Found'],
    ['GET', '/configz', 200, 'application/json'],
    ['GET', '/metrics/resource', 200, 'text/plain; version=0.0.4; charset=utf-8'],
    ['GET', '/', 404, 'text/plain; charset=utf-8', '404 page not found\n'],
    ['GET', '/spec/', 404, 'text/plain; charset=utf-8', '404 page not found\n'],
  ];
  for (const [method, path, status, contentType, body] of cases) {
    const answer = serveKubelet(s, method, path);
    assert.deepEqual([answer.status, answer.contentType], [status, contentType], `${method} ${path}`);
    if (body !== undefined) assert.equal(answer.body, body, `${method} ${path}`);
  }
});

test('/pods is a v1 PodList of the node\'s pods, items without type meta', () => {
  const list = JSON.parse(serveKubelet(source(), 'GET', '/pods').body);
  assert.deepEqual([list.kind, list.apiVersion, list.metadata, Object.keys(list.items[0])], ['PodList', 'v1', {}, ['metadata', 'spec', 'status']]);
});

// pkg/kubelet/apis/stats/v1alpha1 (k8s.io/kubelet/pkg/apis/stats/v1alpha1/types.go): Summary, NodeStats, PodStats, CPUStats, MemoryStats.
test('/stats/summary reads the latest housekeeping: cumulative CPU, the rate over the interval, the working set', () => {
  const summary = JSON.parse(serveKubelet(source(), 'GET', '/stats/summary').body);
  const at = '2026-01-01T00:01:00Z';
  assert.deepEqual(summary.node, {
    nodeName: 'node-1', startTime: '2026-01-01T00:00:00Z',
    cpu: { time: at, usageNanoCores: 100_000_000, usageCoreNanoSeconds: 6_000_000_000 },
    memory: { time: at, availableBytes: 8 * 1024 ** 3 - 500_000_000, workingSetBytes: 500_000_000 },
  });
  const cpu = { time: at, usageNanoCores: 50_000_000, usageCoreNanoSeconds: 2_000_000_000 };
  assert.deepEqual(summary.pods, [{
    podRef: { name: 'web', namespace: 'default', uid: 'u1' }, startTime: '2026-01-01T00:00:01Z',
    containers: [{ name: 'main', startTime: '2026-01-01T00:00:01Z', cpu, memory: { time: at, workingSetBytes: 1_048_576 } }],
    cpu, memory: { time: at, workingSetBytes: 1_048_576 },
  }]);
});

// pkg/kubelet/metrics/collectors/resource_metrics.go: the families, their help and the samples' timestamps.
test('/metrics/resource prints the resource metrics collector\'s families', () => {
  assert.equal(serveKubelet(source(), 'GET', '/metrics/resource').body, [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    'container_cpu_usage_seconds_total{container="main",namespace="default",pod="web"} 2 1767225660000',
    '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
    '# TYPE container_memory_working_set_bytes gauge',
    'container_memory_working_set_bytes{container="main",namespace="default",pod="web"} 1.048576e+06 1767225660000',
    '# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds',
    '# TYPE container_start_time_seconds gauge',
    'container_start_time_seconds{container="main",namespace="default",pod="web"} 1.7672256015e+09',
    '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
    '# TYPE node_cpu_usage_seconds_total counter',
    'node_cpu_usage_seconds_total 6 1767225660000',
    '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
    '# TYPE node_memory_working_set_bytes gauge',
    'node_memory_working_set_bytes 5e+08 1767225660000',
    '# HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds',
    '# TYPE pod_cpu_usage_seconds_total counter',
    'pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2 1767225660000',
    '# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes',
    '# TYPE pod_memory_working_set_bytes gauge',
    'pod_memory_working_set_bytes{namespace="default",pod="web"} 1.048576e+06 1767225660000',
    '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
    '# TYPE resource_scrape_error gauge',
    'resource_scrape_error 0',
    '',
  ].join('\n'));
});

test('/configz wraps the lab kubelet\'s KubeletConfiguration in kubeletconfig', () => {
  const { kubeletconfig } = JSON.parse(serveKubelet(source(), 'GET', '/configz').body);
  assert.deepEqual([kubeletconfig.port, kubeletconfig.podCIDR, kubeletconfig.maxPods, kubeletconfig.nodeStatusUpdateFrequency, kubeletconfig.clusterDNS], [10250, '10.244.1.0/24', 110, '10s', ['10.96.0.10']]);
});
