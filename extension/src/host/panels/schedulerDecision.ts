/**
 * decisionView turns a SchedulingDecision into the Scheduler panel's tables:
 * nodes × filter plugins (each node's first failing plugin, with the reasons)
 * and feasible nodes × score plugins (raw, normalized and weighted scores and
 * the total), plugins named with the legacy predicates and priorities they
 * replaced. At thousands of nodes the tables keep the rows that matter — the
 * winner, the best scores, then the rejected — and say how many they left
 * out. No `vscode` here.
 */
import type { Pod } from '../../lab/api/types';
import { podRequests } from '../../lab/api/pods';
import { formatQuantity, newMilliQuantity, newQuantity } from '../../lab/api/quantity';
import { legacyNamesOf, normalizedScores, type SchedulingDecision, weightedScores } from '../../lab/scheduler/decision';
import type { AttemptView, DecisionView, FilterRowView, ScoreRowView, SchedulerPodDetail, SchedulerQueueName } from '../../../../webview/src/shared/protocol';
import { latestDecision } from './schedulerQueue';
import { whyPending } from './schedulerWhy';

/** MAX_ROWS is how many rows a table sends: enough to read, small enough to draw at once. */
export const MAX_ROWS = 200;

/** decisionView is one decision as the panel's tables. */
export function decisionView(d: SchedulingDecision, maxRows = MAX_ROWS): DecisionView {
  const plugins = d.filter.plugins;
  const index = new Map(plugins.map((p, i) => [p, i]));
  const score = d.score;
  const totals = new Map(score ? d.filter.feasible.map((n, i) => [n, score.totals[i]]) : []);
  const feasible = [...d.filter.feasible].sort((a, b) => (a === d.node ? -1 : b === d.node ? 1 : (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || compareNames(a, b)));
  const rejected = d.filter.rejected.flatMap((g) => g.nodes.map((node) => ({ node, plugin: g.plugin, code: g.code, reasons: g.reasons }))).sort((a, b) => compareNames(a.node, b.node));
  const filterRows: FilterRowView[] = [
    ...feasible.map((node) => ({ node, failedAt: -1, code: 'Success', reasons: [] })),
    // A node rejected by a plugin missing from the list (a PreFilter's result, a Permit) fails past every column.
    ...rejected.map((r) => ({ node: r.node, failedAt: index.get(r.plugin) ?? plugins.length, code: r.code, reasons: r.reasons })),
  ];
  const normalized = (score?.plugins ?? []).map(normalizedScores);
  const weighted = (score?.plugins ?? []).map(weightedScores);
  const scoreRows: ScoreRowView[] = score
    ? d.filter.feasible.map((node, i) => ({
      node,
      raw: score.plugins.map((p) => p.raw[i]),
      normalized: normalized.map((n) => n[i]),
      weighted: weighted.map((w) => w[i]),
      total: score.totals[i],
    })).sort((a, b) => (a.node === d.node ? -1 : b.node === d.node ? 1 : b.total - a.total || compareNames(a.node, b.node)))
    : [];
  return {
    name: d.metadata.name ?? '',
    attempt: d.attempt,
    result: d.result,
    time: d.metadata.creationTimestamp ?? '',
    profile: d.profile,
    node: d.node ?? '',
    message: d.message ?? '',
    nodes: d.nodes,
    preFilter: d.preFilter.map((p) => ({ plugin: p.plugin, code: p.code, reasons: p.reasons ?? [], ...(p.nodeNames !== undefined ? { nodeNames: p.nodeNames } : {}) })),
    filterPlugins: plugins.map((name) => ({ name, legacy: legacyNamesOf(name) })),
    filterRows: filterRows.slice(0, maxRows),
    ...(d.filter.absent ? { absent: d.filter.absent } : {}),
    scorePlugins: (score?.plugins ?? []).map((p) => ({ name: p.name, legacy: legacyNamesOf(p.name), weight: p.weight })),
    scoreRows: scoreRows.slice(0, maxRows),
    omitted: { filter: Math.max(0, filterRows.length - maxRows), score: Math.max(0, scoreRows.length - maxRows) },
    ...(d.postFilter ? { preemption: { message: d.postFilter.message, nominatedNode: d.postFilter.nominatedNodeName ?? '', victims: d.postFilter.victims ?? [] } } : {}),
  };
}

/** compareNames orders node names as people count: node-2 before node-10. */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}

/** attemptView is one line of the pod's history. */
export function attemptView(d: SchedulingDecision): AttemptView {
  return { decision: d.metadata.name ?? '', attempt: d.attempt, result: d.result, time: d.metadata.creationTimestamp ?? '', node: d.node ?? '', message: d.message ?? '' };
}

/** requestsText is what the scheduler counts of the pod: `cpu 8, memory 64Mi`, or `none` for a best-effort pod. */
export function requestsText(pod: Pod): string {
  const r = podRequests(pod);
  const parts: string[] = [];
  if (r.milliCPU) parts.push(`cpu ${formatQuantity(newMilliQuantity(r.milliCPU))}`);
  if (r.memory) parts.push(`memory ${formatQuantity(newQuantity(r.memory, 'BinarySI'))}`);
  return parts.join(', ') || 'none';
}

/**
 * podSchedulingDetail is the selected pod as the panel details it: the decision
 * named by `chosen` (or the latest), the one-sentence answer, and the history.
 */
export function podSchedulingDetail(pod: Pod, decisions: readonly SchedulingDecision[], queue: SchedulerQueueName | undefined, chosen?: string): SchedulerPodDetail {
  const latest = latestDecision(decisions);
  const shown = (chosen && decisions.find((d) => d.metadata.name === chosen)) || latest;
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const history = [...decisions].sort((a, b) => Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion));
  return {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    node: pod.spec.nodeName ?? '',
    ...(queue ? { queue } : {}),
    requests: requestsText(pod),
    why: whyPending(pod, latest),
    ...(cond ? { condition: { status: cond.status, reason: cond.reason ?? '', message: cond.message ?? '' } } : {}),
    ...(shown ? { decision: decisionView(shown) } : {}),
    attempts: history.map(attemptView),
  };
}
