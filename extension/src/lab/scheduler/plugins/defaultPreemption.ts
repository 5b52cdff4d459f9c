/**
 * DefaultPreemption is the PostFilter that makes room for a pod no node fits:
 * on a sample of the nodes that failed with Unschedulable (at least
 * minCandidateNodesPercentage of them, at least minCandidateNodesAbsolute) it
 * removes every lower-priority pod, checks the pod fits, then reprieves as many
 * as it can, most important first, those whose eviction would break a
 * PodDisruptionBudget before the others; the node whose victims hurt least is
 * nominated and its victims evicted, as upstream's plugin.
 */
import type { Pod } from '../../api/types';
import type { PodDisruptionBudget } from '../../apiserver/validation/types/scheduling';
import { PODDISRUPTIONBUDGETS, PODS } from '../../client/resources';
import { type CycleState, type Handle, type PostFilterPlugin, type PostFilterResult, SUCCESS, type Status, errorStatus, unresolvable } from '../framework/interfaces';
import { DefaultPreemption } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import {
  DISRUPTION_TARGET, Evaluator, PREEMPTION_BY_SCHEDULER, type PreemptionInterface, type PreemptionListers, type SelectedVictims,
  byImportance, filterPodsWithPDBViolation, podPriority,
} from '../preemption/preemption';

/** NO_VICTIMS is the node's reason when nothing on it has a lower priority than the pod. */
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
/** The reasons a pod may not preempt (PodEligibleToPreemptOthers). */
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** DefaultPreemptionArgs are the plugin's args (defaulted to 10% and 100). */
export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

/** calculateNumCandidates is how many candidates the dry run looks for among numNodes: the percentage, at least the absolute, at most all. */
export function calculateNumCandidates(numNodes: number, args: DefaultPreemptionArgs): number {
  let n = Math.trunc((numNodes * (args.minCandidateNodesPercentage ?? 10)) / 100);
  if (n < (args.minCandidateNodesAbsolute ?? 100)) n = args.minCandidateNodesAbsolute ?? 100;
  return Math.min(n, numNodes);
}

/** podTerminatingByPreemption tells a pod being deleted because the scheduler preempted it. */
export function podTerminatingByPreemption(p: Pod): boolean {
  if (!p.metadata.deletionTimestamp) return false;
  const c = p.status?.conditions?.find((x) => x.type === DISRUPTION_TARGET);
  return !!c && c.status === 'True' && c.reason === PREEMPTION_BY_SCHEDULER;
}

/** isPreemptionAllowed is the plugin's rule for a victim: a lower priority than the preemptor. */
export function isPreemptionAllowed(victim: Pod, preemptor: Pod): boolean {
  return podPriority(victim) < podPriority(preemptor);
}

/** listersOf reads the preemptor and the budgets from the scheduler's informers; without them there is nothing to read. */
function listersOf(handle: Handle): PreemptionListers {
  const factory = handle.informerFactory;
  if (!factory) return { pod: () => undefined, pdbs: () => [] };
  const pods = factory.informer<Pod>(PODS);
  const pdbs = factory.informer<PodDisruptionBudget>(PODDISRUPTIONBUDGETS);
  return { pod: (key) => pods.get(key), pdbs: () => pdbs.list() };
}

export type DefaultPreemptionPlugin = PostFilterPlugin & PreemptionInterface & { readonly evaluator: Evaluator };

/** defaultPreemption builds the plugin over the framework's handle; listers stand in for the informers in tests. */
export function defaultPreemption(args: DefaultPreemptionArgs, handle: Handle, listers: PreemptionListers = listersOf(handle)): DefaultPreemptionPlugin {
  const plugin: DefaultPreemptionPlugin = {
    name: DefaultPreemption,
    get evaluator(): Evaluator {
      return evaluator;
    },
    postFilter(state: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>): PostFilterResult {
      const r = evaluator.preempt(state, pod, statuses);
      const msg = r.status.reasons.join(', ');
      return msg ? { ...r, status: { ...r.status, reasons: [`preemption: ${msg}`] } } : r;
    },
    getOffsetAndNumCandidates(numNodes: number): [number, number] {
      return [handle.random.int(numNodes), calculateNumCandidates(numNodes, args)];
    },
    podEligibleToPreemptOthers(pod: Pod, nominatedNodeStatus: Status): { eligible: boolean; reason: string } {
      if (pod.spec.preemptionPolicy === 'Never') return { eligible: false, reason: NOT_ELIGIBLE_NEVER };
      const nominated = pod.status?.nominatedNodeName;
      if (nominated) {
        // A nominated node the filters now rule out for good is worth preempting elsewhere.
        if (nominatedNodeStatus.code === 'UnschedulableAndUnresolvable') return { eligible: true, reason: '' };
        const info = handle.snapshot().get(nominated);
        if (info) {
          for (const p of info.pods.values()) {
            if (isPreemptionAllowed(p, pod) && podTerminatingByPreemption(p)) return { eligible: false, reason: NOT_ELIGIBLE_TERMINATING };
          }
        }
      }
      return { eligible: true, reason: '' };
    },
    selectVictimsOnNode(state: CycleState, pod: Pod, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): SelectedVictims {
      return selectVictimsOnNode(handle, state, pod, node, pdbs);
    },
  };
  const evaluator = new Evaluator(DefaultPreemption, handle, plugin, listers);
  return plugin;
}

type FilterRunner = Pick<Handle, 'runFilterPluginsWithNominatedPods' | 'runPreFilterExtensionAddPod' | 'runPreFilterExtensionRemovePod' | 'clock'>;

/**
 * selectVictimsOnNode removes every pod the preemptor may evict from node (a
 * copy), fails if the preemptor still does not fit, then adds them back one by
 * one, most important first and budget-violating ones before the rest, keeping
 * each that still lets the preemptor fit; the rest are the victims.
 */
export function selectVictimsOnNode(fh: FilterRunner, state: CycleState, pod: Pod, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): SelectedVictims {
  const fail = (status: Status): SelectedVictims => ({ pods: [], numPDBViolations: 0, status });
  const remove = (p: Pod): Status => {
    node.removePod(p);
    return fh.runPreFilterExtensionRemovePod(state, pod, p, node);
  };
  const add = (p: Pod): Status => {
    node.addPod(p);
    return fh.runPreFilterExtensionAddPod(state, pod, p, node);
  };
  const potential = [...node.pods.values()].filter((p) => isPreemptionAllowed(p, pod));
  for (const p of potential) {
    const s = remove(p);
    if (s.code !== 'Success') return fail(errorStatus(DefaultPreemption, s.reasons.join(', ')));
  }
  if (potential.length === 0) return fail(unresolvable(DefaultPreemption, NO_VICTIMS));
  const fits = fh.runFilterPluginsWithNominatedPods(state, pod, node);
  if (fits.code !== 'Success') return fail(fits);

  const now = fh.clock.now();
  byImportance(potential, now);
  const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
  const victims: Pod[] = [];
  let numViolating = 0;
  const reprieve = (p: Pod): boolean | Status => {
    const a = add(p);
    if (a.code !== 'Success') return errorStatus(DefaultPreemption, a.reasons.join(', '));
    if (fh.runFilterPluginsWithNominatedPods(state, pod, node).code === 'Success') return true;
    const r = remove(p);
    if (r.code !== 'Success') return errorStatus(DefaultPreemption, r.reasons.join(', '));
    victims.push(p);
    return false;
  };
  for (const p of violating) {
    const r = reprieve(p);
    if (typeof r !== 'boolean') return fail(r);
    if (!r) numViolating++;
  }
  for (const p of nonViolating) {
    const r = reprieve(p);
    if (typeof r !== 'boolean') return fail(r);
  }
  if (violating.length && nonViolating.length) byImportance(victims, now);
  return { pods: victims, numPDBViolations: numViolating, status: SUCCESS };
}
