/**
 * schedulePod is one scheduling decision as a pure function: run the profile's
 * filters on every node, score the feasible ones, pick the best (ties broken at
 * random, as selectHost's reservoir sampling). The result keeps each node's
 * verdicts and each plugin's scores so "why is this pod pending?" can be shown.
 */
import type { Pod } from '../api/types';
import type { Random } from '../random';
import type { CycleState, Status } from './framework/interfaces';
import { type Profile, filterPlugins, scorePlugins } from './framework/registry';
import type { NodeInfo } from './nodeInfo';

export interface NodeVerdict {
  node: string;
  /** filters maps plugin name to its status; plugins after the first failure do not run. */
  filters: { plugin: string; status: Status }[];
  feasible: boolean;
}

export interface NodeScore {
  node: string;
  plugins: { plugin: string; raw: number; weighted: number }[];
  total: number;
}

export interface Decision {
  pod: string;
  verdicts: NodeVerdict[];
  scores: NodeScore[];
  /** node is the chosen node, or undefined when none fits. */
  node?: string;
  /** message is upstream's FitError text when no node fits. */
  message?: string;
}

/** NO_NODES_MESSAGE is ErrNoNodesAvailable's text. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

export function schedulePod(pod: Pod, nodes: readonly NodeInfo[], profile: Profile, random: Random): Decision {
  const state: CycleState = new Map();
  const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  if (nodes.length === 0) return { pod: name, verdicts: [], scores: [], message: NO_NODES_MESSAGE };
  const verdicts: NodeVerdict[] = nodes.map((n) => {
    const filters: NodeVerdict['filters'] = [];
    for (const pluginName of profile.filters) {
      const status = filterPlugins[pluginName].filter(state, pod, n);
      filters.push({ plugin: pluginName, status });
      if (status.code !== 'Success') return { node: n.name, filters, feasible: false };
    }
    return { node: n.name, filters, feasible: true };
  });
  const feasible = nodes.filter((_, i) => verdicts[i].feasible);
  if (feasible.length === 0) return { pod: name, verdicts, scores: [], message: fitErrorMessage(nodes.length, verdicts) };

  const scores: NodeScore[] = feasible.map((n) => ({ node: n.name, plugins: [], total: 0 }));
  for (const { name: pluginName, weight } of profile.scores) {
    const plugin = scorePlugins[pluginName];
    const raw = feasible.map((n) => ({ node: n.name, score: plugin.score(state, pod, n) }));
    plugin.normalizeScore?.(state, pod, raw);
    raw.forEach((r, i) => {
      scores[i].plugins.push({ plugin: pluginName, raw: r.score, weighted: r.score * weight });
      scores[i].total += r.score * weight;
    });
  }
  let best: NodeScore | undefined;
  let ties = 0;
  for (const s of scores) {
    if (!best || s.total > best.total) {
      best = s;
      ties = 1;
    } else if (s.total === best.total) {
      ties++;
      if (random.int(ties) === 0) best = s;
    }
  }
  return { pod: name, verdicts, scores, node: best?.node };
}

/** fitErrorMessage is FitError.Error(): `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable.` */
export function fitErrorMessage(total: number, verdicts: readonly NodeVerdict[]): string {
  const histogram = new Map<string, number>();
  for (const v of verdicts) {
    const failed = v.filters.find((f) => f.status.code !== 'Success');
    for (const reason of failed?.status.reasons ?? []) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  }
  const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
