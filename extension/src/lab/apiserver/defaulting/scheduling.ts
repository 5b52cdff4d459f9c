/** scheduling applies pkg/apis/scheduling/v1/defaults.go: a PriorityClass preempts lower priorities unless told Never. */
import type { PriorityClass } from '../validation/types/scheduling';

/** defaultPriorityClass is SetDefaults_PriorityClass. */
export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= 'PreemptLowerPriority';
}
