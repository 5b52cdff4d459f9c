/** SchedulingGates holds a pod out of the active queue while spec.schedulingGates lists any gate (PreEnqueue). */
import type { Pod } from '../../api/types';
import { ActionType, type ClusterEventWithHint, type EnqueueExtensions, type PreEnqueuePlugin, SUCCESS, type Status, unresolvable } from '../framework/interfaces';
import { SchedulingGates } from '../framework/names';

/** gatesOf lists the pod's scheduling gate names. */
export function gatesOf(pod: Pod): string[] {
  const gates = pod.spec.schedulingGates as { name: string }[] | undefined;
  return (gates ?? []).map((g) => g.name);
}

export const schedulingGates = {
  name: SchedulingGates,
  preEnqueue(pod: Pod): Status {
    const gates = gatesOf(pod);
    return gates.length ? unresolvable(SchedulingGates, `waiting for scheduling gates: [${gates.join(' ')}]`) : SUCCESS;
  },
  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated } }];
  },
} satisfies PreEnqueuePlugin & EnqueueExtensions;
