/**
 * quotaEvaluators measure what an object costs a ResourceQuota, as upstream's
 * quota evaluators do (pkg/quota/v1/evaluator/core and
 * k8s.io/apiserver/pkg/quota/v1/generic): pods cost compute and a count,
 * services cost counts, node ports and load balancers, claims cost storage per
 * class, and every other namespaced resource costs `count/<resource>.<group>`.
 * Admission charges one object with them; the quota controller sums a
 * namespace's objects with the same code (calculateUsage), as both share pkg/quota.
 */
import type { KubeObject, Pod, ResourceList } from '../../api/types';
import { type Quantity, newQuantity, quantityValue, toQuantity } from '../../api/quantity';
import type { Operation } from './admission';
import { type Quantities, podLimits, podRequests, quantities } from './podResources';
import { add, mask } from './quotaResources';

/** ScopeSelector is a ScopedResourceSelectorRequirement. */
export interface ScopeSelector {
  scopeName: string;
  operator: string;
  values?: string[];
}

/** QuotaRequest is what an evaluator sees of a request. */
export interface QuotaRequest {
  operation: Operation;
  subresource: string;
  object: KubeObject;
  oldObject?: KubeObject;
}

/** Evaluator is quota.Evaluator; its UsageStats is calculateUsageStats over objects the caller lists. */
export interface Evaluator {
  /** handles says whether the request can change usage at all. */
  handles(r: QuotaRequest): boolean;
  /** matchingResources keeps the names this evaluator charges. */
  matchingResources(names: readonly string[]): string[];
  /** matchesScope says whether the object falls in one scope of a quota; undefined when the selector cannot be evaluated (upstream's error). */
  matchesScope(selector: ScopeSelector, obj: KubeObject): boolean | undefined;
  /** constraints says what the object lacks for a quota tracking `required` ('' when nothing). */
  constraints(required: readonly string[], obj: KubeObject): string;
  usage(obj: KubeObject, now: number): Quantities;
}

const ONE = newQuantity(1);
const ZERO = newQuantity(0);

/** objectCountName is ObjectCountQuotaResourceNameFor: `count/pods`, `count/deployments.apps`. */
export function objectCountName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** noScopes is MatchesNoScopeFunc: a scoped quota never counts these objects. */
const noScopes = (): boolean => false;

/** objectCountEvaluator is generic.NewObjectCountEvaluator: one per created object, under `count/…` and a legacy alias. */
export function objectCountEvaluator(group: string, resource: string, alias?: string): Evaluator {
  const names = [objectCountName(group, resource), ...(alias ? [alias] : [])];
  return {
    handles: (r) => r.operation === 'CREATE',
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    matchesScope: noScopes,
    constraints: () => '',
    usage: () => Object.fromEntries(names.map((n) => [n, ONE])),
  };
}

// ---- pods ----

const POD_RESOURCES = ['count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods'];
const POD_RESOURCE_PREFIXES = ['hugepages-', 'requests.hugepages-'];
/** A quota on these makes every container state them — a mistake upstream keeps for compatibility. */
const VALIDATION_SET = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** isExtendedResourceNameForQuota: `requests.<vendor>/<device>`. */
function isExtendedQuotaName(name: string): boolean {
  return !isNativeResource(name) && name.startsWith('requests.');
}

/** computeUsage is podComputeUsageHelper: what requests and limits charge under each quota name. */
function computeUsage(requests: Quantities, limits: Quantities): Quantities {
  const out: Quantities = { pods: ONE };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (r in requests) {
      out[r] = requests[r];
      out[`requests.${r}`] = requests[r];
    }
    if (r in limits) out[`limits.${r}`] = limits[r];
  }
  for (const [name, q] of Object.entries(requests)) {
    if (name.startsWith('hugepages-')) {
      out[name] = q;
      out[`requests.${name}`] = q;
    } else if (!isNativeResource(name) && !name.startsWith('requests.')) {
      out[`requests.${name}`] = q;
    }
  }
  return out;
}

/** isTerminating: a pod with activeDeadlineSeconds ends on its own. */
export function isTerminating(pod: Pod): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  return typeof deadline === 'number' && deadline >= 0;
}

/** isBestEffort is GetPodQOS == BestEffort: no container requests or limits cpu or memory. */
export function isBestEffort(pod: Pod): boolean {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const podLevel = pod.spec?.resources as { requests?: ResourceList; limits?: ResourceList } | undefined;
  const lists = [podLevel?.requests, podLevel?.limits, ...containers.flatMap((c) => [c.resources?.requests, c.resources?.limits])];
  return !lists.some((l) => ['cpu', 'memory'].some((r) => (toQuantity(l?.[r])?.nanos ?? 0n) !== 0n));
}

/** chargedForCompute is QuotaV1Pod: a finished pod, or one stuck past its deletion grace period, no longer costs compute. */
export function chargedForCompute(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  const { deletionTimestamp, deletionGracePeriodSeconds } = pod.metadata;
  if (deletionTimestamp && deletionGracePeriodSeconds !== undefined) {
    if (now > Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000) return false;
  }
  return true;
}

/**
 * priorityClassMatches evaluates a PriorityClass scope selector as a label requirement over {PriorityClass: name};
 * undefined when it is no valid requirement (an unknown operator, In/NotIn without values, Exists/DoesNotExist with some).
 */
function priorityClassMatches(selector: ScopeSelector, className: string): boolean | undefined {
  const has = className !== '';
  const values = selector.values ?? [];
  switch (selector.operator) {
    case 'Exists': return has;
    case 'DoesNotExist': return values.length ? undefined : !has;
    case 'In': return values.length ? has && values.includes(className) : undefined;
    case 'NotIn': return values.length ? !has || !values.includes(className) : undefined;
    default: return undefined;
  }
}

interface AffinityTerm { namespaces?: string[]; namespaceSelector?: unknown }
function crossNamespace(terms: AffinityTerm[] | undefined): boolean {
  return (terms ?? []).some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
}

/** usesCrossNamespacePodAffinity: any pod (anti-)affinity term reaching other namespaces. */
function usesCrossNamespacePodAffinity(pod: Pod): boolean {
  const affinity = pod.spec?.affinity as Record<string, Record<string, unknown> | undefined> | undefined;
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = affinity?.[kind];
    if (crossNamespace(a?.requiredDuringSchedulingIgnoredDuringExecution as AffinityTerm[] | undefined)) return true;
    const weighted = a?.preferredDuringSchedulingIgnoredDuringExecution as { podAffinityTerm: AffinityTerm }[] | undefined;
    if (crossNamespace(weighted?.map((w) => w.podAffinityTerm))) return true;
  }
  return false;
}

/** podEvaluator charges pods: `count/pods` always, compute while the pod can still run. */
export const podEvaluator: Evaluator = {
  handles(r) {
    if (r.subresource === 'resize') return r.operation === 'UPDATE';
    if (r.subresource !== '') return false;
    // An update matters only when it moves the pod between the Terminating and NotTerminating scopes.
    if (r.operation === 'UPDATE') return r.oldObject !== undefined && isTerminating(r.object as Pod) !== isTerminating(r.oldObject as Pod);
    return r.operation === 'CREATE';
  },
  matchingResources(input) {
    return [
      ...input.filter((n) => POD_RESOURCES.includes(n)),
      ...input.filter((n) => POD_RESOURCE_PREFIXES.some((p) => n.startsWith(p)) || isExtendedQuotaName(n)),
    ];
  },
  matchesScope(selector, obj) {
    const pod = obj as Pod;
    switch (selector.scopeName) {
      case 'Terminating': return isTerminating(pod);
      case 'NotTerminating': return !isTerminating(pod);
      case 'BestEffort': return isBestEffort(pod);
      case 'NotBestEffort': return !isBestEffort(pod);
      case 'PriorityClass': return priorityClassMatches(selector, (pod.spec?.priorityClassName as string | undefined) ?? '');
      case 'CrossNamespacePodAffinity': return usesCrossNamespacePodAffinity(pod);
      default: return false;
    }
  },
  constraints(required, obj) {
    const pod = obj as Pod;
    const podLevel = pod.spec?.resources as { requests?: ResourceList; limits?: ResourceList } | undefined;
    // Pod-level resources make container-level ones optional.
    if (Object.keys(podLevel?.requests ?? {}).length || Object.keys(podLevel?.limits ?? {}).length) return '';
    const needed = required.filter((r) => VALIDATION_SET.has(r));
    const missing = new Map<string, Set<string>>();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      const have = computeUsage(quantities(c.resources?.requests), quantities(c.resources?.limits));
      for (const r of needed) {
        if (r in have) continue;
        if (!missing.has(r)) missing.set(r, new Set());
        missing.get(r)!.add(c.name);
      }
    }
    if (!missing.size) return '';
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
  usage(obj, now) {
    const pod = obj as Pod;
    const count: Quantities = { 'count/pods': ONE };
    if (!chargedForCompute(pod, now)) return count;
    return add(count, computeUsage(podRequests(pod, { overhead: true }), podLimits(pod, { overhead: true })));
  },
};

// ---- services ----

const SERVICE_RESOURCES = ['count/services', 'services', 'services.nodeports', 'services.loadbalancers'];

interface ServiceSpec { type?: string; ports?: { nodePort?: number }[]; allocateLoadBalancerNodePorts?: boolean }

/** quotaServiceType is GetQuotaServiceType: the types quota charges differently, '' for the rest. */
export function quotaServiceType(service: KubeObject): string {
  const type = (service.spec as ServiceSpec | undefined)?.type;
  return type === 'NodePort' || type === 'LoadBalancer' ? type : '';
}

/** serviceEvaluator charges services; updates count too, since a service can change type. */
export const serviceEvaluator: Evaluator = {
  handles: (r) => r.operation === 'CREATE' || r.operation === 'UPDATE',
  matchingResources: (input) => input.filter((n) => SERVICE_RESOURCES.includes(n)),
  matchesScope: noScopes,
  constraints: () => '',
  usage(obj) {
    const spec = (obj.spec ?? {}) as ServiceSpec;
    const ports = spec.ports ?? [];
    const out: Quantities = { 'count/services': ONE, services: ONE, 'services.loadbalancers': ZERO, 'services.nodeports': ZERO };
    if (spec.type === 'NodePort') out['services.nodeports'] = newQuantity(ports.length);
    if (spec.type === 'LoadBalancer') {
      // Without allocated node ports, only ports that still name one count.
      const nodePorts = spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
      out['services.nodeports'] = newQuantity(nodePorts);
      out['services.loadbalancers'] = ONE;
    }
    return out;
  },
};

// ---- persistent volume claims ----

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
const PVC_RESOURCES = ['persistentvolumeclaims', 'requests.storage'];

interface ClaimView extends KubeObject {
  spec?: { storageClassName?: string; resources?: { requests?: ResourceList } };
  status?: { allocatedResources?: ResourceList };
}

/** claimClass is GetPersistentVolumeClaimClass: the beta annotation, then spec.storageClassName. */
function claimClass(claim: ClaimView): string {
  return claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? claim.spec?.storageClassName ?? '';
}

/** wholeBytes is Quantity.RoundUp(0): storage counts in whole bytes. */
function wholeBytes(q: Quantity): Quantity {
  return q.nanos % 1_000_000_000n === 0n ? q : { nanos: quantityValue(q) * 1_000_000_000n, format: q.format };
}

/** storageUsage is getStorageUsage: the request, or the allocated size if the claim was expanded beyond it. */
function storageUsage(claim: ClaimView): Quantity | undefined {
  const requested = toQuantity(claim.spec?.resources?.requests?.storage);
  if (!requested) return undefined;
  const allocated = toQuantity(claim.status?.allocatedResources?.storage);
  return wholeBytes(allocated && allocated.nanos > requested.nanos ? allocated : requested);
}

/** claimEvaluator charges claims, overall and per storage class. */
export const claimEvaluator: Evaluator = {
  handles: (r) => r.operation === 'CREATE' || r.operation === 'UPDATE',
  matchingResources: (input) => input.filter((n) => n === 'count/persistentvolumeclaims' || PVC_RESOURCES.includes(n) || PVC_RESOURCES.some((r) => n.endsWith(STORAGE_CLASS_SUFFIX + r))),
  matchesScope: noScopes,
  constraints: () => '',
  usage(obj) {
    const claim = obj as ClaimView;
    const cls = claimClass(claim);
    const out: Quantities = { persistentvolumeclaims: ONE, 'count/persistentvolumeclaims': ONE };
    if (cls) out[`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`] = ONE;
    const storage = storageUsage(claim);
    if (storage) {
      out['requests.storage'] = storage;
      if (cls) out[`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`] = storage;
    }
    return out;
  },
};

/** LEGACY_ALIASES are the pre-`count/` quota names of core resources. */
const LEGACY_ALIASES: Record<string, string> = { configmaps: 'configmaps', resourcequotas: 'resourcequotas', replicationcontrollers: 'replicationcontrollers', secrets: 'secrets' };

/** IGNORED_RESOURCES are never stored or never charged (the quota configuration's ignored resources). */
const IGNORED_RESOURCES = new Set([
  '/bindings', '/componentstatuses', '/events', 'events.k8s.io/events',
  'authentication.k8s.io/tokenreviews', 'authentication.k8s.io/selfsubjectreviews',
  'authorization.k8s.io/subjectaccessreviews', 'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/localsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews',
]);

const evaluators = new Map<string, Evaluator>([
  ['/pods', podEvaluator],
  ['/services', serviceEvaluator],
  ['/persistentvolumeclaims', claimEvaluator],
]);

/** evaluatorFor is the quota registry: a specific evaluator, an object counter, or none for ignored resources. */
export function evaluatorFor(group: string, resource: string): Evaluator | undefined {
  const key = `${group}/${resource}`;
  if (IGNORED_RESOURCES.has(key)) return undefined;
  let e = evaluators.get(key);
  if (!e) evaluators.set(key, (e = objectCountEvaluator(group, resource, group === '' ? LEGACY_ALIASES[resource] : undefined)));
  return e;
}

/** CORE_QUOTA_RESOURCES are the core resources with an evaluator before any discovery (core.NewEvaluators). */
export const CORE_QUOTA_RESOURCES: readonly string[] = ['pods', 'services', 'persistentvolumeclaims', ...Object.keys(LEGACY_ALIASES)];

/** UsageStatsOptions is quota.UsageStatsOptions: which of a quota's resources to sum, over the objects in which scopes. */
export interface UsageStatsOptions {
  /** resources are the quota's names the evaluator charges; each starts at zero. */
  resources: readonly string[];
  scopes: readonly string[];
  scopeSelector: readonly ScopeSelector[];
}

/**
 * calculateUsageStats is generic.CalculateUsageStats: the summed usage of the
 * objects in every scope. spec.scopes are tried without an operator, as
 * upstream does, so a selector that cannot be evaluated ends the sum where it is.
 */
export function calculateUsageStats(e: Evaluator, options: UsageStatsOptions, items: readonly KubeObject[], now: number): Quantities {
  let used: Quantities = Object.fromEntries(options.resources.map((r) => [r, ZERO]));
  for (const item of items) {
    let inScope = true;
    for (const scopeName of options.scopes) {
      const match = e.matchesScope({ scopeName, operator: '' }, item);
      if (match === undefined) return used;
      if (!match) inScope = false;
    }
    for (const selector of options.scopeSelector) {
      const match = e.matchesScope(selector, item);
      if (match === undefined) return used;
      inScope = inScope && match;
    }
    if (inScope) used = add(used, e.usage(item, now));
  }
  return used;
}

/** UsageSource is one entry of the quota controller's registry: an evaluator and a listing of its objects, undefined until synced. */
export interface UsageSource {
  /** name is the group/resource the listing serves, for errors. */
  name: string;
  evaluator: Evaluator;
  list(namespace: string): readonly KubeObject[] | undefined;
}

/** QuotaUsage is calculateUsage's answer: usage of the resources it could measure, and why it could not measure the rest. */
export interface QuotaUsage {
  used: Quantities;
  errors: string[];
}

/**
 * calculateUsage is quota.CalculateUsage: every evaluator that charges one of
 * the quota's hard resources sums its objects in the namespace; resources whose
 * objects cannot be listed yet are left out, so the caller keeps their last value.
 */
export function calculateUsage(namespace: string, scopes: readonly string[], scopeSelector: readonly ScopeSelector[], hard: readonly string[], registry: readonly UsageSource[], now: number): QuotaUsage {
  let matched = [...new Set(registry.flatMap((s) => s.evaluator.matchingResources(hard)))].sort();
  let used: Quantities = {};
  const errors: string[] = [];
  for (const source of registry) {
    const resources = source.evaluator.matchingResources(matched);
    if (!resources.length) continue;
    const items = source.list(namespace);
    if (!items) {
      errors.push(`failed to list content: ${source.name} not yet synced`);
      matched = matched.filter((r) => !resources.includes(r));
      continue;
    }
    used = add(used, calculateUsageStats(source.evaluator, { resources, scopes, scopeSelector }, items, now));
  }
  return { used: mask(used, matched), errors };
}
