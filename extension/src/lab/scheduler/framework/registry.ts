/** registry maps plugin names to plugins; a profile picks from it by name. */
import { nodeResourcesFit } from '../plugins/nodeResourcesFit';
import { nodeUnschedulable } from '../plugins/nodeUnschedulable';
import { taintToleration } from '../plugins/taintToleration';
import type { FilterPlugin, ScorePlugin } from './interfaces';
import { NodeResourcesFit, NodeUnschedulable, TaintToleration } from './names';

export const filterPlugins: Record<string, FilterPlugin> = {
  [NodeUnschedulable]: nodeUnschedulable,
  [TaintToleration]: taintToleration,
  [NodeResourcesFit]: nodeResourcesFit,
};

export const scorePlugins: Record<string, ScorePlugin> = {
  [TaintToleration]: taintToleration,
  [NodeResourcesFit]: nodeResourcesFit,
};

/** Profile is a scheduler profile: which plugins run, and score weights. */
export interface Profile {
  schedulerName: string;
  filters: string[];
  scores: { name: string; weight: number }[];
}

/** defaultProfile is the default-scheduler profile as far as the lab implements it. */
export const defaultProfile: Profile = {
  schedulerName: 'default-scheduler',
  filters: [NodeUnschedulable, TaintToleration, NodeResourcesFit],
  // Upstream's default weights: TaintToleration 3, NodeResourcesFit 1.
  scores: [{ name: TaintToleration, weight: 3 }, { name: NodeResourcesFit, weight: 1 }],
};
