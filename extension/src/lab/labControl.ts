/**
 * labControl is what the editor can do to the lab itself rather than through its
 * API: add, remove, stop and start nodes, inject faults (fill a node's memory,
 * crash a container, kill a control-plane leader, cut a node off the network), save the store and restore it, look
 * into the store (figures, keys, a key's history), compact and defrag it. Each op
 * answers a result or the reason it changed nothing.
 */
import type { Lab } from './lab';
import { type StoreSnapshot, validateSnapshot } from './store/snapshot';
import { ENCRYPTED_PREFIX } from './apiserver/encryption/transformer';
import type { KeyHistory } from './store/store';
import { type ControlPlaneComponent, crashContainer, fillNodeMemory, killControlPlaneReplica, releaseNodeMemory } from './faultInjection';
import { cutNodeOff, reconnectNode } from './partition';
import { type StoreKeys, type StoreStats, storeCompact, storeDefrag, storeHistory, storeKeys, storeStats } from './storeControl';

/** LabControl is one control request from the host. */
export type LabControl =
  /** addNode joins node-N (one past the highest in use) with the configured size. */
  | { op: 'addNode' }
  /** removeNode stops a node's kubelet and deletes its Node, as a cloud provider's node going away. */
  | { op: 'removeNode'; name: string }
  /** stopNode stops a node's kubelet: no more status or lease updates, containers left running. */
  | { op: 'stopNode'; name: string }
  /** startNode starts a stopped kubelet again; it takes its Node back and resumes its pods. */
  | { op: 'startNode'; name: string }
  /** listNodes tells, for each Node, whether the lab runs its kubelet, and whether it is cut off the network. */
  | { op: 'listNodes' }
  /** fillNodeMemory takes amount (a quantity; all but 50Mi of what is available when omitted) of a node's memory outside any pod, so its kubelet comes under memory pressure. */
  | { op: 'fillNodeMemory'; name: string; amount?: string }
  /** releaseNodeMemory gives back what fillNodeMemory took. */
  | { op: 'releaseNodeMemory'; name: string }
  /** crashContainer ends a running container's main process with exitCode (137 when omitted); container defaults to the pod's first. */
  | { op: 'crashContainer'; namespace: string; pod: string; container?: string; exitCode?: number }
  /** killControlPlaneReplica kills the leading kube-scheduler or kube-controller-manager replica; another takes its Lease once it expires. */
  | { op: 'killControlPlaneReplica'; component: string }
  /** cutNodeOff cuts a node off the network: its kubelet and kube-proxy run on but cannot reach the API server, its pods' traffic across its edge is dropped. */
  | { op: 'cutNodeOff'; name: string }
  /** reconnectNode puts a cut-off node back on the network. */
  | { op: 'reconnectNode'; name: string }
  /** snapshotSave answers the store's whole state. */
  | { op: 'snapshotSave' }
  /** snapshotRestore rebuilds the store from a snapshot (checked first) and restarts the components over it. */
  | { op: 'snapshotRestore'; snapshot: unknown }
  /** storeStats answers the store's revision, compacted revision, keys, size against quota and watchers (the Store panel). */
  | { op: 'storeStats' }
  /** storeKeys lists the keyspace under prefix one level down, now or as of revision. */
  | { op: 'storeKeys'; prefix: string; revision?: number }
  /** storeHistory answers a key's changes within the uncompacted history, values as stored. */
  | { op: 'storeHistory'; key: string }
  /** storeCompact compacts the store's history up to its current revision. */
  | { op: 'storeCompact' }
  /** storeDefrag gives the space compaction freed back to the backend. */
  | { op: 'storeDefrag' };

/** KubeletState is how a Node's kubelet is: running, stopped by stopNode, or none (a Node the lab did not make). */
export type KubeletState = 'running' | 'stopped' | 'none';

/** ControlResults are each op's answer. */
export interface ControlResults {
  addNode: { node: string };
  removeNode: { node: string; pods: string[] };
  stopNode: { node: string; kubelet: 'stopped' };
  startNode: { node: string; kubelet: 'running' };
  listNodes: { nodes: { name: string; kubelet: KubeletState; network?: 'cut off' }[] };
  fillNodeMemory: { node: string; filled: string; available: string };
  releaseNodeMemory: { node: string; released: string };
  crashContainer: { pod: string; container: string; containerID: string; exitCode: number };
  killControlPlaneReplica: { component: ControlPlaneComponent; killed: string; candidates: number };
  cutNodeOff: { node: string; network: 'cut off' };
  reconnectNode: { node: string; network: 'connected' };
  snapshotSave: StoreSnapshot;
  snapshotRestore: { revision: number; nodes: string[] };
  storeStats: StoreStats;
  storeKeys: StoreKeys;
  storeHistory: KeyHistory;
  storeCompact: { revision: number; compactRevision: number };
  storeDefrag: { before: number; after: number };
}

/** ControlResult is any op's answer, as the channel carries it. */
export type ControlResult = ControlResults[keyof ControlResults];

/** runControl performs op on lab. */
export async function runControl<O extends LabControl>(lab: Lab, op: O): Promise<ControlResults[O['op']] | { error: string }>;
export async function runControl(lab: Lab, op: LabControl): Promise<ControlResult | { error: string }> {
  switch (op.op) {
    case 'addNode':
      return lab.addNode();
    case 'removeNode':
      return lab.removeNode(op.name);
    case 'stopNode':
      return lab.stopNode(op.name);
    case 'startNode':
      return lab.startNode(op.name);
    case 'listNodes': {
      const states = await lab.nodeStates();
      return 'error' in states ? states : { nodes: states.nodes.map((n) => (lab.partition.isCutOff(n.name) ? { ...n, network: 'cut off' as const } : n)) };
    }
    case 'fillNodeMemory':
      return fillNodeMemory(lab, op.name, op.amount);
    case 'releaseNodeMemory':
      return releaseNodeMemory(lab, op.name);
    case 'crashContainer':
      return crashContainer(lab, op.namespace, op.pod, op.container, op.exitCode);
    case 'killControlPlaneReplica':
      return killControlPlaneReplica(lab, op.component);
    case 'cutNodeOff':
      return cutNodeOff(lab, op.name);
    case 'reconnectNode':
      return reconnectNode(lab, op.name);
    case 'snapshotSave':
      if (lab.state !== 'running') return { error: 'the lab is not running' };
      return lab.snapshot();
    case 'snapshotRestore': {
      const snapshot = validateLabSnapshot(op.snapshot);
      return 'error' in snapshot ? snapshot : lab.restore(snapshot);
    }
    case 'storeStats':
      return storeStats(lab);
    case 'storeKeys':
      return storeKeys(lab, op.prefix, op.revision);
    case 'storeHistory':
      return storeHistory(lab, op.key);
    case 'storeCompact':
      return storeCompact(lab);
    case 'storeDefrag':
      return storeDefrag(lab);
  }
}

/** validateLabSnapshot checks a snapshot as a store's (validateSnapshot), and that every value is a stored object: JSON with a kind, or a value encrypted at rest. */
export function validateLabSnapshot(x: unknown): StoreSnapshot | { error: string } {
  const snapshot = validateSnapshot(x);
  if ('error' in snapshot) return { error: `not a KubeLab snapshot: ${snapshot.error}` };
  for (const kv of snapshot.kvs) {
    // A value encrypted at rest is opaque here; the API server reads it through its transformer.
    if (kv.value.startsWith(ENCRYPTED_PREFIX)) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(kv.value);
    } catch {
      obj = undefined;
    }
    if (typeof obj !== 'object' || obj === null || typeof (obj as { kind?: unknown }).kind !== 'string') return { error: `not a KubeLab snapshot: the value of ${kv.key} is not a stored object` };
  }
  return snapshot;
}
