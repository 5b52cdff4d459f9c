/**
 * daemonSetStatus is the DaemonSet controller's arithmetic over nodes that does
 * not act: the status counts (updateDaemonSetStatus), each node's part of them,
 * and which node updates can change a DaemonSet's verdicts.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPodAvailable, isPodReady } from '../api/pods';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../api/types';
import type { NodeAnswers } from './daemonPodViews';
import type { NodeToDaemonPods } from './daemonSetUpdate';
import { isPodUpdated, nodeShouldRunDaemonPod, podByCreationTimestampAndPhase, templateGeneration } from './daemonSetUtil';

/**
 * daemonSetStatusCounts is updateDaemonSetStatus's arithmetic at now (ms): per
 * node that should run a pod, whether it has one, and whether the oldest is
 * ready, available and current; pods on nodes that should not run one are misscheduled.
 */
export function daemonSetStatusCounts(
  ds: DaemonSet, nodes: readonly Node[], nodeToDaemonPods: NodeToDaemonPods, hash: string, now: number, memo?: NodeAnswers<number>,
): Omit<DaemonSetStatus, 'observedGeneration' | 'collisionCount' | 'conditions'> {
  const c = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const generation = templateGeneration(ds);
  const minReady = ds.spec.minReadySeconds ?? 0;
  for (const node of nodes) {
    const pods = nodeToDaemonPods.get(node.metadata.name ?? '');
    // A node's counts as bits: desired, current, misscheduled, ready, available, updated.
    let bits = memo?.get(node, pods);
    if (bits === undefined) {
      bits = nodeStatusBits(node, ds, pods ?? [], hash, generation, minReady, now);
      // Availability after minReadySeconds changes with the time alone: such a node is counted afresh.
      memo?.set(node, pods, minReady > 0 && (bits & READY) !== 0 ? undefined : bits);
    }
    if (bits & DESIRED) c.desiredNumberScheduled++;
    if (bits & CURRENT) c.currentNumberScheduled++;
    if (bits & MISSCHEDULED) c.numberMisscheduled++;
    if (bits & READY) c.numberReady++;
    if (bits & AVAILABLE) c.numberAvailable++;
    if (bits & UPDATED) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

const DESIRED = 1;
const CURRENT = 2;
const MISSCHEDULED = 4;
const READY = 8;
const AVAILABLE = 16;
const UPDATED = 32;

/** nodeStatusBits is one node's part of the status counts: whether it should run a pod, has one, and whether the oldest is ready, available and current. */
function nodeStatusBits(node: Node, ds: DaemonSet, pods: readonly Pod[], hash: string, generation: number | undefined, minReady: number, now: number): number {
  if (!nodeShouldRunDaemonPod(node, ds).shouldRun) return pods.length > 0 ? MISSCHEDULED : 0;
  if (pods.length === 0) return DESIRED;
  let bits = DESIRED | CURRENT;
  const pod = pods.length === 1 ? pods[0] : [...pods].sort(podByCreationTimestampAndPhase)[0];
  if (isPodReady(pod)) {
    bits |= READY;
    if (isPodAvailable(pod, minReady, now)) bits |= AVAILABLE;
  }
  if (isPodUpdated(pod, hash, generation)) bits |= UPDATED;
  return bits;
}

/**
 * shouldIgnoreNodeUpdate is shouldIgnoreNodeUpdate: the same conditions are
 * True and nothing else changed but the resourceVersion and the conditions' details.
 */
export function shouldIgnoreNodeUpdate(old: Node, node: Node): boolean {
  const trueTypes = (n: Node) => (n.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type).sort().join(',');
  if (trueTypes(old) !== trueTypes(node)) return false;
  // Compared as objects, not as JSON: a node's status (its image list) is large, and every heartbeat of every node comes here.
  const strip = (n: Node) => ({ ...n, metadata: { ...n.metadata, resourceVersion: '' }, status: { ...n.status, conditions: [] } });
  return isDeepStrictEqual(strip(old), strip(node));
}
