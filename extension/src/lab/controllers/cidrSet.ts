/**
 * CidrSet is the node IPAM's pool of node ranges, as upstream's
 * pkg/controller/nodeipam/ipam/cidrset (IPv4): the cluster CIDR cut into
 * blocks of the node mask size, a bitmap of the used ones, and a next candidate
 * that moves round the ring, so a released block is handed out again only once
 * the others have been.
 */
import { ipNumber, ipString } from '../network/networkModel';

/** CIDR_EXHAUSTED is ErrCIDRRangeNoCIDRsRemaining's text. */
export const CIDR_EXHAUSTED = 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range';

/** ParsedCIDR is an IPv4 network: its base address as a number and its prefix length. */
export interface ParsedCIDR {
  base: number;
  bits: number;
}

/** parseCIDR reads `a.b.c.d/n` (the address masked to the network, as net.ParseCIDR's IPNet), or undefined when it is not one. */
export function parseCIDR(cidr: string): ParsedCIDR | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return { base: Math.floor(ipNumber(octets.join('.')) / size) * size, bits };
}

/** formatCIDR prints a network. */
export function formatCIDR(c: ParsedCIDR): string {
  return `${ipString(c.base)}/${c.bits}`;
}

export class CidrSet {
  private readonly cluster: ParsedCIDR;
  private readonly maxCIDRs: number;
  private readonly used: Uint8Array;
  private allocated = 0;
  private nextCandidate = 0;

  /** The node mask must be at least the cluster's (NewCIDRSet's callers ensure it); the lab's configurations satisfy it. */
  constructor(clusterCIDR: string, private readonly nodeMaskSize: number) {
    const cluster = parseCIDR(clusterCIDR);
    if (!cluster || nodeMaskSize < cluster.bits || nodeMaskSize > 32) throw new Error(`invalid cluster CIDR ${clusterCIDR} for node mask size ${nodeMaskSize}`);
    this.cluster = cluster;
    this.maxCIDRs = 2 ** (nodeMaskSize - cluster.bits);
    this.used = new Uint8Array(this.maxCIDRs);
  }

  /** allocateNext takes the next free block from the candidate on, or says the range is exhausted. */
  allocateNext(): string | { error: string } {
    if (this.allocated === this.maxCIDRs) return { error: CIDR_EXHAUSTED };
    let candidate = this.nextCandidate;
    for (let i = 0; i < this.maxCIDRs && this.used[candidate]; i++) candidate = (candidate + 1) % this.maxCIDRs;
    this.nextCandidate = (candidate + 1) % this.maxCIDRs;
    this.used[candidate] = 1;
    this.allocated++;
    return formatCIDR({ base: this.cluster.base + candidate * 2 ** (32 - this.nodeMaskSize), bits: this.nodeMaskSize });
  }

  /** occupy marks every block cidr covers as used (a node's own range, or the service range); it may have been used already. */
  occupy(cidr: string): string | undefined {
    const range = this.indices(cidr);
    if ('error' in range) return range.error;
    for (let i = range.begin; i <= range.end; i++) {
      if (this.used[i]) continue;
      this.used[i] = 1;
      this.allocated++;
    }
    return undefined;
  }

  /** release frees every block cidr covers. */
  release(cidr: string): string | undefined {
    const range = this.indices(cidr);
    if ('error' in range) return range.error;
    for (let i = range.begin; i <= range.end; i++) {
      if (!this.used[i]) continue;
      this.used[i] = 0;
      this.allocated--;
    }
    return undefined;
  }

  /** usage is the share of blocks in use (cidrset_usage_cidrs). */
  get usage(): number {
    return this.allocated / this.maxCIDRs;
  }

  /** indices are the first and last block cidr overlaps (getBeginningAndEndIndices), or why it is out of range. */
  private indices(cidr: string): { begin: number; end: number } | { error: string } {
    const c = parseCIDR(cidr);
    if (!c) return { error: `invalid CIDR address: ${cidr}` };
    const clusterSize = 2 ** (32 - this.cluster.bits);
    const cSize = 2 ** (32 - c.bits);
    const overlaps = Math.floor(c.base / clusterSize) * clusterSize === this.cluster.base || Math.floor(this.cluster.base / cSize) * cSize === c.base;
    if (!overlaps) return { error: `cidr ${formatCIDR(c)} is out the range of cluster cidr ${formatCIDR(this.cluster)}` };
    const block = 2 ** (32 - this.nodeMaskSize);
    if (c.bits <= this.cluster.bits) return { begin: 0, end: this.maxCIDRs - 1 };
    const first = Math.floor((c.base - this.cluster.base) / block);
    const last = Math.floor((c.base + cSize - 1 - this.cluster.base) / block);
    return { begin: first, end: Math.min(last, this.maxCIDRs - 1) };
  }
}
