/**
 * labConfig is what a lab is built from, LabConfig, and what follows from it
 * before anything runs: the checks that refuse a bad node size or proxy mode,
 * and the pod network a lab of its size is given.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditWriter } from './apiserver/audit/sink';
import type { AuditPolicy } from './apiserver/audit/types';
import { QUANTITY_FORMAT_ERROR } from './apiserver/validation/quantities';
import { isQuantity, parseQuantity } from './api/quantity';
import type { Clock } from './clock';
import type { AutoCompaction } from './store/compactor';
import type { DurableStore } from './store/durableStore';
import type { StoreSnapshot } from './store/snapshot';

/** LabConfig is a lab's make-up: its nodes, its clock and seed, its store, and the components' options. */
export interface LabConfig {
  /** nodes is how many worker nodes to simulate. */
  nodes: number;
  clock: Clock;
  seed?: number;
  /** Per-node capacity; defaults to a 4-CPU, 8 GiB node with 110 pod slots. */
  nodeCapacity?: { cpu: string; memory: string; pods: string };
  /** Keep this many revisions of history for watches; older ones are compacted every 5 minutes. */
  compactionIntervalMs?: number;
  /** stopwatch is a monotonic millisecond counter for request traces (the worker passes performance.now). */
  stopwatch?: () => number;
  /** serviceAccountKey signs service account tokens (--service-account-signing-key-file); made outside the lab core, which has no randomness of its own. */
  serviceAccountKey?: KeyObject;
  /** audit turns on the API server's audit log: events its policy selects (DEFAULT_AUDIT_POLICY when omitted) go to write as JSON lines. */
  audit?: { policy?: AuditPolicy; write: AuditWriter };
  /** admissionPlugins adds to and removes from the default chain, as --enable-admission-plugins and --disable-admission-plugins; an unknown name stops the lab from being built. */
  admissionPlugins?: { enable?: readonly string[]; disable?: readonly string[] };
  /** kubeProxyMode is the proxier every node's kube-proxy runs (--proxy-mode); iptables when omitted. */
  kubeProxyMode?: KubeProxyMode;
  /** snapshot is a store to start from (a persisted lab): its objects and revision, with a kubelet for each of its node-N Nodes. */
  snapshot?: StoreSnapshot;
  /** rootCA is the cluster CA certificate (PEM) the controller manager publishes as kube-root-ca.crt in every namespace; none, no publishing. */
  rootCA?: string;
  /** durable is an open DurableStore for the embedded store to be (a persisted lab: its objects and revision, with a kubelet for each of its node-N Nodes); the caller opens it and closes it after stop. */
  durable?: DurableStore;
  /** storeQuotaBytes is the embedded store's backend quota (etcd's --quota-backend-bytes); past it writes fail with NOSPACE. 256 MiB when omitted. */
  storeQuotaBytes?: number;
  /** eventTTLSeconds is how long an Event lives after its last write (kube-apiserver's --event-ttl): 1 h when omitted. */
  eventTTLSeconds?: number;
  /** autoCompaction is the store's own compaction policy (etcd's --auto-compaction-mode/-retention, see parseAutoCompaction), besides the API server's every 5 minutes. */
  autoCompaction?: AutoCompaction;
  /** store chooses the backend: the embedded store (the default), or a real etcd cluster at endpoints (kube-apiserver's --etcd-servers). */
  store?: StoreConfig;
  /**
   * encryption encrypts resources at rest, as --encryption-provider-config: config
   * is an apiserver.config.k8s.io/v1 EncryptionConfiguration (object, or a file's
   * YAML/JSON text), randomBytes the cryptographic randomness its IVs and nonces
   * come from (the lab core has none). A bad configuration stops the lab from being built.
   */
  encryption?: { config: unknown; randomBytes: (n: number) => Uint8Array };
  /** dns runs kubeadm's DNS addon at start (the coredns Deployment and the kube-dns Service in kube-system); on unless false. */
  dns?: boolean;
  /** hostPorts listens on 127.0.0.1 for every NodePort and LoadBalancer Service's node ports (real sockets, see network/hostPorts.ts); off unless true. */
  hostPorts?: boolean;
  /** schedulerReplicas is how many kube-scheduler candidates run for the kube-scheduler Lease (1 when omitted); one leads. */
  schedulerReplicas?: number;
  /** controllerManagerReplicas is how many kube-controller-manager candidates run for its Lease (1 when omitted); one leads. */
  controllerManagerReplicas?: number;
  /** schedulingDecisions is how many SchedulingDecisions the API server keeps (DEFAULT_DECISION_CAPACITY when omitted); 0 turns explaining off. */
  schedulingDecisions?: number;
  /**
   * controlPlaneNode adds a control-plane node as kubeadm makes one, beside the
   * `nodes` workers: `control-plane`, labelled and tainted NoSchedule, whose
   * kubelet runs the static pods of etcd, kube-apiserver, kube-controller-manager
   * and kube-scheduler (mirrored in kube-system). Off unless true.
   */
  controlPlaneNode?: boolean;
}

/**
 * StoreConfig is where the lab keeps its objects: `embedded`, its own store; or
 * `etcd`, an etcd v3 cluster at endpoints, each call bounded by requestTimeoutMs.
 */
export type StoreConfig = { backend: 'embedded' } | { backend: 'etcd'; endpoints: string[]; requestTimeoutMs?: number };

/** KubeProxyMode is a kube-proxy --proxy-mode on Linux. */
export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables';

/** nodeCapacityError says what is wrong with a node size: cpu and memory positive quantities, pods a whole number from 1 to 253 (the node's /24 less its gateway and broadcast). */
export function nodeCapacityError(c: LabConfig['nodeCapacity']): string | undefined {
  if (!c) return undefined;
  for (const key of ['cpu', 'memory'] as const) {
    if (!isQuantity(c[key])) return `node ${key} ${JSON.stringify(c[key])}: ${QUANTITY_FORMAT_ERROR}`;
    if ((parseQuantity(c[key]) ?? 0) <= 0) return `node ${key} ${JSON.stringify(c[key])}: must be greater than zero`;
  }
  const pods = Number(c.pods);
  if (!/^\d+$/.test(String(c.pods)) || pods < 1 || pods > 253) return `node pods ${JSON.stringify(c.pods)}: must be a whole number from 1 to 253`;
  return undefined;
}

/** proxyModeError is kube-proxy's refusal of a --proxy-mode it does not have on Linux (validateProxyModeLinux). */
export function proxyModeError(mode: string | undefined): string | undefined {
  if (mode === undefined || mode === '' || ['iptables', 'ipvs', 'nftables'].includes(mode)) return undefined;
  return `KubeProxyConfiguration.Mode.ProxyMode: Invalid value: ${JSON.stringify(mode)}: must be iptables, ipvs, nftables or blank (blank means the best-available proxy [currently iptables])`;
}

/** CLUSTER_CIDR is kind's default pod subnet, the pod network (--cluster-cidr) of a lab of up to 256 nodes. */
export const CLUSTER_CIDR = '10.244.0.0/16';
/** NODE_CIDR_MASK_SIZE is the size of each node's pod range (--node-cidr-mask-size): a /24, 254 addresses. */
export const NODE_CIDR_MASK_SIZE = 24;

/**
 * clusterCIDRFor is the pod subnet a lab of n nodes is configured with, as a
 * kind config's networking.podSubnet: kind's 10.244.0.0/16 (256 node ranges)
 * unless the lab is bigger, then 10.244.0.0/14 (1,024), then 10.128.0.0/9
 * (32,768), clear of the service range. The node IPAM hands the ranges out in
 * the order nodes join; a node past the last gets none (CIDRNotAvailable).
 */
export function clusterCIDRFor(n: number): string {
  if (n <= 256) return CLUSTER_CIDR;
  if (n <= 1024) return '10.244.0.0/14';
  return '10.128.0.0/9';
}
