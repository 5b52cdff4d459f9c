/** networking applies pkg/apis/networking/v1/defaults.go to NetworkPolicies and IngressClasses. */
import type { IngressClass, NetworkPolicy } from '../validation/types/networking';
import { isStruct } from './structs';

/** defaultNetworkPolicy is SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort: TCP ports, and Ingress (plus Egress when egress rules exist) as policy types. */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = np.spec;
  if (!isStruct(spec)) return;
  for (const key of ['ingress', 'egress'] as const) {
    for (const rule of Array.isArray(spec[key]) ? spec[key] : []) {
      for (const port of isStruct(rule) && Array.isArray(rule.ports) ? rule.ports : []) {
        if (isStruct(port)) port.protocol ??= 'TCP';
      }
    }
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** defaultIngressClass is SetDefaults_IngressClass: parameters without a scope are cluster-scoped. */
export function defaultIngressClass(ic: IngressClass): void {
  const params = isStruct(ic.spec) ? ic.spec.parameters : undefined;
  if (isStruct(params)) params.scope ??= 'Cluster';
}
