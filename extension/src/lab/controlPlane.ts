/**
 * controlPlane is what kubeadm init leaves on a control-plane node, as the lab
 * shows it: the node's role label and NoSchedule taint (the mark-control-plane
 * phase), and the static pod manifests of etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler in /etc/kubernetes/manifests,
 * which the node's kubelet runs and mirrors into kube-system. The real
 * components run in the lab's process as before; these pods are their face:
 * long-running simulated processes that log what each component logs as it
 * starts.
 */
import type { Pod, Taint } from './api/types';
import type { StaticPodManifest } from './kubelet/staticPods';
import { SERVICE_CIDR } from './apiserver/registry/serviceAlloc';

/** CONTROL_PLANE_LABEL is kubeadm's node role label for control-plane nodes. */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
/** EXCLUDE_FROM_LB_LABEL keeps external load balancers off control-plane nodes (kubeadm sets it too). */
export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** CONTROL_PLANE_TAINT keeps ordinary pods off the control plane. */
export const CONTROL_PLANE_TAINT: Taint = { key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' };

/** The component versions of the lab's control plane (Kubernetes v1.32, with kubeadm's etcd for it). */
export const KUBERNETES_VERSION = 'v1.32.0';
export const ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.16-0';
/** SYSTEM_NODE_CRITICAL is the priority class kubeadm gives the control plane, and its value. */
const SYSTEM_NODE_CRITICAL = { priorityClassName: 'system-node-critical', priority: 2000001000 };

const PKI = '/etc/kubernetes/pki';

interface Mount {
  name: string;
  path: string;
  readOnly?: boolean;
  type: 'DirectoryOrCreate' | 'FileOrCreate';
}

/** pod is one kubeadm static pod: labels, hostNetwork, the node-critical priority, the RuntimeDefault seccomp profile and hostPath mounts. */
function pod(component: string, image: string, command: string[], cpu: string, mounts: Mount[], extra: { annotations?: Record<string, string>; memory?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: component,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: {
      containers: [{
        name: component, image, imagePullPolicy: 'IfNotPresent', command,
        resources: { requests: { cpu, ...(extra.memory ? { memory: extra.memory } : {}) } },
        volumeMounts: mounts.map((m) => ({ name: m.name, mountPath: m.path, ...(m.readOnly ? { readOnly: true } : {}) })),
      }],
      hostNetwork: true,
      ...SYSTEM_NODE_CRITICAL,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      volumes: mounts.map((m) => ({ name: m.name, hostPath: { path: m.path, type: m.type } })),
    },
  };
}

/** controlPlaneManifests are kubeadm's four static pod manifests for a control-plane node named node at address ip. */
export function controlPlaneManifests(node: string, ip: string, port: number, clusterCIDR: string): StaticPodManifest[] {
  const certs = (name = 'k8s-certs', path = PKI): Mount => ({ name, path, readOnly: true, type: 'DirectoryOrCreate' });
  const caCerts: Mount = { name: 'ca-certs', path: '/etc/ssl/certs', readOnly: true, type: 'DirectoryOrCreate' };
  const kubeconfig = (file: string): Mount => ({ name: 'kubeconfig', path: `/etc/kubernetes/${file}`, readOnly: true, type: 'FileOrCreate' });
  const image = (component: string): string => `registry.k8s.io/${component}:${KUBERNETES_VERSION}`;
  return [
    {
      file: 'etcd.yaml',
      pod: pod('etcd', ETCD_IMAGE, [
        'etcd', `--advertise-client-urls=https://${ip}:2379`, `--cert-file=${PKI}/etcd/server.crt`, '--client-cert-auth=true', '--data-dir=/var/lib/etcd',
        '--experimental-initial-corrupt-check=true', '--experimental-watch-progress-notify-interval=5s', `--initial-advertise-peer-urls=https://${ip}:2380`,
        `--initial-cluster=${node}=https://${ip}:2380`, `--key-file=${PKI}/etcd/server.key`, `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
        '--listen-metrics-urls=http://127.0.0.1:2381', `--listen-peer-urls=https://${ip}:2380`, `--name=${node}`, `--peer-cert-file=${PKI}/etcd/peer.crt`,
        '--peer-client-cert-auth=true', `--peer-key-file=${PKI}/etcd/peer.key`, `--peer-trusted-ca-file=${PKI}/etcd/ca.crt`, '--snapshot-count=10000',
        `--trusted-ca-file=${PKI}/etcd/ca.crt`,
      ], '100m', [certs('etcd-certs', `${PKI}/etcd`), { name: 'etcd-data', path: '/var/lib/etcd', type: 'DirectoryOrCreate' }],
      { memory: '100Mi', annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` } }),
    },
    {
      file: 'kube-apiserver.yaml',
      pod: pod('kube-apiserver', image('kube-apiserver'), [
        'kube-apiserver', `--advertise-address=${ip}`, '--allow-privileged=true', '--authorization-mode=Node,RBAC', `--client-ca-file=${PKI}/ca.crt`,
        '--enable-admission-plugins=NodeRestriction', '--enable-bootstrap-token-auth=true', `--etcd-cafile=${PKI}/etcd/ca.crt`,
        `--etcd-certfile=${PKI}/apiserver-etcd-client.crt`, `--etcd-keyfile=${PKI}/apiserver-etcd-client.key`, '--etcd-servers=https://127.0.0.1:2379',
        `--kubelet-client-certificate=${PKI}/apiserver-kubelet-client.crt`, `--kubelet-client-key=${PKI}/apiserver-kubelet-client.key`,
        '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', `--proxy-client-cert-file=${PKI}/front-proxy-client.crt`,
        `--proxy-client-key-file=${PKI}/front-proxy-client.key`, '--requestheader-allowed-names=front-proxy-client', `--requestheader-client-ca-file=${PKI}/front-proxy-ca.crt`,
        '--requestheader-extra-headers-prefix=X-Remote-Extra-', '--requestheader-group-headers=X-Remote-Group', '--requestheader-username-headers=X-Remote-User',
        `--secure-port=${port}`, '--service-account-issuer=https://kubernetes.default.svc.cluster.local', `--service-account-key-file=${PKI}/sa.pub`,
        `--service-account-signing-key-file=${PKI}/sa.key`, `--service-cluster-ip-range=${SERVICE_CIDR}`, `--tls-cert-file=${PKI}/apiserver.crt`,
        `--tls-private-key-file=${PKI}/apiserver.key`,
      ], '250m', [caCerts, certs()], { annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:${port}` } }),
    },
    {
      file: 'kube-controller-manager.yaml',
      pod: pod('kube-controller-manager', image('kube-controller-manager'), [
        'kube-controller-manager', '--allocate-node-cidrs=true', '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf', '--bind-address=127.0.0.1', `--client-ca-file=${PKI}/ca.crt`,
        `--cluster-cidr=${clusterCIDR}`, '--cluster-name=kubernetes', `--cluster-signing-cert-file=${PKI}/ca.crt`, `--cluster-signing-key-file=${PKI}/ca.key`,
        '--controllers=*,bootstrapsigner,tokencleaner', '--kubeconfig=/etc/kubernetes/controller-manager.conf', '--leader-elect=true',
        `--requestheader-client-ca-file=${PKI}/front-proxy-ca.crt`, `--root-ca-file=${PKI}/ca.crt`, `--service-account-private-key-file=${PKI}/sa.key`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`, '--use-service-account-credentials=true',
      ], '200m', [caCerts, certs(), kubeconfig('controller-manager.conf')]),
    },
    {
      file: 'kube-scheduler.yaml',
      pod: pod('kube-scheduler', image('kube-scheduler'), [
        'kube-scheduler', '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
        '--bind-address=127.0.0.1', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true',
      ], '100m', [kubeconfig('scheduler.conf')]),
    },
  ];
}
