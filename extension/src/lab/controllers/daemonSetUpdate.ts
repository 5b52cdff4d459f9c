/**
 * daemonSetUpdate is the arithmetic of a DaemonSet's RollingUpdate, as upstream's
 * update.go rollingUpdate: without surge, old pods are deleted only as far as
 * maxUnavailable allows (the manage loop then creates their replacements); with
 * maxSurge, new pods start beside old ones and an old pod goes once its
 * replacement is available. It decides; the controller performs.
 */
import { isPodAvailable } from '../api/pods';
import type { DaemonSet, Node, Pod } from '../api/types';
import { isPodUpdated, nodeShouldRunDaemonPod, surgeCount, templateGeneration, unavailableCount } from './daemonSetUtil';

/** NodeToDaemonPods maps a node's name to the DaemonSet's pods meant for it. */
export type NodeToDaemonPods = Map<string, Pod[]>;

/**
 * findUpdatedPodsOnNode is findUpdatedPodsOnNode: the node's one current and one
 * outdated pod (pods being deleted aside), or undefined when it has two of either
 * (the manage loop prunes those first).
 */
export function findUpdatedPodsOnNode(ds: DaemonSet, pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  const generation = templateGeneration(ds);
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

/** RollingLimits are the resolved rolling parameters over the nodes that should run a pod. */
export interface RollingLimits {
  maxSurge: number;
  maxUnavailable: number;
  desiredNumberScheduled: number;
}

/**
 * updatedDesiredNodeCounts is updatedDesiredNodeCounts: maxSurge and
 * maxUnavailable of the nodes that should run a pod (both zero would stall, so
 * unavailability becomes 1), and an empty entry in nodeToDaemonPods for each
 * such node without pods.
 */
export function updatedDesiredNodeCounts(ds: DaemonSet, nodes: readonly Node[], nodeToDaemonPods: NodeToDaemonPods): RollingLimits {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    const name = node.metadata.name ?? '';
    if (!nodeToDaemonPods.has(name)) nodeToDaemonPods.set(name, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desiredNumberScheduled: desired };
}

/** RollingPlan is what one rolling-update pass does: pods to delete by name, nodes to start a new pod on. */
export interface RollingPlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

/**
 * rollingUpdatePlan is rollingUpdate's decision for the DaemonSet's pods at now
 * (ms): which outdated pods to delete and, when surging, which nodes get a new
 * pod beside the old one. Nodes are visited in name order so the plan is stable.
 */
export function rollingUpdatePlan(ds: DaemonSet, nodes: readonly Node[], nodeToDaemonPods: NodeToDaemonPods, hash: string, now: number): RollingPlan {
  // Both plans act only on a node with an outdated pod (not being deleted): with none, there is nothing to roll.
  if (!hasOutdatedPod(ds, nodeToDaemonPods, hash)) return { podsToDelete: [], nodesToCreate: [] };
  const byNode = new Map<string, Pod[]>(nodeToDaemonPods);
  const { maxSurge, maxUnavailable, desiredNumberScheduled } = updatedDesiredNodeCounts(ds, nodes, byNode);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (pod: Pod) => isPodAvailable(pod, minReady, now);
  const names = [...byNode.keys()].sort();
  return maxSurge === 0
    ? planWithoutSurge(ds, names, byNode, hash, maxUnavailable, available)
    : planWithSurge(ds, names, byNode, hash, maxSurge, desiredNumberScheduled, available, new Map(nodes.map((n) => [n.metadata.name ?? '', n])));
}

/** hasOutdatedPod tells whether any pod not being deleted runs another template than hash's. */
function hasOutdatedPod(ds: DaemonSet, nodeToDaemonPods: NodeToDaemonPods, hash: string): boolean {
  const generation = templateGeneration(ds);
  for (const pods of nodeToDaemonPods.values()) {
    for (const pod of pods) if (!pod.metadata.deletionTimestamp && !isPodUpdated(pod, hash, generation)) return true;
  }
  return false;
}

/**
 * planWithoutSurge deletes every outdated pod that is unavailable anyway, and
 * outdated available ones while the unavailable count stays under maxUnavailable.
 */
function planWithoutSurge(ds: DaemonSet, names: string[], byNode: NodeToDaemonPods, hash: string, maxUnavailable: number, available: (p: Pod) => boolean): RollingPlan {
  let numUnavailable = 0;
  const replacements: string[] = [];
  const candidates: string[] = [];
  for (const name of names) {
    const found = findUpdatedPodsOnNode(ds, byNode.get(name) ?? [], hash);
    // Excess pods, none, or an old and a new one: the manage loop acts there; count it unavailable.
    if (!found || (!found.newPod && !found.oldPod) || (found.newPod && found.oldPod)) {
      numUnavailable++;
      continue;
    }
    if (found.newPod) {
      if (!available(found.newPod)) numUnavailable++;
      continue;
    }
    const oldPod = found.oldPod as Pod;
    if (!available(oldPod)) {
      replacements.push(oldPod.metadata.name ?? '');
      numUnavailable++;
    } else if (numUnavailable < maxUnavailable) {
      candidates.push(oldPod.metadata.name ?? '');
    }
  }
  const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
  return { podsToDelete: [...replacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
}

/**
 * planWithSurge starts a new pod beside each unavailable old one and beside up to
 * maxSurge available old ones, and deletes an old pod once the new one beside it
 * is available. Old pods on nodes the DaemonSet no longer wants go only as far as
 * pods elsewhere are available beyond the desired number.
 */
function planWithSurge(
  ds: DaemonSet, names: string[], byNode: NodeToDaemonPods, hash: string, maxSurge: number, desired: number,
  available: (p: Pod) => boolean, nodesByName: Map<string, Node>,
): RollingPlan {
  const podsToDelete: string[] = [];
  const shouldNotRunToDelete: string[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  // A pod meant for a node that is gone counts as on a node it should not run on.
  const shouldRun = (name: string) => {
    const node = nodesByName.get(name);
    return node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };
  for (const name of names) {
    const found = findUpdatedPodsOnNode(ds, byNode.get(name) ?? [], hash);
    if (!found) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (oldPod ? available(oldPod) : newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(name)) podsToDelete.push(oldPod.metadata.name ?? '');
        else allowedNodes.push(name);
      } else if (!shouldRun(name)) {
        shouldNotRunToDelete.push(oldPod.metadata.name ?? '');
      } else if (numSurge < maxSurge) {
        candidateNodes.push(name);
      }
      continue;
    }
    if (!available(newPod)) numSurge++;
    else podsToDelete.push(oldPod.metadata.name ?? '');
  }
  const deletable = Math.min(Math.max(0, numAvailable - desired), shouldNotRunToDelete.length);
  podsToDelete.push(...shouldNotRunToDelete.slice(0, deletable));
  const remaining = Math.min(Math.max(0, maxSurge - numSurge), candidateNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, remaining)] };
}
