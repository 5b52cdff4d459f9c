/** NodeUnschedulable filters out cordoned nodes unless the pod tolerates the unschedulable taint. */
import { TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../api/taints';
import type { Pod } from '../../api/types';
import { type CycleState, type FilterPlugin, SUCCESS, type Status, unresolvable } from '../framework/interfaces';
import { NodeUnschedulable } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';

export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

/** toleratesUnschedulable reports whether pod tolerates the unschedulable:NoSchedule taint. */
export function toleratesUnschedulable(pod: Pod): boolean {
  return tolerationsTolerateTaint(pod.spec.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
}

export const nodeUnschedulable = {
  name: NodeUnschedulable,
  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    return node.unschedulable && !toleratesUnschedulable(pod) ? unresolvable(NodeUnschedulable, ERR_REASON_UNSCHEDULABLE) : SUCCESS;
  },
} satisfies FilterPlugin;
