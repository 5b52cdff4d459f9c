/**
 * autoscaling is printHorizontalPodAutoscaler of printers.go, with
 * formatHPAMetrics' TARGETS (`cpu: 80%/50%`, `memory: 120Mi/100Mi`,
 * `<unknown>` before the first reading, at most two then `+ N more...`).
 */
import type { MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from '../../api/autoscaling';
import { get, num, optNum, str } from './fields';
import { since, quantityString } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** MAX_LISTED is how many metrics TARGETS shows before `+ N more...`. */
const MAX_LISTED = 2;
const UNKNOWN = '<unknown>';

/** formatHPAMetrics is printers.go's formatHPAMetrics: each metric's current value over its target. */
export function formatHPAMetrics(specs: readonly MetricSpec[], statuses: readonly MetricStatus[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  const shown = list.slice(0, MAX_LISTED).join(', ');
  return list.length > MAX_LISTED ? `${shown} + ${list.length - MAX_LISTED} more...` : shown;
}

function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External':
      return objectOrExternal(spec.external?.target, status?.external?.current);
    case 'Object':
      return objectOrExternal(spec.object?.target, status?.object?.current);
    case 'Pods':
      return `${status?.pods ? quantityString(status.pods.current.averageValue) : UNKNOWN}/${quantityString(spec.pods?.target.averageValue)}`;
    case 'Resource':
      return resource(spec.resource?.name ?? '', spec.resource?.target, status?.resource?.current);
    case 'ContainerResource':
      return resource(spec.containerResource?.name ?? '', spec.containerResource?.target, status?.containerResource?.current);
    default:
      return '<unknown type>';
  }
}

/** objectOrExternal is the Object and External cases: an average value marked `(avg)`, else the value. */
function objectOrExternal(target: MetricTarget | undefined, current: MetricValueStatus | undefined): string {
  if (target?.averageValue !== undefined) {
    const now = current?.averageValue !== undefined ? quantityString(current.averageValue) : UNKNOWN;
    return `${now}/${quantityString(target.averageValue)} (avg)`;
  }
  return `${current ? quantityString(current.value) : UNKNOWN}/${quantityString(target?.value)}`;
}

/** resource is the Resource and ContainerResource cases: `name: current/target`, utilization as a percentage. */
function resource(name: string, target: MetricTarget | undefined, current: MetricValueStatus | undefined): string {
  if (target?.averageValue !== undefined) return `${name}: ${current ? quantityString(current.averageValue) : UNKNOWN}/${quantityString(target.averageValue)}`;
  const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : UNKNOWN;
  const want = target?.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
  return `${name}: ${now}/${want}`;
}

/** horizontalPodAutoscalerPrinter is printHorizontalPodAutoscaler. */
export const horizontalPodAutoscalerPrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
    col('Reference', 'string', doc('HorizontalPodAutoscalerSpec.scaleTargetRef')),
    col('Targets', 'string', doc('HorizontalPodAutoscalerSpec.metrics')),
    col('MinPods', 'string', doc('HorizontalPodAutoscalerSpec.minReplicas')),
    col('MaxPods', 'string', doc('HorizontalPodAutoscalerSpec.maxReplicas')),
    col('Replicas', 'string', doc('HorizontalPodAutoscalerStatus.currentReplicas')),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
  ],
  print: (hpa, now) => {
    const specs = get(hpa, 'spec', 'metrics');
    const statuses = get(hpa, 'status', 'currentMetrics');
    const min = optNum(hpa, 'spec', 'minReplicas');
    return {
      cells: [
        str(hpa, 'metadata', 'name'),
        `${str(hpa, 'spec', 'scaleTargetRef', 'kind')}/${str(hpa, 'spec', 'scaleTargetRef', 'name')}`,
        formatHPAMetrics(Array.isArray(specs) ? (specs as MetricSpec[]) : [], Array.isArray(statuses) ? (statuses as MetricStatus[]) : []),
        min === undefined ? '<unset>' : String(min),
        num(hpa, 'spec', 'maxReplicas'),
        num(hpa, 'status', 'currentReplicas'),
        since(hpa.metadata.creationTimestamp, now),
      ],
    };
  },
};
