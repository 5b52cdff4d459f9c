/**
 * kubernetesService holds what the controlplane bootstrap controller keeps in
 * `default` (pkg/controlplane/controller/kubernetesservice and the lease endpoint
 * reconciler): the `kubernetes` Service on the first service IP, port 443, and
 * the Endpoints and EndpointSlice that lead to the API server.
 */
import type { KubeObject } from '../api/types';
import type { ResourceRef } from '../client/resources';

/** API_SERVER_ADDRESS is the address the lab's API server advertises on the node network (--advertise-address). */
export const API_SERVER_ADDRESS = '172.18.255.254';
/** API_SERVER_PORT is the API server's --secure-port. */
export const API_SERVER_PORT = 6443;
/** KUBERNETES_SERVICE_IP is the first IP of the service CIDR, which the bootstrap controller asks for. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
export const ENDPOINTS: ResourceRef = { group: '', version: 'v1', resource: 'endpoints', namespaced: true };
export const ENDPOINTSLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };

/** kubernetesServiceObjects are the Service, Endpoints and EndpointSlice the bootstrap controller creates, in that order. */
export function kubernetesServiceObjects(address: string, port: number): [ResourceRef, KubeObject][] {
  const meta = { name: 'kubernetes', namespace: 'default' };
  return [
    [SERVICES, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { ...meta, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }], sessionAffinity: 'None' },
    }],
    [ENDPOINTS, {
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { ...meta, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
    }],
    [ENDPOINTSLICES, {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { ...meta, labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    }],
  ];
}
