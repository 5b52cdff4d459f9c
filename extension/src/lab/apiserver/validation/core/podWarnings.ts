/**
 * podWarnings returns the best-practice warnings pkg/api/pod/warnings.go gives
 * for a pod or pod template (`Warning: ...` on create): deprecated volume
 * plugins and annotations, fractional bytes, duplicated env vars, pull secrets
 * and ports, null topology selectors.
 */
import type { KubeObject } from '../../../api/types';
import { arr, has, obj, str } from '../fields';
import { isDNS1123Label } from '../names';
import { asQuantity, formatQuantity, isIntegral } from '../quantities';

const DEPRECATED_VOLUMES: [string, string, string][] = [
  ['photonPersistentDisk', 'photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
  ['gitRepo', 'gitRepo', 'deprecated in v1.11'],
  ['scaleIO', 'scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
  ['flocker', 'flocker', 'deprecated in v1.22, non-functional in v1.25+'],
  ['storageos', 'storageOS', 'deprecated in v1.22, non-functional in v1.25+'],
  ['quobyte', 'quobyte', 'deprecated in v1.22, non-functional in v1.25+'],
  ['glusterfs', 'glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
  ['cephfs', 'cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
  ['rbd', 'rbd', 'deprecated in v1.28, non-functional in v1.31+'],
];

const DEPRECATED_ANNOTATIONS: [string, string][] = [
  ['scheduler.alpha.kubernetes.io/critical-pod', 'non-functional in v1.16+; use the "priorityClassName" field instead'],
  ['security.alpha.kubernetes.io/sysctls', 'non-functional in v1.11+; use the "sysctls" field instead'],
  ['security.alpha.kubernetes.io/unsafe-sysctls', 'non-functional in v1.11+; use the "sysctls" field instead'],
];

/**
 * podSpecWarnings is warningsForPodSpecAndMeta. prefix is '' for a pod and the
 * template's path plus '.' (`spec.template.`) for a workload.
 */
export function podSpecWarnings(specValue: unknown, metaValue: unknown, prefix = ''): string[] {
  const spec = obj(specValue);
  const annotations = obj(obj(metaValue).annotations);
  const warnings: string[] = [];
  arr(spec.topologySpreadConstraints).forEach((c, i) => {
    if (!has(obj(c).labelSelector)) warnings.push(`${prefix}spec.topologySpreadConstraints[${i}].labelSelector: a null labelSelector results in matching no pod`);
  });
  for (const [key, message] of DEPRECATED_ANNOTATIONS) if (key in annotations) warnings.push(`${prefix}metadata.annotations[${key}]: ${message}`);
  arr(spec.volumes).forEach((v, i) => {
    for (const [key, name, message] of DEPRECATED_VOLUMES) if (has(obj(v)[key])) warnings.push(`${prefix}spec.volumes[${i}].${name}: ${message}`);
  });
  const seenAliases = new Set<string>();
  arr(spec.hostAliases).forEach((a, i) => {
    const ip = str(obj(a).ip);
    if (seenAliases.has(ip)) warnings.push(`${prefix}spec.hostAliases[${i}].ip: duplicate ip ${JSON.stringify(ip)}`);
    seenAliases.add(ip);
  });
  const pullSecrets = arr(spec.imagePullSecrets).map((s) => str(obj(s).name));
  const seenSecrets = new Set<string>();
  pullSecrets.forEach((name, i) => {
    if (pullSecrets.length > 1 && seenSecrets.has(name)) warnings.push(`${prefix}spec.imagePullSecrets[${i}].name: duplicate name ${JSON.stringify(name)}`);
    seenSecrets.add(name);
  });
  pullSecrets.forEach((name, i) => {
    if (!name) warnings.push(`${prefix}spec.imagePullSecrets[${i}].name: invalid empty name ""`);
  });
  for (const resource of ['memory', 'ephemeral-storage']) {
    const q = asQuantity(obj(spec.overhead)[resource]);
    if (q && !isIntegral(q)) warnings.push(`${prefix}spec.overhead[${resource}]: fractional byte value ${JSON.stringify(formatQuantity(q))} is invalid, must be an integer`);
  }
  const containerLists: [string, unknown][] = [['containers', spec.containers], ['initContainers', spec.initContainers], ['ephemeralContainers', spec.ephemeralContainers]];
  for (const [list, containers] of containerLists) {
    arr(containers).forEach((raw, ci) => {
      const c = obj(raw);
      const p = `${prefix}spec.${list}[${ci}]`;
      for (const kind of ['limits', 'requests']) {
        for (const resource of ['memory', 'ephemeral-storage']) {
          const q = asQuantity(obj(obj(c.resources)[kind])[resource]);
          if (q && !isIntegral(q)) warnings.push(`${p}.resources.${kind}[${resource}]: fractional byte value ${JSON.stringify(formatQuantity(q))} is invalid, must be an integer`);
        }
      }
      const env = arr(c.env).map(obj);
      const seen = new Set<string>();
      env.forEach((e, i) => {
        const name = str(e.name);
        if (env.length > 1 && seen.has(name)) {
          const ref = `$(${name})`;
          const value = str(e.value);
          if (has(e.valueFrom) || value === ref || !value.includes(ref)) {
            warnings.push(`${p}.env[${i}]: hides previous definition of ${JSON.stringify(name)}, which may be dropped when using apply`);
          }
        } else {
          seen.add(name);
        }
      });
    });
  }
  warnings.push(...portWarnings(containerLists, prefix));
  return warnings;
}

/** portWarnings flags container ports declared twice for the same protocol and port. */
function portWarnings(containerLists: [string, unknown][], prefix: string): string[] {
  const warnings: string[] = [];
  const seen = new Map<string, { path: string; hostIP: string; hostPort: number }[]>();
  for (const [list, containers] of containerLists) {
    arr(containers).forEach((c, ci) => {
      arr(obj(c).ports).forEach((raw, i) => {
        const port = obj(raw);
        const path = `${prefix}spec.${list}[${ci}].ports[${i}]`;
        const hostIP = str(port.hostIP);
        const hostPort = typeof port.hostPort === 'number' ? port.hostPort : 0;
        const key = `${String(port.containerPort)}/${str(port.protocol)}`;
        const others = seen.get(key) ?? [];
        for (const other of others) {
          if (hostIP === other.hostIP && hostPort === other.hostPort) warnings.push(`${path}: duplicate port definition with ${other.path}`);
          else if (hostPort === 0 || other.hostPort === 0) warnings.push(`${path}: overlapping port definition with ${other.path}`);
        }
        seen.set(key, [...others, { path, hostIP, hostPort }]);
      });
    });
  }
  return warnings;
}

/** podWarnings is the pod strategy's WarningsOnCreate: the name is used as a hostname, then the spec warnings. */
export function podWarnings(pod: KubeObject): string[] {
  const name = str(obj(pod.metadata).name);
  const warnings: string[] = [];
  const msgs = isDNS1123Label(name);
  if (msgs.length) warnings.push(`metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`);
  return [...warnings, ...podSpecWarnings(pod.spec, pod.metadata)];
}
