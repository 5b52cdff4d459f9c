/**
 * serviceAlloc is the Service storage's allocator (pkg/registry/core/service/storage/alloc.go
 * with ipallocator and portallocator): cluster IPs from the service CIDR and node
 * ports from the node-port range, drawn at random from the upper band first as the
 * bitmap allocators do. What is taken is read from the stored Services, so a
 * restarted API server rebuilds it and a deleted Service frees its values; values
 * held by writes still in flight are reserved until they finish. Dry runs pick
 * values without reserving them.
 */
import type { KubeObject } from '../../api/types';
import type { Random } from '../../random';
import { type FieldError, OMIT_VALUE, invalidValue } from '../fieldErrors';
import type { ObjectStorage } from '../storage';
import type { AllocationContext } from '../strategy';

type Rec = Record<string, unknown>;

/** SERVICE_CIDR is kube-apiserver's default --service-cluster-ip-range. */
export const SERVICE_CIDR = '10.96.0.0/12';
/** NODE_PORT_RANGE is kube-apiserver's default --service-node-port-range. */
export const NODE_PORT_RANGE = { base: 30000, size: 2768 };

const CIDR_BASE = ipToNumber('10.96.0.0');
const CIDR_BITS = 12;
/** The range leaves out the network and broadcast addresses. */
const IP_MAX = 2 ** (32 - CIDR_BITS) - 2;
/** The static band (calculateRangeOffset): dynamic allocations try above it first. */
const IP_OFFSET = Math.min(Math.max(16, 2 ** (32 - CIDR_BITS) / 16), 256);
const PORT_OFFSET = Math.min(Math.max(16, Math.floor(NODE_PORT_RANGE.size / 32)), 128);


/** Reserved are the values writes in flight hold, per storage (one per API server). */
interface Reserved {
  ips: Map<string, number>;
  ports: Map<number, number>;
}
const inFlight = new WeakMap<ObjectStorage, Reserved>();

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return NaN;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function numberToIP(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const strs = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
const recs = (x: unknown): Rec[] => (Array.isArray(x) ? x.filter((p): p is Rec => typeof p === 'object' && p !== null) : []);

/** needsClusterIP: every type but ExternalName, unless headless. */
function needsClusterIP(spec: Rec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

/** needsNodePorts: NodePort, and LoadBalancer unless allocateLoadBalancerNodePorts is false. */
function needsNodePorts(spec: Rec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** needsHealthCheckNodePort: a LoadBalancer that keeps traffic on the node (ExternalPolicyLocal). */
function needsHealthCheckNodePort(spec: Rec): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** ipsOf and portsOf are the values a stored Service holds. */
function ipsOf(spec: Rec): string[] {
  return needsClusterIP(spec) ? strs(spec.clusterIPs).filter((ip) => ip !== 'None') : [];
}
function portsOf(spec: Rec): number[] {
  const ports = recs(spec.ports).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0);
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0) ports.push(spec.healthCheckNodePort);
  return ports;
}

/**
 * allocateService fills in svc's cluster IPs and node ports, checking requested
 * ones against the range and the other Services (old is the stored object of an
 * update, whose values stay its own). It answers the field errors, or a release
 * to call once the write is done.
 */
export async function allocateService(svc: KubeObject, old: KubeObject | undefined, ctx: AllocationContext): Promise<FieldError[] | (() => void)> {
  const spec = (svc.spec ?? {}) as Rec;
  const prev = (old?.spec ?? {}) as Rec;
  const self = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
  const reserved = inFlight.get(ctx.storage) ?? { ips: new Map<string, number>(), ports: new Map<number, number>() };
  inFlight.set(ctx.storage, reserved);
  const usedIPs = new Set<string>(reserved.ips.keys());
  const usedPorts = new Set<number>(reserved.ports.keys());
  for (const other of (await ctx.storage.list('', { labels: [], fields: [] }, 0)).items) {
    if (`${other.metadata.namespace ?? ''}/${other.metadata.name ?? ''}` === self) continue;
    const s = (other.spec ?? {}) as Rec;
    for (const ip of ipsOf(s)) usedIPs.add(ip);
    for (const p of portsOf(s)) usedPorts.add(p);
  }
  const ownIPs = new Set(ipsOf(prev));
  const ownPorts = new Set(portsOf(prev));
  const takenIPs: string[] = [];
  const takenPorts: number[] = [];

  if (needsClusterIP(spec)) {
    const requested = strs(spec.clusterIPs);
    if (requested.length === 0) {
      const ip = pick(IP_MAX, IP_OFFSET, ctx.random, (offset) => !usedIPs.has(numberToIP(CIDR_BASE + 1 + offset)));
      if (ip === undefined) return [invalidIPs([], 'failed to allocate a serviceIP: range is full')];
      const chosen = numberToIP(CIDR_BASE + 1 + ip);
      spec.clusterIPs = [chosen];
      spec.clusterIP = chosen;
      takenIPs.push(chosen);
    } else {
      for (const ip of requested) {
        if (ownIPs.has(ip)) continue;
        const reason = ipProblem(ip, usedIPs);
        if (reason) return [invalidIPs(requested, `failed to allocate IP ${ip}: ${reason}`)];
        takenIPs.push(ip);
      }
    }
  }

  const errors: FieldError[] = [];
  const portsNow = new Set<number>();
  const claim = (field: string, requested: unknown): number | undefined => {
    if (typeof requested === 'number' && requested > 0) {
      if (!ownPorts.has(requested) && !portsNow.has(requested)) {
        const reason = portProblem(requested, usedPorts);
        if (reason) {
          errors.push(invalidValue(field, requested, reason));
          return undefined;
        }
        takenPorts.push(requested);
      }
      portsNow.add(requested);
      return requested;
    }
    const offset = pick(NODE_PORT_RANGE.size, PORT_OFFSET, ctx.random, (o) => {
      const p = NODE_PORT_RANGE.base + o;
      return !usedPorts.has(p) && !portsNow.has(p) && !ownPorts.has(p);
    });
    if (offset === undefined) {
      errors.push(invalidValue(field, requested ?? 0, 'range is full'));
      return undefined;
    }
    const port = NODE_PORT_RANGE.base + offset;
    takenPorts.push(port);
    portsNow.add(port);
    return port;
  };
  if (needsNodePorts(spec)) {
    recs(spec.ports).forEach((p, i) => {
      // A port the update kept without its node port gets the old one back (patchAllocatedValues did that already for matching ports).
      const port = claim(`spec.ports[${i}].nodePort`, p.nodePort);
      if (port !== undefined) p.nodePort = port;
    });
  }
  if (needsHealthCheckNodePort(spec)) {
    const port = claim('spec.healthCheckNodePort', spec.healthCheckNodePort);
    if (port !== undefined) spec.healthCheckNodePort = port;
  }
  if (errors.length) return errors;

  if (ctx.dryRun) return () => undefined;
  for (const ip of takenIPs) reserved.ips.set(ip, (reserved.ips.get(ip) ?? 0) + 1);
  for (const p of takenPorts) reserved.ports.set(p, (reserved.ports.get(p) ?? 0) + 1);
  return () => {
    for (const ip of takenIPs) release(reserved.ips, ip);
    for (const p of takenPorts) release(reserved.ports, p);
  };
}

/** invalidIPs is the allocator's error on spec.clusterIPs, which Go prints as a []string. */
function invalidIPs(ips: string[], detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: OMIT_VALUE, detail: `[]string{${ips.map((ip) => JSON.stringify(ip)).join(', ')}}: ${detail}` };
}

function release<K>(m: Map<K, number>, k: K): void {
  const n = (m.get(k) ?? 0) - 1;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}

/** ipProblem is the ipallocator's answer for a requested IP: out of range or taken. */
function ipProblem(ip: string, used: ReadonlySet<string>): string | undefined {
  const n = ipToNumber(ip);
  const offset = n - CIDR_BASE - 1;
  if (Number.isNaN(n) || offset < 0 || offset >= IP_MAX) return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`;
  if (used.has(ip)) return 'provided IP is already allocated';
  return undefined;
}

/** portProblem is the portallocator's answer for a requested node port. */
function portProblem(port: number, used: ReadonlySet<number>): string | undefined {
  const { base, size } = NODE_PORT_RANGE;
  if (port < base || port >= base + size) return `provided port is not in the valid range. The range of valid ports is ${base}-${base + size - 1}`;
  if (used.has(port)) return 'provided port is already allocated';
  return undefined;
}

/**
 * pick is the bitmap allocator's AllocateNext: a random start in the upper band,
 * scanning up and wrapping within it, then the same in the lower (static) band.
 */
function pick(max: number, offset: number, random: Random, free: (i: number) => boolean): number | undefined {
  const bands: [number, number][] = offset > 0 && offset < max ? [[offset, max], [0, offset]] : [[0, max]];
  for (const [lo, hi] of bands) {
    const span = hi - lo;
    const start = random.int(span);
    for (let i = 0; i < span; i++) {
      const candidate = lo + ((start + i) % span);
      if (free(candidate)) return candidate;
    }
  }
  return undefined;
}
