/**
 * pod validates Pods as core/validation's ValidatePodCreate, ValidatePodUpdate,
 * ValidatePodStatusUpdate, ValidatePodEphemeralContainersUpdate and
 * ValidatePodBinding do; object metadata is checked by the handler beforehand.
 */
import type { Pod } from '../../../api/types';
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str } from '../fields';
import { semanticEqual } from '../generic';
import { isIPv6String, isValidIP } from '../ip';
import { isQualifiedName } from '../labels';
import { subdomainName } from '../objectMeta';
import { validateImageWhitespace } from './containers';
import { validatePodSpec, validatePodSpecificAnnotations } from './podSpec';
import { validateTolerations } from './scheduling';

/** validatePodMetadataAndSpec is validatePodMetadataAndSpec less ObjectMeta: what create and update share. */
function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const spec = obj(pod.spec);
  const errs = validatePodSpecificAnnotations(pod.metadata?.annotations, spec, 'metadata.annotations');
  errs.push(...validatePodSpec(spec, 'spec', { resourceIsPod: true, podName: str(pod.metadata?.name) }));
  if (!str(spec.serviceAccountName)) {
    arr(spec.volumes).forEach((v, i) => {
      arr(obj(obj(v).projected).sources).forEach((s, j) => {
        if (has(obj(s).serviceAccountToken)) {
          errs.push(forbidden(`spec.volumes[${i}].projected.sources[${j}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  arr(spec.containers).forEach((c, i) => errs.push(...validateImageWhitespace(c, `spec.containers[${i}]`)));
  arr(spec.initContainers).forEach((c, i) => errs.push(...validateImageWhitespace(c, `spec.initContainers[${i}]`)));
  return errs;
}

/** validatePod is ValidatePodCreate. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = obj(pod.spec);
  if (arr(spec.ephemeralContainers).length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) && arr(spec.schedulingGates).length > 0) {
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/** The fields a pod update may change, as updatablePodSpecFields lists them. */
export const POD_UPDATE_FORBIDDEN = 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** validatePodSpecificAnnotationUpdates: mirror-pod and AppArmor annotations are fixed at creation. */
function validateAnnotationUpdates(pod: Pod, old: Pod): FieldError[] {
  const next = obj(pod.metadata?.annotations);
  const prev = obj(old.metadata?.annotations);
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(prev)) {
    if (k in next && next[k] === v) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not remove or update AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(next)) {
    if (k in prev) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not add AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not add mirror pod annotation'));
  }
  return errs;
}

/** validateContainerUpdates is ValidateContainerUpdates; it tells the caller to stop when containers were added or removed. */
function validateContainerUpdates(next: unknown, prev: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const n = arr(next);
  if (n.length !== arr(prev).length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = str(obj(c).image);
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim() !== image) errs.push(invalidValue(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: existing tolerations may change only their tolerationSeconds. */
function validateOnlyAddedTolerations(next: unknown, prev: unknown, path: string): FieldError[] {
  const n = arr(next).map(obj);
  for (const o of arr(prev).map(obj)) {
    const found = n.some((t) => semanticEqual({ ...o, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

/** validateOnlyDeletedSchedulingGates: gates may only be removed. */
function validateOnlyDeletedSchedulingGates(next: unknown, prev: unknown, path: string): FieldError[] {
  const old = new Set(arr(prev).map((g) => str(obj(g).name)));
  const added = new Map<string, number>();
  arr(next).forEach((g, i) => added.set(str(obj(g).name), i));
  for (const name of old) added.delete(name);
  return [...added].map(([gate, i]) => forbidden(`${path}[${i}].name`, `only deletion is allowed, but found new scheduling gate '${gate}'`));
}

/** Go names of PodSpec fields whose JSON name is not the Go name with a lower first letter. */
const GO_FIELD_NAMES: Record<string, string> = { dnsPolicy: 'DNSPolicy', dnsConfig: 'DNSConfig', hostPID: 'HostPID', hostIPC: 'HostIPC', os: 'OS' };

/**
 * specDiff renders what changed between two pod specs in the shape of the
 * go-cmp diff upstream appends to a forbidden pod update: one `-`/`+` pair per
 * changed field. Upstream diffs internal Go structs, so only its shape is kept.
 */
export function specDiff(prev: Record<string, unknown>, next: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])];
  const lines = ['  core.PodSpec{'];
  let same = 0;
  const flush = () => {
    if (same) lines.push(`  \t... // ${same} identical field${same > 1 ? 's' : ''}`);
    same = 0;
  };
  for (const k of keys) {
    if (semanticEqual(prev[k], next[k])) {
      same++;
      continue;
    }
    flush();
    const name = GO_FIELD_NAMES[k] ?? k[0].toUpperCase() + k.slice(1);
    if (has(prev[k])) lines.push(`- \t${name}: ${JSON.stringify(prev[k])},`);
    if (has(next[k])) lines.push(`+ \t${name}: ${JSON.stringify(next[k])},`);
  }
  flush();
  lines.push('  }');
  return lines.join('\n');
}

/** validatePodUpdate is ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and fewer scheduling gates may change. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  errs.push(...validateAnnotationUpdates(pod, old));
  const spec = obj(pod.spec);
  const prev = obj(old.spec);
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[list], prev[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (has(spec.activeDeadlineSeconds)) {
    const v = num(spec.activeDeadlineSeconds);
    if (v < 0 || v > 2147483647) return [...errs, invalidValue('spec.activeDeadlineSeconds', v, 'must be between 0 and 2147483647, inclusive')];
    if (has(prev.activeDeadlineSeconds) && num(prev.activeDeadlineSeconds) < v) {
      return [...errs, invalidValue('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value')];
    }
  } else if (has(prev.activeDeadlineSeconds)) {
    errs.push(invalidValue('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, prev.tolerations, 'spec.tolerations'));
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, prev.schedulingGates, 'spec.schedulingGates'));
  if (semanticEqual(spec, prev)) return errs;
  const munged: Record<string, unknown> = { ...spec };
  for (const list of ['containers', 'initContainers']) {
    if (!has(spec[list])) continue;
    munged[list] = arr(spec[list]).map((c, i) => ({ ...obj(c), image: obj(arr(prev[list])[i]).image }));
  }
  munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  munged.schedulingGates = prev.schedulingGates;
  munged.tolerations = prev.tolerations;
  if (num(prev.terminationGracePeriodSeconds) < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  if (arr(prev.schedulingGates).length > 0 && !semanticEqual(munged.nodeSelector, prev.nodeSelector)) {
    // A gated pod may gain node selector entries, but not lose or change them.
    const next = obj(munged.nodeSelector);
    if (Object.entries(obj(prev.nodeSelector)).some(([k, v]) => next[k] !== v)) {
      errs.push(invalidValue('spec.nodeSelector', munged.nodeSelector, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    munged.nodeSelector = prev.nodeSelector;
  }
  if (!semanticEqual(munged, prev)) errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${specDiff(prev, munged)}`));
  return errs;
}

const SYSTEM_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

/** validateStateTransitions is ValidateContainerStateTransition: a finished container stays finished unless it may restart. */
function validateStateTransitions(next: unknown, prev: unknown, path: string, restartPolicy: string, restartable: (name: string) => boolean): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  const n = arr(next).map(obj);
  arr(prev).map(obj).forEach((o, i) => {
    const terminated = obj(o.state).terminated;
    if (!has(terminated)) return;
    if (num(obj(terminated).exitCode) !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(str(o.name))) return;
    for (const s of n) {
      if (str(s.name) === str(o.name) && !has(obj(s.state).terminated)) errs.push(forbidden(`${path}[${i}].state`, 'may not be transitioned to non-terminated state'));
    }
  });
  return errs;
}

/** validateIPList checks pod or host IPs: valid, unique, at most one per family. */
function validateIPList(ips: unknown, path: string): FieldError[] {
  const list = arr(ips).map((x) => str(obj(x).ip));
  const errs = list.flatMap((ip, i) => isValidIP(`${path}[${i}]`, ip));
  if (list.length > 1) {
    const v6 = list.filter(isIPv6String).length;
    if (list.length > 2 || v6 !== 1) errs.push(invalidValue(path, arr(ips), 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    arr(ips).forEach((x, i) => {
      const ip = str(obj(x).ip);
      if (seen.has(ip)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: x });
      seen.add(ip);
    });
  }
  return errs;
}

/** validatePodStatusUpdate is ValidatePodStatusUpdate. */
export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateAnnotationUpdates(pod, old);
  const status = obj(pod.status);
  const prev = obj(old.status);
  arr(status.conditions).forEach((c, i) => {
    const type = str(obj(c).type);
    // Upstream names custom condition types under metadata, by their Go field name.
    if (!SYSTEM_CONDITIONS.has(type)) errs.push(...isQualifiedName(type).map((m) => invalidValue(`metadata.conditions[${i}].Type`, type, m)));
  });
  if (str(obj(pod.spec).nodeName) !== str(obj(old.spec).nodeName)) errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = str(status.nominatedNodeName);
  if (nominated && nominated !== str(prev.nominatedNodeName)) {
    errs.push(...subdomainName(nominated, false).map((m) => invalidValue('status.nominatedNodeName', nominated, m)));
  }
  if (str(status.qosClass) !== str(prev.qosClass)) errs.push(invalidValue('status.qosClass', str(status.qosClass), 'field is immutable'));
  const oldSpec = obj(old.spec);
  const restartPolicy = str(oldSpec.restartPolicy);
  const sidecars = new Set(arr(oldSpec.initContainers).map(obj).filter((c) => c.restartPolicy === 'Always').map((c) => str(c.name)));
  errs.push(...validateStateTransitions(status.containerStatuses, prev.containerStatuses, 'status.containerStatuses', restartPolicy, () => false));
  errs.push(...validateStateTransitions(status.initContainerStatuses, prev.initContainerStatuses, 'status.initContainerStatuses', restartPolicy, (n) => sidecars.has(n)));
  errs.push(...validateStateTransitions(status.ephemeralContainerStatuses, prev.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never', () => false));
  errs.push(...validateIPList(status.podIPs, 'status.podIPs'));
  const hostIPs = arr(status.hostIPs);
  if (hostIPs.length > 0) {
    const first = str(obj(hostIPs[0]).ip);
    if (str(status.hostIP) !== first) errs.push(invalidValue('status.hostIPs[0].ip', first, 'must be equal to `hostIP`'));
    errs.push(...validateIPList(status.hostIPs, 'status.hostIPs'));
  }
  return errs;
}

/**
 * preparePodStatusUpdate is the pod status strategy's PrepareForUpdate beyond
 * keeping the spec: owner references stay, and a status without a QoS class keeps
 * the old one (old kubelets dropped it).
 */
export function preparePodStatusUpdate(pod: Pod, old: Pod): void {
  pod.metadata.ownerReferences = old.metadata.ownerReferences;
  if (!pod.metadata.ownerReferences) delete pod.metadata.ownerReferences;
  const status = obj(pod.status);
  if (!str(status.qosClass) && old.status?.qosClass) pod.status = { ...pod.status, qosClass: old.status.qosClass };
}

/** validatePodEphemeralContainersUpdate is ValidatePodEphemeralContainersUpdate: ephemeral containers are only ever added. */
export function validatePodEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  errs.push(...validateAnnotationUpdates(pod, old));
  if (MIRROR_POD_ANNOTATION in obj(old.metadata?.annotations)) return [forbidden('[]', 'static pods do not support ephemeral containers')];
  const next = new Map(arr(obj(pod.spec).ephemeralContainers).map((c) => [str(obj(c).name), obj(c)]));
  for (const o of arr(obj(old.spec).ephemeralContainers).map(obj)) {
    const name = str(o.name);
    const n = next.get(name);
    if (!n) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`));
    else if (!semanticEqual(o, n)) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(name)} may not be changed\n`));
  }
  return errs;
}

/** validatePodBinding is ValidatePodBinding: a Binding targets a node by name. */
export function validatePodBinding(binding: unknown): FieldError[] {
  const target = obj(obj(binding).target);
  const errs: FieldError[] = [];
  const kind = str(target.kind);
  if (kind && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  if (!str(target.name)) errs.push(required('target.name'));
  return errs;
}
