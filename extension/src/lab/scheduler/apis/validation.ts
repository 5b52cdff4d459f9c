/**
 * Loading and validating a KubeSchedulerConfiguration as kube-scheduler does
 * (options.loadConfigFromFile, then ValidateKubeSchedulerConfiguration): YAML
 * decoded strictly into kubescheduler.config.k8s.io/v1, defaulted, then checked
 * with upstream's field errors, aggregated as utilerrors.Aggregate prints them.
 */
import { parse } from 'yaml';
import { type FieldError, duplicate, formatFieldErrors, invalidValue, notSupported, required } from '../../apiserver/fieldErrors';
import { type IsRegistered, type KubeSchedulerConfiguration, type KubeSchedulerProfile, type PluginSet, EXTENSION_POINTS, SCHEDULER_CONFIG_API_VERSION, SCHEDULER_CONFIG_GROUP, defaultConfiguration } from './config';

const TOP_FIELDS = new Set(['apiVersion', 'kind', 'parallelism', 'percentageOfNodesToScore', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds', 'profiles', 'leaderElection', 'clientConnection', 'extenders', 'delayCacheUntilActive', 'enableProfiling', 'enableContentionProfiling', 'healthzBindAddress', 'metricsBindAddress']);
const PROFILE_FIELDS = new Set(['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig']);
const PLUGINS_FIELDS = new Set([...EXTENSION_POINTS, 'multiPoint']);
const SCHEME = 'k8s.io/kubernetes/pkg/scheduler/apis/config/scheme/scheme.go:30';

/** loadSchedulerConfig decodes, defaults and validates config.yaml's text; the error is kube-scheduler's. */
export function loadSchedulerConfig(text: string, registered: IsRegistered): { config: KubeSchedulerConfiguration } | { error: string } {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    return { error: `couldn't decode as KubeSchedulerConfiguration: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  const decoded = decode(raw);
  if ('error' in decoded) return decoded;
  const config = defaultConfiguration(decoded.config, registered);
  const errs = validateConfiguration(config);
  return errs.length ? { error: formatFieldErrors(errs) } : { config };
}

/** decode is the strict decoder: the group and version must be v1, and unknown fields are refused. */
function decode(raw: unknown): { config: KubeSchedulerConfiguration } | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: "couldn't decode as KubeSchedulerConfiguration: expected a YAML mapping" };
  const obj = raw as Record<string, unknown>;
  const text = (x: unknown): string => (typeof x === 'string' ? x : x === undefined ? '' : JSON.stringify(x));
  if (!obj.kind) return { error: `Object 'Kind' is missing in '${JSON.stringify(obj)}'` };
  if (obj.apiVersion !== SCHEDULER_CONFIG_API_VERSION || obj.kind !== 'KubeSchedulerConfiguration') {
    const group = text(obj.apiVersion).split('/')[0];
    if (group === SCHEDULER_CONFIG_GROUP || obj.kind === 'KubeSchedulerConfiguration') return { error: `no kind "${text(obj.kind)}" is registered for version "${text(obj.apiVersion)}" in scheme "${SCHEME}"` };
    return { error: `couldn't decode as KubeSchedulerConfiguration, got ${JSON.stringify(`${text(obj.apiVersion)}, Kind=${text(obj.kind)}`)}` };
  }
  const unknown: string[] = [];
  for (const k of Object.keys(obj)) if (!TOP_FIELDS.has(k)) unknown.push(`unknown field "${k}"`);
  const profiles = Array.isArray(obj.profiles) ? (obj.profiles as unknown[]) : [];
  profiles.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) return;
    for (const k of Object.keys(p)) if (!PROFILE_FIELDS.has(k)) unknown.push(`unknown field "profiles[${i}].${k}"`);
    const plugins = (p as Record<string, unknown>).plugins;
    if (plugins && typeof plugins === 'object') for (const k of Object.keys(plugins)) if (!PLUGINS_FIELDS.has(k)) unknown.push(`unknown field "profiles[${i}].plugins.${k}"`);
  });
  if (unknown.length) return { error: `strict decoding error: ${unknown.join(', ')}` };
  return { config: obj };
}

/** validateConfiguration is ValidateKubeSchedulerConfiguration over a defaulted configuration. */
export function validateConfiguration(cc: KubeSchedulerConfiguration): FieldError[] {
  const errs: FieldError[] = [];
  if ((cc.parallelism ?? 0) <= 0) errs.push(invalidValue('parallelism', cc.parallelism ?? 0, 'should be an integer value greater than zero'));
  const profiles = cc.profiles ?? [];
  if (profiles.length === 0) errs.push(required('profiles'));
  const seen = new Map<string, number>();
  profiles.forEach((p, i) => {
    errs.push(...validateProfile(`profiles[${i}]`, p));
    const name = p.schedulerName ?? '';
    const first = seen.get(name);
    if (first !== undefined) errs.push(duplicate(`profiles[${i}].schedulerName`, name));
    else seen.set(name, i);
  });
  if (profiles.length) errs.push(...validateCommonQueueSort(profiles));
  const pct = cc.percentageOfNodesToScore ?? 0;
  if (pct < 0 || pct > 100) errs.push(invalidValue('percentageOfNodesToScore', pct, 'not in valid range [0-100]'));
  const initial = cc.podInitialBackoffSeconds ?? 0;
  if (initial <= 0) errs.push(invalidValue('podInitialBackoffSeconds', initial, 'must be greater than 0'));
  if ((cc.podMaxBackoffSeconds ?? 0) < initial) errs.push(invalidValue('podMaxBackoffSeconds', cc.podMaxBackoffSeconds ?? 0, 'must be greater than or equal to PodInitialBackoffSeconds'));
  return errs;
}

function validateProfile(path: string, p: KubeSchedulerProfile): FieldError[] {
  const errs: FieldError[] = [];
  if (p.percentageOfNodesToScore !== undefined && (p.percentageOfNodesToScore < 0 || p.percentageOfNodesToScore > 100)) {
    errs.push(invalidValue(`${path}.percentageOfNodesToScore`, p.percentageOfNodesToScore, 'not in valid range [0-100]'));
  }
  if (!p.schedulerName) errs.push(required(`${path}.schedulerName`));
  const seen = new Set<string>();
  (p.pluginConfig ?? []).forEach((c, i) => {
    const at = `${path}.pluginConfig[${i}]`;
    if (seen.has(c.name)) errs.push(duplicate(at, c.name));
    seen.add(c.name);
    errs.push(...validateArgs(`${at}.args`, c.name, c.args ?? {}));
  });
  return errs;
}

/** validateArgs is the per-plugin args validation (ValidateNodeResourcesFitArgs and its siblings). */
function validateArgs(path: string, plugin: string, args: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const num = (k: string): number | undefined => (typeof args[k] === 'number' ? (args[k]) : undefined);
  const resourceWeights = (at: string, resources: unknown): void => {
    if (!Array.isArray(resources)) return;
    const names = new Set<string>();
    resources.forEach((r: { name?: string; weight?: number }, i) => {
      const w = r.weight ?? 0;
      if (w <= 0 || w > 100) errs.push(invalidValue(`${at}[${i}].weight`, w, `resource weight of ${r.name ?? ''} not in valid range [1, 100]`));
      if (names.has(r.name ?? '')) errs.push(duplicate(`${at}[${i}].name`, r.name ?? ''));
      names.add(r.name ?? '');
    });
  };
  switch (plugin) {
    case 'DefaultPreemption': {
      const pct = num('minCandidateNodesPercentage') ?? 0;
      const abs = num('minCandidateNodesAbsolute') ?? 0;
      if (pct < 0 || pct > 100) errs.push(invalidValue(`${path}.minCandidateNodesPercentage`, pct, 'not in valid range [0, 100]'));
      if (abs < 0) errs.push(invalidValue(`${path}.minCandidateNodesAbsolute`, abs, 'not in valid range [0, inf)'));
      if (pct === 0 && abs === 0) {
        errs.push(invalidValue(`${path}.minCandidateNodesPercentage`, pct, 'cannot be zero at the same time as minCandidateNodesAbsolute'));
        errs.push(invalidValue(`${path}.minCandidateNodesAbsolute`, abs, 'cannot be zero at the same time as minCandidateNodesPercentage'));
      }
      break;
    }
    case 'InterPodAffinity': {
      const w = num('hardPodAffinityWeight') ?? 0;
      if (w < 0 || w > 100) errs.push(invalidValue(`${path}.hardPodAffinityWeight`, w, 'not in valid range [0, 100]'));
      break;
    }
    case 'VolumeBinding': {
      const t = num('bindTimeoutSeconds') ?? 0;
      if (t < 0) errs.push(invalidValue(`${path}.bindTimeoutSeconds`, t, 'invalid BindTimeoutSeconds, should not be a negative value'));
      break;
    }
    case 'PodTopologySpread': {
      const t = args.defaultingType;
      if (t !== 'System' && t !== 'List') errs.push(notSupported(`${path}.defaultingType`, t, ['List', 'System']));
      else if (t === 'System' && Array.isArray(args.defaultConstraints) && args.defaultConstraints.length) {
        errs.push(invalidValue(`${path}.defaultConstraints`, args.defaultConstraints, 'when .defaultingType is "System"'));
      }
      break;
    }
    case 'NodeResourcesBalancedAllocation':
      resourceWeights(`${path}.resources`, args.resources);
      break;
    case 'NodeResourcesFit': {
      const s = (args.scoringStrategy ?? {}) as { type?: string; resources?: unknown };
      const types = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];
      if (!types.includes(s.type ?? '')) errs.push(notSupported(`${path}.scoringStrategy.type`, s.type ?? '', types));
      resourceWeights(`${path}.scoringStrategy.resources`, s.resources);
      break;
    }
  }
  return errs;
}

/** validateCommonQueueSort: every profile must sort the queue the same way, since one queue serves them all. */
function validateCommonQueueSort(profiles: readonly KubeSchedulerProfile[]): FieldError[] {
  const errs: FieldError[] = [];
  const canon = queueSortOf(profiles[0]);
  const length = profiles[0].plugins?.queueSort?.enabled?.length ?? 0;
  if (length > 1) errs.push(invalidValue('profiles[0].plugins.queueSort.Enabled', length, 'only one queue sort plugin can be enabled'));
  for (let i = 1; i < profiles.length; i++) {
    if (queueSortOf(profiles[i]) !== canon) errs.push(invalidValue(`profiles[${i}].plugins.queueSort`, profiles[i].plugins?.queueSort ?? {}, 'has to match for all profiles'));
  }
  return errs;
}

/** queueSortOf is the queue sort a profile ends up with (its queueSort set or the multiPoint plugins that sort), compared as text. */
function queueSortOf(p: KubeSchedulerProfile): string {
  const set: PluginSet = p.plugins?.queueSort ?? {};
  return JSON.stringify([set.enabled?.map((x) => x.name) ?? [], set.disabled?.map((x) => x.name) ?? []]);
}
