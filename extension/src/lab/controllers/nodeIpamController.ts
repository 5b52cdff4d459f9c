/**
 * NodeIpamController is kube-controller-manager's node IPAM controller with the
 * range allocator (pkg/controller/nodeipam, ipam/range_allocator.go), run when
 * --allocate-node-cidrs is set: it cuts --cluster-cidr into blocks of
 * --node-cidr-mask-size, gives each Node without one a block in spec.podCIDR and
 * spec.podCIDRs, takes back a deleted Node's block, and, when none is left,
 * records `CIDRNotAvailable` on the Node and tries again later. Blocks already
 * on Nodes when it starts are marked used first, so a restarted controller
 * hands out nothing twice; the service range is never handed out.
 */
import type { Clock } from '../clock';
import type { Node } from '../api/types';
import { isStatus } from '../api/types';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { CidrSet } from './cidrSet';
import { recordNodeStatusChange } from './nodeLifecycleEvents';

/** cidrUpdateRetries is how many times the allocator patches a Node before giving its block back. */
const CIDR_UPDATE_RETRIES = 3;

/** NodeIpamOptions are the controller manager's IPAM flags. */
export interface NodeIpamOptions {
  /** clusterCIDR is --cluster-cidr. */
  clusterCIDR: string;
  /** nodeCIDRMaskSize is --node-cidr-mask-size (24 for IPv4 by default). */
  nodeCIDRMaskSize?: number;
  /** serviceCIDR is --service-cluster-ip-range, kept out of the nodes' blocks where it overlaps the cluster CIDR. */
  serviceCIDR?: string;
}

/** podCIDRsOf are a Node's pod ranges: spec.podCIDRs, else spec.podCIDR. */
function podCIDRsOf(node: Node): string[] {
  const spec = node.spec as { podCIDR?: string; podCIDRs?: string[] } | undefined;
  return spec?.podCIDRs?.length ? spec.podCIDRs : spec?.podCIDR ? [spec.podCIDR] : [];
}

/** byCreation orders nodes as they joined: creation time, then name with its numbers read as numbers (node-2 before node-10). */
function byCreation(a: Node, b: Node): number {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '', 'en', { numeric: true });
}

export class NodeIpamController {
  private readonly nodes: Informer<Node>;
  private readonly queue: WorkQueue;
  private readonly cidrs: CidrSet;
  private readonly recorder: EventRecorder;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory, options: NodeIpamOptions) {
    this.nodes = factory.informer<Node>(NODES);
    this.queue = new WorkQueue(clock);
    this.cidrs = new CidrSet(options.clusterCIDR, options.nodeCIDRMaskSize ?? 24);
    if (options.serviceCIDR) this.cidrs.occupy(options.serviceCIDR);
    this.recorder = new EventRecorder(client, clock, { component: 'cidrAllocator' });
  }

  /**
   * run marks the listed Nodes' blocks used, queues the Nodes without one in the
   * order they joined, then follows changes with one worker, so blocks go out
   * in that order.
   */
  run(): void {
    const listed = this.nodes.list();
    for (const node of listed) this.occupy(node);
    for (const node of listed.filter((n) => podCIDRsOf(n).length === 0).sort(byCreation)) this.queue.add(node.metadata.name ?? '');
    this.nodes.addEventHandler({
      onAdd: (node) => this.queue.add(node.metadata.name ?? ''),
      onUpdate: (_, node) => {
        if (podCIDRsOf(node).length === 0) this.queue.add(node.metadata.name ?? '');
      },
      onDelete: (node) => this.release(node),
    });
    this.queue.run((name) => this.sync(name), 1);
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** usage is the share of the cluster CIDR's blocks in use. */
  get usage(): number {
    return this.cidrs.usage;
  }

  private async sync(name: string): Promise<void> {
    if (await this.syncNode(name)) this.queue.forget(name);
    else this.queue.addRateLimited(name);
  }

  /** syncNode is AllocateOrOccupyCIDR for the Node of name; false means try again later. */
  private async syncNode(name: string): Promise<boolean> {
    const node = this.nodes.get(name);
    if (!node) return true;
    if (node.metadata.deletionTimestamp) {
      this.release(node);
      return true;
    }
    if (podCIDRsOf(node).length > 0) {
      this.occupy(node);
      return true;
    }
    const cidr = this.cidrs.allocateNext();
    if (typeof cidr !== 'string') {
      await recordNodeStatusChange(this.recorder, node, 'CIDRNotAvailable', 'Warning');
      return false;
    }
    return this.updateCIDRsAllocation(name, cidr);
  }

  /** updateCIDRsAllocation patches the block onto the Node, unless it has one by now; a block that could not be set goes back. */
  private async updateCIDRsAllocation(name: string, cidr: string): Promise<boolean> {
    const node = this.nodes.get(name);
    if (!node) {
      this.cidrs.release(cidr);
      return true;
    }
    const current = podCIDRsOf(node);
    if (current.length > 0) {
      if (current[0] !== cidr) this.cidrs.release(cidr);
      return true;
    }
    for (let i = 0; i < CIDR_UPDATE_RETRIES; i++) {
      // PatchNodeCIDRs: a strategic merge patch of the spec's two fields.
      const patched = await this.client.patch<Node>(NODES, '', name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'application/strategic-merge-patch+json');
      if (!isStatus(patched)) return true;
      if (patched.code === 404) {
        this.cidrs.release(cidr);
        return true;
      }
    }
    await recordNodeStatusChange(this.recorder, node, 'CIDRAssignmentFailed', 'Warning');
    this.cidrs.release(cidr);
    return false;
  }

  /** occupy marks a Node's blocks used; blocks outside the cluster CIDR (a Node from another configuration) are left alone. */
  private occupy(node: Node): void {
    for (const cidr of podCIDRsOf(node)) this.cidrs.occupy(cidr);
  }

  /** release gives a deleted Node's blocks back. */
  private release(node: Node): void {
    for (const cidr of podCIDRsOf(node)) this.cidrs.release(cidr);
  }
}
