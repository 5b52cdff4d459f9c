/**
 * coreDnsAddon is kubeadm's DNS addon phase (cmd/kubeadm/app/phases/addons/dns):
 * the `coredns` ConfigMap with its Corefile, the system:coredns ClusterRole and
 * binding, the coredns ServiceAccount, the `coredns` Deployment (two replicas,
 * system-cluster-critical, tolerating the control plane) and the `kube-dns`
 * Service on the tenth address of the service CIDR — created in that order,
 * each left as it is when it exists already (a restarted lab).
 */
import type { KubeObject } from '../../api/types';
import type { KubeClient } from '../../client/kubeClient';
import { CONFIGMAPS, DEPLOYMENTS, SERVICEACCOUNTS, type ResourceRef } from '../../client/resources';
import { SERVICES } from '../../controllers/kubernetesService';
import { isStatus } from '../../api/types';
import { COREFILE, HEALTH_PORT, METRICS_PORT, READY_PORT } from './coreDns';
import { COREDNS_REPOSITORY, DNS_PORT } from './dnsNetwork';

/** COREDNS_IMAGE is the image kubeadm v1.32 deploys. */
export const COREDNS_IMAGE = `${COREDNS_REPOSITORY}:v1.11.3`;
/** KUBE_DNS_SERVICE_IP is the tenth address of the service CIDR 10.96.0.0/12 (kubeadm's GetDNSIP), the kubelets' --cluster-dns. */
export const KUBE_DNS_SERVICE_IP = '10.96.0.10';
/** COREDNS_REPLICAS is kubeadm's replica count. */
export const COREDNS_REPLICAS = 2;

const rbac = (resource: string): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, namespaced: false });
const system = { namespace: 'kube-system' };
const labels = { 'k8s-app': 'kube-dns' };

/** coreDnsAddonObjects are the addon's objects in the order kubeadm creates them. */
export function coreDnsAddonObjects(): [ResourceRef, KubeObject][] {
  return [
    [CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', ...system }, data: { Corefile: COREFILE } }],
    [rbac('clusterroles'), {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    }],
    [rbac('clusterrolebindings'), {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
    }],
    [SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', ...system } }],
    [DEPLOYMENTS, coreDnsDeployment()],
    [SERVICES, {
      apiVersion: 'v1', kind: 'Service',
      metadata: {
        name: 'kube-dns', ...system,
        labels: { ...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/scrape': 'true' },
      },
      spec: {
        clusterIP: KUBE_DNS_SERVICE_IP,
        ports: [
          { name: 'dns', port: DNS_PORT, protocol: 'UDP', targetPort: DNS_PORT },
          { name: 'dns-tcp', port: DNS_PORT, protocol: 'TCP', targetPort: DNS_PORT },
          { name: 'metrics', port: METRICS_PORT, protocol: 'TCP', targetPort: METRICS_PORT },
        ],
        selector: labels,
      },
    }],
  ];
}

/** coreDnsDeployment is kubeadm's CoreDNS Deployment manifest. */
function coreDnsDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'coredns', ...system, labels },
    spec: {
      replicas: COREDNS_REPLICAS,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' },
              }],
            },
          },
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [{
            name: 'coredns',
            image: COREDNS_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            args: ['-conf', '/etc/coredns/Corefile'],
            volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
            ports: [
              { containerPort: DNS_PORT, name: 'dns', protocol: 'UDP' },
              { containerPort: DNS_PORT, name: 'dns-tcp', protocol: 'TCP' },
              { containerPort: METRICS_PORT, name: 'metrics', protocol: 'TCP' },
            ],
            livenessProbe: { httpGet: { path: '/health', port: HEALTH_PORT, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
            readinessProbe: { httpGet: { path: '/ready', port: READY_PORT, scheme: 'HTTP' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
          }],
          dnsPolicy: 'Default',
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  };
}

/**
 * installCoreDns runs the addon phase as the admin: each object is created
 * unless it exists. The result is the first failure's message, if any.
 */
export async function installCoreDns(client: KubeClient): Promise<string | undefined> {
  for (const [ref, obj] of coreDnsAddonObjects()) {
    const res = await client.create(ref, obj);
    if (isStatus(res) && res.status === 'Failure' && res.reason !== 'AlreadyExists') return `creating ${ref.resource} "${obj.metadata.name ?? ''}": ${res.message ?? ''}`;
  }
  return undefined;
}
