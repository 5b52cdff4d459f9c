/** networking is the `networking.k8s.io/v1` group: networkpolicies, ingresses (with status) and ingressclasses. */
import type { KubeObject } from '../../api/types';
import { defaultIngressClass, defaultNetworkPolicy } from '../defaulting/networking';
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec } from '../strategy';
import {
  validateIngressClass, validateIngressClassUpdate, validateIngressCreate, validateIngressStatusUpdate, validateIngressUpdate, validateNetworkPolicy, validateNetworkPolicyUpdate,
} from '../validation/networking';
import { subdomainName } from '../validation/objectMeta';
import type { Ingress, IngressClass, NetworkPolicy } from '../validation/types/networking';

const group = 'networking.k8s.io';

const networkPolicyStrategy: Strategy<NetworkPolicy> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: false,
  defaults: defaultNetworkPolicy,
  validate: validateNetworkPolicy,
  validateUpdate: validateNetworkPolicyUpdate,
};

const ingressStrategy: Strategy<Ingress> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  prepareForCreate(ingress) {
    ingress.status = { loadBalancer: {} };
  },
  prepareForUpdate(ingress, old) {
    (ingress as KubeObject).status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: validateIngressCreate,
  validateUpdate: validateIngressUpdate,
  validateStatusUpdate: validateIngressStatusUpdate,
};

const ingressClassStrategy: Strategy<IngressClass> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: false,
  defaults: defaultIngressClass,
  validate: validateIngressClass,
  validateUpdate: validateIngressClassUpdate,
};

export const networkingResources: readonly ResourceType[] = [
  def({ group, version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', singularName: 'networkpolicy', namespaced: true, shortNames: ['netpol'], subresources: [], strategy: networkPolicyStrategy }),
  def({ group, version: 'v1', resource: 'ingresses', kind: 'Ingress', singularName: 'ingress', namespaced: true, shortNames: ['ing'], subresources: ['status'], strategy: ingressStrategy }),
  def({ group, version: 'v1', resource: 'ingressclasses', kind: 'IngressClass', singularName: 'ingressclass', namespaced: false, subresources: [], strategy: ingressClassStrategy }),
];
