/**
 * NodeLease is the kubelet's node lease controller (component-helpers' lease
 * controller with the kubelet's settings): it keeps a Lease named for the node in
 * kube-node-lease, owned by the Node, and renews it every quarter of its
 * duration, so the node lifecycle controller hears a cheap heartbeat between
 * node status updates.
 */
import type { Clock, Timer } from '../clock';
import { microTimestamp } from '../api/meta';
import type { KubeObject, Node, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { LEASES, NODES } from '../client/resources';

/** NODE_LEASE_NAMESPACE is api.NamespaceNodeLease. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** NODE_LEASE_DURATION_SECONDS is the kubelet's nodeLeaseDurationSeconds default. */
export const NODE_LEASE_DURATION_SECONDS = 40;
/** NODE_LEASE_RENEW_MS is the kubelet's renew interval: a quarter of the lease's duration. */
export const NODE_LEASE_RENEW_MS = NODE_LEASE_DURATION_SECONDS * 250;

/** NodeLeaseObject is a coordination.k8s.io/v1 Lease as the kubelet writes it. */
export interface NodeLeaseObject extends KubeObject {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

export class NodeLease {
  private timer?: Timer;
  private latest?: NodeLeaseObject;
  private running = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, private readonly nodeName: string) {}

  /** start renews the lease now and then every renew interval until stop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    await this.sync();
    if (this.running) this.timer = this.clock.setTimer(NODE_LEASE_RENEW_MS, () => void this.tick());
  }

  /** sync renews the lease it knows, or first makes sure one exists (ensureLease). */
  private async sync(): Promise<void> {
    if (!this.latest) {
      const ensured = await this.ensureLease();
      if (!ensured) return;
      this.latest = ensured.lease;
      // A lease created just now already carries a fresh renew time.
      if (ensured.created) return;
    }
    await this.renew();
  }

  /** ensureLease gets the node's lease, creating it (owned by the Node) when it does not exist. */
  private async ensureLease(): Promise<{ lease: NodeLeaseObject; created: boolean } | undefined> {
    const got = await this.client.get<NodeLeaseObject>(LEASES, NODE_LEASE_NAMESPACE, this.nodeName);
    if (!isStatus(got)) return { lease: got, created: false };
    if (got.code !== 404) return undefined;
    const created = await this.client.create<NodeLeaseObject>(LEASES, await this.newLease());
    return isStatus(created) ? undefined : { lease: created, created: true };
  }

  /** renew writes a new renew time; on a conflict it starts again from the server's copy. */
  private async renew(): Promise<void> {
    const base = this.latest as NodeLeaseObject;
    const lease: NodeLeaseObject = { ...base, spec: { ...base.spec, renewTime: microTimestamp(this.clock.now()) } };
    if (!lease.metadata.ownerReferences?.length) {
      const owner = await this.ownerReference();
      if (owner) lease.metadata = { ...lease.metadata, ownerReferences: owner };
    }
    const updated: NodeLeaseObject | Status = await this.client.update<NodeLeaseObject>(LEASES, lease);
    if (!isStatus(updated)) {
      this.latest = updated;
      return;
    }
    // The next tick gets or recreates it.
    this.latest = undefined;
  }

  private async newLease(): Promise<NodeLeaseObject> {
    const owner = await this.ownerReference();
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.nodeName, namespace: NODE_LEASE_NAMESPACE, ...(owner ? { ownerReferences: owner } : {}) },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTimestamp(this.clock.now()) },
    };
  }

  /** ownerReference is setNodeOwnerFunc: the Node owns its lease, so deleting the Node deletes the lease. */
  private async ownerReference(): Promise<KubeObject['metadata']['ownerReferences']> {
    const node = await this.client.get<Node>(NODES, '', this.nodeName);
    if (isStatus(node)) return undefined;
    return [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node.metadata.uid ?? '' }];
  }
}
