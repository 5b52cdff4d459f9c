/**
 * serviceEndpoints is what the endpoints and EndpointSlice controllers share
 * (pkg/controller/util/endpoint): which pods back a Service, whether each is
 * ready, and the ports a Service port's targetPort resolves to on each pod.
 */
import type { KubeObject, Pod } from '../api/types';
import type { Informer } from '../client/informer';
import type { WorkQueue } from '../client/workQueue';

type Rec = Record<string, unknown>;

/** ServicePort is the part of a Service port the controllers read. */
interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

/** EndpointPort is a resolved port, as both Endpoints and EndpointSlices carry it. */
export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** Backend is one pod behind a Service with the ports it serves. */
export interface Backend {
  pod: Pod;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  ports: EndpointPort[];
}

/** selectorOf is a Service's label selector map, undefined when it has none (the controllers leave such Services alone). */
export function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const spec = (svc.spec ?? {}) as Rec;
  if (spec.type === 'ExternalName') return undefined;
  const sel = spec.selector as Record<string, string> | undefined;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

export function selects(selector: Record<string, string>, pod: Pod): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** isPodReady is podutil.IsPodReady. */
function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** findPort is podutil.FindPort: a number is itself, a name is the container port of that name and protocol. */
function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

/**
 * backends are the pods svc selects that have an IP and are not finished, with
 * their resolved ports (a pod that cannot serve a named port is left out of it).
 */
export function backends(svc: KubeObject, pods: readonly Pod[]): Backend[] {
  const selector = selectorOf(svc);
  if (!selector) return [];
  const spec = (svc.spec ?? {}) as Rec;
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const out: Backend[] = [];
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace || !selects(selector, pod)) continue;
    const ip = pod.status?.podIP;
    if (!ip || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const ports: EndpointPort[] = [];
    for (const p of (spec.ports ?? []) as ServicePort[]) {
      const port = findPort(pod, p);
      if (port === undefined) continue;
      ports.push({ name: p.name ?? '', port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
    }
    const terminating = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
    const serving = isPodReady(pod);
    out.push({ pod, ip, ready: publishNotReady || (serving && !terminating), serving: publishNotReady || serving, terminating, ports });
  }
  return out.sort((a, b) => a.ip.localeCompare(b.ip));
}

/** portsKey groups backends by the ports they serve, as the subsets and slices do. */
export function portsKey(ports: readonly EndpointPort[]): string {
  return JSON.stringify([...ports].sort((a, b) => a.name.localeCompare(b.name) || a.port - b.port));
}

/** watchServicesAndPods queues a Service on its own changes and on changes of the pods it selects (before or after). */
export function watchServicesAndPods(services: Informer<KubeObject>, pods: Informer<Pod>, queue: WorkQueue): void {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  services.addEventHandler({ onAdd: (s) => queue.add(key(s)), onUpdate: (_, s) => queue.add(key(s)), onDelete: (s) => queue.add(key(s)) });
  const podChanged = (...versions: Pod[]) => {
    for (const svc of services.list()) {
      const selector = selectorOf(svc);
      if (selector && versions.some((p) => p.metadata.namespace === svc.metadata.namespace && selects(selector, p))) queue.add(key(svc));
    }
  };
  pods.addEventHandler({ onAdd: (p) => podChanged(p), onUpdate: (old, p) => podChanged(old, p), onDelete: (p) => podChanged(p) });
}
