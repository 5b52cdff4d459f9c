/**
 * The scheduler's configuration as the Scheduler panel shows and edits it.
 * kube-scheduler reads a KubeSchedulerConfiguration from the ConfigMap
 * kube-system/kube-scheduler-config (key config.yaml), or runs its defaults
 * without one. configView reads that text the way the scheduler does (decode,
 * default, validate, build each profile) to show each profile's plugins, the
 * extension points they run at and their score weights, and whether the
 * scheduler will refuse it. editConfig changes a weight or turns a plugin off
 * or on in the text — keeping the rest of it, comments included — and the
 * panel writes the result back through the API; the scheduler picks it up from
 * its watch, or reports a Warning event and keeps its previous configuration.
 * No `vscode` here.
 */
import { Document, parseDocument } from 'yaml';
import type { KubeObject } from '../../lab/api/types';
import type { KubeClient } from '../../lab/client/kubeClient';
import { RealClock } from '../../lab/clock';
import { SeededRandom } from '../../lab/random';
import {
  DEFAULT_MULTI_POINT, DEFAULT_SCHEDULER_NAME, EXTENSION_POINTS, type ExtensionPoint, type KubeSchedulerConfiguration, type KubeSchedulerProfile,
  type PluginRef, type PluginSet, type Plugins, SCHEDULER_CONFIG_API_VERSION, defaultConfiguration,
} from '../../lab/scheduler/apis/config';
import { loadSchedulerConfig } from '../../lab/scheduler/apis/validation';
import { legacyNamesOf } from '../../lab/scheduler/decision';
import { Framework, type Registry } from '../../lab/scheduler/framework/framework';
import { inTreeRegistry } from '../../lab/scheduler/framework/registry';
import type { EventView, ProfilePluginView, SchedulerConfigView, SchedulerProfileView } from '../../../../webview/src/shared/protocol';

/** The ConfigMap kube-scheduler reads (scheduler.ts has the same names; importing them would pull the scheduler itself in). */
export const CONFIG_NAMESPACE = 'kube-system';
export const CONFIG_NAME = 'kube-scheduler-config';
export const CONFIG_KEY = 'config.yaml';

/** MAX_WEIGHT is the largest weight the panel writes: the field is an int32. */
export const MAX_WEIGHT = 2147483647;

/** ConfigMap is core/v1 ConfigMap as far as the panel reads it. */
export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** ConfigEdit is one change the panel makes to a profile. */
export type ConfigEdit =
  | { type: 'setWeight'; plugin: string; weight: number }
  | { type: 'setEnabled'; plugin: string; enabled: boolean };

let registryCache: Registry | undefined;
function registry(): Registry {
  return (registryCache ??= inTreeRegistry());
}
const registered = (name: string): boolean => name in registry();

/**
 * capabilities maps each registered plugin to the extension points it
 * implements, learnt by building the default profile, where multiPoint places
 * every plugin at each point it implements.
 */
function capabilities(client: KubeClient): Map<string, Set<ExtensionPoint>> {
  const profile = (defaultConfiguration({}, registered).profiles ?? [])[0];
  const fwk = Framework.create(profile, registry(), { client, clock: new RealClock(), random: new SeededRandom(1) });
  const out = new Map<string, Set<ExtensionPoint>>();
  if ('error' in fwk) return out;
  const names = fwk.pluginNames();
  for (const point of EXTENSION_POINTS) for (const name of names[point]) out.set(name, (out.get(name) ?? new Set()).add(point));
  return out;
}

/** profileView lists a defaulted profile's plugins: where each runs (multiPoint expanded as the framework does) and its weight. */
export function profileView(p: KubeSchedulerProfile, caps: Map<string, Set<ExtensionPoint>>): SchedulerProfileView {
  const plugins: Plugins = p.plugins ?? {};
  const multi = plugins.multiPoint?.enabled ?? [];
  const names = [...DEFAULT_MULTI_POINT.map((x) => x.name).filter(registered)];
  for (const set of Object.values(plugins)) for (const ref of set?.enabled ?? []) if (!names.includes(ref.name)) names.push(ref.name);
  const has = (refs: readonly PluginRef[] | undefined, name: string) => (refs ?? []).some((r) => r.name === name);
  const views: ProfilePluginView[] = names.map((name) => {
    const points = EXTENSION_POINTS.filter((point) => {
      const set = plugins[point];
      if (has(set?.enabled, name)) return true;
      if (!has(multi, name) || !caps.get(name)?.has(point)) return false;
      return !has(set?.disabled, name) && !has(set?.disabled, '*');
    });
    const weightOf = (refs: readonly PluginRef[] | undefined) => refs?.find((r) => r.name === name)?.weight;
    const weight = points.includes('score') ? (weightOf(plugins.score?.enabled) || weightOf(multi) || 1) : undefined;
    return { name, legacy: legacyNamesOf(name), points, ...(weight !== undefined ? { weight } : {}), enabled: points.length > 0 };
  });
  return { schedulerName: p.schedulerName ?? '', plugins: views };
}

/** buildError is the error kube-scheduler gives for a configuration whose profiles do not build, undefined when they do. */
function buildError(cfg: KubeSchedulerConfiguration, client: KubeClient): string | undefined {
  for (const p of cfg.profiles ?? []) {
    const fwk = Framework.create(p, registry(), { client, clock: new RealClock(), random: new SeededRandom(1) });
    if ('error' in fwk) return `initializing profiles: creating profile for scheduler name ${p.schedulerName ?? ''}: ${fwk.error}`;
  }
  return undefined;
}

/**
 * configView is the configuration the panel shows: the ConfigMap's text
 * (or the defaults without one), its profiles, and why the scheduler refuses
 * it, with the scheduler's own Warning event about it when there is one.
 */
export function configView(cm: ConfigMap | undefined, warning: EventView | undefined, client: KubeClient): SchedulerConfigView {
  const caps = capabilities(client);
  const text = cm?.data?.[CONFIG_KEY];
  if (text === undefined) {
    const cfg = defaultConfiguration({}, registered);
    return { source: 'defaults', text: '', profiles: (cfg.profiles ?? []).map((p) => profileView(p, caps)) };
  }
  const loaded = loadSchedulerConfig(text, registered);
  const error = 'error' in loaded ? loaded.error : buildError(loaded.config, client);
  // A configuration the scheduler refuses is still drawn as far as it reads, so the edit that fixes it can be made here.
  const cfg = 'config' in loaded ? loaded.config : defaultConfiguration(looseParse(text), registered);
  return {
    source: 'configmap',
    text,
    profiles: (cfg.profiles ?? []).map((p) => profileView(p, caps)),
    ...(error ? { error } : {}),
    ...(error && warning ? { warning } : {}),
  };
}

/** looseParse reads what it can of a refused text: a mapping's profiles, or nothing. */
function looseParse(text: string): KubeSchedulerConfiguration {
  const doc = parseDocument(text);
  const js: unknown = doc.errors.length ? undefined : doc.toJS();
  if (typeof js !== 'object' || js === null || Array.isArray(js)) return {};
  const profiles = (js as KubeSchedulerConfiguration).profiles;
  return Array.isArray(profiles) ? { profiles: profiles.filter((p) => typeof p === 'object' && p !== null) } : {};
}

/**
 * editConfig applies one edit to a profile of config.yaml's text (undefined:
 * no ConfigMap yet, start from a bare configuration) and returns the new text.
 * A weight is set where the profile already sets one (score, else multiPoint);
 * disabling takes the plugin off every extension point (multiPoint.disabled);
 * enabling undoes that. Bad input is an error and no text.
 */
export function editConfig(text: string | undefined, profile: string, edit: ConfigEdit): { text: string } | { error: string } {
  const doc = text === undefined
    ? new Document({ apiVersion: SCHEDULER_CONFIG_API_VERSION, kind: 'KubeSchedulerConfiguration' })
    : parseDocument(text);
  if (doc.errors.length) return { error: `config.yaml does not parse: ${doc.errors[0].message.split('\n')[0]}` };
  const js: unknown = doc.toJS();
  if (typeof js !== 'object' || js === null || Array.isArray(js)) return { error: 'config.yaml is not a KubeSchedulerConfiguration: expected a YAML mapping' };
  const cfg = js as KubeSchedulerConfiguration;
  if (edit.type === 'setWeight' && (!Number.isInteger(edit.weight) || edit.weight < 1 || edit.weight > MAX_WEIGHT)) {
    return { error: `weight must be a whole number from 1 to ${MAX_WEIGHT}, not ${String(edit.weight)}` };
  }
  if (!edit.plugin) return { error: 'a plugin name is required' };
  const profiles = Array.isArray(cfg.profiles) ? cfg.profiles : [];
  let i = profiles.findIndex((p) => (p.schedulerName ?? (profiles.length === 1 ? DEFAULT_SCHEDULER_NAME : '')) === profile);
  if (i < 0 && profiles.length === 0 && profile === DEFAULT_SCHEDULER_NAME) {
    doc.set('profiles', doc.createNode([{ schedulerName: DEFAULT_SCHEDULER_NAME }]));
    i = 0;
  }
  if (i < 0) return { error: `the configuration has no profile named ${profile}` };
  const base = ['profiles', i, 'plugins'];
  const plugins: Plugins = profiles[i]?.plugins ?? {};
  const edits = new YamlEdits(doc, base);
  const changed = edit.type === 'setWeight' ? setWeight(edits, plugins, edit.plugin, edit.weight) : setEnabled(edits, plugins, edit.plugin, edit.enabled);
  if (typeof changed === 'string') return { error: changed };
  edits.prune(plugins);
  return { text: String(doc) };
}

/** YamlEdits changes a profile's plugins in place in the document, so what the edit does not touch keeps its comments and layout. */
class YamlEdits {
  constructor(private readonly doc: Document, private readonly base: (string | number)[]) {}

  set(path: (string | number)[], value: unknown): void {
    this.doc.setIn([...this.base, ...path], this.doc.createNode(value));
  }

  /** append adds an item to a list, making the list when there is none. */
  append(point: keyof Plugins, list: 'enabled' | 'disabled', plugins: Plugins, item: PluginRef): void {
    const existing = plugins[point]?.[list];
    if (existing) this.doc.addIn([...this.base, point, list], this.doc.createNode(item));
    else this.set([point, list], [item]);
    ((plugins[point] ??= {})[list] ??= []).push(item);
  }

  /** remove drops every item naming plugin from a list, last first so the indexes hold. */
  remove(point: keyof Plugins, list: 'enabled' | 'disabled', plugins: Plugins, name: string): void {
    const items = plugins[point]?.[list] ?? [];
    for (let j = items.length - 1; j >= 0; j--) {
      if (items[j]?.name !== name) continue;
      this.doc.deleteIn([...this.base, point, list, j]);
      items.splice(j, 1);
    }
  }

  /** prune drops the lists and sets an edit emptied, so the text says only what differs from the defaults. */
  prune(plugins: Plugins): void {
    for (const [point, set] of Object.entries(plugins) as [keyof Plugins, PluginSet | undefined][]) {
      if (!set) continue;
      for (const list of ['enabled', 'disabled'] as const) if (set[list] && set[list].length === 0) this.doc.deleteIn([...this.base, point, list]);
      if (!set.enabled?.length && !set.disabled?.length) this.doc.deleteIn([...this.base, point]);
    }
    if (Object.values(plugins).every((set) => !set?.enabled?.length && !set?.disabled?.length)) this.doc.deleteIn(this.base);
  }
}

function setWeight(edits: YamlEdits, plugins: Plugins, name: string, weight: number): true | string {
  const disabled = Object.values(plugins).some((set) => (set?.disabled ?? []).some((r) => r.name === name));
  if (disabled) return `${name} is disabled in this profile: enable it before weighting it`;
  for (const point of ['score', 'multiPoint'] as const) {
    const j = (plugins[point]?.enabled ?? []).findIndex((r) => r.name === name);
    if (j >= 0) {
      edits.set([point, 'enabled', j, 'weight'], weight);
      return true;
    }
  }
  edits.append('multiPoint', 'enabled', plugins, { name, weight });
  return true;
}

function setEnabled(edits: YamlEdits, plugins: Plugins, name: string, enabled: boolean): true | string {
  if (enabled && !DEFAULT_MULTI_POINT.some((r) => r.name === name) && !registered(name)) return `no plugin named ${name} is registered`;
  for (const point of Object.keys(plugins) as (keyof Plugins)[]) edits.remove(point, enabled ? 'disabled' : 'enabled', plugins, name);
  if (enabled) {
    // A plugin outside the default set has nowhere to run until it is listed.
    if (!DEFAULT_MULTI_POINT.some((r) => r.name === name)) edits.append('multiPoint', 'enabled', plugins, { name });
    return true;
  }
  if (!(plugins.multiPoint?.disabled ?? []).some((r) => r.name === name)) edits.append('multiPoint', 'disabled', plugins, { name });
  return true;
}
