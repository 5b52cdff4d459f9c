/**
 * preemption is pkg/scheduler/framework/preemption: the Evaluator a PostFilter
 * plugin drives to make room for a pod that fits nowhere. It takes the nodes
 * that failed with Unschedulable (not UnschedulableAndUnresolvable), dry-runs
 * the victims on a rotating sample of them (the plugin decides how many and
 * where to start), picks the node whose victims hurt least, and prepares it:
 * each victim gets the DisruptionTarget condition and is deleted through the
 * API, and lower-priority pods nominated to that node lose their nomination.
 */
import { selectorMatches } from '../../api/labels';
import { keyOf, timestamp } from '../../api/meta';
import type { Pod } from '../../api/types';
import { isStatus } from '../../api/types';
import type { PodDisruptionBudget } from '../../apiserver/validation/types/scheduling';
import { EventRecorder } from '../../client/eventRecorder';
import { PODS } from '../../client/resources';
import { type CycleState, type Handle, type PostFilterResult, SUCCESS, type Status, errorStatus, unresolvable, unschedulable } from '../framework/interfaces';
import type { NodeInfo } from '../nodeInfo';
import { fitErrorMessage } from '../schedulePod';

/** PREEMPTION_NOT_HELPFUL is the absent nodes' reason when no node can be helped by evicting pods. */
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
/** The DisruptionTarget condition a victim gets before it is deleted (v1.DisruptionTarget, v1.PodReasonPreemptionByScheduler). */
export const DISRUPTION_TARGET = 'DisruptionTarget';
export const PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';
/** MAX_INT32_PLUS_1 lifts every priority to non-negative before summing, as minSumPrioritiesScoreFunc does. */
const MAX_INT32_PLUS_1 = 2 ** 31;

/** Victims are the pods to evict from one node, most important first, and how many PodDisruptionBudgets that breaks (extenderv1.Victims). */
export interface Victims {
  pods: Pod[];
  numPDBViolations: number;
}

/** Candidate is a node the preemptor can run on once its victims are gone. */
export interface Candidate {
  name: string;
  victims: Victims;
}

/** SelectedVictims is SelectVictimsOnNode's answer. */
export interface SelectedVictims {
  pods: Pod[];
  numPDBViolations: number;
  status: Status;
}

/** Interface is preemption.Interface: what a preemption plugin decides for the Evaluator. */
export interface PreemptionInterface {
  /** getOffsetAndNumCandidates picks where the dry run starts and how many candidates it wants. */
  getOffsetAndNumCandidates(numNodes: number): [offset: number, count: number];
  /** podEligibleToPreemptOthers tells whether pod may preempt at all, and why not. */
  podEligibleToPreemptOthers(pod: Pod, nominatedNodeStatus: Status): { eligible: boolean; reason: string };
  /** selectVictimsOnNode finds the fewest pods to evict from node (a copy) for pod to fit; state is a copy too. */
  selectVictimsOnNode(state: CycleState, pod: Pod, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): SelectedVictims;
}

/** podPriority is corev1helpers.PodPriority: spec.priority, 0 when unset. */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

/** podStartTime is util.GetPodStartTime: status.startTime, or now for a pod that has not started. */
export function podStartTime(pod: Pod, now: number): number {
  const t = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  return Number.isNaN(t) ? now : t;
}

/** moreImportantPod is util.MoreImportantPod: higher priority first, then the one that started earlier. */
export function moreImportantPod(a: Pod, b: Pod, now: number): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTime(a, now) < podStartTime(b, now);
}

/** byImportance sorts pods most important first (stable, as sort.Slice is not but the inputs are ordered). */
export function byImportance(pods: Pod[], now: number): Pod[] {
  return pods.sort((a, b) => (moreImportantPod(a, b, now) ? -1 : moreImportantPod(b, a, now) ? 1 : 0));
}

/** earliestPodStartTime is util.GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
export function earliestPodStartTime(victims: Victims, now: number): number {
  let earliest = podStartTime(victims.pods[0], now);
  let max = podPriority(victims.pods[0]);
  for (const p of victims.pods) {
    const prio = podPriority(p);
    if (prio === max) earliest = Math.min(earliest, podStartTime(p, now));
    else if (prio > max) {
      max = prio;
      earliest = podStartTime(p, now);
    }
  }
  return earliest;
}

/**
 * filterPodsWithPDBViolation splits pods, keeping their order, into those whose
 * eviction would take a matching PodDisruptionBudget below zero allowed
 * disruptions and the rest; pods already in a budget's disruptedPods do not
 * count again, and a budget with a nil or empty selector matches nothing.
 */
export function filterPodsWithPDBViolation(pods: readonly Pod[], pdbs: readonly PodDisruptionBudget[]): { violating: Pod[]; nonViolating: Pod[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: Pod[] = [];
  const nonViolating: Pod[] = [];
  for (const pod of pods) {
    let violated = false;
    const labels = pod.metadata.labels;
    if (labels && Object.keys(labels).length) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata.namespace !== pod.metadata.namespace) return;
        const sel = pdb.spec?.selector;
        if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) return;
        if (!selectorMatches(sel, labels)) return;
        if (pdb.status?.disruptedPods && Object.prototype.hasOwnProperty.call(pdb.status.disruptedPods, pod.metadata.name ?? '')) return;
        allowed[i]--;
        if (allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/**
 * pickOneNodeForPreemption chooses among the candidates by, in turn: fewest PDB
 * violations, lowest highest-victim priority, smallest sum of priorities,
 * fewest victims, latest start of the highest-priority victims; a tie after all
 * of them goes to the first candidate.
 */
export function pickOneNodeForPreemption(nodesToVictims: ReadonlyMap<string, Victims>, now: number): string {
  let nodes = [...nodesToVictims.keys()];
  if (nodes.length === 0) return '';
  const v = (n: string) => nodesToVictims.get(n) as Victims;
  const scoreFuncs: ((node: string) => number)[] = [
    (n) => -v(n).numPDBViolations,
    (n) => -podPriority(v(n).pods[0]),
    (n) => -v(n).pods.reduce((sum, p) => sum + podPriority(p) + MAX_INT32_PLUS_1, 0),
    (n) => -v(n).pods.length,
    (n) => earliestPodStartTime(v(n), now),
  ];
  for (const f of scoreFuncs) {
    let best = -Infinity;
    let selected: string[] = [];
    for (const n of nodes) {
      const s = f(n);
      if (s > best) {
        best = s;
        selected = [];
      }
      if (s === best) selected.push(n);
    }
    if (selected.length === 1) return selected[0];
    nodes = selected;
  }
  return nodes[0];
}

/** Listers are the informer caches the Evaluator reads: the preemptor's latest copy, and the PodDisruptionBudgets. */
export interface PreemptionListers {
  pod(key: string): Pod | undefined;
  pdbs(): PodDisruptionBudget[];
}

/** Evaluator runs preemption for one plugin (preemption.Evaluator). */
export class Evaluator {
  private readonly recorders = new Map<string, EventRecorder>();
  /** inFlight are the preparations still making API calls, for tests and for stopping cleanly. */
  readonly inFlight = new Set<Promise<void>>();

  constructor(readonly pluginName: string, private readonly handle: Handle, private readonly iface: PreemptionInterface, private readonly listers: PreemptionListers) {}

  /**
   * preempt returns the nominated node and the victims being evicted for it;
   * Unschedulable without a nomination when the pod may not preempt; or
   * Unschedulable with the dry run's own FitError (`0/3 nodes are available: …`)
   * and an empty nomination, which clears the pod's, when no node would do.
   */
  preempt(state: CycleState, podIn: Pod, statuses: ReadonlyMap<string, Status>): PostFilterResult {
    const pod = this.listers.pod(keyOf(podIn)) ?? podIn;
    const nominatedStatus = statuses.get(pod.status?.nominatedNodeName ?? '') ?? { code: 'UnschedulableAndUnresolvable', reasons: [] };
    const { eligible, reason } = this.iface.podEligibleToPreemptOthers(pod, nominatedStatus);
    if (!eligible) return { status: unschedulable(this.pluginName, reason) };

    const allNodes = this.handle.snapshot().nodeInfoList;
    if (allNodes.length === 0) return { status: errorStatus(this.pluginName, 'no nodes available') };
    const { candidates, nodeStatuses, errors } = this.findCandidates(state, allNodes, pod, statuses);
    if (errors.length && candidates.length === 0) return { status: errorStatus(this.pluginName, errors.join(', ')) };
    if (candidates.length === 0) {
      const message = fitErrorMessage(allNodes.length, {
        nodeToStatus: nodeStatuses, absentStatus: unresolvable(this.pluginName, PREEMPTION_NOT_HELPFUL), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '',
      });
      return { status: unschedulable(this.pluginName, message), nominatedNodeName: '' };
    }
    const best = this.selectCandidate(candidates);
    this.prepareCandidate(best, pod);
    return {
      status: SUCCESS,
      nominatedNodeName: best.name,
      victims: best.victims.pods.map((p) => ({ namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '' })),
    };
  }

  /** findCandidates dry-runs preemption on the nodes that failed with Unschedulable. */
  findCandidates(state: CycleState, allNodes: readonly NodeInfo[], pod: Pod, statuses: ReadonlyMap<string, Status>): { candidates: Candidate[]; nodeStatuses: Map<string, Status>; errors: string[] } {
    const potential = allNodes.filter((n) => statuses.get(n.name)?.code === 'Unschedulable');
    if (potential.length === 0) return { candidates: [], nodeStatuses: new Map(), errors: [] };
    const [offset, count] = this.iface.getOffsetAndNumCandidates(potential.length);
    return this.dryRunPreemption(state, pod, potential, this.listers.pdbs(), offset, count);
  }

  /**
   * dryRunPreemption visits the potential nodes from offset, each on a copy of
   * the node and of the cycle state, until it has count candidates and at least
   * one that violates no budget; non-violating candidates come first.
   */
  dryRunPreemption(state: CycleState, pod: Pod, potential: readonly NodeInfo[], pdbs: readonly PodDisruptionBudget[], offset: number, count: number): { candidates: Candidate[]; nodeStatuses: Map<string, Status>; errors: string[] } {
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    const nodeStatuses = new Map<string, Status>();
    const errors: string[] = [];
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length].clone();
      const r = this.iface.selectVictimsOnNode(new Map(state), pod, node, pdbs);
      if (r.status.code === 'Success' && r.pods.length) {
        const c: Candidate = { name: node.name, victims: { pods: r.pods, numPDBViolations: r.numPDBViolations } };
        const list = r.numPDBViolations === 0 ? nonViolating : violating;
        if (list.length < count) list.push(c);
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= count) break;
        continue;
      }
      const status = r.status.code === 'Success' ? errorStatus(this.pluginName, `expected at least one victim pod on node "${node.name}"`) : r.status;
      if (status.code === 'Error') errors.push(status.reasons.join(', '));
      nodeStatuses.set(node.name, status);
    }
    return { candidates: [...nonViolating, ...violating], nodeStatuses, errors };
  }

  /** selectCandidate is SelectCandidate: the only one, or pickOneNodeForPreemption's choice. */
  selectCandidate(candidates: readonly Candidate[]): Candidate {
    if (candidates.length === 1) return candidates[0];
    const byNode = new Map(candidates.map((c) => [c.name, c.victims]));
    const name = pickOneNodeForPreemption(byNode, this.handle.clock.now());
    return candidates.find((c) => c.name === name) ?? candidates[0];
  }

  /**
   * prepareCandidate evicts the victims (a pod waiting at Permit is rejected
   * instead) and clears the nomination of lower-priority pods nominated to the
   * node, so they look elsewhere at once. The API calls run after the cycle.
   */
  prepareCandidate(c: Candidate, pod: Pod): void {
    const lower = this.handle.nominatedPodsForNode(c.name).filter((p) => podPriority(p) < podPriority(pod));
    const work = (async () => {
      await Promise.all(c.victims.pods.filter((v) => !v.metadata.deletionTimestamp).map((v) => this.preemptPod(c, pod, v)));
      await Promise.all(lower.map((p) => this.clearNominatedNodeName(p)));
    })();
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** preemptPod is the Evaluator's PreemptPod: reject a waiting pod, or mark the victim DisruptionTarget and delete it; then the Preempted event. */
  private async preemptPod(c: Candidate, preemptor: Pod, victim: Pod): Promise<void> {
    const waiting = this.handle.getWaitingPod(victim.metadata.uid ?? '');
    const ns = victim.metadata.namespace ?? '';
    const name = victim.metadata.name ?? '';
    if (waiting) waiting.reject(this.pluginName, 'preempted');
    else {
      const condition = {
        type: DISRUPTION_TARGET, status: 'True', reason: PREEMPTION_BY_SCHEDULER,
        message: `${preemptor.spec.schedulerName ?? ''}: preempting to accommodate a higher priority pod`,
        lastTransitionTime: timestamp(this.handle.clock.now()),
      };
      const already = victim.status?.conditions?.find((x) => x.type === DISRUPTION_TARGET);
      if (!already || already.status !== 'True' || already.reason !== PREEMPTION_BY_SCHEDULER || already.message !== condition.message) {
        const patched = await this.handle.client.patch<Pod>(PODS, ns, name, { status: { conditions: [condition] } }, 'application/strategic-merge-patch+json', { subresource: 'status' });
        if (isStatus(patched)) return;
      }
      const deleted = await this.handle.client.delete(PODS, ns, name);
      if (isStatus(deleted) && deleted.status === 'Failure') return;
    }
    await this.recorderFor(preemptor).event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${c.name}`);
  }

  /** clearNominatedNodeName patches status.nominatedNodeName away. */
  private async clearNominatedNodeName(pod: Pod): Promise<void> {
    if (!pod.status?.nominatedNodeName) return;
    await this.handle.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { status: { nominatedNodeName: null } }, 'application/merge-patch+json', { subresource: 'status' });
  }

  private recorderFor(preemptor: Pod): EventRecorder {
    const component = preemptor.spec.schedulerName ?? this.handle.profileName;
    let r = this.recorders.get(component);
    if (!r) this.recorders.set(component, (r = new EventRecorder(this.handle.client, this.handle.clock, { component })));
    return r;
  }
}
