/**
 * admission is Pod Security Admission's decision logic
 * (pod-security-admission/admission/admission.go): pods are checked against
 * their namespace's enforce level (rejected), audit level (an audit annotation)
 * and warn level (a warning); workload resources only get the warning and
 * annotation for their pod template; namespace labels are validated, and
 * raising a namespace's enforce level warns about the pods already there.
 */
import type { KubeObject, Namespace, ObjectMeta, Pod, Status } from '../../../api/types';
import { forbidden, internalError, invalid } from '../../errors';
import { type FieldError, formatFieldErrors } from '../../fieldErrors';
import type { AdmissionContext, Attributes } from '../admission';
import {
  AUDIT_VIOLATIONS_ANNOTATION, DEFAULT_POLICY, ENFORCED_POLICY_ANNOTATION, EXEMPTION_REASON_ANNOTATION, LATEST,
  type LevelVersion, type Policy, compareLevels, levelVersionString, policyToEvaluate, sameLevelVersion,
} from './api';
import { type AggregateCheckResult, aggregateCheckResults, forbiddenDetail, forbiddenReason } from './checks';
import type { PodSpec } from './helpers';
import type { CheckRegistry } from './registry';

/** PodSecurityConfiguration is the plugin's configuration file: default levels and exemptions. */
export interface PodSecurityConfiguration {
  defaults?: Policy;
  exemptions?: { usernames?: readonly string[]; namespaces?: readonly string[]; runtimeClasses?: readonly string[] };
}

/** ObjectLister lists a namespace's objects of a resource; the server's AdmissionContext is expected to provide it. */
export interface ObjectLister {
  list(group: string, resource: string, namespace: string): Promise<readonly KubeObject[]>;
}

/** Verdict is an AdmissionResponse: a refusal, warnings, and audit annotations (keys without the plugin prefix). */
export interface Verdict {
  status?: Status;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

/** Pods checked when a namespace's enforce level rises (defaultNamespaceMaxPodsToCheck). */
const MAX_PODS_TO_CHECK = 3000;

/** Pod subresources that cannot change what the policy restricts. */
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

/** POD_SPEC_RESOURCES are the workload resources whose pod templates are checked (defaultPodSpecResources). */
const POD_SPEC_RESOURCES = new Set(['/pods', '/replicationcontrollers', '/podtemplates', 'apps/replicasets', 'apps/deployments', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', 'batch/cronjobs']);

/** hasPodSpec reports whether the resource is one the plugin checks. */
export function hasPodSpec(group: string, resource: string): boolean {
  return POD_SPEC_RESOURCES.has(`${group}/${resource}`);
}

interface Template { metadata?: ObjectMeta; spec?: PodSpec }

/** extractPodSpec is DefaultPodSpecExtractor.ExtractPodSpec: a workload's pod template, or undefined when it has none. */
export function extractPodSpec(resource: string, obj: KubeObject): { meta: ObjectMeta; spec: PodSpec } | undefined {
  const spec = obj.spec as { template?: Template; jobTemplate?: { spec?: { template?: Template } } } | undefined;
  const template = resource === 'podtemplates' ? (obj.template as Template | undefined) : resource === 'cronjobs' ? spec?.jobTemplate?.spec?.template : spec?.template;
  if (!template) return undefined;
  return { meta: template.metadata ?? {}, spec: template.spec ?? {} };
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** isSignificantPodUpdate: only images, containers and seccomp annotations can change on a running pod. */
export function isSignificantPodUpdate(pod: Pod, old: Pod): boolean {
  const anns = pod.metadata.annotations ?? {};
  const oldAnns = old.metadata.annotations ?? {};
  if (anns[SECCOMP_POD_ANNOTATION] !== oldAnns[SECCOMP_POD_ANNOTATION]) return true;
  const changed = (c: { name: string; image?: string }, o: { name: string; image?: string }) =>
    c.image !== o.image || anns[SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name] !== oldAnns[SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name];
  for (const key of ['containers', 'initContainers'] as const) {
    const now = pod.spec[key] ?? [];
    const before = old.spec[key] ?? [];
    if (now.length !== before.length || now.some((c, i) => changed(c, before[i]))) return true;
  }
  type Ephemeral = { name: string; image?: string };
  const oldEphemeral = (old.spec.ephemeralContainers as Ephemeral[] | undefined) ?? [];
  for (const c of (pod.spec.ephemeralContainers as Ephemeral[] | undefined) ?? []) {
    const o = oldEphemeral.find((x) => x.name === c.name);
    if (!o || changed(c, o)) return true;
  }
  return false;
}

const allowed = (auditAnnotations: Record<string, string> = {}): Verdict => ({ warnings: [], auditAnnotations });

/** PodSecurityAdmission holds the configuration and the checks, and decides each request. */
export class PodSecurityAdmission {
  private readonly defaults: Policy;

  constructor(private readonly registry: CheckRegistry, private readonly config: PodSecurityConfiguration = {}) {
    this.defaults = config.defaults ?? DEFAULT_POLICY;
  }

  /** policyToEvaluate resolves namespace labels over the configured defaults. */
  policyToEvaluate(labels: Record<string, string> | undefined) {
    return policyToEvaluate(labels, this.defaults);
  }

  private exempt(list: readonly string[] | undefined, value: string | undefined): boolean {
    return !!value && (list ?? []).includes(value);
  }

  /** validate is Admission.Validate: namespaces, pods, or workloads by resource. */
  async validate(a: Attributes, ctx: AdmissionContext): Promise<Verdict> {
    if (a.type.group === '' && a.type.resource === 'namespaces') return this.validateNamespace(a, ctx);
    if (a.type.group === '' && a.type.resource === 'pods') return this.validatePod(a, ctx);
    return this.validatePodController(a, ctx);
  }

  private async namespace(ctx: AdmissionContext, name: string): Promise<Namespace | undefined> {
    return (ctx.cache.get('', 'namespaces', '', name)) ?? (await ctx.get<Namespace>('', 'namespaces', '', name));
  }

  private async validateNamespace(a: Attributes, ctx: AdmissionContext): Promise<Verdict> {
    if (a.subresource !== '' || !a.object) return allowed();
    const [policy, errs] = this.policyToEvaluate(a.object.metadata.labels);
    if (a.operation === 'CREATE') return errs.length ? { ...allowed(), status: invalid('Namespace', '', a.name, errs) } : allowed();
    if (a.operation !== 'UPDATE' || !a.oldObject) return allowed();
    const [oldPolicy, oldErrs] = this.policyToEvaluate(a.oldObject.metadata.labels);
    if (errs.length && (!oldErrs.length || JSON.stringify(errs) !== JSON.stringify(oldErrs))) return { ...allowed(), status: invalid('Namespace', '', a.name, errs) };
    // Nothing to dry-run unless enforce got stricter.
    if (sameLevelVersion(policy.enforce, oldPolicy.enforce) || policy.enforce.level === 'privileged') return allowed();
    const sameVersion = policy.enforce.version.latest === oldPolicy.enforce.version.latest && policy.enforce.version.minor === oldPolicy.enforce.version.minor;
    if (sameVersion && compareLevels(policy.enforce.level, oldPolicy.enforce.level) < 1) return allowed();
    if (this.exempt(this.config.exemptions?.namespaces, a.namespace)) return allowed({ [EXEMPTION_REASON_ANNOTATION]: 'namespace' });
    return { ...allowed(), warnings: await this.evaluatePodsInNamespace(ctx, a.object.metadata.name ?? a.name, policy.enforce) };
  }

  /** evaluatePodsInNamespace warns about existing pods the new enforce level would refuse, one warning per distinct violation. */
  private async evaluatePodsInNamespace(ctx: AdmissionContext, namespace: string, enforce: LevelVersion): Promise<string[]> {
    const lister = (ctx as Partial<ObjectLister>).list;
    if (!lister) return ['failed to list pods while checking new PodSecurity enforce level'];
    const pods = this.prioritize((await lister.call(ctx, '', 'pods', namespace)) as readonly Pod[]);
    const checked = pods.slice(0, MAX_PODS_TO_CHECK);
    const counts = new Map<string, { podName: string; count: number }>();
    for (const pod of checked) {
      const r = aggregateCheckResults(this.registry.evaluatePod(enforce, pod.metadata, pod.spec));
      if (r.allowed) continue;
      const warning = forbiddenReason(r);
      const name = pod.metadata.name ?? '';
      const c = counts.get(warning);
      if (!c) counts.set(warning, { podName: name, count: 1 });
      else {
        c.count++;
        if (name < c.podName) c.podName = name;
      }
    }
    const warnings: string[] = [];
    if (checked.length < pods.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${pods.length} existing pods`);
    if (counts.size) warnings.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
    const decorated = [...counts].map(([warning, { podName, count }]) =>
      count === 1 ? `${podName}: ${warning}` : count === 2 ? `${podName} (and 1 other pod): ${warning}` : `${podName} (and ${count - 1} other pods): ${warning}`);
    return [...warnings, ...decorated.sort()];
  }

  /** prioritize is prioritizePods: exempt runtime classes dropped, one pod per controller first, the other replicas after. */
  private prioritize(pods: readonly Pod[]): Pod[] {
    const first: Pod[] = [];
    const rest: Pod[] = [];
    const seen = new Set<string>();
    for (const pod of pods) {
      if (this.exempt(this.config.exemptions?.runtimeClasses, pod.spec?.runtimeClassName as string | undefined)) continue;
      const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
      if (!owner) first.push(pod);
      else if (seen.has(owner.uid)) rest.push(pod);
      else {
        seen.add(owner.uid);
        first.push(pod);
      }
    }
    return [...first, ...rest];
  }

  private async validatePod(a: Attributes, ctx: AdmissionContext): Promise<Verdict> {
    if (IGNORED_POD_SUBRESOURCES.has(a.subresource) || !a.object) return allowed();
    if (this.exempt(this.config.exemptions?.namespaces, a.namespace)) return allowed({ [EXEMPTION_REASON_ANNOTATION]: 'namespace' });
    if (this.exempt(this.config.exemptions?.usernames, a.userInfo.username)) return allowed({ [EXEMPTION_REASON_ANNOTATION]: 'user' });
    const ns = await this.namespace(ctx, a.namespace);
    if (!ns) return { ...allowed({ error: `Internal error occurred: failed to lookup namespace ${a.namespace}: namespace "${a.namespace}" not found` }), status: internalError(`failed to lookup namespace ${a.namespace}`) };
    const [policy, errs] = this.policyToEvaluate(ns.metadata.labels);
    if (!errs.length && policy.enforce.level === 'privileged' && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') {
      return allowed({ [ENFORCED_POLICY_ANNOTATION]: levelVersionString({ level: 'privileged', version: LATEST }) });
    }
    const pod = a.object as Pod;
    if (a.operation === 'UPDATE' && a.oldObject && !isSignificantPodUpdate(pod, a.oldObject as Pod)) return allowed();
    return this.evaluatePod(a, policy, errs, pod.metadata, pod.spec, true);
  }

  private async validatePodController(a: Attributes, ctx: AdmissionContext): Promise<Verdict> {
    if (a.subresource !== '' || !a.object) return allowed();
    if (this.exempt(this.config.exemptions?.namespaces, a.namespace)) return allowed({ [EXEMPTION_REASON_ANNOTATION]: 'namespace' });
    if (this.exempt(this.config.exemptions?.usernames, a.userInfo.username)) return allowed({ [EXEMPTION_REASON_ANNOTATION]: 'user' });
    const ns = await this.namespace(ctx, a.namespace);
    if (!ns) return allowed({ error: `failed to lookup namespace ${a.namespace}: namespace "${a.namespace}" not found` });
    const [policy, errs] = this.policyToEvaluate(ns.metadata.labels);
    if (!errs.length && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return allowed();
    const template = extractPodSpec(a.type.resource, a.object);
    if (!template) return allowed();
    return this.evaluatePod(a, policy, errs, template.meta, template.spec, false);
  }

  /** evaluatePod is Admission.EvaluatePod: enforce (pods only), then audit, then warn, reusing identical evaluations. */
  private evaluatePod(a: Attributes, policy: Policy, policyErrs: FieldError[], meta: ObjectMeta, spec: PodSpec, enforce: boolean): Verdict {
    if (this.exempt(this.config.exemptions?.runtimeClasses, spec.runtimeClassName)) return allowed({ [EXEMPTION_REASON_ANNOTATION]: 'runtimeClass' });
    const verdict = allowed();
    if (policyErrs.length) verdict.auditAnnotations.error = `Failed to parse policy: ${formatFieldErrors(policyErrs)}`;
    const cache: [LevelVersion, AggregateCheckResult][] = [];
    const evaluate = (lv: LevelVersion) => {
      const hit = cache.find(([k]) => sameLevelVersion(k, lv));
      if (hit) return hit[1];
      const r = aggregateCheckResults(this.registry.evaluatePod(lv, meta, spec));
      cache.push([lv, r]);
      return r;
    };
    if (enforce) {
      verdict.auditAnnotations[ENFORCED_POLICY_ANNOTATION] = levelVersionString(policy.enforce);
      const r = evaluate(policy.enforce);
      if (!r.allowed) verdict.status = forbidden({ group: a.type.group, resource: a.type.resource }, a.name, `violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(r)}`);
    }
    const audit = evaluate(policy.audit);
    if (!audit.allowed) verdict.auditAnnotations[AUDIT_VIOLATIONS_ANNOTATION] = `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(audit)}`;
    // A request about to be refused gets no warnings on top.
    if (!verdict.status) {
      const warn = evaluate(policy.warn);
      if (!warn.allowed) verdict.warnings.push(`would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warn)}`);
    }
    return verdict;
  }
}
