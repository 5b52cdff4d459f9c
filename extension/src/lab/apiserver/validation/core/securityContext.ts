/**
 * securityContext validates pod and container security contexts as
 * core/validation's validatePodSpecSecurityContext and ValidateSecurityContext
 * do: user and group ids, sysctls, seccomp and AppArmor profiles, proc mounts
 * and the privilege-escalation contradictions. Privileged containers are allowed,
 * as on clusters started with --allow-privileged (kind, kubeadm).
 */
import { type FieldError, duplicate, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str } from '../fields';
import { validateLocalDescendingPath } from './paths';

const MAX_INT32 = 2147483647;
const ID_RANGE = `must be between 0 and ${MAX_INT32}, inclusive`;

function validateID(value: unknown, path: string): FieldError[] {
  const n = num(value);
  return n < 0 || n > MAX_INT32 ? [invalidValue(path, n, ID_RANGE)] : [];
}

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** validateSeccompProfileField is validateSeccompProfileField. */
function validateSeccompProfile(profile: unknown, path: string): FieldError[] {
  if (!has(profile)) return [];
  const p = obj(profile);
  const type = str(p.type);
  const errs: FieldError[] = [];
  if (type === '') errs.push(required(`${path}.type`, 'type is required when seccompProfile is set'));
  else if (!SECCOMP_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, SECCOMP_TYPES));
  if (type === 'Localhost') {
    if (!has(p.localhostProfile)) errs.push(required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(str(p.localhostProfile), `${path}.localhostProfile`));
  } else if (has(p.localhostProfile)) {
    errs.push(invalidValue(`${path}.localhostProfile`, profile, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

/** validateAppArmorProfile is ValidateAppArmorProfileField. */
function validateAppArmorProfile(profile: unknown, path: string): FieldError[] {
  if (!has(profile)) return [];
  const p = obj(profile);
  const errs: FieldError[] = [];
  switch (p.type) {
    case 'Localhost':
      if (!has(p.localhostProfile)) errs.push(required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
      else {
        const lp = str(p.localhostProfile);
        if (lp.trim() !== lp) errs.push(invalidValue(`${path}.localhostProfile`, lp, 'must not be padded with whitespace'));
        else if (lp === '') errs.push(required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost'));
        if (lp.length > 4095) errs.push({ type: 'FieldValueTooLong', field: `${path}.localhostProfile`, detail: 'may not be more than 4095 bytes' });
      }
      break;
    case 'RuntimeDefault':
    case 'Unconfined':
      if (has(p.localhostProfile)) errs.push(invalidValue(`${path}.localhostProfile`, p.localhostProfile, 'can only be set when AppArmor type is Localhost'));
      break;
    case undefined:
    case null:
    case '':
      errs.push(required(`${path}.type`, 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(notSupported(`${path}.type`, p.type, SECCOMP_TYPES));
  }
  return errs;
}

/** validateSecurityContext is ValidateSecurityContext for one container. */
export function validateSecurityContext(securityContext: unknown, path: string, hostUsers: boolean): FieldError[] {
  if (!has(securityContext)) return [];
  const sc = obj(securityContext);
  const errs: FieldError[] = [];
  if (has(sc.runAsUser)) errs.push(...validateID(sc.runAsUser, `${path}.runAsUser`));
  if (has(sc.runAsGroup)) errs.push(...validateID(sc.runAsGroup, `${path}.runAsGroup`));
  if (has(sc.procMount)) {
    const pm = str(sc.procMount);
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(notSupported(`${path}.procMount`, pm, ['Default', 'Unmasked']));
    if (hostUsers && pm === 'Unmasked') errs.push(invalidValue(`${path}.procMount`, pm, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(invalidValue(path, securityContext, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of arr(obj(sc.capabilities).add)) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(invalidValue(path, securityContext, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_FMT = `(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}`;
const sysctlRe = new RegExp(`^${SYSCTL_FMT}$`);

/** sysctlNamespace is utilsysctl.GetNamespace's answer for the namespaced sysctls that clash with host namespaces. */
function sysctlNamespace(name: string): 'net' | 'ipc' | '' {
  const n = name.replace(/\//g, '.');
  if (n.startsWith('net.')) return 'net';
  if (n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n === 'kernel.sem' || n.startsWith('fs.mqueue.')) return 'ipc';
  return '';
}

const FS_GROUP_CHANGE_POLICIES = ['Always', 'OnRootMismatch'];
const SUPPLEMENTAL_GROUPS_POLICIES = ['Merge', 'Strict'];
const SELINUX_CHANGE_POLICIES = ['MountOption', 'Recursive'];

/** validatePodSecurityContext is validatePodSpecSecurityContext; host namespaces come from the pod spec in v1. */
export function validatePodSecurityContext(spec: Record<string, unknown>, path: string): FieldError[] {
  if (!has(spec.securityContext)) return [];
  const sc = obj(spec.securityContext);
  const p = `${path}.securityContext`;
  const errs: FieldError[] = [];
  if (has(sc.fsGroup)) errs.push(...validateID(sc.fsGroup, `${p}.fsGroup`));
  if (has(sc.runAsUser)) errs.push(...validateID(sc.runAsUser, `${p}.runAsUser`));
  if (has(sc.runAsGroup)) errs.push(...validateID(sc.runAsGroup, `${p}.runAsGroup`));
  arr(sc.supplementalGroups).forEach((g, i) => errs.push(...validateID(g, `${p}.supplementalGroups[${i}]`)));
  if (sc.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(invalidValue(`${p}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const seen = new Set<string>();
  arr(sc.sysctls).forEach((raw, i) => {
    const name = str(obj(raw).name);
    const np = `${p}.sysctls[${i}].name`;
    if (!name) errs.push(required(np));
    else if (name.length > 253 || !sysctlRe.test(name)) errs.push(invalidValue(np, name, `must have at most 253 characters and match regex ${SYSCTL_FMT}`));
    else if (seen.has(name)) errs.push(duplicate(np, name));
    const ns = sysctlNamespace(name);
    if (spec.hostNetwork === true && ns === 'net') errs.push(invalidValue(np, name, "may not be specified when 'hostNetwork' is true"));
    else if (spec.hostIPC === true && ns === 'ipc') errs.push(invalidValue(np, name, "may not be specified when 'hostIPC' is true"));
    seen.add(name);
  });
  if (has(sc.fsGroupChangePolicy) && !FS_GROUP_CHANGE_POLICIES.includes(str(sc.fsGroupChangePolicy))) {
    errs.push(notSupported(`${p}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, FS_GROUP_CHANGE_POLICIES));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${p}.seccompProfile`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${p}.appArmorProfile`));
  if (has(sc.supplementalGroupsPolicy) && !SUPPLEMENTAL_GROUPS_POLICIES.includes(str(sc.supplementalGroupsPolicy))) {
    errs.push(notSupported(`${p}.supplementalGroupsPolicy`, sc.supplementalGroupsPolicy, SUPPLEMENTAL_GROUPS_POLICIES));
  }
  if (has(sc.seLinuxChangePolicy) && !SELINUX_CHANGE_POLICIES.includes(str(sc.seLinuxChangePolicy))) {
    errs.push(notSupported(`${p}.seLinuxChangePolicy`, sc.seLinuxChangePolicy, SELINUX_CHANGE_POLICIES));
  }
  return errs;
}

/** validateHostUsers is validateHostUsers: a user namespace excludes the host's other namespaces. */
export function validateHostUsers(spec: Record<string, unknown>, path: string): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  // Upstream's paths: hostNetwork in its v1 name, HostPID and HostIPC in their Go names.
  if (spec.hostNetwork === true) errs.push(forbidden(`${path}.hostNetwork`, 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID === true) errs.push(forbidden(`${path}.HostPID`, 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC === true) errs.push(forbidden(`${path}.HostIPC`, 'when `pod.Spec.HostUsers` is false'));
  return errs;
}
