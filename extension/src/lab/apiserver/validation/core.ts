/** core validates core/v1 objects with the messages of pkg/apis/core/validation. */
import type { Container, Pod, PodSpec } from '../../api/types';
import { type FieldError, duplicate, invalidValue, notSupported, required } from '../fieldErrors';
import { isDNS1123Label } from './names';
import { isQuantity } from '../../api/quantity';

/** validatePodSpec checks a pod spec found at path (`spec`, `spec.template.spec`). */
export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required(path)];
  const errs: FieldError[] = [];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    errs.push(required(`${path}.containers`));
  } else {
    errs.push(...validateContainers(spec.containers, `${path}.containers`));
  }
  if (spec.initContainers) errs.push(...validateContainers(spec.initContainers, `${path}.initContainers`));
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    errs.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errs.push(invalidValue(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  return errs;
}

function validateContainers(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push(required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(invalidValue(`${p}.name`, c.name, msg));
      if (seen.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      seen.add(c.name);
    }
    if (!c.image || !String(c.image).trim()) errs.push(required(`${p}.image`));
    (c.ports ?? []).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (!Number.isInteger(port.containerPort) || port.containerPort < 1 || port.containerPort > 65535) {
        errs.push(invalidValue(`${pp}.containerPort`, port.containerPort, 'must be between 1 and 65535, inclusive'));
      }
      if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
        errs.push(notSupported(`${pp}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
      }
    });
    for (const kind of ['limits', 'requests'] as const) {
      for (const [name, q] of Object.entries(c.resources?.[kind] ?? {})) {
        if (!isQuantity(q)) errs.push(invalidValue(`${p}.resources.${kind}[${name}]`, q, 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''));
      }
    }
  });
  return errs;
}

/** validatePod checks a whole pod. */
export function validatePod(pod: Pod): FieldError[] {
  return validatePodSpec(pod.spec, 'spec');
}

/** validatePodUpdate allows only the fields upstream lets change on a running pod. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const strip = (s: PodSpec) => ({ ...s, containers: s.containers.map((c) => ({ ...c, image: '' })), activeDeadlineSeconds: undefined, tolerations: undefined, terminationGracePeriodSeconds: undefined });
  if (JSON.stringify(strip(pod.spec)) !== JSON.stringify(strip(old.spec))) {
    return [{ type: 'FieldValueForbidden', field: 'spec', detail: 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' }];
  }
  return [];
}
