/**
 * containerEnv is the kubelet's makeEnvironmentVariables: a container's
 * environment from its spec's env and envFrom (values, downward-API fieldRefs,
 * ConfigMap and Secret keys), `$(VAR)` references expanded as
 * third_party/forked/golang/expansion does, and the service links — the
 * `{SVC}_SERVICE_HOST`-style variables of every Service in the pod's namespace
 * (when enableServiceLinks) and of the `kubernetes` Service in `default`
 * (pkg/kubelet/envvars).
 */
import type { Container, KubeObject, Pod } from '../api/types';

/** ServiceLike is the part of a Service the environment is made from. */
export interface ServiceLike extends KubeObject {
  spec?: { clusterIP?: string; type?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

/** ObjectSource reads the ConfigMaps and Secrets env refers to; undefined when missing. */
export type ObjectSource = (resource: 'configmaps' | 'secrets', namespace: string, name: string) => Promise<{ data?: Record<string, string> } | undefined>;

interface EnvVarSource {
  fieldRef?: { fieldPath: string };
  resourceFieldRef?: { resource: string; divisor?: string };
  configMapKeyRef?: { name?: string; key: string; optional?: boolean };
  secretKeyRef?: { name?: string; key: string; optional?: boolean };
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}

interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

/** MASTER_SERVICE_NAMESPACE is where the `kubernetes` Service lives (--master-service-namespace). */
const MASTER_SERVICE_NAMESPACE = 'default';

/**
 * containerEnvironment is the container's environment in the kubelet's order,
 * or the error the kubelet reports as CreateContainerConfigError.
 */
export async function containerEnvironment(pod: Pod, container: Container, services: ServiceLike[], read: ObjectSource): Promise<[string, string][] | { error: string }> {
  const namespace = pod.metadata.namespace ?? 'default';
  const spec = pod.spec as Pod['spec'] & { enableServiceLinks?: boolean };
  const serviceEnv = serviceEnvironment(namespace, spec.enableServiceLinks !== false, services);
  const env = new Map<string, string>();
  const mapping = (name: string): string | undefined => env.get(name) ?? serviceEnv.get(name);
  for (const from of (container.envFrom ?? []) as EnvFromSource[]) {
    const ref = from.configMapRef ?? from.secretRef;
    const resource = from.configMapRef ? 'configmaps' : 'secrets';
    if (!ref) continue;
    const obj = await read(resource, namespace, ref.name ?? '');
    if (!obj) {
      if (ref.optional) continue;
      return { error: `${resource === 'configmaps' ? 'configmap' : 'secret'} "${ref.name ?? ''}" not found` };
    }
    for (const [k, v] of Object.entries(obj.data ?? {})) env.set(`${from.prefix ?? ''}${k}`, resource === 'secrets' ? Buffer.from(v, 'base64').toString() : v);
  }
  for (const e of (container.env ?? []) as EnvVar[]) {
    if (e.valueFrom) {
      const v = await fromSource(pod, container, e.valueFrom, read);
      if (typeof v === 'object') return v;
      if (v !== undefined) env.set(e.name, v);
    } else {
      env.set(e.name, expand(e.value ?? '', mapping));
    }
  }
  for (const [k, v] of serviceEnv) if (!env.has(k)) env.set(k, v);
  return [...env];
}

async function fromSource(pod: Pod, container: Container, source: EnvVarSource, read: ObjectSource): Promise<string | undefined | { error: string }> {
  if (source.fieldRef) return fieldValue(pod, source.fieldRef.fieldPath);
  if (source.resourceFieldRef) {
    const resources = container.resources ?? {};
    const [kind, name] = source.resourceFieldRef.resource.split('.');
    return (kind === 'limits' ? resources.limits : resources.requests)?.[name] ?? '';
  }
  const ref = source.configMapKeyRef ?? source.secretKeyRef;
  if (!ref) return undefined;
  const resource = source.configMapKeyRef ? 'configmaps' : 'secrets';
  const kind = resource === 'configmaps' ? 'configmap' : 'secret';
  const obj = await read(resource, pod.metadata.namespace ?? 'default', ref.name ?? '');
  if (!obj) return ref.optional ? undefined : { error: `${kind} "${ref.name ?? ''}" not found` };
  const value = obj.data?.[ref.key];
  if (value === undefined) return ref.optional ? undefined : { error: `couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${pod.metadata.namespace ?? 'default'}/${ref.name ?? ''}` };
  return resource === 'secrets' ? Buffer.from(value, 'base64').toString() : value;
}

/** fieldValue is the downward API's value of a pod field (podFieldSelectorRuntimeValue). */
function fieldValue(pod: Pod, path: string): string {
  const spec = pod.spec as Pod['spec'] & { serviceAccountName?: string };
  const status = pod.status;
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[label[2]] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'spec.nodeName': return spec.nodeName ?? '';
    case 'spec.serviceAccountName': return spec.serviceAccountName ?? '';
    case 'status.podIP': return status?.podIP ?? '';
    case 'status.podIPs': return (status?.podIPs ?? []).map((p) => p.ip).join(',');
    case 'status.hostIP': return status?.hostIP ?? '';
    case 'status.hostIPs': return (status?.hostIPs ?? []).map((p) => p.ip).join(',');
    case 'metadata.labels': return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
    case 'metadata.annotations': return Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
  }
  return '';
}

/**
 * serviceEnvironment is getServiceEnvVarMap then envvars.FromServices: the
 * services with a cluster IP in the pod's namespace (with service links on)
 * and the master `kubernetes` service, each as Docker-link style variables.
 */
export function serviceEnvironment(namespace: string, serviceLinks: boolean, services: ServiceLike[]): Map<string, string> {
  const chosen = new Map<string, ServiceLike>();
  for (const s of services) {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === 'None' || !s.spec?.ports?.length) continue;
    const name = s.metadata.name ?? '';
    const ns = s.metadata.namespace ?? '';
    if (ns === MASTER_SERVICE_NAMESPACE && name === 'kubernetes') {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (ns === namespace && serviceLinks) {
      chosen.set(name, s);
    }
  }
  const env = new Map<string, string>();
  for (const s of [...chosen.values()].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))) {
    const ip = s.spec?.clusterIP ?? '';
    const ports = s.spec?.ports ?? [];
    const prefix = (s.metadata.name ?? '').toUpperCase().replace(/-/g, '_');
    env.set(`${prefix}_SERVICE_HOST`, ip);
    env.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
    for (const p of ports) if (p.name) env.set(`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port));
    ports.forEach((p, i) => {
      const protocol = p.protocol ?? 'TCP';
      const hostPort = ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`;
      if (i === 0) env.set(`${prefix}_PORT`, `${protocol.toLowerCase()}://${hostPort}`);
      const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
      env.set(portPrefix, `${protocol.toLowerCase()}://${hostPort}`);
      env.set(`${portPrefix}_PROTO`, protocol.toLowerCase());
      env.set(`${portPrefix}_PORT`, String(p.port));
      env.set(`${portPrefix}_ADDR`, ip);
    });
  }
  return env;
}

/**
 * expand is expansion.Expand: `$(VAR)` becomes the variable's value when it is
 * defined, `$$` is a literal `$`, and anything else stays as written.
 */
export function expand(input: string, mapping: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i === input.length - 1) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      const value = mapping(name);
      out += value ?? `$(${name})`;
      i = end;
    } else {
      out += '$';
    }
  }
  return out;
}
