/**
 * pressureConditions are the node status setters for the pressure
 * conditions (nodestatus/setters.go: MemoryPressureCondition and its
 * siblings): True with the kubelet's "insufficient" wording while the
 * eviction manager reports the pressure, False otherwise, and the node event
 * recorded when a condition turns.
 */
import type { Condition } from '../../api/types';
import type { PressureCondition } from './thresholds';

interface Wording {
  reason: string;
  message: string;
  /** event is the node event recorded on turning to this status. */
  event: string;
}

const WORDING: Record<PressureCondition, { True: Wording; False: Wording }> = {
  MemoryPressure: {
    True: { reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available', event: 'NodeHasInsufficientMemory' },
    False: { reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', event: 'NodeHasSufficientMemory' },
  },
  DiskPressure: {
    True: { reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', event: 'NodeHasDiskPressure' },
    False: { reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', event: 'NodeHasNoDiskPressure' },
  },
  PIDPressure: {
    True: { reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available', event: 'NodeHasInsufficientPID' },
    False: { reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', event: 'NodeHasSufficientPID' },
  },
};

/** pressureCondition is a pressure condition as of now, True when under is. */
export function pressureCondition(type: PressureCondition, under: boolean, now: string): Condition {
  const w = WORDING[type][under ? 'True' : 'False'];
  return { type, status: under ? 'True' : 'False', reason: w.reason, message: w.message, lastHeartbeatTime: now, lastTransitionTime: now };
}

/** pressureEvents are the node events for the pressure conditions that turned between old and now (none for a condition old did not have). */
export function pressureEvents(old: readonly Condition[] | undefined, now: readonly Condition[]): string[] {
  const out: string[] = [];
  for (const type of Object.keys(WORDING) as PressureCondition[]) {
    const before = old?.find((c) => c.type === type)?.status;
    const after = now.find((c) => c.type === type)?.status;
    if (before === undefined || after === undefined || before === after) continue;
    out.push(WORDING[type][after === 'True' ? 'True' : 'False'].event);
  }
  return out;
}
