/** registry maps plugin names to plugins; a profile picks from it by name. */
import { defaultBinder } from '../plugins/defaultBinder';
import { defaultPreemption } from '../plugins/defaultPreemption';
import { volumeBinding } from '../plugins/volumeBinding';
import { volumeRestrictions } from '../plugins/volumeRestrictions';
import { volumeZone } from '../plugins/volumeZone';
import { imageLocality } from '../plugins/imageLocality';
import { interPodAffinity } from '../plugins/interPodAffinity';
import { podTopologySpread } from '../plugins/podTopologySpread';
import { informerListers } from '../sharedListers';
import { nodeAffinity } from '../plugins/nodeAffinity';
import { nodeResourcesFit } from '../plugins/nodeResourcesFit';
import { prioritySort } from '../plugins/prioritySort';
import { schedulingGates } from '../plugins/schedulingGates';
import type { Registry } from './framework';
import type { Plugin, PluginFactory } from './interfaces';
import { DefaultBinder, DefaultPreemption, ImageLocality, InterPodAffinity, PodTopologySpread, PrioritySort, SchedulingGates, VolumeBinding, VolumeRestrictions, VolumeZone } from './names';
import { defaultNodeAffinity } from '../plugins/nodeAffinity';
import { defaultNodeName } from '../plugins/nodeName';
import { defaultNodePorts } from '../plugins/nodePorts';
import { defaultNodeResourcesBalancedAllocation } from '../plugins/nodeResourcesBalancedAllocation';
import { defaultNodeResourcesFit } from '../plugins/nodeResourcesFit';
import { nodeUnschedulable } from '../plugins/nodeUnschedulable';
import { taintToleration } from '../plugins/taintToleration';
import type { FilterPlugin, ScorePlugin } from './interfaces';
import { NodeAffinity, NodeName, NodePorts, NodeResourcesBalancedAllocation, NodeResourcesFit, NodeUnschedulable, TaintToleration } from './names';

export const filterPlugins: Record<string, FilterPlugin> = {
  [NodeUnschedulable]: nodeUnschedulable,
  [NodeName]: defaultNodeName,
  [TaintToleration]: taintToleration,
  [NodeAffinity]: defaultNodeAffinity,
  [NodePorts]: defaultNodePorts,
  [NodeResourcesFit]: defaultNodeResourcesFit,
};

export const scorePlugins: Record<string, ScorePlugin> = {
  [TaintToleration]: taintToleration,
  [NodeAffinity]: defaultNodeAffinity,
  [NodeResourcesFit]: defaultNodeResourcesFit,
  [NodeResourcesBalancedAllocation]: defaultNodeResourcesBalancedAllocation,
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
  // Upstream's default plugins in their default order (default_plugins.go).
  filters: [NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit],
  // Upstream's default weights: TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1.
  scores: [
    { name: TaintToleration, weight: 3 },
    { name: NodeAffinity, weight: 2 },
    { name: NodeResourcesFit, weight: 1 },
    { name: NodeResourcesBalancedAllocation, weight: 1 },
  ],
};

/** withoutTypeMeta drops apiVersion and kind from a pluginConfig's args before a plugin reads them. */
function withoutTypeMeta<T>(args: unknown): T {
  const { apiVersion: _v, kind: _k, ...rest } = (args ?? {}) as Record<string, unknown>;
  return rest as T;
}

/**
 * pluginFactories build the plugins that take args or need the framework's
 * handle; they win over the argument-less plugins of filterPlugins and scorePlugins.
 */
export const pluginFactories: Record<string, PluginFactory> = {
  [SchedulingGates]: () => schedulingGates,
  [PrioritySort]: () => prioritySort,
  [DefaultBinder]: (_args, handle) => defaultBinder(handle),
  [NodeResourcesFit]: (args) => nodeResourcesFit(withoutTypeMeta(args)),
  [NodeAffinity]: (args) => nodeAffinity(withoutTypeMeta(args)),
  [ImageLocality]: (_args, handle) => imageLocality(handle),
  [DefaultPreemption]: (args, handle) => defaultPreemption(withoutTypeMeta(args), handle),
  [VolumeRestrictions]: (_args, handle) => volumeRestrictions(handle),
  [VolumeBinding]: (args, handle) => volumeBinding(withoutTypeMeta(args), handle),
  [VolumeZone]: (_args, handle) => volumeZone(handle),
  [PodTopologySpread]: (args, handle) => podTopologySpread(withoutTypeMeta(args), handle, handle.informerFactory && informerListers(handle.informerFactory)),
  [InterPodAffinity]: (args, handle) => interPodAffinity(withoutTypeMeta(args), handle, handle.informerFactory && informerListers(handle.informerFactory)),
};

/** inTreeRegistry is every plugin the lab has, by name (plugins.NewInTreeRegistry): singletons as factories, then the factories. */
export function inTreeRegistry(): Registry {
  const out: Record<string, PluginFactory> = {};
  for (const table of [filterPlugins, scorePlugins] as Record<string, Plugin>[]) {
    for (const [name, plugin] of Object.entries(table)) out[name] ??= () => plugin;
  }
  return { ...out, ...pluginFactories };
}
