/**
 * replicationController validates ReplicationControllers, PodTemplates and
 * Endpoints as core/validation's ValidateReplicationController(Update|
 * StatusUpdate), ValidatePodTemplate(Update) and ValidateEndpoints do (metadata aside).
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str, stringMap } from '../fields';
import { isValidPortNum } from '../generic';
import { isValidIP, validateNonSpecialIP } from '../ip';
import { isQualifiedName } from '../labels';
import { isDNS1123Label } from '../names';
import { subdomainName } from '../objectMeta';
import { validateProtocol } from '../ports';
import { validatePodTemplateSpec } from './podSpec';

const nonnegative = (value: unknown, path: string): FieldError[] =>
  num(value) < 0 ? [invalidValue(path, num(value), 'must be greater than or equal to 0')] : [];

/** validateReplicationControllerSpec is ValidateReplicationControllerSpec. */
function validateReplicationControllerSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs = nonnegative(spec.minReadySeconds, 'spec.minReadySeconds');
  const selector = stringMap(spec.selector);
  if (selector.length === 0) errs.push(required('spec.selector'));
  errs.push(...nonnegative(spec.replicas, 'spec.replicas'));
  if (!has(spec.template)) {
    errs.push(required('spec.template'));
    return errs;
  }
  const template = obj(spec.template);
  const labels = obj(obj(template.metadata).labels);
  if (selector.length && selector.some(([k, v]) => labels[k] !== v)) {
    errs.push(invalidValue('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const templateSpec = obj(template.spec);
  if (str(templateSpec.restartPolicy) !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', str(templateSpec.restartPolicy), ['Always']));
  if (has(templateSpec.activeDeadlineSeconds)) errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  return errs;
}

/** validateReplicationController is ValidateReplicationController (and, as upstream, its update check). */
export function validateReplicationController(rc: KubeObject): FieldError[] {
  return validateReplicationControllerSpec(rc.spec);
}

/** validateReplicationControllerStatus is ValidateReplicationControllerStatus: counts are non-negative and consistent. */
export function validateReplicationControllerStatus(statusValue: unknown): FieldError[] {
  const s = obj(statusValue);
  const errs: FieldError[] = [];
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) errs.push(...nonnegative(s[f], `status.${f}`));
  const msg = 'cannot be greater than status.replicas';
  if (num(s.fullyLabeledReplicas) > num(s.replicas)) errs.push(invalidValue('status.fullyLabeledReplicas', num(s.fullyLabeledReplicas), msg));
  if (num(s.readyReplicas) > num(s.replicas)) errs.push(invalidValue('status.readyReplicas', num(s.readyReplicas), msg));
  if (num(s.availableReplicas) > num(s.replicas)) errs.push(invalidValue('status.availableReplicas', num(s.availableReplicas), msg));
  if (num(s.availableReplicas) > num(s.readyReplicas)) errs.push(invalidValue('status.availableReplicas', num(s.availableReplicas), 'cannot be greater than readyReplicas'));
  return errs;
}

/** validatePodTemplate is ValidatePodTemplate: its `template`. */
export function validatePodTemplate(pt: KubeObject): FieldError[] {
  return validatePodTemplateSpec(pt.template, 'template');
}

function validateEndpointAddress(address: unknown, path: string): FieldError[] {
  const a = obj(address);
  const ip = str(a.ip);
  const errs = isValidIP(`${path}.ip`, ip);
  const hostname = str(a.hostname);
  if (hostname) errs.push(...isDNS1123Label(hostname).map((m) => invalidValue(`${path}.hostname`, hostname, m)));
  if (has(a.nodeName)) errs.push(...subdomainName(str(a.nodeName), false).map((m) => invalidValue(`${path}.nodeName`, str(a.nodeName), m)));
  return [...errs, ...validateNonSpecialIP(`${path}.ip`, ip)];
}

function validateEndpointPort(port: unknown, requireName: boolean, path: string): FieldError[] {
  const p = obj(port);
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && !name) errs.push(required(`${path}.name`));
  else if (name) errs.push(...isDNS1123Label(name).map((m) => invalidValue(`${path}.name`, name, m)));
  errs.push(...isValidPortNum(num(p.port)).map((m) => invalidValue(`${path}.port`, num(p.port), m)));
  errs.push(...validateProtocol(p.protocol, `${path}.protocol`));
  if (has(p.appProtocol)) errs.push(...isQualifiedName(str(p.appProtocol)).map((m) => invalidValue(`${path}.appProtocol`, str(p.appProtocol), m)));
  return errs;
}

/** validateEndpoints is ValidateEndpoints (metadata aside): each subset has addresses, valid IPs and named ports. */
export function validateEndpoints(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  arr(ep.subsets).forEach((raw, i) => {
    const ss = obj(raw);
    const p = `subsets[${i}]`;
    if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    arr(ss.addresses).forEach((a, j) => errs.push(...validateEndpointAddress(a, `${p}.addresses[${j}]`)));
    arr(ss.notReadyAddresses).forEach((a, j) => errs.push(...validateEndpointAddress(a, `${p}.notReadyAddresses[${j}]`)));
    const ports = arr(ss.ports);
    ports.forEach((port, j) => errs.push(...validateEndpointPort(port, ports.length > 1, `${p}.ports[${j}]`)));
  });
  return errs;
}
