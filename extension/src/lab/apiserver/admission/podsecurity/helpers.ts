/**
 * helpers are the shapes the checks read and the small helpers they share
 * (pod-security-admission/policy helpers.go and visitor.go). Pods are plain
 * JSON here; each check reads only the fields it restricts.
 */
import type { ObjectMeta } from '../../../api/types';

export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name: string; value?: string }[];
}

export interface HostHandler {
  httpGet?: { host?: string };
  tcpSocket?: { host?: string };
}

export interface ContainerSpec {
  name: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
  livenessProbe?: HostHandler;
  readinessProbe?: HostHandler;
  startupProbe?: HostHandler;
  lifecycle?: { postStart?: HostHandler; preStop?: HostHandler };
}

export interface Volume {
  name: string;
  [source: string]: unknown;
}

export interface PodSpec {
  securityContext?: SecurityContext;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  ephemeralContainers?: ContainerSpec[];
  volumes?: Volume[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  runtimeClassName?: string;
}

/** CheckPodFn evaluates one check against a pod's metadata and spec. */
export type CheckPodFn = (meta: ObjectMeta, spec: PodSpec) => CheckResult;

/** CheckResult says whether a check allowed the pod and, if not, why ("host ports") and the detail ("8080, 9090"). */
export interface CheckResult {
  allowed: boolean;
  forbiddenReason?: string;
  forbiddenDetail?: string;
}

export const ALLOWED: CheckResult = { allowed: true };

export function forbidden(reason: string, detail: string): CheckResult {
  return { allowed: false, forbiddenReason: reason, forbiddenDetail: detail };
}

/** visitContainers yields init containers, then containers, then ephemeral containers. */
export function containersOf(spec: PodSpec): ContainerSpec[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** joinQuote quotes each item and joins them: `"a", "b"`. */
export function joinQuote(items: readonly string[]): string {
  return items.length ? `"${items.join('", "')}"` : '';
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** sorted is sets.String.List(): unique, in byte order. */
export function sorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** goQuote is Go's %q for ordinary strings. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** relaxForUserNamespace: a pod in its own user namespace (hostUsers: false) is relaxed by some checks from policy v1.35. */
export function relaxForUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}

export function isWindows(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}

/** containersPhrase prints `container "a"` or `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}
