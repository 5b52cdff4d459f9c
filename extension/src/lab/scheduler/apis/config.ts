/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as the lab reads
 * it: the types, upstream's defaults (pkg/scheduler/apis/config/v1: the 1.32
 * default profile's plugins and weights, plugin args defaults), and the merge
 * of a profile's plugin sets with the defaults (mergePluginSet). The default
 * plugin list is kept whole as data; only plugins the registry has are enabled,
 * so a plugin lights up as soon as it is registered.
 */
export const SCHEDULER_CONFIG_GROUP = 'kubescheduler.config.k8s.io';
export const SCHEDULER_CONFIG_API_VERSION = `${SCHEDULER_CONFIG_GROUP}/v1`;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

/** EXTENSION_POINTS are Plugins' fields, multiPoint aside. */
export const EXTENSION_POINTS = ['preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export type Plugins = { [K in ExtensionPoint | 'multiPoint']?: PluginSet };

export interface PluginConfig {
  name: string;
  args?: Record<string, unknown>;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  parallelism?: number;
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
  leaderElection?: Record<string, unknown>;
  clientConnection?: Record<string, unknown>;
  extenders?: unknown[];
  delayCacheUntilActive?: boolean;
}

/** DEFAULT_MULTI_POINT is getDefaultPlugins() of 1.32 (default_plugins.go): the default profile's plugins in order, with score weights. */
export const DEFAULT_MULTI_POINT: readonly Readonly<PluginRef>[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

/** defaultPluginArgs are the v1 args defaulters (SetDefaults_*Args), by plugin name. */
const DEFAULT_ARGS: Record<string, () => Record<string, unknown>> = {
  DefaultPreemption: () => ({ minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 }),
  InterPodAffinity: () => ({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false }),
  NodeAffinity: () => ({}),
  NodeResourcesBalancedAllocation: () => ({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] }),
  NodeResourcesFit: () => ({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } }),
  PodTopologySpread: () => ({ defaultingType: 'System' }),
  VolumeBinding: () => ({ bindTimeoutSeconds: 600 }),
};

/** defaultArgs fills an args object's missing fields with the v1 defaults (args given win, field by field). */
export function defaultArgs(plugin: string, args: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const make = DEFAULT_ARGS[plugin];
  if (!make) return args;
  const defaults = make();
  const out: Record<string, unknown> = { apiVersion: SCHEDULER_CONFIG_API_VERSION, kind: `${plugin}Args`, ...defaults, ...(args ?? {}) };
  // A scoring strategy given without resources gets the default resources, as SetDefaults_NodeResourcesFitArgs.
  if (plugin === 'NodeResourcesFit') {
    const s = { ...(out.scoringStrategy as Record<string, unknown> | undefined) };
    s.type ??= 'LeastAllocated';
    if (!s.resources && (s.type === 'LeastAllocated' || s.type === 'MostAllocated')) s.resources = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
    out.scoringStrategy = s;
  }
  return out;
}

/** mergePluginSet is upstream's: defaults minus the disabled ones (all with '*'), re-configured in place, then the custom ones. */
export function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): PluginSet {
  const disabled = [...(custom?.disabled ?? []), ...(defaults.disabled ?? [])].map((p) => ({ name: p.name }));
  const disabledNames = new Set(disabled.map((p) => p.name));
  const customEnabled = custom?.enabled ?? [];
  const customIndex = new Map(customEnabled.map((p, i) => [p.name, i]));
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabledNames.has('*')) {
    for (const d of defaults.enabled ?? []) {
      if (disabledNames.has(d.name)) continue;
      const i = customIndex.get(d.name);
      if (i !== undefined) {
        enabled.push(customEnabled[i]);
        replaced.add(i);
      } else enabled.push(d);
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled };
}

/** isConfigured tells a plugin the registry has from one it lacks. */
export type IsRegistered = (name: string) => boolean;

/**
 * defaultConfiguration is SetDefaults_KubeSchedulerConfiguration: global
 * settings, one default-scheduler profile when none is given (named only when
 * it is alone), each profile's plugins merged with the default multiPoint set
 * (the registered plugins of it), and default args for the plugins in use.
 */
export function defaultConfiguration(cfg: KubeSchedulerConfiguration, registered: IsRegistered): KubeSchedulerConfiguration {
  const profiles = cfg.profiles?.length ? cfg.profiles.map((p) => ({ ...p })) : [{}];
  if (profiles.length === 1) profiles[0].schedulerName ??= DEFAULT_SCHEDULER_NAME;
  const defaultPlugins: Plugins = { multiPoint: { enabled: DEFAULT_MULTI_POINT.filter((p) => registered(p.name)).map((p) => ({ ...p })) } };
  return {
    ...cfg,
    apiVersion: cfg.apiVersion ?? SCHEDULER_CONFIG_API_VERSION,
    kind: cfg.kind ?? 'KubeSchedulerConfiguration',
    parallelism: cfg.parallelism ?? 16,
    percentageOfNodesToScore: cfg.percentageOfNodesToScore ?? 0,
    podInitialBackoffSeconds: cfg.podInitialBackoffSeconds ?? 1,
    podMaxBackoffSeconds: cfg.podMaxBackoffSeconds ?? 10,
    profiles: profiles.map((p) => {
      const plugins: Plugins = {};
      for (const point of [...EXTENSION_POINTS, 'multiPoint'] as const) {
        const merged = mergePluginSet(defaultPlugins[point] ?? {}, p.plugins?.[point]);
        if (merged.enabled?.length || merged.disabled?.length) plugins[point] = merged;
      }
      const given = new Set((p.pluginConfig ?? []).map((c) => c.name));
      const pluginConfig: PluginConfig[] = (p.pluginConfig ?? []).map((c) => ({ name: c.name, ...(defaultArgs(c.name, c.args) ? { args: defaultArgs(c.name, c.args) } : {}) }));
      for (const name of pluginNames(plugins)) {
        if (given.has(name) || !DEFAULT_ARGS[name]) continue;
        pluginConfig.push({ name, args: defaultArgs(name, undefined) });
      }
      return { ...p, plugins, pluginConfig };
    }),
  };
}

/** pluginNames is every plugin a profile enables anywhere, sorted (pluginsNames upstream). */
export function pluginNames(plugins: Plugins): string[] {
  const names = new Set<string>();
  for (const set of Object.values(plugins)) for (const p of set?.enabled ?? []) names.add(p.name);
  return [...names].sort();
}
