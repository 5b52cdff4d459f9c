/**
 * pod is printPod of pkg/printers/internalversion/printers.go: READY as
 * ready/total containers (restartable init containers count), STATUS as the
 * kubelet's reason for the first container in trouble (Init:1/2,
 * CrashLoopBackOff, ExitCode:1, Completed, Terminating, Unknown for a lost node),
 * RESTARTS with the age of the last restart.
 */
import type { KubeObject } from '../../api/types';
import { humanDuration } from './duration';
import { arr, conditionStatus, get, has, num, str } from './fields';
import { parseTime, since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, type TableRowCondition, col } from './table';

/** NODE_UNREACHABLE_POD_REASON is node.NodeUnreachablePodReason, the reason the node lifecycle controller gives pods on a lost node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** isRestartableInitContainer is podutil.IsRestartableInitContainer: a sidecar declares restartPolicy Always. */
function isRestartableInitContainer(c: unknown): boolean {
  return str(c, 'restartPolicy') === 'Always';
}

/** terminatedReason is the reason a terminated state shows when it gives none: Signal:N or ExitCode:N. */
function terminatedReason(terminated: unknown, prefix: string): string {
  const reason = str(terminated, 'reason');
  if (reason !== '') return `${prefix}${reason}`;
  const signal = num(terminated, 'signal');
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${num(terminated, 'exitCode')}`;
}

/** podStatusCells computes printPod's READY, STATUS and RESTARTS cells (the editor's tree shows them without the rest of the row). */
export function podStatusCells(pod: KubeObject, now: number): { ready: string; reason: string; restarts: string } {
  const spec = get(pod, 'spec');
  const status = get(pod, 'status');
  const conditions = arr(status, 'conditions');
  const initSpecs = arr(spec, 'initContainers');
  const initByName = new Map(initSpecs.map((c) => [str(c, 'name'), c]));
  let restarts = 0;
  let restartableInitRestarts = 0;
  const total = arr(spec, 'containers').length + initSpecs.filter(isRestartableInitContainer).length;
  let ready = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined) => (b !== undefined && (a === undefined || b > a) ? b : a);

  const phase = str(status, 'phase');
  let reason = str(status, 'reason') || phase;
  for (const c of conditions) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = arr(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const finishedAt = parseTime(get(cs, 'lastState', 'terminated', 'finishedAt'));
    const hasLastTermination = has(cs, 'lastState', 'terminated');
    restarts += num(cs, 'restartCount');
    if (hasLastTermination) lastRestart = later(lastRestart, finishedAt);
    const restartable = isRestartableInitContainer(initByName.get(str(cs, 'name')));
    if (restartable) {
      restartableInitRestarts += num(cs, 'restartCount');
      if (hasLastTermination) lastRestartableInitRestart = later(lastRestartableInitRestart, finishedAt);
    }
    const terminated = get(cs, 'state', 'terminated');
    const waitingReason = str(cs, 'state', 'waiting', 'reason');
    if (has(terminated) && num(terminated, 'exitCode') === 0) continue;
    if (restartable && get(cs, 'started') === true) {
      if (get(cs, 'ready') === true) ready++;
      continue;
    }
    if (has(terminated)) reason = terminatedReason(terminated, 'Init:');
    else if (waitingReason !== '' && waitingReason !== 'PodInitializing') reason = `Init:${waitingReason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionStatus(conditions, 'Initialized') === 'True') {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = arr(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs, 'restartCount');
      if (has(cs, 'lastState', 'terminated')) lastRestart = later(lastRestart, parseTime(get(cs, 'lastState', 'terminated', 'finishedAt')));
      const terminated = get(cs, 'state', 'terminated');
      const waitingReason = str(cs, 'state', 'waiting', 'reason');
      if (waitingReason !== '') reason = waitingReason;
      else if (has(terminated)) reason = terminatedReason(terminated, '');
      else if (get(cs, 'ready') === true && has(cs, 'state', 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed while others still run is Running (or NotReady), not Completed.
    if (reason === 'Completed' && hasRunning) {
      const podReady = conditions.some((c) => str(c, 'type') === 'Ready' && str(c, 'status') === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const deleting = has(pod, 'metadata', 'deletionTimestamp');
  if (deleting && str(status, 'reason') === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, reason, restarts: restartsText };
}

function readinessGates(pod: KubeObject): string {
  const gates = arr(pod, 'spec', 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = arr(pod, 'status', 'conditions');
  const trueCount = gates.filter((g) => conditionStatus(conditions, str(g, 'conditionType')) === 'True').length;
  return `${trueCount}/${gates.length}`;
}

/** podIP is the first of status.podIPs, with status.podIP taking precedence as the v1 conversion makes it. */
function podIP(pod: KubeObject): string {
  return str(pod, 'status', 'podIP') || str(arr(pod, 'status', 'podIPs')[0], 'ip');
}

/** podPrinter is printPod with podColumnDefinitions. */
export const podPrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
    col('IP', 'string', doc('PodStatus.podIP'), 1),
    col('Node', 'string', doc('PodSpec.nodeName'), 1),
    col('Nominated Node', 'string', doc('PodStatus.nominatedNodeName'), 1),
    col('Readiness Gates', 'string', doc('PodSpec.readinessGates'), 1),
  ],
  print(pod, now) {
    const { ready, reason, restarts } = podStatusCells(pod, now);
    const phase = str(pod, 'status', 'phase');
    return {
      cells: [
        str(pod, 'metadata', 'name'), ready, reason, restarts, since(pod.metadata.creationTimestamp, now),
        podIP(pod) || '<none>', str(pod, 'spec', 'nodeName') || '<none>', str(pod, 'status', 'nominatedNodeName') || '<none>', readinessGates(pod),
      ],
      ...(phase === 'Succeeded' ? { conditions: SUCCEEDED } : phase === 'Failed' ? { conditions: FAILED } : {}),
    };
  },
};
