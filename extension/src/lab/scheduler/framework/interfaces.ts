/**
 * The scheduling framework's contracts, as pkg/scheduler/framework: each
 * extension point is its own small interface and a plugin implements only the
 * ones it needs. Expected outcomes are returned as a Status, never thrown.
 */
import type { Pod } from '../../api/types';
import type { NodeInfo } from '../nodeInfo';

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

/** Status is a plugin's verdict with upstream's reason strings. */
export interface Status {
  code: Code;
  reasons: string[];
  /** plugin names who failed the pod, for the decision table. */
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] });

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

/** CycleState carries data from PreFilter/PreScore to later points within one scheduling cycle. */
export type CycleState = Map<string, unknown>;

export interface Plugin {
  readonly name: string;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status;
}

export interface ScorePlugin extends Plugin {
  /** score returns 0..MAX_NODE_SCORE for one node. */
  score(state: CycleState, pod: Pod, node: NodeInfo): number;
  /** normalizeScore rescales all nodes' scores into 0..MAX_NODE_SCORE when a plugin needs it. */
  normalizeScore?(state: CycleState, pod: Pod, scores: { node: string; score: number }[]): void;
}

/** MAX_NODE_SCORE is framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;
