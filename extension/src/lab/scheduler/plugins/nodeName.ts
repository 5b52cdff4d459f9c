/** NodeName keeps a pod that names a node in spec.nodeName off every other node, as upstream's plugin. */
import type { Pod } from '../../api/types';
import { type CycleState, type FilterPlugin, SUCCESS, type Status, unresolvable } from '../framework/interfaces';
import { NodeName } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';

/** ERR_REASON is upstream's reason when the node is not the one the pod asks for. */
export const ERR_REASON = "node(s) didn't match the requested node name";

/** fits is nodename.Fits: the pod names no node, or names this one. */
export function fits(pod: Pod, node: NodeInfo): boolean {
  return !pod.spec.nodeName || pod.spec.nodeName === node.name;
}

/** nodeName builds the plugin; it takes no args. */
export function nodeName(): FilterPlugin {
  return {
    name: NodeName,
    filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
      return fits(pod, node) ? SUCCESS : unresolvable(NodeName, ERR_REASON);
    },
  } satisfies FilterPlugin;
}

/** defaultNodeName is the plugin as the default profile runs it. */
export const defaultNodeName = nodeName();
