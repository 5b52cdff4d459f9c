/**
 * buildPlugins places a profile's plugins at the extension points of a new
 * Framework (the plugin half of frameworkruntime.NewFramework): the registry's
 * factories, the profile's plugin sets and args, multiPoint's expansion and the
 * score weights, with upstream's configuration errors.
 */
import { EXTENSION_POINTS, type ExtensionPoint, type KubeSchedulerProfile, type PluginRef } from '../apis/config';
import type { Framework } from './framework';
import type { Plugin, PluginFactory } from './interfaces';

/** Registry maps a plugin name to the factory that builds it (frameworkruntime.Registry). */
export type Registry = Readonly<Record<string, PluginFactory>>;

/** The method each extension point calls, to tell which points a plugin implements, and the Go interface name errors use. */
const POINTS: Record<ExtensionPoint, { method: string; iface: string }> = {
  preEnqueue: { method: 'preEnqueue', iface: 'PreEnqueuePlugin' },
  queueSort: { method: 'less', iface: 'QueueSortPlugin' },
  preFilter: { method: 'preFilter', iface: 'PreFilterPlugin' },
  filter: { method: 'filter', iface: 'FilterPlugin' },
  postFilter: { method: 'postFilter', iface: 'PostFilterPlugin' },
  preScore: { method: 'preScore', iface: 'PreScorePlugin' },
  score: { method: 'score', iface: 'ScorePlugin' },
  reserve: { method: 'reserve', iface: 'ReservePlugin' },
  permit: { method: 'permit', iface: 'PermitPlugin' },
  preBind: { method: 'preBind', iface: 'PreBindPlugin' },
  bind: { method: 'bind', iface: 'BindPlugin' },
  postBind: { method: 'postBind', iface: 'PostBindPlugin' },
};
/** ORDER is getExtensionPoints' order, which decides which configuration error is reported first. */
const ORDER: ExtensionPoint[] = ['preFilter', 'filter', 'postFilter', 'reserve', 'preScore', 'score', 'preBind', 'bind', 'postBind', 'permit', 'preEnqueue', 'queueSort'];

/**
 * buildPlugins builds every plugin the profile names once from its args, with f
 * as their Handle, places each at the points listed for it (listFor gives a
 * point's list of f), then expands multiPoint and sets the score weights. It
 * answers the first configuration error in upstream's wording, else undefined.
 */
export function buildPlugins(f: Framework, profile: KubeSchedulerProfile, registry: Registry, listFor: (point: ExtensionPoint) => Plugin[]): { error: string } | undefined {
  const plugins = profile.plugins ?? {};
  const args = new Map((profile.pluginConfig ?? []).map((c) => [c.name, c.args]));
  const needed = new Set<string>();
  for (const set of Object.values(plugins)) for (const p of set?.enabled ?? []) needed.add(p.name);
  const built = new Map<string, Plugin>();
  for (const name of needed) {
    const factory = registry[name];
    if (!factory) continue;
    let made: Plugin | { error: string };
    try {
      made = factory(args.get(name), f);
    } catch (err) {
      made = { error: err instanceof Error ? err.message : String(err) };
    }
    if ('error' in made) return { error: `initializing plugin "${name}": ${made.error}` };
    built.set(name, made);
  }
  const lists = new Map<ExtensionPoint, string[]>();
  for (const point of ORDER) {
    const names: string[] = [];
    for (const ref of plugins[point]?.enabled ?? []) {
      const p = built.get(ref.name);
      if (!p) return { error: `${POINTS[point].iface} "${ref.name}" does not exist` };
      if (!implementsPoint(p, point)) return { error: `plugin "${ref.name}" does not extend ${POINTS[point].iface} plugin` };
      if (names.includes(ref.name)) return { error: `plugin "${ref.name}" already registered as "${POINTS[point].iface}"` };
      names.push(ref.name);
    }
    lists.set(point, names);
  }
  // expandMultiPointPlugins: overrides first, then multiPoint's plugins, then the rest of the point's own list.
  const multi = plugins.multiPoint?.enabled ?? [];
  for (const point of ORDER) {
    const own = lists.get(point) ?? [];
    const disabled = new Set((plugins[point]?.disabled ?? []).map((p) => p.name));
    if (disabled.has('*')) continue;
    const overrides: string[] = [];
    const fromMulti: string[] = [];
    for (const ref of multi) {
      const p = built.get(ref.name);
      if (!p) return { error: `${POINTS[point].iface} "${ref.name}" does not exist` };
      if (!implementsPoint(p, point) || disabled.has(ref.name)) continue;
      if (own.includes(ref.name)) {
        overrides.push(ref.name);
        continue;
      }
      if (fromMulti.includes(ref.name)) return { error: `plugin "${ref.name}" already registered as "${POINTS[point].iface}"` };
      fromMulti.push(ref.name);
    }
    const first = own.filter((n) => overrides.includes(n));
    lists.set(point, [...first, ...fromMulti, ...own.filter((n) => !overrides.includes(n))]);
  }
  for (const point of EXTENSION_POINTS) {
    const target = listFor(point);
    for (const name of lists.get(point) ?? []) target.push(built.get(name) as Plugin);
  }
  // Weights: multiPoint's, overridden by score's own; 0 or none means 1.
  const weightOf = (refs: readonly PluginRef[]) => {
    for (const r of refs) f.scoreWeights.set(r.name, r.weight && r.weight > 0 ? r.weight : 1);
  };
  weightOf(multi);
  weightOf(plugins.score?.enabled ?? []);
  for (const p of f.scorePlugins) if (!f.scoreWeights.has(p.name)) f.scoreWeights.set(p.name, 1);
  if (f.queueSortPlugins.length === 0) return { error: 'no queue sort plugin is enabled' };
  if (f.bindPlugins.length === 0) return { error: 'at least one bind plugin is needed' };
  return undefined;
}

function implementsPoint(p: Plugin, point: ExtensionPoint): boolean {
  return typeof (p as unknown as Record<string, unknown>)[POINTS[point].method] === 'function';
}
