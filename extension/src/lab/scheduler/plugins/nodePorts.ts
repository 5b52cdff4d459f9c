/**
 * NodePorts keeps a pod off nodes where a host port it asks for is taken (same
 * protocol and port on the same address, or on any address when either side binds
 * 0.0.0.0), as upstream's plugin.
 */
import type { Pod } from '../../api/types';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type QueueingHint,
  SUCCESS, type Status, skip, unschedulable,
} from '../framework/interfaces';
import { NodePorts } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { type HostPort, HostPortInfo, hostPorts } from '../podResources';

/** ERR_REASON is upstream's reason when a requested host port is in use. */
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

const PRE_FILTER_STATE_KEY = `PreFilter${NodePorts}`;

/** fitsPorts reports whether none of wanted conflicts with the ports in use on node. */
export function fitsPorts(wanted: readonly HostPort[], node: NodeInfo): boolean {
  const used = node.usedPorts;
  return !wanted.some((p) => used.conflicts(p));
}

/** fits is nodeports.Fits: the pod's host ports are all free on node. */
export function fits(pod: Pod, node: NodeInfo): boolean {
  return fitsPorts(hostPorts(pod), node);
}

/** isSchedulableAfterPodDeleted is the plugin's queueing hint: only a bound (or nominated) pod holding a port that conflicts with a wanted one frees anything. */
export function isSchedulableAfterPodDeleted(pod: Pod, deleted: Pod): QueueingHint {
  if (!deleted.spec.nodeName && !deleted.status?.nominatedNodeName) return 'QueueSkip';
  const freed = new HostPortInfo();
  for (const p of hostPorts(deleted)) freed.add(p);
  return hostPorts(pod).some((p) => freed.conflicts(p)) ? 'Queue' : 'QueueSkip';
}

/** nodePorts builds the plugin; it takes no args. */
export function nodePorts(): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: NodePorts,
    preFilter(state: CycleState, pod: Pod): Status {
      const wanted = hostPorts(pod);
      if (wanted.length === 0) return skip(NodePorts);
      state.set(PRE_FILTER_STATE_KEY, wanted);
      return SUCCESS;
    },
    filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
      // Without PreFilter (the framework may not run it), work the ports out here.
      const wanted = (state.get(PRE_FILTER_STATE_KEY) as HostPort[] | undefined) ?? hostPorts(pod);
      return fitsPorts(wanted, node) ? SUCCESS : unschedulable(NodePorts, ERR_REASON);
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [
        { event: { resource: 'Pod', actionType: ActionType.Delete }, queueingHint: (pod, oldObj) => isSchedulableAfterPodDeleted(pod, oldObj as Pod) },
        { event: { resource: 'Node', actionType: ActionType.Add } },
      ];
    },
  };
}

/** defaultNodePorts is the plugin as the default profile runs it. */
export const defaultNodePorts = nodePorts();
