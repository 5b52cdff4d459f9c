/**
 * labNodes is the lab's node management: each node-N's kubelet and kube-proxy
 * built from the config (and the control-plane node's, as kubeadm init sets it
 * up), and the operations that add, remove, stop and start nodes in a running
 * lab. Each works through the Lab's public parts: its client, its server's
 * kubelet connections, its lists of kubelets and kube-proxies.
 */
import type { Node, Pod } from './api/types';
import { isStatus } from './api/types';
import { NODES, PODS } from './client/resources';
import { CONTROL_PLANE_LABEL, CONTROL_PLANE_TAINT, EXCLUDE_FROM_LB_LABEL, controlPlaneManifests } from './controlPlane';
import { CONTROL_PLANE_HOSTNAME } from './controlPlaneReplicas';
import { API_SERVER_ADDRESS, API_SERVER_PORT } from './controllers/kubernetesService';
import { KUBE_PROXY, nodeUser } from './identities';
import { Kubelet } from './kubelet/kubelet';
import type { Lab } from './lab';
import { KubeProxy } from './network/kubeProxy';

/** NODE_NAME is how the lab names its nodes: node-1, node-2, … */
const NODE_NAME = /^node-([1-9]\d*)$/;

/** nodeIPFor gives node i an address on the 172.18.0.0/16 node network (the first host is the gateway). */
export function nodeIPFor(i: number): string {
  const n = i + 1;
  return `172.18.${Math.floor(n / 256)}.${n % 256}`;
}

/** newKubelet makes node-i's kubelet: its pod CIDR, its address and the configured capacity. */
export function newKubelet(lab: Lab, i: number): Kubelet {
  const capacity = { cpu: '4', memory: '8Gi', pods: '110', ...lab.config.nodeCapacity, 'ephemeral-storage': '100Gi' };
  const k = new Kubelet(lab.client(nodeUser(`node-${i}`), `node-${i}`), lab.config.clock, lab.random, { nodeName: `node-${i}`, internalIP: nodeIPFor(i), capacity, network: lab.network });
  k.runtime.traffic = lab.traffic;
  return k;
}

/**
 * newControlPlaneKubelet makes the control-plane node's kubelet, as kubeadm
 * init configures it: the node at the API server's address with the first
 * pod range, registered with the control-plane taint, running the control
 * plane's static pods.
 */
export function newControlPlaneKubelet(lab: Lab): Kubelet {
  const capacity = { cpu: '4', memory: '8Gi', pods: '110', ...lab.config.nodeCapacity, 'ephemeral-storage': '100Gi' };
  return new Kubelet(lab.client(nodeUser(CONTROL_PLANE_HOSTNAME), CONTROL_PLANE_HOSTNAME), lab.config.clock, lab.random, {
    nodeName: CONTROL_PLANE_HOSTNAME, internalIP: API_SERVER_ADDRESS, capacity, network: lab.network,
    staticPods: controlPlaneManifests(CONTROL_PLANE_HOSTNAME, API_SERVER_ADDRESS, API_SERVER_PORT, lab.clusterCIDR),
    registerWithTaints: [CONTROL_PLANE_TAINT],
  });
}

/** newControlPlaneKubeProxy makes the control-plane node's kube-proxy, at the API server's address. */
export function newControlPlaneKubeProxy(lab: Lab): KubeProxy {
  return new KubeProxy(lab.client(KUBE_PROXY, CONTROL_PLANE_HOSTNAME), lab.config.clock, { nodeName: CONTROL_PLANE_HOSTNAME, nodeIP: API_SERVER_ADDRESS, mode: lab.config.kubeProxyMode ?? 'iptables', clusterCIDR: lab.clusterCIDR });
}

/** markControlPlane is kubeadm's mark-control-plane phase: the node's role labels (a kubelet may not set them itself) and its taint. */
export async function markControlPlane(lab: Lab): Promise<void> {
  const admin = lab.client();
  const node = await admin.get<Node>(NODES, '', CONTROL_PLANE_HOSTNAME);
  if (isStatus(node)) return;
  const taints = node.spec?.taints ?? [];
  const labels = node.metadata.labels ?? {};
  if (CONTROL_PLANE_LABEL in labels && EXCLUDE_FROM_LB_LABEL in labels && taints.some((t) => t.key === CONTROL_PLANE_TAINT.key && t.effect === CONTROL_PLANE_TAINT.effect)) return;
  // A merge patch, as kubeadm patches the Node: the kubelet's status writes meanwhile do not conflict with it.
  await admin.patch(NODES, '', CONTROL_PLANE_HOSTNAME, {
    metadata: { labels: { [CONTROL_PLANE_LABEL]: '', [EXCLUDE_FROM_LB_LABEL]: '' } },
    spec: { taints: [...taints.filter((t) => t.key !== CONTROL_PLANE_TAINT.key), CONTROL_PLANE_TAINT] },
  });
}

/** newKubeProxy makes node-i's kube-proxy in the configured mode, an API client as system:kube-proxy. */
export function newKubeProxy(lab: Lab, i: number): KubeProxy {
  return new KubeProxy(lab.client(KUBE_PROXY, `node-${i}`), lab.config.clock, { nodeName: `node-${i}`, nodeIP: nodeIPFor(i), mode: lab.config.kubeProxyMode ?? 'iptables', clusterCIDR: lab.clusterCIDR });
}

/** labNodeIndexes are the indexes of the stored Nodes named as the lab names its own (node-N), whose kubelets it runs. */
export async function labNodeIndexes(lab: Lab): Promise<number[]> {
  const nodes = await lab.client().list<Node>(NODES);
  if (isStatus(nodes)) throw new Error(`listing nodes: ${nodes.message ?? ''}`);
  return nodes.items.map((n) => NODE_NAME.exec(n.metadata.name ?? '')).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
}

/** kubelet is the running lab's kubelet of a node, or why there is none. */
async function kubelet(lab: Lab, name: string): Promise<Kubelet | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  const k = lab.kubelets.find((x) => x.nodeName === name);
  if (k) return k;
  const node = await lab.client().get<Node>(NODES, '', name);
  return { error: isStatus(node) ? node.message ?? `nodes "${name}" not found` : `node "${name}" has no kubelet in the lab` };
}

/** addNode joins the next node (one past the highest node-N in use) with the configured size; its kubelet registers the Node. */
export async function addNode(lab: Lab): Promise<{ node: string } | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  const used = [...(await labNodeIndexes(lab)), ...lab.kubelets.map((k) => Number(NODE_NAME.exec(k.nodeName)?.[1] ?? 0))];
  const next = Math.max(0, ...used) + 1;
  const k = newKubelet(lab, next);
  const proxy = newKubeProxy(lab, next);
  lab.kubelets.push(k);
  lab.kubeProxies.push(proxy);
  lab.server.kubelets.set(k.nodeName, k);
  await k.start();
  await proxy.start();
  return { node: k.nodeName };
}

/**
 * removeNode takes a node away as a cloud provider does: its kubelet stops and
 * the Node object is deleted. Pods bound to it stay until something deletes
 * them (upstream, the pod garbage collector's orphan sweep); they are listed.
 */
export async function removeNode(lab: Lab, name: string): Promise<{ node: string; pods: string[] } | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  const k = lab.kubelets.find((x) => x.nodeName === name);
  const admin = lab.client();
  const node = await admin.get<Node>(NODES, '', name);
  if (isStatus(node) && !k) return { error: node.message ?? `nodes "${name}" not found` };
  if (k) {
    k.stop();
    lab.kubelets.splice(lab.kubelets.indexOf(k), 1);
    lab.server.kubelets.delete(name);
  }
  lab.partition.reconnect(name);
  const proxy = lab.kubeProxies.find((p) => p.nodeName === name);
  if (proxy) {
    proxy.stop();
    lab.kubeProxies.splice(lab.kubeProxies.indexOf(proxy), 1);
  }
  if (!isStatus(node)) {
    const deleted = await admin.delete(NODES, '', name);
    if (isStatus(deleted) && deleted.status === 'Failure' && deleted.code !== 404) return { error: deleted.message ?? `deleting node "${name}" failed` };
  }
  const pods = await admin.list<Pod>(PODS, '', { fieldSelector: `spec.nodeName=${name}` });
  return { node: name, pods: isStatus(pods) ? [] : pods.items.map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`) };
}

/** stopNode stops a node's kubelet (no more status or lease updates; its containers keep running); startNode starts it again. */
export async function stopNode(lab: Lab, name: string): Promise<{ node: string; kubelet: 'stopped' } | { error: string }> {
  const k = await kubelet(lab, name);
  if ('error' in k) return k;
  k.stop();
  // A stopped kubelet refuses the API server's connections (logs, exec, node proxy).
  lab.server.kubelets.delete(name);
  return { node: name, kubelet: 'stopped' };
}

/** startNode starts a stopped node's kubelet again: it reports the containers it finds still running. */
export async function startNode(lab: Lab, name: string): Promise<{ node: string; kubelet: 'running' } | { error: string }> {
  const k = await kubelet(lab, name);
  if ('error' in k) return k;
  lab.server.kubelets.set(name, k);
  await k.start();
  return { node: name, kubelet: 'running' };
}

/** nodeStates tells, for each Node, whether the lab runs its kubelet. */
export async function nodeStates(lab: Lab): Promise<{ nodes: { name: string; kubelet: 'running' | 'stopped' | 'none' }[] } | { error: string }> {
  if (lab.state !== 'running') return { error: 'the lab is not running' };
  const nodes = await lab.client().list<Node>(NODES);
  if (isStatus(nodes)) return { error: nodes.message ?? 'listing nodes failed' };
  return {
    nodes: nodes.items.map((n) => {
      const k = lab.kubelets.find((x) => x.nodeName === n.metadata.name);
      return { name: n.metadata.name ?? '', kubelet: k ? (k.isRunning ? 'running' : 'stopped') : 'none' };
    }),
  };
}
