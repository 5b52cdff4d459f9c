/**
 * metrics is the `metrics.k8s.io/v1beta1` group that metrics-server adds to a
 * cluster through its APIService (v1beta1.metrics.k8s.io): nodes and pods,
 * NodeMetrics and PodMetrics, read-only (get, list) and computed from the
 * kubelets' resource usage rather than stored (metrics/metricsServer.ts).
 */
import { type ResourceType, def } from '../resources';

/** METRICS_GROUP is the resource metrics API's group. */
export const METRICS_GROUP = 'metrics.k8s.io';

const computed = { nameValidator: () => [], generation: false, statusSubresource: false };

/** metricsResources are served as metrics-server's discovery lists them: no singular name, get and list. */
export const metricsResources: readonly ResourceType[] = [
  def({ group: METRICS_GROUP, version: 'v1beta1', resource: 'nodes', kind: 'NodeMetrics', singularName: '', namespaced: false, subresources: [], verbs: ['get', 'list'], strategy: computed }),
  def({ group: METRICS_GROUP, version: 'v1beta1', resource: 'pods', kind: 'PodMetrics', singularName: '', namespaced: true, subresources: [], verbs: ['get', 'list'], strategy: computed }),
];
