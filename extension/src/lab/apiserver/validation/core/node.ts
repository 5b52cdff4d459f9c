/**
 * node validates Nodes and Namespaces as core/validation's ValidateNode,
 * ValidateNodeUpdate, ValidateNamespace, ValidateNamespaceStatusUpdate and
 * ValidateNamespaceFinalizeUpdate do (metadata aside).
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, forbidden, invalidValue } from '../../fieldErrors';
import { arr, has, obj, str, strings } from '../fields';
import { semanticEqual } from '../generic';
import { isIPv6String, isValidCIDR } from '../ip';
import { isQualifiedName } from '../labels';
import { validateKubeFinalizerName } from '../objectMeta';
import { quantityOf, validateResourceQuantityValue } from './resources';
import { validateNodeTaints } from './scheduling';


/** validateNodeResources is ValidateNodeResources: capacity and allocatable are valid quantities. */
function validateNodeResources(status: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['capacity', 'allocatable']) {
    for (const [name, value] of Object.entries(obj(status[list]))) {
      // Upstream joins the resource name as a path segment here, not as a key.
      const p = `status.${list}.${name}`;
      const q = quantityOf(value, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  return errs;
}

/** validateNode is ValidateNode: taints (named under metadata, as upstream does), resources, pod CIDRs. */
export function validateNode(node: KubeObject): FieldError[] {
  const spec = obj(node.spec);
  const errs = validateNodeTaints(spec.taints, 'metadata.taints');
  errs.push(...validateNodeResources(obj(node.status)));
  const cidrs = strings(spec.podCIDRs);
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(`spec.podCIDRs[${i}]`, c)));
  if (cidrs.length > 1) {
    const v6 = cidrs.filter((c) => isIPv6String(c.split('/')[0])).length;
    if (cidrs.length > 2 || v6 !== 1) errs.push(invalidValue('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push({ type: 'FieldValueDuplicate', field: `spec.podCIDRs[${i}]`, value: c });
      seen.add(c);
    });
  }
  return errs;
}

/** validateNodeUpdate is ValidateNodeUpdate: pod CIDRs and provider ID are set once; addresses are unique. */
export function validateNodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(node.spec);
  const prev = obj(old.spec);
  const errs = validateNodeResources(obj(node.status));
  const seen: unknown[] = [];
  arr(obj(node.status).addresses).forEach((a, i) => {
    if (seen.some((s) => semanticEqual(s, a))) errs.push({ type: 'FieldValueDuplicate', field: `status.addresses[${i}]`, value: a });
    seen.push(a);
  });
  const oldCIDRs = strings(prev.podCIDRs);
  const cidrs = strings(spec.podCIDRs);
  if (oldCIDRs.length) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== cidrs.length) errs.push(forbidden('spec.podCIDRs', msg));
    else oldCIDRs.forEach((c, i) => c !== cidrs[i] && errs.push(forbidden('spec.podCIDRs', msg)));
  }
  if (str(prev.providerID) && prev.providerID !== spec.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (has(spec.configSource)) {
    const source = obj(spec.configSource);
    if (!has(source.configMap)) errs.push(invalidValue('spec.configSource', spec.configSource, 'exactly one reference subfield must be non-nil'));
  }
  errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  if (str(spec.externalID) !== str(prev.externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

/** validateFinalizerName is validateFinalizerName: a qualified name, standard when unqualified. */
function validateFinalizerName(name: string, path: string): FieldError[] {
  return [...isQualifiedName(name).map((m) => invalidValue(path, name, m)), ...validateKubeFinalizerName(name, path)];
}

/** validateNamespace is ValidateNamespace: its spec.finalizers (named by the list, as upstream does on create). */
export function validateNamespace(ns: KubeObject): FieldError[] {
  return strings(obj(ns.spec).finalizers).flatMap((f) => validateFinalizerName(f, 'spec.finalizers'));
}

/** validateNamespaceStatusUpdate is ValidateNamespaceStatusUpdate: the phase follows deletion. */
export function validateNamespaceStatusUpdate(ns: KubeObject): FieldError[] {
  const phase = str(obj(ns.status).phase);
  // Upstream names the field by its Go name, `Phase`.
  if (!has(obj(ns.metadata).deletionTimestamp)) {
    return phase === 'Active' ? [] : [invalidValue('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  }
  return phase === 'Terminating' ? [] : [invalidValue('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}

/** validateNamespaceFinalizeUpdate is ValidateNamespaceFinalizeUpdate (namespaces/finalize). */
export function validateNamespaceFinalizeUpdate(ns: KubeObject): FieldError[] {
  return strings(obj(ns.spec).finalizers).flatMap((f, i) => validateFinalizerName(f, `spec.finalizers[${i}]`));
}
