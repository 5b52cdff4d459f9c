/** networking types the networking.k8s.io/v1 objects: only the fields validation and defaulting read. */
import type { KubeObject, LabelSelector } from '../../../api/types';

export interface NetworkPolicyPort {
  protocol?: string | null;
  port?: number | string | null;
  endPort?: number | null;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  ipBlock?: { cidr?: string; except?: string[] } | null;
}

export interface NetworkPolicy extends KubeObject {
  spec?: {
    podSelector?: LabelSelector;
    ingress?: { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[] }[];
    egress?: { ports?: NetworkPolicyPort[]; to?: NetworkPolicyPeer[] }[];
    policyTypes?: string[];
  };
}

export interface TypedLocalObjectReference {
  apiGroup?: string | null;
  kind?: string;
  name?: string;
}

export interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } } | null;
  resource?: TypedLocalObjectReference | null;
}

export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string | null;
    defaultBackend?: IngressBackend | null;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string; http?: { paths?: { path?: string; pathType?: string | null; backend?: IngressBackend }[] } | null }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface IngressClass extends KubeObject {
  spec?: {
    controller?: string;
    parameters?: (TypedLocalObjectReference & { scope?: string | null; namespace?: string | null }) | null;
  };
}
