/**
 * containers prints describeContainers: for each container its image, ports,
 * command, state (for a pod), resources, probes, environment and mounts, in
 * the order and wording of kubectl's describe.go.
 */
import type { Obj } from '../apiserver/printers/fields';
import { arr, bool, get, has, num, optStr, rec, str } from '../apiserver/printers/fields';
import { goStringLess, quantityString } from '../apiserver/printers/format';
import { quantityMilliValue, quantityValue, toQuantity } from '../api/quantity';
import { goSort } from './goSort';
import { items, printBool, stringOrNone } from './multiline';
import type { PrefixWriter } from './prefixWriter';
import { rfc1123z, type ZoneOffset } from './timeFormat';

/** EnvResolver gives a fieldRef env var's value (pods only; templates have none). */
export type EnvResolver = (env: Obj) => string;

/** intOrString is IntOrString.String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '0';
}

/** describeContainers prints a container list under label, indented by space for pod templates. */
export function describeContainers(label: string, containers: Obj[], statuses: Obj[] | undefined, resolver: EnvResolver | undefined, w: PrefixWriter, space: string, zone: ZoneOffset): void {
  const byName = new Map((statuses ?? []).map((s) => [str(s, 'name'), s]));
  w.write(0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const c of containers) {
    const status = byName.get(str(c, 'name'));
    describeContainerBasicInfo(c, status, space, w);
    describeContainerCommand(c, w);
    if (status) describeContainerState(status, w, zone);
    describeResources(rec(c, 'resources'), w, 2);
    describeContainerProbes(c, w);
    if (arr(c, 'envFrom').length > 0) describeContainerEnvFrom(c, w);
    describeContainerEnvVars(c, resolver, w);
    describeContainerVolumes(c, w);
  }
}

function portList(ports: Obj[], field: 'containerPort' | 'hostPort'): string {
  return ports.map((p) => `${num(p, field)}/${str(p, 'protocol')}`).join(', ');
}

function describeContainerBasicInfo(c: Obj, status: Obj | undefined, space: string, w: PrefixWriter): void {
  w.write(1, `${space ? ' ' : ''}${str(c, 'name')}:\n`);
  if (status) w.write(2, `Container ID:\t${str(status, 'containerID')}\n`);
  w.write(2, `Image:\t${str(c, 'image')}\n`);
  if (status) w.write(2, `Image ID:\t${str(status, 'imageID')}\n`);
  const ports = items(c, 'ports');
  const portString = portList(ports, 'containerPort');
  w.write(2, portString.includes(',') ? `Ports:\t${portString}\n` : `Port:\t${stringOrNone(portString)}\n`);
  const hostPortString = portList(ports, 'hostPort');
  w.write(2, hostPortString.includes(',') ? `Host Ports:\t${hostPortString}\n` : `Host Port:\t${stringOrNone(hostPortString)}\n`);
  const seccomp = get(c, 'securityContext', 'seccompProfile');
  if (has(seccomp)) {
    w.write(2, `SeccompProfile:\t${str(seccomp, 'type')}\n`);
    if (str(seccomp, 'type') === 'Localhost') w.write(3, `LocalhostProfile:\t${str(seccomp, 'localhostProfile')}\n`);
  }
}

function describeContainerCommand(c: Obj, w: PrefixWriter): void {
  for (const [field, title] of [['command', 'Command'], ['args', 'Args']] as const) {
    const list = arr(c, field).map(String);
    if (list.length === 0) continue;
    w.write(2, `${title}:\n`);
    for (const part of list) for (const line of part.split('\n')) w.write(3, `${line}\n`);
  }
}

/** sortedResourceNames is SortedResourceNames: a resource list's names in byte order. */
export function sortedResourceNames(list: Obj): string[] {
  return goSort(Object.keys(list), (a, b) => goStringLess(a, b) < 0);
}

/** describeResources prints Limits: then Requests:, each resource at level+1. */
export function describeResources(resources: Obj, w: PrefixWriter, level: number): void {
  for (const [field, title] of [['limits', 'Limits'], ['requests', 'Requests']] as const) {
    const list = rec(resources, field);
    const names = sortedResourceNames(list);
    if (names.length > 0) w.write(level, `${title}:\n`);
    for (const name of names) w.write(level + 1, `${name}:\t${quantityString(list[name])}\n`);
  }
}

function describeStatus(title: string, state: unknown, w: PrefixWriter, zone: ZoneOffset): void {
  if (has(state, 'running')) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(get(state, 'running', 'startedAt'), zone)}\n`);
  } else if (has(state, 'waiting')) {
    w.write(2, `${title}:\tWaiting\n`);
    if (str(state, 'waiting', 'reason')) w.write(3, `Reason:\t${str(state, 'waiting', 'reason')}\n`);
  } else if (has(state, 'terminated')) {
    const t = get(state, 'terminated');
    w.write(2, `${title}:\tTerminated\n`);
    if (str(t, 'reason')) w.write(3, `Reason:\t${str(t, 'reason')}\n`);
    if (str(t, 'message')) w.write(3, `Message:\t${str(t, 'message')}\n`);
    w.write(3, `Exit Code:\t${num(t, 'exitCode')}\n`);
    if (num(t, 'signal') > 0) w.write(3, `Signal:\t${num(t, 'signal')}\n`);
    w.write(3, `Started:\t${rfc1123z(get(t, 'startedAt'), zone)}\n`);
    w.write(3, `Finished:\t${rfc1123z(get(t, 'finishedAt'), zone)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
  }
}

function describeContainerState(status: Obj, w: PrefixWriter, zone: ZoneOffset): void {
  describeStatus('State', get(status, 'state'), w, zone);
  if (has(status, 'lastState', 'terminated')) describeStatus('Last State', get(status, 'lastState'), w, zone);
  w.write(2, `Ready:\t${printBool(bool(status, 'ready'))}\n`);
  w.write(2, `Restart Count:\t${num(status, 'restartCount')}\n`);
}

/** probeURL is the url.URL{Scheme, Host, Path}.String() describe builds for an httpGet probe. */
function probeURL(httpGet: unknown): string {
  const scheme = str(httpGet, 'scheme').toLowerCase();
  const port = intOrString(get(httpGet, 'port'));
  const h = str(httpGet, 'host');
  const host = port === '' ? h : h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
  let path = encodeURI(str(httpGet, 'path')).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
  if (path !== '' && !path.startsWith('/') && host !== '') path = `/${path}`;
  const slashes = (scheme !== '' || host !== '') && (host !== '' || path !== '') ? '//' : '';
  return `${scheme ? `${scheme}:` : ''}${slashes}${host}${path}`;
}

/** describeProbe is DescribeProbe: the action, then `delay=… timeout=… period=… #success=… #failure=…`. */
export function describeProbe(probe: unknown): string {
  const attrs = `delay=${num(probe, 'initialDelaySeconds')}s timeout=${num(probe, 'timeoutSeconds')}s period=${num(probe, 'periodSeconds')}s #success=${num(probe, 'successThreshold')} #failure=${num(probe, 'failureThreshold')}`;
  if (has(probe, 'exec')) return `exec [${arr(probe, 'exec', 'command').map(String).join(' ')}] ${attrs}`;
  if (has(probe, 'httpGet')) return `http-get ${probeURL(get(probe, 'httpGet'))} ${attrs}`;
  if (has(probe, 'tcpSocket')) return `tcp-socket ${str(probe, 'tcpSocket', 'host')}:${intOrString(get(probe, 'tcpSocket', 'port'))} ${attrs}`;
  if (has(probe, 'grpc')) return `grpc <pod>:${num(probe, 'grpc', 'port')} ${str(probe, 'grpc', 'service')} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeContainerProbes(c: Obj, w: PrefixWriter): void {
  for (const [field, title] of [['livenessProbe', 'Liveness'], ['readinessProbe', 'Readiness'], ['startupProbe', 'Startup']] as const) {
    if (has(c, field)) w.write(2, `${title}:\t${describeProbe(get(c, field))}\n`);
  }
}

function describeContainerVolumes(c: Obj, w: PrefixWriter): void {
  const mounts = items(c, 'volumeMounts');
  const none = mounts.length === 0 ? '\t<none>' : '';
  w.write(2, `Mounts:${none}\n`);
  for (const m of goSort([...mounts], (a, b) => str(a, 'mountPath') < str(b, 'mountPath'))) {
    const flags = [bool(m, 'readOnly') ? 'ro' : 'rw'];
    if (str(m, 'subPath')) flags.push(`path=${JSON.stringify(str(m, 'subPath'))}`);
    w.write(3, `${str(m, 'mountPath')} from ${str(m, 'name')} (${flags.join(',')})\n`);
  }
  const devices = items(c, 'volumeDevices');
  if (devices.length > 0) {
    w.write(2, `Devices:${none}\n`);
    for (const d of goSort([...devices], (a, b) => str(a, 'devicePath') < str(b, 'devicePath'))) w.write(3, `${str(d, 'devicePath')} from ${str(d, 'name')}\n`);
  }
}

/** resourceFieldValue is resourcehelper.ExtractContainerResourceValue for the container's own resources; undefined when unsupported. */
function resourceFieldValue(ref: unknown, c: Obj): string | undefined {
  const resource = str(ref, 'resource');
  const divisor = toQuantity(optStr(ref, 'divisor') ?? '0');
  const div = divisor === undefined || divisor.nanos === 0n ? toQuantity('1')! : divisor;
  const [kind, name] = resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || name === undefined) return undefined;
  if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) return undefined;
  const q = toQuantity(str(c, 'resources', kind, name) || '0') ?? toQuantity('0')!;
  if (name === 'cpu') return String(Math.ceil(Number(quantityMilliValue(q)) / Number(quantityMilliValue(div))));
  return String(Math.ceil(Number(quantityValue(q)) / Number(quantityValue(div))));
}

function describeContainerEnvVars(c: Obj, resolver: EnvResolver | undefined, w: PrefixWriter): void {
  const env = items(c, 'env');
  w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const name = str(e, 'name');
    const from = get(e, 'valueFrom');
    if (!has(from)) {
      str(e, 'value').split('\n').forEach((line, i) => w.write(3, i === 0 ? `${name}:\t${line}\n` : `\t${line}\n`));
      continue;
    }
    if (has(from, 'fieldRef')) {
      w.write(3, `${name}:\t${resolver ? resolver(e) : ''} (${str(from, 'fieldRef', 'apiVersion')}:${str(from, 'fieldRef', 'fieldPath')})\n`);
    } else if (has(from, 'resourceFieldRef')) {
      const resource = str(from, 'resourceFieldRef', 'resource');
      let value = resourceFieldValue(get(from, 'resourceFieldRef'), c) ?? '';
      if (value === '0' && (resource === 'limits.cpu' || resource === 'limits.memory')) value = 'node allocatable';
      w.write(3, `${name}:\t${value} (${resource})\n`);
    } else if (has(from, 'secretKeyRef')) {
      const ref = get(from, 'secretKeyRef');
      w.write(3, `${name}:\t<set to the key '${str(ref, 'key')}' in secret '${str(ref, 'name')}'>\tOptional: ${bool(ref, 'optional')}\n`);
    } else if (has(from, 'configMapKeyRef')) {
      const ref = get(from, 'configMapKeyRef');
      w.write(3, `${name}:\t<set to the key '${str(ref, 'key')}' of config map '${str(ref, 'name')}'>\tOptional: ${bool(ref, 'optional')}\n`);
    }
  }
}

function describeContainerEnvFrom(c: Obj, w: PrefixWriter): void {
  w.write(2, 'Environment Variables from:\n');
  for (const e of items(c, 'envFrom')) {
    const [from, ref] = has(e, 'configMapRef') ? ['ConfigMap', get(e, 'configMapRef')] : has(e, 'secretRef') ? ['Secret', get(e, 'secretRef')] : ['', undefined];
    const prefix = str(e, 'prefix');
    const source = prefix === '' ? from : `${from} with prefix '${prefix}'`;
    w.write(3, `${str(ref, 'name')}\t${source}\tOptional: ${bool(ref, 'optional')}\n`);
  }
}
