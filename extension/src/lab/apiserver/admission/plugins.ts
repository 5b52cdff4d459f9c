/**
 * plugins assembles the admission chain kube-apiserver would run: the enabled
 * plugins (the default set, plus --enable-admission-plugins, minus
 * --disable-admission-plugins) in AllOrderedPlugins order. Plugins built
 * elsewhere (webhooks, admission policies) are slotted in by name.
 */
import type { Random } from '../../random';
import type { AdmissionPlugin } from './admission';
import { newDefaultStorageClass } from './defaultStorageClass';
import { type DefaultTolerationOptions, newDefaultTolerationSeconds } from './defaultTolerationSeconds';
import { limitRanger } from './limitRanger';
import * as names from './names';
import { newNamespaceLifecycle } from './namespaceLifecycle';
import { nodeRestriction } from './nodeRestriction';
import { nodeTaint } from './nodeTaint';
import { type PodSecurityOptions, newPodSecurity } from './podSecurity';
import { newPriority } from './priority';
import { newResourceQuota } from './resourceQuota';
import { newServiceAccount } from './serviceAccount';
import { storageObjectInUseProtection } from './storageObjectInUseProtection';

/** BuiltinPluginOptions configure the chain. */
export interface BuiltinPluginOptions {
  /** random names ServiceAccount's token volumes. */
  random: Random;
  /** enable adds plugins to the default set (--enable-admission-plugins). */
  enable?: readonly string[];
  /** disable removes plugins from it (--disable-admission-plugins). */
  disable?: readonly string[];
  /** external are plugins built elsewhere, placed by their names when enabled. */
  external?: readonly AdmissionPlugin[];
  defaultTolerationSeconds?: DefaultTolerationOptions;
  podSecurity?: PodSecurityOptions;
}

type Factory = (o: BuiltinPluginOptions) => AdmissionPlugin;

/** FACTORIES are the plugins the lab implements itself. */
const FACTORIES: Record<string, Factory> = {
  [names.NAMESPACE_LIFECYCLE]: () => newNamespaceLifecycle(),
  [names.LIMIT_RANGER]: () => limitRanger,
  [names.SERVICE_ACCOUNT]: (o) => newServiceAccount(o.random),
  [names.NODE_RESTRICTION]: () => nodeRestriction,
  [names.TAINT_NODES_BY_CONDITION]: () => nodeTaint,
  [names.POD_SECURITY]: (o) => newPodSecurity(o.podSecurity),
  [names.PRIORITY]: () => newPriority(),
  [names.DEFAULT_TOLERATION_SECONDS]: (o) => newDefaultTolerationSeconds(o.defaultTolerationSeconds),
  [names.DEFAULT_STORAGE_CLASS]: () => newDefaultStorageClass(),
  [names.STORAGE_OBJECT_IN_USE_PROTECTION]: () => storageObjectInUseProtection,
  [names.RESOURCE_QUOTA]: () => newResourceQuota(),
};

/** IMPLEMENTED_PLUGINS are the names builtinPlugins can build without external help. */
export const IMPLEMENTED_PLUGINS: readonly string[] = Object.keys(FACTORIES);

/**
 * builtinPlugins returns the enabled plugins in chain order, or the error
 * kube-apiserver refuses to start with for an unknown name. Enabled plugins the
 * lab does not implement and that are not passed in `external` are left out.
 */
export function builtinPlugins(options: BuiltinPluginOptions): AdmissionPlugin[] | { error: string } {
  const enabled = names.enabledPlugins(options.enable, options.disable);
  if (!Array.isArray(enabled)) return enabled;
  const external = new Map((options.external ?? []).map((p) => [p.name, p]));
  const chain: AdmissionPlugin[] = [];
  for (const name of enabled) {
    const plugin = external.get(name) ?? FACTORIES[name]?.(options);
    if (plugin) chain.push(plugin);
  }
  return chain;
}
