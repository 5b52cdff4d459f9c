/**
 * podResources is what the scheduler counts for a pod: its resource requests as
 * component-helpers' resource.PodRequests computes them (app containers summed,
 * init containers as a floor, sidecars — restartable init containers — added to
 * both, pod overhead on top), and the host ports it claims (schedutil.GetHostPorts).
 */
import { milliValue, value } from '../api/quantity';
import type { Container, ContainerPort, Pod, ResourceList } from '../api/types';

/** DEFAULT_MILLI_CPU_REQUEST and DEFAULT_MEMORY_REQUEST are what scoring counts for a container requesting nothing (schedutil). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Resource is framework.Resource: CPU in millicores, everything else in whole units, extended resources by name. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Record<string, number>;
}

/** emptyResource is a Resource of zeros. */
export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** isScalarResourceName is IsScalarResourceName: extended (`example.com/gpu`), hugepages-*, prefixed native and attachable-volumes-* resources. */
export function isScalarResourceName(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('attachable-volumes-') || (name.includes('/') && !name.startsWith('requests.'));
}

/** isExtendedResourceName is IsExtendedResourceName: a domain-qualified name outside kubernetes.io. */
export function isExtendedResourceName(name: string): boolean {
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
}

/** Requests maps resource names to amounts: `cpu` in millicores, the rest in whole units. */
export type Requests = Record<string, number>;

function amount(name: string, q: string): number {
  return name === 'cpu' ? milliValue(q) : value(q);
}

/** toRequests reads a ResourceList (allocatable, overhead) as Requests. */
export function toRequests(list: ResourceList | undefined): Requests {
  const out: Requests = {};
  for (const [name, q] of Object.entries(list ?? {})) out[name] = amount(name, q);
  return out;
}

/** containerRequests are a container's requests; a limit without a request counts as the request, as defaulting makes it. */
function containerRequests(c: Container, nonMissing: boolean): Requests {
  const out = toRequests({ ...c.resources?.limits, ...c.resources?.requests });
  if (nonMissing) {
    out.cpu ??= DEFAULT_MILLI_CPU_REQUEST;
    out.memory ??= DEFAULT_MEMORY_REQUEST;
  }
  return out;
}

function add(into: Requests, more: Requests): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

function max(into: Requests, other: Requests): void {
  for (const [k, v] of Object.entries(other)) into[k] = Math.max(into[k] ?? 0, v);
}

/** isRestartableInitContainer tells a sidecar: an init container with restartPolicy Always. */
export function isRestartableInitContainer(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * podResourceRequests is resource.PodRequests. With nonMissing, a container that
 * requests no CPU or memory counts as 100m / 200 MiB (NonMissingContainerRequests),
 * which is what scoring and NodeInfo.NonZeroRequested use.
 */
export function podResourceRequests(pod: Pod, nonMissing = false): Requests {
  const reqs: Requests = {};
  for (const c of pod.spec?.containers ?? []) add(reqs, containerRequests(c, nonMissing));
  // While the i-th init container runs, the sidecars started before it run too.
  const sidecars: Requests = {};
  const initFloor: Requests = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonMissing);
    if (isRestartableInitContainer(c)) {
      add(reqs, r);
      add(sidecars, r);
      max(initFloor, sidecars);
    } else {
      const running = { ...r };
      add(running, sidecars);
      max(initFloor, running);
    }
  }
  max(reqs, initFloor);
  add(reqs, toRequests(pod.spec?.overhead));
  return reqs;
}

/** toResource folds Requests into a Resource, keeping only the scalar names framework.Resource keeps. */
export function toResource(reqs: Requests): Resource {
  const r = emptyResource();
  for (const [name, v] of Object.entries(reqs)) {
    if (name === 'cpu') r.milliCPU = v;
    else if (name === 'memory') r.memory = v;
    else if (name === 'ephemeral-storage') r.ephemeralStorage = v;
    else if (isScalarResourceName(name)) r.scalar[name] = v;
  }
  return r;
}

/** addResource adds sign × more into r. */
export function addResource(r: Resource, more: Resource, sign: 1 | -1 = 1): void {
  r.milliCPU += sign * more.milliCPU;
  r.memory += sign * more.memory;
  r.ephemeralStorage += sign * more.ephemeralStorage;
  for (const [k, v] of Object.entries(more.scalar)) r.scalar[k] = (r.scalar[k] ?? 0) + sign * v;
}

/** HostPort is one host port a pod claims, with upstream's defaults: any address (0.0.0.0) and TCP. */
export interface HostPort {
  hostIP: string;
  protocol: string;
  hostPort: number;
}

/** DEFAULT_BIND_ALL_HOST_IP is the address that conflicts with every other. */
export const DEFAULT_BIND_ALL_HOST_IP = '0.0.0.0';

function sanitize(p: ContainerPort): HostPort {
  return { hostIP: p.hostIP || DEFAULT_BIND_ALL_HOST_IP, protocol: p.protocol || 'TCP', hostPort: p.hostPort ?? 0 };
}

/** hostPorts is schedutil.GetHostPorts: the ports with a hostPort of the app containers and sidecars. */
export function hostPorts(pod: Pod): HostPort[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter(isRestartableInitContainer)];
  return containers.flatMap((c) => (c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0).map(sanitize));
}

/** HostPortInfo is framework.HostPortInfo: the host ports in use on a node, by address. */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  /** clone copies the ports, so a NodeInfo can replace its set rather than change one a reader holds. */
  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, ports] of this.byIP) c.byIP.set(ip, new Map(ports));
    return c;
  }

  add(p: HostPort, sign: 1 | -1 = 1): void {
    if (p.hostPort <= 0) return;
    const key = `${p.protocol}/${p.hostPort}`;
    const ports = this.byIP.get(p.hostIP) ?? new Map<string, number>();
    const n = (ports.get(key) ?? 0) + sign;
    if (n > 0) ports.set(key, n);
    else ports.delete(key);
    if (ports.size) this.byIP.set(p.hostIP, ports);
    else this.byIP.delete(p.hostIP);
  }

  /** conflicts is CheckConflict: 0.0.0.0 conflicts with the port on any address, any other address with itself and 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    if (p.hostPort <= 0) return false;
    const key = `${p.protocol}/${p.hostPort}`;
    if (p.hostIP === DEFAULT_BIND_ALL_HOST_IP) return [...this.byIP.values()].some((ports) => ports.has(key));
    return [DEFAULT_BIND_ALL_HOST_IP, p.hostIP].some((ip) => this.byIP.get(ip)?.has(key) ?? false);
  }

  get size(): number {
    return [...this.byIP.values()].reduce((n, ports) => n + ports.size, 0);
  }
}
