/**
 * schedulePod is one scheduling decision as upstream's schedule_one.go makes it:
 * PreFilter (which may narrow the nodes), the filters over the nodes from a
 * rotating start index until enough feasible ones are found
 * (percentageOfNodesToScore), PreScore and Score on those, and selectHost's
 * reservoir sampling among the best. Everything it saw is kept, so the
 * decision can be explained.
 */
import type { Pod } from '../api/types';
import type { Random } from '../random';
import { type Framework, type PreFilterOutcome, type ScoreTable } from './framework/framework';
import { type CycleState, type Status, isRejected } from './framework/interfaces';
import { type Profile, inTreeRegistry } from './framework/registry';
import { type Snapshot, snapshotOf } from './framework/snapshot';
import { Framework as FrameworkImpl } from './framework/framework';
import type { NodeInfo } from './nodeInfo';

/** NO_NODES_MESSAGE is ErrNoNodesAvailable's text. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';
/** minFeasibleNodesToFind and minFeasibleNodesPercentageToFind bound percentageOfNodesToScore from below. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * numFeasibleNodesToFind is how many feasible nodes end the search: all of a
 * small cluster; else the profile's (or global) percentage, adaptive when 0
 * (50% less 1% per 125 nodes, at least 5%), never fewer than 100.
 */
export function numFeasibleNodesToFind(profilePercentage: number | undefined, globalPercentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = profilePercentage ?? globalPercentage;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return numNodes < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : numNodes;
}

/** Diagnosis is why nodes were rejected (framework.Diagnosis). */
export interface Diagnosis {
  /** nodeToStatus holds each rejected node's Status, in evaluation order. */
  nodeToStatus: Map<string, Status>;
  /** absentStatus is the Status of the nodes not in nodeToStatus (PreFilter rejected or narrowed them away). */
  absentStatus?: Status;
  unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

/** ScheduleResult is schedulePod's answer with what it saw along the way. */
export interface ScheduleResult {
  node?: string;
  numAllNodes: number;
  /** startIndex is where the filters began in the node list. */
  startIndex: number;
  evaluatedNodes: number;
  feasibleNodes: NodeInfo[];
  diagnosis: Diagnosis;
  preFilter?: PreFilterOutcome;
  scores?: ScoreTable;
  /** error is an internal failure (a plugin Error), as opposed to a FitError. */
  error?: Status;
}

/** ScheduleAlgorithm carries nextStartNodeIndex across cycles, as the Scheduler struct does. */
export class ScheduleAlgorithm {
  nextStartNodeIndex = 0;

  constructor(private readonly random: Random, private readonly globalPercentage = 0) {}

  schedulePod(fwk: Framework, state: CycleState, pod: Pod, snapshot: Snapshot): ScheduleResult {
    const all = snapshot.nodeInfoList;
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
    const base = { numAllNodes: all.length, startIndex: this.nextStartNodeIndex, evaluatedNodes: 0, feasibleNodes: [] as NodeInfo[], diagnosis };
    if (all.length === 0) return { ...base, error: { code: 'Error', reasons: [NO_NODES_MESSAGE] } };

    const pre = fwk.runPreFilterPlugins(state, pod, all);
    if (pre.status.code !== 'Success') {
      if (!isRejected(pre.status)) return { ...base, preFilter: pre, error: pre.status };
      diagnosis.absentStatus = pre.status;
      diagnosis.preFilterMsg = pre.status.reasons.join(', ');
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { ...base, preFilter: pre };
    }

    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const info = snapshot.get(nominated);
      if (info) {
        const feasible = this.findNodesThatPassFilters(fwk, state, pod, diagnosis, [info], 0);
        if (feasible.length) return this.prioritize(fwk, state, pod, { ...base, feasibleNodes: feasible, evaluatedNodes: 1, preFilter: pre });
      }
    }

    let nodes = all;
    if (pre.nodeNames) {
      nodes = [];
      for (const name of pre.nodeNames) {
        const info = snapshot.get(name);
        if (info) nodes.push(info);
      }
      diagnosis.absentStatus = { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${pre.narrowedBy.join(' ')}]`] };
    }
    const startIndex = this.nextStartNodeIndex;
    const feasible = this.findNodesThatPassFilters(fwk, state, pod, diagnosis, nodes, startIndex);
    const processed = feasible.length + diagnosis.nodeToStatus.size;
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % all.length;
    const error = [...diagnosis.nodeToStatus.values()].find((s) => s.code === 'Error');
    if (error) return { ...base, startIndex, evaluatedNodes: processed, feasibleNodes: feasible, preFilter: pre, error };
    return this.prioritize(fwk, state, pod, { ...base, startIndex, evaluatedNodes: processed, feasibleNodes: feasible, preFilter: pre });
  }

  /** findNodesThatPassFilters visits nodes from start, in order, until numNodesToFind feasible ones are found. */
  private findNodesThatPassFilters(fwk: Framework, state: CycleState, pod: Pod, diagnosis: Diagnosis, nodes: readonly NodeInfo[], start: number): NodeInfo[] {
    const n = nodes.length;
    let toFind = numFeasibleNodesToFind(fwk.percentageOfNodesToScore, this.globalPercentage, n);
    if (fwk.scorePlugins.length === 0) toFind = 1;
    const feasible: NodeInfo[] = [];
    if (fwk.filterPlugins.length === 0) {
      for (let i = 0; i < Math.min(toFind, n); i++) feasible.push(nodes[(start + i) % n]);
      return feasible;
    }
    for (let i = 0; i < n && feasible.length < toFind; i++) {
      const info = nodes[(start + i) % n];
      const s = fwk.runFilterPluginsWithNominatedPods(state, pod, info);
      if (s.code === 'Success') {
        feasible.push(info);
        continue;
      }
      diagnosis.nodeToStatus.set(info.name, s);
      if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
      if (s.code === 'Error') break;
    }
    return feasible;
  }

  /** prioritize scores the feasible nodes and selects the host; a single feasible node needs no scoring. */
  private prioritize(fwk: Framework, state: CycleState, pod: Pod, r: ScheduleResult): ScheduleResult {
    const nodes = r.feasibleNodes;
    if (nodes.length === 0) return r;
    if (nodes.length === 1) return { ...r, node: nodes[0].name };
    if (fwk.scorePlugins.length === 0) return { ...r, node: this.selectHost(nodes, nodes.map(() => 1)) };
    const pre = fwk.runPreScorePlugins(state, pod, nodes);
    if (pre.code !== 'Success') return { ...r, error: pre };
    const table = fwk.runScorePlugins(state, pod, nodes);
    if ('error' in table) return { ...r, error: table.error };
    return { ...r, scores: table, node: this.selectHost(nodes, table.totals) };
  }

  /** selectHost picks among the highest totals by reservoir sampling, so ties go to each with equal chance. */
  selectHost(nodes: readonly NodeInfo[], totals: readonly number[]): string {
    let max = -Infinity;
    for (const t of totals) if (t > max) max = t;
    let selected = -1;
    let count = 0;
    for (let i = 0; i < nodes.length; i++) {
      if (totals[i] !== max) continue;
      count++;
      if (selected < 0 || this.random.int(count) === 0) selected = i;
    }
    return nodes[selected].name;
  }
}

/**
 * fitErrorMessage is FitError.Error(): `0/3 nodes are available: 1 Insufficient cpu,
 * 2 node(s) were unschedulable.`, the PreFilter message instead of the histogram
 * when PreFilter rejected, and the PostFilter (preemption) message after it.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const histogram = new Map<string, number>();
    for (const s of d.nodeToStatus.values()) for (const reason of s.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    if (d.absentStatus && d.nodeToStatus.size < numAllNodes) {
      for (const reason of d.absentStatus.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + numAllNodes - d.nodeToStatus.size);
    }
    const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  // PostFilter messages end in their own period (`… for scheduling.`, `… preemptionPolicy=Never.`), as upstream prints them.
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

export interface NodeVerdict {
  node: string;
  /** filters are each plugin's status in order; plugins after the first failure do not run. */
  filters: { plugin: string; status: Status }[];
  feasible: boolean;
}

export interface NodeScore {
  node: string;
  plugins: { plugin: string; raw: number; weighted: number }[];
  total: number;
}

/** Decision is schedulePod's answer in per-node form, for tests and callers that hold a plain node list. */
export interface Decision {
  pod: string;
  verdicts: NodeVerdict[];
  scores: NodeScore[];
  /** node is the chosen node, or undefined when none fits. */
  node?: string;
  /** message is upstream's FitError text when no node fits. */
  message?: string;
}

/** frameworkForProfile builds a framework from a simple Profile: its filters (with their PreFilters) and weighted scores, PrioritySort and DefaultBinder. */
export function frameworkForProfile(profile: Profile, random: Random, snapshot?: () => Snapshot): FrameworkImpl {
  const registry = inTreeRegistry();
  // A filter or score plugin brings its PreFilter or PreScore along, as multiPoint would.
  const implementing = (names: readonly string[], method: string) => names.filter((n) => {
    const made = registry[n]?.({}, { snapshot: snapshot ?? (() => snapshotOf([])) } as never);
    return !!made && !('error' in made) && typeof (made as unknown as Record<string, unknown>)[method] === 'function';
  }).map((name) => ({ name }));
  const scoreNames = profile.scores.map((s) => s.name);
  const fwk = FrameworkImpl.create({
    schedulerName: profile.schedulerName,
    plugins: {
      queueSort: { enabled: [{ name: 'PrioritySort' }] },
      preFilter: { enabled: implementing(profile.filters, 'preFilter') },
      filter: { enabled: profile.filters.map((name) => ({ name })) },
      preScore: { enabled: implementing(scoreNames, 'preScore') },
      score: { enabled: profile.scores.map((s) => ({ name: s.name, weight: s.weight })) },
      bind: { enabled: [{ name: 'DefaultBinder' }] },
    },
  }, registry, { client: undefined as never, clock: undefined as never, random, ...(snapshot ? { snapshot } : {}) });
  if ('error' in fwk) throw new Error(fwk.error);
  return fwk;
}

/** schedulePod decides one pod over a plain node list with a simple Profile (all nodes evaluated in order, start index 0). */
export function schedulePod(pod: Pod, nodes: readonly NodeInfo[], profile: Profile, random: Random): Decision {
  const snapshot = snapshotOf(nodes);
  const fwk = frameworkForProfile(profile, random, () => snapshot);
  const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  const r = new ScheduleAlgorithm(random).schedulePod(fwk, new Map(), pod, snapshot);
  if (r.error) return { pod: name, verdicts: [], scores: [], message: r.error.reasons.join(', ') };
  const filterNames = fwk.filterPlugins.map((p) => p.name);
  const verdicts = nodes.map((n): NodeVerdict => {
    const s = r.diagnosis.nodeToStatus.get(n.name) ?? (r.feasibleNodes.includes(n) ? undefined : r.diagnosis.absentStatus);
    if (!s) return { node: n.name, filters: filterNames.map((plugin) => ({ plugin, status: { code: 'Success', reasons: [] } })), feasible: true };
    const at = s.plugin ? filterNames.indexOf(s.plugin) : -1;
    const passed = at < 0 ? [] : filterNames.slice(0, at).map((plugin) => ({ plugin, status: { code: 'Success' as const, reasons: [] } }));
    return { node: n.name, filters: [...passed, { plugin: s.plugin ?? '', status: s }], feasible: false };
  });
  const scores = r.feasibleNodes.map((n, i): NodeScore => ({
    node: n.name,
    plugins: (r.scores?.plugins ?? []).map((p, j) => ({ plugin: p.name, raw: r.scores?.raw[j][i] ?? 0, weighted: (r.scores?.normalized[j][i] ?? 0) * p.weight })),
    total: r.scores?.totals[i] ?? 0,
  }));
  if (!r.node) return { pod: name, verdicts, scores, message: fitErrorMessage(nodes.length, r.diagnosis) };
  return { pod: name, verdicts, scores, node: r.node };
}
