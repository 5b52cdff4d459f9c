/**
 * autoscaling applies pkg/apis/autoscaling/v2/defaults.go to HorizontalPodAutoscalers:
 * minReplicas 1, the 80 % average CPU utilization metric when none is given,
 * and, only when a behavior is set, each direction's missing rules from the
 * defaults (scale up: no window, the larger of 4 pods or 100 % per 15 s;
 * scale down: the controller's window, 100 % per 15 s).
 */
import type { HPAScalingRules, HorizontalPodAutoscaler } from '../../api/autoscaling';
import { isStruct, struct } from './structs';

/** DEFAULT_CPU_UTILIZATION is autoscaling.DefaultCPUUtilization: the target of the metric a spec without metrics gets. */
export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_DEFAULTS: Required<HPAScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
};
const SCALE_DOWN_DEFAULTS: HPAScalingRules = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** defaultHorizontalPodAutoscaler is SetDefaults_HorizontalPodAutoscaler for autoscaling/v2. */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  if (!isStruct(hpa.spec)) return;
  const spec = hpa.spec;
  if (spec.minReplicas == null) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (!isStruct(spec.behavior)) return;
  spec.behavior.scaleUp = defaultRules(spec.behavior, 'scaleUp', SCALE_UP_DEFAULTS);
  spec.behavior.scaleDown = defaultRules(spec.behavior, 'scaleDown', SCALE_DOWN_DEFAULTS);
}

/** defaultRules is GenerateHPAScaleUpRules/GenerateHPAScaleDownRules: the defaults for what the rules leave unset. */
function defaultRules(behavior: object, key: 'scaleUp' | 'scaleDown', defaults: HPAScalingRules): HPAScalingRules | undefined {
  const rules = struct<HPAScalingRules>(behavior, key);
  if (!rules) return (behavior as Record<string, HPAScalingRules | undefined>)[key];
  if (rules.stabilizationWindowSeconds == null && defaults.stabilizationWindowSeconds !== undefined) rules.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  rules.selectPolicy ??= defaults.selectPolicy;
  rules.policies ??= structuredClone(defaults.policies);
  return rules;
}
