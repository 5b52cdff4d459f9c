/**
 * podSpec validates a PodSpec as core/validation's ValidatePodSpec does, and a
 * pod template as ValidatePodTemplateSpec does (what Deployments, ReplicaSets,
 * Jobs and the rest embed), in upstream's order so aggregated messages read the same.
 */
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str, stringMap } from '../fields';
import { isValidIP } from '../ip';
import { isQualifiedName, validateLabels } from '../labels';
import { isDNS1123Label, isDNS1123Subdomain } from '../names';
import { subdomainName, validateAnnotations } from '../objectMeta';
import { validateContainers, validateEphemeralContainers, validateInitContainers } from './containers';
import { validateResourceRequirements } from './resources';
import { validateAffinity, validateSchedulingGates, validateTolerations, validateTopologySpreadConstraints } from './scheduling';
import { validateHostUsers, validatePodSecurityContext } from './securityContext';
import { validateLocalDescendingPath } from './paths';
import { validateVolumes } from './volumes';

/** PodValidationOptions are the parts of upstream's PodValidationOptions the lab distinguishes. */
export interface PodValidationOptions {
  /** resourceIsPod: the spec is a Pod's own, not a template's (hostPort must then equal containerPort with hostNetwork). */
  resourceIsPod?: boolean;
  /** podName lets ephemeral volumes' claim names be checked. */
  podName?: string;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];
const MAX_INT32 = 2147483647;

function validateEnumRequired(value: unknown, supported: readonly string[], path: string): FieldError[] {
  const v = str(value);
  if (v === '') return [required(path)];
  return supported.includes(v) ? [] : [notSupported(path, v, [...supported])];
}

/** validatePodHostNetworkDeps is validatePodHostNetworkDeps: with hostNetwork, hostPort must be containerPort. */
function validateHostNetworkDeps(spec: Record<string, unknown>, path: string, resourceIsPod: boolean): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  arr(spec.containers).forEach((c, i) => {
    arr(obj(c).ports).forEach((raw, j) => {
      const port = obj(raw);
      const hp = num(port.hostPort);
      if ((resourceIsPod || hp !== 0) && hp !== num(port.containerPort)) {
        errs.push(invalidValue(`${path}.containers[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

/** validateDNSConfig is validatePodDNSConfig (with RelaxedDNSSearchValidation on, as it is by default). */
function validateDNSConfig(config: unknown, dnsPolicy: string, path: string): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!has(config)) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(obj(config).nameservers).length === 0) return [required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!has(config)) return [];
  const c = obj(config);
  const errs: FieldError[] = [];
  const nameservers = arr(c.nameservers).map(str);
  if (nameservers.length > 3) errs.push(invalidValue(`${path}.nameservers`, nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(`${path}.nameservers[${i}]`, ns)));
  const searches = arr(c.searches).map(str);
  if (searches.length > 32) errs.push(invalidValue(`${path}.searches`, searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(invalidValue(`${path}.searches`, searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((search, i) => {
    if (search === '.') return;
    const s = search.endsWith('.') ? search.slice(0, -1) : search;
    errs.push(...isDNS1123SubdomainWithUnderscore(s).map((m) => invalidValue(`${path}.searches[${i}]`, s, m)));
  });
  arr(c.options).forEach((o, i) => {
    if (!str(obj(o).name)) errs.push(required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

const UNDERSCORE_LABEL = '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const UNDERSCORE_SUBDOMAIN = `${UNDERSCORE_LABEL}(\\.${UNDERSCORE_LABEL})*`;
const underscoreSubdomainRe = new RegExp(`^${UNDERSCORE_SUBDOMAIN}$`);

/** isDNS1123SubdomainWithUnderscore is IsDNS1123SubdomainWithUnderscore (DNS search domains). */
function isDNS1123SubdomainWithUnderscore(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!underscoreSubdomainRe.test(value)) {
    errs.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${UNDERSCORE_SUBDOMAIN}')`);
  }
  return errs;
}

function validateOS(os: unknown, path: string): FieldError[] {
  if (!has(os)) return [];
  const name = str(obj(os).name);
  if (!name) return [required(`${path}.name`, 'cannot be empty')];
  return name === 'linux' || name === 'windows' ? [] : [notSupported(path, name, ['linux', 'windows'])];
}

/** validatePodSpec is ValidatePodSpec; path is `spec` for a pod and `spec.template.spec` for a workload. */
export function validatePodSpec(spec: unknown, path: string, opts: PodValidationOptions = {}): FieldError[] {
  // A missing spec decodes, as in Go, to an empty one: its first error is then the missing containers.
  const s = obj(spec);
  const errs: FieldError[] = [];
  if (!has(s.terminationGracePeriodSeconds)) errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const gracePeriod = has(s.terminationGracePeriodSeconds) ? num(s.terminationGracePeriodSeconds) : undefined;
  const hostUsers = s.hostUsers !== false;
  const { volumes, errs: volumeErrs } = validateVolumes(s.volumes, opts.podName ?? '', `${path}.volumes`, opts.resourceIsPod === true);
  errs.push(...volumeErrs);
  const ctx = { volumes, gracePeriod, restartPolicy: str(s.restartPolicy), hostUsers };
  errs.push(...validateContainers(s.containers, ctx, `${path}.containers`));
  errs.push(...validateInitContainers(s.initContainers, s.containers, ctx, `${path}.initContainers`));
  errs.push(...validateEphemeralContainers(s.ephemeralContainers, s.containers, s.initContainers, ctx, `${path}.ephemeralContainers`));
  errs.push(...validateHostNetworkDeps(s, path, opts.resourceIsPod === true));
  errs.push(...validateEnumRequired(s.restartPolicy, RESTART_POLICIES, `${path}.restartPolicy`));
  errs.push(...validateEnumRequired(s.dnsPolicy, DNS_POLICIES, `${path}.dnsPolicy`));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s, path));
  arr(s.imagePullSecrets).forEach((ref, i) => {
    const keys = Object.keys(obj(ref));
    if (keys.some((k) => k !== 'name')) errs.push(invalidValue(`${path}.imagePullSecrets[${i}]`, ref, 'only name may be set'));
  });
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  errs.push(...validateDNSConfig(s.dnsConfig, str(s.dnsPolicy), `${path}.dnsConfig`));
  arr(s.readinessGates).forEach((g, i) => {
    const type = str(obj(g).conditionType);
    errs.push(...isQualifiedName(type).map((m) => invalidValue(`${path}.readinessGates[${i}].conditionType`, type, m)));
  });
  errs.push(...validateSchedulingGates(s.schedulingGates, `${path}.schedulingGates`));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  errs.push(...validateHostUsers(s, path));
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    const v = str(s[f]);
    if (v) errs.push(...subdomainName(v, false).map((m) => invalidValue(`${path}.${f}`, v, m)));
  }
  if (has(s.activeDeadlineSeconds)) {
    const v = num(s.activeDeadlineSeconds);
    if (v < 1 || v > MAX_INT32) errs.push(invalidValue(`${path}.activeDeadlineSeconds`, v, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(s[f]);
    if (v) errs.push(...isDNS1123Label(v).map((m) => invalidValue(`${path}.${f}`, v, m)));
  }
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  arr(s.hostAliases).forEach((raw, i) => {
    const alias = obj(raw);
    errs.push(...isValidIP(`${path}.hostAliases[${i}].ip`, str(alias.ip)));
    arr(alias.hostnames).map(str).forEach((h, j) => errs.push(...isDNS1123Subdomain(h).map((m) => invalidValue(`${path}.hostAliases[${i}].hostnames[${j}]`, h, m))));
  });
  if (has(s.runtimeClassName)) {
    const v = str(s.runtimeClassName);
    errs.push(...isDNS1123Subdomain(v).map((m) => invalidValue(`${path}.runtimeClassName`, v, m)));
  }
  if (has(s.preemptionPolicy)) errs.push(...validateEnumRequired(s.preemptionPolicy, PREEMPTION_POLICIES, `${path}.preemptionPolicy`));
  if (has(s.overhead)) errs.push(...validateResourceRequirements({ limits: s.overhead }, `${path}.overhead`));
  errs.push(...validateOS(s.os, `${path}.os`));
  return errs;
}

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_CONTAINER_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** validDeletionCost is GetDeletionCostFromPodAnnotations' parse: a canonical 32-bit integer. */
function validDeletionCost(value: string): boolean {
  if (value === '' || value === '-' || (value[0] === '0' && value.length > 1)) return false;
  if (!/^-?[0-9]+$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= MAX_INT32;
}

function validateSeccompAnnotation(profile: string, path: string): FieldError[] {
  if (profile === 'runtime/default' || profile === 'docker/default' || profile === 'unconfined') return [];
  if (profile.startsWith('localhost/')) return validateLocalDescendingPath(profile.slice('localhost/'.length), path);
  return [invalidValue(path, profile, 'must be a valid seccomp profile')];
}

/** validatePodSpecificAnnotations is ValidatePodSpecificAnnotations: mirror pods, deletion cost, seccomp and AppArmor annotations. */
export function validatePodSpecificAnnotations(annotations: unknown, spec: unknown, path: string): FieldError[] {
  const a = obj(annotations);
  const errs: FieldError[] = [];
  if (MIRROR_POD_ANNOTATION in a && !str(obj(spec).nodeName)) {
    errs.push(invalidValue(`${path}[${MIRROR_POD_ANNOTATION}]`, str(a[MIRROR_POD_ANNOTATION]), 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (DELETION_COST_ANNOTATION in a && !validDeletionCost(str(a[DELETION_COST_ANNOTATION]))) {
    errs.push(invalidValue(`${path}[${DELETION_COST_ANNOTATION}]`, str(a[DELETION_COST_ANNOTATION]), 'must be a 32bit integer'));
  }
  if (SECCOMP_POD_ANNOTATION in a) errs.push(...validateSeccompAnnotation(str(a[SECCOMP_POD_ANNOTATION]), `${path}.${SECCOMP_POD_ANNOTATION}`));
  const containers = new Set([...arr(obj(spec).containers), ...arr(obj(spec).initContainers), ...arr(obj(spec).ephemeralContainers)].map((c) => str(obj(c).name)));
  for (const [k, v] of stringMap(a)) {
    if (k.startsWith(SECCOMP_CONTAINER_PREFIX)) errs.push(...validateSeccompAnnotation(v, `${path}.${k}`));
    if (k.startsWith(APPARMOR_CONTAINER_PREFIX)) {
      const container = k.slice(APPARMOR_CONTAINER_PREFIX.length);
      if (!containers.has(container)) errs.push(invalidValue(`${path}[${k}]`, container, 'container not found'));
      if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) {
        errs.push(invalidValue(`${path}[${k}]`, v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
      }
    }
  }
  return errs;
}

/**
 * validatePodTemplateSpec is ValidatePodTemplateSpec: the template's labels (named
 * `<path>.labels`, as upstream names them) and annotations, its pod spec, and no
 * ephemeral containers. Workloads call it with `spec.template`.
 */
export function validatePodTemplateSpec(template: unknown, path: string, opts: PodValidationOptions = {}): FieldError[] {
  const t = obj(template);
  const meta = obj(t.metadata);
  const errs = validateLabels(meta.labels, `${path}.labels`);
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, t.spec, `${path}.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`, opts));
  if (arr(obj(t.spec).ephemeralContainers).length > 0) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
