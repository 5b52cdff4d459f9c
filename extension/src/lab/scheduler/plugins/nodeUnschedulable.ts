/** NodeUnschedulable filters out cordoned nodes unless the pod tolerates the unschedulable taint. */
import type { Pod } from '../../api/types';
import { type CycleState, type FilterPlugin, SUCCESS, type Status, unresolvable } from '../framework/interfaces';
import { NodeUnschedulable } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';

export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
const TAINT = 'node.kubernetes.io/unschedulable';

/** toleratesUnschedulable reports whether pod tolerates the unschedulable:NoSchedule taint. */
export function toleratesUnschedulable(pod: Pod): boolean {
  return (pod.spec.tolerations ?? []).some((t) => (t.operator === 'Exists' && (!t.key || t.key === TAINT)) && (!t.effect || t.effect === 'NoSchedule'));
}

export const nodeUnschedulable = {
  name: NodeUnschedulable,
  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    return node.node.spec?.unschedulable && !toleratesUnschedulable(pod) ? unresolvable(NodeUnschedulable, ERR_REASON_UNSCHEDULABLE) : SUCCESS;
  },
} satisfies FilterPlugin;
